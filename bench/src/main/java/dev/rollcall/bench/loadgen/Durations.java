package dev.rollcall.bench.loadgen;

/**
 * Durations on the command line: a whole number followed by {@code ms}, {@code s}, {@code m} or
 * {@code h} ({@code 500ms}, {@code 30s}, {@code 10m}); a bare {@code 0} is zero.
 */
final class Durations
{
    private Durations()
    {
    }

    /**
     * @param text e.g. {@code 30s}.
     * @return milliseconds, or -1 when the text is not a duration (or overflows).
     */
    static long parseMs(final String text)
    {
        if (null == text)
        {
            return -1;
        }
        final String trimmed = text.strip();
        if ("0".equals(trimmed))
        {
            return 0;
        }
        int digits = 0;
        while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits)))
        {
            digits++;
        }
        if (0 == digits || digits > 12)
        {
            return -1;
        }
        final long value = Long.parseLong(trimmed.substring(0, digits));
        final long unitMs;
        switch (trimmed.substring(digits))
        {
            case "ms":
                unitMs = 1;
                break;
            case "s":
                unitMs = 1_000;
                break;
            case "m":
                unitMs = 60_000;
                break;
            case "h":
                unitMs = 3_600_000;
                break;
            default:
                return -1;
        }
        return value * unitMs;
    }

    /**
     * @param ms milliseconds.
     * @return e.g. {@code 30s}, {@code 1.5s}, {@code 250ms}.
     */
    static String format(final long ms)
    {
        if (ms < 1_000)
        {
            return ms + "ms";
        }
        if (0 == ms % 1_000)
        {
            return (ms / 1_000) + "s";
        }
        return String.format(java.util.Locale.ROOT, "%.3fs", ms / 1_000.0);
    }
}
