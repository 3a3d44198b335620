package dev.rollcall.model.wire;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link WireBuffer} over a {@link ByteBuffer} of any byte order, heap or direct: absolute reads and
 * writes only, so the buffer's position, limit and order are never changed. A write past the buffer's
 * limit throws {@link BufferOverflowException}. Reusable ({@link #wrap(ByteBuffer)}); not thread safe.
 */
public final class NioWireBuffer implements WireBuffer
{
    private ByteBuffer buffer;
    private boolean swap;

    /** Wrap nothing yet. */
    public NioWireBuffer()
    {
    }

    /**
     * @param buffer to read and write.
     */
    public NioWireBuffer(final ByteBuffer buffer)
    {
        wrap(buffer);
    }

    /**
     * Point at a buffer; its byte order is read now, so wrap again after changing it.
     *
     * @param buffer to read and write.
     * @return this.
     */
    public NioWireBuffer wrap(final ByteBuffer buffer)
    {
        this.buffer = buffer;
        this.swap = buffer.order() != ByteOrder.LITTLE_ENDIAN;
        return this;
    }

    /**
     * @return the buffer wrapped.
     */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    @Override
    public byte getByte(final int index)
    {
        return buffer.get(index);
    }

    @Override
    public short getShort(final int index)
    {
        final short value = buffer.getShort(index);
        return swap ? Short.reverseBytes(value) : value;
    }

    @Override
    public int getInt(final int index)
    {
        final int value = buffer.getInt(index);
        return swap ? Integer.reverseBytes(value) : value;
    }

    @Override
    public long getLong(final int index)
    {
        final long value = buffer.getLong(index);
        return swap ? Long.reverseBytes(value) : value;
    }

    @Override
    public void putByte(final int index, final byte value)
    {
        check(index, Byte.BYTES);
        buffer.put(index, value);
    }

    @Override
    public void putShort(final int index, final short value)
    {
        check(index, Short.BYTES);
        buffer.putShort(index, swap ? Short.reverseBytes(value) : value);
    }

    @Override
    public void putInt(final int index, final int value)
    {
        check(index, Integer.BYTES);
        buffer.putInt(index, swap ? Integer.reverseBytes(value) : value);
    }

    @Override
    public void putLong(final int index, final long value)
    {
        check(index, Long.BYTES);
        buffer.putLong(index, swap ? Long.reverseBytes(value) : value);
    }

    private void check(final int index, final int bytes)
    {
        if (index < 0 || index > buffer.limit() - bytes)
        {
            throw new BufferOverflowException();
        }
    }
}
