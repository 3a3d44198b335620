package dev.rollcall.core;

/**
 * Bounds on what an update may store, in UTF-8 bytes (counted as {@link Utf8} says: a surrogate pair is
 * 4 bytes, an unpaired surrogate 3). Part of the state: {@link Rollcall#setLimits(Limits)} journals a
 * {@link InputType#SET_LIMITS} input, every launch journals the configured limits
 * ({@link RollcallContext#limits(Limits)}), and snapshots hold the limits in force, so a replay refuses
 * and accepts exactly what the live process did whatever limits the replaying process is configured
 * with. A change applies to inputs after it, never to stored values (docs/PRESENCE-RULES.md).
 *
 * @param maxAttributes          attributes a client may hold.
 * @param maxAttributeKeyBytes   UTF-8 bytes in an attribute key.
 * @param maxAttributeValueBytes UTF-8 bytes in a string attribute value.
 * @param maxReasonBytes         UTF-8 bytes in an update's reason.
 */
public record Limits(int maxAttributes, int maxAttributeKeyBytes, int maxAttributeValueBytes, int maxReasonBytes)
{
    /** 16 attributes, 32-byte keys, 256-byte values, 128-byte reasons. */
    public static final Limits DEFAULT = new Limits(16, 32, 256, 128);

    /**
     * @throws IllegalArgumentException when a limit is negative (a journaled {@link InputType#SET_LIMITS}
     *                                  holding one is refused with {@link Result#INVALID_VALUE} instead).
     */
    public Limits
    {
        if (!areValid(maxAttributes, maxAttributeKeyBytes, maxAttributeValueBytes, maxReasonBytes))
        {
            throw new IllegalArgumentException("limits must be >= 0: " + maxAttributes + ", " +
                maxAttributeKeyBytes + ", " + maxAttributeValueBytes + ", " + maxReasonBytes);
        }
    }

    /**
     * @return true when every limit is {@code >= 0}, so {@code new Limits(...)} accepts them.
     */
    static boolean areValid(
        final int maxAttributes, final int maxAttributeKeyBytes, final int maxAttributeValueBytes, final int maxReasonBytes)
    {
        return maxAttributes >= 0 && maxAttributeKeyBytes >= 0 && maxAttributeValueBytes >= 0 && maxReasonBytes >= 0;
    }

    /**
     * @return true when these are the given limits.
     */
    boolean matches(
        final int maxAttributes, final int maxAttributeKeyBytes, final int maxAttributeValueBytes, final int maxReasonBytes)
    {
        return this.maxAttributes == maxAttributes && this.maxAttributeKeyBytes == maxAttributeKeyBytes &&
            this.maxAttributeValueBytes == maxAttributeValueBytes && this.maxReasonBytes == maxReasonBytes;
    }
}
