package dev.rollcall.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What one hand-off between two threads costs on this machine: the prices the pipeline pays
 * per stage and the gateway per wake-up, so that latency figures can be read against them. A
 * {@code main()} program; every measurement is a bounded number of round trips between the
 * main thread and one helper thread, each timed with {@link System#nanoTime()} into an
 * HdrHistogram, and stops by itself.
 * <pre>
 *   clock read     main: nanoTime(); nanoTime()                          the baseline: what timing itself costs
 *   park/unpark    main ──(volatile write + unpark)──► helper            one-way = round trip / 2; both sides
 *                  main ◄──(volatile write + unpark)── helper            wait with LockSupport.park()
 *   selector       main: t0, selector.wakeup() ──► helper: select() returns, t1    one-way = t1 − t0
 *   loopback TCP   main ──64 B──► 127.0.0.1 ──► helper (echo) ──64 B──► main     round trip; blocking
 *                                                                                 SocketChannels, TCP_NODELAY
 *   volatile spin  main ──(volatile write)──► helper ──(volatile write)──► main   one-way = round trip / 2; both
 *                                                                                 sides spin (onSpinWait)
 * </pre>
 * <b>Method.</b> Each measurement first runs a fifth of {@code --round-trips} unrecorded (JIT,
 * caches, the scheduler's placement), then records {@code --round-trips}; it stops early when
 * {@code --max-time} has passed and says so. Threads are not pinned: what the scheduler does
 * (placing both threads on one core, preempting a spinner) is part of the figure, which is the
 * point on a shared machine. For the selector, the main thread waits until the helper has
 * announced it is about to call {@code select()} and then 50 µs more, so that the helper is
 * really blocked in the kernel when {@code wakeup()} is called (a wake-up that arrives before
 * the helper blocks makes {@code select()} return at once and would read low). For the
 * two-thread hand-offs the one-way cost is half the round trip, assuming both directions cost
 * the same.
 * <p>
 * <b>Output</b>: p50, p90, p99, p99.9 and max of each, in microseconds; the same text in
 * {@code handoff-costs.txt} and each histogram as a {@code .hgrm} percentile file in
 * {@code --out} (default {@code bench/target/latency/<UTC timestamp>}). Run from the repository
 * root after building the benchmarks jar:
 * <pre>
 *   java @journal/target/jvm.flags -cp bench/target/benchmarks.jar dev.rollcall.bench.HandoffCosts
 *   ... HandoffCosts --round-trips 10000 --out /tmp/handoffs
 * </pre>
 * Options (defaults): {@code --round-trips 50000} (per measurement), {@code --max-time 10s}
 * (per measurement), {@code --gap-us N} (a pause before each round trip, so the cores go idle
 * between hand-offs as they do at a light load; default none), {@code --out DIR}. A few seconds with the defaults.
 */
public final class HandoffCosts
{
    /** The summary's file name in the output directory. */
    static final String SUMMARY_FILE = "handoff-costs.txt";
    /** The measurements, in the order they run: name, {@code .hgrm} file and what the value is. */
    static final String[][] MEASUREMENTS = {
        {"clock read (nanoTime x2)", "handoff-clock-read.hgrm", "one call after another"},
        {"park/unpark", "handoff-park-unpark.hgrm", "one-way = RTT/2"},
        {"Selector.wakeup -> select", "handoff-selector-wakeup.hgrm", "one-way"},
        {"loopback TCP 64 B", "handoff-tcp-loopback.hgrm", "round trip"},
        {"volatile spin", "handoff-volatile-spin.hgrm", "one-way = RTT/2"},
    };

    private static final int MESSAGE_BYTES = 64;
    private static final long SELECTOR_SETTLE_NS = 50_000;
    private static final long STOP = -1;
    private static final long HELPER_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private HandoffCosts()
    {
    }

    /**
     * Run with the options of the class comment; exits non-zero on an error.
     *
     * @param args the options.
     * @throws Exception on a failure of a helper thread or of the sockets.
     */
    public static void main(final String[] args) throws Exception
    {
        run(args, System.out);
    }

    /**
     * Measure, print and write the files.
     *
     * @param args the options.
     * @param out  where the summary is printed.
     * @return the histograms in the order of {@link #MEASUREMENTS} (nanoseconds), and the directory.
     * @throws Exception on a failure of a helper thread or of the sockets.
     */
    static Outcome run(final String[] args, final PrintStream out) throws Exception
    {
        final ProgramOptions options = new ProgramOptions(args, "--round-trips", "--max-time", "--gap-us", "--out");
        final long roundTrips = options.positive("--round-trips", 50_000);
        final long gapNs = options.has("--gap-us") ? TimeUnit.MICROSECONDS.toNanos(options.positive("--gap-us", 1)) : 0;
        final long maxTimeNs = TimeUnit.MILLISECONDS.toNanos(options.durationMs("--max-time", 10_000));
        final Path dir = Percentiles.outputDirectory(options.text("--out", null));

        final Budget[] budgets = new Budget[MEASUREMENTS.length];
        final Histogram[] histograms = new Histogram[MEASUREMENTS.length];
        for (int i = 0; i < MEASUREMENTS.length; i++)
        {
            final Budget budget = new Budget(roundTrips, maxTimeNs, gapNs);
            final Histogram histogram = Percentiles.newHistogram();
            switch (i)
            {
                case 0 -> clockRead(budget, histogram);
                case 1 -> parkUnpark(budget, histogram);
                case 2 -> selectorWakeup(budget, histogram);
                case 3 -> loopbackTcp(budget, histogram);
                default -> volatileSpin(budget, histogram);
            }
            budgets[i] = budget;
            histograms[i] = histogram;
        }

        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "HandoffCosts: %d cores, %s %s; %,d round trips each (after %,d " +
            "unrecorded), two threads (main + one helper), no pinning; %s%n", Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name"), System.getProperty("java.version"), roundTrips, roundTrips / 5,
            0 == gapNs ? "back to back" : "a pause of " + gapNs / 1000 + " us before each (the cores go idle, as at a light load)"));
        text.append(Percentiles.header("hand-off (us)")).append("  what\n");
        for (int i = 0; i < MEASUREMENTS.length; i++)
        {
            text.append(Percentiles.row(MEASUREMENTS[i][0], histograms[i])).append("  ").append(MEASUREMENTS[i][2]);
            if (budgets[i].stoppedEarly())
            {
                text.append("; STOPPED at --max-time");
            }
            text.append('\n');
            Percentiles.writeHgrm(dir, MEASUREMENTS[i][1], histograms[i]);
        }
        text.append("files: ").append(dir.toAbsolutePath()).append(" (").append(SUMMARY_FILE)
            .append(" and one .hgrm per row, values in us)\n");
        Percentiles.write(dir, SUMMARY_FILE, text.toString());
        out.print(text);
        out.flush();
        return new Outcome(dir, histograms);
    }

    /**
     * The figures of one run.
     *
     * @param directory  where the files are.
     * @param histograms nanoseconds, in the order of {@link #MEASUREMENTS}.
     */
    record Outcome(Path directory, Histogram[] histograms)
    {
    }

    private static void clockRead(final Budget budget, final Histogram histogram)
    {
        long i;
        while ((i = budget.next()) != STOP)
        {
            final long t0 = System.nanoTime();
            final long t1 = System.nanoTime();
            budget.record(histogram, i, t1 - t0);
        }
    }

    private static void parkUnpark(final Budget budget, final Histogram histogram) throws Exception
    {
        final PingPong pingPong = new PingPong();
        final Thread main = Thread.currentThread();
        final Helper helper = Helper.start("handoff-park-unpark", () ->
        {
            long expected = 1;
            while (true)
            {
                long ping;
                while ((ping = pingPong.ping) != expected && ping != STOP)
                {
                    LockSupport.park();
                }
                if (ping == STOP)
                {
                    return;
                }
                pingPong.pong = expected++;
                LockSupport.unpark(main);
            }
        });
        long i;
        long round = 0;
        while ((i = budget.next()) != STOP)
        {
            round++;
            final long t0 = System.nanoTime();
            pingPong.ping = round;
            LockSupport.unpark(helper.thread);
            while (pingPong.pong != round)
            {
                LockSupport.parkNanos(HELPER_CHECK_NS); // an unpark ends it at once; the timeout only notices a dead helper
                helper.checkAlive();
            }
            budget.record(histogram, i, (System.nanoTime() - t0) / 2);
        }
        pingPong.ping = STOP;
        LockSupport.unpark(helper.thread);
        helper.join();
    }

    private static void volatileSpin(final Budget budget, final Histogram histogram) throws Exception
    {
        final PingPong pingPong = new PingPong();
        final Helper helper = Helper.start("handoff-volatile-spin", () ->
        {
            long expected = 1;
            while (true)
            {
                long ping;
                while ((ping = pingPong.ping) != expected && ping != STOP)
                {
                    Thread.onSpinWait();
                }
                if (ping == STOP)
                {
                    return;
                }
                pingPong.pong = expected++;
            }
        });
        long i;
        long round = 0;
        while ((i = budget.next()) != STOP)
        {
            round++;
            final long t0 = System.nanoTime();
            pingPong.ping = round;
            while (pingPong.pong != round)
            {
                Thread.onSpinWait();
            }
            budget.record(histogram, i, (System.nanoTime() - t0) / 2);
        }
        pingPong.ping = STOP;
        helper.join();
    }

    private static void selectorWakeup(final Budget budget, final Histogram histogram) throws Exception
    {
        final PingPong pingPong = new PingPong();
        try (Selector selector = Selector.open())
        {
            final Helper helper = Helper.start("handoff-selector", () ->
            {
                long round = 0;
                while (pingPong.ping != STOP)
                {
                    pingPong.pong = ++round; // "about to select for this round"
                    selector.select();
                    pingPong.wokenAt = System.nanoTime();
                    pingPong.woken = round;
                }
            });
            long i;
            long round = 0;
            while ((i = budget.next()) != STOP)
            {
                round++;
                while (pingPong.pong != round)
                {
                    Thread.yield();
                    helper.checkAlive();
                }
                final long settled = System.nanoTime() + SELECTOR_SETTLE_NS;
                while (System.nanoTime() < settled)
                {
                    Thread.yield();
                }
                final long t0 = System.nanoTime();
                selector.wakeup();
                while (pingPong.woken != round)
                {
                    Thread.yield();
                    helper.checkAlive();
                }
                budget.record(histogram, i, pingPong.wokenAt - t0);
            }
            pingPong.ping = STOP;
            selector.wakeup();
            helper.join();
        }
    }

    private static void loopbackTcp(final Budget budget, final Histogram histogram) throws Exception
    {
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(loopback, 0));
            final Helper helper = Helper.start("handoff-tcp-echo", () ->
            {
                try (SocketChannel channel = server.accept())
                {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_BYTES);
                    while (readFully(channel, buffer))
                    {
                        buffer.flip();
                        writeFully(channel, buffer);
                    }
                }
            });
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress()))
            {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_BYTES);
                long i;
                while ((i = budget.next()) != STOP)
                {
                    buffer.clear();
                    buffer.putLong(0, i);
                    final long t0 = System.nanoTime();
                    writeFully(client, buffer);
                    if (!readFully(client, buffer))
                    {
                        throw new IllegalStateException("the echo side closed the connection");
                    }
                    budget.record(histogram, i, System.nanoTime() - t0);
                    if (buffer.getLong(0) != i)
                    {
                        throw new IllegalStateException("echo of round trip " + i + " carried " + buffer.getLong(0));
                    }
                }
            }
            helper.join();
        }
    }

    /**
     * Read one whole message into the buffer (cleared first).
     *
     * @return false when the peer closed the connection before a message.
     */
    private static boolean readFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        buffer.clear();
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                if (buffer.position() == 0)
                {
                    return false;
                }
                throw new IOException("connection closed in the middle of a message");
            }
        }
        return true;
    }

    /**
     * Write the buffer from its position to its limit.
     */
    private static void writeFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    /**
     * The fields two threads hand a turn through; each written by one side only.
     */
    private static final class PingPong
    {
        volatile long ping;
        volatile long pong;
        volatile long woken;
        volatile long wokenAt;
    }

    /**
     * How many round trips a measurement may take: the unrecorded warm-up, then the recorded
     * ones, within the time limit.
     */
    private static final class Budget
    {
        private final long warmup;
        private final long total;
        private final long deadline;
        private final long gapNs;
        private long next;
        private boolean stoppedEarly;

        Budget(final long roundTrips, final long maxTimeNs, final long gapNs)
        {
            warmup = roundTrips / 5;
            total = warmup + roundTrips;
            deadline = System.nanoTime() + maxTimeNs;
            this.gapNs = gapNs;
        }

        /**
         * @return the index of the next round trip, or {@link #STOP}.
         */
        long next()
        {
            if (next == total)
            {
                return STOP;
            }
            if (System.nanoTime() - deadline > 0)
            {
                stoppedEarly = true;
                return STOP;
            }
            if (gapNs > 0 && next > 0)
            {
                LockSupport.parkNanos(gapNs);
            }
            return next++;
        }

        void record(final Histogram histogram, final long index, final long nanos)
        {
            if (index >= warmup)
            {
                Percentiles.record(histogram, nanos);
            }
        }

        boolean stoppedEarly()
        {
            return stoppedEarly;
        }
    }

    /**
     * A task that may throw, run on the helper thread.
     */
    @FunctionalInterface
    private interface Task
    {
        void run() throws Exception;
    }

    /**
     * The helper thread of a measurement; its failure is rethrown on the main thread.
     */
    private static final class Helper
    {
        final Thread thread;
        private volatile Throwable failure;

        private Helper(final String name, final Task task)
        {
            thread = new Thread(() ->
            {
                try
                {
                    task.run();
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
            }, name);
            thread.setDaemon(true);
        }

        static Helper start(final String name, final Task task)
        {
            final Helper helper = new Helper(name, task);
            helper.thread.start();
            return helper;
        }

        void checkAlive()
        {
            if (null != failure)
            {
                throw new IllegalStateException(thread.getName() + " failed", failure);
            }
            if (!thread.isAlive())
            {
                throw new IllegalStateException(thread.getName() + " ended early");
            }
        }

        void join() throws InterruptedException
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (null != failure)
            {
                throw new IllegalStateException(thread.getName() + " failed", failure);
            }
            if (thread.isAlive())
            {
                throw new IllegalStateException(thread.getName() + " did not stop");
            }
        }
    }
}
