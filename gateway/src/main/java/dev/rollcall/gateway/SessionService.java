package dev.rollcall.gateway;

/**
 * Sessions for any protocol: a user's numbered, resumable event stream that outlives its
 * connection for the resume window (Discord's sessions; XEP-0198's stream management). A
 * session is kept by the user's home thread; {@link Connection#sessions()} gives that thread's
 * service once the connection is bound (after {@link ConnectionHandler#onBound}).
 * <p>
 * A session receives the user's events as subscriber (and, for a firehose shard, every event
 * of the users in the shard) whether a connection is attached or not, numbers them
 * 1, 2, 3 ..., keeps the most recent ones until acknowledged (bounded by
 * {@link GatewayContext#sessionBufferEvents()} and {@link GatewayContext#sessionBufferBytes()}),
 * and hands them to its {@link SessionListener} while one is attached and live. A session
 * detached for longer than the resume window ({@link GatewayContext#resumeWindowMs()}) is
 * destroyed, as are the sessions of a user whose client the core destroyed.
 * <p>
 * Use only from a handler's callbacks, on the connection's thread.
 */
public interface SessionService
{
    /**
     * Open a session for the connection's bound user, attached to {@code listener} (not live:
     * events are kept until {@link EventSession#goLive()}).
     *
     * @param connection the bound connection; its id names the session's core connection.
     * @param listener   receives the session's events once live.
     * @param shardId    the firehose shard, or -1 for none.
     * @param shardCount the number of firehose shards, or 0 for none; the session then also
     *                   receives every event of each user with {@code floorMod(userId >> 22,
     *                   shardCount) == shardId}.
     * @return the new session, with an unguessable id.
     */
    EventSession open(Connection connection, SessionListener listener, int shardId, int shardCount);

    /**
     * Open a watcher's session for the connection's bound user, attached to {@code listener} (not
     * live): it receives every client-topic event of every user, as a firehose shard
     * {@code [0, 1]} does, and nothing addressed to its user as a subscriber; it stands for no
     * presence client ({@link EventSession#hasPresence()} is false), so the destruction of a client
     * of the same user id does not end it. The built-in protocol's observers use it.
     *
     * @param connection the bound connection.
     * @param listener   receives the session's events once live.
     * @return the new session, with an unguessable id.
     */
    EventSession openWatcher(Connection connection, SessionListener listener);

    /**
     * Find a session to resume.
     *
     * @param connection the bound connection asking.
     * @param sessionId  the session's id.
     * @return the session if it exists, is valid and belongs to the connection's user; else null.
     */
    EventSession find(Connection connection, long sessionId);
}
