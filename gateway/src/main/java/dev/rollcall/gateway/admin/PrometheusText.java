package dev.rollcall.gateway.admin;

/**
 * Writes Prometheus's text exposition format, version 0.0.4, by hand into a reused
 * {@link StringBuilder}: per family a {@code # HELP} and a {@code # TYPE} line, then its samples.
 * <pre>
 *  # HELP rollcall_connections_open Connections open now, by the port they came in on.
 *  # TYPE rollcall_connections_open gauge
 *  rollcall_connections_open{protocol="tcp"} 3
 * </pre>
 * Help text escapes {@code \} and line feeds; label values also {@code "}. Values are integers or
 * Java doubles ({@code 1.0E-4} parses as Go's floats do), {@code NaN}, {@code +Inf}, {@code -Inf}.
 * No timestamps: the scrape's time is the samples' time.
 */
final class PrometheusText
{
    /** The {@code Content-Type} of this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out;

    PrometheusText(final StringBuilder out)
    {
        this.out = out;
    }

    /**
     * Start a family.
     *
     * @param name its name ({@code rollcall_...}, {@code _total} for a counter).
     * @param type {@code counter}, {@code gauge} or {@code summary}.
     * @param help one line saying what it measures, in base units.
     * @return this.
     */
    PrometheusText family(final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    PrometheusText sample(final String name, final long value)
    {
        out.append(name).append(' ').append(value).append('\n');
        return this;
    }

    PrometheusText sample(final String name, final double value)
    {
        out.append(name).append(' ');
        number(value);
        out.append('\n');
        return this;
    }

    PrometheusText sample(final String name, final String label, final String labelValue, final long value)
    {
        labels(name, label, labelValue);
        out.append(' ').append(value).append('\n');
        return this;
    }

    PrometheusText sample(final String name, final String label, final String labelValue, final double value)
    {
        labels(name, label, labelValue);
        out.append(' ');
        number(value);
        out.append('\n');
        return this;
    }

    private void labels(final String name, final String label, final String labelValue)
    {
        out.append(name).append('{').append(label).append("=\"");
        escape(labelValue, true);
        out.append("\"}");
    }

    private void number(final double value)
    {
        if (Double.isNaN(value))
        {
            out.append("NaN");
        }
        else if (Double.isInfinite(value))
        {
            out.append(value > 0 ? "+Inf" : "-Inf");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
    }

    private void escape(final String text, final boolean quote)
    {
        for (int i = 0, n = text.length(); i < n; i++)
        {
            final char c = text.charAt(i);
            if (c == '\\')
            {
                out.append("\\\\");
            }
            else if (c == '\n')
            {
                out.append("\\n");
            }
            else if (quote && c == '"')
            {
                out.append("\\\"");
            }
            else
            {
                out.append(c);
            }
        }
    }
}
