package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;

/**
 * Something on a gateway thread that receives a user's events: a bound connection, or a
 * session of the built-in protocol (which keeps receiving while its connection is gone).
 */
interface EventEndpoint
{
    /**
     * @param event a flyweight valid only during the call.
     */
    void onEvent(PresenceEvent event);
}
