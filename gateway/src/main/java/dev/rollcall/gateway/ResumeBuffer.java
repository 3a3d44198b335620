package dev.rollcall.gateway;

import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A session's most recent DISPATCH frames, kept for resume: at most {@code maxEvents} frames
 * and {@code maxBytes} bytes, oldest dropped first, frames the client acknowledged (heartbeat
 * {@code lastSeq}) released. The frames are stored back to back as they go on the wire, so
 * a resume copies a contiguous run. Holds no array while empty beyond a small one.
 */
final class ResumeBuffer
{
    /** Offset of the seq in a DISPATCH frame: length (4) + op (1), then the event body's seq. */
    static final int SEQ_OFFSET = Protocol.BODY_OFFSET + EventDescriptor.SEQ_OFFSET;
    /** What a session without a buffer reports: nothing held, nothing dropped (never appended to). */
    static final ResumeBuffer EMPTY = new ResumeBuffer(0, 0);
    private static final int KEEP_WHEN_EMPTY = 1024;
    private static final int INITIAL = 512;

    private final int maxEvents;
    private final int maxBytes;
    private byte[] data;
    private ByteBuffer view;
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
     * Append one DISPATCH frame (from position to limit).
     */
    void append(final ByteBuffer frame)
    {
        if (this == EMPTY)
        {
            throw new IllegalStateException("the shared empty resume buffer is never appended to");
        }
        final int length = frame.remaining();
        if (length > maxBytes)
        {
            release(Long.MAX_VALUE, true);
            lastDropped = seqOf(frame, frame.position());
            return;
        }
        while (count >= maxEvents || (tail - head) + length > maxBytes)
        {
            dropOldest();
        }
        ensureRoom(length);
        frame.get(data, tail, length);
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
     * Forget frames up to and including {@code seq} (the client has them).
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
            head += frameLength(head);
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
     * @return the bytes of the frames with seq greater than {@code lastSeq}.
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
            position += frameLength(position);
        }
        return position;
    }

    /**
     * Send every frame with seq greater than {@code lastSeq}, in order.
     *
     * @return false if the connection refused the bytes (closed as slow).
     */
    boolean replayAfter(final long lastSeq, final Connection connection)
    {
        final int position = firstAfter(lastSeq);
        if (position == tail)
        {
            return true;
        }
        final ByteBuffer run = ByteBuffer.wrap(data, position, tail - position);
        return connection.send(run);
    }

    private int frameLength(final int position)
    {
        return 4 + view.getInt(position);
    }

    private static long seqOf(final ByteBuffer frame, final int position)
    {
        return frame.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(position + SEQ_OFFSET);
    }
}
