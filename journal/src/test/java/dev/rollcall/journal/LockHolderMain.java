package dev.rollcall.journal;

import java.nio.file.Path;

/**
 * A second process for {@link DataDirectoryLockTest}: takes the lock of the directory given, says
 * {@code locked <pid>}, holds it until its stdin ends, then closes it and exits 0.
 */
public final class LockHolderMain
{
    private LockHolderMain()
    {
    }

    /**
     * @param args the data directory.
     * @throws Exception when the lock cannot be taken (exit 1 with the stack trace).
     */
    public static void main(final String[] args) throws Exception
    {
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(Path.of(args[0])))
        {
            System.out.println("locked " + lock.holder().pid());
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // hold the lock until the test closes our stdin
            }
        }
    }
}
