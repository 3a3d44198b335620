package dev.rollcall.gateway;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One gateway thread's latency of the updates it publishes, in nanoseconds, with both ends timed
 * by that thread (no cross-thread histogram writes, no clock on the core's threads):
 * <pre>
 *  CoreProxy.update        t0 = nanoTime, remembered with the command's correlation id
 *  InboxAdapter (result)   journaled  = nanoTime - t0   the core releases a result only once
 *                                                        the journal holds the input
 *  after the answer and the events for this thread's sessions are queued: t0 waits here
 *  end of the duty cycle   dispatched = nanoTime - t0   after the cycle's socket writes
 * </pre>
 * The commands of one thread come back in the order it published them (one publisher, the ring's
 * order, one inbox), so the start times wait in a FIFO of {@value #PENDING} entries, not a map: a
 * result pops the entries up to its correlation id (those before it lost their result to an inbox
 * overrun). Past {@value #PENDING} updates in flight the oldest start is forgotten (that update
 * is not sampled).
 * <p>
 * Samples go to a {@link SingleWriterRecorder} per kind (wait-free for this thread, allocation-free);
 * the exact count and sum ride beside it in ordered writes. {@link UpdateLatencies} reads them from
 * another thread. Used by its gateway thread only, except the reads named there.
 */
final class UpdateLatency
{
    /** Highest latency kept apart: longer ones are recorded as this. */
    static final long HIGHEST_NANOS = 60_000_000_000L;
    /** Two significant digits: 1 % resolution, and a histogram of about 30 KB. */
    static final int DIGITS = 2;
    /** Start times in flight at most. */
    static final int PENDING = 4096;
    /** What {@link #onResult} returns for a command that is not a sampled update. */
    static final long NOT_SAMPLED = Long.MIN_VALUE;

    static final int JOURNALED = 0;
    static final int DISPATCHED = 1;
    private static final int COUNT = 0;
    private static final int SUM = 1;

    private final SingleWriterRecorder[] recorders = {newRecorder(), newRecorder()};
    /** Per kind: count at 2 * kind, sum of nanoseconds at 2 * kind + 1. */
    private final AtomicLongArray totals = new AtomicLongArray(4);

    private final long[] pendingCorrelations = new long[PENDING];
    private final long[] pendingStarts = new long[PENDING];
    private long head;
    private long tail;

    private final long[] answered = new long[PENDING];
    private int answeredCount;

    static SingleWriterRecorder newRecorder()
    {
        return new SingleWriterRecorder(1, HIGHEST_NANOS, DIGITS);
    }

    static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_NANOS, DIGITS);
    }

    /**
     * An update is about to be published.
     *
     * @param correlationId the command's, increasing on this thread.
     */
    void onPublished(final long correlationId)
    {
        if (tail - head == PENDING)
        {
            head++;
        }
        final int index = (int)(tail & (PENDING - 1));
        pendingCorrelations[index] = correlationId;
        pendingStarts[index] = System.nanoTime();
        tail++;
    }

    /**
     * A command's result came back: when it is an update's, record its journaled latency.
     *
     * @param correlationId the result's.
     * @return the update's start time, or {@link #NOT_SAMPLED}.
     */
    long onResult(final long correlationId)
    {
        while (head != tail)
        {
            final int index = (int)(head & (PENDING - 1));
            final long pending = pendingCorrelations[index];
            if (pending > correlationId)
            {
                return NOT_SAMPLED;
            }
            head++;
            if (pending == correlationId)
            {
                final long startNs = pendingStarts[index];
                record(JOURNALED, System.nanoTime() - startNs);
                return startNs;
            }
        }
        return NOT_SAMPLED;
    }

    /**
     * The update's answer was handed to its connection: its dispatched latency is recorded after the
     * cycle's writes ({@link #onCycleFlushed()}).
     *
     * @param startNs what {@link #onResult} returned.
     */
    void onAnswered(final long startNs)
    {
        if (answeredCount == PENDING)
        {
            onCycleFlushed();
        }
        answered[answeredCount++] = startNs;
    }

    /**
     * The duty cycle wrote what its connections queued: the answers handed over in it are dispatched.
     */
    void onCycleFlushed()
    {
        final int count = answeredCount;
        if (count > 0)
        {
            final long nowNs = System.nanoTime();
            for (int i = 0; i < count; i++)
            {
                record(DISPATCHED, nowNs - answered[i]);
            }
            answeredCount = 0;
        }
    }

    private void record(final int kind, final long nanos)
    {
        final long value = Math.max(0, Math.min(nanos, HIGHEST_NANOS));
        recorders[kind].recordValue(value);
        final int count = 2 * kind + COUNT;
        final int sum = 2 * kind + SUM;
        totals.lazySet(sum, totals.get(sum) + value);
        totals.lazySet(count, totals.get(count) + 1);
    }

    // ---------------------------------------------------------------- any thread (UpdateLatencies)

    long count(final int kind)
    {
        return totals.get(2 * kind + COUNT);
    }

    long sumNanos(final int kind)
    {
        return totals.get(2 * kind + SUM);
    }

    /**
     * Overwrite {@code target} with the samples recorded since the last call (swapped out of the
     * recorder: the writer never waits, this reader may yield while a recording finishes).
     *
     * @param kind   {@link #JOURNALED} or {@link #DISPATCHED}.
     * @param target made by {@link #newHistogram()}.
     */
    void intervalInto(final int kind, final Histogram target)
    {
        recorders[kind].getIntervalHistogramInto(target);
    }
}
