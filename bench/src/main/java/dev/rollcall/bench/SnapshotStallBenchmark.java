package dev.rollcall.bench;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Journal;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.core.SnapshotPath;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a snapshot of {@code clients} clients costs the logic thread — now only a request, the state
 * being rebuilt from the journal on the snapshot thread — against a plain memcpy of as many bytes
 * as the snapshot holds, in the same run; and, separately, what building and writing it costs
 * the snapshot thread.
 * <pre>
 *   logic thread:     {@link #requestSnapshot}: LogicStage notes the position of TAKE_SNAPSHOT,
 *                     FanOutStage hands it to the snapshot writer (the serial layout's whole work)
 *                     {@link #requestSnapshotAndWake}: the same, plus the unpark of a parked thread
 *                     (what the hand-off costs when the snapshot thread sleeps)
 *   baseline:         {@link #baselineMemcpy}: UnsafeBuffer.putBytes of the snapshot's length
 *                     (direct to direct), the cheapest conceivable stall for copying the state
 *   snapshot thread:  {@link #buildOnSnapshotThread}: a fresh replica loads the stored snapshot
 *                     (read, CRC, decode), replays the {@code tail} inputs journaled after it,
 *                     encodes the state and writes it (temporary file, fsync, rename)
 * </pre>
 * The state: {@code clients} idle clients (one connection, status IDLE, afk, three attributes: two
 * strings and a number), no subscriptions. For the snapshot thread, real Chronicle files in a
 * temporary directory: the inputs that built that state, a snapshot of it, then {@code tail}
 * updates of random clients (the default, 1,000,000, is the default snapshot period by count).
 * The request ops are averaged over many calls ({@link Mode#AverageTime}, ns); the memcpy and
 * the build are one op each ({@link Mode#SingleShotTime}, ms). The setup of the build prints one
 * build's breakdown (rebuild, encode, write).
 */
@Fork(value = 1, jvmArgsAppend = BenchFiles.QUIET_JOURNAL_LOG)
public class SnapshotStallBenchmark
{
    private static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
    private static final String[] PLATFORMS = {"pc", "console", "mobile"};

    /**
     * The logic's state of {@code clients} idle clients, the snapshot request path over it, and
     * buffers of the snapshot's length for the memcpy.
     */
    @State(Scope.Benchmark)
    public static class Live
    {
        /** Idle clients in the state. */
        @Param({"100000", "1000000"})
        public int clients;

        SnapshotPath path;
        UnsafeBuffer source;
        UnsafeBuffer target;
        int length;
        Thread parked;
        volatile boolean running;

        /**
         * Connect the clients, make them idle with their attributes, size the buffers, start the
         * thread that the wake-up variant unparks.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
            final Input input = new Input();
            for (int userId = 1; userId <= clients; userId++)
            {
                expectApplied(state.apply(connect(input, userId)));
                expectApplied(state.apply(idle(input, userId)));
            }
            final ExpandableDirectByteBuffer sizing = new ExpandableDirectByteBuffer(1 << 20);
            length = state.takeSnapshot(sizing);
            source = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
            source.putBytes(0, sizing, 0, length);
            target = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
            path = new SnapshotPath(state, Journal.NONE, Limits.DEFAULT);
            running = true;
            parked = new Thread(() ->
            {
                while (running)
                {
                    LockSupport.park();
                }
            }, "parked-snapshot-thread");
            parked.setDaemon(true);
            parked.start();
            System.out.printf("%n%,d clients: snapshot of %,d bytes (%d bytes per client)%n", clients, length,
                length / clients);
        }

        /**
         * Stop the parked thread.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            running = false;
            LockSupport.unpark(parked);
            parked.join();
        }
    }

    /**
     * A journal directory holding the inputs of {@code clients} idle clients, a snapshot of that
     * state, and {@code tail} updates after it; deleted at the end.
     */
    @State(Scope.Benchmark)
    public static class Stored
    {
        /** Idle clients in the state. */
        @Param({"100000", "1000000"})
        public int clients;

        /** Inputs journaled after the stored snapshot: the replica replays them. */
        @Param({"1000000"})
        public int tail;

        Path directory;
        ChronicleJournal journal;
        SnapshotPath path;
        long position;

        /**
         * Write the journal and the snapshot, then build once with a breakdown.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            directory = BenchFiles.createTempDirectory("rollcall-bench-snapshot-");
            journal = ChronicleJournal.open(directory);
            journal.recover(new PresenceStateMachine(Limits.DEFAULT));
            final Appender appender = new Appender(journal);
            PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
            final Input input = new Input();
            for (int userId = 1; userId <= clients; userId++)
            {
                expectApplied(state.apply(appender.append(connect(input, userId))));
                expectApplied(state.apply(appender.append(idle(input, userId))));
            }
            journal.endOfBatch();
            final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1 << 20);
            journal.onSnapshot(buffer, state.takeSnapshot(buffer), state.position());
            final long base = state.position();
            state = null;

            final SplittableRandom random = new SplittableRandom(2026);
            for (int i = 0; i < tail; i++)
            {
                final int userId = 1 + random.nextInt(clients);
                input.set(InputType.UPDATE_CLIENT, Workload.START_TIME + 1 + i).userId(userId).reason("tail")
                    .changes().afk(random.nextBoolean()).attribute("level", random.nextInt(100));
                appender.append(input);
            }
            journal.endOfBatch();
            position = base + tail;
            path = new SnapshotPath(new PresenceStateMachine(Limits.DEFAULT), journal, Limits.DEFAULT);
            breakdown();
        }

        private void breakdown()
        {
            final long heapBefore = usedHeap();
            final long started = System.nanoTime();
            final PresenceStateMachine replica = new PresenceStateMachine(Limits.DEFAULT);
            journal.rebuild(replica, position);
            final long rebuilt = System.nanoTime();
            final long replicaHeap = usedHeap() - heapBefore;
            final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096 + 192 * replica.clientCount());
            final int length = replica.takeSnapshot(buffer);
            final long encoded = System.nanoTime();
            journal.onSnapshot(buffer, length, position);
            final long written = System.nanoTime();
            deleteBuilt();
            System.out.printf("%n%,d clients, %,d inputs after the stored snapshot: one build = rebuild %,d ms " +
                "(load the snapshot, replay the tail) + encode %,d ms + write %,d ms; %,d bytes; the replica " +
                "holds %,d bytes of heap (%,d per client) while it lives%n", clients, tail,
                TimeUnit.NANOSECONDS.toMillis(rebuilt - started), TimeUnit.NANOSECONDS.toMillis(encoded - rebuilt),
                TimeUnit.NANOSECONDS.toMillis(written - encoded), length, replicaHeap, replicaHeap / clients);
        }

        private static long usedHeap()
        {
            final Runtime runtime = Runtime.getRuntime();
            for (int i = 0; i < 3; i++)
            {
                System.gc();
            }
            return runtime.totalMemory() - runtime.freeMemory();
        }

        /**
         * Remove the snapshot an op wrote, so that the next op starts from the older one again.
         */
        @TearDown(Level.Invocation)
        public void deleteBuilt()
        {
            try
            {
                Files.delete(journal.directory().snapshotFile(position));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        /**
         * Close and delete the journal.
         */
        @TearDown(Level.Trial)
        public void delete()
        {
            journal.close();
            BenchFiles.deleteRecursively(directory);
        }
    }

    /**
     * Appends inputs in batches of 256 (the pipeline's largest batch), numbered from 1.
     */
    private static final class Appender
    {
        private final Journal journal;
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        private long sequence;

        Appender(final Journal journal)
        {
            this.journal = journal;
        }

        Input append(final Input input)
        {
            final int length = InputCodec.encode(buffer, 0, input);
            sequence++;
            journal.append(buffer, 0, length, sequence, sequence % 256 == 0);
            return input;
        }
    }

    private static Input connect(final Input input, final int userId)
    {
        return input.set(InputType.CONNECT_USER, Workload.START_TIME).userId(userId).connectionId(userId);
    }

    private static Input idle(final Input input, final int userId)
    {
        input.set(InputType.UPDATE_CLIENT, Workload.START_TIME).userId(userId).reason("idle").changes()
            .status(Status.IDLE).afk(true)
            .attribute("region", REGIONS[userId % REGIONS.length])
            .attribute("platform", PLATFORMS[userId % PLATFORMS.length])
            .attribute("level", 1 + userId % 100);
        return input;
    }

    private static void expectApplied(final Result result)
    {
        if (result != Result.APPLIED)
        {
            throw new IllegalStateException("setup input not applied: " + result);
        }
    }

    /**
     * The logic thread's cost of a snapshot: a TAKE_SNAPSHOT through the logic stage and the
     * fan-out's hand-off to the snapshot writer.
     *
     * @param live the state.
     * @return the position requested.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public long requestSnapshot(final Live live)
    {
        return live.path.request();
    }

    /**
     * {@link #requestSnapshot} plus waking a parked thread, as the fan-out does when the snapshot
     * thread sleeps.
     *
     * @param live the state.
     * @return the position requested.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 5, time = 1)
    @Measurement(iterations = 10, time = 1)
    public long requestSnapshotAndWake(final Live live)
    {
        final long position = live.path.request();
        LockSupport.unpark(live.parked);
        return position;
    }

    /**
     * Baseline: copy as many bytes as the snapshot holds, direct buffer to direct buffer.
     *
     * @param live the buffers.
     * @return the target buffer.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public UnsafeBuffer baselineMemcpy(final Live live)
    {
        live.target.putBytes(0, live.source, 0, live.length);
        return live.target;
    }

    /**
     * The snapshot thread's work for one snapshot: rebuild the state in a fresh replica from the
     * stored snapshot and the tail, encode it, write it.
     *
     * @param stored the journal.
     * @return the snapshot's length.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    public int buildOnSnapshotThread(final Stored stored)
    {
        return stored.path.store(stored.position);
    }
}
