package dev.rollcall.core;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal decoders' string cache: one string per encoded value, bounded.
 */
class StringCacheTest
{
    @Test
    void shouldReturnTheSameStringForEqualCodeUnits()
    {
        final StringCache cache = new StringCache(16, 64);
        final UnsafeBuffer first = encoded(0, "match-found");
        final UnsafeBuffer second = encoded(40, "match-found");

        final String decoded = CodecUtil.getString(first, 0, cache);
        assertThat(decoded).isEqualTo("match-found");
        assertThat(CodecUtil.getString(second, 40, cache)).isSameAs(decoded);
        assertThat(cache.size()).isEqualTo(1);

        // read a word at a time up to the buffer's very end, never past it
        final UnsafeBuffer exact = encoded(0, "8 units!");
        final String whole = CodecUtil.getString(exact, 0, cache);
        assertThat(whole).isEqualTo("8 units!");
        assertThat(CodecUtil.getString(encoded(3, "8 units!"), 3, cache)).isSameAs(whole);
        assertThat(CodecUtil.getString(encoded(0, "8 units?"), 0, cache)).isEqualTo("8 units?");
    }

    @Test
    void shouldNeverGiveOneValuesStringForAnother()
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final StringCache cache = new StringCache(4, 8);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(64));
        for (int i = 0; i < 5_000; i++)
        {
            final char[] chars = new char[random.nextInt(0, 10)]; // across whole words, tails and past the limit
            for (int c = 0; c < chars.length; c++)
            {
                // ASCII, Latin-1 and lone surrogates: the core's strings are raw UTF-16
                final int pick = random.nextInt(3);
                chars[c] = (char)(pick == 0 ? random.nextInt('a', 'e') : pick == 1 ? random.nextInt(0xE0, 0xE4) :
                    random.nextInt(0xD800, 0xD804));
            }
            final String value = new String(chars);
            CodecUtil.putString(buffer, 0, value);
            assertThat(CodecUtil.getString(buffer, 0, cache)).as("seed %d", seed).isEqualTo(value);
        }
    }

    @Test
    void shouldStayWithinItsCapacity()
    {
        final StringCache cache = new StringCache(8, 16);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(64));
        for (int i = 0; i < 10_000; i++)
        {
            CodecUtil.putString(buffer, 0, "value-" + i);
            CodecUtil.getString(buffer, 0, cache);
        }
        assertThat(cache.capacity()).isEqualTo(16);
        assertThat(cache.size()).isEqualTo(16);

        final StringCache empty = new StringCache(8, 16);
        CodecUtil.putString(buffer, 0, "seventeen-chars!!");
        final String once = CodecUtil.getString(buffer, 0, empty);
        assertThat(once).isEqualTo("seventeen-chars!!");
        assertThat(CodecUtil.getString(buffer, 0, empty)).isEqualTo(once).isNotSameAs(once);
        assertThat(empty.size()).isZero();
    }

    private static UnsafeBuffer encoded(final int offset, final String value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(offset + 4 + 2 * value.length()));
        CodecUtil.putString(buffer, offset, value);
        return buffer;
    }
}
