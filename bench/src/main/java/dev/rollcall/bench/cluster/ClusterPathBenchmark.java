package dev.rollcall.bench.cluster;

import dev.rollcall.cluster.ClusterNode;
import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.core.CommandCallback;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.ClusterHost;
import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Result;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's command path, end to end in one process: a one-node Aeron Cluster (media driver,
 * archive, consensus module, the presence service) whose core issues an update through its
 * {@code Sequencer} → the ingress thread → the leader's ingress → the Raft log (recorded by the
 * archive, committed) → the service applies it → the result reaches the issuing callback. One
 * update in flight: the figure is round trips per millisecond. With {@code -prof gc} the
 * allocation per update covers every thread of the process (Aeron's included): the path allocates
 * nothing in steady state when it is 0 within error. {@code reason}: none, or the same short one
 * every time (a reason is decoded into a {@code String} when it is applied).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ClusterPathBenchmark
{
    @Param({"none", "short"})
    public String reason;

    private final AtomicLong results = new AtomicLong();
    private final CommandCallback callback = (correlationId, result) ->
    {
        if (Result.APPLIED != result)
        {
            throw new IllegalStateException("update " + correlationId + ": " + result);
        }
        results.lazySet(correlationId);
    };
    private final Changes[] changes = new Changes[64];
    /** How the node runs its cluster's agents ({@code cluster-threads}). */
    @Param({"SHARED", "DEDICATED"})
    public ClusterHost.Threading threading;
    private Path data;
    private ClusterNode node;
    private Rollcall rollcall;
    private String reasonText;
    private long correlationId;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        data = Files.createTempDirectory("cluster-path-bench");
        node = ClusterNode.launch(1, List.of("127.0.0.1"), NodeProcesses.freePortRange(100, true), threading, data,
            Throwable::printStackTrace);
        rollcall = CompletableFuture.supplyAsync(() -> node.launchCore(new RollcallContext()))
            .get(60, TimeUnit.SECONDS);
        node.start(rollcall);
        for (int i = 0; i < changes.length; i++)
        {
            changes[i] = new Changes().partyId(i + 1);
        }
        reasonText = "none".equals(reason) ? null : "moved";
        // the user, connected through the log like any command
        final CompletableFuture<Result> connected = rollcall.connectUser(1, 1);
        if (Result.APPLIED != connected.get(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("connect: " + connected.join());
        }
    }

    @Benchmark
    public long update()
    {
        final long id = ++correlationId;
        rollcall.update(FieldGroup.STANDARD, 1, changes[(int)(id & 63)], reasonText, callback, id);
        while (results.get() != id)
        {
            Thread.onSpinWait();
        }
        return id;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        node.leave();
        rollcall.close();
        node.close();
    }
}
