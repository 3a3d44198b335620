package dev.rollcall.core;

import dev.rollcall.model.Changes;
import java.util.Arrays;

/**
 * A client's custom attributes: a small map from string key to a string or long value, kept
 * in insertion order in parallel arrays. Linear search: the map is bounded by
 * {@code maxAttributes}, which is small. Allocates only when it grows.
 */
final class AttributeMap
{
    /** The attributes of a client that has none; never changed. */
    static final AttributeMap EMPTY = new AttributeMap();

    private static final int INITIAL_CAPACITY = 4;

    int count;
    String[] keys = new String[INITIAL_CAPACITY];
    byte[] kinds = new byte[INITIAL_CAPACITY];
    String[] strings = new String[INITIAL_CAPACITY];
    long[] longs = new long[INITIAL_CAPACITY];

    int indexOf(final String key)
    {
        for (int i = 0; i < count; i++)
        {
            if (keys[i].equals(key))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return true when the map holds exactly this value for the key.
     */
    boolean holds(final String key, final byte kind, final String stringValue, final long longValue)
    {
        final int i = indexOf(key);
        if (i < 0 || kinds[i] != kind)
        {
            return false;
        }
        return kind == Changes.ATTRIBUTE_STRING ? strings[i].equals(stringValue) : longs[i] == longValue;
    }

    void put(final String key, final byte kind, final String stringValue, final long longValue)
    {
        int i = indexOf(key);
        if (i < 0)
        {
            ensureCapacity(count + 1);
            i = count++;
            keys[i] = key;
        }
        kinds[i] = kind;
        strings[i] = kind == Changes.ATTRIBUTE_STRING ? stringValue : null;
        longs[i] = kind == Changes.ATTRIBUTE_LONG ? longValue : 0;
    }

    void remove(final String key)
    {
        final int i = indexOf(key);
        if (i >= 0)
        {
            final int tail = count - i - 1;
            System.arraycopy(keys, i + 1, keys, i, tail);
            System.arraycopy(kinds, i + 1, kinds, i, tail);
            System.arraycopy(strings, i + 1, strings, i, tail);
            System.arraycopy(longs, i + 1, longs, i, tail);
            count--;
            keys[count] = null;
            strings[count] = null;
        }
    }

    void clear()
    {
        Arrays.fill(keys, 0, count, null);
        Arrays.fill(strings, 0, count, null);
        count = 0;
    }

    void copyFrom(final AttributeMap other)
    {
        clear();
        ensureCapacity(other.count);
        System.arraycopy(other.keys, 0, keys, 0, other.count);
        System.arraycopy(other.kinds, 0, kinds, 0, other.count);
        System.arraycopy(other.strings, 0, strings, 0, other.count);
        System.arraycopy(other.longs, 0, longs, 0, other.count);
        count = other.count;
    }

    void appendTo(final Changes changes)
    {
        for (int i = 0; i < count; i++)
        {
            changes.addAttribute(keys[i], kinds[i], strings[i], longs[i]);
        }
    }

    private void ensureCapacity(final int required)
    {
        if (required > keys.length)
        {
            final int capacity = Math.max(required, keys.length * 2);
            keys = Arrays.copyOf(keys, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
            strings = Arrays.copyOf(strings, capacity);
            longs = Arrays.copyOf(longs, capacity);
        }
    }
}
