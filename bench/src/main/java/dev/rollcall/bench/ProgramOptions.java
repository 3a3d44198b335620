package dev.rollcall.bench;

import dev.rollcall.gateway.cli.Durations;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line of the {@code main()} benchmark programs: {@code --name value} pairs, each
 * name from the set the program declares. An unknown name, a name without a value or a value
 * that does not parse is an {@link IllegalArgumentException} naming it, so a typo never runs a
 * benchmark with a default the user did not mean.
 * <p>
 * Durations are {@link Durations}' ({@code 500ms}, {@code 1.5s}, {@code 10s}); counts may use
 * {@code _} as a separator ({@code 100_000}).
 */
final class ProgramOptions
{
    private final Map<String, String> values = new HashMap<>();

    /**
     * @param args  the program's arguments.
     * @param names the option names the program accepts, with their leading {@code --}.
     * @throws IllegalArgumentException on an unknown name or a missing value.
     */
    ProgramOptions(final String[] args, final String... names)
    {
        final Set<String> known = Set.of(names);
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i];
            if (!known.contains(name))
            {
                throw new IllegalArgumentException("unknown option '" + name + "'; options: " + String.join(" ", names));
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
    }

    /**
     * @param name         the option.
     * @param defaultValue when absent.
     * @return its text, or the default.
     */
    String text(final String name, final String defaultValue)
    {
        return values.getOrDefault(name, defaultValue);
    }

    /**
     * @param name the option.
     * @return true when given on the command line.
     */
    boolean has(final String name)
    {
        return values.containsKey(name);
    }

    /**
     * @param name      the option.
     * @param defaultMs when absent.
     * @return the duration in milliseconds, {@code > 0}.
     */
    long durationMs(final String name, final long defaultMs)
    {
        final String text = values.get(name);
        if (null == text)
        {
            return defaultMs;
        }
        final long ms;
        try
        {
            ms = Durations.parseMs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(name + " must be a duration such as 500ms, 1.5s or 1m: '" + text + "' (" +
                ex.getMessage() + ")", ex);
        }
        if (ms <= 0)
        {
            throw new IllegalArgumentException(name + " must be > 0: '" + text + "'");
        }
        return ms;
    }

    /**
     * @param name         the option.
     * @param defaultValue when absent.
     * @return the count, {@code > 0}.
     */
    long positive(final String name, final long defaultValue)
    {
        final String text = values.get(name);
        if (null == text)
        {
            return defaultValue;
        }
        final long value;
        try
        {
            value = Long.parseLong(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + " must be a whole number: '" + text + "'", ex);
        }
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be > 0: '" + text + "'");
        }
        return value;
    }
}
