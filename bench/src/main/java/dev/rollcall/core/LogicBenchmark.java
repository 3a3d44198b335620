package dev.rollcall.core;

import dev.rollcall.model.Status;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The business logic alone, on the benchmark thread: what one input costs the logic thread,
 * and (with {@code -prof gc}) that the steady-state hot path allocates nothing. Lives in
 * {@code dev.rollcall.core} to reach the package-private {@link PresenceLogic}.
 * <pre>
 *   benchmark thread ──► PresenceLogic.apply(input, outbox)   (no ring, no other threads)
 * </pre>
 * Baseline in the same run: {@link #baselineOutboxReset}, the fixed cost of an input that
 * does nothing but reset its outbox.
 * Setup: 10,000 clients, each subscribed to by one watcher, so every change emits an event
 * with a recipient.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LogicBenchmark
{
    private static final int CLIENTS = 10_000;
    private static final long WATCHER = 1_000_000;

    private final PresenceLogic logic = new PresenceLogic(Limits.DEFAULT, 300_000);
    private final Outbox outbox = new Outbox();
    private final Input input = new Input();
    private long time = 1_000_000;
    private int next;
    private boolean idle;
    private int ops;
    private final boolean[] lost = new boolean[CLIENTS + 1];
    private static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
    private static final Status[] STATUSES = {Status.ONLINE, Status.IDLE, Status.DND};

    /**
     * Connect every client and subscribe a watcher to each.
     */
    @Setup
    public void setUp()
    {
        for (long userId = 1; userId <= CLIENTS; userId++)
        {
            logic.apply(input.set(InputType.CONNECT_USER, time).userId(userId).connectionId(1), outbox);
            logic.apply(input.set(InputType.SUBSCRIBE_CLIENT, time).subscriberId(WATCHER).userId(userId), outbox);
        }
    }

    private long nextUser()
    {
        next = next == CLIENTS ? 1 : next + 1;
        return next;
    }

    /**
     * Loss of a client's only connection (starts its grace countdown, emits CLIENT_DISCONNECTED),
     * then its reconnect within grace (cancels it, emits CLIENT_CONNECTED): two inputs per op.
     *
     * @return the outbox, so the work is not eliminated.
     */
    @Benchmark
    public Outbox connectionLostThenReconnect()
    {
        final long userId = nextUser();
        time++;
        logic.apply(input.set(InputType.CONNECTION_LOST, time).userId(userId).connectionId(1), outbox);
        logic.apply(input.set(InputType.CONNECT_USER, time).userId(userId).connectionId(1), outbox);
        return outbox;
    }

    /**
     * A standard-field update that changes status and afk, emitting CLIENT_UPDATED.
     *
     * @return the outbox.
     */
    @Benchmark
    public Outbox updateStandardFields()
    {
        final long userId = nextUser();
        if (userId == 1)
        {
            idle = !idle;
        }
        time++;
        final Input in = input.set(InputType.UPDATE_CLIENT, time).userId(userId).reason("activity");
        in.changes().status(idle ? Status.IDLE : Status.ONLINE).afk(idle);
        logic.apply(in, outbox);
        return outbox;
    }

    /**
     * One input of a mix like {@code Workload}'s steady state (the journal benchmarks' stream):
     * 5 % ticks, about 9 % connection losses and 9 % reconnects, the rest updates of two or three
     * fields with a reason (status + afk | inGame + partyId | status + an attribute), every user
     * watched by one subscriber.
     *
     * @return the outbox.
     */
    @Benchmark
    public Outbox mixed()
    {
        final int op = ops++;
        time++;
        if (op % 20 == 0)
        {
            logic.apply(input.set(InputType.TICK, time), outbox);
            return outbox;
        }
        final long userId = nextUser();
        final int u = (int)userId;
        if (lost[u])
        {
            lost[u] = false;
            logic.apply(input.set(InputType.CONNECT_USER, time).userId(userId).connectionId(1), outbox);
            return outbox;
        }
        if (op % 10 == 3)
        {
            lost[u] = true;
            logic.apply(input.set(InputType.CONNECTION_LOST, time).userId(userId).connectionId(1), outbox);
            return outbox;
        }
        final Input in = input.set(InputType.UPDATE_CLIENT, time).userId(userId).reason("activity");
        switch (op % 3)
        {
            case 0 -> in.changes().status(STATUSES[(op >>> 2) % 3]).afk((op & 4) != 0);
            case 1 -> in.changes().inGame((op & 8) != 0).partyId(op & 1023);
            default -> in.changes().status(STATUSES[(op >>> 3) % 3]).attribute("region", REGIONS[(op >>> 1) % 3]);
        }
        logic.apply(in, outbox);
        return outbox;
    }

    /**
     * A clock tick with nothing due.
     *
     * @return the outbox.
     */
    @Benchmark
    public Outbox tick()
    {
        time++;
        logic.apply(input.set(InputType.TICK, time), outbox);
        return outbox;
    }

    /**
     * Baseline: reset the outbox and stamp an input, nothing else.
     *
     * @return the outbox.
     */
    @Benchmark
    public Outbox baselineOutboxReset()
    {
        time++;
        input.set(InputType.TICK, time);
        outbox.reset();
        return outbox;
    }
}
