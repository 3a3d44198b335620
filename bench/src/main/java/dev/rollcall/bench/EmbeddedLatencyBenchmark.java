package dev.rollcall.bench;

import dev.rollcall.model.FieldGroup;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.rollcall.model.Changes;
import dev.rollcall.core.CommandCallback;
import dev.rollcall.model.Field;
import dev.rollcall.core.Journal;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Status;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.journal.ChronicleJournal;
import org.HdrHistogram.Histogram;
import org.agrona.BitUtil;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Command → result latency of an embedded Rollcall paced at half of its peak rate, beside a
 * bare Disruptor of the same topology paced at the same rate, in the same process. A
 * {@code main()} program, not a JMH benchmark: JMH drives as fast as it can and cannot pace.
 * <pre>
 *   layout PARALLEL (the core's default from 8 cores; --layout parallel):
 *   rollcall:  pacer ──► ring ──┬─► rollcall-journal ──► Chronicle (temp dir) or NONE ─┐
 *     (main thread,             └─► rollcall-logic (PresenceLogic) ──────────────────┴─► rollcall-fanout ──┬─► EventSink (counts)
 *      callback API)                                                                                       └─► callback: record
 *   baseline:  pacer ──► ring ──┬─► baseline-noop-1 ──┐
 *     (main thread)             └─► baseline-noop-2 ──┴─► baseline-recorder: record
 *
 *   layout SERIAL (the core's default below 8 cores; --layout serial):
 *   rollcall:  pacer ──► ring ──► rollcall-pipeline: per batch, journal + apply each input, close the
 *                                 journal's batch, then fan it out ──► EventSink, callback: record
 *   baseline:  pacer ──► ring ──► baseline-recorder: record
 *
 *   rollcall-ticker (the clock thread, both layouts) publishes a tick when a grace countdown is due
 *   and asks for snapshots
 *   record = (now − scheduled send time) into an HdrHistogram, on the last stage's thread
 * </pre>
 * <b>Both sides</b> have a multi-producer ring of the same size with the same wait strategy (a
 * fresh instance of {@link WaitStrategies#byName} each) and the same stage threads: Rollcall's
 * {@link PipelineLayout} (by default the one the core picks for this machine's cores) decides
 * which. In the parallel layout the baseline's no-op stages keep the contract of
 * {@link dev.rollcall.core.ParkingWaitStrategy}, as Rollcall's stages do: at the end of each
 * batch they set their sequence and signal the strategy, so a gated stage that parked is woken.
 * The difference between the two rows is therefore what Rollcall does per command (the
 * journal, the state machine, the fan-out, its batching) and not the hand-offs of the topology.
 * <p>
 * <b>Workload</b> (Rollcall): {@value #USERS} users, all watched by one subscriber through an
 * {@code EventSink} that walks the recipients ({@link RecipientCounter}), cycling as in
 * {@link MixedPipelineBenchmark}: connect a second connection, standard-field update (status
 * and afk) with a reason, lose one connection, lose the last (grace starts), reconnect; users
 * staggered so consecutive commands differ in kind and user. Every command goes through the
 * allocation-free callback API; its correlation id is its scheduled send time, so the callback
 * (on the thread that runs the fan-out) records the latency without any lookup. No command may be refused
 * and every event must reach the sink, or the program fails. The journal, when on, is
 * {@code ChronicleJournal.open} with its defaults (memory-mapped, no sync) in a directory under
 * {@code java.io.tmpdir}, deleted at the end; the core's default snapshot policy stays on
 * (a snapshot of the 10,000 clients every million inputs, taken on the logic's thread: a stall
 * of a few milliseconds, which shows in the tail).
 * <p>
 * <b>Phases</b>, one after the other (never two systems at once):
 * <ol>
 *   <li>Rollcall warm-up: saturation for {@code --warmup}, nothing recorded.</li>
 *   <li>Rollcall peak: saturation for {@code --peak-duration} with at most {@code --window}
 *   commands in flight; the peak is the results received per second (skipped with {@code --rate}).</li>
 *   <li>Rollcall paced for {@code --duration} at half the peak (or {@code --rate}), recorded; then
 *   Rollcall is closed.</li>
 *   <li>Baseline warm-up: saturation for {@code --warmup} (its rate is printed for orientation).</li>
 *   <li>Baseline paced for {@code --duration} at the same rate, recorded.</li>
 * </ol>
 * <b>Pacing is open-loop</b>: command {@code i} is due at {@code start + i / rate} whatever
 * happened before it, and its latency is measured from that due time, not from when the pacer
 * managed to send it; a stall therefore counts against every command that should have been
 * sent during it (no coordinated omission). The pacer waits for the next due time with
 * {@link Thread#yield()} ({@code --pacer yield}, the default: on a shared two-core machine a
 * spinning pacer takes a core from the stages) or {@link Thread#onSpinWait()}
 * ({@code --pacer spin}), and parks when the next send is more than 200 µs away. How late it
 * sent (included in the latency) is reported separately as the send lag. A pacer that falls
 * behind by more than the duration stops sending, and says so.
 * <p>
 * <b>Output</b>: p50, p90, p99, p99.9 and max of both sides and their ratio, the targets
 * (p99 ≤ 100 µs, p99.9 ≤ 1 ms) beside Rollcall's figures, the send lag, the GCs during the
 * paced runs; the same text in {@code embedded-latency.txt} and each histogram as a
 * {@code .hgrm} percentile file (microseconds) in {@code --out} (default
 * {@code bench/target/latency/<UTC timestamp>}). Run from the repository root after building
 * the benchmarks jar:
 * <pre>
 *   java @journal/target/jvm.flags -cp bench/target/benchmarks.jar dev.rollcall.bench.EmbeddedLatencyBenchmark
 *   ... EmbeddedLatencyBenchmark --wait-strategy blocking --journal none --duration 5s --rate 50000
 * </pre>
 * Options (defaults): {@code --wait-strategy parking} (any of {@link WaitStrategies#NAMES}),
 * {@code --layout parallel|serial} (the core's choice for this machine's cores),
 * {@code --journal chronicle|none}, {@code --duration 10s}, {@code --warmup 3s},
 * {@code --peak-duration 2s}, {@code --rate} (commands/s; default half the peak),
 * {@code --ring} (default: the core's default ring size), {@code --window 1024}, {@code --pacer yield|spin},
 * {@code --snapshot-every} (inputs between snapshots, 0 for none; default: the core's 1,000,000), {@code --out DIR}.
 * About {@code 2 × warmup + peak + 2 × duration} plus a second of setup: 28 s with the defaults.
 * <p>
 * <b>Threads</b>: no pinning. In the parallel layout Rollcall runs five (pacer, journal, logic,
 * fan-out, clock) and the baseline four (pacer and three stages); in the serial layout three and
 * two. On a machine with fewer cores than that they share cores, which the figures include.
 */
public final class EmbeddedLatencyBenchmark
{
    /** Users of the workload. */
    static final int USERS = 10_000;
    /** The target for Rollcall's p99. */
    static final long P99_TARGET_NANOS = 100_000;
    /** The target for Rollcall's p99.9. */
    static final long P999_TARGET_NANOS = 1_000_000;
    /** The summary's file name in the output directory. */
    static final String SUMMARY_FILE = "embedded-latency.txt";
    /** Rollcall's command → result latency. */
    static final String ROLLCALL_HGRM = "rollcall-latency.hgrm";
    /** The bare Disruptor's publish → last stage latency. */
    static final String BASELINE_HGRM = "disruptor-latency.hgrm";
    /** How late the pacer sent to Rollcall. */
    static final String ROLLCALL_LAG_HGRM = "rollcall-send-lag.hgrm";
    /** How late the pacer sent to the bare Disruptor. */
    static final String BASELINE_LAG_HGRM = "disruptor-send-lag.hgrm";

    private static final long PARK_WHEN_AHEAD_NS = 200_000;
    private static final long LAUNCH_TIMEOUT_S = 30;
    private static final long AWAIT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private EmbeddedLatencyBenchmark()
    {
    }

    /**
     * Run with the options of the class comment; exits non-zero on an error.
     *
     * @param args the options.
     */
    public static void main(final String[] args)
    {
        if (null == System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"))
        {
            // Chronicle's start-up INFO lines would interleave with the table
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        try
        {
            run(args, System.out);
        }
        catch (final RuntimeException ex)
        {
            ex.printStackTrace();
            System.exit(1); // a pipeline stuck at start-up would keep the process alive
        }
    }

    /**
     * Launch on a helper thread and give up after {@value #LAUNCH_TIMEOUT_S} s, so that a
     * pipeline whose start-up commands never complete fails the run instead of hanging it.
     */
    private static Rollcall launch(final RollcallContext context)
    {
        final CompletableFuture<Rollcall> launched = new CompletableFuture<>();
        final Thread launcher = new Thread(() ->
        {
            try
            {
                launched.complete(Rollcall.launch(context));
            }
            catch (final Throwable ex)
            {
                launched.completeExceptionally(ex);
            }
        }, "rollcall-launch");
        launcher.setDaemon(true);
        launcher.start();
        try
        {
            return launched.get(LAUNCH_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("Rollcall did not start within " + LAUNCH_TIMEOUT_S + " s (its start-up " +
                "commands got no result). With " + context.waitStrategy() + ": a stage waiting on other stages is " +
                "woken only by whoever advances their sequences; a core whose stages do not signal the wait strategy " +
                "at the end of a batch (see ParkingWaitStrategy) stalls here. Try another --wait-strategy.", ex);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException)cause : new IllegalStateException(cause);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while launching", ex);
        }
    }

    /**
     * Run, print and write the files.
     *
     * @param args the options.
     * @param out  where the summary is printed as it goes.
     * @return the figures and where the files are.
     */
    static Outcome run(final String[] args, final PrintStream out)
    {
        final Settings settings = Settings.parse(args);
        final Summary summary = new Summary(out);
        summary.line("EmbeddedLatencyBenchmark: command -> result latency, paced open-loop, measured from the " +
            "scheduled send time");
        summary.line(String.format(Locale.ROOT,
            "machine: %d cores, %s %s; wait strategy %s, layout %s, ring %,d, journal %s, %,d users (mixed cycle), " +
            "pacer %s", Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.version"), settings.waitStrategy, settings.layout, settings.ringSize,
            settings.chronicle ? "chronicle (memory-mapped, temp dir)" : "none", USERS, settings.pacer));
        summary.line(settings.layout == PipelineLayout.SERIAL ?
            "threads: pacer = main; rollcall-pipeline (journal, logic, fan-out; records), rollcall-ticker; " +
            "baseline-recorder (records); no pinning" :
            "threads: pacer = main; rollcall-journal, rollcall-logic, rollcall-fanout (records), rollcall-ticker; " +
            "baseline-noop-1, baseline-noop-2, baseline-recorder (records); no pinning");

        final LatencyRecorder rollcallLatency = new LatencyRecorder();
        final Histogram rollcallLag = Percentiles.newHistogram();
        final long peak;
        final long rate;
        final PacedRun rollcallRun;
        final Path journalDir = settings.chronicle ? BenchFiles.createTempDirectory("rollcall-latency-") : null;
        try
        {
            final RecipientCounter sink = new RecipientCounter();
            final MixedCycle cycle;
            try (Rollcall rollcall = launch(new RollcallContext()
                .ringSize(settings.ringSize)
                .waitStrategy(WaitStrategies.byName(settings.waitStrategy))
                .layout(settings.layout)
                .snapshotEveryInputs(settings.snapshotEvery)
                .journal(null == journalDir ? Journal.NONE : ChronicleJournal.open(journalDir))
                .eventSink(sink)))
            {
                cycle = new MixedCycle(rollcall, rollcallLatency);
                final long deliveriesBefore = sink.deliveries();
                saturate(cycle, rollcallLatency, settings.warmupNs, settings.window);
                if (settings.rate > 0)
                {
                    peak = 0;
                    rate = settings.rate;
                    summary.line(String.format(Locale.ROOT, "paced rate: %,d commands/s (--rate; peak not measured)", rate));
                }
                else
                {
                    peak = saturate(cycle, rollcallLatency, settings.peakNs, settings.window);
                    rate = Math.max(1, peak / 2);
                    summary.line(String.format(Locale.ROOT,
                        "rollcall peak: %,d commands/s (saturation, window %,d, %s after a %s warm-up); " +
                        "paced rate: %,d commands/s (half)", peak, settings.window, seconds(settings.peakNs),
                        seconds(settings.warmupNs), rate));
                }
                rollcallRun = pace(cycle, rollcallLatency, rollcallLag, rate, settings.durationNs, settings.spinPacer());
                cycle.expectDeliveries(sink.deliveries() - deliveriesBefore);
            }
            rollcallLatency.checkNoneRefused();
            cycle.checkDeliveries();
        }
        finally
        {
            BenchFiles.deleteRecursively(journalDir);
        }

        final LatencyRecorder baselineLatency = new LatencyRecorder();
        final Histogram baselineLag = Percentiles.newHistogram();
        final PacedRun baselineRun;
        try (BareDisruptor bare = new BareDisruptor(
            settings.ringSize, WaitStrategies.byName(settings.waitStrategy), settings.layout, baselineLatency))
        {
            final long saturated = saturate(bare, baselineLatency, settings.warmupNs, settings.window);
            summary.line(String.format(Locale.ROOT,
                "bare disruptor saturated during its warm-up: %,d events/s (window %,d; for orientation)",
                saturated, settings.window));
            baselineRun = pace(bare, baselineLatency, baselineLag, rate, settings.durationNs, settings.spinPacer());
        }

        final Histogram rollcall = rollcallLatency.histogram;
        final Histogram baseline = baselineLatency.histogram;
        summary.line("");
        summary.line(Percentiles.header("latency (us)"));
        summary.line(Percentiles.row("rollcall", rollcall));
        summary.line(Percentiles.row("bare disruptor", baseline));
        summary.line(Percentiles.ratioRow("ratio rollcall / disruptor", rollcall, baseline));
        summary.line("");
        summary.line(Percentiles.header("pacer send lag (us)"));
        summary.line(Percentiles.row("to rollcall", rollcallLag));
        summary.line(Percentiles.row("to bare disruptor", baselineLag));
        summary.line("");
        summary.line("rollcall:       " + rollcallRun.describe(rate));
        summary.line("bare disruptor: " + baselineRun.describe(rate));
        summary.line(String.format(Locale.ROOT, "targets (rollcall): p99 <= 100 us: %s (%s us); p99.9 <= 1 ms: %s (%s us)",
            verdict(rollcall.getValueAtPercentile(99.0), P99_TARGET_NANOS),
            Percentiles.micros(rollcall.getValueAtPercentile(99.0)),
            verdict(rollcall.getValueAtPercentile(99.9), P999_TARGET_NANOS),
            Percentiles.micros(rollcall.getValueAtPercentile(99.9))));

        final Path dir = settings.out;
        Percentiles.writeHgrm(dir, ROLLCALL_HGRM, rollcall);
        Percentiles.writeHgrm(dir, BASELINE_HGRM, baseline);
        Percentiles.writeHgrm(dir, ROLLCALL_LAG_HGRM, rollcallLag);
        Percentiles.writeHgrm(dir, BASELINE_LAG_HGRM, baselineLag);
        summary.line("files: " + dir.toAbsolutePath() + " (" + SUMMARY_FILE + ", " + ROLLCALL_HGRM + ", " +
            BASELINE_HGRM + ", " + ROLLCALL_LAG_HGRM + ", " + BASELINE_LAG_HGRM + "; .hgrm values in us)");
        Percentiles.write(dir, SUMMARY_FILE, summary.text());
        return new Outcome(dir, peak, rate, rollcall, baseline);
    }

    private static String verdict(final long value, final long target)
    {
        return value <= target ? "met" : "MISSED";
    }

    private static String seconds(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f s", nanos / (double)NANOS_PER_SECOND);
    }

    /**
     * Send as fast as the window allows (at most {@code window} commands without a result).
     *
     * @return results received per second during the period (the drain after it not counted).
     */
    private static long saturate(final Target target, final LatencyRecorder recorder, final long durationNs, final int window)
    {
        final long base = recorder.completed();
        long sent = 0;
        final long start = System.nanoTime();
        final long end = start + durationNs;
        long now = start;
        while (now < end)
        {
            if (sent - (recorder.completed() - base) < window)
            {
                target.send(now);
                sent++;
            }
            else
            {
                Thread.yield();
            }
            now = System.nanoTime();
        }
        final long received = recorder.completed() - base;
        await(recorder, base + sent);
        return received * NANOS_PER_SECOND / (now - start);
    }

    /**
     * Send {@code rate × duration} commands, command {@code i} due at {@code start + i / rate},
     * recording each one's latency from its due time.
     */
    private static PacedRun pace(
        final Target target,
        final LatencyRecorder recorder,
        final Histogram sendLag,
        final long rate,
        final long durationNs,
        final boolean spin)
    {
        final long scheduled = Math.max(1, rate * durationNs / NANOS_PER_SECOND);
        final long base = recorder.completed();
        final GcCount gcBefore = GcCount.now();
        recorder.recording(true);
        final long start = System.nanoTime();
        final long giveUp = start + 2 * durationNs;
        long sent = 0;
        long now = start;
        for (long i = 0; i < scheduled; i++)
        {
            final long due = start + i * NANOS_PER_SECOND / rate;
            while ((now = System.nanoTime()) < due)
            {
                final long ahead = due - now;
                if (ahead > PARK_WHEN_AHEAD_NS)
                {
                    LockSupport.parkNanos(ahead - PARK_WHEN_AHEAD_NS / 2);
                }
                else if (spin)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    Thread.yield();
                }
            }
            if (now > giveUp)
            {
                break;
            }
            Percentiles.record(sendLag, now - due);
            target.send(due);
            sent++;
        }
        final long sendingNs = now - start;
        await(recorder, base + sent);
        recorder.recording(false);
        return new PacedRun(scheduled, sent, sendingNs, GcCount.now().minus(gcBefore));
    }

    private static void await(final LatencyRecorder recorder, final long expected)
    {
        final long deadline = System.nanoTime() + AWAIT_TIMEOUT_NS;
        while (recorder.completed() < expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("only " + recorder.completed() + " of " + expected + " results arrived");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * The figures of one run.
     *
     * @param directory where the files are.
     * @param peakRate  Rollcall's saturation rate, commands/s; 0 when {@code --rate} was given.
     * @param rate      the paced rate, commands/s.
     * @param rollcall  Rollcall's command → result latency, nanoseconds.
     * @param baseline  the bare Disruptor's publish → last stage latency, nanoseconds.
     */
    record Outcome(Path directory, long peakRate, long rate, Histogram rollcall, Histogram baseline)
    {
    }

    private record Settings(
        String waitStrategy,
        PipelineLayout layout,
        boolean chronicle,
        long warmupNs,
        long peakNs,
        long durationNs,
        long rate,
        int ringSize,
        int window,
        String pacer,
        long snapshotEvery,
        Path out)
    {
        static Settings parse(final String[] args)
        {
            final ProgramOptions options = new ProgramOptions(args, "--wait-strategy", "--layout", "--journal", "--duration",
                "--warmup", "--peak-duration", "--rate", "--ring", "--window", "--pacer", "--snapshot-every", "--out");
            final String waitStrategy = options.text("--wait-strategy", "parking");
            WaitStrategies.byName(waitStrategy); // refuses an unknown name before anything starts
            final String layout = options.text("--layout", null);
            if (null != layout && !"parallel".equals(layout) && !"serial".equals(layout))
            {
                throw new IllegalArgumentException("--layout must be parallel or serial: '" + layout + "'");
            }
            final String journal = options.text("--journal", "chronicle");
            if (!"chronicle".equals(journal) && !"none".equals(journal))
            {
                throw new IllegalArgumentException("--journal must be chronicle or none: '" + journal + "'");
            }
            final long ring = options.positive("--ring", RollcallContext.DEFAULT_RING_SIZE);
            if (ring > 1 << 30 || !BitUtil.isPowerOfTwo((int)ring))
            {
                throw new IllegalArgumentException("--ring must be a power of two: " + ring);
            }
            final long window = options.positive("--window", 1_024);
            if (window > ring)
            {
                throw new IllegalArgumentException("--window must be <= --ring: " + window);
            }
            final String pacer = options.text("--pacer", "yield");
            if (!"yield".equals(pacer) && !"spin".equals(pacer))
            {
                throw new IllegalArgumentException("--pacer must be yield or spin: '" + pacer + "'");
            }
            return new Settings(
                waitStrategy,
                null == layout ? PipelineLayout.forCores(Runtime.getRuntime().availableProcessors()) :
                    PipelineLayout.valueOf(layout.toUpperCase(Locale.ROOT)),
                "chronicle".equals(journal),
                TimeUnit.MILLISECONDS.toNanos(options.durationMs("--warmup", 3_000)),
                TimeUnit.MILLISECONDS.toNanos(options.durationMs("--peak-duration", 2_000)),
                TimeUnit.MILLISECONDS.toNanos(options.durationMs("--duration", 10_000)),
                options.has("--rate") ? options.positive("--rate", 1) : 0,
                (int)ring,
                (int)window,
                pacer,
                options.has("--snapshot-every") && "0".equals(options.text("--snapshot-every", "0")) ? 0 :
                    options.positive("--snapshot-every", RollcallContext.DEFAULT_SNAPSHOT_EVERY_INPUTS),
                Percentiles.outputDirectory(options.text("--out", null)));
        }

        boolean spinPacer()
        {
            return "spin".equals(pacer);
        }
    }

    private record PacedRun(long scheduled, long sent, long sendingNs, GcCount gcs)
    {
        String describe(final long rate)
        {
            final String sentText = String.format(Locale.ROOT, "sent %,d of %,d in %s (%,d/s for %,d/s due), %s",
                sent, scheduled, seconds(sendingNs), sendingNs > 0 ? sent * NANOS_PER_SECOND / sendingNs : 0, rate, gcs);
            return sent < scheduled ? sentText + "; FELL BEHIND: stopped sending at twice the duration" : sentText;
        }
    }

    private record GcCount(long collections, long millis)
    {
        static GcCount now()
        {
            long collections = 0;
            long millis = 0;
            for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
            {
                collections += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new GcCount(collections, millis);
        }

        GcCount minus(final GcCount before)
        {
            return new GcCount(collections - before.collections, millis - before.millis);
        }

        @Override
        public String toString()
        {
            return collections + " GCs (" + millis + " ms)";
        }
    }

    /**
     * Printed as it goes and kept for the summary file.
     */
    private static final class Summary
    {
        private final PrintStream out;
        private final StringBuilder text = new StringBuilder();

        Summary(final PrintStream out)
        {
            this.out = out;
        }

        void line(final String line)
        {
            out.println(line);
            out.flush();
            text.append(line).append('\n');
        }

        String text()
        {
            return text.toString();
        }
    }

    /**
     * What the pacer sends to.
     */
    private interface Target
    {
        /**
         * Send one command or event, on the pacer's thread.
         *
         * @param stampNanos the time its latency is measured from ({@link System#nanoTime()}).
         */
        void send(long stampNanos);
    }

    /**
     * Where the last stage records each latency, and counts the completions the pacer waits
     * for. One writer (the fan-out thread, or the baseline's recording stage); the histogram
     * is read once every expected completion has been seen (the count is released after the
     * record, and acquired by the reader).
     */
    static final class LatencyRecorder implements CommandCallback
    {
        final Histogram histogram = Percentiles.newHistogram();
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();
        private volatile boolean recording;
        private volatile Result firstRefusal;

        @Override
        public void onResult(final long correlationId, final Result result)
        {
            final long now = System.nanoTime();
            if (!result.isAccepted())
            {
                if (null == firstRefusal)
                {
                    firstRefusal = result;
                }
                refused.lazySet(refused.get() + 1);
            }
            complete(correlationId, now);
        }

        void complete(final long stampNanos, final long now)
        {
            if (recording)
            {
                Percentiles.record(histogram, now - stampNanos);
            }
            completed.lazySet(completed.get() + 1);
        }

        long completed()
        {
            return completed.get();
        }

        void recording(final boolean recording)
        {
            this.recording = recording;
        }

        void checkNoneRefused()
        {
            if (0 != refused.get())
            {
                throw new IllegalStateException(refused.get() + " commands were refused, the first with " + firstRefusal);
            }
        }
    }

    /**
     * Rollcall's side: {@value #USERS} users walked round-robin through the five-step cycle of
     * {@link MixedPipelineBenchmark}, connected and watched on construction.
     */
    private static final class MixedCycle implements Target
    {
        private static final int STEPS = 5;
        private static final long WATCHER = 1_000_000_000L;

        private final Rollcall rollcall;
        private final CommandCallback callback;
        private final Changes changes = new Changes();
        private final long[] primary = new long[USERS + 1];
        private final long[] second = new long[USERS + 1];
        private final long[] lastConnection = new long[USERS + 1];
        private final boolean[] idle = new boolean[USERS + 1];
        private long emitted;
        private long delivered;
        private int user;
        private int round;

        MixedCycle(final Rollcall rollcall, final CommandCallback callback)
        {
            this.rollcall = rollcall;
            this.callback = callback;
            final List<CompletableFuture<Result>> setup = new ArrayList<>(3 * USERS);
            for (int u = 1; u <= USERS; u++)
            {
                // bring each user to the state its first step expects (round 0: step u % 5)
                final int step = u % STEPS;
                setup.add(rollcall.connectUser(u, 1));
                primary[u] = 1;
                lastConnection[u] = 1;
                if (step == 1 || step == 2)
                {
                    setup.add(rollcall.connectUser(u, 2));
                    second[u] = 2;
                    lastConnection[u] = 2;
                }
                else if (step == 4)
                {
                    setup.add(rollcall.connectionLost(u, 1));
                }
                idle[u] = true; // clients start ONLINE: the first update changes something
                setup.add(rollcall.subscribeToClient(WATCHER, u));
            }
            for (final CompletableFuture<Result> done : setup)
            {
                if (!done.join().isAccepted())
                {
                    throw new IllegalStateException("setup refused: " + done.join());
                }
            }
        }

        @Override
        public void send(final long stampNanos)
        {
            if (++user > USERS)
            {
                user = 1;
                round++;
            }
            final int u = user;
            switch ((u + round) % STEPS)
            {
                case 0 ->
                {
                    second[u] = ++lastConnection[u];
                    rollcall.connectUser(u, second[u], callback, stampNanos);
                }
                case 1 ->
                {
                    final boolean toIdle = idle[u];
                    idle[u] = !toIdle;
                    changes.clear().status(toIdle ? Status.IDLE : Status.ONLINE).afk(toIdle);
                    rollcall.update(FieldGroup.STANDARD, u, changes, toIdle ? "idle" : "activity", callback, stampNanos);
                    emitted++;
                }
                case 2 ->
                {
                    rollcall.connectionLost(u, primary[u], callback, stampNanos);
                    primary[u] = second[u];
                }
                case 3 ->
                {
                    rollcall.connectionLost(u, primary[u], callback, stampNanos);
                    emitted++;
                }
                default ->
                {
                    primary[u] = ++lastConnection[u];
                    rollcall.connectUser(u, primary[u], callback, stampNanos);
                    emitted++;
                }
            }
        }

        void expectDeliveries(final long delivered)
        {
            this.delivered = delivered;
        }

        void checkDeliveries()
        {
            if (delivered != emitted)
            {
                throw new IllegalStateException("the watcher got " + delivered + " events, expected " + emitted);
            }
        }
    }

    /**
     * The baseline: a bare Disruptor of Rollcall's topology, two parallel no-op stages gating a
     * recording stage (parallel layout) or the recording stage alone (serial layout).
     */
    private static final class BareDisruptor implements Target, AutoCloseable
    {
        private final Disruptor<Stamp> disruptor;
        private final RingBuffer<Stamp> ring;

        @SuppressWarnings("unchecked")
        BareDisruptor(
            final int ringSize, final WaitStrategy waitStrategy, final PipelineLayout layout, final LatencyRecorder recorder)
        {
            disruptor = new Disruptor<>(
                Stamp::new, ringSize, new BaselineThreads(layout), ProducerType.MULTI, waitStrategy);
            if (layout == PipelineLayout.SERIAL)
            {
                disruptor.handleEventsWith(new RecordingStage(recorder));
            }
            else
            {
                disruptor
                    .handleEventsWith(new SignallingNoOp(waitStrategy), new SignallingNoOp(waitStrategy))
                    .then(new RecordingStage(recorder));
            }
            ring = disruptor.start();
        }

        @Override
        public void send(final long stampNanos)
        {
            final long sequence = ring.next();
            ring.get(sequence).sentNanos = stampNanos;
            ring.publish(sequence);
        }

        @Override
        public void close()
        {
            disruptor.shutdown();
        }
    }

    /**
     * A baseline ring slot.
     */
    private static final class Stamp
    {
        long sentNanos;
    }

    /**
     * Does nothing per event; at the end of a batch publishes its progress and signals the wait
     * strategy, as Rollcall's journal and logic stages do, so that a gated stage parked by
     * {@link dev.rollcall.core.ParkingWaitStrategy} wakes up.
     */
    private static final class SignallingNoOp implements EventHandler<Stamp>
    {
        private final WaitStrategy waitStrategy;
        private Sequence sequence;

        SignallingNoOp(final WaitStrategy waitStrategy)
        {
            this.waitStrategy = waitStrategy;
        }

        @Override
        public void setSequenceCallback(final Sequence sequence)
        {
            this.sequence = sequence;
        }

        @Override
        public void onEvent(final Stamp event, final long sequence, final boolean endOfBatch)
        {
            if (endOfBatch)
            {
                this.sequence.set(sequence);
                waitStrategy.signalAllWhenBlocking();
            }
        }
    }

    /**
     * The baseline's last stage: takes the time of each event, as Rollcall's callback does.
     */
    private static final class RecordingStage implements EventHandler<Stamp>
    {
        private final LatencyRecorder recorder;

        RecordingStage(final LatencyRecorder recorder)
        {
            this.recorder = recorder;
        }

        @Override
        public void onEvent(final Stamp event, final long sequence, final boolean endOfBatch)
        {
            recorder.complete(event.sentNanos, System.nanoTime());
        }
    }

    /**
     * Names the baseline's threads in the order the Disruptor starts its stages.
     */
    private static final class BaselineThreads implements ThreadFactory
    {
        private final String[] names;
        private final AtomicInteger count = new AtomicInteger();

        BaselineThreads(final PipelineLayout layout)
        {
            names = layout == PipelineLayout.SERIAL ?
                new String[] {"baseline-recorder"} : new String[] {"baseline-noop-1", "baseline-noop-2", "baseline-recorder"};
        }

        @Override
        public Thread newThread(final Runnable runnable)
        {
            final int index = count.getAndIncrement();
            final Thread thread = new Thread(runnable, index < names.length ? names[index] : "baseline-" + index);
            thread.setDaemon(true);
            return thread;
        }
    }
}
