package dev.rollcall.journal.tools;

import dev.rollcall.core.SnapshotCodec;
import dev.rollcall.journal.JournalDirectory;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The snapshot files of a journal directory, each checked the way recovery checks it
 * (framing and checksum with {@link SnapshotCodec#verify}, and the position it covers against
 * the one its name says).
 */
final class SnapshotFiles
{
    /**
     * One snapshot file.
     *
     * @param file     the file.
     * @param position inputs covered, from its name.
     * @param size     bytes.
     * @param problem  null when valid, else why it is not.
     */
    record Snapshot(Path file, long position, long size, String problem)
    {
        boolean valid()
        {
            return null == problem;
        }
    }

    private SnapshotFiles()
    {
    }

    /**
     * @param journal the journal directory.
     * @return its snapshots, newest (highest position) first; empty when there is no snapshot directory.
     */
    static List<Snapshot> list(final JournalDirectory journal)
    {
        final List<Snapshot> snapshots = new ArrayList<>();
        if (!Files.isDirectory(journal.snapshots()))
        {
            return snapshots;
        }
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(journal.snapshots()))
        {
            entries.filter(f -> JournalDirectory.snapshotPosition(f) >= 0).forEach(files::add);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + journal.snapshots(), ex);
        }
        files.sort(Comparator.comparingLong(JournalDirectory::snapshotPosition).reversed());
        for (final Path file : files)
        {
            long size = -1;
            String problem;
            try
            {
                final byte[] bytes = Files.readAllBytes(file);
                size = bytes.length;
                problem = check(file, bytes);
            }
            catch (final IOException ex)
            {
                problem = "cannot read it: " + ex;
            }
            snapshots.add(new Snapshot(file, JournalDirectory.snapshotPosition(file), size, problem));
        }
        return snapshots;
    }

    /**
     * @return null when the bytes are a valid snapshot at the position the file's name says.
     */
    static String check(final Path file, final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        try
        {
            SnapshotCodec.verify(buffer, 0, bytes.length);
        }
        catch (final IllegalStateException ex)
        {
            return ex.getMessage();
        }
        final long covered = SnapshotCodec.position(buffer, 0);
        final long named = JournalDirectory.snapshotPosition(file);
        if (covered != named)
        {
            return "it covers " + covered + " inputs, not the " + named + " its name says";
        }
        return null;
    }
}
