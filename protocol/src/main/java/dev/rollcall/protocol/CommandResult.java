package dev.rollcall.protocol;

/**
 * {@code RESULT.result}: the presence rules' result of a command (docs/protocol.md, "Results"). The ordinals
 * are the wire {@code u8} and equal {@code dev.rollcall.model.Result}'s ordinals.
 */
public enum CommandResult
{
    /** 0: the command changed something. */
    APPLIED,
    /** 1: the command was accepted and changed nothing. */
    UNCHANGED,
    /** 2: no such client. */
    UNKNOWN_CLIENT,
    /** 3: no such connection. */
    UNKNOWN_CONNECTION,
    /** 4: a field not allowed for the command's group. */
    FIELD_NOT_ALLOWED,
    /** 5: a value the rules refuse. */
    INVALID_VALUE,
    /** 6: a value too large. */
    VALUE_TOO_LARGE,
    /** 7: a reason too long. */
    REASON_TOO_LONG,
    /** 8: too many attributes. */
    TOO_MANY_ATTRIBUTES,
    /** 9: the journal failed. */
    JOURNAL_FAILED,
    /** 10: a server bug. */
    INTERNAL_ERROR;

    private static final CommandResult[] VALUES = values();

    /**
     * Whether the command was accepted.
     *
     * @return true for {@link #APPLIED} and {@link #UNCHANGED}
     */
    public boolean isAccepted()
    {
        return this == APPLIED || this == UNCHANGED;
    }

    /**
     * The result with the given wire code.
     *
     * @param code the wire code (the ordinal)
     * @return the result, or null when unknown
     */
    public static CommandResult fromCode(final int code)
    {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }

    /**
     * The number of results (wire codes are {@code 0..count() - 1}).
     *
     * @return the number of results
     */
    public static int count()
    {
        return VALUES.length;
    }
}
