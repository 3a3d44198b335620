package dev.rollcall.bench;

import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalDirectory;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Time to recover at start-up: open the journal directory, load the newest snapshot (if any),
 * replay the inputs after it, close; without a snapshot against with one taken at 90 % of the
 * journal, in the same run.
 * <pre>
 *   baseline:  open ──► no snapshot ─────────────────────────────────► replay inputs 1..events ──► close
 *   snapshot:  open ──► read + verify + load snapshot at 0.9 × events ──► replay the last 10 % ────► close
 * </pre>
 * The journal holds {@code events} inputs of a {@value JournalFiles#USERS}-user
 * {@link Workload}, in batches of {@value JournalFiles#BATCH}, written in setup. One op = one
 * whole recovery into a fresh state ({@link Mode#SingleShotTime}). The default is 1,000,000
 * inputs; the 10,000,000 figure is run with {@code bench/run RecoveryBenchmark -p events=10000000}
 * (a 0.8 GB journal; the run takes about two minutes, most of it the full replays).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = BenchFiles.QUIET_JOURNAL_LOG)
public class RecoveryBenchmark
{
    /**
     * A journal of {@code events} inputs in a temporary directory, deleted at the end.
     */
    @State(Scope.Benchmark)
    public abstract static class WrittenJournal
    {
        /** Inputs in the journal. */
        @Param({"1000000"})
        public long events;

        Path directory;

        /**
         * @return the position of the snapshot to write, 0 for none.
         */
        abstract long snapshotAt();

        /**
         * Write the journal (and the snapshot).
         */
        @Setup(Level.Trial)
        public void write()
        {
            directory = BenchFiles.createTempDirectory("rollcall-bench-recovery-");
            final long bytes = JournalFiles.write(directory, events, snapshotAt());
            final long snapshots = snapshotCount(directory);
            if (snapshots != (snapshotAt() > 0 ? 1 : 0))
            {
                throw new IllegalStateException(snapshots + " snapshots in " + directory);
            }
            System.out.printf("%n%,d inputs, %,d bytes of inputs, files of %,d bytes (apparent size), %d snapshot(s)%n",
                events, bytes, BenchFiles.size(directory), snapshots);
        }

        /**
         * Delete the journal.
         */
        @TearDown(Level.Trial)
        public void delete()
        {
            BenchFiles.deleteRecursively(directory);
        }

        private static long snapshotCount(final Path directory)
        {
            try (Stream<Path> files = Files.list(directory.resolve("snapshots")))
            {
                return files.filter(file -> JournalDirectory.snapshotPosition(file) >= 0).count();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /**
     * The journal alone.
     */
    @State(Scope.Benchmark)
    public static class NoSnapshot extends WrittenJournal
    {
        @Override
        long snapshotAt()
        {
            return 0;
        }
    }

    /**
     * The journal and a snapshot of the state after 90 % of its inputs.
     */
    @State(Scope.Benchmark)
    public static class SnapshotAt90Percent extends WrittenJournal
    {
        @Override
        long snapshotAt()
        {
            return events / 10 * 9;
        }
    }

    private static PresenceStateMachine recover(final WrittenJournal written)
    {
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        try (ChronicleJournal journal = ChronicleJournal.open(written.directory))
        {
            journal.recover(state);
        }
        if (state.position() != written.events)
        {
            throw new IllegalStateException("recovered " + state.position() + " inputs, expected " + written.events);
        }
        return state;
    }

    /**
     * Baseline: recover by replaying the whole journal.
     *
     * @param journal without a snapshot.
     * @return the recovered state.
     */
    @Benchmark
    public PresenceStateMachine baselineFullReplay(final NoSnapshot journal)
    {
        return recover(journal);
    }

    /**
     * Recover from the snapshot at 90 %, replaying the last 10 %.
     *
     * @param journal with the snapshot.
     * @return the recovered state.
     */
    @Benchmark
    public PresenceStateMachine recoverFromSnapshot(final SnapshotAt90Percent journal)
    {
        return recover(journal);
    }
}
