package dev.rollcall.cluster;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * A cluster node's own counters and gauges, beside the core's and the gateway's in the node's
 * counters file ({@code ./rollcall stat --data data/node-N}): one per {@link Kind}, type id
 * {@link #TYPE_ID}, key the kind's ordinal, label {@code cluster: <what>}. Allocated once at
 * start-up. Each kind is also a metric on the admin port's {@code /metrics}
 * ({@link ClusterNode#metrics}), named there by {@link Kind#metric}.
 */
final class ClusterCounters
{
    /** Type id of a cluster counter in a counters file (the core's are 1-3, the gateway's 101-102). */
    static final int TYPE_ID = 201;

    /** What is counted or measured, with its label and its metric. */
    enum Kind
    {
        COMMANDS_APPLIED("commands applied", "rollcall_cluster_commands_applied_total"),
        DUPLICATES_SKIPPED("re-sent commands applied already, skipped", "rollcall_cluster_duplicates_skipped_total"),
        GAPS("messages after a missing one, refused until it is offered again", "rollcall_cluster_gaps_total"),
        REFUSED("malformed or out-of-place messages refused", "rollcall_cluster_messages_refused_total"),
        SNAPSHOTS("snapshots taken", "rollcall_cluster_snapshots_total"),
        RESENT("commands offered again (a new leader, or none applied for a while)", "rollcall_cluster_resent_total"),
        SNAPSHOT_REQUESTS("snapshots asked for by this node while it led", "rollcall_cluster_snapshot_requests_total"),
        LEADER_CHANGES("new leaders seen by the gateway", "rollcall_cluster_leader_changes_total"),
        COMMANDS_PENDING("commands this node's gateway sent that its replica has not applied yet (results owed)",
            "rollcall_cluster_commands_pending"),
        PENDING_STALLED_SINCE("monotonic clock (System.nanoTime) in ms at the last time this node's replica applied " +
            "one of its commands, while some wait (0: none waits)", "rollcall_cluster_pending_stalled_seconds", true,
            "Seconds since this node's replica last applied one of its commands while some wait (0: none waits).");

        final String label;
        /** The metric's name: a counter's ends with {@code _total}, anything else is a gauge. */
        final String metric;
        /** The counter holds a time of the monotonic clock in ms (0 for none), and the metric is the seconds since then. */
        final boolean age;
        /** The metric's help text. */
        final String help;

        Kind(final String label, final String metric)
        {
            this(label, metric, false, Character.toUpperCase(label.charAt(0)) + label.substring(1) + ".");
        }

        Kind(final String label, final String metric, final boolean age, final String help)
        {
            this.label = label;
            this.metric = metric;
            this.age = age;
            this.help = help;
        }

        /**
         * @param value  the counter's value.
         * @param nowMs  the monotonic clock (System.nanoTime) now, in ms.
         * @return the metric's value.
         */
        double metricValue(final long value, final long nowMs)
        {
            return !age ? value : 0 == value ? 0 : Math.max(0, nowMs - value) / 1000.0;
        }

        /** @return true for a gauge (a value now), false for a counter (a total that only grows). */
        boolean isGauge()
        {
            return !metric.endsWith("_total");
        }
    }

    private static final Kind[] KINDS = Kind.values();
    /** Counters a node allocates. */
    static final int COUNTERS_ALLOCATED = KINDS.length;

    private final AtomicCounter[] counters = new AtomicCounter[KINDS.length];

    ClusterCounters(final CountersManager manager)
    {
        for (final Kind kind : KINDS)
        {
            counters[kind.ordinal()] = manager.newCounter("cluster: " + kind.label, TYPE_ID,
                key -> key.putInt(0, kind.ordinal()));
        }
    }

    AtomicCounter get(final Kind kind)
    {
        return counters[kind.ordinal()];
    }

    /** @return every kind, in counter order. */
    static Kind[] kinds()
    {
        return KINDS;
    }
}
