package dev.rollcall.model.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.model.FieldTable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The decoder's string cache: one string per byte sequence, bounded, never for bytes it did not decode. */
class Utf8StringCacheTest
{
    @Test
    void shouldReturnTheSameStringForEqualBytes()
    {
        final Utf8StringCache cache = new Utf8StringCache(16, 64);
        final NioWireBuffer first = bytesAt(3, "match-found");
        final String decoded = new String("match-found".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(cache.get(first, 3, 11)).isNull();
        cache.put(first, 3, 11, decoded);

        final ByteBuffer second = ByteBuffer.allocateDirect(32);
        second.position(17);
        second.put("match-found".getBytes(StandardCharsets.UTF_8));
        assertThat(cache.get(new NioWireBuffer(second), 17, 11)).isSameAs(decoded);
    }

    @Test
    void shouldNeverGiveOneBytesStringForOtherBytes()
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final Utf8StringCache cache = new Utf8StringCache(4, 8);
        final List<String> values = new ArrayList<>();
        for (int i = 0; i < 2_000; i++)
        {
            final char[] chars = new char[random.nextInt(0, 5)];
            for (int c = 0; c < chars.length; c++)
            {
                chars[c] = (char)random.nextInt('a', 'e');
            }
            values.add(new String(chars));
        }
        for (final String value : values)
        {
            final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            final NioWireBuffer buffer = new NioWireBuffer(ByteBuffer.wrap(bytes));
            final String cached = cache.get(buffer, 0, bytes.length);
            if (null == cached)
            {
                cache.put(buffer, 0, bytes.length, value);
            }
            else
            {
                assertThat(cached).as("seed %d", seed).isEqualTo(value);
            }
        }
    }

    @Test
    void shouldStayWithinItsCapacity()
    {
        final Utf8StringCache cache = new Utf8StringCache(8, 16);
        for (int i = 0; i < 10_000; i++)
        {
            final String value = "value-" + i;
            final NioWireBuffer buffer = bytesAt(0, value);
            cache.put(buffer, 0, buffer.buffer().limit(), value);
        }
        assertThat(cache.capacity()).isEqualTo(16);
        assertThat(cache.size()).isEqualTo(16);

        final String tooLong = "seventeen-bytes!!";
        final NioWireBuffer buffer = bytesAt(0, tooLong);
        final Utf8StringCache empty = new Utf8StringCache(8, 16);
        empty.put(buffer, 0, buffer.buffer().limit(), tooLong);
        assertThat(empty.get(buffer, 0, buffer.buffer().limit())).isNull();
        assertThat(empty.size()).isZero();
    }

    @Test
    void shouldKeepTwoValuesPerSetAndReplaceTheOneNotUsedLast()
    {
        final Utf8StringCache cache = new Utf8StringCache(1, 16);
        final NioWireBuffer a = bytesAt(0, "a");
        final NioWireBuffer b = bytesAt(0, "b");
        final NioWireBuffer c = bytesAt(0, "c");
        cache.put(a, 0, 1, "a");
        cache.put(b, 0, 1, "b");
        assertThat(cache.get(a, 0, 1)).isEqualTo("a");
        cache.put(c, 0, 1, "c");

        assertThat(cache.get(a, 0, 1)).isEqualTo("a");
        assertThat(cache.get(b, 0, 1)).isNull();
        assertThat(cache.get(c, 0, 1)).isEqualTo("c");
    }

    @Test
    void shouldStillRefuseInvalidUtf8AndNotKeepIt()
    {
        final Utf8StringCache cache = new Utf8StringCache(16, 64);
        final WireDecoder decoder = new WireDecoder(FieldTable.PRESENCE, cache);
        final NioWireBuffer valid = string(0x41, 0x42);
        decoder.wrap(valid, 0, valid.buffer().limit());
        assertThat(decoder.string()).isEqualTo("AB");
        assertThat(cache.size()).isEqualTo(1);

        final NioWireBuffer invalid = string(0xC3, 0x28);
        decoder.wrap(invalid, 0, invalid.buffer().limit());
        assertThatThrownBy(decoder::string).isInstanceOf(WireFormatException.class).hasMessageContaining("invalid UTF-8");
        assertThat(cache.size()).isEqualTo(1);
        decoder.wrap(invalid, 0, invalid.buffer().limit());
        assertThatThrownBy(decoder::string).isInstanceOf(WireFormatException.class).hasMessageContaining("invalid UTF-8");
    }

    @Test
    void shouldDecodeRepeatedValuesToTheSameStrings()
    {
        final WireDecoder decoder = new WireDecoder(FieldTable.PRESENCE, true);
        final NioWireBuffer first = string('m', 'a', 'p');
        final NioWireBuffer second = string('m', 'a', 'p');
        final String decoded = decoder.wrap(first, 0, 5).string();
        assertThat(decoder.wrap(second, 0, 5).string()).isEqualTo("map").isSameAs(decoded);
        assertThat(new WireDecoder().wrap(second, 0, 5).string()).isEqualTo("map").isNotSameAs(decoded);
    }

    private static NioWireBuffer bytesAt(final int offset, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buffer = ByteBuffer.allocate(offset + bytes.length);
        buffer.position(offset);
        buffer.put(bytes);
        buffer.flip();
        return new NioWireBuffer(buffer);
    }

    /** A {@code string} of these bytes. */
    private static NioWireBuffer string(final int... bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(2 + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putShort((short)bytes.length);
        for (final int b : bytes)
        {
            buffer.put((byte)b);
        }
        return new NioWireBuffer(buffer.flip());
    }
}
