package dev.rollcall.core;

import dev.rollcall.model.Changes;

import java.util.Arrays;

/**
 * A client's custom attributes: a small map from string key to a string or long value, kept in
 * insertion order with each key beside its string value in one array (a long value goes in a
 * second array, made only for a map that holds one). Linear search: the map is bounded by
 * {@code maxAttributes}, which is small. Allocates only when it grows.
 * <pre>
 *   entries: [ key 0 | string 0 | key 1 | string 1 | ... ]   string i null: attribute i is a long, in longs[i]
 * </pre>
 * A client's {@link ClientExtras} is its map, so attributes are two references from the client
 * (its extras, then the entries), not five.
 */
class AttributeMap
{
    /** The attributes of a client that has none; never changed. */
    static final AttributeMap EMPTY = new AttributeMap();

    private static final Object[] NO_ENTRIES = {};
    private static final int INITIAL_CAPACITY = 2;

    int count;
    private Object[] entries = NO_ENTRIES;
    private long[] longs;

    String key(final int index)
    {
        return (String)entries[2 * index];
    }

    byte kind(final int index)
    {
        return null == entries[2 * index + 1] ? Changes.ATTRIBUTE_LONG : Changes.ATTRIBUTE_STRING;
    }

    /**
     * @return the string value of a string attribute, else null.
     */
    String string(final int index)
    {
        return (String)entries[2 * index + 1];
    }

    /**
     * @return the long value of a long attribute, else 0.
     */
    long longValue(final int index)
    {
        return null == entries[2 * index + 1] ? longs[index] : 0;
    }

    int indexOf(final String key)
    {
        final Object[] e = entries;
        for (int i = 0, n = count; i < n; i++)
        {
            if (e[2 * i].equals(key))
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
        if (i < 0 || kind(i) != kind)
        {
            return false;
        }
        return kind == Changes.ATTRIBUTE_STRING ? string(i).equals(stringValue) : longs[i] == longValue;
    }

    void put(final String key, final byte kind, final String stringValue, final long longValue)
    {
        int i = indexOf(key);
        if (i < 0)
        {
            ensureCapacity(count + 1);
            i = count++;
            entries[2 * i] = key;
        }
        if (kind == Changes.ATTRIBUTE_STRING)
        {
            entries[2 * i + 1] = stringValue;
        }
        else
        {
            if (null == longs)
            {
                longs = new long[entries.length / 2];
            }
            longs[i] = longValue;
            entries[2 * i + 1] = null;
        }
    }

    void remove(final String key)
    {
        final int i = indexOf(key);
        if (i >= 0)
        {
            final int after = count - i - 1;
            System.arraycopy(entries, 2 * i + 2, entries, 2 * i, 2 * after);
            if (null != longs)
            {
                System.arraycopy(longs, i + 1, longs, i, after);
            }
            count--;
            entries[2 * count] = null;
            entries[2 * count + 1] = null;
        }
    }

    void clear()
    {
        Arrays.fill(entries, 0, 2 * count, null);
        count = 0;
    }

    void appendTo(final Changes changes)
    {
        for (int i = 0, n = count; i < n; i++)
        {
            final String string = string(i);
            changes.addAttribute(key(i), null == string ? Changes.ATTRIBUTE_LONG : Changes.ATTRIBUTE_STRING, string,
                null == string ? longs[i] : 0);
        }
    }

    private void ensureCapacity(final int required)
    {
        if (2 * required > entries.length)
        {
            entries = Arrays.copyOf(entries, 2 * Math.max(required, Math.max(INITIAL_CAPACITY, entries.length)));
            if (null != longs)
            {
                longs = Arrays.copyOf(longs, entries.length / 2); // as long as the map's capacity, once made
            }
        }
    }
}
