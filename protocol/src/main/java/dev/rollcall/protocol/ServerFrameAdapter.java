package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;

import java.nio.ByteBuffer;

/**
 * Client side: decodes the frames a server sends (docs/protocol.md, "Server → client") and calls a
 * {@link ServerFrameHandler}.
 *
 * <pre>
 *  0x01 HELLO           u16 protocolVersion, u32 heartbeatIntervalMs, u32 maxFrameSize, u32 rateLimitCommands,
 *                       u32 rateLimitWindowMs, u32 identifyTimeoutMs
 *  0x02 READY           i64 sessionId, i64 userId, i64 seq
 *  0x03 HEARTBEAT_ACK   i64 seq
 *  0x04 RESUMED         i64 seq
 *  0x05 INVALID_SESSION bool resumable
 *  0x06 RESULT          u32 requestId, u8 result (0..10)
 *  0x07 ERROR           u32 requestId, u16 code, string message
 *  0x08 DISPATCH        i64 seq, u8 eventType (0..6), i64 userId, i64 updateId, i64 lobbyId, i64 time,
 *                       nstring reason, changes
 *  0x09 CLOSE           u16 code, string message
 *  0x0A CLIENTS         u32 requestId, u16 count (0..256), count x (i64 userId, bool present
 *                       [, bool connected, i64 lastDisconnected, i64 updateId, changes with mask 0x1FFF or 0x1FEF])
 *  0x0B CLIENT_IDS      u32 requestId, i64 nextCursor, u16 count (0..1024), count x i64 userId
 *  0x0C STATS           u32 requestId, i64 nowMs, i64 gracePeriodMs, u16 count, count x (string name, i64 value)
 * </pre>
 *
 * Reuses its holders (one {@link Changes}, a {@link ClientView} array of at most 256, a {@code long[]} of at most
 * 1024, the {@code String[]} and {@code long[]} of the counters, grown only as far as a frame's count, which is
 * checked against the frame's bytes first); strings are allocated, except counter names of up to 64 UTF-8 bytes,
 * which come from a bounded cache keyed by their bytes, so a {@code STATS} naming the counters of the last one
 * allocates nothing. The {@code changes} hold the fields of a {@link FieldTable}
 * ({@link FieldTable#PRESENCE} unless one is given). One instance per thread.
 */
public final class ServerFrameAdapter
{
    private static final int INITIAL_IDS = 16;
    private static final int MIN_CLIENT_BYTES = Long.BYTES + 1;
    private static final int MIN_COUNTER_BYTES = 2 + Long.BYTES;
    private static final int MAX_COUNTERS = 0xFFFF;

    private final ServerFrameHandler handler;
    private final WireReader reader;
    private final int fullMask;
    private final int fullMaskWithoutAttributes;
    private boolean completed;
    private final Changes changes = new Changes();
    private ClientView[] clients = new ClientView[0];
    private long[] ids = new long[INITIAL_IDS];
    private String[] counterNames = new String[0];
    private long[] counterValues = new long[0];

    /**
     * An adapter calling {@code handler}.
     *
     * @param handler receives the decoded frames
     */
    public ServerFrameAdapter(final ServerFrameHandler handler)
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
    public ServerFrameAdapter(final ServerFrameHandler handler, final FieldTable table)
    {
        this.handler = handler;
        this.reader = new WireReader(table, false);
        this.fullMask = table.allMask();
        this.fullMaskWithoutAttributes =
            table.attributesNumber() < 0 ? fullMask : fullMask & ~(1 << table.attributesNumber());
    }

