package dev.rollcall.cluster;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * A cluster node's own counters, beside the core's and the gateway's in the node's counters file
 * ({@code ./rollcall stat --data data/node-N}): one per {@link Kind}, type id {@link #TYPE_ID}, key
 * the kind's ordinal, label {@code cluster: <what>}. Allocated once at start-up.
 */
final class ClusterCounters
{
    /** Type id of a cluster counter in a counters file (the core's are 1-3, the gateway's 101-102). */
    static final int TYPE_ID = 201;

    /** What is counted, with its label. */
    enum Kind
    {
        COMMANDS_APPLIED("commands applied"),
        DUPLICATES_SKIPPED("re-sent commands applied already, skipped"),
        GAPS("messages after a missing one, refused until it is offered again"),
        REFUSED("malformed or out-of-place messages refused"),
        SNAPSHOTS("snapshots taken"),
        RESENT("commands offered again (a new leader, or none applied for a while)"),
        SNAPSHOT_REQUESTS("snapshots asked for by this node while it led"),
        LEADER_CHANGES("new leaders seen by the gateway");

        final String label;

        Kind(final String label)
        {
            this.label = label;
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
}
