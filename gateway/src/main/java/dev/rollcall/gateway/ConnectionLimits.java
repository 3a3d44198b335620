package dev.rollcall.gateway;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections in total and per source address (acquired by the accepting
 * thread, released by whichever thread closes the connection; an address's entry goes when
 * its count reaches zero).
 */
final class ConnectionLimits
{
    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(final int maxTotal, final int maxPerAddress)
    {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * @return null when admitted (release it later), else the refusal.
     */
    Refusal tryAcquire(final InetAddress address)
    {
        if (total.incrementAndGet() > maxTotal)
        {
            total.decrementAndGet();
            return Refusal.TOO_MANY_CONNECTIONS;
        }
        final boolean[] admitted = new boolean[1];
        perAddress.compute(address, (a, count) ->
        {
            final AtomicInteger current = null == count ? new AtomicInteger() : count;
            admitted[0] = current.get() < maxPerAddress;
            if (admitted[0])
            {
                current.incrementAndGet();
            }
            return current.get() == 0 ? null : current;
        });
        if (!admitted[0])
        {
            total.decrementAndGet();
            return Refusal.TOO_MANY_CONNECTIONS_FROM_ADDRESS;
        }
        return null;
    }

    void release(final InetAddress address)
    {
        total.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    int open()
    {
        return total.get();
    }
}
