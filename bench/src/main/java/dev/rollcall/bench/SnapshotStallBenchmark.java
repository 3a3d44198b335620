package dev.rollcall.bench;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * How long the logic thread stalls while it serializes the state for a snapshot (the journal
 * writes the bytes on its own thread afterwards), against a plain memcpy of as many bytes, in
 * the same run.
 * <pre>
 *   snapshot:  logic thread ──► PresenceStateMachine.takeSnapshot: sort the user ids, encode every
 *                               client in id order, CRC-32 of it all ──► presized direct buffer
 *   baseline:  logic thread ──► UnsafeBuffer.putBytes of the snapshot's length (direct to direct)
 * </pre>
 * The state: {@code clients} idle clients (one connection, status IDLE, afk, three attributes:
 * two strings and a number), no subscriptions. One op = one snapshot
 * ({@link Mode#SingleShotTime}); the buffer is presized, so no op grows it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class SnapshotStallBenchmark
{
    private static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
    private static final String[] PLATFORMS = {"pc", "console", "mobile"};

    /** Idle clients in the state. */
    @Param({"100000", "1000000"})
    public int clients;

    private PresenceStateMachine state;
    private ExpandableDirectByteBuffer snapshot;
    private UnsafeBuffer source;
    private UnsafeBuffer target;
    private int length;

    /**
     * Connect the clients, make them idle with their attributes, size the buffers.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        state = new PresenceStateMachine(Limits.DEFAULT);
        final Input input = new Input();
        final long time = Workload.START_TIME;
        for (int userId = 1; userId <= clients; userId++)
        {
            expectApplied(state.apply(input.set(InputType.CONNECT_USER, time).userId(userId).connectionId(userId)));
            input.set(InputType.UPDATE_CLIENT, time).userId(userId).reason("idle").changes()
                .status(Status.IDLE).afk(true)
                .attribute("region", REGIONS[userId % REGIONS.length])
                .attribute("platform", PLATFORMS[userId % PLATFORMS.length])
                .attribute("level", 1 + userId % 100);
            expectApplied(state.apply(input));
        }

        final ExpandableDirectByteBuffer sizing = new ExpandableDirectByteBuffer(1 << 20);
        length = state.takeSnapshot(sizing);
        snapshot = new ExpandableDirectByteBuffer(length);
        source = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        source.putBytes(0, sizing, 0, length);
        target = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        System.out.printf("%n%,d clients: snapshot of %,d bytes (%d bytes per client)%n", clients, length,
            length / clients);
    }

    private static void expectApplied(final Result result)
    {
        if (result != Result.APPLIED)
        {
            throw new IllegalStateException("setup input not applied: " + result);
        }
    }

    /**
     * Serialize the state into the presized buffer.
     *
     * @return the buffer.
     */
    @Benchmark
    public ExpandableDirectByteBuffer takeSnapshot()
    {
        if (state.takeSnapshot(snapshot) != length || snapshot.capacity() != length)
        {
            throw new IllegalStateException("the snapshot changed size or grew its buffer");
        }
        return snapshot;
    }

    /**
     * Baseline: copy as many bytes, direct buffer to direct buffer.
     *
     * @return the target buffer.
     */
    @Benchmark
    public UnsafeBuffer baselineMemcpy()
    {
        target.putBytes(0, source, 0, length);
        return target;
    }
}
