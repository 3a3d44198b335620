package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;

/**
 * The owner of an {@link EventSession}: usually the handler of the connection attached to it.
 * Called on the session's thread.
 */
public interface SessionListener
{
    /**
     * An event of the session, live or replayed.
     *
     * @param session the session.
     * @param seq     the event's number in the session; also written in the event's bytes
     *                (the {@code DISPATCH} body's seq, docs/protocol.md).
     * @param event   a flyweight valid only during the call.
     * @return false if the listener could not take it (its connection closed): a replay stops.
     */
    boolean onSessionEvent(EventSession session, long seq, PresenceEvent event);

    /**
     * The core destroyed the user on purpose ({@code disconnectUser}) for the session's
     * connection: the session is already destroyed; close the connection with a goodbye.
     *
     * @param session the ended session.
     */
    void onSessionDisconnectedByServer(EventSession session);
}
