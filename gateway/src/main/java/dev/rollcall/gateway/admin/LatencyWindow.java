package dev.rollcall.gateway.admin;

import dev.rollcall.gateway.UpdateLatencies;
import org.HdrHistogram.Histogram;

/**
 * The recent distribution of one update latency, for a summary's quantiles: the samples drained
 * from the gateway at each scrape land in the current one of {@value #BUCKETS} buckets of
 * {@value #BUCKET_SECONDS} s, the oldest bucket is cleared as time moves on, and the quantiles are
 * read from all of them merged. So they cover the samples drained in the last 4 to 5 minutes (the
 * Prometheus Java client's summaries also age out over buckets). Every histogram is made once:
 * a scrape allocates nothing here. Used by the admin thread only.
 */
final class LatencyWindow
{
    static final int BUCKETS = 5;
    static final long BUCKET_SECONDS = 60;
    private static final long BUCKET_NANOS = BUCKET_SECONDS * 1_000_000_000L;

    private final Histogram[] buckets = new Histogram[BUCKETS];
    private final Histogram merged = UpdateLatencies.newHistogram();
    private int current;
    private long currentEndsNs;

    LatencyWindow(final long nowNs)
    {
        for (int i = 0; i < BUCKETS; i++)
        {
            buckets[i] = UpdateLatencies.newHistogram();
        }
        currentEndsNs = nowNs + BUCKET_NANOS;
    }

    /**
     * Age the window to {@code nowNs}: buckets older than the window are cleared.
     *
     * @param nowNs {@link System#nanoTime()} now.
     * @return the bucket the samples drained now go into.
     */
    Histogram current(final long nowNs)
    {
        int cleared = 0;
        while (nowNs - currentEndsNs >= 0 && cleared < BUCKETS)
        {
            current = (current + 1) % BUCKETS;
            buckets[current].reset();
            currentEndsNs += BUCKET_NANOS;
            cleared++;
        }
        if (nowNs - currentEndsNs >= 0)
        {
            currentEndsNs = nowNs + BUCKET_NANOS; // idle longer than the window: every bucket is clear
        }
        return buckets[current];
    }

    /**
     * @return every bucket's samples merged (valid until the next call).
     */
    Histogram merged()
    {
        merged.reset();
        for (final Histogram bucket : buckets)
        {
            merged.add(bucket);
        }
        return merged;
    }
}
