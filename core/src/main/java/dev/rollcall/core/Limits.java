package dev.rollcall.core;

/**
 * Bounds on what an update may store. Part of the state machine's configuration, and not
 * recorded in the journal (a known gap): replaying a journal with other limits may refuse or
 * accept different updates, so keep them fixed for the life of a journal.
 *
 * @param maxAttributes           attributes a client may hold.
 * @param maxAttributeKeyLength   chars in an attribute key.
 * @param maxAttributeValueLength chars in a string attribute value.
 * @param maxReasonLength         chars in an update's reason.
 */
public record Limits(int maxAttributes, int maxAttributeKeyLength, int maxAttributeValueLength, int maxReasonLength)
{
    /** 16 attributes, 32-char keys, 256-char values, 128-char reasons. */
    public static final Limits DEFAULT = new Limits(16, 32, 256, 128);

    /**
     * @throws IllegalArgumentException when a limit is negative.
     */
    public Limits
    {
        if (maxAttributes < 0 || maxAttributeKeyLength < 0 || maxAttributeValueLength < 0 || maxReasonLength < 0)
        {
            throw new IllegalArgumentException("limits must be >= 0: " + maxAttributes + ", " +
                maxAttributeKeyLength + ", " + maxAttributeValueLength + ", " + maxReasonLength);
        }
    }
}
