package dev.rollcall.journal;

import dev.rollcall.core.Counter;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots built on the snapshot thread from real Chronicle files while the pipeline runs on its
 * own threads: requested while producers keep publishing, each is what a replay of the journal up
 * to its position gives; close leaves a final one; a corrupt journal fails the snapshot, loudly and
 * naming the file and position, while the pipeline keeps answering.
 */
class SnapshotThreadTest
{
    private static final byte[] MAGIC = "RCJB".getBytes(StandardCharsets.US_ASCII);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    @TempDir
    Path dir;

    private RollcallContext ctx(final ChronicleJournal journal, final ConcurrentLinkedQueue<Throwable> errors)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(600_000).journal(journal)
            .snapshotIntervalMs(0).snapshotEveryInputs(0).errorHandler(errors::add);
    }

    @Test
    void shouldTakeSnapshotsWhileInputsKeepFlowing() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final ChronicleJournal journal = ChronicleJournal.open(new JournalSettings(dir).snapshotsToKeep(1_000));
        final List<CompletableFuture<Long>> snapshots = new ArrayList<>();
        final long endPosition;
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors)))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final ConcurrentLinkedQueue<CompletableFuture<Result>> results = new ConcurrentLinkedQueue<>();
            final List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++)
            {
                final SplittableRandom random = new SplittableRandom(p);
                final long base = 1_000L * p;
                final Thread producer = new Thread(() ->
                {
                    for (int i = 0; !stop.get() || i < 2_000; i++)
                    {
                        final long user = base + 1 + random.nextInt(500);
                        results.add(random.nextBoolean() ? rollcall.connectUser(user, 1 + random.nextInt(2)) :
                            rollcall.updateClient(user, new Changes().partyId(i).attribute("i", i), "flow"));
                        if (i % 64 == 0)
                        {
                            Thread.yield();
                        }
                    }
                }, "producer-" + p);
                producers.add(producer);
                producer.start();
            }
            for (int i = 0; i < 20; i++)
            {
                snapshots.add(rollcall.takeSnapshot());
                // spread the requests over the flow: the next one after 150 more commands
                while (results.size() < (i + 1) * 150)
                {
                    Thread.yield();
                }
            }
            stop.set(true);
            for (final Thread producer : producers)
            {
                producer.join(30_000);
            }
            for (final CompletableFuture<Result> result : results)
            {
                assertThat(result.get(30, TimeUnit.SECONDS)).isNotIn(Result.JOURNAL_FAILED, Result.INTERNAL_ERROR);
            }
            for (final CompletableFuture<Long> snapshot : snapshots)
            {
                snapshot.get(60, TimeUnit.SECONDS);
            }
            endPosition = journal.reader().read(0, null, null);
            assertThat(rollcall.counters().get(Counter.SNAPSHOT_FAILURES)).isZero();
        }
        assertThat(errors).isEmpty();

        long previous = 0;
        final SnapshotStore store = new SnapshotStore(JournalDirectory.open(dir));
        for (final CompletableFuture<Long> snapshot : snapshots)
        {
            final long position = snapshot.join();
            assertThat(position).as("positions follow the order of the requests").isGreaterThanOrEqualTo(previous);
            previous = position;
        }
        assertThat(previous).isPositive().isLessThanOrEqualTo(endPosition);
        final List<Path> files = store.list();
        assertThat(files.get(0)).as("close left a final snapshot").isEqualTo(JournalDirectory.open(dir).snapshotFile(endPosition));
        // every snapshot stored is exactly what a replay of the journal up to its position gives
        try (JournalReader reader = JournalReader.open(JournalDirectory.open(dir)))
        {
            for (final Path file : files)
            {
                final long position = JournalDirectory.snapshotPosition(file);
                final PresenceStateMachine replayed = new PresenceStateMachine(Limits.DEFAULT);
                reader.read(0, position, (number, buffer, offset, length) -> replayed.apply(buffer, offset, length));
                assertThat(Files.readAllBytes(file)).as("snapshot at %d", position)
                    .isEqualTo(ChronicleJournalTest.bytes(replayed));
            }
        }
    }

    @Test
    void shouldFailTheSnapshotButKeepThePipelineRunningWhenTheJournalIsCorrupt() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final ChronicleJournal journal = ChronicleJournal.open(dir);
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors)))
        {
            for (long user = 1; user <= 5; user++)
            {
                assertThat(rollcall.connectUser(user, 1).get(10, TimeUnit.SECONDS)).isEqualTo(Result.APPLIED);
            }
            final long position = journal.reader().read(0, null, null);
            final Path damaged = corruptDocument(2);

            final CompletableFuture<Long> snapshot = rollcall.takeSnapshot();
            assertThatThrownBy(() -> snapshot.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("the snapshot at position " + position + " could not be taken")
                .hasMessageContaining(damaged.getFileName().toString())
                .hasMessageContaining("index 0x")
                .hasMessageContaining("checksum mismatch");
            assertThat(rollcall.counters().get(Counter.SNAPSHOT_FAILURES)).isEqualTo(1);
            assertThat(errors).hasSize(1);

            assertThat(rollcall.connectUser(6, 1).get(10, TimeUnit.SECONDS)).as("the live pipeline runs on")
                .isEqualTo(Result.APPLIED);
            assertThat(rollcall.getClient(6)).isNotNull();
            assertThat(rollcall.isJournalFailed()).isFalse();
        }
        assertThat(errors).as("the final snapshot of close failed the same way, and close completed").hasSize(2);
        try (Stream<Path> files = Files.list(dir.resolve("snapshots")))
        {
            assertThat(files.filter(f -> JournalDirectory.snapshotPosition(f) >= 0)).isEmpty();
        }
    }

    /** Flip a payload byte of the n-th journal document (0-based), while the journal is open. */
    private Path corruptDocument(final int n) throws IOException
    {
        final List<long[]> hits = new ArrayList<>();
        final List<Path> files;
        try (Stream<Path> listing = Files.list(dir.resolve("queue")))
        {
            files = listing.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
        }
        for (int f = 0; f < files.size(); f++)
        {
            final byte[] bytes = Files.readAllBytes(files.get(f));
            for (int i = 0; i + 4 <= bytes.length; i++)
            {
                if (bytes[i] == MAGIC[0] && bytes[i + 1] == MAGIC[1] && bytes[i + 2] == MAGIC[2] && bytes[i + 3] == MAGIC[3])
                {
                    hits.add(new long[]{f, i});
                }
            }
        }
        final long[] hit = hits.get(n);
        final Path file = files.get((int)hit[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long at = hit[1] + BatchDescriptor.HEADER_LENGTH + 6;
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
        return file;
    }
}
