package dev.rollcall.gateway.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration file: UTF-8 lines of {@code key = value}. Blank lines and lines whose first
 * non-blank character is {@code #} are ignored; there are no comments after a value (a value may
 * hold {@code #}). Spaces around the key and the value are ignored; the value is everything after
 * the first {@code =}. A key given twice is refused, as is a line without {@code =}. Which keys
 * exist is {@link ServeConfiguration}'s business: this class only reads lines.
 * <pre>
 *   # rollcall.conf
 *   port = 7450
 *   grace = 1.5s
 *   ws-origin = https://game.example, https://admin.example
 * </pre>
 */
final class ConfigFile
{
    /** One {@code key = value} line. */
    record Entry(String key, String value, int line)
    {
    }

    private final Path path;
    private final List<Entry> entries;

    private ConfigFile(final Path path, final List<Entry> entries)
    {
        this.path = path;
        this.entries = entries;
    }

    /**
     * @param path      the file.
     * @param givenFrom where the path came from, for error messages (e.g. {@code flag --config}).
     * @return its entries.
     * @throws ConfigurationException when it cannot be read, a line is not {@code key = value},
     *                                or a key is given twice.
     */
    static ConfigFile read(final Path path, final String givenFrom)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("config = " + path + " (" + givenFrom + "): cannot read the file (" +
                describe(ex) + "); allowed: a readable file of key = value lines");
        }
        return parse(path, lines);
    }

    /**
     * @param path  the file's name, for sources and messages.
     * @param lines its lines.
     * @return its entries.
     * @throws ConfigurationException when a line is not {@code key = value}, or a key is given twice.
     */
    static ConfigFile parse(final Path path, final List<String> lines)
    {
        final List<Entry> entries = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            final int number = i + 1;
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int equals = line.indexOf('=');
            if (equals <= 0)
            {
                throw new ConfigurationException(path + ":" + number + ": '" + line + "' is not a setting; allowed: " +
                    "key = value, # comment or a blank line");
            }
            final String key = line.substring(0, equals).strip();
            final Integer first = seen.putIfAbsent(key, number);
            if (null != first)
            {
                throw new ConfigurationException(path + ":" + number + ": " + key + " is given twice (first at line " + first +
                    "); allowed: each key once");
            }
            entries.add(new Entry(key, line.substring(equals + 1).strip(), number));
        }
        return new ConfigFile(path, List.copyOf(entries));
    }

    /** @return the file. */
    Path path()
    {
        return path;
    }

    /** @return its entries, in file order. */
    List<Entry> entries()
    {
        return entries;
    }

    /**
     * @param entry one of its entries.
     * @return where it came from: {@code file PATH:LINE}.
     */
    String source(final Entry entry)
    {
        return "file " + path + ":" + entry.line();
    }

    private static String describe(final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file";
        }
        if (ex instanceof AccessDeniedException)
        {
            return "access denied";
        }
        if (ex instanceof CharacterCodingException)
        {
            return "not UTF-8 text";
        }
        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }
}
