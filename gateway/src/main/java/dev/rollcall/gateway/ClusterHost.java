package dev.rollcall.gateway;

import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import org.agrona.ErrorHandler;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Where the core lives when this server is one node of a cluster: the cluster module hosts it as
 * a replicated service and sequences the gateway's commands through the cluster (docs/CLUSTER.md).
 * {@code rollcall serve} with {@code cluster-node} set finds the implementation through
 * {@link ServiceLoader} ({@link Factory}), launches the gateway with {@link #launchCore} as its core
 * launcher, then {@link #start}s the host. Stopping: {@link #leave()} before the gateway closes,
 * {@link #close()} after it.
 */
public interface ClusterHost extends AutoCloseable
{
    /** How a node runs its cluster's agents (docs/CLUSTER.md, "Threads on each node"). */
    enum Threading
    {
        /**
         * A thread each for the media driver, the archive, the consensus module, the gateway's
         * cluster client and the service (Aeron's usual layout): the most throughput.
         */
        DEDICATED,
        /**
         * One thread for the media driver, the archive, the consensus module and the gateway's
         * cluster client, and one for the service: the least CPU and the lowest latency below
         * saturation, for nodes with few cores.
         */
        SHARED
    }

    /**
     * Opens a host; the cluster module registers one in
     * {@code META-INF/services/dev.rollcall.gateway.ClusterHost$Factory}.
     */
    interface Factory
    {
        /**
         * Start this node's share of the cluster (its consensus, log and service replica); the core
         * is launched later, by {@link ClusterHost#launchCore}. The caller holds the data directory's
         * lock: what a previous process left in it is stale.
         *
         * @param node         this node's number, from 1 (the n-th of {@code members}).
         * @param members      every node's host, in node order.
         * @param portBase     the first of the cluster's own ports (docs/CLUSTER.md has the scheme).
         * @param threading    how the node runs its cluster's agents.
         * @param sync         sync the node's log and its records to disk at every write before the node
         *                     counts it as stored (a command is acknowledged once a majority stored it).
         * @param data         this node's data directory.
         * @param errorHandler for errors of the cluster's threads.
         * @return the host.
         */
        ClusterHost open(
            int node, List<String> members, int portBase, Threading threading, boolean sync, Path data,
            ErrorHandler errorHandler);
    }

    /**
     * @param node         this node's number, from 1.
     * @param members      every node's host, in node order.
     * @param portBase     the first of the cluster's ports.
     * @param threading    how the node runs its cluster's agents.
     * @param sync         sync the node's log to disk at every write ({@link Factory#open}).
     * @param data         this node's data directory.
     * @param errorHandler for errors of the cluster's threads.
     * @return the host of the implementation on the class path.
     * @throws IllegalStateException when none is (the cluster module is missing).
     */
    static ClusterHost open(
        final int node,
        final List<String> members,
        final int portBase,
        final Threading threading,
        final boolean sync,
        final Path data,
        final ErrorHandler errorHandler)
    {
        for (final Factory factory : ServiceLoader.load(Factory.class))
        {
            return factory.open(node, members, portBase, threading, sync, data, errorHandler);
        }
        throw new IllegalStateException("cluster mode needs the rollcall-cluster module on the class path");
    }

    /**
     * The gateway's core launcher: launch the core from the settings the gateway prepared (this
     * host adds its sequencer and node number), on the thread that applies the cluster's log.
     *
     * @param ctx the core's settings.
     * @return the running core.
     */
    Rollcall launchCore(RollcallContext ctx);

    /**
     * The gateway runs: join the cluster as its client and send the core's settings (limits and
     * grace) through the log.
     *
     * @param gateway the running gateway.
     */
    void start(Gateway gateway);

    /**
     * What to do when the cluster closed this node's session (it was cut off longer than the
     * session timeout): its commands since have no definite outcome, so the server stops and its
     * clients resume on another node.
     *
     * @param onSessionLost run once, on the cluster client's thread.
     */
    void onSessionLost(Runnable onSessionLost);

    /**
     * Any thread (the admin port's, once a scrape): each of the node's metrics, read without
     * waiting for the node's threads (docs/CLUSTER.md, "Watching a cluster").
     *
     * @param visitor told of each metric in turn.
     */
    void metrics(MetricVisitor visitor);

    /** Told of one of the node's metrics. */
    @FunctionalInterface
    interface MetricVisitor
    {
        /**
         * @param name  the metric's name, by Prometheus's conventions ({@code rollcall_cluster_} prefix,
         *              base units, {@code _total} on a counter).
         * @param gauge true for a gauge (a value now), false for a counter (a total that only grows).
         * @param help  what it measures.
         * @param value its value now.
         */
        void onMetric(String name, boolean gauge, String help, double value);
    }

    /** @return a line for logs: the node, the members, the role as last seen. */
    String describe();

    /** @return for the threads line of the logs: the threads the node adds, and what runs on each. */
    String describeThreads();

    /** Stop sending commands and applying the log (the gateway closes next). */
    void leave();

    /** Release the rest (the media driver, the archive). */
    @Override
    void close();
}
