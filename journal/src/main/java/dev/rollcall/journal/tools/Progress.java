package dev.rollcall.journal.tools;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * A progress line for long work, rewritten in place ({@code \r}) about every half second, on a
 * terminal only: nothing is printed when disabled, so CI logs never see it.
 */
final class Progress
{
    static final long DEFAULT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int CHECK_EVERY = 1024;

    private final PrintWriter err;
    private final String what;
    private final boolean enabled;
    private final long intervalNs;
    private final long started = System.nanoTime();
    private long nextAt;
    private long checks;
    private int width;

    /**
     * @param err        where the line goes (stderr).
     * @param what       what is counted, e.g. "inputs replayed".
     * @param enabled    false prints nothing (see {@link Terminal#isInteractive()}).
     * @param intervalNs least time between two lines.
     */
    Progress(final PrintWriter err, final String what, final boolean enabled, final long intervalNs)
    {
        this.err = err;
        this.what = what;
        this.enabled = enabled;
        this.intervalNs = intervalNs;
        nextAt = started + intervalNs;
    }

    /**
     * A progress line on stderr when it is a terminal.
     */
    static Progress onTerminal(final PrintWriter err, final String what)
    {
        return new Progress(err, what, Terminal.isInteractive(), DEFAULT_INTERVAL_NS);
    }

    /**
     * @param done work done so far; cheap to call for every unit (reads the clock every 1024 calls).
     */
    void update(final long done)
    {
        if (!enabled || ++checks % CHECK_EVERY != 0)
        {
            return;
        }
        final long now = System.nanoTime();
        if (now - nextAt < 0)
        {
            return;
        }
        nextAt = now + intervalNs;
        final double seconds = (now - started) / 1e9;
        final String line = String.format("%,d %s (%,.0f/s, %.1f s)", done, what, seconds > 0 ? done / seconds : 0.0, seconds);
        err.print('\r' + line + " ".repeat(Math.max(0, width - line.length())));
        err.flush();
        width = line.length();
    }

    /**
     * Erase the progress line, if one was printed.
     */
    void clear()
    {
        if (width > 0)
        {
            err.print('\r' + " ".repeat(width) + '\r');
            err.flush();
            width = 0;
        }
    }
}
