package dev.rollcall.core;

import java.util.concurrent.locks.LockSupport;

/**
 * What the clock thread sleeps on: the logic's earliest grace deadline, published once per
 * batch when it changed, and wake-ups from the fan-out (a dropped mailbox, a snapshot due by
 * input count). The clock thread
 * publishes a tick only when a deadline is due, so an idle pipeline journals nothing and burns
 * nothing; time still enters the logic only through inputs.
 * <p>
 * No lost wake-up: the clock thread writes the time it will wake at and then reads the deadline
 * again before parking; the logic writes the deadline and then reads that wake time (both
 * volatile, so one of them sees the other's write); an unpark given before the park makes it
 * return at once.
 */
final class ClockSignal
{
    /** The clock thread is parked with no wake time: only a signal wakes it. */
    static final long NEVER = Long.MAX_VALUE;

    private volatile long nextDeadline = Long.MAX_VALUE;
    private volatile long wakeAt = NEVER;
    private volatile Thread clockThread;
    private volatile boolean stopped;
    private volatile long snapshotAtInputs = Long.MAX_VALUE;
    private long publishedDeadline = Long.MAX_VALUE;

    /**
     * Logic thread, at the end of a batch.
     *
     * @param deadline the earliest grace deadline, or {@link Long#MAX_VALUE} for none.
     */
    void onNextDeadline(final long deadline)
    {
        if (deadline != publishedDeadline)
        {
            publishedDeadline = deadline;
            nextDeadline = deadline;
            if (deadline < wakeAt)
            {
                wake();
            }
        }
    }

    /**
     * Any thread: make the clock thread look at its work now.
     */
    void wake()
    {
        final Thread thread = clockThread;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Any thread: the clock thread is stopping; it must not park any more.
     */
    void stop()
    {
        stopped = true;
        wake();
    }

    /**
     * Clock thread: wake me when the fan-out has processed this many inputs.
     *
     * @param inputs the input count of the next snapshot by count, or {@link Long#MAX_VALUE} for none.
     */
    void snapshotAtInputs(final long inputs)
    {
        snapshotAtInputs = inputs;
    }

    /**
     * Fan-out thread, at the end of a batch.
     *
     * @param inputs inputs processed so far.
     */
    void onInputsProcessed(final long inputs)
    {
        if (inputs >= snapshotAtInputs)
        {
            // only the clock thread re-arms it (writing here could overwrite its new value)
            wake();
        }
    }

    long nextDeadline()
    {
        return nextDeadline;
    }

    void clockThread(final Thread thread)
    {
        clockThread = thread;
    }

    /**
     * Clock thread: park until {@code wakeAtMs} by {@code nowMs}, or until signalled.
     *
     * @param nowMs        the clock's time now.
     * @param wakeAtMs     when to look again at the latest, in the clock's time; {@link #NEVER} to
     *                     wait for a signal only.
     * @param deadlineSeen the deadline the wake time was computed from.
     */
    void park(final long nowMs, final long wakeAtMs, final long deadlineSeen)
    {
        wakeAt = wakeAtMs;
        if (nextDeadline == deadlineSeen && wakeAtMs > nowMs && !stopped)
        {
            if (wakeAtMs == NEVER)
            {
                LockSupport.park(this);
            }
            else
            {
                LockSupport.parkNanos(this, (wakeAtMs - nowMs) * 1_000_000L);
            }
        }
        wakeAt = NEVER;
    }
}
