package dev.rollcall.core;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The clock thread's duty cycle: publishes a tick every {@code tickIntervalMs} so grace
 * countdowns expire without traffic, and turns mailboxes the fan-out dropped into
 * {@code removeSubscriber} inputs. It is the only place besides the producers' publish
 * path that reads the clock; the business logic never does.
 */
final class Ticker implements Agent
{
    private final Rollcall rollcall;
    private final EpochClock clock;
    private final long tickIntervalMs;
    private final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes;
    private long nextTickAt;

    Ticker(
        final Rollcall rollcall,
        final EpochClock clock,
        final long tickIntervalMs,
        final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes)
    {
        this.rollcall = rollcall;
        this.clock = clock;
        this.tickIntervalMs = tickIntervalMs;
        this.droppedMailboxes = droppedMailboxes;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (tickIntervalMs > 0)
        {
            final long now = clock.time();
            if (now >= nextTickAt)
            {
                rollcall.tick();
                nextTickAt = now + tickIntervalMs;
                work++;
            }
        }
        Mailbox dropped;
        while (null != (dropped = droppedMailboxes.poll()))
        {
            rollcall.onMailboxDropped(dropped);
            work++;
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "rollcall-ticker";
    }
}
