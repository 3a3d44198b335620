package dev.rollcall.gateway.cli;

import dev.rollcall.core.Counter;
import dev.rollcall.gateway.Gateway;

import java.util.function.Supplier;

/**
 * What {@code rollcall serve}'s shutdown lines say about the server: at the start of the drain
 * the connections still open; later (a forced exit) also whether the final snapshot was stored.
 * Reads counters only: safe on any thread, never blocks.
 */
final class DrainProgress implements Supplier<String>
{
    private final Gateway gateway;
    private volatile long snapshotsAtStart = -1;

    DrainProgress(final Gateway gateway)
    {
        this.gateway = gateway;
    }

    @Override
    public String get()
    {
        final long stored = gateway.rollcall().counters().get(Counter.SNAPSHOTS_STORED);
        final String connections = gateway.openConnections() + " connection" + (1 == gateway.openConnections() ? "" : "s") +
            " open";
        if (snapshotsAtStart < 0)
        {
            snapshotsAtStart = stored;
            return connections;
        }
        return connections + ", final snapshot " + (stored > snapshotsAtStart ? "stored" : "not stored");
    }
}
