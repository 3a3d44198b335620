package dev.rollcall.journal;

import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.core.SnapshotCodec;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The snapshot files of a journal directory: written atomically (temporary file, fsync,
 * rename), loaded newest first with a checksum check (a bad one is skipped with a warning and
 * an older one used), pruned to the newest K. Used by recovery on the launching thread, then by
 * the pipeline's snapshot thread only (rebuild, write, prune): one thread at a time.
 */
final class SnapshotStore
{
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    private final JournalDirectory directory;

    SnapshotStore(final JournalDirectory directory)
    {
        this.directory = directory;
    }

    /**
     * @return the snapshot files, newest (highest position) first.
     */
    List<Path> list()
    {
        try (Stream<Path> files = Files.list(directory.snapshots()))
        {
            final List<Path> snapshots = new ArrayList<>();
            files.filter(f -> JournalDirectory.snapshotPosition(f) >= 0).forEach(snapshots::add);
            snapshots.sort(Comparator.comparingLong(JournalDirectory::snapshotPosition).reversed());
            return snapshots;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + directory.snapshots(), ex);
        }
    }

    /**
     * Load the newest valid snapshot into an empty state.
     *
     * @return the path loaded, or null when there is no valid snapshot.
     */
    Path loadNewest(final PresenceStateMachine state)
    {
        return loadNewest(state, Long.MAX_VALUE);
    }

    /**
     * Load the newest valid snapshot that covers at most {@code atMost} inputs into an empty state
     * (newer ones are passed over without a word).
     *
     * @return the path loaded, or null when there is no such valid snapshot.
     */
    Path loadNewest(final PresenceStateMachine state, final long atMost)
    {
        for (final Path file : list())
        {
            if (JournalDirectory.snapshotPosition(file) > atMost)
            {
                continue;
            }
            final byte[] bytes;
            try
            {
                bytes = Files.readAllBytes(file);
            }
            catch (final IOException ex)
            {
                LOG.warn("skipping snapshot {}: cannot read it: {}", file, ex.toString());
                continue;
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            try
            {
                SnapshotCodec.verify(buffer, 0, bytes.length);
            }
            catch (final IllegalStateException ex)
            {
                LOG.warn("skipping snapshot {}: {}; falling back to an older one (longer replay)", file, ex.getMessage());
                continue;
            }
            final long named = JournalDirectory.snapshotPosition(file);
            if (SnapshotCodec.position(buffer, 0) != named)
            {
                LOG.warn("skipping snapshot {}: it covers {} inputs, not the {} its name says", file,
                    SnapshotCodec.position(buffer, 0), named);
                continue;
            }
            try
            {
                state.loadSnapshot(buffer, 0, bytes.length);
            }
            catch (final IllegalStateException ex)
            {
                throw new JournalCorruptException("snapshot " + file + " passed its checksum but cannot be loaded: " +
                    ex.getMessage(), ex);
            }
            return file;
        }
        return null;
    }

    /**
     * Write a snapshot atomically.
     *
     * @return the file written.
     */
    Path write(final DirectBuffer snapshot, final int length, final long position) throws IOException
    {
        final Path file = directory.snapshotFile(position);
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary,
            StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer bytes = byteBuffer(snapshot, length);
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /**
     * Delete all but the newest {@code keep} snapshots.
     *
     * @return the position of the oldest snapshot kept, or -1 when none.
     */
    long prune(final int keep)
    {
        final List<Path> snapshots = list();
        for (int i = keep; i < snapshots.size(); i++)
        {
            try
            {
                Files.deleteIfExists(snapshots.get(i));
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot delete old snapshot {}: {}", snapshots.get(i), ex.toString());
            }
        }
        final int oldest = Math.min(keep, snapshots.size()) - 1;
        return oldest < 0 ? -1 : JournalDirectory.snapshotPosition(snapshots.get(oldest));
    }

    private static ByteBuffer byteBuffer(final DirectBuffer snapshot, final int length)
    {
        if (null != snapshot.byteBuffer() && snapshot.byteBuffer().isDirect())
        {
            final ByteBuffer duplicate = snapshot.byteBuffer().duplicate();
            final int start = (int)(snapshot.addressOffset() - address(duplicate));
            duplicate.limit(start + length).position(start);
            return duplicate;
        }
        final byte[] bytes = new byte[length];
        snapshot.getBytes(0, bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static long address(final ByteBuffer buffer)
    {
        return BufferUtil.address(buffer);
    }
}
