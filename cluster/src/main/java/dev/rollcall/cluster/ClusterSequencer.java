package dev.rollcall.cluster;

import dev.rollcall.core.Sequencer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * The core's {@link Sequencer} on a cluster node: the gateway threads' commands, each with its
 * correlation id, into the {@link IngressAgent}'s queue (a many-to-one ring), which offers them to
 * the cluster in the order they were queued. A full queue is refused (the core retries): the
 * backpressure of a leader that does not take ingress.
 */
final class ClusterSequencer implements Sequencer
{
    /** The queue's message type. */
    static final int COMMAND_MSG_TYPE_ID = 1;
    /** Where the command starts in a queued message; the correlation id is before it. */
    static final int INPUT_OFFSET = Long.BYTES;

    private final ManyToOneRingBuffer queue;
    private final Runnable waker;

    ClusterSequencer(final ManyToOneRingBuffer queue, final Runnable waker)
    {
        this.queue = queue;
        this.waker = waker;
    }

    @Override
    public boolean offer(final DirectBuffer input, final int offset, final int length, final long correlationId)
    {
        final int index = queue.tryClaim(COMMAND_MSG_TYPE_ID, INPUT_OFFSET + length);
        if (index <= 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = queue.buffer();
        buffer.putLong(index, correlationId, IngressDescriptor.ORDER);
        buffer.putBytes(index + INPUT_OFFSET, input, offset, length);
        queue.commit(index);
        waker.run();
        return true;
    }
}
