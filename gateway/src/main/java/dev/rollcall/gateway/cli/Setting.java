package dev.rollcall.gateway.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One setting of {@code rollcall serve}, as data: its name (the long flag without {@code --},
 * the file's key, and {@code ROLLCALL_} + the name in capitals with {@code -} as {@code _} in
 * the environment), the kind of value, the default, what is allowed, a description, and whether
 * it is a secret. {@link ServeSettings} lists them; the flag parser, the file and environment
 * readers, {@code --print-config} and the validation loop over that list.
 * <p>
 * {@link #parse(String)} turns a value's text into its value ({@link Integer}, {@link Long}
 * milliseconds for a duration, {@link String}, {@link Path}, {@link Boolean} or a
 * {@code List<String>}), or throws an {@link IllegalArgumentException} saying what is wrong.
 */
final class Setting
{
    /** The kinds of value. */
    enum Kind
    {
        /** A decimal {@code int} in a range. */
        INT,
        /** A duration ({@link Durations}) in a range, as milliseconds. */
        DURATION,
        /** Text, optionally checked. */
        TEXT,
        /** A file system path. */
        PATH,
        /** {@code true} or {@code false}; as a flag, {@code --name} alone means true. */
        BOOLEAN,
        /** One of a list of names. */
        CHOICE,
        /** Comma-separated text items, each optionally checked; a flag may be repeated. */
        LIST,
        /** Text that is never printed; not a flag (a command line shows in {@code ps}). */
        SECRET
    }

    /** The prefix of every setting's environment variable. */
    static final String ENV_PREFIX = "ROLLCALL_";

    private final String name;
    private final Kind kind;
    private final String label;
    private final String defaultText;
    private final long min;
    private final long max;
    private final List<String> choices;
    private final Predicate<String> check;
    private final String allowed;
    private final String description;

