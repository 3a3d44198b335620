package dev.rollcall.model.wire;

import java.util.Arrays;

/**
 * A bounded cache of decoded strings keyed by their UTF-8 bytes, so that the values a stream
 * of frames repeats (reasons, attribute keys and values) are decoded into a {@code String} once
 * and then reused: a hit allocates nothing. Only bytes that were decoded (and so validated) are
 * ever stored, and a hit compares every byte, so equal bytes give the one string and different
 * bytes never share one.
 * <pre>
 *  sets: 2^n, each of 2 ways; a way holds up to maxBytes key bytes in one flat slab,
 *        their length (-1 when empty) and the String
 *  set of a key: Fibonacci hash of (length, bytes)
 *  put on a full set replaces the way not used last
 * </pre>
 * Memory is fixed at construction ({@code sets * 2 * maxBytes} bytes of keys plus the
 * strings); longer values are not cached. Not thread-safe: one per decoding thread.
 */
final class Utf8StringCache
{
    /** Sets of the cache of a {@link WireDecoder} that caches strings (2,048 strings). */
    static final int DEFAULT_SETS = 1024;
    /** Longest value that cache keeps, in UTF-8 bytes. */
    static final int DEFAULT_MAX_BYTES = 64;

    private static final int WAYS = 2;

    private final int maxBytes;
    private final int shift;
    private final byte[] keys;
    private final int[] lengths;
    private final String[] strings;
    private final byte[] lastUsed;

    /**
     * @param sets     a power of two.
     * @param maxBytes the longest value kept, in UTF-8 bytes.
     */
    Utf8StringCache(final int sets, final int maxBytes)
    {
        if (sets < 1 || Integer.bitCount(sets) != 1 || maxBytes < 1)
        {
            throw new IllegalArgumentException("sets must be a power of two and maxBytes >= 1: " + sets + ", " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.shift = 32 - Integer.numberOfTrailingZeros(sets);
        this.keys = new byte[sets * WAYS * maxBytes];
        this.lengths = new int[sets * WAYS];
        this.strings = new String[sets * WAYS];
        this.lastUsed = new byte[sets];
        Arrays.fill(lengths, -1);
    }

    /** @return the longest value kept, in UTF-8 bytes. */
    int maxBytes()
    {
        return maxBytes;
    }

    /** @return how many strings the cache can hold. */
    int capacity()
    {
        return strings.length;
    }

    /** @return how many strings it holds. */
    int size()
    {
        int size = 0;
        for (final int length : lengths)
        {
            size += length >= 0 ? 1 : 0;
        }
        return size;
    }

    /**
     * @return the string stored for the {@code length} bytes at {@code offset} of
     * {@code buffer} (absolute, the position is not used), or null when not cached.
     */
    String get(final WireBuffer buffer, final int offset, final int length)
    {
        if (length > maxBytes)
        {
            return null;
        }
        final int set = setOf(buffer, offset, length);
        for (int way = 0; way < WAYS; way++)
        {
            final int entry = set * WAYS + way;
            if (lengths[entry] == length && matches(entry, buffer, offset, length))
            {
                lastUsed[set] = (byte)way;
                return strings[entry];
            }
        }
        return null;
    }

    /**
     * Remember {@code value} as the decoding of the {@code length} bytes at {@code offset}
     * (the caller has decoded and so validated them). Longer values than {@link #maxBytes()}
     * are ignored.
     */
    void put(final WireBuffer buffer, final int offset, final int length, final String value)
    {
        if (length > maxBytes)
        {
            return;
        }
        final int set = setOf(buffer, offset, length);
        final int way = lengths[set * WAYS] < 0 ? 0 : lengths[set * WAYS + 1] < 0 ? 1 : 1 - lastUsed[set];
        final int entry = set * WAYS + way;
        final int base = entry * maxBytes;
        for (int i = 0; i < length; i++)
        {
            keys[base + i] = buffer.getByte(offset + i);
        }
        lengths[entry] = length;
        strings[entry] = value;
        lastUsed[set] = (byte)way;
    }

    private boolean matches(final int entry, final WireBuffer buffer, final int offset, final int length)
    {
        final int base = entry * maxBytes;
        for (int i = 0; i < length; i++)
        {
            if (keys[base + i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private int setOf(final WireBuffer buffer, final int offset, final int length)
    {
        int hash = length;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + buffer.getByte(offset + i);
        }
        return shift == 32 ? 0 : (hash * 0x9E3779B9) >>> shift;
    }
}
