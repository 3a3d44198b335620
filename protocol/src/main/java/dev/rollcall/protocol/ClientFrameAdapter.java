package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldTable;

import java.nio.ByteBuffer;

/**
 * Server side: decodes the frames clients send (docs/protocol.md, "Client → server") and calls a
 * {@link ClientFrameHandler}.
 *
 * <pre>
 *  0x20 IDENTIFY        u16 protocolVersion, string token, changes presence, bool sharded
 *                       [, u32 shardId, u32 shardCount]
 *  0x21 RESUME          string token, i64 sessionId, i64 lastSeq
 *  0x22 HEARTBEAT       i64 lastSeq
 *  0x23 UPDATE          u32 requestId, u8 group (1..3), string reason, changes
 *  0x24 SUBSCRIBE       u32 requestId, u16 clientCount, clientCount x i64, u16 lobbyCount, lobbyCount x i64
 *  0x25 UNSUBSCRIBE     same layout as SUBSCRIBE
 *  0x26 GET_CLIENTS     u32 requestId, u16 count (1..256), count x i64 userId
 *  0x27 LIST_CLIENT_IDS u32 requestId, i64 afterUserId, u16 limit (1..1024)
 *  0x28 GET_STATS       u32 requestId
 * </pre>
 *
 * Reuses its holders (one {@link Changes}, two {@code long[]} grown only as far as a frame's counts, which are
 * checked against the frame's bytes first). Strings of up to 64 UTF-8 bytes (reasons, attribute keys and values)
 * come from a bounded cache of 2,048 keyed by their bytes, so a value seen before allocates nothing; longer ones,
 * and tokens, are allocated. The {@code changes} hold the fields of a {@link FieldTable}
 * ({@link FieldTable#PRESENCE} unless one is given). One instance per thread.
 */
public final class ClientFrameAdapter
{
    private static final int INITIAL_IDS = 16;
    private static final int MAX_SUBSCRIBE_COUNT = 0xFFFF;

    private final ClientFrameHandler handler;
    private final WireReader reader;
    private boolean completed;
    private final Changes presence = new Changes();
    private long[] clientIds = new long[INITIAL_IDS];
    private long[] lobbyIds = new long[INITIAL_IDS];

    /**
     * An adapter calling {@code handler}.
     *
     * @param handler receives the decoded frames
     */
    public ClientFrameAdapter(final ClientFrameHandler handler)
    {
        this(handler, FieldTable.PRESENCE);
    }

    /**
     * An adapter calling {@code handler}, decoding the {@code changes} of a table of fields other than
     * {@link FieldTable#PRESENCE} (a test's table with one more field).
     *
     * @param handler receives the decoded frames
     * @param table   the fields a {@code changes} value may hold
     */
    public ClientFrameAdapter(final ClientFrameHandler handler, final FieldTable table)
    {
        this.handler = handler;
        this.reader = new WireReader(table, true);
    }

    /**
     * Decodes the one whole frame at {@code in.position()} (header included), advances the position past it and
     * calls exactly one handler method (after the position has been advanced, and not touched again after the
     * handler returns); or throws. On a decoding exception the position is still advanced past the frame. The buffer's byte order is not changed.
     *
     * @param in          the buffer holding the frame at its position
     * @param frameLength the frame's total length, as returned by {@link FrameSplitter#nextFrame}
     * @throws ProtocolException {@link ErrorCode#UNKNOWN_OP} for a server op or an unknown op;
     *                           {@link ErrorCode#MALFORMED_FRAME} for a truncated or overlong body, a bad bool, a bad
     *                           enum (status &gt; 3, attribute kind not 1..3, group not 1..3), invalid UTF-8, mask
     *                           bits of no field set (13..15 for the presence table), attribute count 0, get_clients count 0 or &gt; 256, list limit 0 or
     *                           &gt; 1024, or a header length that does not match {@code frameLength}
     * @throws IllegalArgumentException when {@code frameLength} is below 5 or beyond the buffer's limit (a caller
     *                                  bug: the position is not moved)
     */
    public void decode(final ByteBuffer in, final int frameLength) throws ProtocolException
    {
        final int start = in.position();
        if (frameLength < Protocol.HEADER_LENGTH + 1 || frameLength > in.limit() - start)
        {
            throw new IllegalArgumentException(
                "frame length " + frameLength + " not in 5.." + (in.limit() - start) + " (bytes remaining)");
        }
        final int end = start + frameLength;
        completed = false;
        try
        {
            final int op = reader.begin(in, start, frameLength);
            switch (op)
            {
                case Protocol.IDENTIFY:
                    identify(in, end);
                    break;
                case Protocol.RESUME:
                    resume(in, end);
                    break;
                case Protocol.HEARTBEAT:
                    heartbeat(in, end);
                    break;
                case Protocol.UPDATE:
                    update(in, end);
                    break;
                case Protocol.SUBSCRIBE:
                    subscribe(in, end, true);
                    break;
                case Protocol.UNSUBSCRIBE:
                    subscribe(in, end, false);
                    break;
                case Protocol.GET_CLIENTS:
                    getClients(in, end);
                    break;
                case Protocol.LIST_CLIENT_IDS:
                    listClientIds(in, end);
                    break;
                case Protocol.GET_STATS:
                    getStats(in, end);
                    break;
                default:
                    throw new ProtocolException(ErrorCode.UNKNOWN_OP, "unknown op " + Protocol.opName(op));
            }
        }
        finally
        {
            reader.release();
            if (!completed)
            {
                in.position(end);
            }
        }
    }

