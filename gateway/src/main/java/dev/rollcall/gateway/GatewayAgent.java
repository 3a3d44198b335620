package dev.rollcall.gateway;

import dev.rollcall.core.Rollcall;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.gateway.websocket.Utf8Validator;
import dev.rollcall.gateway.websocket.WebSocketFrames;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One gateway thread's duty cycle: accept (thread 0), read and decode through each
 * connection's handler, deliver what the core sent to this thread's inbox (events, command
 * results, close directives), fire timeouts, and write every connection's queued bytes once
 * per cycle (so frames that queued up go out in one system call).
 * <p>
 * Owns its selector, its connections, and the sessions of the users whose home it is; nothing
 * here is shared with other threads except the inbox (written by the core's fan-out thread)
 * and the hand-off queue (connections moving in). The jobs beside the cycle are its pieces,
 * each used by this thread only: the {@link GatewayAcceptor} brings connections in, the
 * {@link SocketReader} reads sockets into the handlers, the {@link SocketWriter} writes what they
 * queued, the {@link CoreProxy} publishes their commands to the core, the {@link InboxAdapter}
 * reads the inbox, the {@link EndpointRegistry} knows who
 * receives a user's events, the {@link SessionTable} keeps the sessions, and the
 * {@link HandlerInvoker} calls the handlers.
 */
final class GatewayAgent implements Agent
{
    private static final int READ_BUFFER = 64 * 1024;

    private final int index;
    private final GatewayContext ctx;
    private final Rollcall rollcall;
    private final CoreRouter router;
    private final ConnectionLimits limits;
    private final GatewayCounters counters;
    private final UpdateLatency latency = new UpdateLatency();
    private final Selector selector;
    /** A control frame's unmasked payload (WebSocket connections of this thread). */
    final byte[] controlScratch = new byte[WebSocketFrames.MAX_CONTROL_PAYLOAD];
    /** Checks close reasons (WebSocket connections of this thread). */
    final Utf8Validator utf8Validator = new Utf8Validator();
    /** {@link #controlScratch} as a buffer, for sending a control frame without wrapping it anew. */
    final ByteBuffer controlBuffer = ByteBuffer.wrap(controlScratch);
    private final OneToOneRingBuffer inbox;
    private final ConcurrentLinkedQueue<GatewayConnection> handoffs = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean overrun = new AtomicBoolean();
    private volatile boolean sleeping;
    private final GatewayAcceptor acceptor;
    final SessionTable sessions;
    /** Each protocol's per-thread resources ({@link PerThread}), by index, made on first use. */
    private Object[] perThread = new Object[4];

    private final Long2ObjectHashMap<GatewayConnection> connections = new Long2ObjectHashMap<>();
    /** Writes what connections queued, and pools their output buffers. */
    final SocketWriter writer;
    private final List<GatewayConnection> scan = new ArrayList<>();
    private final List<GatewayConnection> migrations = new ArrayList<>();
    /** Closed connections whose socket is half-closed, read until the peer closes or the linger ends. */
    private final List<GatewayConnection> draining = new ArrayList<>();
    private final EndpointRegistry registry = new EndpointRegistry();
    private final HandlerInvoker handlers;
    private final InboxAdapter inboxAdapter;
    private final CoreProxy coreProxy;
    /** Reads sockets and hands their input to the handlers. */
    final SocketReader reader;
    private final Consumer<SelectionKey> selectedHandler = this::onSelected;
    private final Consumer<SelectionKey> keepSelected = this::keepSelected;
    private SelectionKey[] keptKeys = new SelectionKey[64];
    private int keptCount;
    private int selectedWork;
    private GatewayAgent[] agents;
    private long now;
    private long nextTick;
    private volatile boolean shuttingDown;
    private volatile boolean stopping;
    private boolean invokesCore;

    GatewayAgent(
        final int index,
        final GatewayContext ctx,
        final Rollcall rollcall,
        final CoreRouter router,
        final ConnectionLimits limits,
        final AtomicLong connectionIds,
        final ServerSocketChannel server,
        final ServerSocketChannel webSocketServer) throws IOException
    {
        this.index = index;
        this.ctx = ctx;
        this.rollcall = rollcall;
        this.router = router;
        this.limits = limits;
        this.counters = new GatewayCounters(rollcall.countersManager(), index, roleName());
        this.selector = Selector.open();
        this.inbox = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ctx.inboxBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.coreProxy = new CoreProxy(index, rollcall, router, latency);
        this.handlers = new HandlerInvoker(this, ctx, counters);
        this.writer = new SocketWriter(this, counters);
        this.sessions = new SessionTable(this);
        this.inboxAdapter = new InboxAdapter(this, inbox, registry, sessions, handlers, ctx, counters);
        this.reader = new SocketReader(this, handlers, counters,
            ByteBuffer.allocateDirect(Math.max(READ_BUFFER, ctx.maxFrameSize() * 2 + 8)));
        this.acceptor = new GatewayAcceptor(
            this, ctx, limits, connectionIds, counters, handlers, selector, server, webSocketServer);
        now = System.currentTimeMillis();
    }

    void agents(final GatewayAgent[] agents)
    {
        this.agents = agents;
        acceptor.agents(agents);
    }

    @Override
    public String roleName()
    {
        return "rollcall-gateway-" + index;
    }

    // ---------------------------------------------------------------- accessors

    int index()
    {
        return index;
    }

    long nowMs()
    {
        return now;
    }

    GatewayContext context()
    {
        return ctx;
    }

    Rollcall rollcall()
    {
        return rollcall;
    }

    ConnectionLimits limits()
    {
        return limits;
    }

    CoreRouter router()
    {
        return router;
    }

    @SuppressWarnings("unchecked")
    <T> T perThread(final PerThread<T> resource)
    {
        final int index = resource.index();
        if (index >= perThread.length)
        {
            perThread = Arrays.copyOf(perThread, Math.max(index + 1, perThread.length * 2));
        }
        Object instance = perThread[index];
        if (null == instance)
        {
            instance = resource.make();
            perThread[index] = instance;
        }
        return (T)instance;
    }

    /** @return the counter summed over every thread of the gateway. */
    long gatewayCounter(final GatewayCounter counter)
    {
        long sum = 0;
        for (final GatewayAgent agent : agents)
        {
            sum += agent.counters.get(counter);
        }
        return sum;
    }

    /** @return the error code's count summed over every thread of the gateway. */
    long gatewayErrorCount(final ErrorCode code)
    {
        long sum = 0;
        for (final GatewayAgent agent : agents)
        {
            sum += agent.counters.errors(code);
        }
        return sum;
    }

    GatewayCounters counters()
    {
        return counters;
    }

    OneToOneRingBuffer inbox()
    {
        return inbox;
    }

    /** @return this thread's update latencies (written by this thread only). */
    UpdateLatency latency()
    {
        return latency;
    }

    boolean isShuttingDown()
    {
        return shuttingDown;
    }

    /** @return the event endpoints of this thread's users and firehose shards. */
    EndpointRegistry registry()
    {
        return registry;
    }

    /** @return the calls into this thread's connections' handlers. */
    HandlerInvoker handlers()
    {
        return handlers;
    }

    /** @return the publisher of this thread's commands to the core, which numbers them. */
    CoreProxy coreProxy()
    {
        return coreProxy;
    }

    /** @return the reader of this thread's inbox. */
    InboxAdapter inboxAdapter()
    {
        return inboxAdapter;
    }

    /** Called by the core's fan-out thread after writing to the inbox. */
    void wake()
    {
        VarHandle.fullFence();
        if (sleeping)
        {
            selector.wakeup();
        }
    }

    /**
     * Before start: this thread runs the core's pipeline in its duty cycle (layout INVOKED).
     */
    void invokesCore()
    {
        invokesCore = true;
    }

    /**
     * Any thread, before this agent's runner is closed: from now on the thread never blocks in
     * {@code select} without a timeout, so it sees the runner stop.
     */
    void stopping()
    {
        stopping = true;
        selector.wakeup();
    }

    /** Called by the core's fan-out thread when the inbox is full. */
    void overrun()
    {
        overrun.set(true);
        wake();
    }

    void handoff(final GatewayConnection connection)
    {
        handoffs.offer(connection);
        VarHandle.fullFence();
        if (sleeping)
        {
            selector.wakeup();
        }
    }

    // ---------------------------------------------------------------- duty cycle

    @Override
    public int doWork() throws IOException
    {
        now = System.currentTimeMillis();
        int work = drainHandoffs();
        if (invokesCore)
        {
            work += rollcall.invoke();
        }
        work += inboxAdapter.receive();
        work += processSelected();
        if (overrun.get())
        {
            onOverrun();
            work++;
        }
        work += reader.processPendingInput();
        if (invokesCore)
        {
            // what this cycle's sockets published: journaled, applied and answered before the flush
            final int invoked = rollcall.invoke();
            if (invoked > 0)
            {
                work += invoked + inboxAdapter.receive();
            }
        }
        if (now >= nextTick)
        {
            nextTick = now + ctx.timerTickMs();
            work += scanTimers();
            sessions.expire(now);
        }
        work += writer.flushDirty();
        latency.onCycleFlushed();
        if (!migrations.isEmpty())
        {
            work += migrate();
        }
        return work;
    }

    /*
     * The inbox is read before the sockets, so what the core produced before a client could
     * have seen its effects (e.g. events written before a command's result) is delivered
     * before that client's next frames are answered.
     */

    /**
     * The default idle: sleep in {@code select} until a socket is ready, the core wakes this
     * thread, or the next timer tick.
     */
    void idleInSelect() throws IOException
    {
        sleeping = true;
        VarHandle.fullFence();
        try
        {
            if (inbox.size() == 0 && handoffs.isEmpty() && !overrun.get() && !(invokesCore && rollcall.hasPendingInputs()))
            {
                if (connections.isEmpty() && draining.isEmpty() && 0 == sessions.size() && migrations.isEmpty() && !stopping)
                {
                    // no timer can be due: only a socket, the core or a hand-off has work
                    selector.select(keepSelected);
                }
                else
                {
                    selector.select(
                        keepSelected, Math.max(1, Math.min(ctx.timerTickMs(), nextTick - System.currentTimeMillis())));
                }
            }
        }
        finally
        {
            sleeping = false;
        }
    }

    /*
     * Ready keys are handed to a consumer rather than collected in the selected-key set, whose
     * HashSet allocates a node per ready key and an iterator per pass. The idle select keeps the
     * keys it saw, and the next duty cycle handles them after the inbox has been read, instead
     * of asking the kernel again (one epoll_wait per wake-up, not two); a cycle with none kept
     * polls with selectNow.
     */
    private int processSelected() throws IOException
    {
        selectedWork = 0;
        final int kept = keptCount;
        if (kept > 0)
        {
            keptCount = 0;
            for (int i = 0; i < kept; i++)
            {
                final SelectionKey key = keptKeys[i];
                keptKeys[i] = null;
                if (null != key)
                {
                    onSelected(key);
                }
            }
        }
        else
        {
            selector.selectNow(selectedHandler);
        }
        return selectedWork;
    }

    private void keepSelected(final SelectionKey key)
    {
        if (keptCount == keptKeys.length)
        {
            keptKeys = Arrays.copyOf(keptKeys, keptCount * 2);
        }
        keptKeys[keptCount++] = key;
    }

    private void onSelected(final SelectionKey key)
    {
        selectedWork++;
        if (!key.isValid())
        {
            return;
        }
        final Object attachment = key.attachment();
        if (!(attachment instanceof GatewayConnection connection))
        {
            acceptor.accept(attachment);
            return;
        }
        if (connection.agent != this || connection.isChannelClosed() || connection.migrating)
        {
            return;
        }
        if (connection.draining)
        {
            reader.discardInput(connection);
            return;
        }
        final int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0)
        {
            writer.flush(connection);
        }
        if ((ready & SelectionKey.OP_READ) != 0 && key.isValid() && !connection.isSuspended())
        {
            reader.onReadable(connection);
        }
    }

    // ---------------------------------------------------------------- connections coming in

    /**
     * Register a connection with this thread's selector and count it open.
     *
     * @return false if its channel could not be registered (nothing changed).
     */
    boolean attach(final GatewayConnection connection, final int ops)
    {
        try
        {
            connection.key = connection.channel().register(selector, ops, connection);
        }
        catch (final IOException ex)
        {
            return false;
        }
        connections.put(connection.id(), connection);
        counters.increment(GatewayCounter.CONNECTIONS_OPEN);
        if (null != connection.transport)
        {
            counters.increment(GatewayCounter.WEBSOCKET_CONNECTIONS_OPEN);
        }
        return true;
    }

    private int drainHandoffs()
    {
        int work = 0;
        GatewayConnection connection;
        while (null != (connection = handoffs.poll()))
        {
            work++;
            if (null == connection.handler)
            {
                acceptor.open(connection, true);
                continue;
            }
            connection.agent = this;
            connection.migrating = false;
            if (connection.isChannelClosed())
            {
                continue;
            }
            if (!attach(connection, interestOf(connection)))
            {
                closeNow(connection);
                continue;
            }
            counters.increment(GatewayCounter.MIGRATIONS);
            bound(connection);
        }
        return work;
    }

    private void bound(final GatewayConnection connection)
    {
        if (connection.events())
        {
            registry.register(connection.userId(), connection);
        }
        handlers.callBound(connection);
        if (connection.isChannelClosed())
        {
            return;
        }
        if (null != connection.output && connection.output.position() > 0 && !connection.dirty)
        {
            writer.markDirty(connection);
        }
        if (null != connection.input && !connection.isSuspended())
        {
            reader.offerLater(connection);
        }
    }

    /**
     * The handler bound the connection: go on here if this is the user's home thread, else
     * hand it over at the end of the cycle.
     */
    void afterBind(final GatewayConnection connection)
    {
        connection.bindPending = false;
        final int home = CoreRouter.home(connection.userId(), agents.length);
        if (home == index)
        {
            bound(connection);
            return;
        }
        connection.migrating = true;
        migrations.add(connection);
    }

    /**
     * Hand bound connections to their home threads, at the end of the cycle (after this
     * thread's lists no longer refer to them).
     */
    private int migrate()
    {
        final int count = migrations.size();
        for (int i = 0; i < count; i++)
        {
            final GatewayConnection connection = migrations.get(i);
            reader.forget(connection);
            if (connection.isChannelClosed())
            {
                continue;
            }
            connection.dirty = false;
            connection.key.cancel();
            connection.key = null;
            connections.remove(connection.id());
            countClosed(connection);
            agents[CoreRouter.home(connection.userId(), agents.length)].handoff(connection);
        }
        migrations.clear();
        return count;
    }

    /** The connection is no longer open on this thread (closed, or handed to another). */
    private void countClosed(final GatewayConnection connection)
    {
        counters.add(GatewayCounter.CONNECTIONS_OPEN, -1);
        if (null != connection.transport)
        {
            counters.add(GatewayCounter.WEBSOCKET_CONNECTIONS_OPEN, -1);
        }
    }

    void interestChanged(final GatewayConnection connection)
    {
        if (null == connection.key || !connection.key.isValid())
        {
            return;
        }
        connection.key.interestOps(interestOf(connection));
        if (!connection.isSuspended() && null != connection.input)
        {
            reader.offerLater(connection);
        }
    }

    static int interestOf(final GatewayConnection connection)
    {
        int ops = connection.isSuspended() ? 0 : SelectionKey.OP_READ;
        if (null != connection.output && connection.output.position() > 0)
        {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    // ---------------------------------------------------------------- timers and closing

    /**
     * Close the half-closed sockets whose linger ended, and forget those the peer closed.
     *
     * @return true while some are still open.
     */
    private boolean pruneDraining(final long now)
    {
        for (int i = draining.size() - 1; i >= 0; i--)
        {
            final GatewayConnection connection = draining.get(i);
            if (connection.isChannelClosed() || now >= connection.lingerDeadline())
            {
                connection.closeChannel();
                draining.set(i, draining.get(draining.size() - 1));
                draining.remove(draining.size() - 1);
            }
        }
        return !draining.isEmpty();
    }

    private int scanTimers()
    {
        pruneDraining(now);
        scan.clear();
        for (final GatewayConnection connection : connections.values())
        {
            if (null != connection.transport)
            {
                connection.transport.pingIfIdle(connection, now);
            }
            if ((connection.isClosing() && now >= connection.lingerDeadline()) ||
                (connection.timeoutDeadline != 0 && now >= connection.timeoutDeadline))
            {
                scan.add(connection);
            }
        }
        for (int i = 0, n = scan.size(); i < n; i++)
        {
            final GatewayConnection connection = scan.get(i);
            if (connection.isClosing())
            {
                lingerEnded(connection);
            }
            else if (connection.timeoutDeadline != 0 && now >= connection.timeoutDeadline)
            {
                connection.timeoutDeadline = 0;
                handlers.callTimeout(connection);
            }
        }
        final int work = scan.size();
        scan.clear();
        return work;
    }

    /**
     * A closing connection's linger ended with output still queued: one more write first (the
     * socket may have room though it did not say so: the selector reports a full socket writable
     * only once a third of its buffer is free). If the peer took bytes, the linger starts again.
     */
    private void lingerEnded(final GatewayConnection connection)
    {
        if (!connection.draining && null != connection.output && connection.output.position() > 0)
        {
            writer.flush(connection);
            if (connection.isChannelClosed() || connection.draining || now < connection.lingerDeadline())
            {
                return;
            }
        }
        closeNow(connection);
    }

    void closeNow(final GatewayConnection connection)
    {
        if (connection.isChannelClosed())
        {
            return;
        }
        connection.closeChannel();
        if (!connection.draining)
        {
            closeLogically(connection);
        }
    }

    /**
     * Everything written: send FIN, tell the handler the connection is closed, and keep reading
     * (and dropping) what the peer still sends until it closes too or the linger ends. Closing a
     * socket with unread input sends a reset, which can destroy the goodbye at the peer before
     * it reads it (a client that bursts past a limit has unread input by definition).
     */
    void halfClose(final GatewayConnection connection)
    {
        try
        {
            connection.channel().shutdownOutput();
        }
        catch (final IOException ex)
        {
            closeNow(connection);
            return;
        }
        connection.draining = true;
        connection.draining(now);
        closeLogically(connection);
        if (null != connection.key && connection.key.isValid())
        {
            connection.key.interestOps(SelectionKey.OP_READ);
            draining.add(connection);
        }
        else
        {
            connection.closeChannel();
        }
    }

    private void closeLogically(final GatewayConnection connection)
    {
        if (connections.remove(connection.id()) != null)
        {
            countClosed(connection);
        }
        counters.increment(GatewayCounter.CONNECTIONS_CLOSED);
        if (connection.events() && !connection.bindPending && !connection.migrating)
        {
            registry.unregister(connection.userId(), connection);
        }
        handlers.callClose(connection);
    }

    private void onOverrun()
    {
        overrun.set(false);
        counters.increment(GatewayCounter.INBOX_OVERRUNS);
        scan.clear();
        scan.addAll(connections.values());
        for (final GatewayConnection connection : scan)
        {
            connection.refuse(Refusal.OVERLOADED);
        }
        scan.clear();
        sessions.invalidateAll();
    }

    @Override
    public void onClose()
    {
        shuttingDown = true;
        scan.clear();
        scan.addAll(connections.values());
        for (final GatewayConnection connection : scan)
        {
            handlers.callShutdown(connection);
            connection.close();
        }
        scan.clear();
        writer.flushDirty();
        final long deadline = System.currentTimeMillis() + ctx.lingerMs();
        try
        {
            while ((!connections.isEmpty() || pruneDraining(System.currentTimeMillis())) && System.currentTimeMillis() < deadline)
            {
                selector.select(selectedHandler, 10);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            ctx.errorHandler().onError(ex);
        }
        scan.addAll(connections.values());
        for (final GatewayConnection connection : scan)
        {
            closeNow(connection);
        }
        scan.clear();
        for (final GatewayConnection connection : draining)
        {
            connection.closeChannel();
        }
        draining.clear();
        GatewayConnection migrating;
        while (null != (migrating = handoffs.poll()))
        {
            migrating.agent = this;
            if (null == migrating.handler)
            {
                migrating.closeChannel();
            }
            else
            {
                closeNow(migrating);
            }
        }
        try
        {
            selector.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Remove the first {@code count} entries, keeping those added meanwhile; a view (which
     * allocates) only when there are such entries.
     */
    static void dropFirst(final List<GatewayConnection> list, final int count)
    {
        if (list.size() == count)
        {
            list.clear();
        }
        else
        {
            list.subList(0, count).clear();
        }
    }

}
