package dev.rollcall.model;

/**
 * The outcome of a command; the {@link #code()} is what every encoding carries. Everything but
 * {@link #APPLIED} and {@link #UNCHANGED} is a refusal: the command changed nothing and emitted
 * nothing.
 */
public enum Result
{
    /** The command changed the state. */
    APPLIED(0),
    /** The command was valid but changed nothing, so nothing was emitted. */
    UNCHANGED(1),
    /** No client with that user id exists. */
    UNKNOWN_CLIENT(2),
    /** The client does not hold that connection. */
    UNKNOWN_CONNECTION(3),
    /** The update sets a field outside the groups its command allows. */
    FIELD_NOT_ALLOWED(4),
    /** An identifier or a value is out of its domain (e.g. a negative id, no status, a field outside its bounds). */
    INVALID_VALUE(5),
    /** An attribute key or string value is longer than the limit in force. */
    VALUE_TOO_LARGE(6),
    /** The reason is longer than the limit in force. */
    REASON_TOO_LONG(7),
    /** The client would hold more attributes than the limit in force. */
    TOO_MANY_ATTRIBUTES(8),
    /**
     * The journal failed, so the command is not acknowledged and nothing of it was revealed. Its
     * outcome is unknown: a journal can fail after part of a batch reached the disk, and such a
     * command is then replayed after a restart. Query after the restart to learn the outcome.
     */
    JOURNAL_FAILED(9),
    /** The business logic failed on this command; see the error handler. */
    INTERNAL_ERROR(10);

    private static final Result[] BY_CODE = Codes.index(values(), Result::code, Result[]::new);

    private final int code;

    Result(final int code)
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
     * @return true when the command was accepted ({@link #APPLIED} or {@link #UNCHANGED}).
     */
    public boolean isAccepted()
    {
        return this == APPLIED || this == UNCHANGED;
    }

    /**
     * @param code as encoded.
     * @return the result, or null when the code is unknown.
     */
    public static Result fromCode(final int code)
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
