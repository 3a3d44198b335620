package dev.rollcall.gateway.cli;

import dev.rollcall.core.CountersFileDescriptor;
import dev.rollcall.core.CountersFileReader;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rollcall stat}: a server's counters from outside its process, as Aeron's
 * {@code AeronStat} prints a media driver's. Maps {@code <data>/counters.dat} read-only
 * ({@link CountersFileReader}) and prints a header (the file, its writer's pid and whether it
 * still runs) and one line per counter: id, value, label. Exit codes: 0 printed, 2 a usage
 * error or no counters to read (no file: no server has run on that data directory; not ready;
 * another layout), with the reason on stderr.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {"Prints a running server's counters, like Aeron's AeronStat.",
        "Reads <data>/counters.dat: one line per counter (id, value, label)."})
public final class StatCommand implements Callable<Integer>
{
    static final int EXIT_OK = 0;
    static final int EXIT_NO_COUNTERS = 2;
    private static final String CLEAR_SCREEN = "\033[H\033[2J";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
        description = "The server's data directory (default: the server's data setting: ROLLCALL_DATA, else " +
            "--config's file, else data).")
    private Path data;

    @Option(names = "--config", paramLabel = "PATH",
        description = "The server's configuration file, for its data setting (default: ROLLCALL_CONFIG, else none).")
    private Path config;

    @Option(names = "--watch", description = "Print again every --interval until interrupted (Ctrl-C).")
    private boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
        description = "Time between prints with --watch (default: ${DEFAULT-VALUE}).")
    private String interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
        description = "With --watch, stop after N prints (default: ${DEFAULT-VALUE}, until interrupted).")
    private int count;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        long intervalMs;
        try
        {
            intervalMs = Durations.parseMs(interval);
        }
        catch (final IllegalArgumentException ex)
        {
            intervalMs = -1;
        }
        if (intervalMs <= 0)
        {
            err.println("stat: bad --interval '" + interval + "': use more than 0, " + Durations.SYNTAX);
            return TokenCommand.EXIT_USAGE;
        }
        if (count < 0)
        {
            err.println("stat: bad --count " + count + ": use 0 (until interrupted) or more");
            return TokenCommand.EXIT_USAGE;
        }
        final Path dataDirectory;
        try
        {
            dataDirectory = ServerSettings.dataDirectory(data, config, System.getenv());
        }
        catch (final ConfigurationException ex)
        {
            err.println("stat: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        final Path file = dataDirectory.resolve(CountersFileDescriptor.FILE_NAME);
        final boolean clear = watch && null != System.console();
        int printed = 0;
        while (true)
        {
            try
            {
                // mapped anew each time: a restarted server replaces the file
                final CountersFileReader reader = CountersFileReader.open(file);
                if (clear)
                {
                    out.print(CLEAR_SCREEN);
                }
                print(out, reader);
            }
            catch (final IllegalStateException ex)
            {
                err.println("stat: " + ex.getMessage());
                err.flush();
                if (0 == printed)
                {
                    return EXIT_NO_COUNTERS;
                }
            }
            out.flush();
            printed++;
            if (!watch || (count > 0 && printed >= count))
            {
                return EXIT_OK;
            }
            try
            {
                Thread.sleep(intervalMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return EXIT_OK;
            }
        }
    }

    /**
     * Print the header and every counter, AeronStat's way.
     *
     * @param out    where.
     * @param reader the file.
     */
    static void print(final PrintWriter out, final CountersFileReader reader)
    {
        out.println(CLOCK.format(LocalTime.now()) + " - Rollcall stat: " + reader.file() + " (layout " +
            SemanticVersion.toString(reader.version()) + "), pid " + reader.pid() + ", started " +
            Instant.ofEpochMilli(reader.createdMs()) + ": " + state(reader));
        out.println("======================================================================");
        final CountersReader counters = reader.counters();
        counters.forEach((counterId, typeId, keyBuffer, label) -> out.println(String.format(
            Locale.ROOT, "%3d: %,20d - %s", counterId, counters.getCounterValue(counterId), label)));
        out.println("--");
    }

    private static String state(final CountersFileReader reader)
    {
        switch (reader.ownerState())
        {
            case RUNNING:
                return "running";
            case STOPPED:
                return "stopped at " + Instant.ofEpochMilli(reader.closedMs()) + " (final values)";
            default:
                return "STALE: pid " + reader.pid() + " is not running and did not close the file (killed?); " +
                    "values as it left them";
        }
    }
}
