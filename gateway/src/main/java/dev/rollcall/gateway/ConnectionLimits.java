package dev.rollcall.gateway;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections in total and per source address (acquired by the accepting
 * thread, released by whichever thread closes the connection).
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
        final AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerAddress)
        {
            count.decrementAndGet();
            total.decrementAndGet();
            return Refusal.TOO_MANY_CONNECTIONS_FROM_ADDRESS;
        }
        return null;
    }

    void release(final InetAddress address)
    {
        total.decrementAndGet();
        final AtomicInteger count = perAddress.get(address);
        if (null != count)
        {
            count.decrementAndGet();
        }
    }

    int open()
    {
        return total.get();
    }
}
