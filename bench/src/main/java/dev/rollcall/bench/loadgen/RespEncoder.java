package dev.rollcall.bench.loadgen;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Writes RESP2 commands (arrays of bulk strings, the only form a client sends) into a {@link ByteBuffer} at its
 * position, advancing it. Numbers are written as ASCII digits by hand and bulk strings from byte arrays, so a
 * command allocates nothing:
 * <pre>
 *   *&lt;count&gt;\r\n                       array header, then count bulk strings
 *   $&lt;length&gt;\r\n&lt;bytes&gt;\r\n           bulk string
 * </pre>
 * A command that does not fit throws {@link java.nio.BufferOverflowException} from the buffer (callers keep
 * room for one command). Not thread-safe.
 */
final class RespEncoder
{
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    /** Hex digits of {@link #bulkHex}: a long, zero-padded. */
    static final int HEX_DIGITS = 16;

    private ByteBuffer target;

    /**
     * @param target where the next writes go, at its position.
     * @return this.
     */
    RespEncoder wrap(final ByteBuffer target)
    {
        this.target = target;
        return this;
    }

    /**
     * @param count elements that follow, >= 0.
     * @return this.
     */
    RespEncoder array(final int count)
    {
        target.put((byte)'*');
        decimal(count);
        crlf();
        return this;
    }

    /**
     * @param bytes the bulk string's bytes, all of them.
     * @return this.
     */
    RespEncoder bulk(final byte[] bytes)
    {
        target.put((byte)'$');
        decimal(bytes.length);
        crlf();
        target.put(bytes);
        crlf();
        return this;
    }

    /**
     * One bulk string made of a prefix and a number in decimal, e.g. {@code presence:1000042}.
     *
     * @param prefix the leading bytes.
     * @param number >= 0.
     * @return this.
     */
    RespEncoder bulk(final byte[] prefix, final long number)
    {
        target.put((byte)'$');
        decimal(prefix.length + digits(number));
        crlf();
        target.put(prefix);
        decimal(number);
        crlf();
        return this;
    }

    /**
     * One bulk string made of a number in {@value #HEX_DIGITS} lowercase hex digits and a suffix.
     *
     * @param number any long (its 64 bits).
     * @param suffix the trailing bytes.
     * @return this.
     */
    RespEncoder bulkHex(final long number, final byte[] suffix)
    {
        target.put((byte)'$');
        decimal(HEX_DIGITS + suffix.length);
        crlf();
        final int at = target.position();
        if (target.remaining() < HEX_DIGITS)
        {
            throw new BufferOverflowException();
        }
        for (int i = 0; i < HEX_DIGITS; i++)
        {
            target.put(at + i, HEX[(int)(number >>> ((HEX_DIGITS - 1 - i) * 4)) & 0xF]);
        }
        target.position(at + HEX_DIGITS);
        target.put(suffix);
        crlf();
        return this;
    }

    /**
     * @param number >= 0.
     * @return its decimal digits.
     */
    static int digits(final long number)
    {
        if (number < 0)
        {
            throw new IllegalArgumentException("negative: " + number);
        }
        int digits = 1;
        long rest = number;
        while (rest >= 10)
        {
            rest /= 10;
            digits++;
        }
        return digits;
    }

    private void decimal(final long number)
    {
        final int digits = digits(number);
        final int at = target.position();
        if (target.remaining() < digits)
        {
            throw new BufferOverflowException();
        }
        long rest = number;
        for (int i = digits - 1; i >= 0; i--)
        {
            target.put(at + i, (byte)('0' + rest % 10));
            rest /= 10;
        }
        target.position(at + digits);
    }

    private void crlf()
    {
        target.put(CR).put(LF);
    }
}
