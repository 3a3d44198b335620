package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.model.EventType;
import dev.rollcall.model.wire.EventDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A session's most recent events, kept for resume: at most {@code maxEvents} events and
 * {@code maxBytes} bytes, oldest dropped first, events the peer acknowledged (heartbeat
 * {@code lastSeq}) released. Each is stored as {@code i32 length} then the core's bytes of the
 * event with the session's seq written in ({@link EventDescriptor}), back to back; a replay hands
 * them to the session's listener one by one, which encodes them as its protocol does. Holds no
 * array while empty beyond a small one.
 */
final class ResumeBuffer
{
    /** Offset of the seq in a record: its length (4), then the event, whose seq comes first. */
    static final int SEQ_OFFSET = Integer.BYTES + EventDescriptor.SEQ_OFFSET;
    private static final int RECORD_HEADER = Integer.BYTES;
    /** What a session without a buffer reports: nothing held, nothing dropped (never appended to). */
    static final ResumeBuffer EMPTY = new ResumeBuffer(0, 0);
    private static final int KEEP_WHEN_EMPTY = 1024;
    private static final int INITIAL = 512;

    private final int maxEvents;
    private final int maxBytes;
    private byte[] data;
    private ByteBuffer view;
    private UnsafeBuffer replayBuffer;
    private PresenceEvent replayEvent;
    private int head;
    private int tail;
    private int count;
    private long lastDropped;

    ResumeBuffer(final int maxEvents, final int maxBytes)
    {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /**
     * @return the highest seq no longer held, dropped or acknowledged (0 if none): a resume
     * from a lastSeq below it cannot be served.
     */
    long lastDropped()
    {
        return lastDropped;
    }

    int count()
    {
        return count;
    }

    int bytes()
    {
        return tail - head;
    }

    /**
     * Append one event, whose bytes already carry its seq.
     *
     * @param seq   the event's seq in the session.
     * @param event the event.
     */
    void append(final long seq, final PresenceEvent event)
    {
        if (this == EMPTY)
        {
            throw new IllegalStateException("the shared empty resume buffer is never appended to");
        }
        final int eventLength = event.length();
        final int length = RECORD_HEADER + eventLength;
        if (length > maxBytes)
        {
            release(Long.MAX_VALUE, true);
            lastDropped = seq;
            return;
        }
        while (count >= maxEvents || (tail - head) + length > maxBytes)
        {
            dropOldest();
        }
        ensureRoom(length);
        view.putInt(tail, eventLength);
        event.buffer().getBytes(event.offset(), data, tail + RECORD_HEADER, eventLength);
        tail += length;
        count++;
    }

    private void dropOldest()
    {
        release(view.getLong(head + SEQ_OFFSET), true);
    }

    private void ensureRoom(final int length)
    {
        if (null == data)
        {
            allocate(Math.max(INITIAL, length));
            return;
        }
        if (tail + length <= data.length)
        {
            return;
        }
        final int used = tail - head;
        if (used + length <= data.length && head > 0)
        {
            System.arraycopy(data, head, data, 0, used);
        }
        else
        {
            final byte[] bigger = new byte[Math.min(maxBytes, Math.max(data.length * 2, used + length))];
            System.arraycopy(data, head, bigger, 0, used);
            data = bigger;
            view = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            replayBuffer = null;
        }
        tail = used;
        head = 0;
    }

    private void allocate(final int size)
    {
        data = new byte[size];
        view = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        head = 0;
        tail = 0;
    }

    /**
     * Forget events up to and including {@code seq} (the client has them).
     */
    void acknowledge(final long seq)
    {
        release(seq, true);
    }

    private void release(final long seq, final boolean dropped)
    {
        while (count > 0 && view.getLong(head + SEQ_OFFSET) <= seq)
        {
            if (dropped)
            {
                lastDropped = view.getLong(head + SEQ_OFFSET);
            }
            head += recordLength(head);
            count--;
        }
        if (count == 0)
        {
            head = 0;
            tail = 0;
            if (null != data && data.length > KEEP_WHEN_EMPTY)
            {
                data = null;
                view = null;
                replayBuffer = null;
            }
        }
    }

    /**
     * Whether every event after {@code lastSeq} is still here.
     */
    boolean canReplayAfter(final long lastSeq)
    {
        return lastSeq >= lastDropped;
    }

    /**
     * @return the bytes of the events with seq greater than {@code lastSeq} (with their lengths).
     */
    int bytesAfter(final long lastSeq)
    {
        return tail - firstAfter(lastSeq);
    }

    private int firstAfter(final long lastSeq)
    {
        int position = head;
        while (position < tail && view.getLong(position + SEQ_OFFSET) <= lastSeq)
        {
            position += recordLength(position);
        }
        return position;
    }

    /**
     * Hand every event with seq greater than {@code lastSeq} to the session's listener, in order.
     *
     * @return false if the listener refused one (its connection closed).
     */
    boolean replayAfter(final long lastSeq, final EventSession session, final SessionListener listener)
    {
        int position = firstAfter(lastSeq);
        if (position == tail)
        {
            return true;
        }
        if (null == replayBuffer)
        {
            replayBuffer = new UnsafeBuffer(data);
            replayEvent = null == replayEvent ? new PresenceEvent().cacheStrings() : replayEvent;
        }
        while (position < tail)
        {
            final int length = view.getInt(position);
            final int at = position + RECORD_HEADER;
            replayEvent.wrap(EventType.fromCode(data[at + EventDescriptor.TYPE_OFFSET] & 0xFF), replayBuffer, at, length);
            if (!listener.onSessionEvent(session, view.getLong(position + SEQ_OFFSET), replayEvent))
            {
                return false;
            }
            position = at + length;
        }
        return true;
    }

    private int recordLength(final int position)
    {
        return RECORD_HEADER + view.getInt(position);
    }
}
