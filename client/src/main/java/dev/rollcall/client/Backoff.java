package dev.rollcall.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential from {@code initial} doubling up to {@code max}; with jitter each delay is drawn
 * uniformly from {@code [d/2, d]} ("equal jitter"), so that many clients dropped together do not reconnect
 * together, while never retrying immediately.
 */
final class Backoff
{
    private final long initialNanos;
    private final long maxNanos;
    private final boolean jitter;

    Backoff(final long initialNanos, final long maxNanos, final boolean jitter)
    {
        this.initialNanos = initialNanos;
        this.maxNanos = Math.max(initialNanos, maxNanos);
        this.jitter = jitter;
    }

    /**
     * The delay before a reconnect attempt.
     *
     * @param attempt 0 for the first attempt after a drop
     * @return the delay in nanoseconds
     */
    long delayNanos(final int attempt)
    {
        long delay = initialNanos;
        for (int i = 0; i < attempt && delay < maxNanos; i++)
        {
            delay = delay > maxNanos / 2 ? maxNanos : delay * 2;
        }
        delay = Math.min(delay, maxNanos);
        if (!jitter || delay < 2)
        {
            return delay;
        }
        final long half = delay / 2;
        return half + ThreadLocalRandom.current().nextLong(delay - half + 1);
    }
}
