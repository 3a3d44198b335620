package dev.rollcall.bench;

import dev.rollcall.core.EventSink;
import dev.rollcall.model.EventType;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link EventSink} standing for the consumer an embedding server plugs in (the gateway's
 * router): on the fan-out thread, once per event, it walks the recipient list as a router must
 * (one read per recipient; the firehose id is skipped) and counts the deliveries. Nothing is
 * copied: what the consumer then does with the bytes is its own cost, not the core's.
 */
final class RecipientCounter implements EventSink
{
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private long checksum;

    @Override
    public void onEvent(
        final EventType type, final DirectBuffer buffer, final int offset, final int length,
        final LongArrayList recipients)
    {
        long delivered = 0;
        long sum = checksum;
        for (int i = 0, n = recipients.size(); i < n; i++)
        {
            final long recipient = recipients.getLong(i);
            if (recipient != FIREHOSE)
            {
                sum += recipient;
                delivered++;
            }
        }
        checksum = sum;
        deliveries.lazySet(deliveries.get() + delivered);
        events.lazySet(events.get() + 1);
    }

    /**
     * @return recipients counted so far (written by the fan-out thread only).
     */
    long deliveries()
    {
        return deliveries.get();
    }

    /**
     * @return events seen so far.
     */
    long events()
    {
        return events.get();
    }

    /**
     * @return the sum of every recipient id seen, so the walk over the lists is not dead code;
     * read it only once the pipeline is quiet.
     */
    long checksum()
    {
        return checksum;
    }
}
