package dev.rollcall.core;

import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;
import dev.rollcall.model.FieldTable;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.CountersManager;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded Rollcall: the presence state machine on an LMAX Disruptor ring.
 * <pre>
 *  producers (any thread) ──► ring ──┬─► journal stage ──┐
 *                                    └─► logic stage ────┴─► fan-out stage ──► mailboxes,
 *  clock thread (ticks) ─────►                               directory, directives, results
 * </pre>
 * Every command is published onto the ring stamped with the clock's time and returns at
 * once; its result arrives (through a {@link CompletableFuture} or a {@link CommandCallback})
 * only after the journal holds it. Queries read the logic's {@link ClientTable} under its published-position rule and
 * never touch the logic's own tables. Thread safe: call from any thread. When the ring is
 * full, publishing waits for a free slot (backpressure lands on producers, never on the logic).
 */
public final class Rollcall implements AutoCloseable
{
    private final RollcallContext ctx;
    private final EpochClock clock;
    private final Disruptor<RingEvent> disruptor;
    private final RingBuffer<RingEvent> ringBuffer;
    private final ClientTable clients;
    private final CountersFile countersFile;
    private final RollcallCounters counters;
    private final ConcurrentHashMap<Long, Mailbox> openMailboxes = new ConcurrentHashMap<>();
    private final ManyToOneConcurrentArrayQueue<Mailbox> droppedMailboxes = new ManyToOneConcurrentArrayQueue<>(65536);
    private final ClockSignal clockSignal = new ClockSignal();
    private final AgentRunner tickerRunner;
    private final JournalStage journalStage;
    private final FanOutStage fanOutStage;
    private final SnapshotWriter snapshotWriter;
    private final PresenceLogic logic;
    private final long recoveryNanos;
    private final AtomicInteger activePublishers = new AtomicInteger();
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Thread fanOutThread;
    private final CountingExceptionHandler exceptionHandler;
    private final boolean invoked;
    private final InvokerWaitStrategy invokerWaitStrategy;
    private PipelineInvoker invoker;
    private final SequencerProxy sequenced;
    private final StringCache sequencedStrings;

