package dev.rollcall.core;

/**
 * The outcome of a command. Everything but {@link #APPLIED} and {@link #UNCHANGED} is a
 * refusal: the command changed nothing and emitted nothing.
 */
public enum Result
{
    /** The command changed the state. */
    APPLIED,
    /** The command was valid but changed nothing, so nothing was emitted. */
    UNCHANGED,
    /** No client with that user id exists. */
    UNKNOWN_CLIENT,
    /** The client does not hold that connection. */
    UNKNOWN_CONNECTION,
    /** The update sets a field outside the groups its command allows. */
    FIELD_NOT_ALLOWED,
    /** An identifier or a value is out of its domain (e.g. a negative id, a null status). */
    INVALID_VALUE,
    /** An attribute key or string value is longer than the configured limit. */
    VALUE_TOO_LARGE,
    /** The reason is longer than the configured limit. */
    REASON_TOO_LONG,
    /** The client would hold more attributes than the configured limit. */
    TOO_MANY_ATTRIBUTES,
    /**
     * The journal failed, so the command is not acknowledged and nothing of it was revealed. Its
     * outcome is unknown: a journal can fail after part of a batch reached the disk, and such a
     * command is then replayed after a restart. Query after the restart to learn the outcome.
     */
    JOURNAL_FAILED,
    /** The business logic failed on this command; see the error handler. */
    INTERNAL_ERROR;

    private static final Result[] VALUES = values();

    /**
     * @return true when the command was accepted ({@link #APPLIED} or {@link #UNCHANGED}).
     */
    public boolean isAccepted()
    {
        return this == APPLIED || this == UNCHANGED;
    }

    static Result fromCode(final int code)
    {
        return VALUES[code];
    }
}
