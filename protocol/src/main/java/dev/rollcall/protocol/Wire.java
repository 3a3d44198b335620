package dev.rollcall.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian absolute reads on a buffer of any byte order, without changing the buffer's order
 * (docs/protocol.md: all integers are little-endian).
 */
final class Wire
{
    private Wire()
    {
    }

    static boolean swaps(final ByteBuffer buffer)
    {
        return buffer.order() != ByteOrder.LITTLE_ENDIAN;
    }

    static int getIntLE(final ByteBuffer buffer, final int index)
    {
        final int value = buffer.getInt(index);
        return swaps(buffer) ? Integer.reverseBytes(value) : value;
    }

    static int u16(final int value, final String what)
    {
        if (value < 0 || value > 0xFFFF)
        {
            throw new IllegalArgumentException(what + " " + value + " is not a u16");
        }
        return value;
    }

    static long u32(final long value, final String what)
    {
        if (value < 0 || value > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException(what + " " + value + " is not a u32");
        }
        return value;
    }
}
