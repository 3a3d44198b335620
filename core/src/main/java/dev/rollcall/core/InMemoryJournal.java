package dev.rollcall.core;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Consumer;

/**
 * A journal kept on the heap: records every input, length-prefixed, and can replay them.
 * For tests, embedding without persistence, and as the simplest example of the SPI.
 * Appends come from the journal thread; call {@link #replay} once the pipeline is closed.
 */
public final class InMemoryJournal implements Journal
{
    private final ExpandableArrayBuffer log = new ExpandableArrayBuffer(64 * 1024);
    private int position;
    private int count;

    @Override
    public synchronized void append(
        final DirectBuffer buffer, final int offset, final int length, final long sequence, final boolean endOfBatch)
    {
        log.putInt(position, length, CodecUtil.ORDER);
        log.putBytes(position + Integer.BYTES, buffer, offset, length);
        position += Integer.BYTES + length;
        count++;
    }

    /**
     * @return how many inputs were recorded.
     */
    public synchronized int size()
    {
        return count;
    }

    /**
     * Decode every recorded input, in order, into the reused {@code input} and pass it on.
     *
     * @param consumer called per input.
     */
    public synchronized void replay(final Consumer<Input> consumer)
    {
        final Input input = new Input();
        final UnsafeBuffer view = new UnsafeBuffer(log.byteArray(), 0, position);
        int p = 0;
        while (p < position)
        {
            final int length = view.getInt(p, CodecUtil.ORDER);
            InputCodec.decode(view, p + Integer.BYTES, length, input);
            consumer.accept(input);
            p += Integer.BYTES + length;
        }
    }
}
