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

    /**
     * The longest command: a batch of one ({@link IngressDescriptor#MAX_BATCH_BYTES}) less its record's length
     * and header.
     */
    static final int MAX_COMMAND_LENGTH =
        IngressDescriptor.MAX_BATCH_BYTES - IngressDescriptor.LENGTH_PREFIX - IngressDescriptor.HEADER_LENGTH;

    private final ManyToOneRingBuffer queue;
    private final Runnable waker;
    private volatile boolean left;

    ClusterSequencer(final ManyToOneRingBuffer queue, final Runnable waker)
    {
        this.queue = queue;
        this.waker = waker;
    }

    /** The node leaves the cluster: commands from now on are dropped, never queued for nobody to send. */
    void leave()
    {
        left = true;
    }

    @Override
    public boolean offer(final DirectBuffer input, final int offset, final int length, final long correlationId)
    {
        if (length > MAX_COMMAND_LENGTH)
        {
            throw new IllegalArgumentException("a command of " + length + " bytes is longer than a cluster message (" +
                MAX_COMMAND_LENGTH + " bytes): lower the update limits");
        }
        if (left)
        {
            // the node has left the cluster, which loses its connections itself: a closing gateway's goodbyes go nowhere
            return true;
        }
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
