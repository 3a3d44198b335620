package dev.rollcall.bench.loadgen;

import org.agrona.DirectBuffer;

/**
 * Reads one complete RESP2 reply at a time from a {@link DirectBuffer}, without allocating: a flyweight whose
 * views (type, integer, string offset and length, and the same for the first {@value #VIEWED_ELEMENTS} elements
 * of an array) stay valid until the next {@link #decode}. Bytes are never copied; string views point into the
 * buffer.
 * <pre>
 *   +&lt;text&gt;\r\n                 simple string        view: offset, length
 *   -&lt;message&gt;\r\n              error                view: offset, length
 *   :&lt;signed decimal&gt;\r\n       integer              view: integer
 *   $&lt;n&gt;\r\n&lt;n bytes&gt;\r\n        bulk string          view: offset, length (-1: null bulk)
 *   *&lt;n&gt;\r\n&lt;n values&gt;          array                view: elements (-1: null array), each element's views
 * </pre>
 * Arrays may nest (a nested array is skipped over and viewed only by its type and count). {@link #decode}
 * returns the reply's length, {@link #INCOMPLETE} when the bytes end inside it (read more and try again from the
 * same offset: partial reads are the normal case), or {@link #MALFORMED} for bytes that are not RESP2 or a reply
 * longer than the limit. Not thread-safe.
 */
final class RespDecoder
{
    /** {@link #decode}: the bytes end before the reply does. */
    static final int INCOMPLETE = 0;
    /** {@link #decode}: not RESP2, or longer than the limit. */
    static final int MALFORMED = -1;

    /** Simple string type byte. */
    static final byte SIMPLE_STRING = '+';
    /** Error type byte. */
    static final byte ERROR = '-';
    /** Integer type byte. */
    static final byte INTEGER = ':';
    /** Bulk string type byte. */
    static final byte BULK_STRING = '$';
    /** Array type byte. */
    static final byte ARRAY = '*';

    /** Elements of an array with views of their own (pub/sub messages have 3, pattern messages 4). */
    static final int VIEWED_ELEMENTS = 8;

    private static final int NEED_MORE = -2;
    private static final int BAD = -1;
    private static final int MAX_DIGITS = 19;

    private final int maxReplyBytes;
    private final byte[] elementTypes = new byte[VIEWED_ELEMENTS];
    private final long[] elementIntegers = new long[VIEWED_ELEMENTS];
    private final int[] elementOffsets = new int[VIEWED_ELEMENTS];
    private final int[] elementLengths = new int[VIEWED_ELEMENTS];

    private DirectBuffer buffer;
    private byte type;
    private long integer;
    private int offset;
    private int length;

    // the last header read
    private byte headerType;
    private long headerInteger;
    private int headerOffset;
    private int headerLength;

    /**
     * @param maxReplyBytes the longest reply accepted, whole (a longer one is {@link #MALFORMED}).
     */
    RespDecoder(final int maxReplyBytes)
    {
        this.maxReplyBytes = maxReplyBytes;
    }

    /**
     * @param buffer the bytes.
     * @param offset where the reply starts.
     * @param limit  where the bytes read so far end.
     * @return the reply's length in bytes (> 0), {@link #INCOMPLETE} or {@link #MALFORMED}.
     */
    int decode(final DirectBuffer buffer, final int offset, final int limit)
    {
        this.buffer = buffer;
        final int end = Math.min(limit, offset + maxReplyBytes);
        int position = header(offset, end);
        if (position < 0)
        {
            return fail(position, offset, limit);
        }
        type = headerType;
        integer = headerInteger;
        this.offset = headerOffset;
        length = headerLength;
        if (ARRAY == type)
        {
            for (long element = 0; element < integer; element++)
            {
                position = header(position, end);
                if (position < 0)
                {
                    return fail(position, offset, limit);
                }
                if (element < VIEWED_ELEMENTS)
                {
                    final int i = (int)element;
                    elementTypes[i] = headerType;
                    elementIntegers[i] = headerInteger;
                    elementOffsets[i] = headerOffset;
                    elementLengths[i] = headerLength;
                }
                long nested = ARRAY == headerType ? Math.max(0, headerInteger) : 0;
                while (nested > 0)
                {
                    position = header(position, end);
                    if (position < 0)
                    {
                        return fail(position, offset, limit);
                    }
                    nested--;
                    if (ARRAY == headerType && headerInteger > 0)
                    {
                        nested += headerInteger;
                    }
                }
            }
        }
        return position - offset;
    }

