package dev.rollcall.gateway.admin;

import dev.rollcall.core.Counter;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallCounters;
import dev.rollcall.gateway.ClusterHost;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.gateway.UpdateLatencies;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What {@code /metrics} shows: the server's counters and gauges, read only through the public
 * read-only API of {@link Gateway} and {@link Rollcall} (lock-free reads of counters their owning
 * threads write; nothing here lists clients or waits for a pipeline thread), the update latency
 * summaries, and the JVM's basics. Before {@link #gateway} is set (while the journal recovers) it
 * shows readiness and the JVM only.
 * <p>
 * Names follow Prometheus's conventions: a {@code rollcall_} prefix, base units (seconds, bytes),
 * {@code _total} on counters. Written on the admin thread ({@link AdminServer}); one scrape at a time.
 */
public final class RollcallMetrics
{
    /** The summaries' quantiles. */
    static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final String[] QUANTILE_LABELS = {"0.5", "0.9", "0.99", "0.999"};
    private static final ErrorCode[] ERROR_CODES = ErrorCode.values();
    private static final Result[] RESULTS = Result.values();
    /** Thread labels, made once. */
    private static final String[] THREADS = threadLabels(64);

    private final Readiness readiness;
    private final JvmMetrics jvm = new JvmMetrics();
    private final JournalSize journalSize = new JournalSize();
    private volatile Gateway gateway;
    private volatile Path journalDirectory;
    private volatile ClusterHost cluster;
    private LatencyWindow journaled;
    private LatencyWindow dispatched;

    /**
     * @param readiness shown as {@code rollcall_ready}.
     */
    public RollcallMetrics(final Readiness readiness)
    {
        this.readiness = readiness;
    }

    /**
     * The server is up: show its metrics from now on.
     *
     * @param gateway          the running gateway (and its core).
     * @param journalDirectory the journal's directory, for its size on disk; null for none.
     * @return this.
     */
    public RollcallMetrics gateway(final Gateway gateway, final Path journalDirectory)
    {
        this.journalDirectory = journalDirectory;
        this.gateway = gateway;
        return this;
    }

    /**
     * This server is a cluster node: show the node's metrics too ({@link ClusterHost#metrics}).
     *
     * @param cluster the node.
     * @return this.
     */
    public RollcallMetrics cluster(final ClusterHost cluster)
    {
        this.cluster = cluster;
        return this;
    }

    /**
     * Write every metric.
     *
     * @param out appended to.
     */
    public synchronized void writeTo(final StringBuilder out)
    {
        final PrometheusText text = new PrometheusText(out);
        text.family("rollcall_ready", "gauge",
            "1 when the journal is recovered and the gateway listens (/health/ready answers 200), else 0.")
            .sample("rollcall_ready", readiness.isReady() ? 1 : 0);
        final Gateway running = gateway;
        if (null != running)
        {
            writeCore(text, running.rollcall());
            writeGateway(text, running);
            writeLatencies(text, running.updateLatencies());
        }
        final ClusterHost node = cluster;
        if (null != node)
        {
            node.metrics((name, gauge, help, value) -> text.family(name, gauge ? "gauge" : "counter", help).sample(name, value));
        }
        jvm.writeTo(text);
    }

