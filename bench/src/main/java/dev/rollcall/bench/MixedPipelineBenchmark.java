package dev.rollcall.bench;

import dev.rollcall.model.FieldGroup;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.core.InputType;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.SerialPipeline;
import dev.rollcall.model.Status;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.journal.ChronicleJournal;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline with a real Chronicle journal on disk, under a mixed workload of
 * connection churn and updates, against two baselines in the same run: the same work done
 * serially on one thread with no ring ({@code serialMixed}), and a bare Disruptor with the same
 * ring size and wait strategy ({@code baselineDisruptorNoop}).
 * <pre>
 *   rollcall SERIAL:    benchmark thread ──► ring ──► rollcall-pipeline: per batch, journal + logic per input,
 *                       (callback API)                close the Chronicle batch, then fan-out per input
 *   rollcall PARALLEL:  benchmark thread ──► ring ──┬─► journal stage ──► ChronicleJournal (mapped file in java.io.tmpdir)
 *                                                   └─► logic stage ──┬─► fan-out ──► EventSink (counts the deliveries)
 *                                                                     │             └─► results ──► ResultTally
 *   serialMixed:        benchmark thread: the same stages called in turn, batches of 256, no ring, no other thread
 *   baseline:           benchmark thread ──► ring ──► no-op handler
 *   (the clock thread publishes nothing: no grace deadline falls due during a run)
 * </pre>
 * <b>One op = one input</b> (the score is inputs/s). The benchmark thread walks the
 * {@value #USERS} users round-robin; each visit publishes the user's next step of a five-step
 * cycle, and the users are staggered (user {@code u} on round {@code r} is at step
 * {@code (u + r) % 5}), so consecutive inputs are of different kinds and for different users:
 * <pre>
 *   0 connect          a second connection attaches (another device): read-model image, no event
 *   1 standard update  status ONLINE ⇄ IDLE with a reason: CLIENT_UPDATED
 *   2 connection lost  the first connection goes, one remains: read-model image, no event
 *   3 connection lost  the last connection goes: grace countdown starts, CLIENT_DISCONNECTED
 *   4 reconnect        a new connection within grace (a round later): countdown cancelled, CLIENT_CONNECTED
 * </pre>
 * so every user is back where it started after five visits, about a fifth of them wait in
 * their grace countdown at any time (the 300 s grace never expires during a run), and three
 * inputs in five emit an event, each delivered to the one watcher that subscribes to every
 * user. The secondary metric {@code deliveries} is those events per second. Every command
 * goes through the allocation-free callback API with one shared callback, which also checks
 * that none is refused.
 * <p>
 * <b>Journal:</b> {@code ChronicleJournal.open(dir)} with its defaults (memory-mapped, no
 * sync, daily roll cycle) in a fresh directory under {@code java.io.tmpdir}, deleted at the
 * end of the trial; the journal writes 56 bytes per connection input and about 80 per update
 * ({@code InputCodec}) plus one batch header per ring batch, up to a few GB per trial, which
 * the page cache absorbs. The core's default snapshot policy is on (a snapshot of the 10,000
 * clients, ≈ 2 MB, every million inputs).
 * <p>
 * <b>Wait strategy</b> ({@code waitStrategy}, of both ring sides): {@code parking} is the core's
 * default ({@code ParkingWaitStrategy}: spin, yield, then park, on dependencies too);
 * {@code blocking} is the Disruptor's (parks on the cursor, spins on dependencies);
 * {@code yielding} spins then yields, for a box with a core per stage. {@code BusySpinWaitStrategy}
 * is not offered: on a two-core machine a spinning stage takes the core the stage it waits for
 * needs, so the run would measure the scheduler. <b>Layout</b> ({@code layout}): the core's
 * stage threads, {@code SERIAL} (the default below 8 cores) or {@code PARALLEL}.
 * <p>
 * <b>What limits it:</b> the slowest stage (producers wait for free slots), and on a small box
 * the cores: the benchmark thread takes one, the stage thread(s) the other; the journal stage
 * also copies each input into a mapped file and takes the page faults of fresh pages. Issue
 * 10's targets: ≥ 2 M inputs/s with the default wait, and ≥ 1.2× {@code serialMixed}. One
 * producer thread only (the cycle's bookkeeping is the benchmark thread's): do not run with
 * {@code -t}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = BenchFiles.QUIET_JOURNAL_LOG)
