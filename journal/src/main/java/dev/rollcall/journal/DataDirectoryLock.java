package dev.rollcall.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-writer guard of a data directory: {@code <data>/}{@value #FILE_NAME}, locked with a
 * real {@link FileChannel#tryLock()} (an OS file lock, released by the kernel when the process
 * ends however it ends) and held for the life of the server, with the holder written into it:
 * <pre>
 *   pid=12345
 *   started=2026-12-06T10:15:30.123Z
 * </pre>
 * <ul>
 *   <li>A second server on the same directory finds the lock held and is refused with a
 *       {@link DataDirectoryLockedException} naming the directory and the holder's pid, before it
 *       touches the journal.</li>
 *   <li>A server killed with SIGKILL (or a crash, or a power cut) leaves the file with its pid in
 *       it but no lock held: the next start takes the lock, logs that it took over a stale lock
 *       and whose it was ({@link #takenOverFrom()}), and writes its own pid.</li>
 *   <li>{@link #close()} empties the file, then releases the lock; the file itself stays, so a
 *       process that opened it meanwhile never locks an unlinked file while a third one creates a
 *       new one.</li>
 * </ul>
 * Within one JVM the lock is also kept in a set of held directories, checked first: the JVM
 * refuses a second lock of its own, and never opens (then closes) a second channel on the file,
 * which on POSIX systems would drop the first channel's lock.
 * <p>
 * Readers never take it: the journal tools ({@code rollcall journal inspect|replay|tail}) only
 * read and work on the directory of a live server. On file systems without working locks
 * (some network file systems) the guard is only as good as the file system's locks.
 */
public final class DataDirectoryLock implements AutoCloseable
{
    /** Name of the lock file in the data directory. */
    public static final String FILE_NAME = "rollcall.lock";

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryLock.class);
    private static final int MAX_CONTENT_BYTES = 4096;
    private static final Set<Path> HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final Path directory;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Holder holder;
    private final Holder takenOverFrom;
    private boolean closed;

    private DataDirectoryLock(
        final Path key,
        final Path directory,
        final Path file,
        final FileChannel channel,
        final FileLock lock,
        final Holder holder,
        final Holder takenOverFrom)
    {
        this.key = key;
        this.directory = directory;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
        this.takenOverFrom = takenOverFrom;
    }

    /**
     * Take the lock of a data directory for this process, or fail at once (never waits).
     *
     * @param dataDirectory an existing directory.
     * @return the lock; hold it until the server has stopped, then {@link #close()} it.
     * @throws DataDirectoryLockedException when another process (or this one) holds it.
     * @throws IOException                  when the lock file cannot be created, read, locked or
     *                                      written; the message names the file.
     */
    public static DataDirectoryLock acquire(final Path dataDirectory) throws IOException
    {
        final Path file = dataDirectory.resolve(FILE_NAME);
        final Path key;
        try
        {
            key = dataDirectory.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot take the data-directory lock " + file.toAbsolutePath() + ": " + describe(ex), ex);
        }
        if (!HELD_BY_THIS_PROCESS.add(key))
        {
            throw new DataDirectoryLockedException(dataDirectory.toAbsolutePath(), file.toAbsolutePath(),
                Holder.of(ProcessHandle.current()));
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null; // this JVM holds it through a channel opened elsewhere
            }
            if (null == lock)
            {
                final Holder other = Holder.parse(read(channel));
                throw new DataDirectoryLockedException(dataDirectory.toAbsolutePath(), file.toAbsolutePath(), other);
            }
            final String previous = read(channel);
            final Holder stale = previous.isBlank() ? null : Holder.parse(previous);
            final Holder self = Holder.of(ProcessHandle.current());
            final ByteBuffer content = ByteBuffer.wrap(self.content().getBytes(StandardCharsets.UTF_8));
            channel.truncate(0);
            while (content.hasRemaining())
            {
                channel.write(content, content.position());
            }
            channel.force(true);
            if (null != stale)
            {
                LOG.warn("took over the stale lock {}: its holder ({}) no longer held it (killed or crashed); " +
                    "the journal recovers what it had acknowledged", file.toAbsolutePath(), stale.describe());
            }
            return new DataDirectoryLock(
                key, dataDirectory.toAbsolutePath(), file.toAbsolutePath(), channel, lock, self, stale);
        }
        catch (final DataDirectoryLockedException ex)
        {
            HELD_BY_THIS_PROCESS.remove(key);
            closeQuietly(channel, ex);
            throw ex;
        }
        catch (final IOException | RuntimeException ex)
        {
            HELD_BY_THIS_PROCESS.remove(key);
            closeQuietly(channel, ex);
            throw new IOException("cannot take the data-directory lock " + file.toAbsolutePath() + ": " + describe(ex), ex);
        }
    }

    /**
     * What a lock file says about its holder, read without locking (for messages and tools: the
     * holder may be gone, and the file is empty after a clean stop).
     *
     * @param dataDirectory the data directory.
     * @return the holder the file names, or null when there is no lock file or it is empty.
     * @throws IOException when it exists but cannot be read.
     */
    public static Holder readHolder(final Path dataDirectory) throws IOException
    {
        final Path file = dataDirectory.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            return null;
        }
        final String content = Files.readString(file, StandardCharsets.UTF_8);
        return content.isBlank() ? null : Holder.parse(content);
    }

    /** @return the data directory, absolute. */
    public Path directory()
    {
        return directory;
    }

    /** @return the lock file, absolute. */
    public Path file()
    {
        return file;
    }

    /** @return this process, as written into the lock file. */
    public Holder holder()
    {
        return holder;
    }

    /**
     * @return the holder a stale lock file named when this process took it over (its process was
     * gone: killed, crashed), or null when the file was new or empty (the last server stopped
     * cleanly).
     */
    public Holder takenOverFrom()
    {
        return takenOverFrom;
    }

    /**
     * Empty the lock file and release the lock. Idempotent.
     *
     * @throws IOException when the file cannot be emptied or the lock released (the lock is
     *                     released by the kernel when the process ends anyway).
     */
    @Override
    public synchronized void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            channel.truncate(0);
            lock.release();
        }
        finally
        {
            try
            {
                channel.close();
            }
            finally
            {
                HELD_BY_THIS_PROCESS.remove(key);
            }
        }
    }

    @Override
    public String toString()
    {
        return file + " (" + holder.describe() + ")";
    }

    private static String read(final FileChannel channel) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(MAX_CONTENT_BYTES);
        long position = 0;
        int read;
        while (buffer.hasRemaining() && (read = channel.read(buffer, position)) > 0)
        {
            position += read;
        }
        buffer.flip();
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }

    private static void closeQuietly(final FileChannel channel, final Exception failure)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                failure.addSuppressed(ex);
            }
        }
    }

    private static String describe(final Exception ex)
    {
        if (ex instanceof java.nio.file.NoSuchFileException)
        {
            return "no such directory";
        }
        if (ex instanceof java.nio.file.AccessDeniedException)
        {
            return "permission denied";
        }
        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /**
     * A lock file's holder: a process id and when it started.
     *
     * @param pid     the process id, or -1 when the file does not say.
     * @param started when that process started (ISO-8601), or null when the file does not say.
     */
    public record Holder(long pid, String started)
    {
        static Holder of(final ProcessHandle process)
        {
            final Instant start = process.info().startInstant().orElseGet(Instant::now);
            return new Holder(process.pid(), start.toString());
        }

        static Holder parse(final String content)
        {
            long pid = -1;
            String started = null;
            for (final String line : content.split("\n"))
            {
                final String trimmed = line.strip();
                if (trimmed.startsWith("pid="))
                {
                    try
                    {
                        pid = Long.parseLong(trimmed.substring("pid=".length()));
                    }
                    catch (final NumberFormatException ignore)
                    {
                        pid = -1;
                    }
                }
                else if (trimmed.startsWith("started="))
                {
                    started = trimmed.substring("started=".length());
                }
            }
            return new Holder(pid, started);
        }

        String content()
        {
            return "pid=" + pid + "\nstarted=" + started + "\n";
        }

        /** @return e.g. {@code pid 12345, started 2026-12-06T10:15:30.123Z}. */
        public String describe()
        {
            return (pid < 0 ? "pid unknown: the lock file does not name it" : "pid " + pid) +
                (null == started ? "" : ", started " + started);
        }
    }
}
