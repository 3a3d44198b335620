package dev.rollcall.core;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The clock thread's duty cycle: publishes a tick every {@code tickIntervalMs} so grace
 * countdowns expire without traffic, asks for a snapshot when one is due, and turns
 * mailboxes the fan-out dropped into {@code removeSubscriber} inputs. It is the only place besides the producers' publish
 * path that reads the clock; the business logic never does.
 */
final class Ticker implements Agent
{
    private final Rollcall rollcall;
    private final EpochClock clock;
    private final long tickIntervalMs;
    private final boolean snapshots;
    private final long snapshotIntervalMs;
    private final long snapshotEveryInputs;
    private final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes;
    private long nextTickAt;
    private long nextSnapshotAt;
    private long inputsAtLastSnapshot;
    private long commandsAtLastSnapshot;

    Ticker(
        final Rollcall rollcall,
        final EpochClock clock,
        final RollcallContext ctx,
        final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes)
    {
        this.rollcall = rollcall;
        this.clock = clock;
        this.tickIntervalMs = ctx.tickIntervalMs();
        this.snapshots = ctx.journal().storesSnapshots();
        this.snapshotIntervalMs = ctx.snapshotIntervalMs();
        this.snapshotEveryInputs = ctx.snapshotEveryInputs();
        this.droppedMailboxes = droppedMailboxes;
        this.nextSnapshotAt = clock.time() + snapshotIntervalMs;
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
        if (snapshots)
        {
            work += snapshotIfDue();
        }
        Mailbox dropped;
        while (null != (dropped = droppedMailboxes.poll()))
        {
            rollcall.onMailboxDropped(dropped);
            work++;
        }
        return work;
    }

    private int snapshotIfDue()
    {
        final long inputs = rollcall.counters().get(Counter.INPUTS_PROCESSED);
        final long commands = rollcall.counters().get(Counter.COMMANDS_PROCESSED);
        final boolean byCount = snapshotEveryInputs > 0 && inputs - inputsAtLastSnapshot >= snapshotEveryInputs;
        // by time only when something but ticks arrived: an idle node does not snapshot
        final boolean byTime = snapshotIntervalMs > 0 && clock.time() >= nextSnapshotAt && commands != commandsAtLastSnapshot;
        if (!byCount && !byTime)
        {
            return 0;
        }
        inputsAtLastSnapshot = inputs;
        commandsAtLastSnapshot = commands;
        nextSnapshotAt = clock.time() + snapshotIntervalMs;
        rollcall.takeSnapshot();
        return 1;
    }

    @Override
    public String roleName()
    {
        return "rollcall-ticker";
    }
}
