package dev.rollcall.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary journal directories of the benchmarks.
 */
final class BenchFiles
{
    /**
     * JVM flag for the forks of the journal benchmarks: log warnings only, so the journal's
     * per-recovery and per-snapshot INFO lines do not interleave with JMH's output (torn-record
     * warnings still show).
     */
    static final String QUIET_JOURNAL_LOG = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";

    private BenchFiles()
    {
    }

    /**
     * @param prefix of the directory name.
     * @return a new, empty directory under {@code java.io.tmpdir}.
     */
    static Path createTempDirectory(final String prefix)
    {
        try
        {
            return Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param directory a directory tree.
     * @return the bytes its regular files hold (apparent size, not blocks).
     */
    static long size(final Path directory)
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            return files.filter(Files::isRegularFile).mapToLong(file ->
            {
                try
                {
                    return Files.size(file);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }).sum();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Delete a directory tree; a missing directory is not an error.
     *
     * @param directory to delete, or null.
     */
    static void deleteRecursively(final Path directory)
    {
        if (null == directory || !Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path ->
            {
                try
                {
                    Files.deleteIfExists(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
