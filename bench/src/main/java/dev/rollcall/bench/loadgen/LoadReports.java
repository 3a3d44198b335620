package dev.rollcall.bench.loadgen;

import dev.rollcall.gateway.cli.Durations;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reports of a {@link LoadResult}: a summary table (text), one {@code .hgrm} file per
 * histogram (HdrHistogram's percentile distribution, values in <b>microseconds</b>), one SVG
 * percentile plot with every histogram, and {@code summary.json} (machine-readable, latencies in
 * microseconds) for the benchmark docs. Each names the transport it measured ({@code tcp},
 * {@code ws-binary}, {@code ws-json}; {@code resp2} against Redis): the summary's first line and table
 * headers, the plot's title, {@code summary.json}'s {@code transport}, a last comment line of each {@code .hgrm}.
 */
public final class LoadReports
{
    /** The identify latency distribution. */
    public static final String IDENTIFY_HGRM = "identify-latency.hgrm";
    /** The update → RESULT latency distribution. */
    public static final String RESULT_HGRM = "update-result-latency.hgrm";
    /** The update → delivery latency distribution. */
    public static final String DELIVERY_HGRM = "update-delivery-latency.hgrm";
    /** The percentile plot. */
    public static final String PLOT_SVG = "latency-percentiles.svg";
    /** The machine-readable summary. */
    public static final String SUMMARY_JSON = "summary.json";
    /** The summary table, as printed. */
    public static final String SUMMARY_TXT = "summary.txt";

    private static final double NANOS_PER_MICRO = 1000.0;
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private LoadReports()
    {
    }

    /**
     * @param result a run's result.
     * @return the summary table: settings, counts, rates per second, latency percentiles, syscalls per event.
     */
    public static String summary(final LoadResult result)
    {
        final LoadSettings s = result.settings();
        final LoadStats t = result.totals();
        final LoadStats m = result.measured();
        final double secs = result.measuredSeconds();
        final StringBuilder out = new StringBuilder(4096);
        if (s.redis() && !s.watching())
        {
            line(out, "rollcall loadgen -> %s: %s:%d, %d connections, no watchers (nothing is published), %d " +
                "thread(s), %d source address(es)", LoadRun.targetName(s), s.host(), s.port(), s.connections(),
                result.threads(), s.sourceAddresses());
        }
        else if (s.redis())
        {
            line(out, "rollcall loadgen -> %s: %s:%d, %d connections + %d watcher connections (each SUBSCRIBEd to " +
                "the channels of %d users + every user of %d lobbies, lobbies of %d), %d thread(s), %d source " +
                "address(es)", LoadRun.targetName(s), s.host(), s.port(), s.connections(), result.plannedWatchers(),
                s.watchUsers(), s.watchLobbies(), s.lobbySize(), result.threads(), s.sourceAddresses());
        }
        else
        {
            line(out, "rollcall loadgen: %s:%d over %s, %d connections (%d watchers: %d users + %d lobbies each, " +
                "lobbies of %d), %d thread(s), %d source address(es)", s.host(), s.connectPort(),
                LoadRun.transportName(s), s.connections(), result.plannedWatchers(), s.watchUsers(), s.watchLobbies(),
                s.lobbySize(), result.threads(), s.sourceAddresses());
        }
        line(out, "  updates %s, window %d; warmup %s, measured %s; seed %d",
            s.rateMode() ? String.format(Locale.ROOT, "at %.1f/s", s.updateRate()) : "as fast as possible",
            s.window(), Durations.format(s.warmupMs()), Durations.format(s.durationMs()), s.seed());
        if (null != result.hello())
        {
            final ServerHello h = result.hello();
            line(out, "  server: heartbeat %d ms, rate limit %d frames / %d ms (budget: %d commands per window, " +
                "~%.1f/s per connection)", h.heartbeatIntervalMs(), h.rateLimitCommands(), h.rateLimitWindowMs(),
                result.budget().commandsPerWindow(), result.budget().commandsPerSecond());
            if (s.rateMode() && result.budget().commandsPerSecond() * result.connectionsOk() < s.updateRate())
            {
                line(out, "  WARNING: the server's rate limit allows at most ~%.0f updates/s over %d connections",
                    result.budget().commandsPerSecond() * result.connectionsOk(), result.connectionsOk());
            }
        }
        line(out, "connect: %d ok, %d failed in %.2f s (%.1f identifies/s)", t.connectionsOk, t.connectionsFailed,
            result.connectSeconds(), result.connectSeconds() > 0 ? t.connectionsOk / result.connectSeconds() : 0.0);
        for (final Map.Entry<String, Long> reason : t.failureReasons.entrySet())
        {
            line(out, "  %8d  %s", reason.getValue(), reason.getKey());
        }
        out.append('\n');
        line(out, "%-26s %14s %14s %14s", "over " + transportLabel(s), "total", "measured", "measured/s");
        row(out, "updates sent", t.updatesSent, m.updatesSent, secs);
        row(out, s.redis() ? "updates acked (reply)" : "updates acked (RESULT)", t.updatesAcked, m.updatesAcked,
            secs);
        row(out, "updates skipped", t.updatesSkipped, m.updatesSkipped, secs);
        row(out, s.redis() ? "messages received" : "dispatches received", t.dispatches, m.dispatches, secs);
        row(out, "deliveries timed", t.deliveries, m.deliveries, secs);
        row(out, "heartbeats sent", t.heartbeatsSent, m.heartbeatsSent, secs);
        row(out, "heartbeat acks", t.heartbeatAcks, m.heartbeatAcks, secs);
        row(out, "bytes sent", t.bytesSent, m.bytesSent, secs);
        row(out, "bytes received", t.bytesReceived, m.bytesReceived, secs);
        out.append('\n');
        line(out, "%s sent %d; subscribes %d sent, %d ok, %d refused; watchers ready %d, without deliveries %d",
            s.redis() ? "handshakes (SCRIPT LOAD, PING or SUBSCRIBE)" : "identifies", t.identifiesSent,
            t.subscribesSent, t.subscribesOk, t.subscribesRefused, t.watchers, t.watchersWithoutDeliveries);
        if (!s.redis())
        {
            line(out, "results: %s", describe(t.resultsByName()));
            line(out, "dispatches by kind: %s", describe(t.dispatchesByName()));
        }
        if (s.redis())
        {
            line(out, "error replies: %s; updates answered with an error %d", describe(t.errorReplyTexts),
                t.updatesFailed);
        }
        else
        {
            line(out, "errors: %s", describe(LoadStats.byCode(t.errorsByCode)));
        }
        line(out, "closes: %s", describe(LoadStats.byCode(t.closesByCode)));
        line(out, "connections lost %d, closed at the end %d; updates lost %d; unmatched results %d; " +
            "unexpected frames %d; undecodable frames %d", t.connectionsLost, t.connectionsClosedAtEnd, t.updatesLost,
            t.unmatchedResults, t.unexpectedFrames, t.protocolErrors);
        out.append('\n');
        line(out, "%-22s %10s %10s %10s %10s %10s %10s %10s", "latency (\u00b5s) " + transportLabel(s), "count",
            "p50", "p90", "p99", "p99.9", "max", "mean");
        latency(out, s.redis() ? "handshake" : "identify", result.identifyLatencyNanos());
        latency(out, s.redis() ? "update -> reply" : "update -> result", result.updateResultLatencyNanos());
        latency(out, "update -> delivery", result.deliveryLatencyNanos());
        out.append('\n');
        if (result.syscallsPerEvent().isPresent())
        {
            line(out, "syscalls per event: %.3f (%d syscalls / %d events; %s)", result.syscallsPerEvent().getAsDouble(),
                result.syscallsDelta(), m.updatesAcked + m.dispatches, result.syscallsNote());
        }
        else
        {
            line(out, "syscalls per event: %s", result.syscallsNote());
        }
        if (result.serverCpuMicrosPerUpdate().isPresent())
        {
            line(out, "server CPU per update: %.2f \u00b5s (%d ticks = %.2f cores busy / %d updates acked; %s)",
                result.serverCpuMicrosPerUpdate().getAsDouble(), result.serverCpuTicks(),
                result.serverCpuCores().orElse(0), m.updatesAcked, result.serverCpuNote());
        }
        else
        {
            line(out, "server CPU per update: %s", result.serverCpuNote());
        }
        for (final String warning : result.warnings())
        {
            line(out, "WARNING: %s", warning);
        }
        for (final String problem : result.problems())
        {
            line(out, "PROBLEM: %s", problem);
        }
        line(out, "clean run: %s", result.isClean() ? "yes" : "NO");
        return out.toString();
    }

    /**
     * Write the reports into a directory (created if needed): the three {@code .hgrm} files, the SVG plot,
     * {@code summary.json} and {@code summary.txt}.
     *
     * @param result a run's result.
     * @param dir    where.
     * @return the files written.
     * @throws IOException if one cannot be written.
     */
    public static List<Path> write(final LoadResult result, final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final List<Path> files = new ArrayList<>();
        final LoadSettings s = result.settings();
        final String transport = "#[Transport = " + transportLabel(s) + " (" + LoadRun.transportName(s) + ")]\n";
        files.add(writeString(dir.resolve(IDENTIFY_HGRM), hgrm(result.identifyLatencyNanos()) + transport));
        files.add(writeString(dir.resolve(RESULT_HGRM), hgrm(result.updateResultLatencyNanos()) + transport));
        files.add(writeString(dir.resolve(DELIVERY_HGRM), hgrm(result.deliveryLatencyNanos()) + transport));
        files.add(writeString(dir.resolve(PLOT_SVG), PercentilePlot.svg(
            (s.redis() ? "Rollcall loadgen \u2192 " + LoadRun.targetName(s) : "Rollcall loadgen") + " over " +
            transportLabel(s) + ": " +
            s.connections() + " connections, " +
            (s.rateMode() ? s.updateRate() + " updates/s" : "window " + s.window()),
            List.of(series(s.redis() ? "handshake" : "identify", result.identifyLatencyNanos()),
                series(s.redis() ? "update \u2192 reply" : "update \u2192 result", result.updateResultLatencyNanos()),
                series("update \u2192 delivery", result.deliveryLatencyNanos())))));
        files.add(writeString(dir.resolve(SUMMARY_JSON), json(result)));
        files.add(writeString(dir.resolve(SUMMARY_TXT), summary(result)));
        return files;
    }

    /**
     * @param histogram nanoseconds.
     * @return HdrHistogram's percentile distribution, values in microseconds (a note when empty).
     */
    static String hgrm(final Histogram histogram)
    {
        if (0 == histogram.getTotalCount())
        {
            return "#[No values recorded]\n";
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(bytes, false, StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(print, TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * @param name      the legend.
     * @param histogram nanoseconds.
     * @return its percentile curve in microseconds (empty when it holds nothing).
     */
    static PercentilePlot.Series series(final String name, final Histogram histogram)
    {
        final String legend = String.format(Locale.ROOT, "%s (%,d)", name, histogram.getTotalCount());
        if (0 == histogram.getTotalCount())
        {
            return new PercentilePlot.Series(legend, new double[0], new double[0]);
        }
        final List<double[]> points = new ArrayList<>();
        for (final HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE))
        {
            points.add(new double[]{value.getPercentileLevelIteratedTo(),
                histogram.highestEquivalentValue(value.getValueIteratedTo()) / NANOS_PER_MICRO});
        }
        final double[] percentiles = new double[points.size()];
        final double[] values = new double[points.size()];
        for (int i = 0; i < percentiles.length; i++)
        {
            percentiles[i] = points.get(i)[0];
            values[i] = points.get(i)[1];
        }
        return new PercentilePlot.Series(legend, percentiles, values);
    }

    /**
     * @param result a run's result.
     * @return the machine-readable summary.
     */
    static String json(final LoadResult result)
    {
        final LoadSettings s = result.settings();
        final LoadStats t = result.totals();
        final LoadStats m = result.measured();
        final double secs = result.measuredSeconds();
        final Json json = new Json();
        json.begin();
        json.field("tool", "rollcall loadgen");
        json.field("startedAt", Instant.ofEpochMilli(result.startedAtEpochMs()).toString());
        json.field("clean", result.isClean());
        json.field("transport", transportLabel(s));
        json.field("transportDescription", LoadRun.transportName(s));
        json.object("settings");
        json.field("target", s.target().cliName());
        json.field("redisWorkload", s.redis() ? s.redisWorkload().cliName() : "");
        json.field("transport", s.transport().cliName());
        json.field("host", s.host());
        json.field("port", s.port());
        json.field("webSocketPort", s.webSocketPort());
        json.field("connections", s.connections());
        json.field("sourceAddresses", s.sourceAddresses());
        json.field("threads", result.threads());
        json.field("identifyRate", s.identifyRate());
        json.field("updateRate", s.updateRate());
        json.field("window", s.window());
        json.field("subscriberFraction", s.subscriberFraction());
        json.field("watchUsers", s.watchUsers());
        json.field("watchLobbies", s.watchLobbies());
        json.field("lobbySize", s.lobbySize());
        json.field("durationMs", s.durationMs());
        json.field("warmupMs", s.warmupMs());
        json.field("connectTimeoutMs", s.connectTimeoutMs());
        json.field("drainMs", s.drainMs());
        json.field("firstUserId", s.firstUserId());
        json.field("seed", s.seed());
        json.field("serverPid", s.serverPid());
        json.end();
        if (null != result.hello())
        {
            json.object("server");
            json.field("heartbeatIntervalMs", result.hello().heartbeatIntervalMs());
            json.field("rateLimitCommands", result.hello().rateLimitCommands());
            json.field("rateLimitWindowMs", result.hello().rateLimitWindowMs());
            json.field("commandsPerWindowBudget", result.budget().commandsPerWindow());
            json.field("commandsPerSecondPerConnection", result.budget().commandsPerSecond());
            json.end();
        }
        json.field("connectSeconds", result.connectSeconds());
        json.field("measuredSeconds", secs);
        json.object("totals");
        counts(json, t);
        json.end();
        json.object("measured");
        counts(json, m);
        json.end();
        json.object("measuredPerSecond");
        json.field("updatesSent", m.updatesSent / secs);
        json.field("updatesAcked", m.updatesAcked / secs);
        json.field("dispatches", m.dispatches / secs);
        json.field("deliveries", m.deliveries / secs);
        json.field("bytesSent", m.bytesSent / secs);
        json.field("bytesReceived", m.bytesReceived / secs);
        json.end();
        json.field("identifiesPerSecond", result.connectSeconds() > 0 ? t.connectionsOk / result.connectSeconds() : 0.0);
        json.map("resultsByCode", t.resultsByName());
        json.map("dispatchesByKind", t.dispatchesByName());
        json.map("errorsByCode", LoadStats.byCode(t.errorsByCode));
        json.map("closesByCode", LoadStats.byCode(t.closesByCode));
        json.map("errorReplies", t.errorReplyTexts);
        json.map("failureReasons", t.failureReasons);
        json.object("latencyMicros");
        histogram(json, "identify", result.identifyLatencyNanos());
        histogram(json, "updateToResult", result.updateResultLatencyNanos());
        histogram(json, "updateToDelivery", result.deliveryLatencyNanos());
        json.end();
        if (result.syscallsPerEvent().isPresent())
        {
            json.field("syscallsPerEvent", result.syscallsPerEvent().getAsDouble());
            json.field("syscallsDelta", result.syscallsDelta());
        }
        else
        {
            json.nullField("syscallsPerEvent");
        }
        json.field("syscallsNote", result.syscallsNote());
        if (result.serverCpuMicrosPerUpdate().isPresent())
        {
            json.field("serverCpuMicrosPerUpdate", result.serverCpuMicrosPerUpdate().getAsDouble());
            json.field("serverCpuTicks", result.serverCpuTicks());
            json.field("serverCpuCores", result.serverCpuCores().orElse(0));
        }
        else
        {
            json.nullField("serverCpuMicrosPerUpdate");
        }
        json.field("serverCpuNote", result.serverCpuNote());
        json.array("problems", result.problems());
        json.array("warnings", result.warnings());
        json.end();
        return json.toString();
    }

    /** @return the transport's short name: {@code tcp}, {@code ws-binary}, {@code ws-json}, or {@code resp2} (Redis). */
    static String transportLabel(final LoadSettings s)
    {
        return s.redis() ? "resp2" : s.transport().cliName();
    }

    private static void counts(final Json json, final LoadStats stats)
    {
        json.field("connectionsOk", stats.connectionsOk);
        json.field("connectionsFailed", stats.connectionsFailed);
        json.field("connectionsLost", stats.connectionsLost);
        json.field("connectionsClosedAtEnd", stats.connectionsClosedAtEnd);
        json.field("identifiesSent", stats.identifiesSent);
        json.field("subscribesSent", stats.subscribesSent);
        json.field("subscribesOk", stats.subscribesOk);
        json.field("updatesSent", stats.updatesSent);
        json.field("updatesAcked", stats.updatesAcked);
        json.field("updatesSkipped", stats.updatesSkipped);
        json.field("updatesLost", stats.updatesLost);
        json.field("updatesFailed", stats.updatesFailed);
        json.field("unmatchedResults", stats.unmatchedResults);
        json.field("dispatches", stats.dispatches);
        json.field("deliveries", stats.deliveries);
        json.field("heartbeatsSent", stats.heartbeatsSent);
        json.field("heartbeatAcks", stats.heartbeatAcks);
        json.field("errors", stats.errors());
        json.field("errorReplies", stats.errorReplies);
        json.field("closes", stats.closes());
        json.field("bytesSent", stats.bytesSent);
        json.field("bytesReceived", stats.bytesReceived);
        json.field("unexpectedFrames", stats.unexpectedFrames);
        json.field("undecodableFrames", stats.protocolErrors);
        json.field("watchers", stats.watchers);
        json.field("watchersWithoutDeliveries", stats.watchersWithoutDeliveries);
    }

    private static void histogram(final Json json, final String name, final Histogram nanos)
    {
        json.object(name);
        json.field("count", nanos.getTotalCount());
        if (nanos.getTotalCount() > 0)
        {
            json.field("p50", nanos.getValueAtPercentile(50) / NANOS_PER_MICRO);
            json.field("p90", nanos.getValueAtPercentile(90) / NANOS_PER_MICRO);
            json.field("p99", nanos.getValueAtPercentile(99) / NANOS_PER_MICRO);
            json.field("p99_9", nanos.getValueAtPercentile(99.9) / NANOS_PER_MICRO);
            json.field("max", nanos.getMaxValue() / NANOS_PER_MICRO);
            json.field("mean", nanos.getMean() / NANOS_PER_MICRO);
        }
        json.end();
    }

    private static void latency(final StringBuilder out, final String name, final Histogram nanos)
    {
        if (0 == nanos.getTotalCount())
        {
            line(out, "%-22s %10d %10s", name, 0, "(no values)");
            return;
        }
        out.append(String.format(Locale.ROOT, "%-22s %10d", name, nanos.getTotalCount()));
        for (final double percentile : PERCENTILES)
        {
            out.append(String.format(Locale.ROOT, " %10.1f", nanos.getValueAtPercentile(percentile) / NANOS_PER_MICRO));
        }
        out.append(String.format(Locale.ROOT, " %10.1f %10.1f%n", nanos.getMaxValue() / NANOS_PER_MICRO,
            nanos.getMean() / NANOS_PER_MICRO));
    }

    private static void row(final StringBuilder out, final String name, final long total, final long measured,
        final double seconds)
    {
        line(out, "%-26s %14d %14d %14.1f", name, total, measured, seconds > 0 ? measured / seconds : 0.0);
    }

    private static String describe(final Map<String, Long> counts)
    {
        if (counts.isEmpty())
        {
            return "none";
        }
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, Long> entry : counts.entrySet())
        {
            if (text.length() > 0)
            {
                text.append(", ");
            }
            text.append(entry.getKey()).append(' ').append(entry.getValue());
        }
        return text.toString();
    }

    private static void line(final StringBuilder out, final String format, final Object... args)
    {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static Path writeString(final Path file, final String text) throws IOException
    {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * A minimal JSON writer (objects, numbers, strings, booleans, null, string arrays), indented.
     */
    private static final class Json
    {
        private final StringBuilder text = new StringBuilder(4096);
        private int depth;
        private boolean first = true;

        void begin()
        {
            text.append('{');
            depth++;
            first = true;
        }

        void object(final String name)
        {
            key(name);
            begin();
        }

        void end()
        {
            depth--;
            text.append('\n').append("  ".repeat(depth)).append('}');
            first = false;
        }

        void field(final String name, final String value)
        {
            key(name);
            string(value);
        }

        void field(final String name, final long value)
        {
            key(name);
            text.append(value);
        }

        void field(final String name, final double value)
        {
            key(name);
            if (Double.isFinite(value))
            {
                text.append(String.format(Locale.ROOT, "%.3f", value));
            }
            else
            {
                text.append("null");
            }
        }

        void field(final String name, final boolean value)
        {
            key(name);
            text.append(value);
        }

        void nullField(final String name)
        {
            key(name);
            text.append("null");
        }

        void map(final String name, final Map<String, Long> counts)
        {
            object(name);
            for (final Map.Entry<String, Long> entry : counts.entrySet())
            {
                field(entry.getKey(), entry.getValue().longValue());
            }
            end();
        }

        void array(final String name, final List<String> values)
        {
            key(name);
            text.append('[');
            for (int i = 0; i < values.size(); i++)
            {
                if (i > 0)
                {
                    text.append(", ");
                }
                string(values.get(i));
            }
            text.append(']');
        }

        private void key(final String name)
        {
            if (!first)
            {
                text.append(',');
            }
            first = false;
            text.append('\n').append("  ".repeat(depth));
            string(name);
            text.append(": ");
        }

        private void string(final String value)
        {
            text.append('"');
            for (int i = 0; i < value.length(); i++)
            {
                final char c = value.charAt(i);
                if ('"' == c || '\\' == c)
                {
                    text.append('\\').append(c);
                }
                else if (c < 0x20)
                {
                    text.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                }
                else
                {
                    text.append(c);
                }
            }
            text.append('"');
        }

        @Override
        public String toString()
        {
            return text + "\n";
        }
    }
}
