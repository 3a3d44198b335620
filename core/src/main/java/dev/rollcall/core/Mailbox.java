package dev.rollcall.core;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * A subscriber's bounded queue of delivered events: the fan-out thread writes, one consumer
 * thread {@link #poll polls}. The fan-out never waits for a mailbox: when one is full, the
 * subscriber is dropped ({@link #state()} becomes {@link State#DROPPED_OVERFLOW}, the
 * {@link Counter#MAILBOX_OVERFLOWS} counter goes up and its subscriptions are removed
 * through the ring). Events queued before the drop can still be polled.
 * <p>
 * Obtain one with {@link Rollcall#openMailbox(long, int)}; {@link #close()} detaches it and
 * removes the subscriber's subscriptions.
 */
public final class Mailbox implements AutoCloseable
{
    /** Lifecycle of a mailbox. */
    public enum State
    {
        /** Receiving events. */
        ACTIVE,
        /** Dropped by the fan-out because it was full: the consumer fell behind. */
        DROPPED_OVERFLOW,
        /** Dropped because an event was larger than the mailbox's maximum message. */
        DROPPED_MESSAGE_TOO_LARGE,
        /** Closed by its owner. */
        CLOSED
    }

    private final long subscriberId;
    private final OneToOneRingBuffer ring;
    private final Rollcall rollcall;
    private final PresenceEvent event = new PresenceEvent();
    private final MessageHandler dispatcher = this::onMessage;
    private PresenceEventHandler handler;
    private volatile State state = State.ACTIVE;

    Mailbox(final long subscriberId, final int capacityBytes, final Rollcall rollcall)
    {
        this.subscriberId = subscriberId;
        this.rollcall = rollcall;
        final int length = capacityBytes + RingBufferDescriptor.TRAILER_LENGTH;
        ring = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(length)));
    }

    /** @return the subscriber this mailbox receives events for. */
    public long subscriberId()
    {
        return subscriberId;
    }

    /** @return the state; events queued before a drop can still be polled. */
    public State state()
    {
        return state;
    }

    /**
     * Deliver up to {@code limit} queued events to the handler, on the calling thread. Only
     * one thread may poll a mailbox.
     *
     * @param handler to call for each event.
     * @param limit   maximum events to deliver.
     * @return the number delivered.
     */
    public int poll(final PresenceEventHandler handler, final int limit)
    {
        this.handler = handler;
        try
        {
            return ring.read(dispatcher, limit);
        }
        finally
        {
            this.handler = null;
        }
    }

    /**
     * @return bytes queued and not yet polled.
     */
    public int queuedBytes()
    {
        return ring.size();
    }

    /**
     * Detach from the fan-out and remove this subscriber's subscriptions. Idempotent.
     */
    @Override
    public void close()
    {
        final State previous = state;
        state = State.CLOSED;
        if (previous == State.ACTIVE)
        {
            rollcall.detachMailbox(this);
        }
    }

    /**
     * Called by the fan-out thread.
     *
     * @return false when the event did not fit; the mailbox is then dropped.
     */
    boolean offer(final int typeId, final MutableDirectBuffer buffer, final int length)
    {
        if (length > ring.maxMsgLength())
        {
            state = State.DROPPED_MESSAGE_TOO_LARGE;
            return false;
        }
        if (!ring.write(typeId, buffer, 0, length))
        {
            state = State.DROPPED_OVERFLOW;
            return false;
        }
        return true;
    }


    private void onMessage(final int typeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        handler.onEvent(event.wrap(EventCodec.type(typeId), buffer, index, length));
    }
}
