package dev.rollcall.journal;

import dev.rollcall.model.Changes;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damage and housekeeping with real queue files: corruption in the middle fails fast naming
 * file and index; a torn last record is ignored; a bad snapshot falls back to an older one;
 * retention deletes what the kept snapshots cover and nothing else.
 */
class ChronicleJournalFaultTest
{
    private static final byte[] MAGIC = "RCJB".getBytes(StandardCharsets.US_ASCII);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    @TempDir
    Path dir;

    private RollcallContext ctx(final ChronicleJournal journal)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(600_000).journal(journal);
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    /** One awaited command per document: connect users 1..n with partyId = user. */
    private void writeDocuments(final int users) throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            for (long user = 1; user <= users; user++)
            {
                assertThat(await(rollcall.connectUser(user, 1))).isEqualTo(Result.APPLIED);
                assertThat(await(rollcall.updateClient(user, new Changes().partyId(user), null))).isEqualTo(Result.APPLIED);
            }
        }
    }

    private void deleteSnapshots() throws IOException
    {
        try (Stream<Path> files = Files.list(dir.resolve("snapshots")))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
    }

    private PresenceStateMachine recover()
    {
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        try (ChronicleJournal journal = ChronicleJournal.open(dir))
        {
            journal.recover(state);
        }
        return state;
    }

    /** Flip a payload byte of the n-th journal document (0-based; -1 = the last). */
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
        final long[] hit = hits.get(n < 0 ? hits.size() + n : n);
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

    @Test
    void shouldRefuseADirectoryThatIsNotARollcallJournal() throws IOException
    {
        Files.writeString(dir.resolve("something.txt"), "not a journal");
        assertThatThrownBy(() -> ChronicleJournal.open(dir))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is not a Rollcall journal directory");
        assertThat(dir.resolve(JournalDirectory.MARKER)).doesNotExist();
    }

    @Test
    void shouldFailFastOnCorruptionInTheMiddleNamingFileAndIndex() throws Exception
    {
        writeDocuments(5);
        deleteSnapshots();
        final Path damaged = corruptDocument(3);

        assertThatThrownBy(this::recover)
            .isInstanceOf(JournalCorruptException.class)
            .hasMessageContaining("corrupt journal record in the middle of")
            .hasMessageContaining(damaged.getFileName().toString())
            .hasMessageContaining("index 0x")
            .hasMessageContaining("checksum mismatch");
    }

    @Test
    void shouldFailFastOnACorruptMiddleEvenWhenASnapshotCoversIt() throws Exception
    {
        writeDocuments(5);
        corruptDocument(2);
        assertThatThrownBy(this::recover).isInstanceOf(JournalCorruptException.class).hasMessageContaining("index 0x");
    }

    @Test
    void shouldIgnoreATornLastRecordAndLetTheNextWriterSupersedeIt() throws Exception
    {
        writeDocuments(5);
        deleteSnapshots();
        corruptDocument(-1); // the last document: the update of user 5

        final PresenceStateMachine afterCrash = recover();
        assertThat(afterCrash.client(5).partyId()).as("the torn batch is not applied").isZero();
        assertThat(afterCrash.client(4).partyId()).isEqualTo(4);
        final long position = afterCrash.position();

        // the restarted writer numbers its inputs from the torn batch's number on
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            assertThat(await(rollcall.updateClient(5, new Changes().partyId(55), null))).isEqualTo(Result.APPLIED);
        }
        deleteSnapshots();
        final PresenceStateMachine later = recover();
        assertThat(later.client(5).partyId()).isEqualTo(55);
        assertThat(later.position()).isGreaterThan(position);
    }

    @Test
    void shouldRecoverWhenTheVeryFirstRecordIsTornAndSuperseded() throws Exception
    {
        // invoked: the launching thread publishes SET_LIMITS and SET_GRACE_PERIOD, then journals both as one batch
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir)).layout(PipelineLayout.INVOKED)))
        {
            assertThat(rollcall.context().gracePeriodMs()).isPositive(); // one document: SET_LIMITS, SET_GRACE_PERIOD
        }
        deleteSnapshots();
        corruptDocument(0);
        assertThat(recover().position()).as("the torn first record is ignored").isZero();
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            assertThat(await(rollcall.connectUser(1, 1))).isEqualTo(Result.APPLIED);
        }
        deleteSnapshots();
        final PresenceStateMachine state = recover();
        assertThat(state.clientCount()).isEqualTo(1);
        assertThat(state.position()).isEqualTo(3);
    }

    @Test
    void shouldSkipABadSnapshotAndReplayFromAnOlderOne() throws Exception
    {
        writeDocuments(3);                         // snapshot A at close
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            await(rollcall.updateClient(2, new Changes().partyId(22), null));
        }                                          // snapshot B at close
        final List<Path> snapshots = new SnapshotStore(JournalDirectory.open(dir)).list();
        assertThat(snapshots).hasSize(2);
        final byte[] newest = Files.readAllBytes(snapshots.get(0));
        newest[40] ^= 1;
        Files.write(snapshots.get(0), newest);

        final PresenceStateMachine state = recover();
        assertThat(state.client(2).partyId()).isEqualTo(22);
        assertThat(state.position()).isEqualTo(JournalDirectory.snapshotPosition(snapshots.get(0)));
    }

    @Test
    void shouldRefuseToStartWhenNothingCoversTheStartOfTheJournal() throws Exception
    {
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        final JournalSettings settings = new JournalSettings(dir).rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(time).snapshotsToKeep(1);
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(settings))))
        {
            for (long user = 1; user <= 3; user++)
            {
                time.advanceMillis(1_000);
                await(rollcall.connectUser(user, 1));
            }
            time.advanceMillis(1_000);
            rollcall.takeSnapshot().get(10, TimeUnit.SECONDS);
            awaitQueueFiles(3);
            time.advanceMillis(1_000);
            await(rollcall.connectUser(9, 1));
        }
        deleteSnapshots();
        assertThatThrownBy(this::recover)
            .isInstanceOf(JournalCorruptException.class)
            .hasMessageContaining("starts at input")
            .hasMessageContaining("are missing");
    }

    @Test
    void shouldKeepTheNewestSnapshotsAndDeleteQueueFilesTheyCover() throws Exception
    {
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        final JournalSettings settings = new JournalSettings(dir).rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(time).snapshotsToKeep(2);
        final int filesBefore;
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(settings))))
        {
            for (long user = 1; user <= 6; user++)
            {
                time.advanceMillis(1_000); // every document in its own cycle file
                await(rollcall.connectUser(user, 1));
            }
            filesBefore = queueFiles().size();
            for (int i = 0; i < 3; i++)
            {
                time.advanceMillis(1_000);
                await(rollcall.updateClient(1, new Changes().partyId(100 + i), null));
                rollcall.takeSnapshot().get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(filesBefore).isGreaterThanOrEqualTo(6);
        final List<Path> snapshots = new SnapshotStore(JournalDirectory.open(dir)).list();
        assertThat(snapshots).as("snapshotsToKeep").hasSize(2);
        assertThat(queueFiles().size()).as("files wholly covered by the oldest kept snapshot are gone")
            .isLessThan(filesBefore);

        final PresenceStateMachine state = recover();
        assertThat(state.clientCount()).isEqualTo(6);
        assertThat(state.client(1).partyId()).isEqualTo(102);
    }

    @Test
    void shouldRecoverWhatWasSyncedInSyncMode() throws Exception
    {
        final JournalSettings settings = new JournalSettings(dir).durability(Durability.SYNC_BATCH);
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(settings))))
        {
            for (long user = 1; user <= 20; user++)
            {
                rollcall.connectUser(user, 1);
            }
            await(rollcall.updateClient(20, new Changes().partyId(7), null));
        }
        deleteSnapshots();
        final PresenceStateMachine state = recover();
        assertThat(state.clientCount()).isEqualTo(20);
        assertThat(state.client(20).partyId()).isEqualTo(7);
    }

    private List<Path> queueFiles() throws IOException
    {
        try (Stream<Path> listing = Files.list(dir.resolve("queue")))
        {
            return listing.filter(f -> f.toString().endsWith(".cq4")).toList();
        }
    }

    private void awaitQueueFiles(final int atLeast) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queueFiles().size() < atLeast && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
    }
}
