package dev.rollcall.model.wire;

/**
 * The bytes an encoding of docs/protocol.md lives in, reached by absolute little-endian reads and
 * writes: the one seam between the codec ({@link WireEncoder}, {@link WireDecoder}) and whatever holds
 * the bytes, so the same code writes a {@code changes} value or an event body into a
 * {@link java.nio.ByteBuffer} ({@link NioWireBuffer}: the protocol and its clients) or into the core's
 * Agrona buffers.
 * <p>
 * Every multi-byte value is little endian whatever the order of the storage beneath. A write past the
 * end throws ({@link java.nio.BufferOverflowException} for a fixed buffer) unless the storage grows; the
 * {@link WireDecoder} reads only within the limit it is given.
 */
public interface WireBuffer
{
    /**
     * @param index absolute.
     * @return the byte there.
     */
    byte getByte(int index);

    /**
     * @param index absolute.
     * @return the little-endian short there.
     */
    short getShort(int index);

    /**
     * @param index absolute.
     * @return the little-endian int there.
     */
    int getInt(int index);

    /**
     * @param index absolute.
     * @return the little-endian long there.
     */
    long getLong(int index);

    /**
     * @param index absolute.
     * @param value to write.
     */
    void putByte(int index, byte value);

    /**
     * @param index absolute.
     * @param value to write, little endian.
     */
    void putShort(int index, short value);

    /**
     * @param index absolute.
     * @param value to write, little endian.
     */
    void putInt(int index, int value);

    /**
     * @param index absolute.
     * @param value to write, little endian.
     */
    void putLong(int index, long value);
}
