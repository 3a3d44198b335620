package dev.rollcall.protocol;

/**
 * {@code DISPATCH.eventType} (docs/protocol.md): the ordinals are the wire {@code u8} and equal
 * {@code dev.rollcall.model.EventType}'s ordinals.
 */
public enum EventKind
{
    /** 0: the client connected. */
    CLIENT_CONNECTED,
    /** 1: the client disconnected. */
    CLIENT_DISCONNECTED,
    /** 2: the client was destroyed. */
    CLIENT_DESTROYED,
    /** 3: the client's presence changed. */
    CLIENT_UPDATED,
    /** 4: the client joined a lobby. */
    JOINED_LOBBY,
    /** 5: the client left a lobby. */
    LEFT_LOBBY,
    /** 6: a client of a lobby changed. */
    LOBBY_CLIENT_CHANGE;

    private static final EventKind[] VALUES = values();

    /**
     * The event kind with the given wire code.
     *
     * @param code the wire code (the ordinal)
     * @return the event kind, or null when unknown
     */
    public static EventKind fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }

    /**
     * The number of event kinds (wire codes are {@code 0..count() - 1}).
     *
     * @return the number of event kinds
     */
    public static int count()
    {
        return VALUES.length;
    }
}
