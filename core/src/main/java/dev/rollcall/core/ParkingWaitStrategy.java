package dev.rollcall.core;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Spin, then yield, then park: a wait strategy that parks on the sequence a stage is really
 * waiting for, the ring's cursor for a first stage and the slowest of its dependencies for a
 * gated stage (Disruptor's {@code BlockingWaitStrategy} parks only on the cursor and busy-spins
 * on dependencies, which burnt a core of two here).
 * <p>
 * Whoever advances a sequence a stage may wait on must call {@link #signalAllWhenBlocking()}
 * after advancing it: the ring does on every publish, and Rollcall's stages do once per batch
 * (they set their own sequence at the end of a batch through
 * {@link com.lmax.disruptor.EventHandler#setSequenceCallback}, then signal). A signal costs
 * a fence and one read while nobody is parked, and an unpark per parked waiter otherwise.
 * <p>
 * No lost wake-up: a waiter registers itself and counts itself waiting (a full fence), then
 * reads the sequence again before parking; a signaller fences after its store and reads the
 * count. Either the waiter sees the new value, or the signaller sees the waiter and unparks it
 * (a permit given before {@code park} makes {@code park} return at once). Parking allocates
 * nothing.
 */
public final class ParkingWaitStrategy implements WaitStrategy
{
    /** Default busy-spin polls before yielding: a few microseconds on this project's machines. */
    public static final int DEFAULT_SPIN_TRIES = 100;
    /**
     * Default {@link Thread#yield()} polls before parking: none. On a small shared machine a
     * yield is a system call that rarely finds the awaited sequence moved (docs/ARCHITECTURE.md).
     */
    public static final int DEFAULT_YIELD_TRIES = 0;

    private static final int MAX_WAITERS = 64;

    private final int spinTries;
    private final int yieldTries;
    private final AtomicReferenceArray<Thread> waiters = new AtomicReferenceArray<>(MAX_WAITERS);
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * With the default spin and yield counts.
     */
    public ParkingWaitStrategy()
    {
        this(DEFAULT_SPIN_TRIES, DEFAULT_YIELD_TRIES);
    }

    /**
     * @param spinTries  polls with {@link Thread#onSpinWait()} before yielding; 0 for none.
     * @param yieldTries polls with {@link Thread#yield()} before parking; 0 for none.
     */
    public ParkingWaitStrategy(final int spinTries, final int yieldTries)
    {
        if (spinTries < 0 || yieldTries < 0)
        {
            throw new IllegalArgumentException("spin and yield tries must be >= 0: " + spinTries + ", " + yieldTries);
        }
        this.spinTries = spinTries;
        this.yieldTries = yieldTries;
    }

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException
    {
        long available;
        int tries = 0;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            if (tries < spinTries)
            {
                tries++;
                Thread.onSpinWait();
            }
            else if (tries < spinTries + yieldTries)
            {
                tries++;
                Thread.yield();
            }
            else
            {
                park(sequence, dependentSequence, barrier);
            }
        }
        return available;
    }

    private void park(final long sequence, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException
    {
        final Thread thread = Thread.currentThread();
        final int slot = register(thread);
        waiting.getAndIncrement();
        try
        {
            if (dependentSequence.get() < sequence)
            {
                barrier.checkAlert();
                LockSupport.park(this);
            }
        }
        finally
        {
            waiting.getAndDecrement();
            waiters.set(slot, null);
        }
    }

    private int register(final Thread thread)
    {
        while (true)
        {
            for (int i = 0; i < MAX_WAITERS; i++)
            {
                if (null == waiters.get(i) && waiters.compareAndSet(i, null, thread))
                {
                    return i;
                }
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void signalAllWhenBlocking()
    {
        VarHandle.fullFence();
        if (0 == waiting.get())
        {
            return;
        }
        for (int i = 0; i < MAX_WAITERS; i++)
        {
            final Thread thread = waiters.get(i);
            if (null != thread)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public String toString()
    {
        return "ParkingWaitStrategy{spinTries=" + spinTries + ", yieldTries=" + yieldTries + '}';
    }
}