public class MixedPipelineBenchmark
{
    static final int USERS = 10_000;
    private static final int STEPS = 5;
    private static final long WATCHER = 1_000_000_000L;
    private static final int SERIAL_BATCH = 256;

    /**
     * The wait strategy of both sides of the comparison.
     */
    @State(Scope.Benchmark)
    public static class Strategy
    {
        /** Disruptor wait strategy of the pipeline and of the baseline. */
        @Param({"parking", "blocking", "yielding"})
        public String waitStrategy;

        /** Ring slots of the pipeline and of the baseline; the first value is the core's default. */
        @Param({"1024"})
        public int ringSize;

        WaitStrategy create()
        {
            return WaitStrategies.byName(waitStrategy);
        }
    }

    /**
     * The events delivered to the watcher per second (3 for every 5 inputs), as JMH's
     * secondary metric {@code deliveries}.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries
    {
        /** Events the inputs published in this iteration emit (counted when published). */
        public long deliveries;

        /**
         * Start each iteration from zero.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            deliveries = 0;
        }
    }

    /**
     * What the mixed cycle publishes into: the pipeline, or the serial baseline.
     */
    interface Target
    {
        void connectUser(long userId, long connectionId, ResultTally callback, long correlationId);

        void connectionLost(long userId, long connectionId, ResultTally callback, long correlationId);

        void update(long userId, Changes changes, String reason, ResultTally callback, long correlationId);

        void subscribeToClient(long subscriberId, long userId, ResultTally callback, long correlationId);

        /** Make every published input's result arrive (the serial baseline closes its open batch). */
        void flush();

        void close();
    }

    /**
     * The mixed cycle over {@value #USERS} users watched by one subscriber, published into a
     * {@link Target} on a Chronicle journal in a temporary directory.
     */
    abstract static class Cycle
    {
        Path directory;
        Target target;
        final ResultTally tally = new ResultTally();
        final RecipientCounter sink = new RecipientCounter();
        final Changes changes = new Changes();
        /** Per user (index = user id): the connection that stays at step 2. */
        final long[] primary = new long[USERS + 1];
        /** Per user: the connection added at step 0. */
        final long[] second = new long[USERS + 1];
        /** Per user: the last connection id used (ids are unique per user). */
        final long[] lastConnection = new long[USERS + 1];
        /** Per user: the status its next update sets is IDLE. */
        final boolean[] idle = new boolean[USERS + 1];
        long published;
        long expectedDeliveries;
        int user;
        int round;

        int ringSize = RollcallContext.DEFAULT_RING_SIZE;

        abstract Target open(RollcallContext ctx);

        /**
         * Open the journal, launch, connect the users and subscribe the watcher.
         *
         * @param ctx the settings besides the journal and the sink.
         */
        void setUp(final RollcallContext ctx)
        {
            directory = BenchFiles.createTempDirectory("rollcall-bench-mixed-");
            target = open(ctx.ringSize(ringSize).journal(ChronicleJournal.open(directory)).eventSink(sink));
            for (int u = 1; u <= USERS; u++)
            {
                // bring each user to the state its first step expects (round 0: step u % 5)
                final int step = u % STEPS;
                target.connectUser(u, 1, tally, published++);
                primary[u] = 1;
                lastConnection[u] = 1;
                if (step == 1 || step == 2)
                {
                    target.connectUser(u, 2, tally, published++);
                    second[u] = 2;
                    lastConnection[u] = 2;
                }
                else if (step == 4)
                {
                    target.connectionLost(u, 1, tally, published++);
                }
                idle[u] = true; // clients start ONLINE: the first update changes something
                target.subscribeToClient(WATCHER, u, tally, published++);
            }
            target.flush();
            tally.await(published);
            tally.checkNoneRefused();
            expectedDeliveries = sink.deliveries();
            user = 0;
            round = 0;
        }

