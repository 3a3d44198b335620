package dev.rollcall.cluster;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The node's gateway as an Aeron Cluster client ({@link NodeStack} says on which thread): owns the
 * {@link AeronCluster} session, numbers the commands the gateway threads queue
 * ({@link ClusterSequencer}), offers them to the leader in order, and keeps every one until this
 * node's replica has applied it ({@link IngressProgress}), so that a leader change re-sends exactly
 * what the new leader may lack and the service applies each once ({@link IngressDescriptor}'s
 * sequence). The session's first message is a {@link IngressDescriptor#HELLO}. Keeps the session
 * alive when idle. With {@code shared}, its Aeron client's conductor runs in this duty cycle.
 * <p>
 * A session the cluster closes (this node was cut off longer than the session timeout) is not
 * reopened: the gateway's commands since then have no definite outcome, so the node stops
 * ({@code onSessionLost}) and its clients resume on another node.
 */
final class IngressAgent implements Agent, EgressListener
{
    private final int node;
    private final int memberId;
    private final long snapshotIntervalNs;
    private final AtomicCounter snapshotRequests;
    private final AtomicCounter commandsPending;
    private final AtomicCounter pendingStalledSince;
    private final AeronCluster.Context clusterContext;
    private final Aeron.Context aeronContext;
    private final AgentInvoker stackWhileWaiting;
    private Aeron aeron;
    private AgentInvoker aeronInvoker;
    private final ManyToOneRingBuffer queue;
    private final IngressProgress progress;
    private final PendingCommands pending;
    private final NanoClock clock;
    private final long keepAliveIntervalNs;
    private final Runnable onSessionLost;
    private final AtomicCounter resent;
    private final AtomicCounter leaderChanges;
    private final PendingCommands.Sender sender = this::offer;
    private AeronCluster.AsyncConnect connecting;
    private AeronCluster cluster;
    private long nextSequence = 1;
    private long lastOfferNs;
    private final ResendTimer resendTimer = new ResendTimer();
    private long lastSnapshotRequestNs;
    private boolean refused;
    private final MessageHandler onQueued = this::onQueued;
    private boolean lost;
    private volatile int leaderMemberId = -1;

    IngressAgent(
        final int node,
        final AeronCluster.Context clusterContext,
        final Aeron.Context aeronContext,
        final AgentInvoker stackWhileWaiting,
        final ManyToOneRingBuffer queue,
        final IngressProgress progress,
        final int maxPendingBytes,
        final NanoClock clock,
        final long keepAliveIntervalNs,
        final Runnable onSessionLost,
        final ClusterCounters counters,
        final long snapshotIntervalNs)
    {
        this.node = node;
        this.memberId = node - 1;
        this.snapshotIntervalNs = snapshotIntervalNs;
        this.snapshotRequests = counters.get(ClusterCounters.Kind.SNAPSHOT_REQUESTS);
        this.commandsPending = counters.get(ClusterCounters.Kind.COMMANDS_PENDING);
        this.pendingStalledSince = counters.get(ClusterCounters.Kind.PENDING_STALLED_SINCE);
        this.clusterContext = clusterContext.egressListener(this);
        this.aeronContext = aeronContext;
        this.stackWhileWaiting = stackWhileWaiting;
        this.queue = queue;
        this.progress = progress;
        this.pending = new PendingCommands(64 * 1024, maxPendingBytes);
        this.clock = clock;
        this.keepAliveIntervalNs = keepAliveIntervalNs;
        this.onSessionLost = onSessionLost;
        this.resent = counters.get(ClusterCounters.Kind.RESENT);
        this.leaderChanges = counters.get(ClusterCounters.Kind.LEADER_CHANGES);
    }

    @Override
    public void onStart()
    {
        if (null == aeronContext)
        {
            // the cluster client makes its own Aeron client, with a conductor thread
            aeronInvoker = null;
            connecting = AeronCluster.asyncConnect(clusterContext.clone());
            return;
        }
        // shared: the client's conductor runs in this duty cycle, no thread of its own
        aeron = Aeron.connect(aeronContext);
        aeronInvoker = aeron.conductorAgentInvoker();
        // the cluster client waits in a few places (a new leader's ingress publication) and runs its client's
        // conductor then; on rollcall-aeron it must run the archive and the media driver too, or wait for ever
        clusterContext.aeron(aeron).ownsAeronClient(false).agentInvoker(stackWhileWaiting);
        connecting = AeronCluster.asyncConnect(clusterContext.clone());
    }

    @Override
    public int doWork()
    {
        if (lost)
        {
            return 0;
        }
        final int conductorWork = null == aeronInvoker ? 0 : aeronInvoker.invoke();
        if (null == cluster)
        {
            return conductorWork + connect();
        }
        if (cluster.isClosed())
        {
            sessionLost("the cluster closed this node's session");
            return 0;
        }
        final long nowNs = clock.nanoTime();
        final int applied = pending.dropApplied(progress.appliedSequence());
        int work = conductorWork + applied;
        // progress is this node's replica applying its commands (the conductor's work is not)
        if (applied > 0 || 0 == pending.size())
        {
            resendTimer.onProgress(nowNs);
        }
        else if (!pending.hasUnsent() && resendTimer.isDue(nowNs))
        {
            resent.getAndAdd(pending.size());
            pending.resendAll();
        }
        work += queue.read(onQueued, 256);
        refused = false;
        work += pending.sendUnsent(sender, IngressDescriptor.MAX_BATCH_BYTES);
        work += cluster.pollEgress();
        if (nowNs - lastOfferNs >= keepAliveIntervalNs && cluster.sendKeepAlive())
        {
            lastOfferNs = nowNs;
        }
        showPending();
        if (snapshotIntervalNs > 0 && nowNs - lastSnapshotRequestNs >= snapshotIntervalNs)
        {
            lastSnapshotRequestNs = nowNs;
            // one node asks, the leader's, so the cluster takes one snapshot an interval
            if (memberId == leaderMemberId && cluster.sendAdminRequestToTakeASnapshot(nowNs))
            {
                snapshotRequests.increment();
            }
        }
        return work;
    }