    private void writeCore(final PrometheusText text, final Rollcall rollcall)
    {
        final RollcallCounters counters = rollcall.counters();
        text.family("rollcall_recovery_seconds", "gauge",
                "How long recovering the journal (newest snapshot, then the inputs after it) took at start-up.")
            .sample("rollcall_recovery_seconds", rollcall.recoveryNanos() / 1e9);

        final int clients = rollcall.clientCount();
        final int inGrace = rollcall.clientsInGrace();
        text.family("rollcall_clients", "gauge", "Clients held now, by state: connected, or in grace (disconnected, " +
                "countdown running).")
            .sample("rollcall_clients", "state", "connected", Math.max(0, clients - inGrace))
            .sample("rollcall_clients", "state", "grace", inGrace);

        text.family("rollcall_inputs_applied_total", "counter",
            "State inputs applied (accepted or refused) since start-up, by input type; recovery's replay not counted.");
        for (int type = InputType.TICK; type <= InputType.LAST_STATE_INPUT; type++)
        {
            text.sample("rollcall_inputs_applied_total", "type", InputType.name(type), counters.inputsApplied(type));
        }
        text.family("rollcall_command_results_total", "counter", "Results of the core's inputs (commands, and the control inputs: ticks, grace, limits, resets), by result.");
        for (final Result result : RESULTS)
        {
            text.sample("rollcall_command_results_total", "result", result.name(), counters.results(result));
        }
        counter(text, "rollcall_commands_refused_total", "Commands the core refused (a result other than " +
            "APPLIED or UNCHANGED).", counters.get(Counter.COMMANDS_REFUSED));

        text.family("rollcall_ring_remaining_slots", "gauge",
                "Free slots on the core's ring; producers wait when it reaches 0.")
            .sample("rollcall_ring_remaining_slots", rollcall.ringRemainingCapacity());
        text.family("rollcall_ring_size_slots", "gauge", "Slots of the core's ring.")
            .sample("rollcall_ring_size_slots", rollcall.context().ringSize());

        text.family("rollcall_journal_lag_inputs", "gauge",
                "Inputs on the ring that the journal does not hold yet (0 when it keeps up).")
            .sample("rollcall_journal_lag_inputs", rollcall.journalLag());
        text.family("rollcall_journal_failed", "gauge",
                "1 once the journal has failed (every command is refused JOURNAL_FAILED: restart), else 0.")
            .sample("rollcall_journal_failed", rollcall.isJournalFailed() ? 1 : 0);
        counter(text, "rollcall_journal_failures_total", "Inputs the journal failed to record.",
            counters.get(Counter.JOURNAL_FAILURES));
        final Path directory = journalDirectory;
        if (null != directory)
        {
            text.family("rollcall_journal_size_bytes", "gauge",
                    "Apparent size of the journal directory's files (queue files, snapshots, metadata), as journal " +
                    "inspect counts it; Chronicle grows queue files in sparse chunks, so fewer disk blocks may be in use.")
                .sample("rollcall_journal_size_bytes", journalSize.of(directory));
        }

        counter(text, "rollcall_mailbox_events_delivered_total", "Events written into mailboxes of embedded subscribers.",
            counters.get(Counter.EVENTS_DELIVERED));
        counter(text, "rollcall_mailbox_overflows_total", "Mailboxes dropped by the fan-out because they were full.",
            counters.get(Counter.MAILBOX_OVERFLOWS));
        counter(text, "rollcall_directives_issued_total", "Close-connection directives the core issued.",
            counters.get(Counter.DIRECTIVES_ISSUED));
        text.family("rollcall_snapshots_total", "counter", "Snapshots the snapshot thread built, by result.")
            .sample("rollcall_snapshots_total", "result", "stored", counters.get(Counter.SNAPSHOTS_STORED))
            .sample("rollcall_snapshots_total", "result", "failed", counters.get(Counter.SNAPSHOT_FAILURES));
        final long storedMs = rollcall.lastSnapshotEpochMs();
        if (storedMs > 0)
        {
            text.family("rollcall_snapshot_last_stored_timestamp_seconds", "gauge",
                    "When the last snapshot of this run was stored, in Unix time.")
                .sample("rollcall_snapshot_last_stored_timestamp_seconds", storedMs / 1000.0);
            text.family("rollcall_snapshot_age_seconds", "gauge", "Time since the last snapshot of this run was stored.")
                .sample("rollcall_snapshot_age_seconds", Math.max(0, System.currentTimeMillis() - storedMs) / 1000.0);
            text.family("rollcall_snapshot_size_bytes", "gauge", "Encoded size of the last snapshot stored.")
                .sample("rollcall_snapshot_size_bytes", rollcall.lastSnapshotBytes());
            text.family("rollcall_snapshot_duration_seconds", "gauge",
                    "How long the snapshot thread took to build and store the last snapshot (rebuild, encode, write).")
                .sample("rollcall_snapshot_duration_seconds", rollcall.lastSnapshotBuildNanos() / 1e9);
        }
    }

