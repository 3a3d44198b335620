package dev.rollcall.core;

import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
 * The counters of one process, Aeron's way: an Agrona {@link CountersManager} over a memory-mapped
 * file ({@link CountersFileDescriptor}) that another process reads ({@link CountersFileReader},
 * {@code ./rollcall stat}), or over direct memory for an embedded Rollcall without a data
 * directory: the same code either way. Each counter is written by the thread that owns it with
 * plain loads and release stores (no lock, no allocation); allocating counters (at start-up) takes
 * the manager's lock.
 * <p>
 * The mapping is never unmapped explicitly: a thread still counting after {@link #close()} writes
 * into memory that stays valid (the counters hold the buffer); the operating system keeps the
 * file's pages and the garbage collector releases the mapping.
 */
public final class CountersFile implements AutoCloseable
{
    private final Path file;
    private final UnsafeBuffer header;
    private final ConcurrentCountersManager manager;
    private boolean closed;

    private CountersFile(final Path file, final ByteBuffer bytes, final int capacity)
    {
        this.file = file;
        final int metadataLength = CountersFileDescriptor.metadataLength(capacity);
        final int valuesLength = CountersFileDescriptor.valuesLength(capacity);
        header = new UnsafeBuffer(bytes, 0, HEADER_LENGTH);
        final AtomicBuffer metadata = new UnsafeBuffer(bytes, HEADER_LENGTH, metadataLength);
        final AtomicBuffer values = new UnsafeBuffer(bytes, HEADER_LENGTH + metadataLength, valuesLength);
        manager = new ConcurrentCountersManager(metadata, values);

        final ProcessHandle self = ProcessHandle.current();
        header.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        header.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        header.putLong(PID_OFFSET, self.pid());
        header.putLong(PROCESS_START_OFFSET, CountersFileReader.startMs(self));
        header.putLong(CREATED_OFFSET, System.currentTimeMillis());
        header.putLong(CLOSED_OFFSET, 0);
        header.putIntVolatile(VERSION_OFFSET, LAYOUT_VERSION);
    }

    /**
     * Create the counters file, replacing one a previous run left (a stale file, or one this
     * process closed). Refuses to replace the file of another process that is running.
     *
     * @param file     where; its directory must exist.
     * @param capacity counters it holds at most.
     * @return the file, mapped, its header written.
     * @throws IllegalStateException when a running process owns the file, or it cannot be created.
     */
    public static CountersFile create(final Path file, final int capacity)
    {
        CountersFileDescriptor.checkCapacity(capacity);
        final CountersFileReader previous = CountersFileReader.tryOpen(file);
        if (null != previous && previous.ownerState() == CountersFileReader.OwnerState.RUNNING &&
            previous.pid() != ProcessHandle.current().pid())
        {
            throw new IllegalStateException("the counters file " + file + " belongs to a running server (pid " +
                previous.pid() + "): one data directory serves one server at a time");
        }
        final MappedByteBuffer mapped;
        try
        {
            Files.deleteIfExists(file);
            try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, CountersFileDescriptor.fileLength(capacity));
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create the counters file " + file + ": " + ex, ex);
        }
        return new CountersFile(file, mapped, capacity);
    }

    /**
     * Counters in direct memory, for an embedded Rollcall without a data directory.
     *
     * @param capacity counters it holds at most.
     * @return the counters, with the header a file would have.
     */
    public static CountersFile inMemory(final int capacity)
    {
        CountersFileDescriptor.checkCapacity(capacity);
        return new CountersFile(
            null, BufferUtil.allocateDirectAligned(CountersFileDescriptor.fileLength(capacity), HEADER_LENGTH), capacity);
    }

    /**
     * @return the manager to allocate counters from (at start-up) and read them with.
     */
    public CountersManager manager()
    {
        return manager;
    }

    /**
     * @return the file, or null for counters in memory.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Mark the file closed (readers then call it stopped rather than stale); the counters keep
     * their values and stay readable. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            header.putLongVolatile(CLOSED_OFFSET, System.currentTimeMillis());
        }
    }
}