    private Setting(
        final String name,
        final Kind kind,
        final String label,
        final String defaultText,
        final long min,
        final long max,
        final List<String> choices,
        final Predicate<String> check,
        final String allowed,
        final String description)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = kind;
        this.label = label;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.check = check;
        this.allowed = allowed;
        this.description = description;
        if (null != defaultText)
        {
            parse(defaultText); // a default that does not parse is a programming error: fail at class init
        }
    }

    /**
     * An integer setting.
     *
     * @param name         the key.
     * @param label        the flag's parameter label.
     * @param defaultValue the default.
     * @param min          the least value allowed.
     * @param max          the largest value allowed.
     * @param meaning      what special values mean, for error messages (e.g. {@code "0 = any free port"}), or null.
     * @param description  the help text.
     * @return the setting.
     */
    static Setting integer(
        final String name,
        final String label,
        final int defaultValue,
        final int min,
        final int max,
        final String meaning,
        final String description)
    {
        return new Setting(name, Kind.INT, label, Integer.toString(defaultValue), min, max, List.of(), null,
            "an integer " + min + ".." + max + (null == meaning ? "" : " (" + meaning + ")"), description);
    }

    /**
     * A duration setting.
     *
     * @param name        the key.
     * @param defaultText the default, e.g. {@code 30s}.
     * @param minMs       the least duration allowed: 0 when 0 has a meaning, else usually 1.
     * @param maxMs       the longest allowed.
     * @param description the help text.
     * @return the setting.
     */
    static Setting duration(final String name, final String defaultText, final long minMs, final long maxMs, final String description)
    {
        final String range = 0 == minMs ? "0 or more" : 1 == minMs ? "more than 0" : "at least " + exact(minMs);
        final String upTo = Long.MAX_VALUE == maxMs ? "" : ", at most " + exact(maxMs);
        return new Setting(name, Kind.DURATION, "DURATION", defaultText, minMs, maxMs, List.of(), null,
            "a duration " + range + upTo + ": " + Durations.SYNTAX, description);
    }

    /**
     * A text setting.
     *
     * @param name        the key.
     * @param label       the flag's parameter label.
     * @param defaultText the default, or null for none.
     * @param check       the values allowed, or null for any non-empty text.
     * @param allowed     what {@code check} allows, for error messages.
     * @param description the help text.
     * @return the setting.
     */
    static Setting text(
        final String name,
        final String label,
        final String defaultText,
        final Predicate<String> check,
        final String allowed,
        final String description)
    {
        return new Setting(name, Kind.TEXT, label, defaultText, 0, 0, List.of(), check, allowed, description);
    }

    /**
     * A path setting.
     *
     * @param name        the key.
     * @param label       the flag's parameter label.
     * @param defaultText the default, or null for none.
     * @param description the help text.
     * @return the setting.
     */
    static Setting path(final String name, final String label, final String defaultText, final String description)
    {
        return new Setting(name, Kind.PATH, label, defaultText, 0, 0, List.of(), null, "a file system path", description);
    }

    /**
     * A boolean setting.
     *
     * @param name         the key.
     * @param defaultValue the default.
     * @param description  the help text.
     * @return the setting.
     */
    static Setting bool(final String name, final boolean defaultValue, final String description)
    {
        return new Setting(name, Kind.BOOLEAN, "true|false", Boolean.toString(defaultValue), 0, 0, List.of(), null,
            "true or false", description);
    }

    /**
     * A setting taking one of a few names.
     *
     * @param name        the key.
     * @param label       the flag's parameter label.
     * @param defaultText the default, one of {@code choices}.
     * @param choices     the names allowed, in lower case.
     * @param description the help text.
     * @return the setting.
     */
    static Setting choice(
        final String name,
        final String label,
        final String defaultText,
        final List<String> choices,
        final String description)
    {
        return new Setting(name, Kind.CHOICE, label, defaultText, 0, 0, List.copyOf(choices), null,
            "one of " + String.join(", ", choices), description);
    }

    /**
     * A list setting: comma-separated in the file and the environment, repeated or comma-separated
     * as a flag; empty by default.
     *
     * @param name        the key.
     * @param label       the flag's parameter label (of one item).
     * @param check       the items allowed, or null for any non-empty item.
     * @param allowed     what {@code check} allows, for error messages.
     * @param description the help text.
     * @return the setting.
     */
    static Setting list(
        final String name,
        final String label,
        final Predicate<String> check,
        final String allowed,
        final String description)
    {
        return new Setting(name, Kind.LIST, label, "", 0, 0, List.of(), check,
            "a comma-separated list of " + allowed, description);
    }

    /**
     * A secret: from the file or the environment only, masked wherever it is shown.
     *
     * @param name        the key.
     * @param minBytes    the fewest UTF-8 bytes allowed.
     * @param description the help text.
     * @return the setting.
     */
    static Setting secret(final String name, final int minBytes, final String description)
    {
        return new Setting(name, Kind.SECRET, "SECRET", null, minBytes, Integer.MAX_VALUE, List.of(), null,
            "text of at least " + minBytes + " bytes (make one with ./rollcall token --new-secret)", description);
    }

    /** @return the key: the long flag without {@code --}. */
    String name()
    {
        return name;
    }

    /** @return the kind of value. */
    Kind kind()
    {
        return kind;
    }

    /** @return the flag, {@code --name}. */
    String flag()
    {
        return "--" + name;
    }

    /** @return the environment variable: {@code ROLLCALL_} + the name in capitals, {@code -} as {@code _}. */
    String envName()
    {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** @return true when it may be given as a flag (every setting but a secret). */
    boolean isFlag()
    {
        return Kind.SECRET != kind;
    }

    /** @return true when its value is never shown. */
    boolean isSecret()
    {
        return Kind.SECRET == kind;
    }

    /** @return the flag's parameter label. */
    String label()
    {
        return label;
    }

    /** @return the default's text, or null when it has none. */
    String defaultText()
    {
        return defaultText;
    }

    /** @return what values are allowed, for error messages. */
    String allowed()
    {
        return allowed;
    }

    /** @return the help text. */
    String description()
    {
        return description;
    }

    /**
     * @param text a value as given.
     * @return the value: {@link Integer}, {@link Long} (ms), {@link String}, {@link Path},
     * {@link Boolean} or {@code List<String>}.
     * @throws IllegalArgumentException saying what is wrong (the caller adds the key, the value
     *                                  and {@link #allowed()}).
     */
    Object parse(final String text)
    {
        final String value = text.strip();
        switch (kind)
        {
            case INT:
                return parseInt(value);
            case DURATION:
                return parseDuration(value);
            case TEXT:
                if (value.isEmpty() || (null != check && !check.test(value)))
                {
                    throw new IllegalArgumentException(value.isEmpty() ? "empty" : "not allowed");
                }
                return value;
            case PATH:
                return parsePath(value);
            case BOOLEAN:
                if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))
                {
                    return Boolean.valueOf(value.toLowerCase(Locale.ROOT));
                }
                throw new IllegalArgumentException("not a boolean");
            case CHOICE:
                final String lower = value.toLowerCase(Locale.ROOT);
                if (!choices.contains(lower))
                {
                    throw new IllegalArgumentException("not one of the choices");
                }
                return lower;
            case LIST:
                return parseList(value);
            case SECRET:
                if (value.getBytes(StandardCharsets.UTF_8).length < min)
                {
                    throw new IllegalArgumentException(value.isEmpty() ? "empty" : "too short");
                }
                return value;
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    /**
     * @return the duration in the largest unit that holds it exactly, e.g. {@code 24d}, {@code 90s}.
     */
    private static String exact(final long ms)
    {
        final long[] unitsMs = {24L * 3600 * 1000, 3600 * 1000, 60 * 1000, 1000};
        final String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < unitsMs.length && 0 != ms; i++)
        {
            if (0 == ms % unitsMs[i])
            {
                return ms / unitsMs[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private Integer parseInt(final String value)
    {
        final int parsed;
        try
        {
            parsed = Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not an integer", ex);
        }
        if (parsed < min || parsed > max)
        {
            throw new IllegalArgumentException("out of range");
        }
        return parsed;
    }

    private Long parseDuration(final String value)
    {
        final long ms = Durations.parseMs(value);
        if (ms < min)
        {
            throw new IllegalArgumentException(0 == ms ? "0 is not allowed here" : "too short");
        }
        if (ms > max)
        {
            throw new IllegalArgumentException("too long");
        }
        return ms;
    }

    private static Path parsePath(final String value)
    {
        if (value.isEmpty())
        {
            throw new IllegalArgumentException("empty");
        }
        try
        {
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            throw new IllegalArgumentException("not a path: " + ex.getReason(), ex);
        }
    }

    private List<String> parseList(final String value)
    {
        final List<String> items = new ArrayList<>();
        if (value.isEmpty())
        {
            return List.of();
        }
        for (final String item : value.split(",", -1))
        {
            final String stripped = item.strip();
            if (stripped.isEmpty())
            {
                throw new IllegalArgumentException("an empty item");
            }
            if (null != check && !check.test(stripped))
            {
                throw new IllegalArgumentException("item '" + stripped + "' not allowed");
            }
            items.add(stripped);
        }
        return List.copyOf(items);
    }

    @Override
    public String toString()
    {
        return name;
    }
}
