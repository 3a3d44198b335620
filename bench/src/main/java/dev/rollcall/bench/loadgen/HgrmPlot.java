package dev.rollcall.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws several latency distributions in one {@link PercentilePlot}, from {@code .hgrm} files the load
 * generator wrote (HdrHistogram's percentile distribution, values in microseconds): e.g. update → watcher
 * for Rollcall and for Redis from the same client, on one axis.
 * <pre>
 *   java ... dev.rollcall.bench.loadgen.HgrmPlot OUT.svg "TITLE" "LEGEND=FILE.hgrm" ["LEGEND=FILE.hgrm" ...]
 * </pre>
 * Exit status 0 when written, 1 when a file cannot be read or holds no values, 2 for a usage error.
 */
public final class HgrmPlot
{
    private HgrmPlot()
    {
    }

    /**
     * @param hgrm the text of an {@code .hgrm} file.
     * @param name the legend.
     * @return its curve (empty when it holds no values).
     * @throws IllegalArgumentException when a row is not {@code value percentile count [1/(1-p)]}.
     */
    static PercentilePlot.Series parse(final String hgrm, final String name)
    {
        final List<double[]> points = new ArrayList<>();
        long count = 0;
        for (final String raw : hgrm.split("\n"))
        {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("Value"))
            {
                continue;
            }
            final String[] columns = line.split("\\s+");
            if (columns.length < 3)
            {
                throw new IllegalArgumentException("not an .hgrm row: '" + line + "'");
            }
            try
            {
                points.add(new double[]{Double.parseDouble(columns[1]) * 100, Double.parseDouble(columns[0])});
                count = Long.parseLong(columns[2]);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not an .hgrm row: '" + line + "'", ex);
            }
        }
        final double[] percentiles = new double[points.size()];
        final double[] values = new double[points.size()];
        for (int i = 0; i < percentiles.length; i++)
        {
            percentiles[i] = points.get(i)[0];
            values[i] = points.get(i)[1];
        }
        return new PercentilePlot.Series(String.format(Locale.ROOT, "%s (%,d)", name, count), percentiles,
            values);
    }

    /**
     * @param args {@code OUT.svg TITLE LEGEND=FILE.hgrm...}.
     */
    public static void main(final String[] args)
    {
        if (args.length < 3)
        {
            System.err.println("usage: HgrmPlot OUT.svg TITLE LEGEND=FILE.hgrm [LEGEND=FILE.hgrm ...]");
            System.exit(2);
        }
        final List<PercentilePlot.Series> series = new ArrayList<>();
        for (int i = 2; i < args.length; i++)
        {
            final int equals = args[i].indexOf('=');
            if (equals <= 0)
            {
                System.err.println("HgrmPlot: '" + args[i] + "' is not LEGEND=FILE.hgrm");
                System.exit(2);
            }
            final Path file = Path.of(args[i].substring(equals + 1));
            try
            {
                final PercentilePlot.Series curve = parse(Files.readString(file, StandardCharsets.UTF_8),
                    args[i].substring(0, equals));
                if (0 == curve.percentiles().length)
                {
                    System.err.println("HgrmPlot: " + file + " holds no values");
                    System.exit(1);
                }
                series.add(curve);
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                System.err.println("HgrmPlot: cannot read " + file + ": " + ex.getMessage());
                System.exit(1);
            }
        }
        try
        {
            Files.writeString(Path.of(args[0]), PercentilePlot.svg(args[1], series), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            System.err.println("HgrmPlot: cannot write " + args[0] + ": " + ex.getMessage());
            System.exit(1);
        }
    }
}