        /**
         * Wait for every published command's result, so iterations do not overlap.
         */
        @TearDown(Level.Iteration)
        public void drain()
        {
            target.flush();
            tally.await(published);
        }

        /**
         * Close (drains, takes a final snapshot, closes the journal), check that nothing was
         * refused and every event was delivered, delete the journal.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                try
                {
                    target.flush();
                    tally.await(published);
                }
                finally
                {
                    target.close();
                }
                tally.checkNoneRefused();
                if (sink.deliveries() != expectedDeliveries)
                {
                    throw new IllegalStateException(
                        "the watcher got " + sink.deliveries() + " events, expected " + expectedDeliveries);
                }
            }
            finally
            {
                BenchFiles.deleteRecursively(directory);
            }
        }

        /**
         * Publish the next user's next step.
         *
         * @return 1 when the step emits an event to the watcher, else 0.
         */
        int publishNext()
        {
            if (++user > USERS)
            {
                user = 1;
                round++;
            }
            final int u = user;
            final long correlationId = published++;
            switch ((u + round) % STEPS)
            {
                case 0 ->
                {
                    second[u] = ++lastConnection[u];
                    target.connectUser(u, second[u], tally, correlationId);
                    return 0;
                }
                case 1 ->
                {
                    final boolean toIdle = idle[u];
                    idle[u] = !toIdle;
                    changes.clear().status(toIdle ? Status.IDLE : Status.ONLINE).afk(toIdle);
                    target.update(u, changes, toIdle ? "idle" : "activity", tally, correlationId);
                    return 1;
                }
                case 2 ->
                {
                    target.connectionLost(u, primary[u], tally, correlationId);
                    primary[u] = second[u];
                    return 0;
                }
                case 3 ->
                {
                    target.connectionLost(u, primary[u], tally, correlationId);
                    return 1;
                }
                default ->
                {
                    primary[u] = ++lastConnection[u];
                    target.connectUser(u, primary[u], tally, correlationId);
                    return 1;
                }
            }
        }
    }

    /**
     * Rollcall's pipeline (ring, stage threads, ticker) with the wait strategy and layout given.
     */
    @State(Scope.Benchmark)
    public static class Pipeline extends Cycle
    {
        /** The stages' thread layout (docs/ARCHITECTURE.md): SERIAL is the default on this 2-core box. */
        @Param({"SERIAL", "PARALLEL"})
        public String layout;

        /**
         * @param strategy the wait strategy.
         */
        @Setup(Level.Trial)
        public void setUp(final Strategy strategy)
        {
            ringSize = strategy.ringSize;
            setUp(new RollcallContext().waitStrategy(strategy.create()).layout(PipelineLayout.valueOf(layout)));
        }

        @Override
        Target open(final RollcallContext ctx)
        {
            final Rollcall rollcall = Rollcall.launch(ctx);
            return new Target()
            {
                @Override
                public void connectUser(final long userId, final long connectionId, final ResultTally callback, final long id)
                {
                    rollcall.connectUser(userId, connectionId, callback, id);
                }

                @Override
                public void connectionLost(final long userId, final long connectionId, final ResultTally callback, final long id)
                {
                    rollcall.connectionLost(userId, connectionId, callback, id);
                }

                @Override
                public void update(
                    final long userId, final Changes changes, final String reason, final ResultTally callback, final long id)
                {
                    rollcall.update(FieldGroup.STANDARD, userId, changes, reason, callback, id);
                }

                @Override
                public void subscribeToClient(final long subscriberId, final long userId, final ResultTally callback, final long id)
                {
                    rollcall.subscription(InputType.SUBSCRIBE_CLIENT, subscriberId, userId, 0, callback, id);
                }

                @Override
                public void flush()
                {
                }

                @Override
                public void close()
                {
                    rollcall.close();
                }
            };
        }
    }

