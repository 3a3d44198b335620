package dev.rollcall.protocol.json;

import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A strict pull reader of one JSON text (RFC 8259) held in a buffer, for the few shapes the JSON
 * protocol uses: objects, arrays, strings, integers, booleans and null. Strings are unescaped
 * into UTF-8 bytes in a caller's buffer, numbers into {@code long}s: nothing is allocated. Any
 * departure from the grammar is a {@link ProtocolException} with
 * {@link ErrorCode#MALFORMED_FRAME} naming what was expected and the byte offset. The bytes
 * must already be valid UTF-8 (the WebSocket layer checks text messages).
 */
final class JsonReader
{
    private static final long MAX_SAFE = (1L << 53) - 1;

    private ByteBuffer in;
    private int start;
    private int position;
    private int end;
    /** Where the last integer parsed ended. */
    private int parsedTo;
    /** An integer written as a string, unescaped. */
    private final ByteBuffer digits = ByteBuffer.allocate(64);

    /**
     * Read a new text.
     *
     * @param in   the bytes (absolute indexes; the buffer's position is not used or moved).
     * @param from the first byte.
     * @param to   one past the last.
     * @return this.
     */
    JsonReader wrap(final ByteBuffer in, final int from, final int to)
    {
        this.in = in;
        this.start = from;
        this.position = from;
        this.end = to;
        return this;
    }

    /**
     * @return the next byte after white space, without taking it, or -1 at the end.
     */
    int peek()
    {
        skipWhiteSpace();
        return position < end ? in.get(position) & 0xFF : -1;
    }

    /**
     * Take one structural character.
     *
     * @param c '{', '}', '[', ']', ':' or ','.
     */
    void expect(final char c) throws ProtocolException
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    /**
     * Take a structural character if it is next.
     *
     * @return true if it was taken.
     */
    boolean consume(final char c)
    {
        if (peek() == c)
        {
            position++;
            return true;
        }
        return false;
    }

    /**
     * After the value of an object member or array element: a ',' (true: another follows) or
     * the closing character (false: it is taken too).
     */
    boolean next(final char close) throws ProtocolException
    {
        final int c = peek();
        if (c == ',')
        {
            position++;
            return true;
        }
        if (c == close)
        {
            position++;
            return false;
        }
        throw error("expected ',' or '" + close + "'");
    }

    /** The text must end here (white space aside). */
    void expectEnd() throws ProtocolException
    {
        if (peek() != -1)
        {
            throw error("expected the end of the message");
        }
    }

    /**
     * Read a string, unescaped, as UTF-8 into {@code out} at its position (advanced).
     *
     * @param out where the bytes go (with room for {@code max} + 4 bytes, or the string is refused as too long).
     * @param max the most bytes allowed.
     * @return the string's length in bytes.
     */
    int readString(final ByteBuffer out, final int max) throws ProtocolException
    {
        if (peek() != '"')
        {
            throw error("expected a string");
        }
        position++;
        final int begin = out.position();
        while (true)
        {
            if (position >= end)
            {
                throw error("unterminated string");
            }
            final int b = in.get(position++) & 0xFF;
            if (b == '"')
            {
                break;
            }
            if (b < 0x20)
            {
                throw error("a control character in a string must be escaped");
            }
            if (out.position() - begin > max || out.remaining() < 4)
            {
                throw error("a string longer than " + max + " bytes");
            }
            if (b != '\\')
            {
                out.put((byte)b);
                continue;
            }
            if (position >= end)
            {
                throw error("unterminated escape");
            }
            final int e = in.get(position++) & 0xFF;
            switch (e)
            {
                case '"', '\\', '/' -> out.put((byte)e);
                case 'b' -> out.put((byte)'\b');
                case 'f' -> out.put((byte)'\f');
                case 'n' -> out.put((byte)'\n');
                case 'r' -> out.put((byte)'\r');
                case 't' -> out.put((byte)'\t');
                case 'u' -> putCodePoint(out, readEscapedCodePoint());
                default -> throw error("bad escape \\" + (char)e);
            }
        }
        final int length = out.position() - begin;
        if (length > max)
        {
            throw error("a string longer than " + max + " bytes");
        }
        return length;
    }

    private int readEscapedCodePoint() throws ProtocolException
    {
        final int unit = readHex4();
        if (unit >= 0xD800 && unit <= 0xDBFF)
        {
            if (position + 6 > end || in.get(position) != '\\' || in.get(position + 1) != 'u')
            {
                throw error("a lone high surrogate escape");
            }
            position += 2;
            final int low = readHex4();
            if (low < 0xDC00 || low > 0xDFFF)
            {
                throw error("a high surrogate escape not followed by a low one");
            }
            return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF)
        {
            throw error("a lone low surrogate escape");
        }
        return unit;
    }

    private int readHex4() throws ProtocolException
    {
        if (position + 4 > end)
        {
            throw error("a truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            final int c = in.get(position++);
            final int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0)
            {
                throw error("a bad hex digit in a \\u escape");
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    private static void putCodePoint(final ByteBuffer out, final int cp)
    {
        if (cp < 0x80)
        {
            out.put((byte)cp);
        }
        else if (cp < 0x800)
        {
            out.put((byte)(0xC0 | (cp >>> 6))).put((byte)(0x80 | (cp & 0x3F)));
        }
        else if (cp < 0x10000)
        {
            out.put((byte)(0xE0 | (cp >>> 12))).put((byte)(0x80 | ((cp >>> 6) & 0x3F))).put((byte)(0x80 | (cp & 0x3F)));
        }
        else
        {
            out.put((byte)(0xF0 | (cp >>> 18))).put((byte)(0x80 | ((cp >>> 12) & 0x3F)))
                .put((byte)(0x80 | ((cp >>> 6) & 0x3F))).put((byte)(0x80 | (cp & 0x3F)));
        }
    }

    /**
     * Read an object member's name and its ':' and find it among the names.
     *
     * @param names the names known here, as UTF-8 bytes.
     * @param key   scratch for the name's bytes.
     * @return its index in {@code names}.
     */
    int readKey(final byte[][] names, final ByteBuffer key) throws ProtocolException
    {
        skipWhiteSpace();
        final int at = position;
        key.clear();
        final int length = readString(key, key.capacity() - 4);
        expect(':');
        for (int i = 0; i < names.length; i++)
        {
            final byte[] name = names[i];
            if (name.length == length)
            {
                boolean same = true;
                for (int j = 0; j < length && same; j++)
                {
                    same = name[j] == key.get(j);
                }
                if (same)
                {
                    return i;
                }
            }
        }
        position = at;
        throw error("unknown member \"" + new String(key.array(), 0, length, StandardCharsets.UTF_8) + "\"");
    }

    /**
     * Read an integer: a JSON number without fraction or exponent, or (for 64-bit ids that a
     * JavaScript number cannot hold) a string of one.
     *
     * @return its value.
     */
    long readLong() throws ProtocolException
    {
        if (peek() != '"')
        {
            return readDigits(in, position, end);
        }
        final int at = position;
        digits.clear();
        final int length = readString(digits, digits.capacity() - 4); // escapes allowed, as in any string
        final int after = position;
        position = at + 1;
        final long value = readDigits(digits, 0, length);
        if (parsedTo != length)
        {
            throw error("expected an integer in the string");
        }
        position = after;
        return value;
    }

    /**
     * Parse an integer at {@code from}, ending at the first byte that is not a digit; sets
     * {@link #parsedTo} and, when it reads {@link #in}, {@link #position}.
     */
    private long readDigits(final ByteBuffer src, final int from, final int to) throws ProtocolException
    {
        int i = from;
        final boolean negative = i < to && src.get(i) == '-';
        if (negative)
        {
            i++;
        }
        if (i >= to || src.get(i) < '0' || src.get(i) > '9')
        {
            throw error("expected an integer");
        }
        if (src.get(i) == '0' && i + 1 < to && src.get(i + 1) >= '0' && src.get(i + 1) <= '9')
        {
            throw error("a number with a leading zero");
        }
        long value = 0;
        while (i < to)
        {
            final int c = src.get(i);
            if (c < '0' || c > '9')
            {
                break;
            }
            final int digit = c - '0';
            if (value < (Long.MIN_VALUE + digit) / 10)
            {
                throw errorAt(src, i, "an integer outside 64 bits");
            }
            value = value * 10 - digit; // accumulate negatively: Long.MIN_VALUE fits
            i++;
        }
        if (i < to && (src.get(i) == '.' || src.get(i) == 'e' || src.get(i) == 'E'))
        {
            throw errorAt(src, i, "expected an integer, not a fraction or exponent");
        }
        if (!negative && value == Long.MIN_VALUE)
        {
            throw errorAt(src, i, "an integer outside 64 bits");
        }
        parsedTo = i;
        if (src == in)
        {
            position = i;
        }
        return negative ? value : -value;
    }

    /** @return the boolean read. */
    boolean readBoolean() throws ProtocolException
    {
        if (literal("true"))
        {
            return true;
        }
        if (literal("false"))
        {
            return false;
        }
        throw error("expected true or false");
    }

    /**
     * Take {@code null} if it is next.
     *
     * @return true if it was.
     */
    boolean consumeNull()
    {
        return literal("null");
    }

    private boolean literal(final String word)
    {
        skipWhiteSpace();
        final int length = word.length();
        if (position + length > end)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (in.get(position + i) != word.charAt(i))
            {
                return false;
            }
        }
        final int after = position + length;
        if (after < end && isWordByte(in.get(after)))
        {
            return false;
        }
        position = after;
        return true;
    }

    private static boolean isWordByte(final byte b)
    {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
    }

    private void skipWhiteSpace()
    {
        while (position < end)
        {
            final byte b = in.get(position);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
            {
                return;
            }
            position++;
        }
    }

    private ProtocolException errorAt(final ByteBuffer src, final int index, final String what)
    {
        if (src == in)
        {
            position = index; // name the offending byte; within a quoted integer, the string's start
        }
        return error(what);
    }

    /**
     * @param what what was wrong.
     * @return the exception to throw, naming the offset in the message.
     */
    ProtocolException error(final String what)
    {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, "JSON: " + what + " at offset " + (position - start));
    }

    /**
     * @param value a 64-bit value.
     * @return true if a JavaScript number holds it exactly.
     */
    static boolean isSafe(final long value)
    {
        return value >= -MAX_SAFE && value <= MAX_SAFE;
    }
}
