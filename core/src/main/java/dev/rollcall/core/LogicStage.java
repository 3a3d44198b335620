package dev.rollcall.core;

import dev.rollcall.model.Result;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import org.agrona.ErrorHandler;

/**
 * The business-logic stage: the only thread that runs {@link PresenceLogic}. A failure
 * inside the logic is a bug: it is counted and reported, the input's outputs are discarded
 * and its result is {@link Result#INTERNAL_ERROR}; the pipeline keeps running.
 * <p>
 * At the end of each batch it publishes its progress and wakes the fan-out if it waits (once
 * per batch, not per input), and tells the clock thread the earliest grace deadline when it
 * changed.
 * <p>
 * A {@code TAKE_SNAPSHOT} only records the position (inputs applied); the state is never
 * serialised here ({@link SnapshotWriter}).
 */
final class LogicStage implements EventHandler<RingEvent>
{
    private final PresenceLogic logic;
    private final RollcallCounters counters;
    private final ErrorHandler errorHandler;
    private final WaitStrategy waitStrategy;
    private final ClockSignal clockSignal;
    private final JournalProgress journal;
    private Sequence sequence;

    LogicStage(
        final PresenceLogic logic,
        final RollcallCounters counters,
        final ErrorHandler errorHandler,
        final WaitStrategy waitStrategy,
        final ClockSignal clockSignal,
        final JournalProgress journal)
    {
        this.journal = journal;
        this.logic = logic;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.waitStrategy = waitStrategy;
        this.clockSignal = clockSignal;
    }

    @Override
    public void setSequenceCallback(final Sequence sequence)
    {
        this.sequence = sequence;
    }

    /**
     * All a snapshot costs this thread: the position it covers. The fan-out hands it to the
     * {@link SnapshotWriter} once the journal holds those inputs, and that thread rebuilds the
     * state there from the journal: a snapshot never reads this logic's tables.
     */
    private void takeSnapshot(final RingEvent event)
    {
        event.snapshotPosition = logic.appliedInputs();
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            logic.position(sequence + 1);
            apply(event, sequence);
        }
        finally
        {
            if (endOfBatch)
            {
                if (null != this.sequence)
                {
                    this.sequence.set(sequence);
                    waitStrategy.signalAllWhenBlocking();
                }
                clockSignal.onNextDeadline(logic.nextDeadline());
            }
        }
    }

    private void apply(final RingEvent event, final long sequence)
    {
        final Input input = event.input;
        if (!InputType.isStateInput(input.type))
        {
            event.outbox.reset();
            if (input.type == InputType.TAKE_SNAPSHOT)
            {
                takeSnapshot(event);
            }
            return;
        }
        if (journal.hasFailed() && sequence + 1 > journal.journaledPosition())
        {
            // fail-stop: once the journal has failed, nothing it does not hold is applied any more
            // (the fan-out answers JOURNAL_FAILED)
            event.outbox.reset();
            return;
        }
        try
        {
            event.result = logic.apply(input, event.outbox);
        }
        catch (final Throwable ex)
        {
            event.outbox.reset();
            event.result = Result.INTERNAL_ERROR;
            counters.increment(Counter.HANDLER_ERRORS);
            errorHandler.onError(ex);
        }
    }
}