    /** @return the reply's type byte ({@link #SIMPLE_STRING}, {@link #ERROR}, ...). */
    byte type()
    {
        return type;
    }

    /** @return an integer's value, or an array's element count (-1 for a null array). */
    long integer()
    {
        return integer;
    }

    /** @return where a simple string's, error's or bulk string's bytes start. */
    int offset()
    {
        return offset;
    }

    /** @return a simple string's, error's or bulk string's length (-1 for a null bulk string). */
    int length()
    {
        return length;
    }

    /** @return an array's element count (-1 for a null array; 0 for any other type). */
    long elements()
    {
        return ARRAY == type ? integer : 0;
    }

    /** @param i an element below {@link #VIEWED_ELEMENTS} and the count. @return its type byte. */
    byte elementType(final int i)
    {
        return elementTypes[i];
    }

    /** @param i an element. @return its integer (or, for a nested array, its count). */
    long elementInteger(final int i)
    {
        return elementIntegers[i];
    }

    /** @param i an element. @return where its bytes start. */
    int elementOffset(final int i)
    {
        return elementOffsets[i];
    }

    /** @param i an element. @return its length (-1 for a null bulk string). */
    int elementLength(final int i)
    {
        return elementLengths[i];
    }

    /**
     * @param offset   where bytes start in the buffer last decoded.
     * @param length   how many.
     * @param expected the bytes they should be.
     * @return whether they are exactly those.
     */
    boolean matches(final int offset, final int length, final byte[] expected)
    {
        if (length != expected.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    private int fail(final int code, final int offset, final int limit)
    {
        if (NEED_MORE == code)
        {
            return limit - offset >= maxReplyBytes ? MALFORMED : INCOMPLETE;
        }
        return MALFORMED;
    }

    /**
     * Reads one value's header (and a bulk string's bytes) into the header views.
     *
     * @return the position after it, {@link #NEED_MORE} or {@link #BAD}.
     */
    private int header(final int position, final int limit)
    {
        if (position >= limit)
        {
            return NEED_MORE;
        }
        final byte kind = buffer.getByte(position);
        int cr = position + 1;
        while (cr < limit && '\r' != buffer.getByte(cr))
        {
            final byte b = buffer.getByte(cr);
            if ('\n' == b)
            {
                return BAD;
            }
            cr++;
        }
        if (cr + 1 >= limit)
        {
            return NEED_MORE;
        }
        if ('\n' != buffer.getByte(cr + 1))
        {
            return BAD;
        }
        final int next = cr + 2;
        headerType = kind;
        headerInteger = 0;
        headerOffset = position + 1;
        headerLength = cr - (position + 1);
        switch (kind)
        {
            case SIMPLE_STRING:
            case ERROR:
                return next;

            case INTEGER:
                return number(position + 1, cr) ? next : BAD;

            case BULK_STRING:
            {
                if (!number(position + 1, cr) || headerInteger < -1 || headerInteger > maxReplyBytes)
                {
                    return BAD;
                }
                if (-1 == headerInteger)
                {
                    headerOffset = next;
                    headerLength = -1;
                    return next;
                }
                final int bytes = (int)headerInteger;
                final int end = next + bytes;
                if (end + 2 > limit)
                {
                    return NEED_MORE;
                }
                if ('\r' != buffer.getByte(end) || '\n' != buffer.getByte(end + 1))
                {
                    return BAD;
                }
                headerOffset = next;
                headerLength = bytes;
                return end + 2;
            }

            case ARRAY:
                if (!number(position + 1, cr) || headerInteger < -1 || headerInteger > maxReplyBytes)
                {
                    return BAD;
                }
                headerLength = 0;
                return next;

            default:
                return BAD;
        }
    }

    /** Parses a signed decimal from {@code from} to {@code to} into {@link #headerInteger}. */
    private boolean number(final int from, final int to)
    {
        int i = from;
        boolean negative = false;
        if (i < to && '-' == buffer.getByte(i))
        {
            negative = true;
            i++;
        }
        final int digits = to - i;
        if (digits < 1 || digits > MAX_DIGITS)
        {
            return false;
        }
        long value = 0;
        for (; i < to; i++)
        {
            final int digit = buffer.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                return false;
            }
            value = value * 10 + digit;
            if (value < 0)
            {
                return false;
            }
        }
        headerInteger = negative ? -value : value;
        return true;
    }
}
