package dev.rollcall.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The on-disk layout of a Rollcall journal:
 * <pre>
 *   DIR/rollcall-journal              marker: "rollcall-journal 1" (layout version)
 *   DIR/queue/                        Chronicle Queue cycle files (*.cq4, metadata.cq4t)
 *   DIR/snapshots/snapshot-&lt;position&gt;.rcs   snapshots, 20-digit zero-padded position
 * </pre>
 * The marker is what tools and start-up check before touching anything: a directory that
 * has files but no marker is not a Rollcall journal and is refused.
 */
public final class JournalDirectory
{
    /** Name of the marker file. */
    public static final String MARKER = "rollcall-journal";
    /** Content of the marker file for this layout version. */
    public static final String MARKER_CONTENT = "rollcall-journal 1\n";
    /** Where {@code rollcall serve} keeps its journal inside its data directory: {@code <data>/journal}. */
    public static final String IN_DATA_DIRECTORY = "journal";

    private final Path root;

    private JournalDirectory(final Path root)
    {
        this.root = root;
    }

    /**
     * Open an existing journal directory, for reading.
     *
     * @param root the directory.
     * @return the layout.
     * @throws IllegalArgumentException when it does not exist or is not a Rollcall journal.
     */
    public static JournalDirectory open(final Path root)
    {
        if (!Files.isDirectory(root))
        {
            throw new IllegalArgumentException("no journal directory at " + root.toAbsolutePath());
        }
        final Path marker = root.resolve(MARKER);
        if (!Files.isRegularFile(marker))
        {
            throw new IllegalArgumentException(root.toAbsolutePath() + " is not a Rollcall journal directory (no " +
                MARKER + " file)");
        }
        try
        {
            final String content = Files.readString(marker, StandardCharsets.UTF_8);
            if (!MARKER_CONTENT.equals(content))
            {
                throw new IllegalArgumentException(marker.toAbsolutePath() + " names an unknown layout: " + content.trim());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + marker.toAbsolutePath(), ex);
        }
        return new JournalDirectory(root);
    }

    /**
     * Open an existing journal for reading, given either the journal directory itself or a server's
     * data directory that holds it in {@value #IN_DATA_DIRECTORY}/ (what the journal tools accept:
     * {@code rollcall journal inspect data} and {@code rollcall journal inspect data/journal} read
     * the same journal).
     *
     * @param directory a journal directory, or a data directory holding one.
     * @return the layout.
     * @throws IllegalArgumentException when it does not exist or holds no Rollcall journal.
     */
    public static JournalDirectory openJournalOrDataDirectory(final Path directory)
    {
        if (Files.isDirectory(directory) && !Files.exists(directory.resolve(MARKER)))
        {
            final Path inData = directory.resolve(IN_DATA_DIRECTORY);
            if (Files.isRegularFile(inData.resolve(MARKER)))
            {
                return open(inData);
            }
            throw new IllegalArgumentException(directory.toAbsolutePath() + " is not a Rollcall journal directory (no " +
                MARKER + " file), nor a data directory with one in " + inData.toAbsolutePath());
        }
        return open(directory);
    }

    /**
     * Open a journal directory, creating it (and the marker) when absent or empty.
     *
     * @param root the directory.
     * @return the layout.
     * @throws IllegalArgumentException when it holds other files but no marker.
     */
    public static JournalDirectory openOrCreate(final Path root)
    {
        try
        {
            if (!Files.exists(root.resolve(MARKER)))
            {
                if (Files.isDirectory(root))
                {
                    try (Stream<Path> entries = Files.list(root))
                    {
                        if (entries.findAny().isPresent())
                        {
                            throw new IllegalArgumentException(root.toAbsolutePath() +
                                " is not empty and is not a Rollcall journal directory (no " + MARKER +
                                " file); refusing to write into it");
                        }
                    }
                }
                Files.createDirectories(root);
                Files.writeString(root.resolve(MARKER), MARKER_CONTENT, StandardCharsets.UTF_8);
            }
            final JournalDirectory directory = open(root);
            Files.createDirectories(directory.queue());
            Files.createDirectories(directory.snapshots());
            return directory;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create journal directory " + root.toAbsolutePath(), ex);
        }
    }

    /** @return the journal directory. */
    public Path root()
    {
        return root;
    }

    /** @return the Chronicle Queue directory. */
    public Path queue()
    {
        return root.resolve("queue");
    }

    /** @return the snapshot directory. */
    public Path snapshots()
    {
        return root.resolve("snapshots");
    }

    /**
     * @param position inputs covered.
     * @return the file name of the snapshot at that position.
     */
    public Path snapshotFile(final long position)
    {
        return snapshots().resolve(String.format("snapshot-%020d.rcs", position));
    }

    /**
     * @param file a snapshot file.
     * @return its position, or -1 when the name is not a snapshot's.
     */
    public static long snapshotPosition(final Path file)
    {
        final String name = file.getFileName().toString();
        if (!name.startsWith("snapshot-") || !name.endsWith(".rcs") || name.length() != "snapshot-".length() + 20 + 4)
        {
            return -1;
        }
        try
        {
            return Long.parseLong(name.substring("snapshot-".length(), "snapshot-".length() + 20));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
