package dev.rollcall.core;

import org.agrona.DirectBuffer;

import java.util.Arrays;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * A bounded cache of decoded strings keyed by their encoded code units ({@link CodecUtil}'s
 * layout: little-endian UTF-16), so that the values a stream of events repeats (reasons,
 * attribute keys and values) become a {@code String} once and are then reused: a hit allocates
 * nothing. A hit compares every code unit, so equal encodings give the one string and different
 * encodings never share one.
 * <pre>
 *  sets: 2^n, each of 2 ways; a way holds up to maxChars code units in one flat slab,
 *        their count (-1 when empty) and the String
 *  set of a key: Fibonacci hash of (length, code units)
 *  a miss on a full set replaces the way not used last
 * </pre>
 * Memory is fixed at construction ({@code sets * 2 * maxChars} chars plus the strings); longer
 * values are decoded every time. Not thread-safe: one per decoding thread.
 */
final class StringCache
{
    /** Sets of the cache the journal decoders of a {@link PresenceStateMachine} use (2,048 strings). */
    static final int DEFAULT_SETS = 1024;
    /** Longest value that cache keeps, in UTF-16 code units. */
    static final int DEFAULT_MAX_CHARS = 64;

    private static final int WAYS = 2;

    private final int maxChars;
    private final int shift;
    private final char[] keys;
    private final int[] lengths;
    private final String[] strings;
    private final byte[] lastUsed;

    /**
     * @param sets     a power of two.
     * @param maxChars the longest value kept, in UTF-16 code units.
     */
    StringCache(final int sets, final int maxChars)
    {
        if (sets < 1 || Integer.bitCount(sets) != 1 || maxChars < 1)
        {
            throw new IllegalArgumentException("sets must be a power of two and maxChars >= 1: " + sets + ", " + maxChars);
        }
        this.maxChars = maxChars;
        this.shift = 32 - Integer.numberOfTrailingZeros(sets);
        this.keys = new char[sets * WAYS * maxChars];
        this.lengths = new int[sets * WAYS];
        this.strings = new String[sets * WAYS];
        this.lastUsed = new byte[sets];
        Arrays.fill(lengths, -1);
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
     * The string of the {@code length} code units at {@code offset}: the cached one, or a new
     * one that is then kept (when not longer than the cache's limit).
     *
     * @param buffer holding the code units.
     * @param offset of the first code unit.
     * @param length in code units, {@code >= 0}, already checked against the buffer.
     * @return the string.
     */
    String get(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxChars)
        {
            return decode(buffer, offset, length);
        }
        int hash = length;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + buffer.getChar(offset + i * Character.BYTES, ORDER);
        }
        final int set = shift == 32 ? 0 : (hash * 0x9E3779B9) >>> shift;
        for (int way = 0; way < WAYS; way++)
        {
            final int entry = set * WAYS + way;
            if (lengths[entry] == length && matches(entry, buffer, offset, length))
            {
                lastUsed[set] = (byte)way;
                return strings[entry];
            }
        }
        final int way = lengths[set * WAYS] < 0 ? 0 : lengths[set * WAYS + 1] < 0 ? 1 : 1 - lastUsed[set];
        final int entry = set * WAYS + way;
        final int base = entry * maxChars;
        for (int i = 0; i < length; i++)
        {
            keys[base + i] = buffer.getChar(offset + i * Character.BYTES, ORDER);
        }
        final String value = new String(keys, base, length);
        lengths[entry] = length;
        strings[entry] = value;
        lastUsed[set] = (byte)way;
        return value;
    }

    private boolean matches(final int entry, final DirectBuffer buffer, final int offset, final int length)
    {
        final int base = entry * maxChars;
        for (int i = 0; i < length; i++)
        {
            if (keys[base + i] != buffer.getChar(offset + i * Character.BYTES, ORDER))
            {
                return false;
            }
        }
        return true;
    }

    private static String decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = buffer.getChar(offset + i * Character.BYTES, ORDER);
        }
        return new String(chars);
    }
}
