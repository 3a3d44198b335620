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
 * with a recipient and an image for the read model.
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
