package dev.rollcall.gateway.cli;

import dev.rollcall.gateway.ConnectionException;
import org.agrona.ErrorHandler;
import org.slf4j.Logger;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code rollcall serve}'s error handler for the gateway and the core: every error reported
 * becomes one ERROR line naming where it happened and what it concerns (the gateway's
 * {@link ConnectionException} names the connection, user and address; the journal's exceptions
 * name the file or directory), e.g.
 * <pre>
 *   ERROR gateway - connection 7 (user 42, 127.0.0.1:50312, TCP): java.lang.IllegalStateException: ...
 * </pre>
 * The stack trace is logged the first time an error of its kind (class and throwing frame) is
 * seen, not again: the Agrona {@code DistinctErrorLog} idea. At most {@value #LINES_PER_SECOND}
 * lines a second: a handler that fails on every message never turns into a line per event; what
 * is left out is counted in the next line (the gateway's and the core's handler error counters
 * count every one). Called by several threads, on the error path only.
 */
final class LoggingErrorHandler implements ErrorHandler
{
    /** Lines logged at most per second. */
    static final int LINES_PER_SECOND = 10;
    private static final int MAX_DISTINCT = 1024;

    /** Where the lines go: the logger, or a test's list. */
    interface Sink
    {
        /**
         * @param line       the line.
         * @param stackTrace the error to log the stack trace of, or null for the line only.
         */
        void error(String line, Throwable stackTrace);
    }

    private final String source;
    private final Sink sink;
    private final LongSupplier clockMs;
    private final Set<String> seen = new HashSet<>();
    private long windowStartMs;
    private int linesInWindow;
    private long left;
    private boolean started;

    /**
     * @param log    the logger.
     * @param source where the errors come from ("gateway", "core"), the start of each line.
     */
    LoggingErrorHandler(final Logger log, final String source)
    {
        this(source, (line, stackTrace) ->
        {
            if (null == stackTrace)
            {
                log.error(line);
            }
            else
            {
                log.error(line, stackTrace);
            }
        }, System::currentTimeMillis);
    }

    LoggingErrorHandler(final String source, final Sink sink, final LongSupplier clockMs)
    {
        this.source = source;
        this.sink = sink;
        this.clockMs = clockMs;
    }

    @Override
    public synchronized void onError(final Throwable ex)
    {
        final long now = clockMs.getAsLong();
        if (!started || now - windowStartMs >= 1000)
        {
            started = true;
            windowStartMs = now;
            linesInWindow = 0;
        }
        if (linesInWindow >= LINES_PER_SECOND)
        {
            left++;
            return;
        }
        linesInWindow++;
        final String more = 0 == left ? "" : " (and " + left + " errors before it left out of the log)";
        left = 0;
        final Throwable kind = ex instanceof ConnectionException && null != ex.getCause() ? ex.getCause() : ex;
        final StackTraceElement[] frames = kind.getStackTrace();
        final String key = kind.getClass().getName() + '@' + (frames.length > 0 ? frames[0].toString() : "");
        final boolean first = seen.size() >= MAX_DISTINCT ? !seen.contains(key) : seen.add(key);
        final String what = ex instanceof ConnectionException ? ex.getMessage() : ex.toString();
        if (first)
        {
            sink.error(source + ": " + what + more, ex);
        }
        else
        {
            sink.error(source + ": " + what + more + " (stack trace logged at its first occurrence)", null);
        }
    }
}
