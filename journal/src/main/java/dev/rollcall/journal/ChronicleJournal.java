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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
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
 * pipeline's journal thread (the appender is single-threaded by contract); {@link #rebuild}
 * (a tailer of its own, reading only up to the position asked for) and {@link #onSnapshot}
 * (the snapshot file, then the deletion of old snapshots and covered queue files) on the
 * pipeline's snapshot thread, so neither the logic nor the fan-out ever waits for them.
 */
public final class ChronicleJournal implements Journal
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);

    private final JournalSettings settings;
    private final JournalDirectory directory;
    private final SingleChronicleQueue queue;
    private final CycleFiles files = new CycleFiles();
    private final SnapshotStore snapshots;
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
    /** When the snapshot thread began the rebuild of the snapshot it stores next (its log line's duration). */
    private long rebuildStartedNs;

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
        if (null == snapshot)
        {
            LOG.info("recovering from the journal in {} (no snapshot)", directory.queue());
        }
        else
        {
            LOG.info("recovering {} inputs from snapshot {} (loaded in {} ms), then the journal in {} after input {}",
                fromSnapshot, snapshot, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), directory.queue(),
                fromSnapshot);
        }
        final long[] lastInJournal = {0};
        final int[] cycle = {Integer.MIN_VALUE};
        reader().read(fromSnapshot, new Replayer(state),
            (index, firstInput, inputs, bytes) ->
            {
                final int documentCycle = queue.rollCycle().toCycle(index);
                if (documentCycle != cycle[0] && cycle[0] != Integer.MIN_VALUE)
                {
                    lastInputOfCycle.put(cycle[0], lastInJournal[0]); // once a cycle, not once a document
                }
                cycle[0] = documentCycle;
                lastInJournal[0] = firstInput + inputs - 1;
            });
        if (cycle[0] != Integer.MIN_VALUE)
        {
            lastInputOfCycle.put(cycle[0], lastInJournal[0]);
        }
        if (fromSnapshot > 0 && lastInJournal[0] < fromSnapshot)
        {
            throw new JournalCorruptException("snapshot " + snapshot + " covers " + fromSnapshot +
                " inputs but the journal in " + directory.queue() + " ends at input " + lastInJournal[0]);
        }
        nextInput = state.position() + 1;
        LOG.info("recovered {} inputs from {} in {} ms ({} from the snapshot, {} replayed)",
            state.position(), directory.root(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
            fromSnapshot, state.position() - fromSnapshot);
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

        try
        {
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
        }
        catch (final RuntimeException ex)
        {
            // the error handler's report names the journal the failure concerns
            throw new IllegalStateException("appending inputs " + batchFirst + ".." + (batchFirst + batchCount - 1) +
                " to the journal in " + directory.queue() + " failed: " + ex, ex);
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

    /**
     * The newest snapshot at or before {@code position}, then the inputs after it up to
     * {@code position}, read by a tailer of this call's own; every document up to the one holding
     * {@code position} is verified as at recovery.
     *
     * @throws JournalCorruptException naming the file and index, when the journal is corrupt or
     *                                 does not hold the inputs.
     */
    @Override
    public void rebuild(final PresenceStateMachine state, final long position)
    {
        rebuildStartedNs = System.nanoTime();
        final Path snapshot = snapshots.loadNewest(state, position);
        final long from = state.position();
        if (from < position)
        {
            final Replayer replayer = new Replayer(state);
            try
            {
                new JournalReader(queue, files).read(from, position, replayer);
            }
            catch (final JournalCorruptException ex)
            {
                throw ex;
            }
            catch (final RuntimeException ex)
            {
                throw new JournalCorruptException("rebuilding the state after " + position + " inputs from " +
                    (null == snapshot ? "no snapshot" : snapshot.toString()) + " and the journal in " + directory.queue() +
                    " failed at input " + replayer.applying + ": " + ex, ex);
            }
        }
    }

    /**
     * Write the snapshot file (temporary file, fsync, atomic rename) before returning, then keep
     * the newest K and delete the queue files the oldest kept one covers.
     *
     * @throws UncheckedIOException when the file cannot be written.
     */
    @Override
    public void onSnapshot(final DirectBuffer snapshot, final int length, final long position)
    {
        final long writeStartedNs = System.nanoTime();
        final Path file;
        try
        {
            file = snapshots.write(snapshot, length, position);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("snapshot of " + position + " inputs could not be written to " +
                directory.snapshots(), ex);
        }
        // from the start of the replica's rebuild when there was one: the whole cost of the snapshot
        final long startedNs = 0 == rebuildStartedNs ? writeStartedNs : rebuildStartedNs;
        rebuildStartedNs = 0;
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNs);
        LOG.info("snapshot taken: {} inputs in {} ({} bytes, {} ms)", position, file, length, tookMs);
        try
        {
            final long oldestKept = snapshots.prune(settings.snapshotsToKeep());
            deleteCyclesCoveredBy(oldestKept);
        }
        catch (final RuntimeException ex)
        {
            // the snapshot is stored; only the housekeeping failed, and the next snapshot tries again
            LOG.warn("snapshot {} written, but old snapshots or journal files could not be removed", file, ex);
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
     * Close the queue; the pipeline has stopped its snapshot thread before.
     */
    @Override
    public void close()
    {
        if (null != appender)
        {
            appender.close();
        }
        queue.close();
    }

    /** Applies journaled inputs to a state, noting the one being applied (for the error message). */
    private static final class Replayer implements JournalReader.InputVisitor
    {
        private final PresenceStateMachine state;
        long applying;

        Replayer(final PresenceStateMachine state)
        {
            this.state = state;
        }

        @Override
        public void onInput(final long number, final DirectBuffer buffer, final int offset, final int length)
        {
            applying = number;
            state.apply(buffer, offset, length);
        }
    }
}
