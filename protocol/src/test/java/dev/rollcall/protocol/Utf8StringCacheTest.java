package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
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
        final ByteBuffer first = bytesAt(3, "match-found");
        final String decoded = new String("match-found".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(cache.get(first, 3, 11)).isNull();
        cache.put(first, 3, 11, decoded);

        final ByteBuffer second = ByteBuffer.allocateDirect(32);
        second.position(17);
        second.put("match-found".getBytes(StandardCharsets.UTF_8));
        assertThat(cache.get(second, 17, 11)).isSameAs(decoded);
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
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
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
            final ByteBuffer buffer = bytesAt(0, value);
            cache.put(buffer, 0, buffer.limit(), value);
        }
        assertThat(cache.capacity()).isEqualTo(16);
        assertThat(cache.size()).isEqualTo(16);

        final String tooLong = "seventeen-bytes!!";
        final ByteBuffer buffer = bytesAt(0, tooLong);
        final Utf8StringCache empty = new Utf8StringCache(8, 16);
        empty.put(buffer, 0, buffer.limit(), tooLong);
        assertThat(empty.get(buffer, 0, buffer.limit())).isNull();
        assertThat(empty.size()).isZero();
    }

    @Test
    void shouldKeepTwoValuesPerSetAndReplaceTheOneNotUsedLast()
    {
        final Utf8StringCache cache = new Utf8StringCache(1, 16);
        final ByteBuffer a = bytesAt(0, "a");
        final ByteBuffer b = bytesAt(0, "b");
        final ByteBuffer c = bytesAt(0, "c");
        cache.put(a, 0, 1, "a");
        cache.put(b, 0, 1, "b");
        assertThat(cache.get(a, 0, 1)).isEqualTo("a");
        cache.put(c, 0, 1, "c");

        assertThat(cache.get(a, 0, 1)).isEqualTo("a");
        assertThat(cache.get(b, 0, 1)).isNull();
        assertThat(cache.get(c, 0, 1)).isEqualTo("c");
    }

    @Test
    void shouldStillRefuseInvalidUtf8AndNotKeepIt() throws ProtocolException
    {
        final Utf8StringCache cache = new Utf8StringCache(16, 64);
        final WireReader reader = new WireReader(cache);
        final ByteBuffer valid = frame(0x41, 0x42);
        reader.begin(valid, 0, valid.limit());
        assertThat(reader.string()).isEqualTo("AB");
        assertThat(cache.size()).isEqualTo(1);

        final ByteBuffer invalid = frame(0xC3, 0x28);
        reader.begin(invalid, 0, invalid.limit());
        assertThatThrownBy(reader::string).isInstanceOf(ProtocolException.class).hasMessageContaining("invalid UTF-8");
        assertThat(cache.size()).isEqualTo(1);
        reader.begin(invalid, 0, invalid.limit());
        assertThatThrownBy(reader::string).isInstanceOf(ProtocolException.class).hasMessageContaining("invalid UTF-8");
    }

    @Test
    void shouldHandTheSameStringsToTheHandlerForRepeatedValues() throws ProtocolException
    {
        final Recorder recorder = new Recorder();
        final ClientFrameAdapter adapter = new ClientFrameAdapter(recorder);
        final ByteBuffer in = ByteBuffer.allocate(256);
        final Presence changes = new Presence().attribute(new String("map"), new String("harbour"));
        for (int i = 0; i < 2; i++)
        {
            in.clear();
            new FrameWriter(in).update(i + 1, Protocol.GROUP_STANDARD, new String("in-match"), changes);
            in.flip();
            adapter.decode(in, in.remaining());
        }
        final Presence first = (Presence)recorder.calls.get(0).get(4);
        final Presence second = (Presence)recorder.calls.get(1).get(4);
        assertThat(recorder.calls.get(1).get(3)).isEqualTo("in-match").isSameAs(recorder.calls.get(0).get(3));
        assertThat(second.attributeKey(0)).isEqualTo("map").isSameAs(first.attributeKey(0));
        assertThat(second.attributeString(0)).isEqualTo("harbour").isSameAs(first.attributeString(0));
    }

    private static ByteBuffer bytesAt(final int offset, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buffer = ByteBuffer.allocate(offset + bytes.length);
        buffer.position(offset);
        buffer.put(bytes);
        buffer.flip();
        return buffer;
    }

    /** A CLOSE-shaped frame whose body is one string of these bytes. */
    private static ByteBuffer frame(final int... bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        FrameWriter.raw(buffer, Protocol.CLOSE, new Body().u16(bytes.length).bytes(bytes).build());
        buffer.flip();
        return buffer;
    }
}
