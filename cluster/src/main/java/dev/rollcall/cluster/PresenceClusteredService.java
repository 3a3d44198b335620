package dev.rollcall.cluster;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Journal;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.SnapshotCodec;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The presence state machine as an Aeron Cluster service: one replica on every node, fed the Raft
 * log. Each gateway command in the log ({@link IngressDescriptor}) is applied through the core's
 * unchanged pipeline ({@link Rollcall#applySequenced}) with the log's timestamp as its time, so
 * every replica reaches the same state; each replica fans the events out to its own node's
 * gateway, and a command's result goes to the node that issued it. A gateway session's
 * re-sent messages are applied once (its sequence). Grace countdowns end on a cluster timer set
 * at the state's earliest deadline, applied as a tick at the timer's time. When a node's gateway
 * session ends (the node died or was cut off) or a new one says HELLO, that node's connections
 * are lost: its clients start their grace countdowns, which a resume on another node cancels.
 * <p>
 * Snapshots hold the core's snapshot ({@code SnapshotCodec}) and this service's own bookkeeping
 * (sessions, their nodes and sequences, the scheduled deadline), in a fixed order so that replicas
 * write the same bytes.
 */
public final class PresenceClusteredService implements ClusteredService
{
    private static final Logger LOG = LoggerFactory.getLogger("rollcall.cluster");
    /** The one cluster timer: the earliest grace deadline. */
    static final long GRACE_TIMER_ID = 1;
    private static final long NONE = Long.MAX_VALUE;
    private static final int CORE_SNAPSHOT_INITIAL = 64 * 1024;

    private final CompletableFuture<RollcallContext> coreContext = new CompletableFuture<>();
    private final CompletableFuture<Rollcall> core = new CompletableFuture<>();
    private final IngressProgress progress;
    private final ErrorHandler errorHandler;
    private final Path snapshotCopies;
    private volatile ClusterCounters counters;
    private final GatewaySessions sessions = new GatewaySessions();
    private final Input input = new Input();
    private final ExpandableDirectByteBuffer inputBuffer = new ExpandableDirectByteBuffer(InputCodec.HEADER_LENGTH);
    private final ExpandableDirectByteBuffer snapshotBuffer = new ExpandableDirectByteBuffer(CORE_SNAPSHOT_INITIAL);
    private final ExpandableDirectByteBuffer coreScratch = new ExpandableDirectByteBuffer(CORE_SNAPSHOT_INITIAL);
    private Cluster cluster;
    private Rollcall rollcall;
    private long scheduledDeadline = NONE;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private final AtomicReference<CompletableFuture<ReplicaSnapshot>> snapshotRequest = new AtomicReference<>();
    private ExpandableDirectByteBuffer requestedSnapshot;

    /**
     * A replica's snapshot taken on request ({@link #replicaSnapshot()}).
     *
     * @param logPosition the log position of the state it holds.
     * @param bytes       as {@link #onTakeSnapshot} writes it: the core's part first (see {@code encodeSnapshot}).
     */
    record ReplicaSnapshot(long logPosition, byte[] bytes)
    {
        /** @return the core's part ({@code Rollcall.encodeSnapshot}). */
        byte[] core()
        {
            final int coreLength = new UnsafeBuffer(bytes).getInt(0, IngressDescriptor.ORDER);
            return Arrays.copyOfRange(bytes, Integer.BYTES, Integer.BYTES + coreLength);
        }
    }

    /**
     * @param progress      shared with the node's {@link IngressAgent}.
     * @param errorHandler  for commands the core refuses as malformed.
     * @param snapshotCopies a directory where each snapshot's core part is also written as
     *                      {@code presence-<logPosition>.snap} (for the journal tools and for comparing
     *                      replicas), or null for none.
     */
    PresenceClusteredService(
        final IngressProgress progress, final ErrorHandler errorHandler, final Path snapshotCopies)
    {
        this.progress = progress;
        this.errorHandler = errorHandler;
        this.snapshotCopies = snapshotCopies;
    }

    /**
     * The gateway's core launcher ({@code Gateway.launch(..., coreLauncher)}): hands the prepared
     * settings to the service thread, which launches the core on itself once it has the snapshot,
     * and waits for it.
     *
     * @param ctx the core's settings, with the sequencer set.
     * @return the running core.
     */
    Rollcall launchCore(final RollcallContext ctx)
    {
        coreContext.complete(ctx);
        return core.join();
    }

    /**
     * The node could not prepare the core or start its consensus module: the service's start and
     * the gateway's launch fail instead of waiting.
     */
    void abandonCore(final Throwable cause)
    {
        coreContext.completeExceptionally(cause);
        core.completeExceptionally(cause);
    }

    /** @return the running core, or null before the service has started it or when it never will. */
    Rollcall rollcall()
    {
        return core.isCompletedExceptionally() ? null : core.getNow(null);
    }

    /** @return the node's cluster counters, once the core runs (they live in its counters file). */
    ClusterCounters counters()
    {
        return counters;
    }

    /**
     * Any thread (tests comparing replicas): the snapshot this replica would write now, encoded on the
     * service thread in its background work, between log messages. A request made while another waits
     * gets the same snapshot.
     *
     * @return completes on the service thread, once the core runs.
     */
    CompletableFuture<ReplicaSnapshot> replicaSnapshot()
    {
        final CompletableFuture<ReplicaSnapshot> request = new CompletableFuture<>();
        final CompletableFuture<ReplicaSnapshot> waiting = snapshotRequest.compareAndExchange(null, request);
        return null == waiting ? request : waiting;
    }

    /** Any thread. @return the node's role in the cluster as last reported. */
    Cluster.Role role()
    {
        return role;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        // onRoleChange tells only of changes: the role this replica starts in
        role = cluster.role();
        try
        {
            final RollcallContext ctx = coreContext.join();
            final ExpandableDirectByteBuffer coreSnapshot = new ExpandableDirectByteBuffer(CORE_SNAPSHOT_INITIAL);
            final int coreLength = null == snapshotImage ? 0 : loadSnapshot(snapshotImage, coreSnapshot);
            if (coreLength > 0)
            {
                LOG.info("starting from the snapshot at log position {} ({} inputs, {} bytes), then the log after it",
                    cluster.logPosition(), SnapshotCodec.position(coreSnapshot, 0), coreLength);
            }
            else
            {
                LOG.info("starting from the start of the log (no snapshot)");
            }
            ctx.journal(new Journal()
            {
                @Override
                public void append(
                    final DirectBuffer buffer, final int offset, final int length, final long sequence,
                    final boolean endOfBatch)
                {
                    // the Raft log is the journal: what is applied here is already committed
                }

                @Override
                public boolean recordsInputs()
                {
                    return false;
                }

                @Override
                public void recover(final PresenceStateMachine state)
                {
                    if (coreLength > 0)
                    {
                        state.loadSnapshot(coreSnapshot, 0, coreLength);
                    }
                }
            });
            rollcall = Rollcall.launch(ctx);
            counters = new ClusterCounters(rollcall.countersManager());
            core.complete(rollcall);
        }
        catch (final RuntimeException ex)
        {
            core.completeExceptionally(ex);
            throw ex;
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        final long sessionId = session.id();
        final int end = offset + length;
        int at = offset;
        while (at < end)
        {
            final int recordLength = end - at >= IngressDescriptor.LENGTH_PREFIX ?
                buffer.getInt(at, IngressDescriptor.ORDER) : -1;
            final int record = at + IngressDescriptor.LENGTH_PREFIX;
            if (recordLength < IngressDescriptor.HEADER_LENGTH || recordLength > end - record)
            {
                refuse(sessionId, "a record of " + recordLength + " bytes at offset " + (at - offset) + " of a " + length +
                    "-byte message");
                break;
            }
            onRecord(sessionId, timestamp, buffer, record, recordLength);
            at = record + recordLength;
        }
        // the batch's commands, published as they were read, applied at once
        while (rollcall.hasPendingInputs())
        {
            rollcall.invoke();
        }
        scheduleGraceTimer();
    }

    private void onRecord(
        final long sessionId, final long timestamp, final DirectBuffer buffer, final int offset, final int length)
    {
        final int type = buffer.getInt(offset + IngressDescriptor.TYPE_OFFSET, IngressDescriptor.ORDER);
        final int node = buffer.getInt(offset + IngressDescriptor.NODE_OFFSET, IngressDescriptor.ORDER);
        final long sequence = buffer.getLong(offset + IngressDescriptor.SEQUENCE_OFFSET, IngressDescriptor.ORDER);
        if (sessions.isDuplicate(sessionId, sequence))
        {
            counters.get(ClusterCounters.Kind.DUPLICATES_SKIPPED).increment();
        }
        else if (!sessions.isNext(sessionId, sequence))
        {
            // a gap: an earlier message is missing, and the gateway offers everything from it again
            counters.get(ClusterCounters.Kind.GAPS).increment();
        }
        else if (type == IngressDescriptor.HELLO && sequence == 1 && node > 0 && 0 == sessions.nodeOf(sessionId))
        {
            sessions.applied(sessionId, sequence);
            sessions.hello(sessionId, node);
            // a node's gateway says HELLO once per session: any connections of its previous one are gone
            loseConnections(node, timestamp);
        }
        else if (type == IngressDescriptor.COMMAND && node > 0 && sessions.nodeOf(sessionId) == node)
        {
            sessions.applied(sessionId, sequence);
            final long correlationId = sessionId == progress.sessionId() ?
                buffer.getLong(offset + IngressDescriptor.CORRELATION_ID_OFFSET, IngressDescriptor.ORDER) : 0;
            try
            {
                rollcall.publishSequenced(buffer, offset + IngressDescriptor.HEADER_LENGTH,
                    length - IngressDescriptor.HEADER_LENGTH, timestamp, correlationId);
                counters.get(ClusterCounters.Kind.COMMANDS_APPLIED).increment();
            }
            catch (final RuntimeException ex)
            {
                // the same on every replica: an exception must not stop the log at this position
                refuse(sessionId, ex.toString());
            }
        }
        else
        {
            // taken as applied, so that the session's next message is not held behind it as a gap
            sessions.applied(sessionId, sequence);
            refuse(sessionId, "message type " + type + " from node " + node + " (sequence " + sequence + ") out of place");
        }
        if (sessionId == progress.sessionId())
        {
            progress.applied(Math.max(sequence, progress.appliedSequence()));
        }
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
        final long node = sessions.close(session.id());
        if (node > 0)
        {
            loseConnections(node, timestamp);
        }
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        if (correlationId == GRACE_TIMER_ID)
        {
            scheduledDeadline = NONE;
            final int length = InputCodec.encode(inputBuffer, 0, input.set(InputType.TICK, 0));
            rollcall.applySequenced(inputBuffer, 0, length, timestamp, 0);
            scheduleGraceTimer();
        }
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final int length = encodeSnapshot(snapshotBuffer);
        SnapshotTransfer.write(snapshotPublication, cluster.idleStrategy(), snapshotBuffer, length);
        counters.get(ClusterCounters.Kind.SNAPSHOTS).increment();
        if (null != snapshotCopies)
        {
            final int coreLength = snapshotBuffer.getInt(0, IngressDescriptor.ORDER);
            final byte[] bytes = new byte[coreLength];
            snapshotBuffer.getBytes(Integer.BYTES, bytes);
            try
            {
                Files.createDirectories(snapshotCopies);
                Files.write(snapshotCopies.resolve("presence-" + cluster.logPosition() + ".snap"), bytes);
            }
            catch (final IOException ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
        LOG.info("cluster role: {}", newRole.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
    }

    @Override
    public int doBackgroundWork(final long nowNs)
    {
        if (null == rollcall)
        {
            return 0;
        }
        // the core's own control inputs (a mailbox attached or dropped) wait for this thread
        int work = rollcall.hasPendingInputs() ? rollcall.invoke() : 0;
        if (null != snapshotRequest.get())
        {
            work += serveSnapshotRequest();
        }
        // once per pass over the log: the gateway's threads are woken for all its inputs at once
        rollcall.endOfSequencedBatch();
        return work;
    }

    private int serveSnapshotRequest()
    {
        // its own buffer: this may run while onTakeSnapshot idles, with snapshotBuffer being written
        if (null == requestedSnapshot)
        {
            requestedSnapshot = new ExpandableDirectByteBuffer(CORE_SNAPSHOT_INITIAL);
        }
        final int length = encodeSnapshot(requestedSnapshot);
        final byte[] bytes = new byte[length];
        requestedSnapshot.getBytes(0, bytes);
        snapshotRequest.getAndSet(null).complete(new ReplicaSnapshot(cluster.logPosition(), bytes));
        return 1;
    }

    private void loseConnections(final long node, final long timestamp)
    {
        final int length = InputCodec.encode(inputBuffer, 0, input.set(InputType.CONNECTIONS_RESET, 0).value(node));
        rollcall.applySequenced(inputBuffer, 0, length, timestamp, 0);
        scheduleGraceTimer();
    }

    private void refuse(final long sessionId, final String why)
    {
        counters.get(ClusterCounters.Kind.REFUSED).increment();
        errorHandler.onError(new IllegalStateException("cluster session " + sessionId + ": refused: " + why));
    }

    private void scheduleGraceTimer()
    {
        final long deadline = rollcall.nextGraceDeadline();
        if (deadline != scheduledDeadline)
        {
            // a refusal is back pressure toward the consensus module: this replica's timer must match the others'
            final IdleStrategy idle = cluster.idleStrategy();
            idle.reset();
            while (!(NONE == deadline ? cluster.cancelTimer(GRACE_TIMER_ID) : cluster.scheduleTimer(GRACE_TIMER_ID, deadline)))
            {
                idle.idle();
            }
            scheduledDeadline = deadline;
        }
    }

    /**
     * <pre>
     *  int32 coreLength, core snapshot (SnapshotCodec)
     *  int64 scheduledDeadline
     *  the gateway sessions (GatewaySessions)
     * </pre>
     */
    private int encodeSnapshot(final ExpandableDirectByteBuffer buffer)
    {
        final int coreLength = rollcall.encodeSnapshot(coreScratch);
        buffer.putInt(0, coreLength, IngressDescriptor.ORDER);
        buffer.putBytes(Integer.BYTES, coreScratch, 0, coreLength);
        int at = Integer.BYTES + coreLength;
        buffer.putLong(at, scheduledDeadline, IngressDescriptor.ORDER);
        at += Long.BYTES;
        buffer.checkLimit(at + 64 * 1024);
        return sessions.encode(buffer, at);
    }

    /**
     * Read a snapshot: restore this service's bookkeeping, and copy the core's part to the start
     * of {@code coreSnapshot}.
     *
     * @return the core part's length.
     */
    private int loadSnapshot(final Image image, final ExpandableDirectByteBuffer coreSnapshot)
    {
        final ExpandableDirectByteBuffer bytes = new ExpandableDirectByteBuffer(CORE_SNAPSHOT_INITIAL);
        final int length = SnapshotTransfer.read(image, cluster.idleStrategy(), bytes);
        final UnsafeBuffer snapshot = new UnsafeBuffer(bytes, 0, length);
        final int coreLength = snapshot.getInt(0, IngressDescriptor.ORDER);
        if (coreLength < 0 || Integer.BYTES + coreLength + Long.BYTES > length)
        {
            throw new IllegalStateException("the Rollcall service snapshot's core part of " + coreLength +
                " bytes does not fit its " + length + " bytes");
        }
        coreSnapshot.putBytes(0, snapshot, Integer.BYTES, coreLength);
        int at = Integer.BYTES + coreLength;
        scheduledDeadline = snapshot.getLong(at, IngressDescriptor.ORDER);
        at += Long.BYTES;
        at = sessions.decode(snapshot, at, length);
        if (at != length)
        {
            throw new IllegalStateException("the Rollcall service snapshot has " + length + " bytes, its parts " + at);
        }
        return coreLength;
    }
}
