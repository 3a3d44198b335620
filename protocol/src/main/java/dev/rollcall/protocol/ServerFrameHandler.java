package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;

/**
 * Receives the frames a server sends, decoded by {@link ServerFrameAdapter} (docs/protocol.md, "Server → client").
 * The {@link Changes}, {@link ClientView}s and arrays passed in are the adapter's reusable holders: valid only
 * during the call (copy what you keep). Strings are freshly allocated. Counts give the valid prefix of the arrays.
 */
public interface ServerFrameHandler
{
    /**
     * {@code HELLO}. The u32 values are passed as the ints' bits (a value above {@link Integer#MAX_VALUE} arrives
     * negative).
     *
     * @param protocolVersion     the server's protocol version (u16)
     * @param heartbeatIntervalMs the heartbeat interval
     * @param maxFrameSize        the largest client frame {@code length}
     * @param rateLimitCommands   frames allowed per window
     * @param rateLimitWindowMs   the rate limit window
     * @param identifyTimeoutMs   the identify timeout
     */
    void onHello(
        int protocolVersion,
        int heartbeatIntervalMs,
        int maxFrameSize,
        int rateLimitCommands,
        int rateLimitWindowMs,
        int identifyTimeoutMs);

    /**
     * {@code READY}.
     *
     * @param sessionId the session id
     * @param userId    the identified user
     * @param seq       the last seq of this session ({@code 0} for a new one)
     */
    void onReady(long sessionId, long userId, long seq);

    /**
     * {@code HEARTBEAT_ACK}.
     *
     * @param seq the last seq the server has dispatched to this session
     */
    void onHeartbeatAck(long seq);

    /**
     * {@code RESUMED}.
     *
     * @param seq the last seq replayed
     */
    void onResumed(long seq);

    /**
     * {@code INVALID_SESSION}.
     *
     * @param resumable whether a retry may succeed
     */
    void onInvalidSession(boolean resumable);

    /**
     * {@code RESULT}.
     *
     * @param requestId the request id (u32)
     * @param result    the result (its code validated)
     */
    void onResult(long requestId, Result result);

    /**
     * {@code ERROR}.
     *
     * @param requestId the request id (u32; {@code 0} when not about a request)
     * @param code      the error code (u16; see {@link ErrorCode#fromCode}, which may not know it)
     * @param message   the message
     */
    void onError(long requestId, int code, String message);

    /**
     * {@code DISPATCH}.
     *
     * @param seq      the session's event number
     * @param type     the event type (its code validated)
     * @param userId   the client the event is about
     * @param updateId the update id
     * @param lobbyId  the lobby id
     * @param time     the event's time
     * @param reason   the reason, or null
     * @param changes  the changed fields; reused
     */
    void onDispatch(
        long seq, EventType type, long userId, long updateId, long lobbyId, long time, String reason, Changes changes);

    /**
     * {@code CLOSE}; the server closes the connection after it.
     *
     * @param code    the close code (u16)
     * @param message the message
     */
    void onClose(int code, String message);

    /**
     * {@code CLIENTS}.
     *
     * @param requestId the request id (u32)
     * @param clients   the clients; reused
     * @param count     the number of clients
     */
    void onClients(long requestId, ClientView[] clients, int count);

    /**
     * {@code CLIENT_IDS}.
     *
     * @param requestId  the request id (u32)
     * @param nextCursor the cursor for the next page ({@code 0} = no more)
     * @param ids        the user ids; reused
     * @param count      the number of ids
     */
    void onClientIds(long requestId, long nextCursor, long[] ids, int count);

    /**
     * {@code STATS}: the server's counters, answering an observer's {@code GET_STATS} (docs/protocol.md,
     * "Observers"). Ignored unless overridden.
     *
     * @param requestId     the request id (u32)
     * @param nowMs         the server's clock when it answered (epoch ms: with a client's {@code lastDisconnected}
     *                      and {@code gracePeriodMs}, when its grace ends)
     * @param gracePeriodMs how long a disconnected client is kept before it is destroyed
     * @param names         the counters' names; reused (a name of up to 64 UTF-8 bytes seen before is the same
     *                      {@code String} again)
     * @param values        the counters' values; reused
     * @param count         the number of counters
     */
    default void onStats(
        final long requestId,
        final long nowMs,
        final long gracePeriodMs,
        final String[] names,
        final long[] values,
        final int count)
    {
    }
}
