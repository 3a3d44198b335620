package dev.rollcall.core;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableArrayBuffer;

/**
 * The journal stage: encodes each state input and hands it to the {@link Journal}, in
 * parallel with the business logic. Marks each input journaled only when the journal
 * accepted it.
 * <p>
 * A journal failure is fatal (fail-stop): the failed input, every input of its batch not yet
 * confirmed, and every later input are marked not journaled, and the journal is not called
 * again. The logic may already have applied them (in parallel, or earlier in a serial batch),
 * so the in-memory state may be ahead of the journal; but none of them is acknowledged or revealed, and a restart that recovers from
 * the journal rebuilds exactly what was acknowledged. Appending later inputs after a gap
 * instead would make the journal disagree with what replay needs.
 * <p>
 * At the end of each batch (when the journal has closed it) it publishes its progress and
 * wakes the fan-out if it waits: once per batch, not per input.
 */
final class JournalStage implements EventHandler<RingEvent>, JournalProgress
{
    private final Journal journal;
    private final boolean recording;
    private final RollcallCounters counters;
    private final ErrorHandler errorHandler;
    private final WaitStrategy waitStrategy;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private RingBuffer<RingEvent> ringBuffer;
    private Sequence sequence;
    private long unconfirmedFrom = -1;
    private volatile boolean failed;

    JournalStage(
        final Journal journal,
        final RollcallCounters counters,
        final ErrorHandler errorHandler,
        final WaitStrategy waitStrategy)
    {
        this.journal = journal;
        this.recording = journal != Journal.NONE && journal.recordsInputs();
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.waitStrategy = waitStrategy;
    }

    private volatile long journaledPosition;

    @Override
    public void setSequenceCallback(final Sequence sequence)
    {
        this.sequence = sequence;
    }

    /**
     * @return true once the journal has failed; from then on nothing is acknowledged.
     */
    @Override
    public boolean hasFailed()
    {
        return failed;
    }

    /**
     * Any thread.
     *
     * @return the published position (ring sequence + 1) up to which the journal holds every
     * input: what a query may reveal ({@link ClientTable}).
     */
    @Override
    public long journaledPosition()
    {
        return journaledPosition;
    }

    private void markUnconfirmedFailed(final long upTo)
    {
        for (long s = unconfirmedFrom; s <= upTo; s++)
        {
            final RingEvent unconfirmed = ringBuffer.get(s);
            if (InputType.isStateInput(unconfirmed.input.type))
            {
                unconfirmed.journaled = false;
                counters.increment(Counter.JOURNAL_FAILURES);
            }
        }
    }

    void ringBuffer(final RingBuffer<RingEvent> ringBuffer)
    {
        this.ringBuffer = ringBuffer;
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            journal(event, sequence, endOfBatch);
        }
        finally
        {
            if (endOfBatch)
            {
                unconfirmedFrom = -1;
                if (!failed)
                {
                    journaledPosition = sequence + 1;
                }
                if (null != this.sequence)
                {
                    this.sequence.set(sequence);
                    waitStrategy.signalAllWhenBlocking();
                }
            }
        }
    }

    private void journal(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        if (unconfirmedFrom < 0)
        {
            unconfirmedFrom = sequence;
        }
        final Input input = event.input;
        if (!recording)
        {
            event.journaled = true;
        }
        else if (InputType.isStateInput(input.type) && !failed)
        {
            try
            {
                final int length = InputCodec.encode(buffer, 0, input);
                journal.append(buffer, 0, length, sequence, endOfBatch);
                event.journaled = true;
            }
            catch (final Throwable ex)
            {
                failed = true;
                markUnconfirmedFailed(sequence);
                errorHandler.onError(ex);
            }
        }
        else if (failed && InputType.isStateInput(input.type))
        {
            event.journaled = false;
            counters.increment(Counter.JOURNAL_FAILURES);
        }
        else
        {
            event.journaled = !InputType.isStateInput(input.type);
            if (endOfBatch && !failed)
            {
                // the batch ends on a control input: the journal must still close the batch
                try
                {
                    journal.endOfBatch();
                }
                catch (final Throwable ex)
                {
                    failed = true;
                    markUnconfirmedFailed(sequence);
                    errorHandler.onError(ex);
                }
            }
        }

    }
}
