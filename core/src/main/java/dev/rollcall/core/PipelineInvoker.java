package dev.rollcall.core;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.agrona.ErrorHandler;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the pipeline on the caller's thread in layout {@link PipelineLayout#INVOKED}: polls the
 * ring ({@link EventPoller}) and hands each batch of at most {@link RingEvent#MAX_BATCH} inputs to
 * the {@link SerialStage}, and claims slots for producers so that the invoking thread never
 * waits for itself on a full ring. One thread invokes at a time (enforced); the journal is told
 * when that thread changes (the launching thread during start-up, then the embedding's thread,
 * then the closing thread).
 */
final class PipelineInvoker implements EventPoller.Handler<RingEvent>
{
    private final RingBuffer<RingEvent> ringBuffer;
    private final EventPoller<RingEvent> poller;
    private final SerialStage stage;
    private final Journal journal;
    private final RollcallCounters counters;
    private final ErrorHandler errorHandler;
    private final AtomicBoolean closing;
    private final AtomicBoolean invoking = new AtomicBoolean();
    private volatile Thread invokerThread;
    private volatile Thread inside;
    private int inBatch;
    private long lastSequence;

    PipelineInvoker(
        final RingBuffer<RingEvent> ringBuffer,
        final SerialStage stage,
        final Journal journal,
        final RollcallCounters counters,
        final ErrorHandler errorHandler,
        final AtomicBoolean closing)
    {
        this.ringBuffer = ringBuffer;
        this.stage = stage;
        this.journal = journal;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.closing = closing;
        poller = ringBuffer.newPoller();
        ringBuffer.addGatingSequences(poller.getSequence());
    }

    /**
     * @return the inputs handled: one batch of what producers have published, 0 when none.
     * @throws IllegalStateException when another thread is invoking.
     */
    int invoke()
    {
        if (!invoking.compareAndSet(false, true))
        {
            throw new IllegalStateException("invoke() is running on another thread: invoke from one thread at a time");
        }
        final Thread thread = Thread.currentThread();
        try
        {
            if (thread != invokerThread)
            {
                invokerThread = thread;
                journal.appendingThreadChanged();
            }
            inside = thread;
            inBatch = 0;
            poller.poll(this);
        }
        catch (final Throwable ex)
        {
            // as a batch processor's exception handler does: count, report, and move past the input
            poller.getSequence().set(lastSequence);
            counters.increment(Counter.HANDLER_ERRORS);
            errorHandler.onError(ex);
        }
        finally
        {
            inside = null;
            invoking.set(false);
        }
        return inBatch;
    }

    @Override
    public boolean onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        lastSequence = sequence;
        final boolean full = ++inBatch >= RingEvent.MAX_BATCH;
        stage.onEvent(event, sequence, endOfBatch || full);
        return !full;
    }

    /**
     * @param thread a thread.
     * @return true while that thread is inside {@link #invoke()} (running callbacks, which must not publish).
     */
    boolean isInside(final Thread thread)
    {
        return inside == thread;
    }

    /**
     * @return true when inputs wait to be invoked.
     */
    boolean hasPendingInputs()
    {
        return ringBuffer.getCursor() > poller.getSequence().get();
    }

    /**
     * From now on the given thread invokes (null: nobody until someone calls {@link #invoke()}).
     *
     * @param thread the thread, or null.
     */
    void invokerThread(final Thread thread)
    {
        invokerThread = thread;
        if (null != thread)
        {
            journal.appendingThreadChanged();
        }
    }

    /**
     * Claim a slot: a full ring waits for the invoking thread, and the invoking thread invokes
     * instead of waiting for itself; once closing has begun nobody else will invoke, so a waiting
     * producer is refused.
     *
     * @return the claimed sequence.
     */
    long claim()
    {
        while (true)
        {
            try
            {
                return ringBuffer.tryNext();
            }
            catch (final InsufficientCapacityException full)
            {
                if (Thread.currentThread() == invokerThread)
                {
                    invoke();
                }
                else if (closing.get())
                {
                    throw new IllegalStateException("Rollcall is closing");
                }
                else
                {
                    LockSupport.parkNanos(1);
                }
            }
        }
    }
}
