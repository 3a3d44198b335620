package dev.rollcall.cluster;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A gateway session's messages from the moment they are numbered until this node's replica has
 * applied them: what a leader change re-sends. A contiguous log of {@code [length][message]}
 * records with three cursors: the first unapplied record ({@code head}), the first record not yet
 * offered ({@code sent}) and the end ({@code tail}); applied records are dropped from the head,
 * and the log is compacted when the head has moved past half of it. Used by the
 * {@link IngressAgent}'s thread only.
 */
final class PendingCommands
{
    private static final int LENGTH_PREFIX = IngressDescriptor.LENGTH_PREFIX;

    private final ExpandableDirectByteBuffer log;
    private final int maxBytes;
    private int head;
    private int sent;
    private int tail;
    private int count;

    /**
     * @param initialBytes the log's first size.
     * @param maxBytes     the most it holds; {@link #append} refuses beyond it.
     */
    PendingCommands(final int initialBytes, final int maxBytes)
    {
        log = new ExpandableDirectByteBuffer(initialBytes);
        this.maxBytes = maxBytes;
    }

    /**
     * Start writing a message at the end: write it at {@link #buffer()} from the returned offset,
     * then {@link #commit} its length.
     *
     * @param maxLength the most the message will take.
     * @return the offset to write at, or -1 when the log is full.
     */
    int claim(final int maxLength)
    {
        if (head > 0 && head >= log.capacity() / 2)
        {
            compact();
        }
        if (tail - head + LENGTH_PREFIX + maxLength > maxBytes)
        {
            return -1;
        }
        log.checkLimit(tail + LENGTH_PREFIX + maxLength);
        return tail + LENGTH_PREFIX;
    }

    void commit(final int length)
    {
        log.putInt(tail, length, IngressDescriptor.ORDER);
        tail += LENGTH_PREFIX + length;
        count++;
    }

    /** @return the buffer {@link #claim} points into; valid until the next claim. */
    MutableDirectBuffer buffer()
    {
        return log;
    }

    /** @return records not yet applied by this node's replica. */
    int size()
    {
        return count;
    }

    /** @return true when a record waits to be offered. */
    boolean hasUnsent()
    {
        return sent < tail;
    }

    /**
     * Drop the head's records while their sequence is at most this.
     *
     * @return records dropped.
     */
    int dropApplied(final long appliedSequence)
    {
        int dropped = 0;
        while (head < tail && log.getLong(head + LENGTH_PREFIX + IngressDescriptor.SEQUENCE_OFFSET,
            IngressDescriptor.ORDER) <= appliedSequence)
        {
            head += LENGTH_PREFIX + log.getInt(head, IngressDescriptor.ORDER);
            count--;
            dropped++;
        }
        if (sent < head)
        {
            sent = head;
        }
        return dropped;
    }

    /** Offer every unapplied record again, from the oldest (a new leader may not have them). */
    void resendAll()
    {
        sent = head;
    }

    /**
     * Offer the records not yet offered, in order, as batches: each batch is the records as this log
     * holds them ({@code [length][record]...}, {@link IngressDescriptor}'s message layout), as many whole
     * records as fit {@code maxBatchBytes}; stops at the first refused batch.
     *
     * @param sender        offers one batch.
     * @param maxBatchBytes the most bytes a batch takes (at least one whole record of the largest size).
     * @return records offered.
     */
    int sendUnsent(final Sender sender, final int maxBatchBytes)
    {
        int offered = 0;
        while (sent < tail)
        {
            int end = sent;
            int records = 0;
            while (end < tail)
            {
                final int next = end + LENGTH_PREFIX + log.getInt(end, IngressDescriptor.ORDER);
                if (next - sent > maxBatchBytes && records > 0)
                {
                    break;
                }
                end = next;
                records++;
            }
            if (!sender.offer(log, sent, end - sent))
            {
                break;
            }
            sent = end;
            offered += records;
        }
        return offered;
    }

    private void compact()
    {
        final int live = tail - head;
        log.putBytes(0, log, head, live);
        sent -= head;
        tail = live;
        head = 0;
    }

    /** Offers one batch of records toward the cluster. */
    @FunctionalInterface
    interface Sender
    {
        /**
         * @return false when it was not taken (try again later).
         */
        boolean offer(DirectBuffer buffer, int offset, int length);
    }
}
