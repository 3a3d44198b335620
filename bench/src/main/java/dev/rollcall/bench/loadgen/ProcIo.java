package dev.rollcall.bench.loadgen;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a process's read and write syscall counts ({@code syscr}, {@code syscw}) from Linux's
 * {@code /proc/<pid>/io} (readable for one's own processes; absent elsewhere). The file is opened
 * once, before the run opens its connections, and read again from its start each time, so a run
 * that uses every file descriptor it may still reads it.
 */
final class ProcIo extends ProcFile
{
    private ProcIo(final FileChannel channel)
    {
        super(channel);
    }

    /**
     * @param file {@code /proc/<pid>/io} or a file in its format.
     * @return the open file, or null when it is absent or unreadable.
     */
    static ProcIo open(final Path file)
    {
        final FileChannel channel = openChannel(file);
        if (null == channel)
        {
            return null;
        }
        final ProcIo io = new ProcIo(channel);
        if (io.syscalls() < 0)
        {
            io.close();
            return null;
        }
        return io;
    }

    /**
     * @param pid a process id.
     * @return its {@code /proc/<pid>/io}, open, or null when absent or unreadable.
     */
    static ProcIo open(final long pid)
    {
        return open(Path.of("/proc", Long.toString(pid), "io"));
    }

    /**
     * @return {@code syscr + syscw} now, or -1 when the file cannot be read or lacks them.
     */
    long syscalls()
    {
        return read(ProcIo::parse);
    }

    /**
     * @param content text in the format of {@code /proc/<pid>/io}.
     * @return {@code syscr + syscw}, or -1 when either is missing.
     */
    static long parse(final String content)
    {
        long reads = -1;
        long writes = -1;
        for (final String line : content.split("\n"))
        {
            if (line.startsWith("syscr:"))
            {
                reads = number(line.substring("syscr:".length()));
            }
            else if (line.startsWith("syscw:"))
            {
                writes = number(line.substring("syscw:".length()));
            }
        }
        return reads < 0 || writes < 0 ? -1 : reads + writes;
    }

    private static long number(final String text)
    {
        try
        {
            return Long.parseLong(text.strip());
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
