package dev.rollcall.core;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * The ring's wait strategy in layout {@link PipelineLayout#INVOKED}: no stage thread waits on the
 * ring (the embedding's thread polls it through {@link Rollcall#invoke()}), so a publish only
 * has to wake that thread when it sleeps: {@link #signalAllWhenBlocking()} runs the waker the
 * embedding registered ({@link Rollcall#invokerWaker(Runnable)}), which must be cheap when the
 * thread is awake (a fence and a flag, as the gateway's selector wake-up is).
 */
final class InvokerWaitStrategy implements WaitStrategy
{
    private volatile Runnable waker;

    void waker(final Runnable waker)
    {
        this.waker = waker;
    }

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
    {
        throw new UnsupportedOperationException("no stage thread waits in the invoked layout");
    }

    @Override
    public void signalAllWhenBlocking()
    {
        final Runnable waker = this.waker;
        if (null != waker)
        {
            waker.run();
        }
    }
}
