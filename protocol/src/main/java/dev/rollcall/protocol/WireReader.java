package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.wire.NioWireBuffer;
import dev.rollcall.model.wire.WireDecoder;
import dev.rollcall.model.wire.WireFormatException;

import java.nio.ByteBuffer;

/**
 * A bounds-checked little-endian cursor over one frame of a buffer (docs/protocol.md, "Types"), shared by the
 * adapters. Every read checks the bytes left in the frame first, so any input yields a value or a
 * {@link ProtocolException}, never a runtime exception; counts are checked against the bytes left before anything
 * is allocated. Strings and {@code changes} are read by the model's {@link WireDecoder} (the one decoder of those
 * layouts: strict UTF-8, the changes looping over a {@link FieldTable}), whose refusals become
 * {@code MALFORMED_FRAME}. Uses absolute reads only: never moves the buffer's position or changes its order.
 * A reader that caches strings returns those whose bytes were decoded before from a bounded cache (no
 * allocation); error messages are built only when a frame is refused.
 */
final class WireReader
{
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final NioWireBuffer wire = new NioWireBuffer();
    private final WireDecoder decoder;
    private final FieldTable table;
    /** Decodes {@link #name()}s: the decoder when it caches strings, else a caching one made on first use. */
    private WireDecoder names;
    private ByteBuffer buffer;
    private boolean swap;
    private int position;
    private int end;

    /** A reader of the presence fields that allocates every string it decodes. */
    WireReader()
    {
        this(FieldTable.PRESENCE, false);
    }

    /**
     * @param table        the fields a {@code changes} value may hold.
     * @param cacheStrings whether decoded strings are looked up and kept in a bounded cache.
     */
    WireReader(final FieldTable table, final boolean cacheStrings)
    {
        this.decoder = new WireDecoder(table, cacheStrings);
        this.table = table;
        this.names = cacheStrings ? decoder : null;
    }

    /**
     * Starts reading the frame {@code [start, start + frameLength)}: checks the header against the frame length.
     *
     * @return the op
     */
    int begin(final ByteBuffer in, final int start, final int frameLength) throws ProtocolException
    {
        buffer = in;
        swap = Wire.swaps(in);
        wire.wrap(in);
        position = start;
        end = start + frameLength;
        final int length = i32();
        if (length != frameLength - Protocol.HEADER_LENGTH)
        {
            throw malformed("frame length " + length + " does not match the frame (" + frameLength + " bytes)");
        }
        return u8();
    }

    /** Forgets the buffer. */
    void release()
    {
        buffer = null;
        wire.wrap(EMPTY);
    }

    /** Throws unless the body was consumed exactly. */
    void finish() throws ProtocolException
    {
        if (position != end)
        {
            throw malformed((end - position) + " bytes left over after the body");
        }
    }

    int remaining()
    {
        return end - position;
    }

    void need(final long bytes, final String what) throws ProtocolException
    {
        if (bytes > end - position)
        {
            throw malformed("truncated body: " + what + " needs " + bytes + " bytes, " + (end - position) + " left");
        }
    }

    /** {@link #need(long, String)} for {@code count} items, naming them {@code what count}. */
    private void need(final long bytes, final String what, final int count) throws ProtocolException
    {
        if (bytes > end - position)
        {
            need(bytes, what + " " + count);
        }
    }

    int u8() throws ProtocolException
    {
        need(1, "u8");
        return buffer.get(position++) & 0xFF;
    }

    int u16() throws ProtocolException
    {
        need(2, "u16");
        final short value = buffer.getShort(position);
        position += 2;
        return (swap ? Short.reverseBytes(value) : value) & 0xFFFF;
    }

    int i32() throws ProtocolException
    {
        need(4, "i32");
        final int value = buffer.getInt(position);
        position += 4;
        return swap ? Integer.reverseBytes(value) : value;
    }

    long u32() throws ProtocolException
    {
        return Integer.toUnsignedLong(i32());
    }

    long i64() throws ProtocolException
    {
        need(8, "i64");
        final long value = buffer.getLong(position);
        position += 8;
        return swap ? Long.reverseBytes(value) : value;
    }

    boolean bool() throws ProtocolException
    {
        final int value = u8();
        if (value > 1)
        {
            throw malformed("bad bool " + value);
        }
        return value == 1;
    }

    /** A u8 enum code in {@code [0, count)}. */
    int enumCode(final int count, final String what) throws ProtocolException
    {
        final int value = u8();
        if (value >= count)
        {
            throw malformed("bad " + what + " " + value);
        }
        return value;
    }

    /** A u16 count in {@code [min, max]} whose items take at least {@code itemBytes} each. */
    int count(final int min, final int max, final int itemBytes, final String what) throws ProtocolException
    {
        final int count = u16();
        if (count < min || count > max)
        {
            throw malformed(what + " " + count + " not in " + min + ".." + max);
        }
        need((long)count * itemBytes, what, count);
        return count;
    }

    /** Reads {@code count} i64 values (already checked against the bytes left) into {@code target}. */
    void longs(final long[] target, final int count) throws ProtocolException
    {
        for (int i = 0; i < count; i++)
        {
            target[i] = i64();
        }
    }

    String string() throws ProtocolException
    {
        try
        {
            final String value = decoder.wrap(wire, position, end).string();
            position = decoder.position();
            return value;
        }
        catch (final WireFormatException ex)
        {
            throw malformed(ex.getMessage());
        }
    }

    /**
     * A string looked up in and kept by a bounded cache even when this reader does not cache strings: for names a
     * stream repeats (the counter names of {@code STATS}), so the names of the last answer allocate nothing.
     */
    String name() throws ProtocolException
    {
        if (null == names)
        {
            names = new WireDecoder(table, true);
        }
        try
        {
            final String value = names.wrap(wire, position, end).string();
            position = names.position();
            return value;
        }
        catch (final WireFormatException ex)
        {
            throw malformed(ex.getMessage());
        }
    }

    /** A string never looked up in nor kept by the cache (a token: a secret, and unique). */
    String secret() throws ProtocolException
    {
        try
        {
            final String value = decoder.wrap(wire, position, end).uncachedString();
            position = decoder.position();
            return value;
        }
        catch (final WireFormatException ex)
        {
            throw malformed(ex.getMessage());
        }
    }

    String nstring() throws ProtocolException
    {
        try
        {
            final String value = decoder.wrap(wire, position, end).nullableString();
            position = decoder.position();
            return value;
        }
        catch (final WireFormatException ex)
        {
            throw malformed(ex.getMessage());
        }
    }

    /** Reads a {@code changes} value into {@code target} (cleared first). */
    void changes(final Changes target) throws ProtocolException
    {
        try
        {
            decoder.wrap(wire, position, end).changes(target);
            position = decoder.position();
        }
        catch (final WireFormatException ex)
        {
            throw malformed(ex.getMessage());
        }
    }

    static ProtocolException malformed(final String message)
    {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
