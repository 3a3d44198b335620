package dev.rollcall.model;

/**
 * A client's presence status; its {@link #code()} is what every encoding carries.
 * {@link #INVISIBLE} makes the client look offline to every watcher except the user itself
 * (docs/PRESENCE-RULES.md).
 */
public enum Status
{
    /** Online and available. */
    ONLINE(0),
    /** Online but idle. */
    IDLE(1),
    /** Online, do not disturb. */
    DND(2),
    /** Online, but shown as absent to everybody but the user itself. */
    INVISIBLE(3);

    private static final Status[] BY_CODE = Codes.index(values(), Status::code, Status[]::new);

    private final int code;

    Status(final int code)
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
     * @return the status, or null when the code is unknown.
     */
    public static Status fromCode(final long code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int)code] : null;
    }

    /**
     * @return the number of codes (the greatest code + 1).
     */
    public static int count()
    {
        return BY_CODE.length;
    }
}
