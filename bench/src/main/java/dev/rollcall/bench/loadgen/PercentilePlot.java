package dev.rollcall.bench.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * A latency-by-percentile plot as a standalone SVG document, written by hand: the x axis is
 * {@code log10(1 / (1 - p))}, so 90 %, 99 %, 99.9 % ... are evenly spaced decades (the HdrHistogram
 * convention), the y axis is latency on a log scale (1 µs, 10 µs, ... decades), one polyline per
 * series, with a legend, grid and axis labels.
 */
final class PercentilePlot
{
    private static final int WIDTH = 960;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 250;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final int MIN_DECADES = 2;
    private static final int MAX_DECADES = 7;
    private static final int LOWEST_Y_DECADE = -3;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private PercentilePlot()
    {
    }

    /**
     * One line of the plot.
     *
     * @param name          its legend.
     * @param percentiles   0..100, ascending.
     * @param valuesMicros  the latency at each percentile, microseconds.
     */
    record Series(String name, double[] percentiles, double[] valuesMicros)
    {
        Series
        {
            if (percentiles.length != valuesMicros.length)
            {
                throw new IllegalArgumentException("percentiles and values differ in length");
            }
        }
    }

    /**
     * @param title  the plot's title.
     * @param series the lines (empty ones are skipped).
     * @return the SVG document.
     */
    static String svg(final String title, final List<Series> series)
    {
        double maxFiniteDecades = 0;
        double minValue = Double.MAX_VALUE;
        double maxValue = 0;
        for (final Series s : series)
        {
            for (int i = 0; i < s.percentiles().length; i++)
            {
                if (s.percentiles()[i] < 100)
                {
                    maxFiniteDecades = Math.max(maxFiniteDecades, decades(s.percentiles()[i]));
                }
                if (s.valuesMicros()[i] > 0)
                {
                    minValue = Math.min(minValue, s.valuesMicros()[i]);
                }
                maxValue = Math.max(maxValue, s.valuesMicros()[i]);
            }
        }
        final int xDecades = Math.max(MIN_DECADES, Math.min(MAX_DECADES, (int)Math.ceil(maxFiniteDecades - 1e-9)));
        final int yLow = maxValue <= 0 ? 0 : Math.max(LOWEST_Y_DECADE, (int)Math.floor(Math.log10(minValue)));
        int yHigh = maxValue <= 0 ? 1 : (int)Math.ceil(Math.log10(maxValue) - 1e-9);
        if (yHigh <= yLow)
        {
            yHigh = yLow + 1;
        }
        final Axes axes = new Axes(xDecades, yLow, yHigh);

        final StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " +
            "font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
            WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">%s</text>\n",
            LEFT + plotWidth() / 2, escape(title)));
        grid(svg, axes);
        int colour = 0;
        int legendRow = 0;
        for (final Series s : series)
        {
            if (0 == s.percentiles().length)
            {
                continue;
            }
            final String stroke = COLOURS[colour++ % COLOURS.length];
            svg.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"2\" points=\"");
            for (int i = 0; i < s.percentiles().length; i++)
            {
                if (i > 0)
                {
                    svg.append(' ');
                }
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f", axes.x(s.percentiles()[i]), axes.y(s.valuesMicros()[i])));
            }
            svg.append("\"/>\n");
            final int legendY = TOP + 10 + legendRow++ * 20;
            final int legendX = LEFT + plotWidth() + 20;
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                legendX, legendY, legendX + 24, legendY, stroke));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", legendX + 30, legendY + 4,
                escape(s.name())));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void grid(final StringBuilder svg, final Axes axes)
    {
        final int plotBottom = TOP + plotHeight();
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n",
            LEFT, TOP, plotWidth(), plotHeight()));
        for (int k = 0; k <= axes.xDecades; k++)
        {
            final double x = LEFT + (double)k / axes.xDecades * plotWidth();
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>\n", x, TOP, x, plotBottom));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                x, plotBottom + 18, percentileLabel(k)));
        }
        for (int k = axes.yLow; k <= axes.yHigh; k++)
        {
            final double y = axes.y(Math.pow(10, k));
            svg.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n", LEFT, y, LEFT + plotWidth(), y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                LEFT - 8, y + 4, escape(latencyLabel(k))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Percentile</text>\n",
            LEFT + plotWidth() / 2, HEIGHT - 20));
        svg.append(String.format(Locale.ROOT,
            "<text x=\"20\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 20 %d)\">Latency</text>\n",
            TOP + plotHeight() / 2, TOP + plotHeight() / 2));
    }

    /**
     * @param percentile 0..100.
     * @return {@code log10(1 / (1 - p))}: 0 at 0 %, 1 at 90 %, 2 at 99 %, ...; infinite at 100 %.
     */
    static double decades(final double percentile)
    {
        return Math.log10(100.0 / (100.0 - Math.min(100, Math.max(0, percentile))));
    }

    /**
     * @param decade k on the x axis.
     * @return the percentile there: 0%, 90%, 99%, 99.9%, ...
     */
    static String percentileLabel(final int decade)
    {
        if (0 == decade)
        {
            return "0%";
        }
        if (1 == decade)
        {
            return "90%";
        }
        return "99" + (decade > 2 ? "." + "9".repeat(decade - 2) : "") + "%";
    }

    /**
     * @param decade k on the y axis (10^k microseconds).
     * @return e.g. {@code 100 ns}, {@code 1 µs}, {@code 10 ms}, {@code 1 s}.
     */
    static String latencyLabel(final int decade)
    {
        final String[] units = {"ns", "\u00b5s", "ms", "s"};
        final int shifted = decade + 3;
        final int unit = Math.min(units.length - 1, Math.max(0, Math.floorDiv(shifted, 3)));
        final int exponent = shifted - unit * 3;
        final StringBuilder number = new StringBuilder("1");
        if (exponent >= 0)
        {
            number.append("0".repeat(exponent));
        }
        else
        {
            number.setLength(0);
            number.append("0.").append("0".repeat(-exponent - 1)).append('1');
        }
        return number + " " + units[unit];
    }

    /**
     * @param text any text.
     * @return it escaped for XML character data and attribute values.
     */
    static String escape(final String text)
    {
        final StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default ->
                {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    {
                        escaped.append('?');
                    }
                    else
                    {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static int plotWidth()
    {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight()
    {
        return HEIGHT - TOP - BOTTOM;
    }

    /**
     * Maps data to the plot area.
     */
    private static final class Axes
    {
        final int xDecades;
        final int yLow;
        final int yHigh;

        Axes(final int xDecades, final int yLow, final int yHigh)
        {
            this.xDecades = xDecades;
            this.yLow = yLow;
            this.yHigh = yHigh;
        }

        double x(final double percentile)
        {
            final double d = Math.min(xDecades, decades(percentile));
            return LEFT + d / xDecades * plotWidth();
        }

        double y(final double micros)
        {
            final double decade = micros <= 0 ? yLow : Math.max(yLow, Math.min(yHigh, Math.log10(micros)));
            return TOP + plotHeight() - (decade - yLow) / (yHigh - yLow) * plotHeight();
        }
    }
}
