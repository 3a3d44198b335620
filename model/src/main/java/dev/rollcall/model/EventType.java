package dev.rollcall.model;

/**
 * The kinds of presence event delivered to subscribers; the {@link #code()} is what every
 * encoding carries. Which subscriber sees which event is defined by the views in
 * docs/PRESENCE-RULES.md.
 */
public enum EventType
{
    /** The client appeared connected (changes: full state, or the diff on a reconnect). */
    CLIENT_CONNECTED(0),
    /** The client's last connection went (changes: full state when it just appeared). */
    CLIENT_DISCONNECTED(1),
    /** The client is gone (grace expired, purposeful disconnect, or it went invisible). */
    CLIENT_DESTROYED(2),
    /** Fields changed (changes: the diff). */
    CLIENT_UPDATED(3),
    /** The client entered the lobby topic's lobby (changes: all lobby fields). */
    JOINED_LOBBY(4),
    /** The client left the lobby topic's lobby. */
    LEFT_LOBBY(5),
    /** Lobby fields of a member changed (changes: the lobby part of the diff). */
    LOBBY_CLIENT_CHANGE(6);

    private static final EventType[] BY_CODE = Codes.index(values(), EventType::code, EventType[]::new);

    private final int code;

    EventType(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code every encoding carries.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code as encoded.
     * @return the type, or null when the code is unknown.
     */
    public static EventType fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * @return the number of codes (the greatest code + 1).
     */
    public static int count()
    {
        return BY_CODE.length;
    }
}
