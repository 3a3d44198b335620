package dev.rollcall.journal;

import dev.rollcall.core.Journal;
import dev.rollcall.core.PresenceStateMachine;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * The journal on Chronicle Queue: Rollcall's source of truth. Each pipeline batch of inputs
 * becomes one queue document ({@link BatchDescriptor}); snapshots are files beside the queue
 * ({@link JournalDirectory}); recovery loads the newest valid snapshot and replays the inputs
 * after it ({@link JournalReader}).
 * <p>
 * Threads: {@link #recover} runs once on the launching thread; {@link #append} only on the
 * pipeline's journal thread (the appender is single-threaded by contract); snapshots are
 * written, and old snapshots and queue files deleted, on this journal's own writer thread,
 * so the fan-out thread that hands them over never waits for the disk.
 */
public final class ChronicleJournal implements Journal
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);

    private final JournalSettings settings;
    private final JournalDirectory directory;
    private final SingleChronicleQueue queue;
    private final CycleFiles files = new CycleFiles();
    private final SnapshotStore snapshots;
    private final ExecutorService writer;
    private final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(BatchDescriptor.MAX_PAYLOAD + 4096);
    private final CRC32 crc = new CRC32();
    private final ConcurrentSkipListMap<Integer, Long> lastInputOfCycle = new ConcurrentSkipListMap<>();
    private ExcerptAppender appender;
    private int batchLength;
    private int batchCount;
    private long batchFirst;
    private long nextInput = -1;
    private volatile int currentCycle = Integer.MIN_VALUE;
    private volatile long lastInputOfCurrentCycle;

    private ChronicleJournal(final JournalSettings settings)
    {
        this.settings = settings;
        directory = JournalDirectory.openOrCreate(settings.directory());
        snapshots = new SnapshotStore(directory);
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(directory.queue().toFile())
            .rollCycle(settings.rollCycle())
            .timeProvider(settings.timeProvider())
            .storeFileListener(files);
        if (settings.durability() == Durability.SYNC_BATCH)
        {
            builder.syncMode(SyncMode.SYNC);
        }
        queue = builder.build();
        files.queue(directory.queue(), settings.rollCycle(), queue.epoch());
        writer = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "rollcall-snapshot-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Open (or create) a journal directory with default settings.
     *
     * @param directory the journal directory.
     * @return the journal; give it to {@code RollcallContext.journal(...)}.
     */
    public static ChronicleJournal open(final Path directory)
    {
        return open(new JournalSettings(directory));
    }

    /**
     * Open (or create) a journal directory.
     *
     * @param settings where and how.
     * @return the journal.
     */
    public static ChronicleJournal open(final JournalSettings settings)
    {
        return new ChronicleJournal(settings);
    }

    /** @return the layout of this journal's directory. */
    public JournalDirectory directory()
    {
        return directory;
    }

    /**
     * @return a reader over this journal's queue, for inspection (same thread rules as recovery).
     */
    JournalReader reader()
    {
        return new JournalReader(queue, files);
    }

    @Override
    public void recover(final PresenceStateMachine state)
    {
        final long started = System.nanoTime();
        final Path snapshot = snapshots.loadNewest(state);
        final long fromSnapshot = state.position();
        final long[] lastInJournal = {0};
        reader().read(fromSnapshot, (number, buffer, offset, length) -> state.apply(buffer, offset, length),
            (index, firstInput, inputs, bytes) ->
            {
                final long last = firstInput + inputs - 1;
                lastInJournal[0] = last;
                lastInputOfCycle.put(queue.rollCycle().toCycle(index), last);
            });
        if (fromSnapshot > 0 && lastInJournal[0] < fromSnapshot)
        {
            throw new JournalCorruptException("snapshot " + snapshot + " covers " + fromSnapshot +
                " inputs but the journal in " + directory.queue() + " ends at input " + lastInJournal[0]);
        }
        nextInput = state.position() + 1;
        LOG.info("recovered {} inputs from {} ({} from the snapshot, {} replayed) in {} ms",
            state.position(), directory.root(), fromSnapshot, state.position() - fromSnapshot,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public void append(final DirectBuffer buffer, final int offset, final int length, final long sequence, final boolean endOfBatch)
    {
        if (nextInput < 0)
        {
            throw new IllegalStateException("recover() must run before the first append");
        }
        if (batchCount == 0)
        {
            batchFirst = nextInput;
            batchLength = BatchDescriptor.HEADER_LENGTH;
        }
        batch.putInt(batchLength, length, LITTLE_ENDIAN);
        batch.putBytes(batchLength + 4, buffer, offset, length);
        batchLength += 4 + length;
        batchCount++;
        nextInput++;
        if (endOfBatch || batchLength - BatchDescriptor.HEADER_LENGTH >= BatchDescriptor.MAX_PAYLOAD)
        {
            flush();
        }
    }

    @Override
    public void appendingThreadChanged()
    {
        if (null != appender)
        {
            appender.singleThreadedCheckReset();
        }
    }

    @Override
    public void endOfBatch()
    {
        if (batchCount > 0)
        {
            flush();
        }
    }

    private void flush()
    {
        final int payloadLength = batchLength - BatchDescriptor.HEADER_LENGTH;
        crc.reset();
        crc.update(batch.byteArray(), BatchDescriptor.HEADER_LENGTH, payloadLength);
        batch.putInt(0, BatchDescriptor.MAGIC, LITTLE_ENDIAN);
        batch.putShort(4, BatchDescriptor.VERSION, LITTLE_ENDIAN);
        batch.putShort(6, (short)0, LITTLE_ENDIAN);
        batch.putLong(8, batchFirst, LITTLE_ENDIAN);
        batch.putInt(16, batchCount, LITTLE_ENDIAN);
        batch.putInt(20, payloadLength, LITTLE_ENDIAN);
        batch.putInt(24, (int)crc.getValue(), LITTLE_ENDIAN);

        if (null == appender)
        {
            appender = queue.createAppender();
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(batch.byteArray(), 0, batchLength);
        }
        if (settings.durability() == Durability.SYNC_BATCH)
        {
            appender.sync();
        }

        final long lastInput = batchFirst + batchCount - 1;
        final int cycle = queue.rollCycle().toCycle(appender.lastIndexAppended());
        if (cycle != currentCycle)
        {
            if (currentCycle != Integer.MIN_VALUE)
            {
                lastInputOfCycle.put(currentCycle, lastInputOfCurrentCycle);
            }
            currentCycle = cycle;
        }
        lastInputOfCurrentCycle = lastInput;
        batchCount = 0;
    }

    @Override
    public boolean storesSnapshots()
    {
        return true;
    }

    @Override
    public void onSnapshot(final DirectBuffer snapshot, final int length, final long position)
    {
        writer.execute(() -> writeSnapshot(snapshot, length, position));
    }

    private void writeSnapshot(final DirectBuffer snapshot, final int length, final long position)
    {
        try
        {
            final Path file = snapshots.write(snapshot, length, position);
            LOG.info("snapshot of {} inputs written to {} ({} bytes)", position, file, length);
            final long oldestKept = snapshots.prune(settings.snapshotsToKeep());
            deleteCyclesCoveredBy(oldestKept);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.error("snapshot of {} inputs could not be written to {}", position, directory.snapshots(), ex);
        }
    }

    /**
     * Delete the queue files every input of which is covered by the oldest snapshot kept;
     * never the newest cycle.
     */
    private void deleteCyclesCoveredBy(final long oldestKept)
    {
        if (oldestKept <= 0)
        {
            return;
        }
        final int newestCycle = queue.lastCycle();
        boolean deleted = false;
        for (final Map.Entry<Integer, Long> entry : lastInputOfCycle.entrySet())
        {
            final int cycle = entry.getKey();
            if (cycle >= newestCycle || cycle >= currentCycleSeen() || entry.getValue() > oldestKept)
            {
                continue;
            }
            final File file = files.file(cycle);
            if (null == file || !file.exists())
            {
                lastInputOfCycle.remove(cycle);
                continue;
            }
            try
            {
                Files.deleteIfExists(file.toPath());
                lastInputOfCycle.remove(cycle);
                files.forget(cycle);
                deleted = true;
                LOG.info("deleted journal file {}: every input in it (up to {}) is covered by the snapshot at {}",
                    file, entry.getValue(), oldestKept);
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot delete journal file {}: {}", file, ex.toString());
            }
        }
        if (deleted)
        {
            queue.refreshDirectoryListing();
        }
    }

    private int currentCycleSeen()
    {
        return currentCycle == Integer.MIN_VALUE ? Integer.MAX_VALUE : currentCycle;
    }

    /**
     * Wait for pending snapshot writes, then close the queue.
     */
    @Override
    public void close()
    {
        writer.shutdown();
        try
        {
            if (!writer.awaitTermination(60, TimeUnit.SECONDS))
            {
                LOG.error("snapshot writer did not finish within 60 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (null != appender)
        {
            appender.close();
        }
        queue.close();
    }
}
