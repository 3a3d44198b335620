package dev.rollcall.model;

/**
 * What a presence field holds, and so how every codec writes it and how the rules compare it.
 * A scalar field's value is a {@code long} in {@link Changes} and in the client table; its kind
 * says which values are representable and how many bytes the binary encodings give it.
 */
public enum FieldKind
{
    /** 0 or 1; one byte. */
    BOOLEAN(1, 0, 1),
    /** A {@link Status} code, or -1 for "no status" (refused by the rules); one byte. */
    STATUS(1, -1, Byte.MAX_VALUE),
    /** A 32-bit signed integer; four bytes. */
    INT32(4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    /** A 64-bit signed integer; eight bytes. */
    INT64(8, Long.MIN_VALUE, Long.MAX_VALUE),
    /** The bounded map of custom attributes (not a scalar): a count, then key, kind and value per attribute. */
    ATTRIBUTES(-1, 0, 0);

    private final int fixedBytes;
    private final long lowest;
    private final long highest;

    FieldKind(final int fixedBytes, final long lowest, final long highest)
    {
        this.fixedBytes = fixedBytes;
        this.lowest = lowest;
        this.highest = highest;
    }

    /**
     * @return the bytes a value takes in the binary encodings, or -1 when variable ({@link #ATTRIBUTES}).
     */
    public int fixedBytes()
    {
        return fixedBytes;
    }

    /**
     * @return true for every kind but {@link #ATTRIBUTES}.
     */
    public boolean isScalar()
    {
        return this != ATTRIBUTES;
    }

    /**
     * @param value a scalar value.
     * @return true when the binary encodings can carry it exactly (what the rules then accept is the
     * field's own bounds).
     */
    public boolean isRepresentable(final long value)
    {
        return isScalar() && value >= lowest && value <= highest;
    }
}
