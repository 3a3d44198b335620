package dev.rollcall.cluster;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An idle strategy that spins briefly, may yield, then parks for twice as long each time up to a
 * bound (the agent still has what arrives by network and timers of its own to keep: a quiet agent
 * sleeps, one that just worked looks again soon), and that another thread wakes at once with
 * {@link #wake()} when it hands the agent work: so an idle agent sleeps and a busy one does not
 * wait for its park to end. One agent thread idles; any thread wakes.
 */
final class WakeableIdleStrategy implements IdleStrategy
{
    private final int spins;
    private final int yields;
    private final long minParkNs;
    private final long maxParkNs;
    private final BooleanSupplier hasWork;
    private volatile Thread parked;
    private int idles;
    private long parkNs;

    /**
     * @param spins     duty cycles with nothing done before the first yield.
     * @param yields    duty cycles with nothing done, each after a yield, before the first park.
     * @param minParkUs the first park.
     * @param maxParkUs the longest park.
     * @param hasWork   read again after the agent says it parks and before it does, so work handed
     *                  over in between is never left waiting for the park to end.
     */
    WakeableIdleStrategy(
        final int spins, final int yields, final long minParkUs, final long maxParkUs, final BooleanSupplier hasWork)
    {
        this.spins = spins;
        this.yields = yields;
        this.minParkNs = TimeUnit.MICROSECONDS.toNanos(minParkUs);
        this.maxParkNs = TimeUnit.MICROSECONDS.toNanos(maxParkUs);
        this.parkNs = minParkNs;
        this.hasWork = hasWork;
    }

    /** Any thread: end the agent's park now (or its next one at once). */
    void wake()
    {
        final Thread thread = parked;
        if (null != thread)
        {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        if (idles < spins)
        {
            idles++;
            Thread.onSpinWait();
        }
        else if (idles < spins + yields)
        {
            idles++;
            Thread.yield();
        }
        else
        {
            parked = Thread.currentThread();
            if (!hasWork.getAsBoolean())
            {
                LockSupport.parkNanos(this, parkNs);
                parkNs = Math.min(2 * parkNs, maxParkNs);
            }
            parked = null;
        }
    }

    @Override
    public void reset()
    {
        idles = 0;
        parkNs = minParkNs;
    }

    @Override
    public String alias()
    {
        return "wakeable";
    }
}
