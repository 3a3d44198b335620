package dev.rollcall.core;

import dev.rollcall.model.wire.WireBuffer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * The model's {@link WireBuffer} over an Agrona buffer, so the model's codec writes the core's events
 * into the fan-out's scratch (an expandable buffer grows) and reads them where they were copied (a
 * mailbox, a gateway inbox). Reusable; not thread safe.
 */
final class DirectWireBuffer implements WireBuffer
{
    private DirectBuffer buffer;
    private MutableDirectBuffer mutable;

    /**
     * Point at a buffer to read only.
     */
    DirectWireBuffer wrap(final DirectBuffer buffer)
    {
        this.buffer = buffer;
        this.mutable = null;
        return this;
    }

    /**
     * Point at a buffer to read and write.
     */
    DirectWireBuffer wrap(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
        this.mutable = buffer;
        return this;
    }

    @Override
    public byte getByte(final int index)
    {
        return buffer.getByte(index);
    }

    @Override
    public short getShort(final int index)
    {
        return buffer.getShort(index, ORDER);
    }

    @Override
    public int getInt(final int index)
    {
        return buffer.getInt(index, ORDER);
    }

    @Override
    public long getLong(final int index)
    {
        return buffer.getLong(index, ORDER);
    }

    @Override
    public void putByte(final int index, final byte value)
    {
        mutable.putByte(index, value);
    }

    @Override
    public void putShort(final int index, final short value)
    {
        mutable.putShort(index, value, ORDER);
    }

    @Override
    public void putInt(final int index, final int value)
    {
        mutable.putInt(index, value, ORDER);
    }

    @Override
    public void putLong(final int index, final long value)
    {
        mutable.putLong(index, value, ORDER);
    }
}
