package dev.rollcall.core;

/**
 * The kinds of presence event delivered to subscribers. Which subscriber sees which event
 * is defined by the views in docs/PRESENCE-RULES.md.
 */
public enum EventType
{
    /** The client appeared connected (changes: full state, or the diff on a reconnect). */
    CLIENT_CONNECTED,
    /** The client's last connection went (changes: full state when it just appeared). */
    CLIENT_DISCONNECTED,
    /** The client is gone (grace expired, purposeful disconnect, or it went invisible). */
    CLIENT_DESTROYED,
    /** Fields changed (changes: the diff). */
    CLIENT_UPDATED,
    /** The client entered the lobby topic's lobby (changes: all lobby fields). */
    JOINED_LOBBY,
    /** The client left the lobby topic's lobby. */
    LEFT_LOBBY,
    /** Lobby fields of a member changed (changes: the lobby part of the diff). */
    LOBBY_CLIENT_CHANGE;

    private static final EventType[] VALUES = values();

    /**
     * @param code an ordinal as encoded.
     * @return the type, or null when out of range.
     */
    public static EventType fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
