package dev.rollcall.gateway.admin;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exposition format's details written by hand, and the latency window's aging.
 */
class PrometheusTextTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldEscapeHelpAndLabelValuesAndSpellSpecialNumbers()
    {
        final StringBuilder out = new StringBuilder();
        new PrometheusText(out)
            .family("rollcall_x_total", "counter", "a \\ b\nc \"q\"")
            .sample("rollcall_x_total", "gc", "G1 \"Young\" \\ Gen\n", 3)
            .sample("rollcall_y", Double.NaN)
            .sample("rollcall_y", Double.POSITIVE_INFINITY)
            .sample("rollcall_y", Double.NEGATIVE_INFINITY)
            .sample("rollcall_y", 2.0)
            .sample("rollcall_y", 0.000125)
            .sample("rollcall_y", "quantile", "0.5", 1.5);
        assertThat(out.toString()).isEqualTo(
            "# HELP rollcall_x_total a \\\\ b\\nc \"q\"\n" +
            "# TYPE rollcall_x_total counter\n" +
            "rollcall_x_total{gc=\"G1 \\\"Young\\\" \\\\ Gen\\n\"} 3\n" +
            "rollcall_y NaN\n" +
            "rollcall_y +Inf\n" +
            "rollcall_y -Inf\n" +
            "rollcall_y 2\n" +
            "rollcall_y 1.25E-4\n" +
            "rollcall_y{quantile=\"0.5\"} 1.5\n");
    }

    @Test
    void shouldKeepTheLastFiveMinutesOfSamples()
    {
        final long start = 1_000 * SECOND;
        final LatencyWindow window = new LatencyWindow(start);
        window.current(start).recordValue(1_000);
        window.current(start + 59 * SECOND).recordValue(2_000);
        assertThat(window.merged().getTotalCount()).isEqualTo(2);

        window.current(start + 61 * SECOND).recordValue(3_000);
        window.current(start + 4 * 60 * SECOND + SECOND).recordValue(4_000);
        final Histogram merged = window.merged();
        assertThat(merged.getTotalCount()).as("every bucket still in the window").isEqualTo(4);
        assertThat(merged.getMaxValue()).isGreaterThanOrEqualTo(4_000);

        window.current(start + 5 * 60 * SECOND + SECOND);
        assertThat(window.merged().getTotalCount()).as("the first minute's bucket aged out").isEqualTo(2);

        window.current(start + 60 * 60 * SECOND).recordValue(5_000);
        assertThat(window.merged().getTotalCount()).as("after an hour without scrapes, only the new sample").isEqualTo(1);
        window.current(start + 60 * 60 * SECOND + 30 * SECOND).recordValue(6_000);
        assertThat(window.merged().getTotalCount()).isEqualTo(2);
    }
}
