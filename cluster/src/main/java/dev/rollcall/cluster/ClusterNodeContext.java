package dev.rollcall.cluster;

import dev.rollcall.gateway.ClusterHost;
import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.RethrowingErrorHandler;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.MillisecondClusterClock;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.ClusterEvent;
import io.aeron.cluster.service.ClusterClock;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.security.AuthorisationService;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A cluster node's settings and the Aeron contexts made from them, for either threading
 * ({@code dedicated}: Aeron's usual threads; {@code shared}: the media driver, archive and
 * consensus module in invoker mode for {@link AeronStackAgent}), idle strategies that back off to
 * a park (nothing spins when idle), small sparse term buffers, one Aeron directory and one cluster
 * directory per node, and election and heartbeat timeouts short enough that a lost leader is
 * replaced in well under two seconds on a LAN.
 * <p>
 * Ports: node {@code n} (from 1) uses {@code portBase + (n - 1) * 100 +} an offset:
 * {@value #ARCHIVE_CONTROL_PORT} archive control, {@value #INGRESS_PORT} ingress (the gateways'
 * commands), {@value #CONSENSUS_PORT} consensus, {@value #LOG_PORT} log, {@value #CATCHUP_PORT}
 * catch-up, {@value #LOG_CONTROL_PORT} log control. Directories under the node's data directory:
 * {@code aeron/} (the media driver's), {@code cluster/} (consensus module, service and snapshot
 * recordings' index), {@code archive/} (the log and snapshots), {@code snapshots/} (each
 * snapshot's presence part, for tools).
 */
final class ClusterNodeContext
{
    static final int PORTS_PER_NODE = 100;
    static final int ARCHIVE_CONTROL_PORT = 1;
    static final int INGRESS_PORT = 2;
    static final int CONSENSUS_PORT = 3;
    static final int LOG_PORT = 4;
    static final int CATCHUP_PORT = 5;
    static final int LOG_CONTROL_PORT = 6;
    /** Term length of every cluster channel: small, and sparse files commit only what is used. */
    static final String TERM_LENGTH = "256k";
    /** {@link #TERM_LENGTH} in bytes. */
    static final int TERM_LENGTH_BYTES = 256 * 1024;
    /**
     * The log channel's term: larger than the others, so that a follower starved of CPU for a moment
     * falls behind within the term instead of losing the log's image (and its recording); sparse, so
     * only what is written takes memory.
     */
    static final int LOG_TERM_LENGTH_BYTES = 4 * 1024 * 1024;

    /**
     * Idle with {@code shared}: duty cycles with nothing done before the first park. Few, and no
     * yields: each of rollcall-aeron's duty cycles polls every socket of the media driver (a system
     * call each), so spinning after every message took 40 % of a core per node at 2,000 updates/s,
     * and on a small box that CPU is what delays the other threads (docs/CLUSTER.md, "Threads").
     */
    static final int SHARED_IDLE_SPINS = 2;
    /** The first park after work with {@code shared}: short, so a busy node looks again soon. */
    static final long SHARED_IDLE_MIN_PARK_US = 20;
    /**
     * Idle with {@code dedicated}: Aeron's usual backoff (spins, yields, parks from 1 µs), for threads
     * that have cores of their own; it bought throughput at saturation on the 2-core box too.
     */
    static final int DEDICATED_IDLE_SPINS = 10;
    /** Yields before the first park with {@code dedicated}. */
    static final int DEDICATED_IDLE_YIELDS = 20;
    /** The first park after work with {@code dedicated}. */
    static final long DEDICATED_IDLE_MIN_PARK_US = 1;
    /**
     * The dedicated ingress thread's spins, then yields, before it parks its longest at once: a
     * gateway thread wakes it with a system call only when it is parked, so under load it should
     * rarely be (parking sooner cost a fifth of the peak on the 2-core box).
     */
    static final int DEDICATED_INGRESS_SPINS = 20;
    /** See {@link #DEDICATED_INGRESS_SPINS}. */
    static final int DEDICATED_INGRESS_YIELDS = 10;
    /** The longest park, both: a quiet node looks at most this late at what arrived by network. */
    static final long IDLE_MAX_PARK_US = 1000;

    static final long LEADER_HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long LEADER_HEARTBEAT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(600);
    static final long ELECTION_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);
    static final long ELECTION_STATUS_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long STARTUP_CANVASS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    static final long SESSION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    static final long CLIENT_MESSAGE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    static final long CLIENT_NEW_LEADER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /**
     * The benchmarks' baseline switch: with {@code -Drollcall.cluster.aeronTimeouts=true} a node keeps Aeron's own
     * election, heartbeat and session timeouts instead of the ones above (docs/BENCHMARKS.md, the failover rounds).
     */
    static final String AERON_TIMEOUTS_PROP = "rollcall.cluster.aeronTimeouts";

    /** Aeron's file sync level that syncs the data (and a new file's directory); 0 leaves them to the page cache. */
    static final int SYNC_DATA = 1;

    private static final Logger EVENTS = LoggerFactory.getLogger("rollcall.cluster");

    private final int node;
    private final List<String> members;
    private final int portBase;
    private final Path data;
    private final ErrorHandler errorHandler;
    private final ClusterHost.Threading threading;
    private boolean sync;
    private ClusterClock clusterClock = new MillisecondClusterClock();

    ClusterNodeContext(
        final int node,
        final List<String> members,
        final int portBase,
        final ClusterHost.Threading threading,
        final Path data,
        final ErrorHandler errorHandler)
    {
        if (members.isEmpty() || node < 1 || node > members.size())
        {
            throw new IllegalArgumentException("node " + node + " is not one of the " + members.size() + " members");
        }
        if (portBase < 1 || portBase + members.size() * PORTS_PER_NODE > 65535)
        {
            throw new IllegalArgumentException("cluster port base " + portBase + " leaves no room for " +
                members.size() + " nodes of " + PORTS_PER_NODE + " ports below 65536");
        }
        this.node = node;
        this.members = List.copyOf(members);
        this.portBase = portBase;
        this.threading = threading;
        this.data = data;
        // Aeron reports its cluster's events (a heartbeat timeout, an election) through the error handler: a line each
        this.errorHandler = throwable ->
        {
            if (throwable instanceof ClusterEvent)
            {
                EVENTS.warn("cluster event: {}", throwable.getMessage());
            }
            else
            {
                errorHandler.onError(throwable);
            }
        };
    }

    /**
     * Sync to disk at every write: the archive's recordings (the log, snapshots) and catalog, and the
     * consensus module's recording log. The archive advances a recording's position only after the
     * sync, and a follower reports that position as appended, so the leader commits (and a gateway
     * is told a result) only once a majority of nodes hold the command on disk, not in a page cache.
     *
     * @param sync true to sync; false (the default) leaves it to the page cache, as Aeron's default does.
     * @return this.
     */
    ClusterNodeContext sync(final boolean sync)
    {
        this.sync = sync;
        return this;
    }

    /** @return whether the node syncs its log to disk at every write. */
    boolean sync()
    {
        return sync;
    }

    /** @return how this node runs its cluster's agents. */
    ClusterHost.Threading threading()
    {
        return threading;
    }

    /** @return this node's number, from 1. */
    int node()
    {
        return node;
    }

    /** @return this node's Aeron member id: its number less one. */
    int memberId()
    {
        return node - 1;
    }

    List<String> members()
    {
        return members;
    }

    Path data()
    {
        return data;
    }

    ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * The consensus module's clock (tests): the log's timestamps, so the core's input time, and the
     * cluster timers' time come from it, and Aeron also derives its own timeouts from it.
     *
     * @param clusterClock in milliseconds; Aeron's {@link MillisecondClusterClock} unless set.
     * @return this.
     */
    ClusterNodeContext clusterClock(final ClusterClock clusterClock)
    {
        if (clusterClock.timeUnit() != TimeUnit.MILLISECONDS)
        {
            throw new IllegalArgumentException("the core's times are millis, not " + clusterClock.timeUnit());
        }
        this.clusterClock = clusterClock;
        return this;
    }

    /** @return the port of a node's endpoint. */
    int port(final int memberId, final int offset)
    {
        return portBase + memberId * PORTS_PER_NODE + offset;
    }

    String aeronDirectoryName()
    {
        return data.resolve("aeron").toAbsolutePath().toString();
    }

    /** @return {@code id,ingress,consensus,log,catchup,archive|...} for every member. */
    String clusterMembers()
    {
        final StringBuilder builder = new StringBuilder();
        for (int id = 0; id < members.size(); id++)
        {
            final String host = members.get(id);
            builder.append(id)
                .append(',').append(host).append(':').append(port(id, INGRESS_PORT))
                .append(',').append(host).append(':').append(port(id, CONSENSUS_PORT))
                .append(',').append(host).append(':').append(port(id, LOG_PORT))
                .append(',').append(host).append(':').append(port(id, CATCHUP_PORT))
                .append(',').append(host).append(':').append(port(id, ARCHIVE_CONTROL_PORT))
                .append('|');
        }
        return builder.toString();
    }

    /** @return {@code id=host:port,...}: every member's ingress, for the gateway's cluster client. */
    String ingressEndpoints()
    {
        final StringBuilder builder = new StringBuilder();
        for (int id = 0; id < members.size(); id++)
        {
            builder.append(id == 0 ? "" : ",").append(id).append('=').append(members.get(id)).append(':')
                .append(port(id, INGRESS_PORT));
        }
        return builder.toString();
    }

    /**
     * @param hasWork whether the ingress agent has commands waiting (see {@link WakeableIdleStrategy}).
     * @param maxParkUs the longest park.
     * @return the ingress agent's thread's, which the gateway's threads wake when they queue a command:
     * with {@code shared} as {@link #idle()}; with {@code dedicated} {@value #DEDICATED_INGRESS_SPINS} spins and
     * {@value #DEDICATED_INGRESS_YIELDS} yields, then parks of {@code maxParkUs}.
     */
    WakeableIdleStrategy ingressIdle(final BooleanSupplier hasWork, final long maxParkUs)
    {
        return shared() ?
            new WakeableIdleStrategy(SHARED_IDLE_SPINS, 0, SHARED_IDLE_MIN_PARK_US, maxParkUs, hasWork) :
            new WakeableIdleStrategy(
                DEDICATED_INGRESS_SPINS, DEDICATED_INGRESS_YIELDS, maxParkUs, maxParkUs, hasWork);
    }

    /**
     * @return every other agent's: with {@code shared} a couple of spins, then parks from
     * {@value #SHARED_IDLE_MIN_PARK_US} µs doubling to {@value #IDLE_MAX_PARK_US} µs, no yields; with
     * {@code dedicated} Aeron's usual backoff to the same longest park.
     */
    Supplier<IdleStrategy> idle()
    {
        final long maxParkNs = TimeUnit.MICROSECONDS.toNanos(IDLE_MAX_PARK_US);
        return shared() ?
            () -> new BackoffIdleStrategy(
                SHARED_IDLE_SPINS, 0, TimeUnit.MICROSECONDS.toNanos(SHARED_IDLE_MIN_PARK_US), maxParkNs) :
            () -> new BackoffIdleStrategy(DEDICATED_IDLE_SPINS, DEDICATED_IDLE_YIELDS,
                TimeUnit.MICROSECONDS.toNanos(DEDICATED_IDLE_MIN_PARK_US), maxParkNs);
    }

    MediaDriver.Context mediaDriver()
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectoryName())
            // shared: no thread of its own, the archive's duty cycle runs the conductor, sender and receiver
            // (AeronStackAgent); dedicated: one thread for the three
            .threadingMode(shared() ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
            .sharedIdleStrategy(idle().get())
            // no executor thread either: its rare tasks (name resolution) run in the driver's duty cycle
            .asyncExecutorEnabled(false)
            // as ClusteredMediaDriver sets it: a log publication spied on by the local archive counts as connected
            .spiesSimulateConnection(true)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(TERM_LENGTH_BYTES)
            .ipcTermBufferLength(TERM_LENGTH_BYTES)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler);
    }

    Archive.Context archive()
    {
        final String host = members.get(memberId());
        final Archive.Context context = new Archive.Context()
            .aeronDirectoryName(aeronDirectoryName())
            .archiveDir(data.resolve("archive").toFile())
            .archiveId(memberId())
            .controlChannel(udp(host, port(memberId(), ARCHIVE_CONTROL_PORT)))
            .localControlChannel("aeron:ipc?term-length=" + TERM_LENGTH)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            // shared: no thread of its own, AeronStackAgent invokes it, and it invokes the media driver
            .threadingMode(shared() ? ArchiveThreadingMode.INVOKER : ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idle())
            .deleteArchiveOnStart(false)
            .segmentFileLength(16 * 1024 * 1024)
            .errorHandler(errorHandler);
        if (sync)
        {
            // its recordings (the log, snapshots), a new segment's directory, and its catalog
            context.fileSyncLevel(SYNC_DATA).catalogFileSyncLevel(SYNC_DATA);
        }
        return context;
    }

    AeronArchive.Context archiveClient()
    {
        return new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel("aeron:ipc?term-length=" + TERM_LENGTH)
            .controlResponseChannel("aeron:ipc?term-length=" + TERM_LENGTH)
            .aeronDirectoryName(aeronDirectoryName());
    }

    /**
     * The consensus module on its own thread ({@code dedicated}).
     *
     * @return the consensus module's settings.
     */
    ConsensusModule.Context consensusModule()
    {
        return consensusModuleCommon().archiveContext(archiveClient()).idleStrategySupplier(idle());
    }

    /**
     * The consensus module for the thread that runs the archive and the media driver ({@code shared},
     * {@link AeronStackAgent}): its client, its archive client and its waits run them too.
     *
     * @param archiveInvoker the archive's invoker, which invokes the media driver's.
     * @param driverInvoker  the media driver's invoker.
     * @param errorCounter   the media driver's errors counter.
     * @return the consensus module's settings; call on that thread, which it connects on.
     */
    ConsensusModule.Context consensusModule(
        final AgentInvoker archiveInvoker, final AgentInvoker driverInvoker, final AtomicCounter errorCounter)
    {
        return consensusModuleCommon()
            .aeron(Aeron.connect(invokedClient("rollcall-consensus-" + node).driverAgentInvoker(driverInvoker)))
            .ownsAeronClient(true)
            .errorCounter(errorCounter)
            .archiveContext(archiveClient().agentInvoker(archiveInvoker))
            // no thread of its own: it joins the archive's duty cycle (AeronStackAgent)
            .useAgentInvoker(true)
            .idleStrategySupplier(() -> AeronStackAgent.idleStrategy(archiveInvoker, idle().get()));
    }

    private ConsensusModule.Context consensusModuleCommon()
    {
        final String host = members.get(memberId());
        final ConsensusModule.Context context = new ConsensusModule.Context()
            .aeronDirectoryName(aeronDirectoryName())
            .clusterMemberId(memberId())
            .clusterMembers(clusterMembers())
            .clusterDir(data.resolve("cluster").toFile())
            .clusterClock(clusterClock)
            .ingressChannel("aeron:udp?term-length=" + TERM_LENGTH)
            .logChannel(new ChannelUriStringBuilder()
                .media("udp")
                .termLength(LOG_TERM_LENGTH_BYTES)
                .controlMode(CommonContext.MDC_CONTROL_MODE_MANUAL)
                .controlEndpoint(host + ":" + port(memberId(), LOG_CONTROL_PORT))
                .build())
            .consensusChannel("aeron:udp?term-length=" + TERM_LENGTH)
            .followerCatchupChannel("aeron:udp?term-length=" + TERM_LENGTH)
            .leaderArchiveControlChannel("aeron:udp?term-length=" + TERM_LENGTH)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            // a gateway asks for snapshots (the admin request); only gateways reach the ingress port
            .authorisationServiceSupplier(() -> AuthorisationService.ALLOW_ALL)
            .deleteDirOnStart(false)
            .errorHandler(errorHandler);
        if (sync)
        {
            // also its node state (the term it voted in), which Raft's safety rests on
            context.fileSyncLevel(SYNC_DATA);
        }
        if (!Boolean.getBoolean(AERON_TIMEOUTS_PROP))
        {
            context
                .leaderHeartbeatIntervalNs(LEADER_HEARTBEAT_INTERVAL_NS)
                .leaderHeartbeatTimeoutNs(LEADER_HEARTBEAT_TIMEOUT_NS)
                .electionTimeoutNs(ELECTION_TIMEOUT_NS)
                .electionStatusIntervalNs(ELECTION_STATUS_INTERVAL_NS)
                .startupCanvassTimeoutNs(STARTUP_CANVASS_TIMEOUT_NS)
                .sessionTimeoutNs(SESSION_TIMEOUT_NS);
        }
        return context;
    }

    private boolean shared()
    {
        return ClusterHost.Threading.SHARED == threading;
    }

    /** @return the session timeout in force: a gateway keeps its session alive at a quarter of it. */
    static long sessionTimeoutNs()
    {
        return Boolean.getBoolean(AERON_TIMEOUTS_PROP) ? new ConsensusModule.Context().sessionTimeoutNs() : SESSION_TIMEOUT_NS;
    }

    ClusteredServiceContainer.Context serviceContainer(
        final PresenceClusteredService service, final AtomicCounter errorCounter)
    {
        final ClusteredServiceContainer.Context context = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDirectoryName())
            .archiveContext(archiveClient())
            .clusterDir(data.resolve("cluster").toFile())
            .clusteredService(service)
            .idleStrategySupplier(idle())
            .errorHandler(errorHandler);
        if (shared())
        {
            // its Aeron client's conductor runs in the service's duty cycle, not on a thread of its own
            context.aeron(Aeron.connect(invokedClient("rollcall-service-" + node))).ownsAeronClient(true)
                .errorCounter(errorCounter);
        }
        return context;
    }

    /**
     * @param name the client's name, as Aeron's tools show it.
     * @return an Aeron client whose conductor runs in its owner's duty cycle ({@code conductorAgentInvoker()}),
     * not on a thread of its own.
     */
    Aeron.Context invokedClient(final String name)
    {
        return new Aeron.Context()
            .aeronDirectoryName(aeronDirectoryName())
            .clientName(name)
            .useConductorAgentInvoker(true)
            .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
            .errorHandler(errorHandler);
    }

    /**
     * @return the gateway's cluster client; its Aeron client is {@link #invokedClient} ({@code shared}, made on
     * rollcall-aeron) or its own ({@code dedicated}).
     */
    AeronCluster.Context clusterClient()
    {
        return new AeronCluster.Context()
            .aeronDirectoryName(aeronDirectoryName())
            .ingressChannel("aeron:udp?term-length=" + TERM_LENGTH)
            .ingressEndpoints(ingressEndpoints())
            .egressChannel("aeron:udp?term-length=" + TERM_LENGTH + "|endpoint=" + members.get(memberId()) + ":0")
            .messageTimeoutNs(CLIENT_MESSAGE_TIMEOUT_NS)
            .newLeaderTimeoutNs(CLIENT_NEW_LEADER_TIMEOUT_NS)
            .errorHandler(errorHandler);
    }

    private static String udp(final String host, final int port)
    {
        return "aeron:udp?term-length=" + TERM_LENGTH + "|endpoint=" + host + ":" + port;
    }
}