    /**
     * The gauges an operator watches for results owed: how many commands wait for this node's replica,
     * and since when it has applied none of them (a time, so that the gauge goes on growing while this
     * thread is starved or waits). Written only when they change.
     */
    private void showPending()
    {
        final int size = pending.size();
        if (commandsPending.getPlain() != size)
        {
            commandsPending.setRelease(size);
        }
        final long stalledSince = 0 == size ? 0 : TimeUnit.NANOSECONDS.toMillis(resendTimer.lastProgressNs());
        if (pendingStalledSince.getPlain() != stalledSince)
        {
            pendingStalledSince.setRelease(stalledSince);
        }
    }

    /**
     * @return true when a command waits to be numbered, or to be offered and the last offer was not
     * refused: the idle strategy's re-check before it parks. While the cluster refuses (an election,
     * a partition) or before a session exists, the agent parks between tries, never spins.
     */
    boolean hasWork()
    {
        return null != cluster && !lost && (queue.size() > 0 || (pending.hasUnsent() && !refused));
    }

    /** Any thread. @return the leader's member id as last heard, or -1. */
    int leaderMemberId()
    {
        return leaderMemberId;
    }

    private int connect()
    {
        final AeronCluster connected;
        try
        {
            connected = connecting.poll();
        }
        catch (final RuntimeException ex)
        {
            // not reachable yet (an election, a member still starting): try again
            CloseHelper.quietClose(connecting);
            connecting = AeronCluster.asyncConnect(clusterContext.clone());
            return 0;
        }
        if (null == connected)
        {
            return 0;
        }
        cluster = connected;
        connecting = null;
        leaderMemberId = connected.leaderMemberId();
        progress.sessionId(connected.clusterSessionId());
        final int offset = pending.claim(IngressDescriptor.HEADER_LENGTH);
        final MutableDirectBuffer buffer = pending.buffer();
        putHeader(buffer, offset, IngressDescriptor.HELLO, 0);
        pending.commit(IngressDescriptor.HEADER_LENGTH);
        lastOfferNs = clock.nanoTime();
        resendTimer.onProgress(lastOfferNs);
        return 1;
    }

    private void onQueued(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int inputLength = length - ClusterSequencer.INPUT_OFFSET;
        final int offset = pending.claim(IngressDescriptor.HEADER_LENGTH + inputLength);
        if (offset < 0)
        {
            // the leader has not taken ingress for so long that the bound is reached: stop, as a lost session
            sessionLost("more than the pending bound of commands was not applied");
            return;
        }
        final MutableDirectBuffer target = pending.buffer();
        putHeader(target, offset, IngressDescriptor.COMMAND, buffer.getLong(index, IngressDescriptor.ORDER));
        target.putBytes(offset + IngressDescriptor.HEADER_LENGTH, buffer, index + ClusterSequencer.INPUT_OFFSET, inputLength);
        pending.commit(IngressDescriptor.HEADER_LENGTH + inputLength);
    }

    private void putHeader(final MutableDirectBuffer buffer, final int offset, final int type, final long correlationId)
    {
        buffer.putInt(offset + IngressDescriptor.TYPE_OFFSET, type, IngressDescriptor.ORDER);
        buffer.putInt(offset + IngressDescriptor.NODE_OFFSET, node, IngressDescriptor.ORDER);
        buffer.putLong(offset + IngressDescriptor.SEQUENCE_OFFSET, nextSequence++, IngressDescriptor.ORDER);
        buffer.putLong(offset + IngressDescriptor.CORRELATION_ID_OFFSET, correlationId, IngressDescriptor.ORDER);
    }

    private boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = cluster.offer(buffer, offset, length);
        if (result > 0)
        {
            lastOfferNs = clock.nanoTime();
            return true;
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            sessionLost("the ingress publication is closed (" + result + ")");
        }
        // NOT_CONNECTED, BACK_PRESSURED, ADMIN_ACTION: the same record again on the next duty cycle
        refused = true;
        return false;
    }

    private void sessionLost(final String why)
    {
        if (!lost)
        {
            lost = true;
            CloseHelper.quietClose(cluster);
            onSessionLost.run();
            throw new IllegalStateException("node " + node + " lost its cluster session: " + why);
        }
    }

    @Override
    public void onMessage(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        // the service answers through this node's replica, not through egress
    }

    @Override
    public void onSessionEvent(
        final long correlationId,
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final EventCode code,
        final String detail)
    {
        if (code == EventCode.CLOSED || code == EventCode.ERROR)
        {
            sessionLost("session event " + code + ": " + detail);
        }
    }

    @Override
    public void onNewLeader(
        final long clusterSessionId, final long leadershipTermId, final int leaderMemberId, final String ingressEndpoints)
    {
        this.leaderMemberId = leaderMemberId;
        leaderChanges.increment();
        // the new leader may lack what the old one took but never committed: offer every unapplied one again,
        // and give it the whole wait before the timed re-send offers them once more
        resent.getAndAdd(pending.size());
        pending.resendAll();
        resendTimer.onOfferedAll(clock.nanoTime());
    }

    @Override
    public void onClose()
    {
        CloseHelper.quietCloseAll(connecting, cluster, aeron);
    }

    @Override
    public String roleName()
    {
        return "rollcall-ingress";
    }

    static long keepAliveIntervalNs(final long sessionTimeoutNs)
    {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(10), sessionTimeoutNs / 4);
    }
}