    private void complete(final ByteBuffer in, final int end) throws ProtocolException
    {
        reader.finish();
        in.position(end);
        completed = true;
    }

    private void identify(final ByteBuffer in, final int end) throws ProtocolException
    {
        final int protocolVersion = reader.u16();
        final String token = reader.secret();
        reader.changes(presence);
        final boolean sharded = reader.bool();
        int shardId = 0;
        int shardCount = 0;
        if (sharded)
        {
            shardId = reader.i32();
            shardCount = reader.i32();
        }
        complete(in, end);
        handler.onIdentify(protocolVersion, token, presence, sharded, shardId, shardCount);
    }

    private void resume(final ByteBuffer in, final int end) throws ProtocolException
    {
        final String token = reader.secret();
        final long sessionId = reader.i64();
        final long lastSeq = reader.i64();
        complete(in, end);
        handler.onResume(token, sessionId, lastSeq);
    }

    private void heartbeat(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long lastSeq = reader.i64();
        complete(in, end);
        handler.onHeartbeat(lastSeq);
    }

    private void update(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final int group = reader.u8();
        if (group < Protocol.GROUP_STANDARD || group > Protocol.GROUP_FULL)
        {
            throw WireReader.malformed("bad group " + group);
        }
        final String reason = reader.string();
        reader.changes(presence);
        complete(in, end);
        handler.onUpdate(requestId, group, reason, presence);
    }

    private void subscribe(final ByteBuffer in, final int end, final boolean subscribe) throws ProtocolException
    {
        final long requestId = reader.u32();
        final int clientCount = reader.count(0, MAX_SUBSCRIBE_COUNT, Long.BYTES, "client count");
        clientIds = ensure(clientIds, clientCount, MAX_SUBSCRIBE_COUNT);
        reader.longs(clientIds, clientCount);
        final int lobbyCount = reader.count(0, MAX_SUBSCRIBE_COUNT, Long.BYTES, "lobby count");
        lobbyIds = ensure(lobbyIds, lobbyCount, MAX_SUBSCRIBE_COUNT);
        reader.longs(lobbyIds, lobbyCount);
        complete(in, end);
        handler.onSubscribe(requestId, subscribe, clientIds, clientCount, lobbyIds, lobbyCount);
    }

    private void getClients(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final int count = reader.count(1, Protocol.MAX_GET_CLIENTS, Long.BYTES, "get_clients count");
        clientIds = ensure(clientIds, count, MAX_SUBSCRIBE_COUNT);
        reader.longs(clientIds, count);
        complete(in, end);
        handler.onGetClients(requestId, clientIds, count);
    }

    private void listClientIds(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final long afterUserId = reader.i64();
        final int limit = reader.u16();
        if (limit < 1 || limit > Protocol.MAX_LIST_LIMIT)
        {
            throw WireReader.malformed("list limit " + limit + " not in 1.." + Protocol.MAX_LIST_LIMIT);
        }
        complete(in, end);
        handler.onListClientIds(requestId, afterUserId, limit);
    }

    private void getStats(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        complete(in, end);
        handler.onGetStats(requestId);
    }

    static long[] ensure(final long[] array, final int count, final int max)
    {
        if (count <= array.length)
        {
            return array;
        }
        return new long[Math.max(count, Math.min(array.length * 2, max))];
    }
}