    /**
     * The serial baseline: the same journal, logic and fan-out work on the benchmark thread, no ring
     * ({@link SerialPipeline}), batches of {@value #SERIAL_BATCH} inputs.
     */
    @State(Scope.Benchmark)
    public static class Serial extends Cycle
    {
        /**
         * Open and fill.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            setUp(new RollcallContext());
        }

        @Override
        Target open(final RollcallContext ctx)
        {
            final SerialPipeline serial = new SerialPipeline(ctx, SERIAL_BATCH);
            return new Target()
            {
                @Override
                public void connectUser(final long userId, final long connectionId, final ResultTally callback, final long id)
                {
                    serial.connectUser(userId, connectionId, callback, id);
                }

                @Override
                public void connectionLost(final long userId, final long connectionId, final ResultTally callback, final long id)
                {
                    serial.connectionLost(userId, connectionId, callback, id);
                }

                @Override
                public void update(
                    final long userId, final Changes changes, final String reason, final ResultTally callback, final long id)
                {
                    serial.update(FieldGroup.STANDARD, userId, changes, reason, callback, id);
                }

                @Override
                public void subscribeToClient(final long subscriberId, final long userId, final ResultTally callback, final long id)
                {
                    serial.subscribeToClient(subscriberId, userId, callback, id);
                }

                @Override
                public void flush()
                {
                    serial.flush();
                }

                @Override
                public void close()
                {
                    serial.close();
                }
            };
        }
    }

    /**
     * A bare Disruptor: same ring size, same wait strategy, multi-producer like Rollcall's,
     * one no-op handler.
     */
    @State(Scope.Benchmark)
    public static class Baseline
    {
        Disruptor<long[]> disruptor;
        RingBuffer<long[]> ring;

        /**
         * Start the ring.
         *
         * @param strategy the wait strategy.
         */
        @Setup(Level.Trial)
        public void setUp(final Strategy strategy)
        {
            disruptor = new Disruptor<>(() -> new long[1], strategy.ringSize, DaemonThreadFactory.INSTANCE, ProducerType.MULTI,
                strategy.create());
            final EventHandler<long[]> noop = (event, sequence, endOfBatch) ->
            {
            };
            disruptor.handleEventsWith(noop);
            ring = disruptor.start();
        }

        /**
         * Stop the ring (waits until the handler has seen every event).
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            disruptor.shutdown();
        }
    }

    /**
     * Publish one input of the mixed cycle through Rollcall.
     *
     * @param pipeline   the pipeline.
     * @param deliveries the secondary metric.
     */
    @Benchmark
    public void rollcallMixed(final Pipeline pipeline, final Deliveries deliveries)
    {
        final int delivered = pipeline.publishNext();
        pipeline.expectedDeliveries += delivered;
        deliveries.deliveries += delivered;
    }

    /**
     * Baseline: the same input of the mixed cycle, journaled, applied and fanned out on the
     * benchmark thread with no ring ({@link SerialPipeline}).
     *
     * @param serial     the serial pipeline.
     * @param deliveries the secondary metric.
     */
    @Benchmark
    public void serialMixed(final Serial serial, final Deliveries deliveries)
    {
        final int delivered = serial.publishNext();
        serial.expectedDeliveries += delivered;
        deliveries.deliveries += delivered;
    }

    /**
     * Baseline: publish one event to a bare Disruptor with a no-op handler.
     *
     * @param baseline the ring.
     */
    @Benchmark
    public void baselineDisruptorNoop(final Baseline baseline)
    {
        final RingBuffer<long[]> ring = baseline.ring;
        final long sequence = ring.next();
        ring.get(sequence)[0] = sequence;
        ring.publish(sequence);
    }
}
