package dev.rollcall.gateway.auth;

import java.util.Arrays;
import java.util.Base64;

/**
 * Base64url without padding (RFC 4648 section 5). Decoding is strict and allocation free: exactly
 * the canonical encoding of a given number of bytes is accepted (no padding, no whitespace, no
 * other alphabet, unused trailing bits zero), so every byte string has exactly one accepted text.
 */
final class Base64Url
{
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] DECODE = new byte[128];

    static
    {
        Arrays.fill(DECODE, (byte)-1);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++)
        {
            DECODE[alphabet.charAt(i)] = (byte)i;
        }
    }

    private Base64Url()
    {
    }

    /**
     * @return the number of characters encoding {@code byteCount} bytes without padding.
     */
    static int encodedLength(final int byteCount)
    {
        return (byteCount * 8 + 5) / 6;
    }

    static String encode(final byte[] bytes)
    {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Decodes {@code text[from, to)} into all of {@code dst}.
     *
     * @return false, leaving {@code dst} in an unspecified state, unless the range is exactly the
     * canonical unpadded encoding of {@code dst.length} bytes.
     */
    static boolean decode(final CharSequence text, final int from, final int to, final byte[] dst)
    {
        if (to - from != encodedLength(dst.length))
        {
            return false;
        }
        int bits = 0;
        int bitCount = 0;
        int out = 0;
        for (int i = from; i < to; i++)
        {
            final char c = text.charAt(i);
            final int sextet = c < DECODE.length ? DECODE[c] : -1;
            if (sextet < 0)
            {
                return false;
            }
            bits = (bits << 6) | sextet;
            bitCount += 6;
            if (bitCount >= 8)
            {
                bitCount -= 8;
                dst[out++] = (byte)(bits >>> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }
        return bits == 0;
    }
}