    /**
     * @return true once the gateway is up and its core's journal failed (every command refused).
     */
    boolean journalFailed()
    {
        final Gateway current = gateway;
        return null != current && current.rollcall().isJournalFailed();
    }

    private static void writeGateway(final PrometheusText text, final Gateway gateway)
    {
        final long open = gateway.counter(GatewayCounter.CONNECTIONS_OPEN);
        final long webSocket = gateway.counter(GatewayCounter.WEBSOCKET_CONNECTIONS_OPEN);
        text.family("rollcall_connections_open", "gauge",
                "Connections open now, by the port they came in on (tcp: the binary protocol, websocket).")
            .sample("rollcall_connections_open", "protocol", "tcp", Math.max(0, open - webSocket))
            .sample("rollcall_connections_open", "protocol", "websocket", Math.max(0, webSocket));
        counter(text, "rollcall_connections_accepted_total", "Connections accepted (admitted or refused by a limit).",
            gateway.counter(GatewayCounter.CONNECTIONS_ACCEPTED));
        counter(text, "rollcall_connections_refused_total", "Connections refused by a connection limit.",
            gateway.counter(GatewayCounter.CONNECTIONS_REFUSED));
        counter(text, "rollcall_connections_closed_total", "Connections closed, for any reason.",
            gateway.counter(GatewayCounter.CONNECTIONS_CLOSED));
        counter(text, "rollcall_slow_consumer_closes_total",
            "Connections closed because they did not read their events fast enough (SLOW_CONSUMER).",
            gateway.counter(GatewayCounter.SLOW_CONSUMERS));
        counter(text, "rollcall_connection_migrations_total", "Connections moved to their user's home gateway thread.",
            gateway.counter(GatewayCounter.MIGRATIONS));
        counter(text, "rollcall_identifies_total", "Sessions identified.", gateway.counter(GatewayCounter.IDENTIFIES));
        text.family("rollcall_resumes_total", "counter", "Session resumes, by result: accepted, or refused with " +
                "INVALID_SESSION.")
            .sample("rollcall_resumes_total", "result", "accepted", gateway.counter(GatewayCounter.RESUMES))
            .sample("rollcall_resumes_total", "result", "refused", gateway.counter(GatewayCounter.INVALID_SESSIONS));
        text.family("rollcall_protocol_errors_total", "counter",
            "Error and close codes the gateway sent to clients, by code (docs/protocol.md).");
        for (final ErrorCode code : ERROR_CODES)
        {
            text.sample("rollcall_protocol_errors_total", "code", code.name(), gateway.errorCount(code));
        }
        counter(text, "rollcall_frames_received_total", "Frames the built-in protocol received.",
            gateway.counter(GatewayCounter.FRAMES_RECEIVED));
        counter(text, "rollcall_events_routed_total", "Events the core handed to gateway threads.",
            gateway.counter(GatewayCounter.EVENTS_ROUTED));
        counter(text, "rollcall_events_dispatched_total", "Events the built-in protocol dispatched to sessions.",
            gateway.counter(GatewayCounter.EVENTS_DISPATCHED));
        counter(text, "rollcall_received_bytes_total", "Bytes read from client sockets.",
            gateway.counter(GatewayCounter.BYTES_READ));
        counter(text, "rollcall_sent_bytes_total", "Bytes written to client sockets.",
            gateway.counter(GatewayCounter.BYTES_WRITTEN));
        counter(text, "rollcall_socket_writes_total", "Socket write calls (sent bytes / writes = batching).",
            gateway.counter(GatewayCounter.WRITE_CALLS));
        counter(text, "rollcall_websocket_upgrades_total", "WebSocket opening handshakes answered with 101.",
            gateway.counter(GatewayCounter.WEBSOCKET_UPGRADES));
        counter(text, "rollcall_websocket_handshakes_refused_total", "WebSocket opening handshakes refused with an " +
            "HTTP status.", gateway.counter(GatewayCounter.WEBSOCKET_HANDSHAKES_REFUSED));
        counter(text, "rollcall_websocket_protocol_errors_total", "WebSocket connections closed for breaking RFC 6455 " +
            "or its limits.", gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS));
        text.family("rollcall_handler_errors_total", "counter",
                "Exceptions caught in pipeline handlers (core) or connection handlers (gateway).")
            .sample("rollcall_handler_errors_total", "component", "core",
                gateway.rollcall().counters().get(Counter.HANDLER_ERRORS))
            .sample("rollcall_handler_errors_total", "component", "gateway",
                gateway.counter(GatewayCounter.HANDLER_ERRORS));

