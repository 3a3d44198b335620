package dev.rollcall.core;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Consumer;

/**
 * A journal kept on the heap: records every input, length-prefixed, keeps the latest
 * snapshot, rebuilds the state at any journaled position for the snapshot thread, and
 * recovers from them — so one instance passed to successive {@link Rollcall}s
 * behaves like a journal directory across restarts, minus the disk. For tests, embedding
 * without persistence, and as the simplest complete example of the SPI.
 */
public final class InMemoryJournal implements Journal
{
    private final ExpandableArrayBuffer log = new ExpandableArrayBuffer(64 * 1024);
    private final boolean storesSnapshots;
    private int position;
    private int count;
    private byte[] snapshot;
    private long snapshotPosition;

    /**
     * A journal that also keeps snapshots.
     */
    public InMemoryJournal()
    {
        this(true);
    }

    /**
     * @param storesSnapshots whether the pipeline should hand it snapshots.
     */
    public InMemoryJournal(final boolean storesSnapshots)
    {
        this.storesSnapshots = storesSnapshots;
    }

    @Override
    public synchronized void append(
        final DirectBuffer buffer, final int offset, final int length, final long sequence, final boolean endOfBatch)
    {
        log.putInt(position, length, CodecUtil.ORDER);
        log.putBytes(position + Integer.BYTES, buffer, offset, length);
        position += Integer.BYTES + length;
        count++;
    }

    @Override
    public synchronized void recover(final PresenceStateMachine state)
    {
        if (null != snapshot)
        {
            state.loadSnapshot(new UnsafeBuffer(snapshot), 0, snapshot.length);
        }
        final long after = snapshotPosition;
        forEach((number, buffer, offset, length) ->
        {
            if (number > after)
            {
                state.apply(buffer, offset, length);
            }
        });
    }

    /**
     * Under the lock only the inputs needed are copied (the journal thread's appends wait for that
     * copy, not for the replay); they are applied after it is released.
     */
    @Override
    public void rebuild(final PresenceStateMachine state, final long covered)
    {
        final byte[] base;
        final byte[] inputs;
        synchronized (this)
        {
            if (covered < 0 || covered > count)
            {
                throw new IllegalStateException("the in-memory journal holds " + count + " inputs, not " + covered);
            }
            base = null != snapshot && snapshotPosition <= covered ? snapshot : null;
            final long after = null == base ? 0 : snapshotPosition;
            int start = 0;
            for (long number = 1; number <= after; number++)
            {
                start += Integer.BYTES + log.getInt(start, CodecUtil.ORDER);
            }
            int end = start;
            for (long number = after + 1; number <= covered; number++)
            {
                end += Integer.BYTES + log.getInt(end, CodecUtil.ORDER);
            }
            inputs = new byte[end - start];
            log.getBytes(start, inputs);
        }
        if (null != base)
        {
            state.loadSnapshot(new UnsafeBuffer(base), 0, base.length);
        }
        final UnsafeBuffer view = new UnsafeBuffer(inputs);
        for (int p = 0; p < inputs.length; )
        {
            final int length = view.getInt(p, CodecUtil.ORDER);
            state.apply(view, p + Integer.BYTES, length);
            p += Integer.BYTES + length;
        }
    }

    @Override
    public boolean storesSnapshots()
    {
        return storesSnapshots;
    }

    @Override
    public synchronized void onSnapshot(final DirectBuffer buffer, final int length, final long position)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(0, copy);
        snapshot = copy;
        snapshotPosition = position;
    }

    /**
     * @return how many inputs were recorded.
     */
    public synchronized int size()
    {
        return count;
    }

    /**
     * @return the position of the latest snapshot, 0 when none.
     */
    public synchronized long snapshotPosition()
    {
        return snapshotPosition;
    }

    /**
     * @return a copy of the latest snapshot's bytes, or null when none.
     */
    public synchronized byte[] snapshot()
    {
        return null == snapshot ? null : snapshot.clone();
    }

    /**
     * Decode every recorded input, in order, into the reused {@code input} and pass it on.
     *
     * @param consumer called per input.
     */
    public synchronized void replay(final Consumer<Input> consumer)
    {
        final Input input = new Input();
        forEach((number, buffer, offset, length) ->
        {
            InputCodec.decode(buffer, offset, length, input);
            consumer.accept(input);
        });
    }

    private interface EntryVisitor
    {
        void onEntry(long number, DirectBuffer buffer, int offset, int length);
    }

    private void forEach(final EntryVisitor visitor)
    {
        final UnsafeBuffer view = new UnsafeBuffer(log.byteArray(), 0, position);
        int p = 0;
        for (long number = 1; p < position; number++)
        {
            final int length = view.getInt(p, CodecUtil.ORDER);
            visitor.onEntry(number, view, p + Integer.BYTES, length);
            p += Integer.BYTES + length;
        }
    }
}
