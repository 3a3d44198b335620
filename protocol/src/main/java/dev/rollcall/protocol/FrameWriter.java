package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.model.wire.NioWireBuffer;
import dev.rollcall.model.wire.WireEncoder;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes whole frames (docs/protocol.md) into a {@link ByteBuffer} at its position: an int32 little-endian
 * {@code length} (op + body), the op byte, then the op's body; all integers little-endian whatever the target's
 * byte order (the target's order is not changed).
 *
 * <p>Every method writes one complete frame, advances the target's position past it and returns its total length
 * in bytes ({@code 4 + length}). When the frame does not fit it throws {@link BufferOverflowException}, and when
 * an argument cannot be expressed on the wire (a null string, a status or attribute entry; a value out of its
 * type's range; a count outside the protocol's limits; a bad enum code; a frame longer than
 * {@link Protocol#MAX_SERVER_FRAME_SIZE}) it throws {@link IllegalArgumentException}; either way the target's
 * position is left where it was (bytes after it may have been overwritten). Writes with absolute puts: no
 * allocation, neither per frame nor in {@link #wrap}. Strings, {@code changes} values and the body of
 * {@code DISPATCH} are written by the model's {@link WireEncoder} (the one encoder of those layouts, which the
 * core uses for its events too): UTF-8 by hand, without allocation (a surrogate pair becomes 4 bytes, a lone
 * surrogate {@code '?'}), and the {@code changes} by looping over a {@link FieldTable}
 * ({@link FieldTable#PRESENCE} unless one is given).
 *
 * <p>The writer does not apply the server's {@code maxFrameSize}: check the returned length if you must. Not
 * thread-safe.
 */
public final class FrameWriter
{
    private final WireEncoder encoder;
    private final NioWireBuffer wire = new NioWireBuffer();
    private final int fullMask;
    private final int fullMaskWithoutAttributes;
    private ByteBuffer target;
    private boolean swap;
    private int cursor;
    private int limit;

    /**
     * A writer encoding into {@code target}.
     *
     * @param target the buffer to write frames into, at its position
     */
    public FrameWriter(final ByteBuffer target)
    {
        this(target, FieldTable.PRESENCE);
    }

    /**
     * A writer encoding into {@code target} the {@code changes} of a table of fields other than
     * {@link FieldTable#PRESENCE} (a test's table with one more field).
     *
     * @param target the buffer to write frames into, at its position
     * @param table  the fields a {@code changes} value may hold
     */
    public FrameWriter(final ByteBuffer target, final FieldTable table)
    {
        encoder = new WireEncoder(table);
        fullMask = table.allMask();
        fullMaskWithoutAttributes = table.attributesNumber() < 0 ? fullMask : fullMask & ~(1 << table.attributesNumber());
        wrap(target);
    }

    /**
     * Switches to another target buffer.
     *
     * @param target the buffer to write frames into, at its position
     * @return this
     */
    public FrameWriter wrap(final ByteBuffer target)
    {
        this.target = target;
        return this;
    }

    /**
     * The buffer this writer writes into.
     *
     * @return the target
     */
    public ByteBuffer target()
    {
        return target;
    }

    /**
     * {@code HELLO}: {@code u16 protocolVersion, u32 heartbeatIntervalMs, u32 maxFrameSize, u32 rateLimitCommands,
     * u32 rateLimitWindowMs, u32 identifyTimeoutMs}. The u32 values are written from the ints' bits.
     *
     * @param protocolVersion     0..65535
     * @param heartbeatIntervalMs the heartbeat interval
     * @param maxFrameSize        the largest client frame {@code length}
     * @param rateLimitCommands   frames allowed per window
     * @param rateLimitWindowMs   the rate limit window
     * @param identifyTimeoutMs   the identify timeout
     * @return the frame's total length
     */
    public int hello(
        final int protocolVersion,
        final int heartbeatIntervalMs,
        final int maxFrameSize,
        final int rateLimitCommands,
        final int rateLimitWindowMs,
        final int identifyTimeoutMs)
    {
        final int start = begin(Protocol.HELLO);
        putShort(Wire.u16(protocolVersion, "protocolVersion"));
        putInt(heartbeatIntervalMs);
        putInt(maxFrameSize);
        putInt(rateLimitCommands);
        putInt(rateLimitWindowMs);
        putInt(identifyTimeoutMs);
        return end(start);
    }

    /**
     * {@code READY}: {@code i64 sessionId, i64 userId, i64 seq}.
     *
     * @param sessionId the session id
     * @param userId    the identified user
     * @param seq       the last seq of this session (0 for a new one)
     * @return the frame's total length
     */
    public int ready(final long sessionId, final long userId, final long seq)
    {
        final int start = begin(Protocol.READY);
        putLong(sessionId);
        putLong(userId);
        putLong(seq);
        return end(start);
    }

    /**
     * {@code HEARTBEAT_ACK}: {@code i64 seq}.
     *
     * @param seq the last seq dispatched to this session
     * @return the frame's total length
     */
    public int heartbeatAck(final long seq)
    {
        return opAndLong(Protocol.HEARTBEAT_ACK, seq);
    }

    /**
     * {@code RESUMED}: {@code i64 seq}.
     *
     * @param seq the last seq replayed
     * @return the frame's total length
     */
    public int resumed(final long seq)
    {
        return opAndLong(Protocol.RESUMED, seq);
    }

    /**
     * {@code INVALID_SESSION}: {@code bool resumable}.
     *
     * @param resumable whether a retry may succeed
     * @return the frame's total length
     */
    public int invalidSession(final boolean resumable)
    {
        final int start = begin(Protocol.INVALID_SESSION);
        putBool(resumable);
        return end(start);
    }

    /**
     * {@code RESULT}: {@code u32 requestId, u8 result}.
     *
     * @param requestId 0..0xFFFFFFFF
     * @param result    the result (its {@link Result#code()} is written)
     * @return the frame's total length
     */
    public int result(final long requestId, final Result result)
    {
        if (null == result)
        {
            throw new IllegalArgumentException("result is null");
        }
        final int start = begin(Protocol.RESULT);
        putU32(requestId, "requestId");
        putByte(result.code());
        return end(start);
    }

    /**
     * {@code ERROR}: {@code u32 requestId, u16 code, string message}.
     *
     * @param requestId 0..0xFFFFFFFF ({@code 0} when not about a request)
     * @param code      0..65535 (an {@link ErrorCode#code()})
     * @param message   the message, truncated to {@link Protocol#MAX_MESSAGE_BYTES} UTF-8 bytes
     * @return the frame's total length
     */
    public int error(final long requestId, final int code, final String message)
    {
        final int start = begin(Protocol.ERROR);
        putU32(requestId, "requestId");
        putShort(Wire.u16(code, "code"));
        putString(message, Protocol.MAX_MESSAGE_BYTES, true, "message");
        return end(start);
    }

    /**
     * {@code CLOSE}: {@code u16 code, string message}.
     *
     * @param code    0..65535 (an {@link ErrorCode#code()})
     * @param message the message, truncated to {@link Protocol#MAX_MESSAGE_BYTES} UTF-8 bytes
     * @return the frame's total length
     */
    public int close(final int code, final String message)
    {
        final int start = begin(Protocol.CLOSE);
        putShort(Wire.u16(code, "code"));
        putString(message, Protocol.MAX_MESSAGE_BYTES, true, "message");
        return end(start);
    }

    /**
     * {@code DISPATCH}: {@code i64 seq, u8 eventType, i64 userId, i64 updateId, i64 lobbyId, i64 time,
     * nstring reason, changes}: the body is an event as {@link EventDescriptor} lays it out, the very bytes the
     * core makes of its events.
     *
     * @param seq          the session's event number
     * @param type         the event type (its {@link EventType#code()} is written)
     * @param userId       the client the event is about
     * @param updateId     the event's update id
     * @param lobbyId      the event's lobby id
     * @param time         the event's time
     * @param reasonOrNull the reason, or null (at most 65534 UTF-8 bytes)
     * @param changes      the changed fields (null: none)
     * @return the frame's total length
     */
    public int dispatch(
        final long seq,
        final EventType type,
        final long userId,
        final long updateId,
        final long lobbyId,
        final long time,
        final String reasonOrNull,
        final Changes changes)
    {
        final int start = begin(Protocol.DISPATCH);
        cursor = encoder.putEvent(wire, cursor, seq, type, userId, updateId, lobbyId, time, reasonOrNull, changes);
        return end(start);
    }

    /**
     * {@code CLIENTS}: {@code u32 requestId, u16 count}, then per client {@code i64 userId, bool present} and,
     * when present, {@code bool connected, i64 lastDisconnected, i64 updateId, changes} (every field of the
     * table: the state's mask must be {@code 0x1FFF}, or {@code 0x1FEF} when the client has no attributes, for
     * {@link FieldTable#PRESENCE}).
     *
     * @param requestId 0..0xFFFFFFFF
     * @param clients   the clients
     * @param count     how many of {@code clients} to write, 0..{@link Protocol#MAX_GET_CLIENTS}
     * @return the frame's total length
     */
    public int clients(final long requestId, final ClientView[] clients, final int count)
    {
        checkCount(clients == null ? 0 : clients.length, count, 0, Protocol.MAX_GET_CLIENTS, "client count");
        final int start = begin(Protocol.CLIENTS);
        putU32(requestId, "requestId");
        putShort(count);
        for (int i = 0; i < count; i++)
        {
            final ClientView client = clients[i];
            if (client == null)
            {
                throw new IllegalArgumentException("client " + i + " is null");
            }
            putLong(client.userId());
            putBool(client.present());
            if (client.present())
            {
                final int mask = client.state().mask();
                if (mask != fullMask && mask != fullMaskWithoutAttributes)
                {
                    throw new IllegalArgumentException("client " + client.userId() + " state mask 0x" +
                        Integer.toHexString(mask) + " does not hold every field");
                }
                putBool(client.connected());
                putLong(client.lastDisconnected());
                putLong(client.updateId());
                putChanges(client.state());
            }
        }
        return end(start);
    }

    /**
     * {@code CLIENT_IDS}: {@code u32 requestId, i64 nextCursor, u16 count, count x i64 userId}.
     *
     * @param requestId  0..0xFFFFFFFF
     * @param nextCursor the cursor for the next page ({@code 0} = no more)
     * @param ids        the ids
     * @param count      how many of {@code ids} to write, 0..{@link Protocol#MAX_LIST_LIMIT}
     * @return the frame's total length
     */
    public int clientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
    {
        checkCount(ids == null ? 0 : ids.length, count, 0, Protocol.MAX_LIST_LIMIT, "id count");
        final int start = begin(Protocol.CLIENT_IDS);
        putU32(requestId, "requestId");
        putLong(nextCursor);
        putLongs(ids, count);
        return end(start);
    }

    /**
     * {@code STATS}: {@code u32 requestId, i64 nowMs, i64 gracePeriodMs, u16 count, count x (string name, i64 value)},
     * the answer to an observer's {@code GET_STATS}.
     *
     * @param requestId     0..0xFFFFFFFF
     * @param nowMs         the server's clock when it answered (epoch ms)
     * @param gracePeriodMs how long a disconnected client is kept before it is destroyed
     * @param names         the counters' names (not null; at most 65535 UTF-8 bytes each; distinct, since the JSON
     *                      encoding makes them the names of one object)
     * @param values        the counters' values, in the order of {@code names}
     * @param count         how many of {@code names} and {@code values} to write, 0..65535
     * @return the frame's total length
     */
    public int stats(
        final long requestId,
        final long nowMs,
        final long gracePeriodMs,
        final String[] names,
        final long[] values,
        final int count)
    {
        checkCount(Math.min(names == null ? 0 : names.length, values == null ? 0 : values.length), count, 0, 0xFFFF,
            "counter count");
        final int start = begin(Protocol.STATS);
        putU32(requestId, "requestId");
        putLong(nowMs);
        putLong(gracePeriodMs);
        putShort(count);
        for (int i = 0; i < count; i++)
        {
            putString(names[i], Protocol.MAX_STRING_BYTES, false, "counter name");
            putLong(values[i]);
        }
        return end(start);
    }

    /**
     * {@code IDENTIFY}: {@code u16 protocolVersion, string token, changes presence, bool sharded}, then if sharded
     * {@code u32 shardId, u32 shardCount} (written from the ints' bits; the range is the server's business).
     *
     * @param protocolVersion 0..65535
     * @param token           the token
     * @param presence        the initial presence (null or empty: none)
     * @param sharded         whether to ask for a firehose shard
     * @param shardId         the shard (ignored unless sharded)
     * @param shardCount      the shard count (ignored unless sharded)
     * @return the frame's total length
     */
    public int identify(
        final int protocolVersion,
        final String token,
        final Changes presence,
        final boolean sharded,
        final int shardId,
        final int shardCount)
    {
        final int start = begin(Protocol.IDENTIFY);
        putShort(Wire.u16(protocolVersion, "protocolVersion"));
        putString(token, Protocol.MAX_STRING_BYTES, false, "token");
        putChanges(presence);
        putBool(sharded);
        if (sharded)
        {
            putInt(shardId);
            putInt(shardCount);
        }
        return end(start);
    }

    /**
     * {@code RESUME}: {@code string token, i64 sessionId, i64 lastSeq}.
     *
     * @param token     the token
     * @param sessionId the session to resume
     * @param lastSeq   the last seq received
     * @return the frame's total length
     */
    public int resume(final String token, final long sessionId, final long lastSeq)
    {
        final int start = begin(Protocol.RESUME);
        putString(token, Protocol.MAX_STRING_BYTES, false, "token");
        putLong(sessionId);
        putLong(lastSeq);
        return end(start);
    }

    /**
     * {@code HEARTBEAT}: {@code i64 lastSeq}.
     *
     * @param lastSeq the last seq received ({@code 0} if none)
     * @return the frame's total length
     */
    public int heartbeat(final long lastSeq)
    {
        return opAndLong(Protocol.HEARTBEAT, lastSeq);
    }

    /**
     * {@code UPDATE}: {@code u32 requestId, u8 group, string reason, changes}.
     *
     * @param requestId 0..0xFFFFFFFF
     * @param group     {@link Protocol#GROUP_STANDARD}, {@link Protocol#GROUP_LOBBY} or {@link Protocol#GROUP_FULL}
     * @param reason    the reason (not null)
     * @param changes   the changes (null: none)
     * @return the frame's total length
     */
    public int update(final long requestId, final int group, final String reason, final Changes changes)
    {
        if (group < Protocol.GROUP_STANDARD || group > Protocol.GROUP_FULL)
        {
            throw new IllegalArgumentException("bad group " + group);
        }
        final int start = begin(Protocol.UPDATE);
        putU32(requestId, "requestId");
        putByte(group);
        putString(reason, Protocol.MAX_STRING_BYTES, false, "reason");
        putChanges(changes);
        return end(start);
    }

    /**
     * {@code SUBSCRIBE}: {@code u32 requestId, u16 clientCount, clientCount x i64, u16 lobbyCount,
     * lobbyCount x i64}.
     *
     * @param requestId   0..0xFFFFFFFF
     * @param clientIds   the user ids (may be null when the count is 0)
     * @param clientCount 0..65535
     * @param lobbyIds    the lobby ids (may be null when the count is 0)
     * @param lobbyCount  0..65535
     * @return the frame's total length
     */
    public int subscribe(
        final long requestId, final long[] clientIds, final int clientCount, final long[] lobbyIds, final int lobbyCount)
    {
        return subscription(Protocol.SUBSCRIBE, requestId, clientIds, clientCount, lobbyIds, lobbyCount);
    }

    /**
     * {@code UNSUBSCRIBE}: the layout of {@link #subscribe}.
     *
     * @param requestId   0..0xFFFFFFFF
     * @param clientIds   the user ids (may be null when the count is 0)
     * @param clientCount 0..65535
     * @param lobbyIds    the lobby ids (may be null when the count is 0)
     * @param lobbyCount  0..65535
     * @return the frame's total length
     */
    public int unsubscribe(
        final long requestId, final long[] clientIds, final int clientCount, final long[] lobbyIds, final int lobbyCount)
    {
        return subscription(Protocol.UNSUBSCRIBE, requestId, clientIds, clientCount, lobbyIds, lobbyCount);
    }

    /**
     * {@code GET_CLIENTS}: {@code u32 requestId, u16 count, count x i64 userId}.
     *
     * @param requestId 0..0xFFFFFFFF
     * @param userIds   the ids
     * @param count     1..{@link Protocol#MAX_GET_CLIENTS}
     * @return the frame's total length
     */
    public int getClients(final long requestId, final long[] userIds, final int count)
    {
        checkCount(userIds == null ? 0 : userIds.length, count, 1, Protocol.MAX_GET_CLIENTS, "id count");
        final int start = begin(Protocol.GET_CLIENTS);
        putU32(requestId, "requestId");
        putLongs(userIds, count);
        return end(start);
    }

    /**
     * {@code LIST_CLIENT_IDS}: {@code u32 requestId, i64 afterUserId, u16 limit}.
     *
     * @param requestId   0..0xFFFFFFFF
     * @param afterUserId list ids greater than this ({@code 0} for the first page)
     * @param limit       1..{@link Protocol#MAX_LIST_LIMIT}
     * @return the frame's total length
     */
    public int listClientIds(final long requestId, final long afterUserId, final int limit)
    {
        if (limit < 1 || limit > Protocol.MAX_LIST_LIMIT)
        {
            throw new IllegalArgumentException("limit " + limit + " not in 1.." + Protocol.MAX_LIST_LIMIT);
        }
        final int start = begin(Protocol.LIST_CLIENT_IDS);
        putU32(requestId, "requestId");
        putLong(afterUserId);
        putShort(limit);
        return end(start);
    }

    /**
     * {@code GET_STATS}: {@code u32 requestId} (observers only: docs/protocol.md, "Observers").
     *
     * @param requestId 0..0xFFFFFFFF
     * @return the frame's total length
     */
    public int getStats(final long requestId)
    {
        final int start = begin(Protocol.GET_STATS);
        putU32(requestId, "requestId");
        return end(start);
    }

    /**
     * Writes a frame with any op and any body, unchecked (for tests and fuzzing). The position is advanced past
     * it.
     *
     * @param target the buffer to write into, at its position (its byte order is not changed)
     * @param op     the op byte (only the low 8 bits are written)
     * @param body   the body bytes
     * @return the frame's total length
     */
    public static int raw(final ByteBuffer target, final int op, final byte[] body)
    {
        final int total = Protocol.HEADER_LENGTH + 1 + body.length;
        if (target.remaining() < total)
        {
            throw new BufferOverflowException();
        }
        final ByteBuffer out = target.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(1 + body.length);
        out.put((byte)op);
        out.put(body);
        target.position(out.position());
        return total;
    }

    private int subscription(
        final int op,
        final long requestId,
        final long[] clientIds,
        final int clientCount,
        final long[] lobbyIds,
        final int lobbyCount)
    {
        checkCount(clientIds == null ? 0 : clientIds.length, clientCount, 0, 0xFFFF, "client count");
        checkCount(lobbyIds == null ? 0 : lobbyIds.length, lobbyCount, 0, 0xFFFF, "lobby count");
        final int start = begin(op);
        putU32(requestId, "requestId");
        putLongs(clientIds, clientCount);
        putLongs(lobbyIds, lobbyCount);
        return end(start);
    }

    private int opAndLong(final int op, final long value)
    {
        final int start = begin(op);
        putLong(value);
        return end(start);
    }

    private int begin(final int op)
    {
        swap = Wire.swaps(target);
        wire.wrap(target);
        cursor = target.position();
        limit = target.limit();
        final int start = cursor;
        putInt(0);
        putByte(op);
        return start;
    }

    private int end(final int start)
    {
        final int length = cursor - start - Protocol.HEADER_LENGTH;
        if (length > Protocol.MAX_SERVER_FRAME_SIZE)
        {
            throw new IllegalArgumentException("frame length " + length + " > " + Protocol.MAX_SERVER_FRAME_SIZE);
        }
        putIntAt(start, length);
        target.position(cursor);
        return length + Protocol.HEADER_LENGTH;
    }

    private void need(final int bytes)
    {
        if (bytes > limit - cursor)
        {
            throw new BufferOverflowException();
        }
    }

    private void putByte(final int value)
    {
        need(1);
        target.put(cursor, (byte)value);
        cursor++;
    }

    private void putShort(final int value)
    {
        need(2);
        putShortAt(cursor, value);
        cursor += 2;
    }

    private void putShortAt(final int index, final int value)
    {
        final short s = (short)value;
        target.putShort(index, swap ? Short.reverseBytes(s) : s);
    }

    private void putInt(final int value)
    {
        need(4);
        putIntAt(cursor, value);
        cursor += 4;
    }

    private void putIntAt(final int index, final int value)
    {
        target.putInt(index, swap ? Integer.reverseBytes(value) : value);
    }

    private void putLong(final long value)
    {
        need(8);
        target.putLong(cursor, swap ? Long.reverseBytes(value) : value);
        cursor += 8;
    }

    private void putBool(final boolean value)
    {
        putByte(value ? 1 : 0);
    }

    private void putU32(final long value, final String what)
    {
        putInt((int)Wire.u32(value, what));
    }

    private void putLongs(final long[] values, final int count)
    {
        putShort(count);
        for (int i = 0; i < count; i++)
        {
            putLong(values[i]);
        }
    }

    private static void checkCount(final int available, final int count, final int min, final int max, final String what)
    {
        if (count < min || count > max)
        {
            throw new IllegalArgumentException(what + " " + count + " not in " + min + ".." + max);
        }
        if (count > available)
        {
            throw new IllegalArgumentException(what + " " + count + " > array length " + available);
        }
    }

    private void putChanges(final Changes changes)
    {
        cursor = encoder.putChanges(wire, cursor, changes);
    }

    /**
     * Writes a {@code string}: a u16 byte count, then the UTF-8 bytes. More than {@code maxBytes} bytes:
     * truncated at a character boundary when {@code truncate}, else rejected.
     */
    private void putString(final String value, final int maxBytes, final boolean truncate, final String what)
    {
        cursor = WireEncoder.putString(wire, cursor, value, maxBytes, truncate, what);
    }
}
