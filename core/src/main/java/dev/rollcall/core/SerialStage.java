package dev.rollcall.core;

import com.lmax.disruptor.DataProvider;
import com.lmax.disruptor.EventHandler;

/**
 * The whole pipeline's work on one thread, batch by batch (layout {@link PipelineLayout#SERIAL}):
 * each input of a batch is journaled and applied as it comes; at the end of the batch, once the
 * journal has closed it, the batch's outputs are fanned out in order. So nothing is revealed
 * before the journal holds it (rule 3) with no hand-off between stages: on a small machine
 * the hand-offs and the threads they need cost more than the parallelism gives back.
 * <p>
 * The slots of a batch stay valid until this handler's sequence moves past them, which happens
 * only after the batch returns. A batch is at most {@link RingEvent#MAX_BATCH} inputs (the
 * processor's or the invoker's limit).
 */
final class SerialStage implements EventHandler<RingEvent>
{
    private final JournalStage journalStage;
    private final LogicStage logicStage;
    private final FanOutStage fanOutStage;
    private final DataProvider<RingEvent> slots;
    private long batchStart = -1;

    SerialStage(
        final JournalStage journalStage,
        final LogicStage logicStage,
        final FanOutStage fanOutStage,
        final DataProvider<RingEvent> slots)
    {
        this.journalStage = journalStage;
        this.logicStage = logicStage;
        this.fanOutStage = fanOutStage;
        this.slots = slots;
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        if (batchStart < 0)
        {
            batchStart = sequence;
        }
        final long first = batchStart;
        if (endOfBatch)
        {
            batchStart = -1;
        }
        journalStage.onEvent(event, sequence, endOfBatch);
        logicStage.onEvent(event, sequence, endOfBatch);
        if (endOfBatch)
        {
            for (long s = first; s <= sequence; s++)
            {
                fanOutStage.onEvent(slots.get(s), s, s == sequence);
            }
        }
    }
}
