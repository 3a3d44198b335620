package dev.rollcall.core;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The clock thread's duty cycle: publishes a tick when a grace countdown is due (the logic
 * publishes its earliest deadline through {@link ClockSignal}), asks for a snapshot when one
 * is due, and turns mailboxes the fan-out dropped into {@code removeSubscriber} inputs. It is
 * the only place besides the producers' publish path that reads the clock; the business logic
 * never does.
 * <p>
 * Between duties it parks ({@link #idleStrategy()}): until the earliest grace deadline, but at
 * most {@code tickIntervalMs} while a countdown runs (the clock is read at least that often,
 * which matters only for a clock that jumps), and until the next snapshot by time; with nothing
 * pending it parks until signalled. The logic wakes it with a new earlier deadline, the fan-out
 * with a dropped mailbox, a snapshot due by input count, or the first input after a snapshot by
 * time fell due on an idle node. So an idle pipeline journals no ticks and its clock thread sleeps.
 */
final class Ticker implements Agent
{
    private final Rollcall rollcall;
    private final EpochClock clock;
    private final ClockSignal signal;
    private final long tickIntervalMs;
    private final boolean snapshots;
    private final long snapshotIntervalMs;
    private final long snapshotEveryInputs;
    private final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes;
    private boolean waitingForInput;
    private long tickedFor = Long.MIN_VALUE;
    private long tickedAt;
    private long nextSnapshotAt;
    private long inputsAtLastSnapshot;
    private long commandsAtLastSnapshot;

    Ticker(
        final Rollcall rollcall,
        final EpochClock clock,
        final ClockSignal signal,
        final RollcallContext ctx,
        final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes)
    {
        this.rollcall = rollcall;
        this.clock = clock;
        this.signal = signal;
        // a sequenced pipeline's countdowns end on the log's time, and its log keeps the snapshots
        final boolean sequenced = null != ctx.sequencer();
        this.tickIntervalMs = sequenced ? 0 : ctx.tickIntervalMs();
        this.snapshots = !sequenced && ctx.journal().storesSnapshots();
        this.snapshotIntervalMs = ctx.snapshotIntervalMs();
        this.snapshotEveryInputs = ctx.snapshotEveryInputs();
        this.droppedMailboxes = droppedMailboxes;
        this.nextSnapshotAt = clock.time() + snapshotIntervalMs;
        if (snapshots && snapshotEveryInputs > 0)
        {
            signal.snapshotAtInputs(snapshotEveryInputs);
        }
    }

    @Override
    public void onStart()
    {
        signal.clockThread(Thread.currentThread());
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (tickIntervalMs > 0)
        {
            final long deadline = signal.nextDeadline();
            final long now = clock.time();
            // once per deadline (until the logic has applied the tick it still reports the same
            // one), again after a tick interval in case the clock stepped back under the tick
            if (deadline <= now && (deadline != tickedFor || now - tickedAt >= tickIntervalMs))
            {
                tickedFor = deadline;
                tickedAt = now;
                rollcall.tick();
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

    /**
     * @return parks until the next duty (see the class description) when a cycle did nothing.
     */
    IdleStrategy idleStrategy()
    {
        return new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                if (workCount <= 0)
                {
                    idle();
                }
            }

            @Override
            public void idle()
            {
                final long now = clock.time();
                final long deadline = signal.nextDeadline();
                long wakeAt = ClockSignal.NEVER;
                if (tickIntervalMs > 0 && deadline != Long.MAX_VALUE)
                {
                    wakeAt = deadline == tickedFor ?
                        tickedAt + tickIntervalMs : Math.min(deadline, now + tickIntervalMs);
                }
                if (snapshots && snapshotIntervalMs > 0 && !waitingForInput)
                {
                    wakeAt = Math.min(wakeAt, Math.max(now + 1, nextSnapshotAt));
                }
                signal.park(now, wakeAt, deadline);
            }

            @Override
            public void reset()
            {
            }
        };
    }

    private int snapshotIfDue()
    {
        // inputs before commands (the fan-out counts them the other way round): every input counted
        // here has its command counted below, so waiting for input inputs + 1 cannot miss one
        final long inputs = rollcall.counters().get(Counter.INPUTS_PROCESSED);
        final long commands = rollcall.counters().get(Counter.COMMANDS_PROCESSED);
        final long now = clock.time();
        final boolean byCount = snapshotEveryInputs > 0 && inputs - inputsAtLastSnapshot >= snapshotEveryInputs;
        final boolean timeDue = snapshotIntervalMs > 0 && now >= nextSnapshotAt;
        // by time only when something but ticks arrived: an idle node does not snapshot
        final boolean byTime = timeDue && commands != commandsAtLastSnapshot;
        int work = 0;
        if (byCount || byTime)
        {
            inputsAtLastSnapshot = inputs;
            commandsAtLastSnapshot = commands;
            nextSnapshotAt = now + snapshotIntervalMs;
            rollcall.takeSnapshot();
            work = 1;
        }
        // due by time but idle: no timed wake-up; the fan-out wakes this thread at the next input
        waitingForInput = timeDue && !byTime;
        final long byCountAt = snapshotEveryInputs > 0 ? inputsAtLastSnapshot + snapshotEveryInputs : Long.MAX_VALUE;
        signal.snapshotAtInputs(waitingForInput ? Math.min(byCountAt, inputs + 1) : byCountAt);
        return work;
    }

    @Override
    public String roleName()
    {
        return "rollcall-ticker";
    }
}
