package dev.rollcall.gateway.cli;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Durations as people write them, the one parser every command uses ({@code serve}'s settings,
 * {@code token --ttl}, the load generator and the benchmark programs): a number, optionally with
 * a fraction, followed by a unit, or a bare {@code 0}.
 * <pre>
 *   250ms   1.5s   30s   5m   0.5h   7d   0   0s
 * </pre>
 * Units: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}, in lower case, with no space
 * before them. A fraction must come to a whole number of milliseconds ({@code 1.5ms} does not).
 * Negative durations, other units and anything else are refused with the reason. Whether 0 is
 * allowed is the caller's rule (a grace period of 0 is, a heartbeat of 0 is not).
 */
public final class Durations
{
    /** The syntax, for help texts and error messages. */
    public static final String SYNTAX = "a number and a unit ms, s, m, h or d (e.g. 250ms, 1.5s, 30s, 5m, 7d), or 0";

    private static final long MS_PER_SECOND = 1_000L;
    private static final long MS_PER_MINUTE = 60 * MS_PER_SECOND;
    private static final long MS_PER_HOUR = 60 * MS_PER_MINUTE;
    private static final long MS_PER_DAY = 24 * MS_PER_HOUR;
    private static final int MAX_DIGITS = 30;
    private static final BigDecimal MAX_MS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations()
    {
    }

    /**
     * @param text e.g. {@code 1.5s}; surrounding whitespace is ignored.
     * @return the duration in milliseconds, {@code >= 0}.
     * @throws IllegalArgumentException when the text is not a duration, with the reason (no
     *                                  unit, unknown unit, negative, finer than a millisecond,
     *                                  longer than {@code Long.MAX_VALUE} ms).
     */
    public static long parseMs(final String text)
    {
        if (null == text || text.isBlank())
        {
            throw new IllegalArgumentException("empty: expected " + SYNTAX);
        }
        final String trimmed = text.strip();
        if (trimmed.startsWith("-"))
        {
            throw new IllegalArgumentException("negative: a duration is 0 or more");
        }
        int end = 0;
        while (end < trimmed.length() && isNumberChar(trimmed.charAt(end)))
        {
            end++;
        }
        final String number = trimmed.substring(0, end);
        final String unit = trimmed.substring(end);
        if (number.isEmpty() || !Character.isDigit(number.charAt(0)) || !Character.isDigit(number.charAt(number.length() - 1)) ||
            number.indexOf('.') != number.lastIndexOf('.'))
        {
            throw new IllegalArgumentException("not a duration: expected " + SYNTAX);
        }
        if (number.length() > MAX_DIGITS)
        {
            throw new IllegalArgumentException("too long: at most " + Long.MAX_VALUE + "ms");
        }
        final BigDecimal amount = new BigDecimal(number);
        if (unit.isEmpty())
        {
            if (0 == amount.signum())
            {
                return 0;
            }
            throw new IllegalArgumentException("no unit: add ms, s, m, h or d (e.g. " + number + "s)");
        }
        final long unitMs = unitMs(unit);
        if (unitMs < 0)
        {
            throw new IllegalArgumentException("unknown unit '" + unit + "': use ms, s, m, h or d");
        }
        final BigDecimal ms = amount.multiply(BigDecimal.valueOf(unitMs));
        if (ms.compareTo(MAX_MS) > 0)
        {
            throw new IllegalArgumentException("too long: at most " + Long.MAX_VALUE + "ms");
        }
        if (ms.stripTrailingZeros().scale() > 0)
        {
            throw new IllegalArgumentException("finer than a millisecond: durations are whole milliseconds");
        }
        return ms.longValueExact();
    }

    /**
     * @param ms milliseconds.
     * @return e.g. {@code 250ms}, {@code 30s}, {@code 1.500s}: the largest exact whole seconds,
     * else seconds with three decimals, else milliseconds below a second.
     */
    public static String format(final long ms)
    {
        if (ms < MS_PER_SECOND)
        {
            return ms + "ms";
        }
        if (0 == ms % MS_PER_SECOND)
        {
            return (ms / MS_PER_SECOND) + "s";
        }
        return String.format(Locale.ROOT, "%.3fs", ms / (double)MS_PER_SECOND);
    }

    private static boolean isNumberChar(final char c)
    {
        return ('0' <= c && c <= '9') || '.' == c;
    }

    private static long unitMs(final String unit)
    {
        return switch (unit)
        {
            case "ms" -> 1;
            case "s" -> MS_PER_SECOND;
            case "m" -> MS_PER_MINUTE;
            case "h" -> MS_PER_HOUR;
            case "d" -> MS_PER_DAY;
            default -> -1;
        };
    }
}
