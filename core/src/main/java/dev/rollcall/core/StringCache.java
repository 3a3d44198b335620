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
 *  sets: 2^n, each of 2 ways; a way holds up to maxChars code units in one flat slab of
 *        longs (four units a word, read from the buffer a word at a time), their count
 *        (-1 when empty) and the String
 *  set of a key: multiplicative hash of (length, words)
 *  a miss on a full set replaces the way not used last
 * </pre>
 * Memory is fixed at construction ({@code sets * 2} ways of {@code maxChars} code units rounded
 * up to whole words, plus the strings); longer values are decoded every time. Not thread-safe:
 * one per decoding thread.
 */
final class StringCache
{
    /** Sets of the cache the journal decoders of a {@link PresenceStateMachine} use (2,048 strings). */
    static final int DEFAULT_SETS = 1024;
    /** Longest value that cache keeps, in UTF-16 code units. */
    static final int DEFAULT_MAX_CHARS = 64;

    private static final int WAYS = 2;
    private static final int CHARS_PER_WORD = Long.BYTES / Character.BYTES;

    private final int maxChars;
    private final int stride;
    private final int shift;
    private final long[] keys;
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
        this.stride = (maxChars + CHARS_PER_WORD - 1) / CHARS_PER_WORD;
        this.shift = 32 - Integer.numberOfTrailingZeros(sets);
        this.keys = new long[sets * WAYS * stride];
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
        final int words = (length + CHARS_PER_WORD - 1) / CHARS_PER_WORD;
        long hash = length;
        for (int w = 0; w < words; w++)
        {
            hash = (hash + word(buffer, offset, length, w)) * 0x9E3779B97F4A7C15L;
        }
        final int set = shift == 32 ? 0 : (int)(hash >>> 32) >>> shift;
        for (int way = 0; way < WAYS; way++)
        {
            final int entry = set * WAYS + way;
            if (lengths[entry] == length && matches(entry, buffer, offset, length, words))
            {
                lastUsed[set] = (byte)way;
                return strings[entry];
            }
        }
        final int way = lengths[set * WAYS] < 0 ? 0 : lengths[set * WAYS + 1] < 0 ? 1 : 1 - lastUsed[set];
        final int entry = set * WAYS + way;
        final int base = entry * stride;
        for (int w = 0; w < words; w++)
        {
            keys[base + w] = word(buffer, offset, length, w);
        }
        final String value = decode(buffer, offset, length);
        lengths[entry] = length;
        strings[entry] = value;
        lastUsed[set] = (byte)way;
        return value;
    }

    /**
     * Code units {@code 4w .. 4w + 3} of the value as one little-endian word, the units past its
     * end as zero (so only bytes of the value are read).
     */
    private static long word(final DirectBuffer buffer, final int offset, final int length, final int w)
    {
        final int first = w * CHARS_PER_WORD;
        if (first + CHARS_PER_WORD <= length)
        {
            return buffer.getLong(offset + first * Character.BYTES, ORDER);
        }
        long word = 0;
        for (int i = first; i < length; i++)
        {
            word |= (long)buffer.getChar(offset + i * Character.BYTES, ORDER) << ((i - first) * Character.SIZE);
        }
        return word;
    }

    private boolean matches(final int entry, final DirectBuffer buffer, final int offset, final int length, final int words)
    {
        final int base = entry * stride;
        for (int w = 0; w < words; w++)
        {
            if (keys[base + w] != word(buffer, offset, length, w))
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
