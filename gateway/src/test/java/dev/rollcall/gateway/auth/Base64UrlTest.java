package dev.rollcall.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class Base64UrlTest
{
    @Test
    void shouldDecodeWhatTheJdkEncodesForEveryLength()
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int length = 0; length <= 40; length++)
        {
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final String text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            final byte[] decoded = new byte[length];

            assertThat(Base64Url.encodedLength(length)).as("seed %d length %d", seed, length).isEqualTo(text.length());
            assertThat(Base64Url.decode(text, 0, text.length(), decoded)).as("seed %d length %d", seed, length).isTrue();
            assertThat(decoded).as("seed %d length %d", seed, length).isEqualTo(bytes);
            assertThat(Base64Url.encode(bytes)).isEqualTo(text);
        }
    }

    @Test
    void shouldDecodeARangeOfALongerText()
    {
        final byte[] decoded = new byte[3];

        assertThat(Base64Url.decode("xx_-_-yy", 2, 6, decoded)).isTrue();
        assertThat(decoded).containsExactly(0xFF, 0xEF, 0xFE);
    }

    @Test
    void shouldRejectNonZeroUnusedBits()
    {
        assertThat(Base64Url.decode("AA", 0, 2, new byte[1])).isTrue();
        assertThat(Base64Url.decode("AB", 0, 2, new byte[1])).isFalse();
        assertThat(Base64Url.decode("AAA", 0, 3, new byte[2])).isTrue();
        assertThat(Base64Url.decode("AAB", 0, 3, new byte[2])).isFalse();
    }

    @Test
    void shouldRejectWrongLengthPaddingAndForeignCharacters()
    {
        assertThat(Base64Url.decode("AAAA", 0, 4, new byte[2])).isFalse();
        assertThat(Base64Url.decode("AA==", 0, 4, new byte[1])).isFalse();
        assertThat(Base64Url.decode("A+A", 0, 3, new byte[2])).isFalse();
        assertThat(Base64Url.decode("A/A", 0, 3, new byte[2])).isFalse();
        assertThat(Base64Url.decode("A\u0100A", 0, 3, new byte[2])).isFalse();
        assertThat(Base64Url.decode("A\u007fA", 0, 3, new byte[2])).isFalse();
    }
}
