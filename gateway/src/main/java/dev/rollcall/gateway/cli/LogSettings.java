package dev.rollcall.gateway.cli;

import java.util.List;
import java.util.Locale;

/**
 * How the command line sets up SLF4J's simple binding (slf4j-simple, on the launcher's runtime
 * classpath): by system properties, set before the first logger is made, which is when the
 * binding reads them. Every command logs at {@code info} to stderr with Chronicle's own loggers
 * ({@code net.openhft}) at {@code warn}; {@code serve} logs to stdout, one line per lifecycle
 * step with the time and the thread:
 * <pre>
 *   2026-12-06T10:15:30.123+00:00 [main] INFO rollcall - listening on 127.0.0.1:7450 (...)
 * </pre>
 * A {@code -Dorg.slf4j.simpleLogger.*} given to the JVM wins over these defaults, but for the
 * level, which {@code --log-level} sets.
 */
final class LogSettings
{
    /** The levels {@code --log-level} accepts, quietest first. */
    static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
    /** The levels, as a help text and error message show them. */
    static final String LEVEL_NAMES = "error, warn, info, debug or trace";

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final String CHRONICLE = "log.net.openhft";

    private LogSettings()
    {
    }

    /**
     * Every command: {@code info} to stderr, Chronicle at {@code warn}, short logger names. Call
     * before anything logs.
     */
    static void defaults()
    {
        setIfAbsent("defaultLogLevel", "info");
        setIfAbsent(CHRONICLE, "warn");
        setIfAbsent("showShortLogName", "true");
    }

    /**
     * {@code serve}: the level asked for, to stdout, with the time and the thread; Chronicle at
     * {@code warn}, or {@code error} when that is the level asked for. Call before anything logs.
     *
     * @param level one of {@link #LEVELS}, in any case.
     * @throws IllegalArgumentException naming the allowed levels when it is not one.
     */
    static void server(final String level)
    {
        final String normalized = level(level);
        System.setProperty(PREFIX + "defaultLogLevel", normalized);
        System.setProperty(PREFIX + CHRONICLE, LEVELS.indexOf(normalized) < LEVELS.indexOf("warn") ? normalized : "warn");
        setIfAbsent("logFile", "System.out");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "true");
        setIfAbsent("showShortLogName", "true");
    }

    /**
     * @param level a level name, in any case.
     * @return it in lower case.
     * @throws IllegalArgumentException naming the allowed levels when it is not one.
     */
    static String level(final String level)
    {
        final String normalized = null == level ? "" : level.strip().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(normalized))
        {
            throw new IllegalArgumentException("bad --log-level '" + level + "': use " + LEVEL_NAMES);
        }
        return normalized;
    }

    private static void setIfAbsent(final String key, final String value)
    {
        if (null == System.getProperty(PREFIX + key))
        {
            System.setProperty(PREFIX + key, value);
        }
    }
}
