package dev.rollcall.core;

/**
 * The UTF-8 length of a {@link String}, counted from its chars without encoding it (nothing is
 * allocated): the unit of the update {@link Limits}.
 * <ul>
 * <li>U+0000..U+007F: 1 byte; U+0080..U+07FF: 2 bytes; U+0800..U+FFFF: 3 bytes;</li>
 * <li>a surrogate pair (one code point above U+FFFF, two chars): 4 bytes;</li>
 * <li>an unpaired surrogate: 3 bytes, the size of U+FFFD (what a strict encoder substitutes) and of the
 * surrogate itself in generalised UTF-8. The JDK's {@code String.getBytes(UTF_8)} and the wire's
 * {@code FrameWriter} write {@code '?'} (1 byte) instead, so for such a string the count is an upper
 * bound of every encoding of it: a limit never lets through a string some encoder makes longer.
 * Strings decoded from the wire never hold one (the protocol refuses invalid UTF-8); only embedded
 * callers can pass them.</li>
 * </ul>
 */
final class Utf8
{
    private Utf8()
    {
    }

    /**
     * @param value a string, not null.
     * @return its length in UTF-8 bytes (a long: three times {@code Integer.MAX_VALUE} chars do not fit an int).
     */
    static long length(final String value)
    {
        final int chars = value.length();
        long bytes = chars;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x80)
            {
                if (c < 0x800)
                {
                    bytes += 1;
                }
                else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    bytes += 2; // two chars, four bytes
                    i++;
                }
                else
                {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /**
     * Whether a string is longer than a limit in UTF-8 bytes. Decided from the char count alone
     * when it can be (every char is 1 to 3 bytes: a pair is 4 bytes for 2 chars), else counted.
     *
     * @param value    a string, not null.
     * @param maxBytes the limit, {@code >= 0}.
     * @return true when {@link #length(String)} is greater than {@code maxBytes}.
     */
    static boolean exceeds(final String value, final int maxBytes)
    {
        final int byUnits = exceedsByUnits(value.length(), maxBytes);
        return byUnits >= 0 ? byUnits == 1 : length(value) > maxBytes;
    }

    /**
     * What the count of UTF-16 code units alone says of a limit in UTF-8 bytes (a unit is 1 to 3
     * bytes; a pair, two units, is 4).
     *
     * @param chars    code units of a string.
     * @param maxBytes the limit, {@code >= 0}.
     * @return 1 when the string surely exceeds the limit, 0 when it surely does not, -1 when its
     * bytes must be counted.
     */
    static int exceedsByUnits(final int chars, final int maxBytes)
    {
        if (chars > maxBytes)
        {
            return 1;
        }
        return chars <= maxBytes / 3 ? 0 : -1;
    }
}
