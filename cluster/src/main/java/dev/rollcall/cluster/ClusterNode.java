package dev.rollcall.cluster;

import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.ClusterHost;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.model.Result;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One node of a Rollcall cluster in this process: the media driver, archive and consensus module
 * ({@link NodeStack}), the presence service replica ({@link PresenceClusteredService} in a
 * {@link ClusteredServiceContainer}), and the gateway's way into the log ({@link ClusterSequencer}
 * and {@link IngressAgent}). The gateway itself is the ordinary one: {@code rollcall serve} with
 * {@code cluster-node} set launches it with {@link #launchCore} as its core launcher.
 * <p>
 * Threads: the stack's ({@code shared}: {@code rollcall-aeron}, {@link AeronStackAgent}, runs the
 * ingress agent, the archive with the media driver inside it, and the consensus module;
 * {@code dedicated}: a thread each), the service (1: it applies the log, runs the core's pipeline
 * and fans out), the core's clock thread (parked: the log's timers end countdowns), and the
 * gateway's.
 */
public final class ClusterNode implements ClusterHost
{
    /** The gateway threads' command queue toward the ingress agent. */
    static final int QUEUE_BYTES = 4 * 1024 * 1024;
    /** The most command bytes a node keeps until its replica applied them. */
    static final int MAX_PENDING_BYTES = 64 * 1024 * 1024;
    /** How long {@link #leave} waits for the cluster session to be closed. */
    static final long CLOSE_TIMEOUT_MS = 5_000;
    /** How long {@link #start} waits for this replica to catch up with the log. */
    static final long CATCH_UP_TIMEOUT_MS = 120_000;

    private static final Logger LOG = LoggerFactory.getLogger("rollcall.cluster");

    private final ClusterNodeContext ctx;
    private final NodeStack stack;
    private final ClusteredServiceContainer container;
    private final PresenceClusteredService service;
    private final IngressProgress progress = new IngressProgress();
    private final ManyToOneRingBuffer queue;
    private final AtomicBoolean left = new AtomicBoolean();
    private volatile IngressAgent ingress;
    private volatile Runnable onSessionLost = () -> { };
    private ClusterSequencer sequencer;