        text.family("rollcall_inbox_depth_bytes", "gauge",
            "Bytes waiting in each gateway thread's inbox from the core's fan-out, by thread.");
        for (int thread = 0; thread < gateway.threads(); thread++)
        {
            text.sample("rollcall_inbox_depth_bytes", "thread",
                thread < THREADS.length ? THREADS[thread] : Integer.toString(thread), gateway.inboxDepthBytes(thread));
        }
        text.family("rollcall_inbox_capacity_bytes", "gauge", "Capacity of each gateway thread's inbox.")
            .sample("rollcall_inbox_capacity_bytes", gateway.inboxCapacityBytes());
        counter(text, "rollcall_inbox_overruns_total",
            "Times a gateway thread's inbox overflowed (its sessions were closed with SERVER_OVERLOADED).",
            gateway.counter(GatewayCounter.INBOX_OVERRUNS));
    }

    private void writeLatencies(final PrometheusText text, final UpdateLatencies latencies)
    {
        final long nowNs = System.nanoTime();
        if (null == journaled)
        {
            journaled = new LatencyWindow(nowNs);
            dispatched = new LatencyWindow(nowNs);
        }
        summary(text, "rollcall_update_journaled_seconds",
            "From a gateway thread publishing an UPDATE to its result coming back, which the core releases once the " +
            "journal holds it; quantiles over the last 4 to 5 minutes.",
            journaled, nowNs, latencies, UpdateLatencies.Kind.JOURNALED);
        summary(text, "rollcall_update_dispatched_seconds",
            "From a gateway thread publishing an UPDATE to its answer (and its events for that thread's sessions) " +
            "written to the sockets; quantiles over the last 4 to 5 minutes.",
            dispatched, nowNs, latencies, UpdateLatencies.Kind.DISPATCHED);
    }

    private static void summary(
        final PrometheusText text,
        final String name,
        final String help,
        final LatencyWindow recent,
        final long nowNs,
        final UpdateLatencies latencies,
        final UpdateLatencies.Kind kind)
    {
        latencies.drainInto(kind, recent.current(nowNs));
        final Histogram window = recent.merged();
        text.family(name, "summary", help);
        final boolean empty = window.getTotalCount() == 0;
        for (int i = 0; i < QUANTILES.length; i++)
        {
            text.sample(name, "quantile", QUANTILE_LABELS[i],
                empty ? Double.NaN : window.getValueAtPercentile(QUANTILES[i] * 100) / 1e9);
        }
        text.sample(name + "_sum", latencies.sumNanos(kind) / 1e9);
        text.sample(name + "_count", latencies.count(kind));
    }

    private static void counter(final PrometheusText text, final String name, final String help, final long value)
    {
        text.family(name, "counter", help).sample(name, value);
    }

    private static String[] threadLabels(final int count)
    {
        final String[] labels = new String[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = Integer.toString(i);
        }
        return labels;
    }

    /**
     * Sums the sizes of a directory's files, reusing one visitor; files that vanish meanwhile (retention
     * deletes old ones) are skipped.
     */
    private static final class JournalSize extends SimpleFileVisitor<Path>
    {
        private long bytes;

        long of(final Path directory)
        {
            bytes = 0;
            try
            {
                Files.walkFileTree(directory, this);
            }
            catch (final IOException ex)
            {
                // unreadable: what was summed so far
            }
            return bytes;
        }

        @Override
        public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
        {
            if (attributes.isRegularFile())
            {
                bytes += attributes.size();
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(final Path file, final IOException ex)
        {
            return FileVisitResult.CONTINUE;
        }
    }
}
