package dev.rollcall.core;

import org.agrona.BitUtil;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.status.CountersReader;

/**
 * The layout of the counters file ({@value #FILE_NAME} in a server's data directory): a header,
 * then Agrona's counters metadata buffer and values buffer, as Aeron's {@code cnc.dat} holds
 * them. All integers in the platform's native order (the file is read on the machine that wrote it).
 * <pre>
 *  +-----------------------------+  0
 *  |           Header            |
 *  +-----------------------------+  HEADER_LENGTH (128)
 *  |  Counters Metadata Buffer   |  capacity × 512 bytes (type id, key, label per counter)
 *  +-----------------------------+
 *  |   Counters Values Buffer    |  capacity × 128 bytes (the value of each counter)
 *  +-----------------------------+
 * </pre>
 * Header:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Layout Version (0 until the file is ready)           |  0
 *  +---------------------------------------------------------------+
 *  |               Counters Metadata Buffer Length                 |  4
 *  +---------------------------------------------------------------+
 *  |                Counters Values Buffer Length                  |  8
 *  +---------------------------------------------------------------+
 *  |                          Reserved                             |  12
 *  +---------------------------------------------------------------+
 *  |                  PID of the writing process                   |  16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |      Start Time of the writing process (epoch ms, 0: unknown) |  24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              File Created At (epoch ms)                       |  32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        Closed At (epoch ms; 0 while its owner runs)           |  40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Reserved to HEADER_LENGTH                  ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The writer fills the header and the buffers' lengths, then writes the version last (a volatile
 * write), so a reader that sees a version sees a complete header. A reader tells a live file from a
 * stale one by the pid: alive, with the same start time (a reused pid has another), and no
 * "closed at" (a server that closed cleanly writes it; one that was killed cannot).
 */
public final class CountersFileDescriptor
{
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "counters.dat";

    /** The layout version this code writes and reads ({@link SemanticVersion}: a reader needs the same major). */
    public static final int LAYOUT_VERSION = SemanticVersion.compose(1, 0, 0);

    /** Offset of the layout version (int). */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the metadata buffer's length (int). */
    public static final int METADATA_LENGTH_OFFSET = 4;
    /** Offset of the values buffer's length (int). */
    public static final int VALUES_LENGTH_OFFSET = 8;
    /** Offset of the writer's pid (long). */
    public static final int PID_OFFSET = 16;
    /** Offset of the writer's process start time (long, epoch ms, 0 when unknown). */
    public static final int PROCESS_START_OFFSET = 24;
    /** Offset of the time the file was created (long, epoch ms). */
    public static final int CREATED_OFFSET = 32;
    /** Offset of the time its owner closed it (long, epoch ms, 0 while it runs). */
    public static final int CLOSED_OFFSET = 40;
    /** Length of the header: two cache lines, so the buffers after it stay aligned. */
    public static final int HEADER_LENGTH = BitUtil.CACHE_LINE_LENGTH * 2;

    /** Bytes each counter takes: its metadata record and its value record. */
    public static final int BYTES_PER_COUNTER = CountersReader.METADATA_LENGTH + CountersReader.COUNTER_LENGTH;

    /** The most counters a file may hold (about 640 MB). */
    public static final int MAX_CAPACITY = 1_000_000;

    private CountersFileDescriptor()
    {
    }

    /**
     * @param capacity counters the file holds.
     * @return the metadata buffer's length.
     */
    public static int metadataLength(final int capacity)
    {
        return capacity * CountersReader.METADATA_LENGTH;
    }

    /**
     * @param capacity counters the file holds.
     * @return the values buffer's length.
     */
    public static int valuesLength(final int capacity)
    {
        return capacity * CountersReader.COUNTER_LENGTH;
    }

    /**
     * @param capacity counters the file holds.
     * @return the file's length.
     */
    public static int fileLength(final int capacity)
    {
        return HEADER_LENGTH + capacity * BYTES_PER_COUNTER;
    }

    /**
     * @param capacity counters wanted.
     * @throws IllegalArgumentException when it is not between 1 and {@link #MAX_CAPACITY}.
     */
    static void checkCapacity(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("counters capacity must be between 1 and " + MAX_CAPACITY + ": " + capacity);
        }
    }
}