    private ClusterNode(final ClusterNodeContext ctx)
    {
        this.ctx = ctx;
        queue = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(QUEUE_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
        NodeStack launchedStack = null;
        ClusteredServiceContainer launchedContainer = null;
        try
        {
            removeStaleMarkFiles(ctx.data());
            createDirectories(ctx.data());
            service = new PresenceClusteredService(progress, ctx.errorHandler(), ctx.data().resolve("snapshots"));
            launchedStack = ClusterHost.Threading.SHARED == ctx.threading() ?
                SharedNodeStack.launch(ctx, this::ingressHasWork) : DedicatedNodeStack.launch(ctx, this::ingressHasWork);
            // the service waits for the consensus module, and the gateway for the service: neither waits for ever
            launchedStack.launched().whenComplete((module, ex) ->
            {
                if (null != ex)
                {
                    service.abandonCore(ex);
                }
            });
            launchedContainer = ClusteredServiceContainer.launch(ctx.serviceContainer(service, launchedStack.errorCounter()));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(launchedContainer, launchedStack);
            throw ex;
        }
        stack = launchedStack;
        container = launchedContainer;
    }

    /**
     * The consensus module (on rollcall-aeron, when shared) and the service container (on this
     * thread) start at once, and each would create the cluster directory if missing: Aeron's
     * check-then-create fails for whichever loses the race, so it exists before either starts.
     */
    private static void createDirectories(final Path data)
    {
        try
        {
            Files.createDirectories(data.resolve("cluster"));
            Files.createDirectories(data.resolve("archive"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the cluster's directories in " + data, ex);
        }
    }

    /**
     * Aeron refuses to start on a mark file that was touched in the last 10 s ("active mark file
     * detected"), which a node killed a moment ago leaves behind. The caller holds the data
     * directory's lock ({@code rollcall serve} takes it first), so no other process uses these: they
     * are a dead one's, and a supervisor's immediate restart must not be refused for them.
     */
    private static void removeStaleMarkFiles(final Path data)
    {
        final Path[] markFiles = {
            data.resolve("archive").resolve("archive-mark.dat"),
            data.resolve("cluster").resolve("cluster-mark.dat"),
            data.resolve("cluster").resolve("cluster-mark-service-0.dat")};
        for (final Path markFile : markFiles)
        {
            try
            {
                if (Files.deleteIfExists(markFile))
                {
                    LOG.info("removed {} of the node's previous process", markFile);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot remove the stale mark file " + markFile, ex);
            }
        }
    }

    /**
     * Start this node's consensus, log and service replica (the caller holds the data directory's lock).
     *
     * @param node         from 1.
     * @param members      every node's host, in node order.
     * @param portBase     the first cluster port.
     * @param threading    how the node runs its cluster's agents.
     * @param data         the node's data directory.
     * @param errorHandler for the cluster's threads.
     * @return the node; {@link #launchCore} next.
     */
    public static ClusterNode launch(
        final int node,
        final List<String> members,
        final int portBase,
        final ClusterHost.Threading threading,
        final Path data,
        final ErrorHandler errorHandler)
    {
        return launch(new ClusterNodeContext(node, members, portBase, threading, data, errorHandler));
    }

    /**
     * Start a node with settings made in this package (tests: e.g. their own cluster clock).
     *
     * @param ctx the node's settings.
     * @return the node; {@link #launchCore} next.
     */
    static ClusterNode launch(final ClusterNodeContext ctx)
    {
        return new ClusterNode(ctx);
    }

    /** The implementation {@code rollcall serve} finds through {@link java.util.ServiceLoader}. */
    public static final class Factory implements ClusterHost.Factory
    {
        @Override
        public ClusterHost open(
            final int node, final List<String> members, final int portBase, final ClusterHost.Threading threading,
            final boolean sync, final Path data, final ErrorHandler errorHandler)
        {
            return launch(new ClusterNodeContext(node, members, portBase, threading, data, errorHandler).sync(sync));
        }
    }

    @Override
    public Rollcall launchCore(final RollcallContext rollcallCtx)
    {
        sequencer = new ClusterSequencer(queue, stack.ingressIdle()::wake);
        rollcallCtx
            .sequencer(sequencer)
            .node(ctx.node())
            .countersCapacity(rollcallCtx.countersCapacity() + ClusterCounters.COUNTERS_ALLOCATED);
        try
        {
            return service.launchCore(rollcallCtx);
        }
        catch (final RuntimeException ex)
        {
            service.abandonCore(ex);
            throw ex;
        }
    }

    @Override
    public void onSessionLost(final Runnable onSessionLost)
    {
        this.onSessionLost = onSessionLost;
    }

    @Override
    public void start(final Gateway gateway)
    {
        start(gateway.rollcall());
    }

    /**
     * Join the cluster as its client (the ingress thread) and send the core's limits and grace
     * through the log; for a core launched with {@link #launchCore} without a gateway (embedded use,
     * tests): its commands then go through the cluster like a gateway's.
     *
     * @param rollcall the core {@link #launchCore} returned.
     */
    public void start(final Rollcall rollcall)
    {
        final IngressAgent agent = new IngressAgent(
            ctx.node(), ctx.clusterClient(), stack.ingressClient(), stack.ingressWaits(), queue, progress,
            MAX_PENDING_BYTES, SystemNanoClock.INSTANCE,
            IngressAgent.keepAliveIntervalNs(ClusterNodeContext.sessionTimeoutNs()), () -> onSessionLost.run(),
            service.counters(), TimeUnit.MILLISECONDS.toNanos(rollcall.context().snapshotIntervalMs()));
        ingress = agent;
        stack.ingress(agent);
        // the settings that change what the logic decides go through the log, like every input
        rollcall.setLimits(rollcall.context().limits());
        final CompletableFuture<Result> graceApplied = rollcall.setGracePeriod(rollcall.context().gracePeriodMs());
        // ready only once this replica has caught up with the log (its own command after the HELLO came back):
        // until then its queries would answer from an old state
        try
        {
            // a consensus module that could not start (rollcall-aeron launches it) fails the start at once
            CompletableFuture.anyOf(graceApplied, stack.launched().thenCompose(started -> new CompletableFuture<>()))
                .get(CATCH_UP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            LOG.warn("node {} has not caught up with the log after {} ms; serving anyway", ctx.node(), CATCH_UP_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("node " + ctx.node() + " did not start", ex.getCause());
        }
    }

    /** @return the core, once the service has launched it, else null. */
    public Rollcall rollcall()
    {
        return service.rollcall();
    }

    /**
     * Any thread (tests): this replica's snapshot as it would write one now, taken on the service
     * thread between log messages.
     *
     * @return completes on the service thread.
     */
    CompletableFuture<PresenceClusteredService.ReplicaSnapshot> replicaSnapshot()
    {
        return service.replicaSnapshot();
    }

    /** @return this node's role as its service replica last heard it. */
    public Cluster.Role role()
    {
        return service.role();
    }

    /** @return this node's number, from 1. */
    public int node()
    {
        return ctx.node();
    }

    /** @return the member id (node number less one) of the leader as the gateway last heard it, or -1. */
    public int leaderMemberId()
    {
        final IngressAgent agent = ingress;
        return null == agent ? -1 : agent.leaderMemberId();
    }

    @Override
    public void metrics(final MetricVisitor visitor)
    {
        visitor.onMetric("rollcall_cluster_role", true,
            "This node's role in the cluster, as its replica last heard it: 0 follower, 1 candidate, 2 leader.",
            role().code());
        visitor.onMetric("rollcall_cluster_leader_member_id", true,
            "The leader's member id (its node number less one) as this node's gateway last heard it; -1 for none yet.",
            leaderMemberId());
        final ClusterCounters counters = service.counters();
        if (null == counters)
        {
            // the core is not launched yet
            return;
        }
        // the ingress agent's clock (SystemNanoClock), in ms
        final long nowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        for (final ClusterCounters.Kind kind : ClusterCounters.kinds())
        {
            visitor.onMetric(kind.metric, kind.isGauge(), kind.help, kind.metricValue(counters.get(kind).get(), nowMs));
        }
    }

    @Override
    public String describe()
    {
        return "cluster node " + ctx.node() + " of " + ctx.members().size() + " (" + ctx.members() + ", ingress " +
            ctx.ingressEndpoints() + "), " + role().name().toLowerCase(Locale.ROOT) +
            (ctx.sync() ? ", log synced to disk at every write" : "");
    }

    @Override
    public String describeThreads()
    {
        return stack.describeThreads();
    }

    @Override
    public void leave()
    {
        if (left.compareAndSet(false, true))
        {
            // a service still waiting for the core's settings (the gateway failed to start) must not wait for ever
            service.abandonCore(new IllegalStateException("node " + ctx.node() + " is leaving before its core started"));
            // the session closes: every replica loses this node's connections (their clients resume elsewhere)
            if (null != sequencer)
            {
                sequencer.leave();
            }
            closeIngress();
            CloseHelper.quietClose(container);
        }
    }

    @Override
    public void close()
    {
        leave();
        CloseHelper.quietClose(stack);
    }

    private void closeIngress()
    {
        try
        {
            stack.closeIngress().get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            LOG.warn("node {}: its cluster session was not closed within {} ms", ctx.node(), CLOSE_TIMEOUT_MS);
        }
        catch (final ExecutionException ex)
        {
            LOG.warn("node {}: closing its cluster session failed", ctx.node(), ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private boolean ingressHasWork()
    {
        final IngressAgent agent = ingress;
        return null != agent ? agent.hasWork() : queue.size() > 0;
    }
}
