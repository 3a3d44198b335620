package dev.rollcall.protocol;

import dev.rollcall.model.Changes;

/**
 * Receives the frames a client sends, decoded by {@link ClientFrameAdapter} (docs/protocol.md, "Client → server").
 * The {@link Changes} and arrays passed in are the adapter's reusable holders: valid only during the call (copy
 * what you keep). Strings are freshly allocated. Counts give the valid prefix of the arrays.
 */
public interface ClientFrameHandler
{
    /**
     * {@code IDENTIFY}.
     *
     * @param protocolVersion the client's protocol version (u16)
     * @param token           the token
     * @param presence        the initial presence (empty for none); reused
     * @param sharded         whether a firehose shard is asked for
     * @param shardId         the shard (the u32's bits; 0 unless sharded)
     * @param shardCount      the shard count (the u32's bits; 0 unless sharded)
     */
    void onIdentify(int protocolVersion, String token, Changes presence, boolean sharded, int shardId, int shardCount);

    /**
     * {@code RESUME}.
     *
     * @param token     the token
     * @param sessionId the session to resume
     * @param lastSeq   the last seq the client received
     */
    void onResume(String token, long sessionId, long lastSeq);

    /**
     * {@code HEARTBEAT}.
     *
     * @param lastSeq the last seq the client received ({@code 0} if none)
     */
    void onHeartbeat(long lastSeq);

    /**
     * {@code UPDATE}.
     *
     * @param requestId the request id (u32)
     * @param group     {@link Protocol#GROUP_STANDARD}, {@link Protocol#GROUP_LOBBY} or {@link Protocol#GROUP_FULL}
     * @param reason    the reason
     * @param changes   the changes; reused
     */
    void onUpdate(long requestId, int group, String reason, Changes changes);

    /**
     * {@code SUBSCRIBE} or {@code UNSUBSCRIBE}.
     *
     * @param requestId   the request id (u32)
     * @param subscribe   true for {@code SUBSCRIBE}, false for {@code UNSUBSCRIBE}
     * @param clientIds   the user ids; reused
     * @param clientCount the number of user ids
     * @param lobbyIds    the lobby ids; reused
     * @param lobbyCount  the number of lobby ids
     */
    void onSubscribe(long requestId, boolean subscribe, long[] clientIds, int clientCount, long[] lobbyIds, int lobbyCount);

    /**
     * {@code GET_CLIENTS}.
     *
     * @param requestId the request id (u32)
     * @param userIds   the user ids; reused
     * @param count     the number of ids (1..256)
     */
    void onGetClients(long requestId, long[] userIds, int count);

    /**
     * {@code LIST_CLIENT_IDS}.
     *
     * @param requestId   the request id (u32)
     * @param afterUserId list ids greater than this
     * @param limit       at most this many ids (1..1024)
     */
    void onListClientIds(long requestId, long afterUserId, int limit);

    /**
     * {@code GET_STATS}: an observer asks for the server's counters (docs/protocol.md, "Observers"). Ignored unless
     * overridden: a handler that serves observers answers it with {@code STATS}, and other sessions with
     * {@code ERROR NOT_AN_OBSERVER}.
     *
     * @param requestId the request id (u32)
     */
    default void onGetStats(final long requestId)
    {
    }
}