    /**
     * Decodes the one whole frame at {@code in.position()} (header included), advances the position past it and
     * calls exactly one handler method (after the position has been advanced, and not touched again after the
     * handler returns); or throws. On a decoding exception the position is still advanced past the frame. The buffer's byte order is not changed.
     *
     * @param in          the buffer holding the frame at its position
     * @param frameLength the frame's total length, as returned by {@link FrameSplitter#nextFrame}
     * @throws ProtocolException {@link ErrorCode#UNKNOWN_OP} for a client op or an unknown op;
     *                           {@link ErrorCode#MALFORMED_FRAME} for a truncated or overlong body, a bad bool, a bad
     *                           enum (status &gt; 3, attribute kind not 1..3, result &gt; 10, event type &gt; 6),
     *                           invalid UTF-8, mask bits of no field set (13..15 for the presence table), attribute count 0, a CLIENTS count &gt; 256 or a
     *                           present client whose state does not hold every field, a CLIENT_IDS count &gt; 1024,
     *                           a STATS count the body cannot hold, or a header length that does not match {@code frameLength}
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
                case Protocol.HELLO:
                    hello(in, end);
                    break;
                case Protocol.READY:
                    ready(in, end);
                    break;
                case Protocol.HEARTBEAT_ACK:
                    heartbeatAck(in, end);
                    break;
                case Protocol.RESUMED:
                    resumed(in, end);
                    break;
                case Protocol.INVALID_SESSION:
                    invalidSession(in, end);
                    break;
                case Protocol.RESULT:
                    result(in, end);
                    break;
                case Protocol.ERROR:
                    error(in, end);
                    break;
                case Protocol.DISPATCH:
                    dispatch(in, end);
                    break;
                case Protocol.CLOSE:
                    close(in, end);
                    break;
                case Protocol.CLIENTS:
                    clients(in, end);
                    break;
                case Protocol.CLIENT_IDS:
                    clientIds(in, end);
                    break;
                case Protocol.STATS:
                    stats(in, end);
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

    private void hello(final ByteBuffer in, final int end) throws ProtocolException
    {
        final int protocolVersion = reader.u16();
        final int heartbeatIntervalMs = reader.i32();
        final int maxFrameSize = reader.i32();
        final int rateLimitCommands = reader.i32();
        final int rateLimitWindowMs = reader.i32();
        final int identifyTimeoutMs = reader.i32();
        complete(in, end);
        handler.onHello(
            protocolVersion, heartbeatIntervalMs, maxFrameSize, rateLimitCommands, rateLimitWindowMs, identifyTimeoutMs);
    }

    private void ready(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long sessionId = reader.i64();
        final long userId = reader.i64();
        final long seq = reader.i64();
        complete(in, end);
        handler.onReady(sessionId, userId, seq);
    }

    private void heartbeatAck(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long seq = reader.i64();
        complete(in, end);
        handler.onHeartbeatAck(seq);
    }

    private void resumed(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long seq = reader.i64();
        complete(in, end);
        handler.onResumed(seq);
    }

    private void invalidSession(final ByteBuffer in, final int end) throws ProtocolException
    {
        final boolean resumable = reader.bool();
        complete(in, end);
        handler.onInvalidSession(resumable);
    }

    private void result(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final Result result = Result.fromCode(reader.enumCode(Result.count(), "result"));
        complete(in, end);
        handler.onResult(requestId, result);
    }

    private void error(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final int code = reader.u16();
        final String message = reader.string();
        complete(in, end);
        handler.onError(requestId, code, message);
    }

    private void dispatch(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long seq = reader.i64();
        final EventType type = EventType.fromCode(reader.enumCode(EventType.count(), "event type"));
        final long userId = reader.i64();
        final long updateId = reader.i64();
        final long lobbyId = reader.i64();
        final long time = reader.i64();
        final String reason = reader.nstring();
        reader.changes(changes);
        complete(in, end);
        handler.onDispatch(seq, type, userId, updateId, lobbyId, time, reason, changes);
    }

    private void close(final ByteBuffer in, final int end) throws ProtocolException
    {
        final int code = reader.u16();
        final String message = reader.string();
        complete(in, end);
        handler.onClose(code, message);
    }

    private void clients(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final int count = reader.count(0, Protocol.MAX_GET_CLIENTS, MIN_CLIENT_BYTES, "client count");
        ensureClients(count);
        for (int i = 0; i < count; i++)
        {
            final ClientView client = clients[i];
            final long userId = reader.i64();
            if (reader.bool())
            {
                final boolean connected = reader.bool();
                final long lastDisconnected = reader.i64();
                final long updateId = reader.i64();
                client.set(userId, connected, lastDisconnected, updateId);
                reader.changes(client.state());
                final int mask = client.state().mask();
                if (mask != fullMask && mask != fullMaskWithoutAttributes)
                {
                    throw WireReader.malformed("client " + userId + " state mask 0x" + Integer.toHexString(mask) +
                        " does not hold every field");
                }
            }
            else
            {
                client.absent(userId);
            }
        }
        complete(in, end);
        handler.onClients(requestId, clients, count);
    }

    private void clientIds(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final long nextCursor = reader.i64();
        final int count = reader.count(0, Protocol.MAX_LIST_LIMIT, Long.BYTES, "id count");
        ids = ClientFrameAdapter.ensure(ids, count, Protocol.MAX_LIST_LIMIT);
        reader.longs(ids, count);
        complete(in, end);
        handler.onClientIds(requestId, nextCursor, ids, count);
    }

    private void stats(final ByteBuffer in, final int end) throws ProtocolException
    {
        final long requestId = reader.u32();
        final long nowMs = reader.i64();
        final long gracePeriodMs = reader.i64();
        final int count = reader.count(0, MAX_COUNTERS, MIN_COUNTER_BYTES, "counter count");
        if (count > counterNames.length)
        {
            final int newLength = Math.max(count, Math.min(Math.max(counterNames.length * 2, INITIAL_IDS), MAX_COUNTERS));
            counterNames = new String[newLength];
            counterValues = new long[newLength];
        }
        for (int i = 0; i < count; i++)
        {
            counterNames[i] = reader.name();
            counterValues[i] = reader.i64();
        }
        complete(in, end);
        handler.onStats(requestId, nowMs, gracePeriodMs, counterNames, counterValues, count);
    }

    private void ensureClients(final int count)
    {
        if (count <= clients.length)
        {
            return;
        }
        final int newLength = Math.max(count, Math.min(Math.max(clients.length * 2, INITIAL_IDS), Protocol.MAX_GET_CLIENTS));
        final ClientView[] grown = new ClientView[newLength];
        System.arraycopy(clients, 0, grown, 0, clients.length);
        for (int i = clients.length; i < newLength; i++)
        {
            grown[i] = new ClientView();
        }
        clients = grown;
    }
}
