package dev.rollcall.bench;

import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalBenchAccess;
import dev.rollcall.journal.JournalReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Replay rate: the whole journal replayed into a fresh state through the real recovery path
 * ({@link ChronicleJournal#recover}, no snapshot), against reading and checking the same
 * documents without applying them, in the same run.
 * <pre>
 *   replay:    queue file ──► tailer.readingDocument ──► copy ──► CRC-32 ──► split into inputs ──► PresenceStateMachine.apply
 *                                                                                                  (InputCodec.decode + logic)
 *   baseline:  queue file ──► tailer.readingDocument ──► copy ──► CRC-32 ──► split into inputs ──► no-op
 * </pre>
 * One op = one input; an invocation replays all {@value #INPUTS} inputs of a
 * {@value JournalFiles#USERS}-user {@link Workload} (connects, updates, connection losses,
 * reconnects, ticks, expiring countdowns), written in setup through {@link ChronicleJournal} in
 * batches of {@value JournalFiles#BATCH}; the journal is then reopened, as after a restart, and
 * stays open (the open itself is in {@code RecoveryBenchmark}). Goal: ≥ 5 M inputs/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = BenchFiles.QUIET_JOURNAL_LOG)
public class ReplayBenchmark
{
    static final int INPUTS = 1_000_000;

    private static final JournalReader.InputVisitor NO_OP = (number, buffer, offset, length) -> { };

    /**
     * Users addressed by the workload: 100,000 (the goal's figure: about 20 MB of state, beyond
     * this machine's last-level cache, so most inputs miss), or 1,000 (all in cache: the cost of
     * the code alone).
     */
    @Param({"100000"})
    public int users;

    private Path directory;
    private ChronicleJournal journal;
    private JournalReader reader;

    /**
     * Write the journal, then reopen it.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        directory = BenchFiles.createTempDirectory("rollcall-bench-replay-");
        final long bytes = JournalFiles.write(directory, INPUTS, 0, users);
        System.out.printf("%n%,d inputs, %,d bytes of inputs, files of %,d bytes (apparent size)%n", INPUTS, bytes,
            BenchFiles.size(directory));
        journal = ChronicleJournal.open(directory);
        reader = JournalBenchAccess.reader(journal);
    }

    /**
     * Close the journal and delete it.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        journal.close();
        BenchFiles.deleteRecursively(directory);
    }

    /**
     * Recover a fresh state from the journal (no snapshot: every input is replayed).
     *
     * @return the state.
     */
    @Benchmark
    @OperationsPerInvocation(INPUTS)
    public PresenceStateMachine replay()
    {
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        journal.recover(state);
        if (state.position() != INPUTS)
        {
            throw new IllegalStateException("replayed " + state.position() + " inputs, expected " + INPUTS);
        }
        return state;
    }

    /**
     * Baseline: read and verify every document and split it into inputs, applying nothing.
     *
     * @return the number of the last input.
     */
    @Benchmark
    @OperationsPerInvocation(INPUTS)
    public long baselineReadOnly()
    {
        final long last = reader.read(0, NO_OP, null);
        if (last != INPUTS)
        {
            throw new IllegalStateException("read " + last + " inputs, expected " + INPUTS);
        }
        return last;
    }
}
