package dev.rollcall.gateway;

import dev.rollcall.gateway.websocket.Utf8Validator;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.json.JsonClientMessageDecoder;
import dev.rollcall.protocol.json.JsonServerMessageEncoder;
import dev.rollcall.gateway.websocket.WebSocketFrames;
import dev.rollcall.core.EventSink;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.core.Rollcall;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
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
 * Owns its selector, its connections, the sessions of the users whose home it is, and the
 * routing of their events; nothing here is shared with other threads except the inbox
 * (written by the core's fan-out thread) and the hand-off queue (connections moving in).
 */
final class GatewayAgent implements Agent
{
    private static final int POOLED_BUFFER = 16 * 1024;
    private static final int MAX_POOLED = 256;
    private static final int READ_BUFFER = 64 * 1024;
    private static final int ACCEPTS_PER_CYCLE = 256;
    private static final int INBOX_READS_PER_CYCLE = 4096;
    /** The attachment of the WebSocket listener's key (the binary listener's is null). */
    private static final Object WEBSOCKET_LISTENER = new Object();

    private final int index;
    private final GatewayContext ctx;
    private final Rollcall rollcall;
    private final CoreRouter router;
    private final ConnectionLimits limits;
    private final AtomicLong connectionIds;
    private final GatewayCounters counters = new GatewayCounters();
    private final Selector selector;
    private final ServerSocketChannel server;
    private final ServerSocketChannel webSocketServer;
    /** A control frame's unmasked payload (WebSocket connections of this thread). */
    final byte[] controlScratch = new byte[WebSocketFrames.MAX_CONTROL_PAYLOAD];
    /** Checks close reasons (WebSocket connections of this thread). */
    final Utf8Validator utf8Validator = new Utf8Validator();
    /** {@link #controlScratch} as a buffer, for sending a control frame without wrapping it anew. */
    final ByteBuffer controlBuffer = ByteBuffer.wrap(controlScratch);
    private JsonClientMessageDecoder jsonDecoder;
    private JsonServerMessageEncoder jsonEncoder;
    private ByteBuffer jsonFrame;
    private ByteBuffer jsonOut;
    private final OneToOneRingBuffer inbox;
    private final ConcurrentLinkedQueue<GatewayConnection> handoffs = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean overrun = new AtomicBoolean();
    private volatile boolean sleeping;
    private volatile int firehoseEndpoints;
    private final ConnectionHandlerFactory handlerFactory;
    final SessionTable sessions;
    final ProtocolScratch protocolScratch = new ProtocolScratch();

    private final Long2ObjectHashMap<GatewayConnection> connections = new Long2ObjectHashMap<>();
    private final List<GatewayConnection> dirty = new ArrayList<>();
    private final List<GatewayConnection> pendingInput = new ArrayList<>();
    private final List<GatewayConnection> scan = new ArrayList<>();
    private final List<GatewayConnection> migrations = new ArrayList<>();
    /** Closed connections whose socket is half-closed, read until the peer closes or the linger ends. */
    private final List<GatewayConnection> draining = new ArrayList<>();
    private final Long2ObjectHashMap<Object> endpoints = new Long2ObjectHashMap<>();
    private final List<EventEndpoint> firehose = new ArrayList<>();
    private final Long2ObjectHashMap<GatewayConnection> pendingConnection = new Long2ObjectHashMap<>();
    private final Long2LongHashMap pendingTag = new Long2LongHashMap(0);
    private final ArrayDeque<ByteBuffer> bufferPool = new ArrayDeque<>();
    private final ByteBuffer readBuffer;
    private final PresenceEvent event = new PresenceEvent().cacheStrings();
    private final MessageHandler inboxHandler = this::onInboxMessage;
    private final Consumer<SelectionKey> selectedHandler = this::onSelected;
    private final Consumer<SelectionKey> keepSelected = this::keepSelected;
    private SelectionKey[] keptKeys = new SelectionKey[64];
    private int keptCount;
    private int selectedWork;
    private GatewayAgent[] agents;
    private int nextAgent;
    private long nextCorrelation = 1;
    private long eventGeneration;
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
        this.connectionIds = connectionIds;
        this.server = server;
        this.webSocketServer = webSocketServer;
        this.selector = Selector.open();
        this.inbox = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ctx.inboxBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.handlerFactory = null == ctx.handlerFactory() ? BinaryProtocolHandler::new : ctx.handlerFactory();
        this.sessions = new SessionTable(this);
        this.readBuffer = ByteBuffer.allocateDirect(Math.max(READ_BUFFER, ctx.maxFrameSize() * 2 + 8));
        if (null != server)
        {
            server.register(selector, SelectionKey.OP_ACCEPT);
        }
        if (null != webSocketServer)
        {
            webSocketServer.register(selector, SelectionKey.OP_ACCEPT, WEBSOCKET_LISTENER);
        }
        now = System.currentTimeMillis();
    }

    void agents(final GatewayAgent[] agents)
    {
        this.agents = agents;
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

    GatewayCounters counters()
    {
        return counters;
    }

    OneToOneRingBuffer inbox()
    {
        return inbox;
    }

    boolean hasFirehose()
    {
        return firehoseEndpoints > 0;
    }

    boolean isShuttingDown()
    {
        return shuttingDown;
    }

    int agentCount()
    {
        return agents.length;
    }

    /** @return changes whenever the event flyweight is pointed at another event. */
    long eventGeneration()
    {
        return eventGeneration;
    }

    static int agentOf(final long correlationId)
    {
        return (int)(correlationId >>> 56);
    }

    long correlate(final GatewayConnection connection, final long tag)
    {
        final long correlationId = ((long)index << 56) | (nextCorrelation++ & 0x00FF_FFFF_FFFF_FFFFL);
        pendingConnection.put(correlationId, connection);
        pendingTag.put(correlationId, tag);
        return correlationId;
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
        work += inbox.read(inboxHandler, INBOX_READS_PER_CYCLE);
        work += processSelected();
        if (overrun.get())
        {
            onOverrun();
            work++;
        }
        work += processPendingInput();
        if (invokesCore)
        {
            // what this cycle's sockets published: journaled, applied and answered before the flush
            final int invoked = rollcall.invoke();
            if (invoked > 0)
            {
                work += invoked + inbox.read(inboxHandler, INBOX_READS_PER_CYCLE);
            }
        }
        if (now >= nextTick)
        {
            nextTick = now + ctx.timerTickMs();
            work += scanTimers();
            sessions.expire(now);
        }
        work += flushDirty();
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
        if (null == attachment)
        {
            accept(server, false);
            return;
        }
        if (attachment == WEBSOCKET_LISTENER)
        {
            accept(webSocketServer, true);
            return;
        }
        final GatewayConnection connection = (GatewayConnection)attachment;
        if (connection.agent != this || connection.isChannelClosed() || connection.migrating)
        {
            return;
        }
        if (connection.draining)
        {
            discardInput(connection);
            return;
        }
        final int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0)
        {
            flush(connection);
        }
        if ((ready & SelectionKey.OP_READ) != 0 && key.isValid() && !connection.isSuspended())
        {
            onReadable(connection);
        }
    }

    // ---------------------------------------------------------------- accepting

    private void accept(final ServerSocketChannel server, final boolean webSocket)
    {
        for (int i = 0; i < ACCEPTS_PER_CYCLE; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = server.accept();
            }
            catch (final IOException ex)
            {
                if (server.isOpen())
                {
                    ctx.errorHandler().onError(ex);
                }
                return;
            }
            if (null == channel)
            {
                return;
            }
            final InetSocketAddress remote;
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                remote = (InetSocketAddress)channel.getRemoteAddress();
            }
            catch (final IOException ex)
            {
                closeQuietly(channel);
                continue;
            }
            final GatewayConnection connection = new GatewayConnection(
                connectionIds.incrementAndGet(), channel, remote, this);
            if (webSocket)
            {
                connection.transport = new WebSocketTransport();
            }
            counters.increment(GatewayCounter.CONNECTIONS_ACCEPTED);
            final Refusal refusal = limits.tryAcquire(remote.getAddress());
            if (null != refusal)
            {
                counters.increment(GatewayCounter.CONNECTIONS_REFUSED);
                if (open(connection, false))
                {
                    connection.refuse(refusal);
                }
                continue;
            }
            connection.admitted(true);
            final GatewayAgent target = agents[nextAgent];
            nextAgent = (nextAgent + 1) % agents.length;
            if (target == this)
            {
                open(connection, true);
            }
            else
            {
                target.handoff(connection);
            }
        }
    }

    /**
     * Register a new connection and make its handler; {@code onOpen} only for an admitted one
     * (a refused one hears only its refusal).
     *
     * @return false if the connection could not be opened (it is closed).
     */
    private boolean open(final GatewayConnection connection, final boolean admitted)
    {
        connection.agent = this;
        try
        {
            connection.key = connection.channel().register(selector, SelectionKey.OP_READ, connection);
        }
        catch (final IOException ex)
        {
            connection.closeChannel();
            return false;
        }
        connections.put(connection.id(), connection);
        counters.increment(GatewayCounter.CONNECTIONS_OPEN);
        try
        {
            connection.handler = handlerFactory.newHandler(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
            return false;
        }
        if (admitted)
        {
            if (null != connection.transport)
            {
                connection.timeout(ctx.identifyTimeoutMs()); // the handler opens once the handshake is answered
            }
            else
            {
                callOpen(connection);
            }
        }
        return !connection.isClosed();
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
                open(connection, true);
                continue;
            }
            connection.agent = this;
            connection.migrating = false;
            if (connection.isChannelClosed())
            {
                continue;
            }
            try
            {
                connection.key = connection.channel().register(selector, interestOf(connection), connection);
            }
            catch (final IOException ex)
            {
                closeNow(connection);
                continue;
            }
            connections.put(connection.id(), connection);
            counters.increment(GatewayCounter.CONNECTIONS_OPEN);
            counters.increment(GatewayCounter.MIGRATIONS);
            bound(connection);
        }
        return work;
    }

    private void bound(final GatewayConnection connection)
    {
        if (connection.events())
        {
            register(connection.userId(), connection);
        }
        callBound(connection);
        if (connection.isChannelClosed())
        {
            return;
        }
        if (null != connection.output && connection.output.position() > 0 && !connection.dirty)
        {
            connection.dirty = true;
            dirty.add(connection);
        }
        if (null != connection.input && !connection.isSuspended())
        {
            pendingInput.add(connection);
        }
    }

    // ---------------------------------------------------------------- input

    private void onReadable(final GatewayConnection connection)
    {
        final ByteBuffer buffer = readBuffer;
        buffer.clear();
        if (null != connection.input)
        {
            connection.input.flip();
            buffer.put(connection.input);
            connection.input = null;
        }
        final int read = read(connection, buffer);
        if (read < 0)
        {
            closeNow(connection);
            return;
        }
        counters.add(GatewayCounter.BYTES_READ, read);
        buffer.flip();
        deliverInput(connection, buffer);
    }

    private int processPendingInput()
    {
        final int count = pendingInput.size();
        if (count == 0)
        {
            return 0;
        }
        for (int i = 0; i < count; i++)
        {
            final GatewayConnection connection = pendingInput.get(i);
            if (connection.agent != this || connection.isClosed() || connection.isSuspended() ||
                connection.migrating || null == connection.input)
            {
                continue;
            }
            final ByteBuffer buffer = readBuffer;
            buffer.clear();
            connection.input.flip();
            buffer.put(connection.input);
            connection.input = null;
            buffer.flip();
            deliverInput(connection, buffer);
        }
        dropFirst(pendingInput, count);
        return count;
    }

    private void deliverInput(final GatewayConnection connection, final ByteBuffer buffer)
    {
        if (null != connection.transport)
        {
            connection.transport.onInput(connection, buffer);
        }
        else if (buffer.hasRemaining())
        {
            callData(connection, buffer);
        }
        if (connection.isClosed())
        {
            return;
        }
        if (buffer.hasRemaining())
        {
            if (buffer.position() == 0 && buffer.limit() == buffer.capacity())
            {
                handlerError(connection, new IllegalStateException(
                    "handler consumed nothing of a full input buffer (" + buffer.capacity() + " bytes)"));
                return;
            }
            final ByteBuffer keep = ByteBuffer.allocate(Math.max(256, buffer.remaining()));
            keep.put(buffer);
            connection.input = keep;
        }
        if (connection.bindPending)
        {
            afterBind(connection);
        }
    }

    private void afterBind(final GatewayConnection connection)
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
            pendingInput.remove(connection);
            if (connection.isChannelClosed())
            {
                continue;
            }
            connection.dirty = false;
            connection.key.cancel();
            connection.key = null;
            connections.remove(connection.id());
            counters.add(GatewayCounter.CONNECTIONS_OPEN, -1);
            agents[CoreRouter.home(connection.userId(), agents.length)].handoff(connection);
        }
        migrations.clear();
        return count;
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
            pendingInput.add(connection);
        }
    }

    private static int interestOf(final GatewayConnection connection)
    {
        int ops = connection.isSuspended() ? 0 : SelectionKey.OP_READ;
        if (null != connection.output && connection.output.position() > 0)
        {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    // ---------------------------------------------------------------- output

    void markDirty(final GatewayConnection connection)
    {
        connection.dirty = true;
        dirty.add(connection);
    }

    private int flushDirty()
    {
        final int count = dirty.size();
        for (int i = 0; i < count; i++)
        {
            final GatewayConnection connection = dirty.get(i);
            connection.dirty = false;
            if (connection.agent == this && !connection.isChannelClosed() && !connection.migrating)
            {
                flush(connection);
            }
        }
        dropFirst(dirty, count);
        return count;
    }

    private void flush(final GatewayConnection connection)
    {
        if (connection.isChannelClosed())
        {
            return;
        }
        final ByteBuffer output = connection.output;
        if (null != output)
        {
            if (output.position() > 0 && !write(connection, output))
            {
                output.clear();
                closeNow(connection);
                return;
            }
            if (output.position() == 0)
            {
                connection.output = null;
                releaseBuffer(output);
            }
        }
        if (null == connection.output && connection.isClosing())
        {
            halfClose(connection);
            return;
        }
        if (!connection.migrating && null != connection.key && connection.key.isValid())
        {
            connection.key.interestOps(interestOf(connection));
        }
    }

    /**
     * Write what is queued for the connection now, before its queue is judged full: one
     * cycle can deliver many events to a connection whose socket has room. Never closes
     * (a failed write is found again by the next flush).
     */
    void writeThrough(final GatewayConnection connection)
    {
        final ByteBuffer output = connection.output;
        if (null == output || output.position() == 0 || connection.isChannelClosed())
        {
            return;
        }
        write(connection, output);
    }

    /**
     * One write call of the queued bytes; what is left stays queued.
     *
     * @return false if the socket failed.
     */
    private boolean write(final GatewayConnection connection, final ByteBuffer output)
    {
        output.flip();
        try
        {
            final int written = connection.channel().write(output);
            counters.add(GatewayCounter.BYTES_WRITTEN, written);
            counters.increment(GatewayCounter.WRITE_CALLS);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
        finally
        {
            output.compact();
        }
    }

    /**
     * @return the decoder of this thread's {@code rollcall.json.v1} connections' messages (made on first use).
     */
    JsonClientMessageDecoder jsonDecoder()
    {
        if (null == jsonDecoder)
        {
            jsonDecoder = new JsonClientMessageDecoder();
        }
        return jsonDecoder;
    }

    /**
     * @return the encoder of the frames sent to this thread's {@code rollcall.json.v1} connections
     * (made on first use).
     */
    JsonServerMessageEncoder jsonEncoder()
    {
        if (null == jsonEncoder)
        {
            jsonEncoder = new JsonServerMessageEncoder();
        }
        return jsonEncoder;
    }

    /**
     * @return the buffer a JSON message's binary frame is decoded into, cleared (made on first use).
     */
    ByteBuffer jsonFrame()
    {
        if (null == jsonFrame)
        {
            jsonFrame = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE);
        }
        return jsonFrame.clear();
    }

    /**
     * @param frameLength a binary server frame's length.
     * @return a buffer, cleared, with room for its JSON (at most six bytes a frame byte, for
     * escaped control characters, plus the names); grown when needed, made on first use.
     */
    ByteBuffer jsonOut(final int frameLength)
    {
        final int required = (int)Math.min(Integer.MAX_VALUE - 8, 6L * frameLength + 4096);
        if (null == jsonOut || jsonOut.capacity() < required)
        {
            jsonOut = ByteBuffer.allocate(Math.max(required, 64 * 1024));
        }
        return jsonOut.clear();
    }

    ByteBuffer acquireBuffer(final int required)
    {
        if (required <= POOLED_BUFFER)
        {
            final ByteBuffer pooled = bufferPool.poll();
            return null != pooled ? pooled : ByteBuffer.allocateDirect(POOLED_BUFFER);
        }
        return ByteBuffer.allocateDirect(required);
    }

    void releaseBuffer(final ByteBuffer buffer)
    {
        if (buffer.capacity() == POOLED_BUFFER && bufferPool.size() < MAX_POOLED)
        {
            buffer.clear();
            bufferPool.push(buffer);
        }
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
                closeNow(connection);
            }
            else if (connection.timeoutDeadline != 0 && now >= connection.timeoutDeadline)
            {
                connection.timeoutDeadline = 0;
                callTimeout(connection);
            }
        }
        final int work = scan.size();
        scan.clear();
        return work;
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
    private void halfClose(final GatewayConnection connection)
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

    private void discardInput(final GatewayConnection connection)
    {
        readBuffer.clear();
        if (read(connection, readBuffer) < 0)
        {
            connection.closeChannel();
        }
    }

    /**
     * @return the bytes read into the buffer, or -1 at the end of the stream or on an error.
     */
    private static int read(final GatewayConnection connection, final ByteBuffer buffer)
    {
        try
        {
            return connection.channel().read(buffer);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    private void closeLogically(final GatewayConnection connection)
    {
        if (connections.remove(connection.id()) != null)
        {
            counters.add(GatewayCounter.CONNECTIONS_OPEN, -1);
        }
        counters.increment(GatewayCounter.CONNECTIONS_CLOSED);
        if (connection.events() && !connection.bindPending && !connection.migrating)
        {
            unregister(connection.userId(), connection);
        }
        callClose(connection);
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
            callShutdown(connection);
            connection.close();
        }
        scan.clear();
        flushDirty();
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

    // ---------------------------------------------------------------- events from the core

    void register(final long userId, final EventEndpoint endpoint)
    {
        final Object existing = endpoints.get(userId);
        if (null == existing)
        {
            endpoints.put(userId, endpoint);
        }
        else if (existing instanceof EndpointList list)
        {
            list.add(endpoint);
        }
        else
        {
            final EndpointList list = new EndpointList();
            list.add((EventEndpoint)existing);
            list.add(endpoint);
            endpoints.put(userId, list);
        }
    }

    void unregister(final long userId, final EventEndpoint endpoint)
    {
        final Object existing = endpoints.get(userId);
        if (existing == endpoint)
        {
            endpoints.remove(userId);
        }
        else if (existing instanceof EndpointList list)
        {
            list.remove(endpoint);
            if (list.size() == 1)
            {
                endpoints.put(userId, list.get(0));
            }
        }
    }

    /**
     * @return the user's endpoint (an {@link EventEndpoint} or an {@link EndpointList}), or null.
     */
    Object endpointsOf(final long userId)
    {
        return endpoints.get(userId);
    }

    void registerFirehose(final EventEndpoint endpoint)
    {
        firehose.add(endpoint);
        firehoseEndpoints = firehose.size();
    }

    void unregisterFirehose(final EventEndpoint endpoint)
    {
        firehose.remove(endpoint);
        firehoseEndpoints = firehose.size();
    }

    private void onInboxMessage(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case InboxDescriptor.EVENT -> onEventMessage(buffer, offset, length);
            case InboxDescriptor.RESULT -> onResultMessage(
                buffer.getLong(offset + InboxDescriptor.CORRELATION_OFFSET),
                buffer.getInt(offset + InboxDescriptor.RESULT_OFFSET));
            case InboxDescriptor.DIRECTIVE -> onDirective(
                buffer.getLong(offset + InboxDescriptor.USER_OFFSET),
                buffer.getLong(offset + InboxDescriptor.CONNECTION_OFFSET));
            default -> ctx.errorHandler().onError(new IllegalStateException("unknown inbox message " + type));
        }
    }

    private void onEventMessage(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final EventType type = EventType.fromCode(buffer.getInt(offset + InboxDescriptor.EVENT_TYPE_OFFSET));
        final int count = buffer.getInt(offset + InboxDescriptor.RECIPIENT_COUNT_OFFSET);
        final int eventOffset = InboxDescriptor.RECIPIENTS_OFFSET + count * Long.BYTES;
        event.wrap(type, buffer, offset + eventOffset, length - eventOffset);
        eventGeneration++;
        counters.increment(GatewayCounter.EVENTS_ROUTED);
        for (int i = 0; i < count; i++)
        {
            final long recipient = buffer.getLong(offset + InboxDescriptor.RECIPIENTS_OFFSET + i * Long.BYTES);
            if (recipient == EventSink.FIREHOSE)
            {
                if (type == EventType.CLIENT_DESTROYED)
                {
                    sessions.onClientDestroyed(event.userId());
                }
                for (int f = 0, n = firehose.size(); f < n; f++)
                {
                    deliver(firehose.get(f));
                }
                continue;
            }
            final Object target = endpoints.get(recipient);
            if (target instanceof EndpointList list)
            {
                for (int e = 0, n = list.size(); e < n; e++)
                {
                    deliver(list.get(e));
                }
            }
            else if (null != target)
            {
                deliver((EventEndpoint)target);
            }
        }
    }

    private void deliver(final EventEndpoint endpoint)
    {
        try
        {
            endpoint.onEvent(event);
        }
        catch (final Throwable ex)
        {
            counters.increment(GatewayCounter.HANDLER_ERRORS);
            ctx.errorHandler().onError(ex);
        }
    }

    private void onResultMessage(final long correlationId, final int result)
    {
        final GatewayConnection connection = pendingConnection.remove(correlationId);
        final long tag = pendingTag.remove(correlationId);
        if (null != connection && connection.agent == this && !connection.isChannelClosed() && !connection.draining)
        {
            callResult(connection, tag, Result.fromCode(result));
        }
    }

    private void onDirective(final long userId, final long connectionId)
    {
        sessions.onDisconnectedByServer(userId, connectionId);
        scan.clear();
        final Object target = endpoints.get(userId);
        if (target instanceof EndpointList list)
        {
            for (int e = 0, n = list.size(); e < n; e++)
            {
                if (list.get(e) instanceof GatewayConnection connection && connection.id() == connectionId)
                {
                    scan.add(connection);
                }
            }
        }
        else if (target instanceof GatewayConnection connection && connection.id() == connectionId)
        {
            scan.add(connection);
        }
        for (int i = 0, n = scan.size(); i < n; i++)
        {
            final GatewayConnection connection = scan.get(i);
            try
            {
                connection.handler.onDisconnectedByServer(connection);
            }
            catch (final Throwable ex)
            {
                handlerError(connection, ex);
            }
        }
        scan.clear();
    }

    // ---------------------------------------------------------------- handler calls

    void callOpen(final GatewayConnection connection)
    {
        try
        {
            connection.handler.onOpen(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callData(final GatewayConnection connection, final ByteBuffer buffer)
    {
        try
        {
            connection.handler.onData(connection, buffer);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    private void callBound(final GatewayConnection connection)
    {
        try
        {
            connection.handler.onBound(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callMalformedInput(final GatewayConnection connection, final int code, final String message)
    {
        try
        {
            connection.handler.onMalformedInput(connection, code, message);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    private void callTimeout(final GatewayConnection connection)
    {
        if (null != connection.transport && connection.transport.isHandshaking())
        {
            connection.close(); // no upgrade request within the identify timeout
            return;
        }
        try
        {
            connection.handler.onTimeout(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    private void callResult(final GatewayConnection connection, final long tag, final Result result)
    {
        try
        {
            connection.handler.onResult(connection, tag, result);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callEvent(final GatewayConnection connection, final PresenceEvent presenceEvent)
    {
        try
        {
            connection.handler.onEvent(connection, presenceEvent);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callRefused(final GatewayConnection connection, final Refusal refusal)
    {
        try
        {
            connection.handler.onRefused(connection, refusal);
        }
        catch (final Throwable ex)
        {
            counters.increment(GatewayCounter.HANDLER_ERRORS);
            ctx.errorHandler().onError(ex);
        }
    }

    private void callShutdown(final GatewayConnection connection)
    {
        if (null != connection.transport)
        {
            if (connection.transport.isHandshaking())
            {
                return; // the handler never opened
            }
            connection.transport.closeCode(WebSocketFrames.CLOSE_GOING_AWAY);
        }
        try
        {
            connection.handler.onShutdown(connection);
        }
        catch (final Throwable ex)
        {
            counters.increment(GatewayCounter.HANDLER_ERRORS);
            ctx.errorHandler().onError(ex);
        }
    }

    private void callClose(final GatewayConnection connection)
    {
        if (null == connection.handler)
        {
            return;
        }
        try
        {
            connection.handler.onClose(connection);
        }
        catch (final Throwable ex)
        {
            counters.increment(GatewayCounter.HANDLER_ERRORS);
            ctx.errorHandler().onError(ex);
        }
    }

    void handlerError(final GatewayConnection connection, final Throwable ex)
    {
        counters.increment(GatewayCounter.HANDLER_ERRORS);
        ctx.errorHandler().onError(ex);
        closeNow(connection);
    }

    /**
     * Remove the first {@code count} entries, keeping those added meanwhile; a view (which
     * allocates) only when there are such entries.
     */
    private static void dropFirst(final List<GatewayConnection> list, final int count)
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

    private static void closeQuietly(final SocketChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // nothing to do
        }
    }

    /** Several endpoints of one user on this thread. */
    static final class EndpointList extends ArrayList<EventEndpoint>
    {
        private static final long serialVersionUID = 1L;
    }
}
