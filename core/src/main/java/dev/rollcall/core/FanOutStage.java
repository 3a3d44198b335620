package dev.rollcall.core;

import dev.rollcall.model.Result;
import com.lmax.disruptor.EventHandler;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.CompletableFuture;

/**
 * The fan-out stage, gated on both the journal and the business logic, so nothing it does
 * reveals an unjournaled input. Per input, in order: issues connection directives, encodes each
 * event once ({@link EventCodec}: the body of the wire's {@code DISPATCH}) and copies those bytes
 * into each recipient's {@link Mailbox} and to the {@link EventSink}, then completes the command's
 * callback or future.
 * <p>
 * It never waits: a full mailbox is dropped and queued for removal of its subscriptions
 * (done by the ticker thread through the ring, since this stage must not publish into the
 * ring it consumes).
 * <p>
 * At the end of each batch it tells the {@link EventSink} ({@link EventSink#onEndOfBatch()}), so
 * an embedding server wakes its threads once per batch.
 */
final class FanOutStage implements EventHandler<RingEvent>
{
    private final ConnectionDirectiveHandler directives;
    private final EventSink sink;
    private final RollcallCounters counters;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes;
    private final Long2ObjectHashMap<Mailbox> mailboxes = new Long2ObjectHashMap<>();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);
    private final EventCodec eventCodec = new EventCodec();
    private final SnapshotWriter snapshots;
    private final JournalStage journalStage;
    private final ClockSignal clockSignal;
    private final boolean deferEndOfBatch;
    private boolean endOfBatchDeferred;

    FanOutStage(
        final ConnectionDirectiveHandler directives,
        final EventSink sink,
        final RollcallCounters counters,
        final ErrorHandler errorHandler,
        final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes,
        final SnapshotWriter snapshots,
        final JournalStage journalStage,
        final ClockSignal clockSignal,
        final boolean deferEndOfBatch)
    {
        this.clockSignal = clockSignal;
        this.deferEndOfBatch = deferEndOfBatch;
        this.snapshots = snapshots;
        this.journalStage = journalStage;
        this.directives = directives;
        this.sink = sink;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.droppedMailboxes = droppedMailboxes;
    }

    @Override
    public void onEvent(final RingEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            onInput(event);
        }
        finally
        {
            if (endOfBatch)
            {
                endOfBatch();
            }
        }
    }

    private void endOfBatch()
    {
        clockSignal.onInputsProcessed(counters.get(Counter.INPUTS_PROCESSED));
        if (deferEndOfBatch)
        {
            endOfBatchDeferred = true;
        }
        else
        {
            tellEndOfBatch();
        }
    }

    /**
     * A sequenced pipeline's log owner applies one input at a time: the sink hears of the end of a
     * batch once per pass over the log ({@link Rollcall#endOfSequencedBatch()}), not once per input.
     */
    void flushEndOfBatch()
    {
        if (endOfBatchDeferred)
        {
            endOfBatchDeferred = false;
            tellEndOfBatch();
        }
    }

    private void tellEndOfBatch()
    {
        if (sink != EventSink.NONE)
        {
            try
            {
                sink.onEndOfBatch();
            }
            catch (final Throwable ex)
            {
                reportError(ex);
            }
        }
    }

    private void onInput(final RingEvent event)
    {
        final int type = event.input.type;
        if (!InputType.isStateInput(type))
        {
            onControl(event);
            event.release();
            return;
        }

        if (!event.journaled)
        {
            complete(event, Result.JOURNAL_FAILED);
            return;
        }

        final Outbox outbox = event.outbox;
        for (int i = 0, n = outbox.directiveCount(); i < n; i++)
        {
            counters.add(Counter.DIRECTIVES_ISSUED, 1);
            try
            {
                directives.closeConnection(
                    outbox.directiveUser(i), outbox.directiveConnection(i),
                    ConnectionDirectiveHandler.CloseReason.DISCONNECTED_BY_SERVER);
            }
            catch (final Throwable ex)
            {
                reportError(ex);
            }
        }
        for (int i = 0, n = outbox.eventCount(); i < n; i++)
        {
            deliver(outbox.event(i));
        }
        // commands first: a reader that sees an input counted (the clock thread deciding whether
        // anything but ticks happened) then sees its command counted too
        if (type != InputType.TICK)
        {
            counters.add(Counter.COMMANDS_PROCESSED, 1);
        }
        counters.inputApplied(type);
        counters.add(Counter.INPUTS_PROCESSED, 1);
        complete(event, null == event.result ? Result.INTERNAL_ERROR : event.result);
    }

    private void deliver(final OutEvent event)
    {
        final int length;
        try
        {
            length = eventCodec.encode(scratch, event);
        }
        catch (final IllegalArgumentException ex)
        {
            reportError(new IllegalStateException(
                event.type + " of user " + event.userId + " cannot be encoded; it is not delivered", ex));
            return;
        }
        final int typeId = EventCodec.typeId(event.type);
        final LongArrayList recipients = event.recipients;
        long delivered = 0;
        long undeliverable = 0;
        for (int i = 0, n = recipients.size(); i < n; i++)
        {
            final long recipient = recipients.getLong(i);
            if (recipient == EventSink.FIREHOSE)
            {
                continue;
            }
            final Mailbox mailbox = mailboxes.get(recipient);
            if (null == mailbox)
            {
                undeliverable++;
            }
            else if (mailbox.offer(typeId, scratch, length))
            {
                delivered++;
            }
            else
            {
                drop(mailbox);
            }
        }
        if (delivered > 0)
        {
            counters.add(Counter.EVENTS_DELIVERED, delivered);
        }
        if (undeliverable > 0)
        {
            counters.add(Counter.EVENTS_UNDELIVERABLE, undeliverable);
        }
        if (sink != EventSink.NONE)
        {
            try
            {
                sink.onEvent(event.type, scratch, 0, length, recipients);
            }
            catch (final Throwable ex)
            {
                reportError(ex);
            }
        }
    }

    private void drop(final Mailbox mailbox)
    {
        mailboxes.remove(mailbox.subscriberId());
        counters.increment(Counter.MAILBOX_OVERFLOWS);
        if (!droppedMailboxes.offer(mailbox))
        {
            reportError(new IllegalStateException(
                "dropped-mailbox queue full; subscriptions of subscriber " + mailbox.subscriberId() + " are kept"));
        }
        clockSignal.wake();
    }

    private void onControl(final RingEvent event)
    {
        final Mailbox mailbox = event.mailbox;
        switch (event.input.type)
        {
            case InputType.ATTACH_MAILBOX -> mailboxes.put(mailbox.subscriberId(), mailbox);
            case InputType.DETACH_MAILBOX ->
            {
                if (mailboxes.get(mailbox.subscriberId()) == mailbox)
                {
                    mailboxes.remove(mailbox.subscriberId());
                }
            }
            case InputType.TAKE_SNAPSHOT -> onSnapshot(event);
            default -> reportError(new IllegalStateException("unknown control input " + event.input.type));
        }
    }

    /**
     * Every input the snapshot covers precedes it in the ring, so the journal has them all
     * unless it failed (then it has stopped, and the snapshot would reveal unjournaled state):
     * the snapshot thread may read them back now. A journal that stores no snapshots gets none:
     * there is nothing to build, and the future completes with the position.
     */
    private void onSnapshot(final RingEvent event)
    {
        final CompletableFuture<Long> future = event.snapshotFuture;
        if (journalStage.hasFailed())
        {
            fail(future, new IllegalStateException("the journal has failed; no snapshot is taken"));
        }
        else if (null == snapshots)
        {
            if (null != future)
            {
                future.complete(event.snapshotPosition);
            }
        }
        else
        {
            try
            {
                snapshots.request(event.snapshotPosition, future);
            }
            catch (final Throwable ex)
            {
                reportError(ex);
                fail(future, ex);
            }
        }
    }

    private static void fail(final CompletableFuture<Long> future, final Throwable cause)
    {
        if (null != future)
        {
            future.completeExceptionally(cause);
        }
    }

    private void complete(final RingEvent event, final Result result)
    {
        counters.recordResult(result);
        try
        {
            if (null != event.callback)
            {
                event.callback.onResult(event.correlationId, result);
            }
            if (null != event.future)
            {
                event.future.complete(result);
            }
        }
        catch (final Throwable ex)
        {
            reportError(ex);
        }
        finally
        {
            event.release();
        }
    }

    private void reportError(final Throwable ex)
    {
        counters.increment(Counter.HANDLER_ERRORS);
        errorHandler.onError(ex);
    }
}
