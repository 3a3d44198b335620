package dev.rollcall.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Helpers shared by the fixed-layout codecs: every multi-byte value is little endian, every
 * string is an int length in UTF-16 code units ({@code -1} for null) followed by the code
 * units, two bytes each, so that encoding allocates nothing.
 */
final class CodecUtil
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int NULL_LENGTH = -1;

    private CodecUtil()
    {
    }

    /**
     * @return the offset after the encoded string.
     */
    static int putString(final MutableDirectBuffer buffer, final int offset, final String value)
    {
        if (null == value)
        {
            buffer.putInt(offset, NULL_LENGTH, ORDER);
            return offset + Integer.BYTES;
        }
        final int length = value.length();
        buffer.putInt(offset, length, ORDER);
        int position = offset + Integer.BYTES;
        for (int i = 0; i < length; i++)
        {
            buffer.putChar(position, value.charAt(i), ORDER);
            position += Character.BYTES;
        }
        return position;
    }

    /**
     * @return the encoded length in bytes of the string at the offset, header included.
     */
    static int stringLength(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset, ORDER);
        return Integer.BYTES + (length == NULL_LENGTH ? 0 : length * Character.BYTES);
    }

    /**
     * @return the code units of the string encoded at {@code offset}, or {@link #NULL_LENGTH}.
     * @throws IllegalStateException when the length is negative or runs past the buffer.
     */
    static int checkedLength(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset, ORDER);
        if (length != NULL_LENGTH &&
            (length < 0 || (long)length * Character.BYTES > (long)buffer.capacity() - offset - Integer.BYTES))
        {
            throw new IllegalStateException("string length " + length + " at offset " + offset +
                " runs past the end of the buffer (capacity " + buffer.capacity() + ")");
        }
        return length;
    }

    static String getString(final DirectBuffer buffer, final int offset)
    {
        return getString(buffer, offset, null);
    }

    /**
     * @param strings where the string is looked up and kept, or null to allocate it.
     */
    static String getString(final DirectBuffer buffer, final int offset, final StringCache strings)
    {
        final int length = checkedLength(buffer, offset);
        if (length == NULL_LENGTH)
        {
            return null;
        }
        if (null != strings)
        {
            return strings.get(buffer, offset + Integer.BYTES, length);
        }
        final char[] chars = new char[length];
        int position = offset + Integer.BYTES;
        for (int i = 0; i < length; i++)
        {
            chars[i] = buffer.getChar(position, ORDER);
            position += Character.BYTES;
        }
        return new String(chars);
    }
}
