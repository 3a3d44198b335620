package dev.rollcall.journal.tools;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputType;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Text forms shared by the tools: times, sizes, and one input per line.
 */
final class Format
{
    private static final DateTimeFormatter ISO_MILLIS =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Format()
    {
    }

    /**
     * @param epochMs epoch milliseconds.
     * @return ISO-8601 in UTC with milliseconds, e.g. {@code 2023-11-14T22:13:20.000Z}.
     */
    static String time(final long epochMs)
    {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
    }

    /**
     * @return e.g. {@code 2023-11-14T22:13:20.000Z (1700000000000)}.
     */
    static String timeAndEpoch(final long epochMs)
    {
        return time(epochMs) + " (" + epochMs + ")";
    }

    /**
     * @return e.g. {@code 1,234,567 bytes (1.2 MiB)}.
     */
    static String bytes(final long bytes)
    {
        final String exact = String.format(Locale.ROOT, "%,d bytes", bytes);
        if (bytes < 1024)
        {
            return exact;
        }
        final String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return exact + String.format(Locale.ROOT, " (%.1f %s)", value, units[unit]);
    }

    /**
     * One input, human readable: {@code #<number> <ISO time> <TYPE> key=value...}, with only the
     * fields meaningful for its type.
     *
     * @param number the input's number.
     * @param input  the decoded input.
     * @return the line, without a line separator.
     */
    static String input(final long number, final Input input)
    {
        final StringBuilder sb = new StringBuilder(96)
            .append('#').append(number).append(' ')
            .append(time(input.time())).append(' ')
            .append(InputType.name(input.type()));
        switch (input.type())
        {
            case InputType.CONNECT_USER, InputType.CONNECTION_LOST ->
                field(field(sb, "userId", input.userId()), "connectionId", input.connectionId());
            case InputType.DISCONNECT_USER -> field(sb, "userId", input.userId());
            case InputType.UPDATE_CLIENT, InputType.UPDATE_CLIENT_IN_LOBBY, InputType.UPDATE_CLIENT_FULL,
                InputType.CONNECT_USER_WITH_PRESENCE ->
            {
                field(sb, "userId", input.userId());
                if (input.type() == InputType.CONNECT_USER_WITH_PRESENCE)
                {
                    field(sb, "connectionId", input.connectionId());
                }
                if (null != input.reason())
                {
                    sb.append(" reason=");
                    quote(sb, input.reason());
                }
                sb.append(" changes=").append(input.changes());
            }
            case InputType.SUBSCRIBE_CLIENT, InputType.UNSUBSCRIBE_CLIENT ->
                field(field(sb, "subscriberId", input.subscriberId()), "userId", input.userId());
            case InputType.SUBSCRIBE_LOBBY, InputType.UNSUBSCRIBE_LOBBY ->
                field(field(sb, "subscriberId", input.subscriberId()), "lobbyId", input.lobbyId());
            case InputType.REMOVE_SUBSCRIBER -> field(sb, "subscriberId", input.subscriberId());
            case InputType.SET_GRACE_PERIOD -> field(sb, "gracePeriodMs", input.value());
            case InputType.SET_LIMITS -> field(field(field(field(sb,
                "maxAttributes", input.maxAttributes()),
                "maxAttributeKeyBytes", input.maxAttributeKeyBytes()),
                "maxAttributeValueBytes", input.maxAttributeValueBytes()),
                "maxReasonBytes", input.maxReasonBytes());
            default ->
            {
                // TICK and CONNECTIONS_RESET carry only their time
            }
        }
        return sb.toString();
    }

    private static StringBuilder field(final StringBuilder sb, final String key, final long value)
    {
        return sb.append(' ').append(key).append('=').append(value);
    }

    private static void quote(final StringBuilder sb, final String value)
    {
        sb.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
