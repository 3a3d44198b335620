package dev.rollcall.cluster;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An idle strategy that spins briefly, yields, then parks for at most a bound (the agent still has
 * timers of its own to keep: keepalives, egress), and that another thread wakes at once with
 * {@link #wake()} when it hands the agent work: so an idle agent sleeps and a busy one does not
 * wait for its park to end. One agent thread idles; any thread wakes.
 */
final class WakeableIdleStrategy implements IdleStrategy
{
    private static final int SPINS = 20;
    private static final int YIELDS = 10;

    private final long maxParkNs;
    private final BooleanSupplier hasWork;
    private volatile Thread parked;
    private int idles;

    /**
     * @param maxParkMs the longest park.
     * @param hasWork   read again after the agent says it parks and before it does, so work handed
     *                  over in between is never left waiting for the park to end.
     */
    WakeableIdleStrategy(final long maxParkMs, final BooleanSupplier hasWork)
    {
        this.maxParkNs = TimeUnit.MILLISECONDS.toNanos(maxParkMs);
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
            idles = 0;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        if (idles < SPINS)
        {
            idles++;
            Thread.onSpinWait();
        }
        else if (idles < SPINS + YIELDS)
        {
            idles++;
            Thread.yield();
        }
        else
        {
            parked = Thread.currentThread();
            if (!hasWork.getAsBoolean())
            {
                LockSupport.parkNanos(this, maxParkNs);
            }
            parked = null;
        }
    }

    @Override
    public void reset()
    {
        idles = 0;
    }

    @Override
    public String alias()
    {
        return "wakeable";
    }
}
