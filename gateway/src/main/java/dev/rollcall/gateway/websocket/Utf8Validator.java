package dev.rollcall.gateway.websocket;

import java.nio.ByteBuffer;

/**
 * Incremental UTF-8 validation (RFC 3629), for text messages that arrive in pieces: it fails
 * at the first byte that cannot start or continue a well-formed sequence (an overlong form, a
 * surrogate, a code point above U+10FFFF), not at the end of the message, so a bad fragment is
 * refused before the rest arrives (RFC 6455 section 8.1, close 1007). Allocates nothing.
 * <pre>
 *   first byte   sequence   the byte after it    then
 *   00..7F       1          -                    -
 *   C2..DF       2          80..BF               -
 *   E0           3          A0..BF               80..BF
 *   E1..EC EE EF 3          80..BF               80..BF
 *   ED           3          80..9F               80..BF
 *   F0           4          90..BF               80..BF 80..BF
 *   F1..F3       4          80..BF               80..BF 80..BF
 *   F4           4          80..8F               80..BF 80..BF
 * </pre>
 */
public final class Utf8Validator
{
    private int remaining;
    private int lower = 0x80;
    private int upper = 0xBF;
    private boolean failed;

    /**
     * Start a new text.
     */
    public void reset()
    {
        remaining = 0;
        lower = 0x80;
        upper = 0xBF;
        failed = false;
    }

    /**
     * Validate more bytes of the text.
     *
     * @param bytes the text's bytes, read with absolute indexes (the position is not moved).
     * @param from  the first index.
     * @param to    one past the last index.
     * @return false once the text is not UTF-8 (and from then on).
     */
    public boolean update(final ByteBuffer bytes, final int from, final int to)
    {
        for (int i = from; i < to && !failed; i++)
        {
            next(bytes.get(i) & 0xFF);
        }
        return !failed;
    }

    /**
     * Validate more bytes of the text.
     *
     * @param bytes  the text's bytes.
     * @param from   the first index.
     * @param to     one past the last index.
     * @return false once the text is not UTF-8 (and from then on).
     */
    public boolean update(final byte[] bytes, final int from, final int to)
    {
        for (int i = from; i < to && !failed; i++)
        {
            next(bytes[i] & 0xFF);
        }
        return !failed;
    }

    /**
     * @return true when the bytes so far are UTF-8 and end on a whole character (the text may
     * end here).
     */
    public boolean isComplete()
    {
        return !failed && remaining == 0;
    }

    private void next(final int b)
    {
        if (remaining > 0)
        {
            if (b < lower || b > upper)
            {
                failed = true;
                return;
            }
            remaining--;
            lower = 0x80;
            upper = 0xBF;
            return;
        }
        if (b < 0x80)
        {
            return;
        }
        if (b >= 0xC2 && b <= 0xDF)
        {
            remaining = 1;
        }
        else if (b >= 0xE0 && b <= 0xEF)
        {
            remaining = 2;
            if (b == 0xE0)
            {
                lower = 0xA0; // no overlong 3-byte forms
            }
            else if (b == 0xED)
            {
                upper = 0x9F; // no UTF-16 surrogates
            }
        }
        else if (b >= 0xF0 && b <= 0xF4)
        {
            remaining = 3;
            if (b == 0xF0)
            {
                lower = 0x90; // no overlong 4-byte forms
            }
            else if (b == 0xF4)
            {
                upper = 0x8F; // nothing above U+10FFFF
            }
        }
        else
        {
            failed = true; // 80..C1 (a stray continuation or an overlong 2-byte form), F5..FF
        }
    }
}
