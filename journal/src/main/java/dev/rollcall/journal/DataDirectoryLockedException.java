package dev.rollcall.journal;

import java.nio.file.Path;

/**
 * Another process (or this one) holds a data directory's {@link DataDirectoryLock}: a second
 * server on it would corrupt the journal. The message names the directory, the lock file and
 * the holder's pid.
 */
public final class DataDirectoryLockedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final transient Path directory;
    private final transient DataDirectoryLock.Holder holder;

    DataDirectoryLockedException(final Path directory, final Path file, final DataDirectoryLock.Holder holder)
    {
        super("data directory " + directory + " is in use by another Rollcall server (" + holder.describe() +
            "; lock file " + file + "): stop that server first, or give this one another data directory");
        this.directory = directory;
        this.holder = holder;
    }

    /** @return the data directory, absolute. */
    public Path directory()
    {
        return directory;
    }

    /** @return the holder the lock file names (pid -1 when it names none yet). */
    public DataDirectoryLock.Holder holder()
    {
        return holder;
    }
}
