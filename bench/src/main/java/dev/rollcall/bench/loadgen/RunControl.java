package dev.rollcall.bench.loadgen;

import java.util.concurrent.CountDownLatch;

/**
 * What the coordinating thread of a {@link LoadRun} shares with its workers: the time origin of
 * the update stamps, when updates start (set once every worker has connected), and the abort flag.
 */
final class RunControl
{
    /** {@code System.nanoTime()} the update stamps count from (same process, so comparable). */
    final long originNanos;
    /** Counted down by each worker when all its connections are ready or failed. */
    final CountDownLatch connected;
    /** When the update phase starts; {@code Long.MAX_VALUE} until the connect phase is over. */
    volatile long updatesStartNanos = Long.MAX_VALUE;
    /** Set to stop every worker at once (it closes its connections and returns). */
    volatile boolean abort;

    RunControl(final long originNanos, final int workers)
    {
        this.originNanos = originNanos;
        this.connected = new CountDownLatch(workers);
    }
}
