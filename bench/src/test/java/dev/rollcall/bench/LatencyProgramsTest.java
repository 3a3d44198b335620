package dev.rollcall.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Smoke tests of the latency programs: each runs for a fraction of a second and must print its
 * table and write its percentile files. No timing is asserted; the figures belong to the runs
 * of docs/BENCHMARKS.md. Tagged slow: they run benchmark programs, which belong outside the
 * default test run.
 */
@Tag("slow")
class LatencyProgramsTest
{
    @ParameterizedTest(name = "{0}, {1}, journal {2}")
    @CsvSource({"parking, parallel, chronicle", "blocking, serial, none"})
    @Timeout(120)
    void shouldMeasureRollcallAndTheBareDisruptorAndWritePercentileFiles(
        final String waitStrategy, final String layout, final String journal, @TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final EmbeddedLatencyBenchmark.Outcome outcome = EmbeddedLatencyBenchmark.run(new String[]{
            "--wait-strategy", waitStrategy, "--layout", layout, "--journal", journal,
            "--warmup", "200ms", "--peak-duration", "200ms",
            "--duration", "300ms", "--ring", "4096", "--out", dir.toString()},
            new PrintStream(printed, true, StandardCharsets.UTF_8));

        final String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(outcome.peakRate()).as(text).isPositive();
        assertThat(outcome.rate()).as(text).isEqualTo(Math.max(1, outcome.peakRate() / 2));
        assertThat(outcome.rollcall().getTotalCount()).as(text).isPositive();
        assertThat(outcome.baseline().getTotalCount()).as(text).isPositive();
        assertThat(text).contains("p99.9", "rollcall", "bare disruptor", "ratio rollcall / disruptor", "targets",
            "layout " + layout.toUpperCase(Locale.ROOT));
        assertPercentileFile(dir.resolve(EmbeddedLatencyBenchmark.ROLLCALL_HGRM));
        assertPercentileFile(dir.resolve(EmbeddedLatencyBenchmark.BASELINE_HGRM));
        assertPercentileFile(dir.resolve(EmbeddedLatencyBenchmark.ROLLCALL_LAG_HGRM));
        assertPercentileFile(dir.resolve(EmbeddedLatencyBenchmark.BASELINE_LAG_HGRM));
        assertThat(Files.readString(dir.resolve(EmbeddedLatencyBenchmark.SUMMARY_FILE))).isEqualTo(text);
    }

    @Test
    @Timeout(120)
    void shouldPaceAtTheRateGivenWithoutMeasuringThePeak(@TempDir final Path dir)
    {
        final EmbeddedLatencyBenchmark.Outcome outcome = EmbeddedLatencyBenchmark.run(new String[]{
            "--journal", "none", "--warmup", "100ms", "--duration", "500ms",
            "--rate", "2000", "--ring", "1024", "--window", "64", "--pacer", "spin", "--out", dir.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(outcome.peakRate()).isZero();
        assertThat(outcome.rate()).isEqualTo(2000);
        // 1,000 due in 500 ms; fewer only if the pacer fell behind by more than the duration
        assertThat(outcome.rollcall().getTotalCount()).isBetween(1L, 1000L);
        assertThat(outcome.baseline().getTotalCount()).isBetween(1L, 1000L);
    }

    @Test
    @Timeout(120)
    void shouldMeasureEveryHandoffAndWritePercentileFiles(@TempDir final Path dir) throws Exception
    {
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final HandoffCosts.Outcome outcome = HandoffCosts.run(
            new String[]{"--round-trips", "500", "--max-time", "20s", "--out", dir.toString()},
            new PrintStream(printed, true, StandardCharsets.UTF_8));

        final String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(outcome.histograms()).hasSize(HandoffCosts.MEASUREMENTS.length);
        for (int i = 0; i < HandoffCosts.MEASUREMENTS.length; i++)
        {
            final Histogram histogram = outcome.histograms()[i];
            assertThat(histogram.getTotalCount()).as(text).isEqualTo(500);
            assertThat(text).contains(HandoffCosts.MEASUREMENTS[i][0]);
            assertPercentileFile(dir.resolve(HandoffCosts.MEASUREMENTS[i][1]));
        }
        assertThat(text).doesNotContain("STOPPED");
        assertThat(Files.readString(dir.resolve(HandoffCosts.SUMMARY_FILE))).isEqualTo(text);
    }

    @Test
    void shouldRefuseAnUnknownOptionOrABadValueBeforeStartingAnything()
    {
        final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EmbeddedLatencyBenchmark.run(new String[]{"--wait", "parking"}, quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--wait-strategy");
        assertThatThrownBy(() -> EmbeddedLatencyBenchmark.run(new String[]{"--wait-strategy", "spinning"}, quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parking");
        assertThatThrownBy(() -> EmbeddedLatencyBenchmark.run(new String[]{"--duration", "10"}, quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--duration");
        assertThatThrownBy(() -> EmbeddedLatencyBenchmark.run(new String[]{"--layout", "pipelined"}, quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallel or serial");
        assertThatThrownBy(() -> EmbeddedLatencyBenchmark.run(new String[]{"--ring", "1000"}, quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> HandoffCosts.run(new String[]{"--round-trips"}, quiet))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
    }

    private static void assertPercentileFile(final Path file) throws Exception
    {
        assertThat(file).exists();
        assertThat(Files.readString(file)).contains("Value", "Percentile", "TotalCount", "#[Mean");
    }
}
