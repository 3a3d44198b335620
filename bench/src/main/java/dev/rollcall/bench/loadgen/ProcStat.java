package dev.rollcall.bench.loadgen;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a process's CPU time, {@code utime + stime} in clock ticks, from Linux's {@code /proc/<pid>/stat}
 * (fields 14 and 15, counted after the command name in parentheses, which may hold spaces and parentheses).
 * Like {@link ProcIo} the file is opened once, before the run opens its connections, and read from its start
 * each time. Ticks are {@value #TICKS_PER_SECOND} a second: {@code USER_HZ}, which the kernel fixes at 100 for
 * user space on every common architecture ({@code getconf CLK_TCK}).
 */
final class ProcStat extends ProcFile
{
    /** {@code USER_HZ}: the unit of {@code utime} and {@code stime}. */
    static final int TICKS_PER_SECOND = 100;
    /** Microseconds per clock tick. */
    static final double MICROS_PER_TICK = 1e6 / TICKS_PER_SECOND;
    private static final int UTIME_AFTER_NAME = 11;

    private ProcStat(final FileChannel channel)
    {
        super(channel);
    }

    /**
     * @param file {@code /proc/<pid>/stat} or a file in its format.
     * @return the open file, or null when it is absent, unreadable or not in that format.
     */
    static ProcStat open(final Path file)
    {
        final FileChannel channel = openChannel(file);
        if (null == channel)
        {
            return null;
        }
        final ProcStat stat = new ProcStat(channel);
        if (stat.cpuTicks() < 0)
        {
            stat.close();
            return null;
        }
        return stat;
    }

    /**
     * @param pid a process id.
     * @return its {@code /proc/<pid>/stat}, open, or null when absent or unreadable.
     */
    static ProcStat open(final long pid)
    {
        return open(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * @return {@code utime + stime} now (clock ticks, all threads of the process), or -1 when unreadable.
     */
    long cpuTicks()
    {
        return read(ProcStat::parse);
    }

    /**
     * @param content text in the format of {@code /proc/<pid>/stat}.
     * @return {@code utime + stime}, or -1 when the text is not in that format.
     */
    static long parse(final String content)
    {
        final int nameEnd = content.lastIndexOf(')');
        if (nameEnd < 0)
        {
            return -1;
        }
        final String[] fields = content.substring(nameEnd + 1).strip().split("\\s+");
        if (fields.length <= UTIME_AFTER_NAME + 1)
        {
            return -1;
        }
        try
        {
            final long utime = Long.parseLong(fields[UTIME_AFTER_NAME]);
            final long stime = Long.parseLong(fields[UTIME_AFTER_NAME + 1]);
            return utime < 0 || stime < 0 ? -1 : utime + stime;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
