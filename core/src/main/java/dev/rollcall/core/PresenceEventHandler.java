package dev.rollcall.core;

/**
 * Receives events polled from a {@link Mailbox}.
 */
@FunctionalInterface
public interface PresenceEventHandler
{
    /**
     * @param event a flyweight valid only for the duration of this call.
     */
    void onEvent(PresenceEvent event);
}
