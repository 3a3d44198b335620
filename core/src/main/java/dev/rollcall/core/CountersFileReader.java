package dev.rollcall.core;

import org.agrona.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static dev.rollcall.core.CountersFileDescriptor.CLOSED_OFFSET;
import static dev.rollcall.core.CountersFileDescriptor.CREATED_OFFSET;
import static dev.rollcall.core.CountersFileDescriptor.HEADER_LENGTH;
import static dev.rollcall.core.CountersFileDescriptor.LAYOUT_VERSION;
import static dev.rollcall.core.CountersFileDescriptor.METADATA_LENGTH_OFFSET;
import static dev.rollcall.core.CountersFileDescriptor.PID_OFFSET;
import static dev.rollcall.core.CountersFileDescriptor.PROCESS_START_OFFSET;
import static dev.rollcall.core.CountersFileDescriptor.VALUES_LENGTH_OFFSET;
import static dev.rollcall.core.CountersFileDescriptor.VERSION_OFFSET;

/**
 * Reads a counters file ({@link CountersFileDescriptor}) from any process, over a read-only
 * mapping of its own: the values as the owning threads last wrote them, and whether the owner
 * still runs. Like Aeron's {@code CncFileReader} beside {@code AeronStat}.
 */
public final class CountersFileReader
{
    /** Whether the process that wrote a counters file still runs. */
    public enum OwnerState
    {
        /** Its process runs (same pid, same start time) and has not closed it: the values move. */
        RUNNING,
        /** Its process closed it cleanly: the values are final. */
        STOPPED,
        /** Its process is gone without closing it (killed, crashed): the values are where it left them. */
        STALE
    }

    /** Start times closer than this are the same process's (both read from the OS, rounded differently). */
    private static final long START_TOLERANCE_MS = 1000;

    private final Path file;
    private final UnsafeBuffer header;
    private final CountersReader counters;

    private CountersFileReader(final Path file, final UnsafeBuffer header, final CountersReader counters)
    {
        this.file = file;
        this.header = header;
        this.counters = counters;
    }

    /**
     * Map a counters file read-only.
     *
     * @param file the counters file, e.g. {@code data/counters.dat}.
     * @return a reader.
     * @throws IllegalStateException when there is no file, it is not ready, of another layout or corrupt;
     *                               the message says which.
     */
    public static CountersFileReader open(final Path file)
    {
        final long size;
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            size = channel.size();
            if (size < HEADER_LENGTH)
            {
                throw new IllegalStateException(file + " is not ready: it has " + size + " bytes, less than a header " +
                    "(a server is creating it, or it is not a Rollcall counters file)");
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalStateException("no counters file at " + file + ": no Rollcall server has run on this " +
                "data directory (./rollcall serve --data " + (null == file.getParent() ? "." : file.getParent()) +
                " writes it)", ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read the counters file " + file + ": " + ex, ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        final int version = header.getIntVolatile(VERSION_OFFSET);
        if (0 == version)
        {
            throw new IllegalStateException(file + " is not ready: its version is 0 (a server is creating it, " +
                "or it is not a Rollcall counters file)");
        }
        if (SemanticVersion.major(version) != SemanticVersion.major(LAYOUT_VERSION))
        {
            throw new IllegalStateException(file + " has counters layout " + SemanticVersion.toString(version) +
                "; this tool reads " + SemanticVersion.major(LAYOUT_VERSION) + ".x");
        }
        final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        if (valuesLength <= 0 || valuesLength % CountersReader.COUNTER_LENGTH != 0 ||
            (long)metadataLength != (long)valuesLength * (CountersReader.METADATA_LENGTH / CountersReader.COUNTER_LENGTH) ||
            HEADER_LENGTH + (long)metadataLength + valuesLength > size)
        {
            throw new IllegalStateException(file + " is corrupt: metadata " + metadataLength + " bytes and values " +
                valuesLength + " bytes do not fit its " + size + " bytes");
        }
        final CountersReader counters = new CountersReader(
            new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength));
        return new CountersFileReader(file, header, counters);
    }

    /**
     * @return a reader, or null when the file is absent or unreadable for any reason.
     */
    static CountersFileReader tryOpen(final Path file)
    {
        if (!Files.exists(file))
        {
            return null;
        }
        try
        {
            return open(file);
        }
        catch (final IllegalStateException ex)
        {
            return null;
        }
    }

    /** @return the file. */
    public Path file()
    {
        return file;
    }

    /** @return the layout version ({@link SemanticVersion}). */
    public int version()
    {
        return header.getIntVolatile(VERSION_OFFSET);
    }

    /** @return the pid of the process that wrote it. */
    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    /** @return when the writing process started, epoch ms, 0 when unknown. */
    public long processStartMs()
    {
        return header.getLong(PROCESS_START_OFFSET);
    }

    /** @return when the file was created, epoch ms. */
    public long createdMs()
    {
        return header.getLong(CREATED_OFFSET);
    }

    /** @return when its owner closed it, epoch ms, 0 while it runs (or if it was killed). */
    public long closedMs()
    {
        return header.getLongVolatile(CLOSED_OFFSET);
    }

    /**
     * @return the counters: {@link CountersReader#forEach(CountersReader.MetaData)} lists them with their
     * type ids, keys and labels; {@link CountersReader#getCounterValue(int)} reads one.
     */
    public CountersReader counters()
    {
        return counters;
    }

    /**
     * @return whether the owner runs, closed the file, or is gone without closing it.
     */
    public OwnerState ownerState()
    {
        if (0 != closedMs())
        {
            return OwnerState.STOPPED;
        }
        final ProcessHandle owner = ProcessHandle.of(pid()).orElse(null);
        if (null == owner || !owner.isAlive())
        {
            return OwnerState.STALE;
        }
        final long recorded = processStartMs();
        final long actual = startMs(owner);
        if (0 != recorded && 0 != actual && Math.abs(recorded - actual) > START_TOLERANCE_MS)
        {
            return OwnerState.STALE;
        }
        return OwnerState.RUNNING;
    }

    /**
     * @return when the process started, epoch ms, 0 when the OS does not say.
     */
    static long startMs(final ProcessHandle process)
    {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
