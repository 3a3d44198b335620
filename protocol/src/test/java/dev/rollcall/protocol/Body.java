package dev.rollcall.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds frame bodies by hand, little-endian, for malformed-frame tests. */
final class Body
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Body u8(final int value)
    {
        out.write(value);
        return this;
    }

    Body u16(final int value)
    {
        out.write(value);
        out.write(value >>> 8);
        return this;
    }

    Body i32(final int value)
    {
        u16(value & 0xFFFF);
        return u16(value >>> 16);
    }

    Body i64(final long value)
    {
        i32((int)value);
        return i32((int)(value >>> 32));
    }

    Body bytes(final int... values)
    {
        for (final int value : values)
        {
            out.write(value);
        }
        return this;
    }

    Body string(final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        u16(bytes.length);
        out.write(bytes, 0, bytes.length);
        return this;
    }

    byte[] build()
    {
        return out.toByteArray();
    }
}
