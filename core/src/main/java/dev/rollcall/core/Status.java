package dev.rollcall.core;

/**
 * A client's presence status. {@link #INVISIBLE} makes the client look offline to every
 * watcher except the user itself (see docs/PRESENCE-RULES.md).
 */
public enum Status
{
    /** Online and available. */
    ONLINE,
    /** Online but idle. */
    IDLE,
    /** Online, do not disturb. */
    DND,
    /** Online, but shown as absent to everybody but the user itself. */
    INVISIBLE;

    private static final Status[] VALUES = values();

    /**
     * The status with the given wire code.
     *
     * @param code the ordinal as encoded.
     * @return the status, or null when the code is out of range.
     */
    public static Status fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
