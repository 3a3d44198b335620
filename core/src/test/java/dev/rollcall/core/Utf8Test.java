package dev.rollcall.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test
{
    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, 4 bytes

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "reason", "é", "héllo ☃", "日本語", "\uD83D\uDE00 grin", "\u0000nul", "\u007F\u0080",
        "\u07FF\u0800", "\uFFFF", "\uDBFF\uDFFF", "x\uD800\uDC00y"})
    void shouldCountWhatTheJdkEncodesForWellFormedStrings(final String value)
    {
        assertThat(Utf8.length(value)).isEqualTo(value.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void shouldCountEachCodePointByItsEncodedSize()
    {
        assertThat(Utf8.length("a")).isEqualTo(1);
        assertThat(Utf8.length("é")).isEqualTo(2);
        assertThat(Utf8.length("☃")).isEqualTo(3);
        assertThat(Utf8.length(EMOJI)).isEqualTo(4);
        assertThat(Utf8.length(EMOJI.repeat(32))).isEqualTo(128);
        assertThat(Utf8.length("é".repeat(128))).isEqualTo(256);
    }

    @Test
    void shouldCountAnUnpairedSurrogateAsThreeBytes()
    {
        assertThat(Utf8.length("\uD800")).isEqualTo(3);
        assertThat(Utf8.length("\uDC00")).isEqualTo(3);
        assertThat(Utf8.length("a\uD83D")).as("a high surrogate at the end").isEqualTo(4);
        assertThat(Utf8.length("\uDE00\uD83D")).as("a pair in the wrong order is two unpaired surrogates").isEqualTo(6);
        assertThat(Utf8.length("\uD83D\uD83D\uDE00")).as("a lone high surrogate, then a pair").isEqualTo(7);
    }

    @Test
    void shouldDecideExceedsExactlyAtTheLimit()
    {
        assertThat(Utf8.exceeds(EMOJI.repeat(32), 128)).isFalse();
        assertThat(Utf8.exceeds(EMOJI.repeat(33), 128)).isTrue();
        assertThat(Utf8.exceeds("é".repeat(64), 128)).isFalse();
        assertThat(Utf8.exceeds("é".repeat(65), 128)).isTrue();
        assertThat(Utf8.exceeds("é".repeat(128), 128)).isTrue();
        assertThat(Utf8.exceeds("", 0)).isFalse();
        assertThat(Utf8.exceeds("a", 0)).isTrue();
        assertThat(Utf8.exceeds("a".repeat(129), 128)).isTrue();
        assertThat(Utf8.exceeds("☃".repeat(42), 128)).as("the char-count shortcut (42 * 3 <= 128)").isFalse();
        assertThat(Utf8.exceeds("☃".repeat(43), 128)).isTrue();
    }

    @Test
    void shouldAgreeWithTheLengthOnRandomStrings()
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final char[] alphabet = {'a', '\u007F', '\u0080', 'é', '\u07FF', '\u0800', '☃', '\uFFFF', '\uD83D', '\uDE00', '\uD800',
            '\uDFFF'};
        for (int run = 0; run < 10_000; run++)
        {
            final char[] chars = new char[random.nextInt(0, 24)];
            for (int i = 0; i < chars.length; i++)
            {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            final String value = new String(chars);
            final long expected = value.codePoints().mapToLong(Utf8Test::encodedSize).sum();
            assertThat(Utf8.length(value)).as("seed=%d value=%s", seed, value.codePoints().boxed().toList()).isEqualTo(expected);
            final int limit = random.nextInt(0, 80);
            assertThat(Utf8.exceeds(value, limit)).as("seed=%d limit=%d", seed, limit).isEqualTo(expected > limit);
        }
    }

    /** Independent of the helper: the size of one code point (a lone surrogate is a code point of its own here). */
    private static long encodedSize(final int codePoint)
    {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
}
