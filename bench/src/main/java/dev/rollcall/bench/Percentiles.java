package dev.rollcall.bench;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Tables and files of the latency programs ({@link EmbeddedLatencyBenchmark},
 * {@link HandoffCosts}). Histograms hold <b>nanoseconds</b>; tables and {@code .hgrm} files show
 * <b>microseconds</b>. A {@code .hgrm} file is HdrHistogram's percentile distribution, which
 * HdrHistogram's plotter and {@code bench/redis-compare}'s plots read.
 */
final class Percentiles
{
    /** Values of every histogram above this are recorded as this: one minute. */
    static final long HIGHEST_NANOS = 60_000_000_000L;
    /** Significant digits of every histogram. */
    static final int DIGITS = 3;

    private static final double NANOS_PER_MICRO = 1_000.0;
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final String ROW = "%-28s %9s %9s %9s %9s %10s %10s";

    private Percentiles()
    {
    }

    /**
     * @return an empty histogram of nanoseconds, one minute at most, allocation-free to record into.
     */
    static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_NANOS, DIGITS);
    }

    /**
     * Record without ever allocating or throwing: negative values count as 0, values above
     * {@link #HIGHEST_NANOS} as that.
     *
     * @param histogram a histogram from {@link #newHistogram()}.
     * @param nanos     the value.
     */
    static void record(final Histogram histogram, final long nanos)
    {
        histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
    }

    /**
     * @param title the first column's heading.
     * @return the heading of a table of {@link #row} lines.
     */
    static String header(final String title)
    {
        return String.format(Locale.ROOT, ROW, title, "p50", "p90", "p99", "p99.9", "max", "count");
    }

    /**
     * @param name  the first column.
     * @param nanos the histogram.
     * @return its p50, p90, p99, p99.9 and max in microseconds, and its count.
     */
    static String row(final String name, final Histogram nanos)
    {
        return String.format(Locale.ROOT, ROW, name,
            micros(nanos.getValueAtPercentile(50.0)),
            micros(nanos.getValueAtPercentile(90.0)),
            micros(nanos.getValueAtPercentile(99.0)),
            micros(nanos.getValueAtPercentile(99.9)),
            micros(nanos.getMaxValue()),
            nanos.getTotalCount());
    }

    /**
     * @param name        the first column.
     * @param numerator   the histogram compared.
     * @param denominator the histogram it is compared to.
     * @return the ratio of each column of {@link #row}, e.g. {@code 12.3x} or {@code 0.45x}.
     */
    static String ratioRow(final String name, final Histogram numerator, final Histogram denominator)
    {
        return String.format(Locale.ROOT, ROW, name,
            ratio(numerator.getValueAtPercentile(50.0), denominator.getValueAtPercentile(50.0)),
            ratio(numerator.getValueAtPercentile(90.0), denominator.getValueAtPercentile(90.0)),
            ratio(numerator.getValueAtPercentile(99.0), denominator.getValueAtPercentile(99.0)),
            ratio(numerator.getValueAtPercentile(99.9), denominator.getValueAtPercentile(99.9)),
            ratio(numerator.getMaxValue(), denominator.getMaxValue()),
            "");
    }

    /**
     * @param nanos a duration.
     * @return it in microseconds, two decimals.
     */
    static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%.2f", nanos / NANOS_PER_MICRO);
    }

    private static String ratio(final long numerator, final long denominator)
    {
        if (0 == denominator)
        {
            return "-";
        }
        final double ratio = (double)numerator / denominator;
        return String.format(Locale.ROOT, ratio < 1.0 ? "%.2fx" : "%.1fx", ratio);
    }

    /**
     * Write a histogram's percentile distribution, in microseconds.
     *
     * @param dir      the directory, created if needed.
     * @param fileName e.g. {@code rollcall-latency.hgrm}.
     * @param nanos    the histogram.
     * @return the file written.
     */
    static Path writeHgrm(final Path dir, final String fileName, final Histogram nanos)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            if (0 == nanos.getTotalCount())
            {
                print.println("# no values recorded");
            }
            else
            {
                nanos.outputPercentileDistribution(print, TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
            }
        }
        return write(dir, fileName, bytes.toString(StandardCharsets.UTF_8));
    }

    /**
     * @param dir      the directory, created if needed.
     * @param fileName the file.
     * @param text     its content.
     * @return the file written.
     */
    static Path write(final Path dir, final String fileName, final String text)
    {
        try
        {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(fileName), text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param option the {@code --out} option, or null.
     * @return the option's directory, or {@code bench/target/latency/<UTC timestamp>} (relative
     * to the working directory, the repository root when run as documented).
     */
    static Path outputDirectory(final String option)
    {
        if (null != option)
        {
            return Path.of(option);
        }
        final String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .format(ZonedDateTime.now(ZoneOffset.UTC));
        return Path.of("bench", "target", "latency", stamp);
    }
}