    private Rollcall(final RollcallContext ctx)
    {
        this.ctx = ctx.conclude();
        this.clock = ctx.clock();
        final ErrorHandler errorHandler = ctx.errorHandler();
        countersFile = null == ctx.countersFile() ?
            CountersFile.inMemory(ctx.countersCapacity()) : CountersFile.create(ctx.countersFile(), ctx.countersCapacity());
        counters = new RollcallCounters(countersFile.manager());

        invoked = ctx.layout() == PipelineLayout.INVOKED;
        sequenced = null == ctx.sequencer() ? null : new SequencerProxy(ctx.sequencer());
        sequencedStrings = null == sequenced ? null : new StringCache(StringCache.DEFAULT_SETS, StringCache.DEFAULT_MAX_CHARS);
        invokerWaitStrategy = invoked ? new InvokerWaitStrategy() : null;
        disruptor = new Disruptor<>(
            RingEvent::new, ctx.ringSize(), new PipelineThreadFactory(ctx.layout()), ProducerType.MULTI,
            invoked ? invokerWaitStrategy : ctx.waitStrategy());
        exceptionHandler = new CountingExceptionHandler(counters, errorHandler);

        final PresenceStateMachine state = new PresenceStateMachine(ctx.limits());
        // the launching thread times its own recovery (the logic never reads a clock)
        final long recoveryStartNs = System.nanoTime();
        ctx.journal().recover(state);
        recoveryNanos = System.nanoTime() - recoveryStartNs;

        journalStage = new JournalStage(ctx.journal(), counters, errorHandler, ctx.waitStrategy());
        clients = state.logic.clients();
        logic = state.logic;
        state.logic.replaying(false);
        state.logic.firehose(ctx.firehose());
        if (null != sequenced)
        {
            // the recovered countdowns' deadline, for the log's owner: no launch input runs a batch that publishes it
            clockSignal.onNextDeadline(logic.nextDeadline());
        }
        final LogicStage logicStage = new LogicStage(
            state.logic, counters, errorHandler, ctx.waitStrategy(), clockSignal, journalStage);
        snapshotWriter = ctx.journal().storesSnapshots() ?
            new SnapshotWriter(ctx.journal(), ctx.limits(), counters, errorHandler) : null;
        fanOutStage = new FanOutStage(
            ctx.connectionDirectiveHandler(), ctx.eventSink(), counters, errorHandler, droppedMailboxes,
            snapshotWriter, journalStage, clockSignal, null != sequenced);
        if (null != snapshotWriter)
        {
            snapshotWriter.start();
        }
        if (invoked)
        {
            invoker = new PipelineInvoker(
                disruptor.getRingBuffer(), new SerialStage(journalStage, logicStage, fanOutStage, disruptor.getRingBuffer()),
                ctx.journal(), counters, errorHandler, closing);
        }
        else if (ctx.layout() == PipelineLayout.SERIAL)
        {
            disruptor.handleEventsWith(
                capped(new SerialStage(journalStage, logicStage, fanOutStage, disruptor.getRingBuffer())));
        }
        else
        {
            disruptor.handleEventsWith(capped(journalStage), capped(logicStage)).then(capped(fanOutStage));
        }
        ringBuffer = disruptor.start();
        journalStage.ringBuffer(ringBuffer);

        // the configured limits and grace first (both journaled, like every change of them), so that
        // the reset's countdowns use this run's grace; grace stays right before the reset. A sequenced
        // pipeline journals nothing of its own: its log brings limits, grace and lost connections.
        CompletableFuture<Result> started = CompletableFuture.completedFuture(Result.APPLIED);
        if (null == sequenced)
        {
            setLimits(ctx.limits());
            started = setGracePeriod(ctx.gracePeriodMs());
        }
        if (null == sequenced && state.clientCount() > 0)
        {
            // connections do not survive a process: every recovered live connection is lost now
            started = new CompletableFuture<>();
            publish(InputType.CONNECTIONS_RESET, 0, 0, 0, 0, 0, null, null, null, 0, started);
        }
        // launch returns once the recovered state is visible to queries
        if (invoked)
        {
            while (!started.isDone())
            {
                invoke();
            }
            // the launching thread lets go: the embedding's thread invokes from now on
            invoker.invokerThread(null == sequenced ? null : Thread.currentThread());
        }
        if (started.join() == Result.JOURNAL_FAILED)
        {
            close();
            throw new IllegalStateException("the journal failed at start-up; see the error handler");
        }

        final Ticker ticker = new Ticker(this, clock, clockSignal, ctx, droppedMailboxes);
        tickerRunner = new AgentRunner(ticker.idleStrategy(), errorHandler, null, ticker);
        AgentRunner.startOnThread(tickerRunner, runnable ->
        {
            final Thread thread = new Thread(runnable, "rollcall-ticker");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Launch with default settings.
     *
     * @return a running instance; {@link #close()} it.
     */
    public static Rollcall launch()
    {
        return launch(new RollcallContext());
    }

    /**
     * Launch with the given settings.
     *
     * @param ctx settings.
     * @return a running instance; {@link #close()} it.
     */
    public static Rollcall launch(final RollcallContext ctx)
    {
        return new Rollcall(ctx);
    }

    /**
     * @return the settings this instance runs with.
     */
    public RollcallContext context()
    {
        return ctx;
    }

    // ---------------------------------------------------------------- commands

    /**
     * Attach a connection to a user, creating the client if absent or cancelling its grace
     * countdown if it was disconnected.
     *
     * @param userId       the user, {@code > 0}.
     * @param connectionId the connection, {@code > 0}, unique for the user.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> connectUser(final long userId, final long connectionId)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(InputType.CONNECT_USER, userId, connectionId, 0, 0, 0, null, null, null, 0, future);
        return future;
    }

    /**
     * Connect a user and apply its initial presence in one input: validated like
     * {@link #updateClientFull} first (a refusal changes nothing: not even the connection is
     * attached), so watchers never see the user before its presence (an invisible user is
     * never shown). docs/PRESENCE-RULES.md has the rules.
     *
     * @param userId        the user, {@code > 0}.
     * @param connectionId  the connection, {@code > 0}, unique for the user.
     * @param presence      the initial fields; copied before this returns.
     * @param reason        why (the reason of a resulting CLIENT_UPDATED); may be null.
     * @param callback      receives the result, or null for none.
     * @param correlationId passed back to the callback.
     */
    public void connectUser(
        final long userId,
        final long connectionId,
        final Changes presence,
        final String reason,
        final CommandCallback callback,
        final long correlationId)
    {
        publish(InputType.CONNECT_USER_WITH_PRESENCE, userId, connectionId, 0, 0, 0, presence, reason, callback,
            correlationId, null);
    }

    /**
     * {@link #connectUser(long, long, Changes, String, CommandCallback, long)} with a future.
     *
     * @param userId       the user, {@code > 0}.
     * @param connectionId the connection, {@code > 0}, unique for the user.
     * @param presence     the initial fields; copied before this returns.
     * @param reason       why; may be null.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> connectUser(
        final long userId, final long connectionId, final Changes presence, final String reason)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(InputType.CONNECT_USER_WITH_PRESENCE, userId, connectionId, 0, 0, 0, presence, reason, null, 0, future);
        return future;
    }

    /**
     * Allocation-free form of {@link #connectUser(long, long)}.
     *
     * @param userId        the user.
     * @param connectionId  the connection.
     * @param callback      receives the result, or null for none.
     * @param correlationId passed back to the callback.
     */
    public void connectUser(final long userId, final long connectionId, final CommandCallback callback, final long correlationId)
    {
        publish(InputType.CONNECT_USER, userId, connectionId, 0, 0, 0, null, null, callback, correlationId, null);
    }

    /**
     * A connection went away; when it was the user's last, the grace countdown starts.
     *
     * @param userId       the user.
     * @param connectionId the connection.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> connectionLost(final long userId, final long connectionId)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(InputType.CONNECTION_LOST, userId, connectionId, 0, 0, 0, null, null, null, 0, future);
        return future;
    }

    /**
     * Allocation-free form of {@link #connectionLost(long, long)}.
     *
     * @param userId        the user.
     * @param connectionId  the connection.
     * @param callback      receives the result, or null for none.
     * @param correlationId passed back to the callback.
     */
    public void connectionLost(final long userId, final long connectionId, final CommandCallback callback, final long correlationId)
    {
        publish(InputType.CONNECTION_LOST, userId, connectionId, 0, 0, 0, null, null, callback, correlationId, null);
    }

    /**
     * Disconnect a user on purpose: every live connection is told to close and the client is
     * destroyed at once, without grace.
     *
     * @param userId the user.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> disconnectUser(final long userId)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(InputType.DISCONNECT_USER, userId, 0, 0, 0, 0, null, null, null, 0, future);
        return future;
    }

    /**
     * Update standard fields and attributes. The changes are copied before this returns.
     *
     * @param userId  the user.
     * @param changes standard fields only, else {@link Result#FIELD_NOT_ALLOWED}.
     * @param reason  why, shown to watchers; may be null.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> updateClient(final long userId, final Changes changes, final String reason)
    {
        return update(InputType.UPDATE_CLIENT, userId, changes, reason);
    }

    /**
     * Update lobby fields; also announced on the client's lobby topic.
     *
     * @param userId  the user.
     * @param changes lobby fields only, else {@link Result#FIELD_NOT_ALLOWED}.
     * @param reason  why; may be null.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> updateClientInLobby(final long userId, final Changes changes, final String reason)
    {
        return update(InputType.UPDATE_CLIENT_IN_LOBBY, userId, changes, reason);
    }

    /**
     * Update any field.
     *
     * @param userId  the user.
     * @param changes any fields.
     * @param reason  why; may be null.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> updateClientFull(final long userId, final Changes changes, final String reason)
    {
        return update(InputType.UPDATE_CLIENT_FULL, userId, changes, reason);
    }

    /**
     * Allocation-free form of the three update commands.
     *
     * @param group         {@link FieldGroup#STANDARD} for updateClient, {@link FieldGroup#LOBBY}
     *                      for updateClientInLobby, null for updateClientFull.
     * @param userId        the user.
     * @param changes       copied before this returns.
     * @param reason        why; may be null.
     * @param callback      receives the result, or null for none.
     * @param correlationId passed back to the callback.
     */
    public void update(
        final FieldGroup group,
        final long userId,
        final Changes changes,
        final String reason,
        final CommandCallback callback,
        final long correlationId)
    {
        final int type = null == group ? InputType.UPDATE_CLIENT_FULL :
            group == FieldGroup.STANDARD ? InputType.UPDATE_CLIENT : InputType.UPDATE_CLIENT_IN_LOBBY;
        publish(type, userId, 0, 0, 0, 0, changes, reason, callback, correlationId, null);
    }

    /**
     * Subscribe to a client's topic (allowed before the client exists).
     *
     * @param subscriberId who receives the events.
     * @param userId       whose events.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> subscribeToClient(final long subscriberId, final long userId)
    {
        return subscription(InputType.SUBSCRIBE_CLIENT, subscriberId, userId, 0);
    }

    /**
     * @param subscriberId who.
     * @param userId       whose events.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> unsubscribeFromClient(final long subscriberId, final long userId)
    {
        return subscription(InputType.UNSUBSCRIBE_CLIENT, subscriberId, userId, 0);
    }

    /**
     * Subscribe to a lobby's topic: joins, leaves and lobby-field changes of its members.
     *
     * @param subscriberId who receives the events.
     * @param lobbyId      which lobby.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> subscribeToLobby(final long subscriberId, final long lobbyId)
    {
        return subscription(InputType.SUBSCRIBE_LOBBY, subscriberId, 0, lobbyId);
    }

    /**
     * @param subscriberId who.
     * @param lobbyId      which lobby.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> unsubscribeFromLobby(final long subscriberId, final long lobbyId)
    {
        return subscription(InputType.UNSUBSCRIBE_LOBBY, subscriberId, 0, lobbyId);
    }

    /**
     * Remove every subscription of a subscriber.
     *
     * @param subscriberId who.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> removeSubscriber(final long subscriberId)
    {
        return subscription(InputType.REMOVE_SUBSCRIBER, subscriberId, 0, 0);
    }

    /**
     * Allocation-free form of the subscription commands.
     *
     * @param type          one of the subscription {@link InputType}s.
     * @param subscriberId  who.
     * @param userId        whose events, for client subscriptions.
     * @param lobbyId       which lobby, for lobby subscriptions.
     * @param callback      receives the result, or null for none.
     * @param correlationId passed back to the callback.
     */
    public void subscription(
        final int type,
        final long subscriberId,
        final long userId,
        final long lobbyId,
        final CommandCallback callback,
        final long correlationId)
    {
        if (type < InputType.SUBSCRIBE_CLIENT || type > InputType.REMOVE_SUBSCRIBER)
        {
            throw new IllegalArgumentException("not a subscription input: " + InputType.name(type));
        }
        publish(type, userId, 0, subscriberId, lobbyId, 0, null, null, callback, correlationId, null);
    }

    /**
     * Change the grace period for disconnections from now on (running countdowns keep
     * their deadline).
     *
     * @param millis {@code >= 0}; 0 destroys a client as soon as its last connection goes.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> setGracePeriod(final long millis)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(InputType.SET_GRACE_PERIOD, 0, 0, 0, 0, millis, null, null, null, 0, future);
        return future;
    }

    /**
     * Change the update limits for the inputs from now on: updates (and connects with a presence)
     * after it are checked against them; values already stored stay, even beyond them
     * (docs/PRESENCE-RULES.md). Journaled, so a replay applies the same limits at the same place.
     * Every launch journals {@link RollcallContext#limits()} this way.
     *
     * @param limits the new limits.
     * @return the result once journaled.
     */
    public CompletableFuture<Result> setLimits(final Limits limits)
    {
        Objects.requireNonNull(limits, "limits");
        final CompletableFuture<Result> future = new CompletableFuture<>();
        if (null != sequenced)
        {
            sequenced.offer(InputType.SET_LIMITS, 0, 0, 0, 0, 0, null, null, limits, null, 0, future);
            return future;
        }
        enter();
        try
        {
            final long sequence = claim();
            try
            {
                final RingEvent event = ringBuffer.get(sequence);
                event.command(InputType.SET_LIMITS, clock.time(), 0, 0, 0, 0, 0, null, null, null, 0, future);
                event.input.limits(limits);
            }
            finally
            {
                ringBuffer.publish(sequence);
            }
        }
        finally
        {
            activePublishers.decrementAndGet();
        }
        return future;
    }

    /**
     * Take a snapshot of the state now (in ring order): the logic only notes the position (the
     * inputs applied so far); once the journal holds every one of them, the snapshot thread
     * rebuilds the state at that position from the journal in a transient replica, encodes it and
     * has the journal store it (see {@code SnapshotWriter}). The clock thread also does this
     * periodically ({@link RollcallContext#snapshotIntervalMs}, {@link RollcallContext#snapshotEveryInputs})
     * and {@link #close()} does it last, when the journal {@link Journal#storesSnapshots() stores snapshots}.
     * A request made while a snapshot is being built is served by the next build, at the newest
     * position asked for by then. With a journal that stores no snapshots nothing is built and the
     * future completes with the position.
     *
     * @return the position (inputs covered) once the journal has stored the snapshot: this
     * request's position or, when requests coalesced, a later one. Completes on the snapshot
     * thread; fails, naming the position and the cause, when the journal has failed or the snapshot
     * could not be built or stored (the pipeline runs on).
     */
    public CompletableFuture<Long> takeSnapshot()
    {
        final CompletableFuture<Long> future = new CompletableFuture<>();
        control(InputType.TAKE_SNAPSHOT, null, future);
        return future;
    }

    /**
     * Publish a tick stamped with the clock's time now; the clock thread does this when a grace
     * countdown is due, so call it yourself only when its ticks are disabled (tests).
     */
    public void tick()
    {
        publish(InputType.TICK, 0, 0, 0, 0, 0, null, null, null, 0, null);
    }

    // ---------------------------------------------------------------- queries

    /**
     * Any thread, never blocks the pipeline. Reflects only journaled inputs: a client changed by
     * an input the journal does not hold yet is returned once it does, within a journal batch
     * (see {@link ClientTable} for the consistency given).
     *
     * @param userId the user.
     * @return a copy of the client, or null when absent.
     * @throws IllegalStateException after a journal failure, when the client shows a write the
     *                               journal never held (see {@link #isJournalFailed()}).
     */
    public ClientInfo getClient(final long userId)
    {
        return clients.read(userId, journalStage);
    }

    /**
     * @param userIds the users.
     * @return a list of the same length: a copy of each client, or null where absent.
     */
    public List<ClientInfo> getClientList(final long... userIds)
    {
        final List<ClientInfo> list = new ArrayList<>(userIds.length);
        for (final long userId : userIds)
        {
            list.add(clients.read(userId, journalStage));
        }
        return list;
    }

    /**
     * @return the grace period the logic applies now (the last {@link #setGracePeriod} applied), in
     * millis; safe from any thread.
     */
    public long gracePeriodMs()
    {
        return logic.gracePeriodMs();
    }

    /**
     * @return the user ids of every client, ascending.
     */
    public long[] listClientIds()
    {
        return clients.readUserIds(journalStage);
    }

    /**
     * @return the user ids of the clients with a live connection on this node
     * ({@link RollcallContext#node()}), ascending; on a single node (node 0), every client.
     */
    public long[] listLocalClientIds()
    {
        final long[] all = clients.readUserIds(journalStage);
        final int node = ctx.node();
        if (0 == node)
        {
            return all;
        }
        int count = 0;
        for (final long userId : all)
        {
            final ClientInfo client = clients.read(userId, journalStage);
            if (null != client && client.connectionIds().stream().anyMatch(id -> ConnectionIds.node(id) == node))
            {
                all[count++] = userId;
            }
        }
        return Arrays.copyOf(all, count);
    }

    /**
     * @return the counters of this instance.
     */
    public RollcallCounters counters()
    {
        return counters;
    }

    /**
     * The manager of this instance's counters ({@link RollcallContext#countersFile}): allocate
     * counters of your own beside the core's (at start-up; allocation takes a lock, counting does
     * not), and they show in {@code ./rollcall stat} too.
     *
     * @return the counters manager.
     */
    public CountersManager countersManager()
    {
        return countersFile.manager();
    }

    /**
     * Any thread, one volatile read: no client is listed or copied.
     *
     * @return the clients held now, connected or in grace. Counted by the logic as it applies
     * inputs, so it may run ahead of what queries reveal by the inputs the journal does not hold
     * yet (at most a journal batch).
     */
    public int clientCount()
    {
        return clients.size();
    }

    /**
     * Any thread, one acquire read, as {@link #clientCount()}.
     *
     * @return the clients in grace now: disconnected, their grace countdown running. The others
     * ({@code clientCount() - clientsInGrace()}) are connected.
     */
    public int clientsInGrace()
    {
        return logic.clientsInGrace();
    }

    /**
     * Any thread.
     *
     * @return the ring's free slots now: a producer waits when this reaches 0 (backpressure).
     */
    public long ringRemainingCapacity()
    {
        return ringBuffer.remainingCapacity();
    }

    /**
     * Any thread.
     *
     * @return the inputs published (or claimed) on the ring that the journal does not hold yet:
     * 0 when the journal keeps up.
     */
    public long journalLag()
    {
        return Math.max(0, ringBuffer.getCursor() + 1 - journalStage.journaledPosition());
    }

    /**
     * @return how long the journal's recovery took at launch (the newest snapshot and the inputs
     * after it), in nanoseconds, timed by the launching thread.
     */
    public long recoveryNanos()
    {
        return recoveryNanos;
    }

    /**
     * Any thread.
     *
     * @return the wall-clock time (epoch ms) at which the snapshot thread stored the last snapshot of
     * this run, or 0 when none has been stored yet (or the journal stores none).
     */
    public long lastSnapshotEpochMs()
    {
        return null == snapshotWriter ? 0 : snapshotWriter.lastStoredEpochMs();
    }

    /**
     * Any thread.
     *
     * @return the encoded length in bytes of the last snapshot stored in this run, 0 when none.
     */
    public long lastSnapshotBytes()
    {
        return null == snapshotWriter ? 0 : snapshotWriter.lastLength();
    }

    /**
     * Any thread.
     *
     * @return how long the snapshot thread took to build and store the last snapshot of this run
     * (rebuild from the journal, encode, write), in nanoseconds; 0 when none.
     */
    public long lastSnapshotBuildNanos()
    {
        return null == snapshotWriter ? 0 : snapshotWriter.lastBuildNanos();
    }

    // ---------------------------------------------------------------- mailboxes

    /**
     * Open a mailbox with the default capacity; see {@link #openMailbox(long, int)}.
     *
     * @param subscriberId the subscriber whose events it receives.
     * @return the mailbox.
     */
    public Mailbox openMailbox(final long subscriberId)
    {
        return openMailbox(subscriberId, ctx.mailboxCapacity());
    }

    /**
     * Open a bounded mailbox receiving every event delivered to a subscriber from now on.
     * Subscribing is separate ({@link #subscribeToClient}, {@link #subscribeToLobby}).
     *
     * @param subscriberId  the subscriber, {@code > 0}.
     * @param capacityBytes a power of two {@code >= 1024}. The largest event a mailbox takes is
     *                      an eighth of its capacity; a full-state event can reach about
     *                      {@code 40 + 60 + maxAttributes * (13 + 2 * (maxKey + maxValue))} bytes
     *                      (≈ 9.5 KB with the default limits), so use at least 128 KiB with them,
     *                      or a single legitimate event drops the mailbox
     *                      ({@link Mailbox.State#DROPPED_MESSAGE_TOO_LARGE}).
     * @return the mailbox; poll it from one thread.
     * @throws IllegalStateException when the subscriber already has an open mailbox.
     */
    public Mailbox openMailbox(final long subscriberId, final int capacityBytes)
    {
        if (subscriberId <= 0)
        {
            throw new IllegalArgumentException("subscriberId must be > 0: " + subscriberId);
        }
        RollcallContext.checkMailboxCapacity(capacityBytes);
        final Mailbox mailbox = new Mailbox(subscriberId, capacityBytes, this);
        if (null != openMailboxes.putIfAbsent(subscriberId, mailbox))
        {
            throw new IllegalStateException("subscriber " + subscriberId + " already has an open mailbox");
        }
        control(InputType.ATTACH_MAILBOX, mailbox, null);
        return mailbox;
    }

    /**
     * The subscriber's removal is published before its id is released for a new mailbox, so a
     * mailbox reopened for the same id can never be followed in the ring by the old one's
     * {@code REMOVE_SUBSCRIBER}.
     */
    void detachMailbox(final Mailbox mailbox)
    {
        if (openMailboxes.get(mailbox.subscriberId()) == mailbox && !closed)
        {
            try
            {
                control(InputType.DETACH_MAILBOX, mailbox, null);
                publish(InputType.REMOVE_SUBSCRIBER, 0, 0, mailbox.subscriberId(), 0, 0, null, null, null, 0, null);
            }
            catch (final IllegalStateException closedOrFanOut)
            {
                // closing concurrently (nothing will be delivered any more), or called on the fan-out thread
            }
        }
        openMailboxes.remove(mailbox.subscriberId(), mailbox);
    }

    void onMailboxDropped(final Mailbox mailbox)
    {
        if (openMailboxes.get(mailbox.subscriberId()) == mailbox && !closed)
        {
            publish(InputType.REMOVE_SUBSCRIBER, 0, 0, mailbox.subscriberId(), 0, 0, null, null, null, 0, null);
        }
        openMailboxes.remove(mailbox.subscriberId(), mailbox);
    }

    // ---------------------------------------------------------------- invoked layout

    /**
     * Layout {@link PipelineLayout#INVOKED} only: run the pipeline on this thread — journal, apply
     * and fan out what producers have published, one batch of at most 256 inputs. Call it from
     * one thread at a time (the embedding's duty cycle); callbacks and the event sink run inside
     * it. Never blocks.
     *
     * @return the inputs handled; 0 when nothing was published.
     */
    public int invoke()
    {
        if (!invoked)
        {
            throw new IllegalStateException("invoke() is for the INVOKED layout; this pipeline runs " + ctx.layout());
        }
        return invoker.invoke();
    }

    /**
     * Layout {@link PipelineLayout#INVOKED} only: what to run when a producer published (on the
     * producer's thread, so it must be cheap and must not block), e.g. waking the invoking
     * thread's selector when it sleeps.
     *
     * @param waker the wake-up, or null for none.
     */
    public void invokerWaker(final Runnable waker)
    {
        if (!invoked)
        {
            throw new IllegalStateException("invokerWaker is for the INVOKED layout; this pipeline runs " + ctx.layout());
        }
        invokerWaitStrategy.waker(waker);
    }

    /**
     * @return true when inputs wait to be invoked (layout {@link PipelineLayout#INVOKED}); the
     * invoking thread checks it before it sleeps.
     */
    public boolean hasPendingInputs()
    {
        return invoked && invoker.hasPendingInputs();
    }

    /**
     * Claim a slot; in the invoked layout without waiting for the invoking thread from itself.
     */
    private long claim()
    {
        return invoked ? invoker.claim() : ringBuffer.next();
    }

    // ---------------------------------------------------------------- sequenced (RollcallContext#sequencer)

    /**
     * A sequenced pipeline only ({@link RollcallContext#sequencer}): apply one input of the sequenced
     * log, on the thread that applies the log (it becomes the invoking thread), and return once the
     * input and everything published before it have been applied and fanned out. Every replica calls
     * this with the same inputs and times in the same order, which gives every replica the same state.
     *
     * @param buffer        holding an input encoded by {@link InputCodec}, as the {@link Sequencer} got it
     *                      (or made by the log's owner, e.g. a lost node's connections); only read during
     *                      the call.
     * @param offset        of the input.
     * @param length        of the input.
     * @param timeMs        the log's time for it: the input's time.
     * @param correlationId the id the {@link Sequencer} was given, when the command was issued through
     *                      this instance (its result goes to its callback or future); 0 otherwise.
     * @throws IllegalStateException when the bytes are not a valid state input: a tick at the log's time is
     *                               applied instead (the same on every replica), then this is thrown.
     */
    public void applySequenced(
        final DirectBuffer buffer, final int offset, final int length, final long timeMs, final long correlationId)
    {
        if (null == sequenced)
        {
            throw new IllegalStateException("applySequenced is for a sequenced pipeline (RollcallContext.sequencer)");
        }
        try
        {
            publishSequenced(buffer, offset, length, timeMs, correlationId);
        }
        finally
        {
            while (invoker.hasPendingInputs())
            {
                invoker.invoke();
            }
        }
    }

    /**
     * A sequenced pipeline only: as {@link #applySequenced}, but only publish the input on the ring,
     * for the caller to apply a batch of them at once with {@link #invoke()} (until
     * {@link #hasPendingInputs()} is false), still on the thread that applies the log, before it
     * reads anything of the state.
     *
     * @throws IllegalStateException when the bytes are not a valid state input: a tick at the log's time is
     *                               published instead (the same on every replica), then this is thrown.
     */
    public void publishSequenced(
        final DirectBuffer buffer, final int offset, final int length, final long timeMs, final long correlationId)
    {
        if (null == sequenced)
        {
            throw new IllegalStateException("publishSequenced is for a sequenced pipeline (RollcallContext.sequencer)");
        }
        RuntimeException refused = null;
        final long sequence = invoker.claim();
        try
        {
            final RingEvent event = ringBuffer.get(sequence);
            try
            {
                InputCodec.decode(buffer, offset, length, event.prepare(InputType.TICK, timeMs), FieldTable.PRESENCE,
                    sequencedStrings);
                if (!InputType.isStateInput(event.input.type))
                {
                    throw new IllegalStateException("not a state input: " + InputType.name(event.input.type));
                }
                // decoded now, while the buffer is the caller's, through the cache (a repeated reason allocates
                // nothing): the logic's events carry it, and a journal encodes the decoded one
                event.input.decodeReason(sequencedStrings);
            }
            catch (final RuntimeException ex)
            {
                // the slot is claimed: every replica turns the same bad bytes into the same tick
                refused = ex;
                event.prepare(InputType.TICK, timeMs);
            }
            event.input.time = timeMs;
            if (null == refused && correlationId > 0)
            {
                event.callback = sequenced.callback();
                event.correlationId = correlationId;
            }
            else if (null == refused && correlationId < 0)
            {
                event.future = sequenced.takeFuture(correlationId);
            }
        }
        finally
        {
            ringBuffer.publish(sequence);
        }
        if (null != refused)
        {
            throw refused;
        }
    }

    /**
     * A sequenced pipeline only, on the thread that applies the log: the {@link EventSink} hears
     * {@link EventSink#onEndOfBatch()} here, once per pass over the log, instead of after every
     * input {@link #applySequenced} applied (a gateway wakes its threads once per batch, and a wake-up
     * is a system call). Call it after each pass; nothing waits for it but the wake-ups.
     */
    public void endOfSequencedBatch()
    {
        if (null == sequenced)
        {
            throw new IllegalStateException("endOfSequencedBatch is for a sequenced pipeline (RollcallContext.sequencer)");
        }
        fanOutStage.flushEndOfBatch();
    }

    /**
     * A sequenced pipeline only, on the thread that applies the log, between {@link #applySequenced}
     * calls: encode the live state now ({@link SnapshotCodec}), which is the state after every
     * input applied so far.
     *
     * @param buffer grows as needed.
     * @return the length written at offset 0.
     */
    public int encodeSnapshot(final ExpandableDirectByteBuffer buffer)
    {
        if (null == sequenced)
        {
            throw new IllegalStateException("encodeSnapshot is for a sequenced pipeline; others take snapshots " +
                "from their journal (takeSnapshot)");
        }
        return SnapshotCodec.encode(buffer, logic);
    }

    /**
     * Any thread.
     *
     * @return the earliest grace deadline of the applied state (epoch ms of the inputs' time), or
     * {@link Long#MAX_VALUE} when no countdown runs: where a sequenced pipeline's log owner schedules
     * its timer, whose firing it applies as a {@link InputType#TICK}.
     */
    public long nextGraceDeadline()
    {
        return clockSignal.nextDeadline();
    }

    /**
     * @return inputs the logic has applied, counting those of the snapshot it started from: the
     * state's position. Read it on the thread that runs the logic (the invoking one).
     */
    public long appliedInputs()
    {
        return logic.appliedInputs();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Stop the clock thread, take a final snapshot (when the journal stores them), refuse new
     * commands, process every input already published (results, deliveries), wait for the snapshot
     * thread to store what it was asked for, and close the journal. Mailboxes stay readable.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (isFanOutThread(Thread.currentThread()))
        {
            throw new IllegalStateException("close() called from a callback on the fan-out thread would deadlock; " +
                "close from another thread");
        }
        if (!closing.compareAndSet(false, true))
        {
            return;
        }
        clockSignal.stop();
        CloseHelper.quietClose(tickerRunner);
        if (invoked)
        {
            // the invoking thread has stopped (its owner closes it first): this thread drains
            invoker.invokerThread(Thread.currentThread());
        }
        if (ctx.journal().storesSnapshots() && !journalStage.hasFailed())
        {
            takeSnapshot();
        }
        closed = true;
        while (activePublishers.get() != 0)
        {
            if (invoked)
            {
                invoke();
            }
            Thread.onSpinWait();
        }
        if (invoked)
        {
            while (invoke() > 0)
            {
                Thread.onSpinWait();
            }
        }
        disruptor.shutdown();
        // the snapshot thread serves what the drain handed it (the final snapshot) before the journal closes
        CloseHelper.quietClose(snapshotWriter);
        CloseHelper.quietClose(ctx.journal());
        countersFile.close();
    }

    /**
     * The live logic, for tests that compare it with what the snapshot thread rebuilds: read it only
     * on the thread that runs the logic, or in layout {@link PipelineLayout#INVOKED} on the invoking
     * thread between {@link #invoke()} calls.
     */
    PresenceLogic logic()
    {
        return logic;
    }

    /**
     * @return true once the journal has failed. A journal failure is fatal: from then on
     * every command is answered {@link Result#JOURNAL_FAILED} and nothing more is revealed;
     * close and restart (recovery rebuilds exactly what was acknowledged).
     */
    public boolean isJournalFailed()
    {
        return journalStage.hasFailed();
    }

    /**
     * @return true once {@link #close()} has begun.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private CompletableFuture<Result> update(final int type, final long userId, final Changes changes, final String reason)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(type, userId, 0, 0, 0, 0, changes, reason, null, 0, future);
        return future;
    }

    private CompletableFuture<Result> subscription(final int type, final long subscriberId, final long userId, final long lobbyId)
    {
        final CompletableFuture<Result> future = new CompletableFuture<>();
        publish(type, userId, 0, subscriberId, lobbyId, 0, null, null, null, 0, future);
        return future;
    }

    private void publish(
        final int type,
        final long userId,
        final long connectionId,
        final long subscriberId,
        final long lobbyId,
        final long value,
        final Changes changes,
        final String reason,
        final CommandCallback callback,
        final long correlationId,
        final CompletableFuture<Result> future)
    {
        if (null != sequenced)
        {
            if (closed)
            {
                throw new IllegalStateException("Rollcall is closed");
            }
            sequenced.offer(type, userId, connectionId, subscriberId, lobbyId, value, changes, reason, null, callback,
                correlationId, future);
            return;
        }
        enter();
        try
        {
            final long sequence = claim();
            try
            {
                ringBuffer.get(sequence).command(type, clock.time(), userId, connectionId, subscriberId, lobbyId, value,
                    changes, reason, callback, correlationId, future);
            }
            finally
            {
                ringBuffer.publish(sequence);
            }
        }
        finally
        {
            activePublishers.decrementAndGet();
        }
    }

    private void control(final int type, final Mailbox mailbox, final CompletableFuture<Long> snapshotFuture)
    {
        enter();
        try
        {
            final long sequence = claim();
            try
            {
                final RingEvent event = ringBuffer.get(sequence);
                event.prepare(type, clock.time());
                event.mailbox = mailbox;
                event.snapshotFuture = snapshotFuture;
            }
            finally
            {
                ringBuffer.publish(sequence);
            }
        }
        finally
        {
            activePublishers.decrementAndGet();
        }
    }

    private boolean isFanOutThread(final Thread thread)
    {
        return thread == fanOutThread || (invoked && invoker.isInside(thread));
    }

    private void enter()
    {
        if (isFanOutThread(Thread.currentThread()))
        {
            throw new IllegalStateException("commands cannot be published from the fan-out thread (a callback, a " +
                "directive handler or a non-async continuation of a result future): it would wait for a ring slot " +
                "only the fan-out can free. Hand the work to another thread (e.g. thenApplyAsync).");
        }
        activePublishers.incrementAndGet();
        if (closed)
        {
            activePublishers.decrementAndGet();
            throw new IllegalStateException("Rollcall is closed");
        }
    }

    /**
     * A stage's batch processor whose batches are at most {@link RingEvent#MAX_BATCH} inputs: its
     * sequence (and the slots it frees) moves at least that often.
     */
    private EventProcessorFactory<RingEvent> capped(final EventHandler<RingEvent> stage)
    {
        return (ring, dependencies) ->
        {
            final BatchEventProcessor<RingEvent> processor = new BatchEventProcessorBuilder()
                .setMaxBatchSize(RingEvent.MAX_BATCH)
                .build(ring, ring.newBarrier(dependencies), stage);
            processor.setExceptionHandler(exceptionHandler);
            return processor;
        };
    }

    private final class PipelineThreadFactory implements ThreadFactory
    {
        private final String[] names;
        private final AtomicInteger count = new AtomicInteger();

        PipelineThreadFactory(final PipelineLayout layout)
        {
            names = layout == PipelineLayout.SERIAL ?
                new String[] {"rollcall-pipeline"} : new String[] {"rollcall-journal", "rollcall-logic", "rollcall-fanout"};
        }

        @Override
        public Thread newThread(final Runnable runnable)
        {
            final int index = count.getAndIncrement();
            final Thread thread = new Thread(runnable, index < names.length ? names[index] : "rollcall-pipeline-" + index);
            thread.setDaemon(true);
            if (index == names.length - 1)
            {
                fanOutThread = thread;
            }
            return thread;
        }
    }

    private static final class CountingExceptionHandler implements ExceptionHandler<RingEvent>
    {
        private final RollcallCounters counters;
        private final ErrorHandler errorHandler;

        CountingExceptionHandler(final RollcallCounters counters, final ErrorHandler errorHandler)
        {
            this.counters = counters;
            this.errorHandler = errorHandler;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final RingEvent event)
        {
            counters.increment(Counter.HANDLER_ERRORS);
            errorHandler.onError(ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            counters.increment(Counter.HANDLER_ERRORS);
            errorHandler.onError(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            counters.increment(Counter.HANDLER_ERRORS);
            errorHandler.onError(ex);
        }
    }
}
