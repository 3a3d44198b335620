package dev.rollcall.bench;

import dev.rollcall.core.CommandCallback;
import dev.rollcall.model.Result;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The pipeline benchmarks' {@link CommandCallback}: one instance for every command, so
 * publishing through the callback API allocates nothing. Counts the results (on the fan-out
 * thread, the only writer) and the refusals, so a benchmark can wait for its commands between
 * iterations and check at the end that none was refused.
 */
final class ResultTally implements CommandCallback
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);

    private final AtomicLong results = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile Result firstRefusal;

    @Override
    public void onResult(final long correlationId, final Result result)
    {
        if (!result.isAccepted())
        {
            if (null == firstRefusal)
            {
                firstRefusal = result;
            }
            refused.lazySet(refused.get() + 1);
        }
        results.lazySet(results.get() + 1);
    }

    /**
     * @return results received so far.
     */
    long results()
    {
        return results.get();
    }

    /**
     * Wait (parking, not spinning: the machine may have two cores) until {@code expected}
     * results have arrived.
     *
     * @param expected how many commands were published with this callback.
     * @throws IllegalStateException after two minutes without them.
     */
    void await(final long expected)
    {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (results.get() < expected)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("only " + results.get() + " of " + expected + " results arrived");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * @throws IllegalStateException when a command was refused: the benchmark did not measure
     *                               what it says.
     */
    void checkNoneRefused()
    {
        if (refused.get() != 0)
        {
            throw new IllegalStateException(refused.get() + " commands were refused, the first with " + firstRefusal);
        }
    }
}
