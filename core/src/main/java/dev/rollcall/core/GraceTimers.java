package dev.rollcall.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The grace countdowns of disconnected clients: an indexed binary min-heap ordered by
 * (deadline, userId). Each client knows its own position, so a reconnect cancels its
 * countdown in O(log n).
 * <p>
 * Why not Agrona's {@code DeadlineTimerWheel}: a wheel must be polled tick by tick, so a
 * replay across an idle gap of hours walks millions of empty ticks, and the order in which
 * it expires timers of the same tick depends on the history of the wheel. A heap expires
 * exactly at the deadline whatever the gaps between inputs, in an order that is a pure
 * function of the state (deadline, then user id), which keeps replay from a snapshot
 * byte-identical to live processing. Allocates only when it grows.
 * <p>
 * Its owner (the logic thread) also publishes the count with a release store after each change,
 * so another thread can read how many clients are in grace ({@link #publishedSize()}) without
 * touching the heap.
 */
final class GraceTimers
{
    private static final VarHandle PUBLISHED_SIZE;

    static
    {
        try
        {
            PUBLISHED_SIZE = MethodHandles.lookup().findVarHandle(GraceTimers.class, "publishedSize", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private ClientState[] heap = new ClientState[64];
    private long[] deadlines = new long[64];
    private int size;
    @SuppressWarnings("unused") // through PUBLISHED_SIZE
    private int publishedSize;

    int size()
    {
        return size;
    }

    /**
     * Any thread.
     *
     * @return the countdowns running as of the owner's last change (a release store per change:
     * a plain store on x86, no fence on the logic thread).
     */
    int publishedSize()
    {
        return (int)PUBLISHED_SIZE.getAcquire(this);
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    /**
     * @return the earliest deadline; only when not empty.
     */
    long earliestDeadline()
    {
        return deadlines[0];
    }

    void schedule(final ClientState client, final long deadline)
    {
        if (client.timerIndex >= 0)
        {
            cancel(client);
        }
        if (size == heap.length)
        {
            heap = Arrays.copyOf(heap, size * 2);
            deadlines = Arrays.copyOf(deadlines, size * 2);
        }
        client.timerIndex = size;
        deadlines[size] = deadline;
        heap[size++] = client;
        PUBLISHED_SIZE.setRelease(this, size);
        siftUp(client.timerIndex);
    }

    void cancel(final ClientState client)
    {
        final int index = client.timerIndex;
        if (index < 0)
        {
            return;
        }
        client.timerIndex = -1;
        final int last = --size;
        PUBLISHED_SIZE.setRelease(this, last);
        if (index != last)
        {
            final ClientState moved = heap[last];
            heap[index] = moved;
            deadlines[index] = deadlines[last];
            moved.timerIndex = index;
            heap[last] = null;
            siftDown(index);
            siftUp(moved.timerIndex);
        }
        else
        {
            heap[last] = null;
        }
    }

    /**
     * Remove and return the client with the earliest deadline; only when not empty.
     */
    ClientState pollEarliest()
    {
        final ClientState first = heap[0];
        cancel(first);
        return first;
    }

    /**
     * @return the deadline of a client whose countdown runs.
     */
    long deadline(final ClientState client)
    {
        return deadlines[client.timerIndex];
    }

    private static boolean before(final long deadlineA, final ClientState a, final long deadlineB, final ClientState b)
    {
        return deadlineA < deadlineB || (deadlineA == deadlineB && a.userId < b.userId);
    }

    private void siftUp(final int start)
    {
        int index = start;
        final ClientState client = heap[index];
        final long deadline = deadlines[index];
        while (index > 0)
        {
            final int parent = (index - 1) >>> 1;
            final ClientState parentClient = heap[parent];
            if (!before(deadline, client, deadlines[parent], parentClient))
            {
                break;
            }
            heap[index] = parentClient;
            deadlines[index] = deadlines[parent];
            parentClient.timerIndex = index;
            index = parent;
        }
        heap[index] = client;
        deadlines[index] = deadline;
        client.timerIndex = index;
    }

    private void siftDown(final int start)
    {
        int index = start;
        final ClientState client = heap[index];
        final long deadline = deadlines[index];
        final int half = size >>> 1;
        while (index < half)
        {
            int child = (index << 1) + 1;
            final int right = child + 1;
            if (right < size && before(deadlines[right], heap[right], deadlines[child], heap[child]))
            {
                child = right;
            }
            final ClientState childClient = heap[child];
            if (!before(deadlines[child], childClient, deadline, client))
            {
                break;
            }
            heap[index] = childClient;
            deadlines[index] = deadlines[child];
            childClient.timerIndex = index;
            index = child;
        }
        heap[index] = client;
        deadlines[index] = deadline;
        client.timerIndex = index;
    }
}
