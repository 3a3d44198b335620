package dev.rollcall.bench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's limit on open files (the soft {@code RLIMIT_NOFILE}), from Linux's
 * {@code /proc/self/limits}: each connection is a file descriptor.
 */
final class OpenFilesLimit
{
    /** Descriptors the JVM and the run need besides the connections (jars, selectors, files). */
    static final int SPARE_DESCRIPTORS = 200;

    private OpenFilesLimit()
    {
    }

    /**
     * @return the soft limit, or -1 when unknown (not Linux) or unlimited.
     */
    static long soft()
    {
        try
        {
            return parse(Files.readString(Path.of("/proc/self/limits")));
        }
        catch (final IOException | SecurityException | UnsupportedOperationException ex)
        {
            return -1;
        }
    }

    /**
     * @param limits text in the format of {@code /proc/self/limits}.
     * @return the soft limit on open files, or -1 when absent or unlimited.
     */
    static long parse(final String limits)
    {
        for (final String line : limits.split("\n"))
        {
            if (line.startsWith("Max open files"))
            {
                final String[] words = line.substring("Max open files".length()).trim().split("\\s+");
                try
                {
                    return Long.parseLong(words[0]);
                }
                catch (final NumberFormatException ex)
                {
                    return -1;
                }
            }
        }
        return -1;
    }
}
