package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ServerFrameHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The engine of one {@link RollcallClient}: the connection life cycle (connect, {@code HELLO}, identify or
 * resume, heartbeats, drops and reconnects), the matching of answers to commands, and the hand-over of events to
 * the {@link EventHub}. Everything but the command methods, {@link #start()} and {@link #close()} runs on the
 * {@link IoLoop} thread.
 *
 * <pre>
 *  connect ──HELLO──► IDENTIFY ──READY──────► READY ──drop──► backoff ──► connect ──HELLO──► RESUME
 *                                                 ▲                                            │
 *                                                 └───────────── RESUMED (after replay) ◄──────┤
 *                       IDENTIFY ◄── INVALID_SESSION(false, or true twice) ◄──────────────────┘
 * </pre>
 */
final class Session implements ServerFrameHandler
{
    private enum Phase
    {
        IDLE, CONNECTING, AWAIT_HELLO, IDENTIFYING, RESUMING, READY
    }

    /** Guards {@link #state} changes, {@link #connection}, the outbound buffer and the registration of commands. */
    final Object lock = new Object();

    private final RollcallClient client;
    private final ClientConfig config;
    private final IoLoop loop;
    private final boolean ownsLoop;
    private final EventHub hub;
    private final BiConsumer<Session, Throwable> terminationHook;
    private final ConcurrentHashMap<Long, PendingRequest<?>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final CompletableFuture<RollcallClient> started = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final List<CompletableFuture<Void>> readyWaiters = new ArrayList<>();

    private volatile ConnectionState state = ConnectionState.NEW;
    private volatile long sessionId;
    private volatile long userId;
    private volatile long lastSeq;
    private volatile ServerHello hello;
    private volatile boolean startRequested;
    // guarded by lock (written on the loop thread)
    private Connection connection;
    // loop thread only
    private Phase phase = Phase.IDLE;
    private IoLoop.Timer connectTimer;
    private IoLoop.Timer handshakeTimer;
    private IoLoop.Timer heartbeatTimer;
    private IoLoop.Timer reconnectTimer;
    private boolean ackPending;
    private boolean pausedThisInterval;
    private boolean everReady;
    private boolean resumeRetried;
    private int attempt;
    /** Counts dropped connections: which node of a cluster to try next ({@link ClientConfig#node}). */
    private int nodeAttempt;

    Session(
        final RollcallClient client,
        final ClientConfig config,
        final IoLoop loop,
        final boolean ownsLoop,
        final EventHub hub,
        final BiConsumer<Session, Throwable> terminationHook)
    {
        this.client = client;
        this.config = config;
        this.loop = loop;
        this.ownsLoop = ownsLoop;
        this.hub = hub;
        this.terminationHook = terminationHook;
    }

    ClientConfig config()
    {
        return config;
    }

    ConnectionState state()
    {
        return state;
    }

    long sessionId()
    {
        return sessionId;
    }

    long userId()
    {
        return userId;
    }

    long lastSeq()
    {
        return lastSeq;
    }

    ServerHello hello()
    {
        return hello;
    }

    CompletableFuture<Void> terminated()
    {
        return terminated;
    }

    // ------------------------------------------------------------------------------------------------------------
    // life cycle

    CompletableFuture<RollcallClient> start()
    {
        synchronized (lock)
        {
            if (!startRequested)
            {
                startRequested = true;
                loop.execute(this::connectFirst);
            }
        }
        return started;
    }

    CompletableFuture<Void> whenReady()
    {
        synchronized (lock)
        {
            if (state == ConnectionState.READY && connection != null)
            {
                return CompletableFuture.completedFuture(null);
            }
            if (state.isTerminal())
            {
                return CompletableFuture.failedFuture(new NotConnectedException(state));
            }
            final CompletableFuture<Void> waiter = new CompletableFuture<>();
            readyWaiters.add(waiter);
            return waiter;
        }
    }

    void close()
    {
        if (loop.inLoop())
        {
            terminate(null);
            return;
        }
        if (state.isTerminal())
        {
            return;
        }
        loop.execute(() -> terminate(null));
        try
        {
            terminated.get(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ignored)
        {
            // closed by a failure, or the loop is stuck: nothing more to do
        }
    }

    /**
     * Drops the current connection (or skips the backoff wait) and reconnects now.
     *
     * @return completes at the next READY / RESUMED after the drop
     */
    CompletableFuture<Void> reconnectNow()
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        if (state.isTerminal())
        {
            return CompletableFuture.failedFuture(new NotConnectedException(state));
        }
        terminated.whenComplete((value, error) -> done.completeExceptionally(new NotConnectedException(state)));
        loop.execute(() ->
        {
            if (state.isTerminal())
            {
                return;
            }
            if (everReady && currentConnection() != null)
            {
                dropped(new RollcallException("reconnect requested by the application", null), 0);
            }
            else if (everReady && reconnectTimer != null)
            {
                cancel(reconnectTimer);
                reconnect();
            }
            whenReady().whenComplete((value, error) ->
            {
                if (error == null)
                {
                    done.complete(null);
                }
                else
                {
                    done.completeExceptionally(error);
                }
            });
        });
        return done;
    }

    private void connectFirst()
    {
        if (state != ConnectionState.NEW)
        {
            return;
        }
        setState(ConnectionState.CONNECTING);
        openConnection();
    }

    private void reconnect()
    {
        reconnectTimer = null;
        if (!state.isTerminal())
        {
            openConnection();
        }
    }

    private void openConnection()
    {
        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (config.receiveBufferSize() > 0)
            {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBufferSize());
            }
            final Connection opened = new Connection(this, loop, channel, this);
            synchronized (lock)
            {
                connection = opened;
            }
            phase = Phase.CONNECTING;
            final InetSocketAddress node = config.node(nodeAttempt);
            final boolean connected = channel.connect(new InetSocketAddress(node.getHostString(), node.getPort()));
            opened.register(connected);
            if (connected)
            {
                onConnected(opened);
            }
            else
            {
                connectTimer = loop.schedule(config.connectTimeoutNanos(), () -> connectionFailed(opened,
                    new SocketTimeoutException("connect to " + address() + " timed out after " +
                        TimeUnit.NANOSECONDS.toMillis(config.connectTimeoutNanos()) + " ms")));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignored)
                {
                    // failing anyway
                }
            }
            dropped(ex, -1);
        }
    }

    void onConnected(final Connection opened)
    {
        if (opened != currentConnection())
        {
            return;
        }
        cancel(connectTimer);
        connectTimer = null;
        phase = Phase.AWAIT_HELLO;
        armHandshakeTimer(opened);
    }

    private void armHandshakeTimer(final Connection opened)
    {
        handshakeTimer = loop.schedule(config.handshakeTimeoutNanos(), () ->
        {
            if (opened != currentConnection())
            {
                return;
            }
            if (opened.isReadPaused())
            {
                armHandshakeTimer(opened);
                return;
            }
            connectionFailed(opened, new SocketTimeoutException("no " +
                (phase == Phase.AWAIT_HELLO ? "HELLO" : phase == Phase.RESUMING ? "RESUMED" : "READY") + " from " +
                address() + " within " + TimeUnit.NANOSECONDS.toMillis(config.handshakeTimeoutNanos()) + " ms"));
        });
    }

    /**
     * The connection failed (read or write error, EOF, timeout, undecodable frame). Loop thread.
     *
     * @param failed the connection
     * @param cause  why
     */
    void connectionFailed(final Connection failed, final Throwable cause)
    {
        if (failed != currentConnection() || failed.isClosed())
        {
            return;
        }
        dropped(cause, -1);
    }

    /** Drops the current connection and schedules a reconnect ({@code delayNanos < 0}: the backoff's). */
    private void dropped(final Throwable cause, final long delayNanos)
    {
        if (state.isTerminal())
        {
            return;
        }
        if (!everReady && nodeAttempt >= config.otherNodes().size())
        {
            // never ready, and every node was tried
            terminate(cause);
            return;
        }
        closeConnection();
        if (delayNanos < 0)
        {
            // the connection failed or was lost: the next node of a cluster; a retry the protocol asked for
            // (a resumable INVALID_SESSION, the application's reconnect) stays on this node
            nodeAttempt++;
        }
        failPending(new ConnectionLostException("connection lost, outcome unknown: " + cause, cause));
        setState(ConnectionState.RECONNECTING);
        final long delay = delayNanos >= 0 ? delayNanos : config.backoff().delayNanos(attempt++);
        reconnectTimer = loop.schedule(delay, this::reconnect);
        notifyDisconnected(cause);
    }

    private void closeConnection()
    {
        cancel(connectTimer);
        cancel(handshakeTimer);
        cancel(heartbeatTimer);
        cancel(reconnectTimer);
        connectTimer = null;
        handshakeTimer = null;
        heartbeatTimer = null;
        reconnectTimer = null;
        phase = Phase.IDLE;
        final Connection closing;
        synchronized (lock)
        {
            closing = connection;
            connection = null;
        }
        if (closing != null)
        {
            closing.close();
        }
    }

    /**
     * Ends the session: {@link ConnectionState#CLOSED} when {@code cause} is null, else
     * {@link ConnectionState#FAILED}. Loop thread; idempotent.
     */
    private void terminate(final Throwable cause)
    {
        if (state.isTerminal())
        {
            return;
        }
        closeConnection();
        final ConnectionState end = cause == null ? ConnectionState.CLOSED : ConnectionState.FAILED;
        setState(end);
        failPending(new ConnectionLostException(
            cause == null ? "client closed, outcome unknown" : "client failed, outcome unknown: " + cause, cause));
        final List<CompletableFuture<Void>> waiters;
        synchronized (lock)
        {
            waiters = new ArrayList<>(readyWaiters);
            readyWaiters.clear();
        }
        hub.sourceDone(config.shardId(), cause);
        if (cause == null)
        {
            terminated.complete(null);
        }
        else
        {
            terminated.completeExceptionally(cause);
        }
        final Throwable notReady = cause == null ? new NotConnectedException(end) : cause;
        for (final CompletableFuture<Void> waiter : waiters)
        {
            waiter.completeExceptionally(notReady);
        }
        started.completeExceptionally(notReady);
        if (terminationHook != null)
        {
            terminationHook.accept(this, cause);
        }
        if (ownsLoop)
        {
            loop.shutdown();
        }
    }

    private Connection currentConnection()
    {
        synchronized (lock)
        {
            return connection;
        }
    }

    private void setState(final ConnectionState next)
    {
        final ConnectionState previous;
        synchronized (lock)
        {
            previous = state;
            if (previous == next)
            {
                return;
            }
            state = next;
        }
        try
        {
            config.listener().onStateChanged(client, previous, next);
        }
        catch (final RuntimeException ex)
        {
            report(ex);
        }
    }

    private void notifyDisconnected(final Throwable cause)
    {
        try
        {
            config.listener().onDisconnected(client, cause);
        }
        catch (final RuntimeException ex)
        {
            report(ex);
        }
    }

    private void failPending(final Throwable cause)
    {
        for (final PendingRequest<?> request : pending.values())
        {
            if (pending.remove(request.requestId, request))
            {
                request.fail(cause);
            }
        }
    }

    private String address()
    {
        final InetSocketAddress node = config.node(nodeAttempt);
        return node.getHostString() + ":" + node.getPort();
    }

    private static void cancel(final IoLoop.Timer timer)
    {
        if (timer != null)
        {
            timer.cancel();
        }
    }

    private static void report(final Throwable ex)
    {
        final Thread current = Thread.currentThread();
        current.getUncaughtExceptionHandler().uncaughtException(current, ex);
    }

    // ------------------------------------------------------------------------------------------------------------
    // events and backpressure (loop thread)

    boolean canPublish()
    {
        return hub.hasSpace();
    }

    void onReadPaused()
    {
        pausedThisInterval = true;
    }

    void awaitSpace(final Runnable waiter)
    {
        hub.awaitSpace(waiter);
    }

    // ------------------------------------------------------------------------------------------------------------
    // heartbeats (loop thread)

    private void startHeartbeats(final Connection current)
    {
        final long interval = hello.heartbeatIntervalMs();
        if (interval <= 0)
        {
            return;
        }
        ackPending = false;
        pausedThisInterval = false;
        final long first = config.heartbeatJitter() ? (long)(interval * ThreadLocalRandom.current().nextDouble()) : interval;
        heartbeatTimer = loop.schedule(TimeUnit.MILLISECONDS.toNanos(first), () -> heartbeat(current));
    }

    private void heartbeat(final Connection current)
    {
        if (current != currentConnection() || phase != Phase.READY)
        {
            return;
        }
        final long interval = hello.heartbeatIntervalMs();
        if (ackPending && !pausedThisInterval && !current.isReadPaused())
        {
            connectionFailed(current, new SocketTimeoutException(
                "no HEARTBEAT_ACK from " + address() + " within " + interval + " ms: server considered dead"));
            return;
        }
        final long seq = lastSeq;
        if (!sendControl(current, writer -> writer.heartbeat(seq)))
        {
            return;
        }
        ackPending = true;
        pausedThisInterval = current.isReadPaused();
        heartbeatTimer = loop.schedule(TimeUnit.MILLISECONDS.toNanos(interval), () -> heartbeat(current));
    }

    /** Sends a frame of the connection's life cycle (no maxFrameSize check); false when the connection failed. */
    private boolean sendControl(final Connection current, final Connection.FrameEncoder encoder)
    {
        try
        {
            synchronized (lock)
            {
                current.append(encoder, 0);
                current.flush();
            }
            return true;
        }
        catch (final IOException | RollcallException ex)
        {
            connectionFailed(current, ex);
            return false;
        }
        catch (final IllegalArgumentException ex)
        {
            terminate(new RollcallException("cannot encode a frame: " + ex.getMessage(), ex));
            return false;
        }
    }

    private boolean sendIdentify(final Connection current)
    {
        phase = Phase.IDENTIFYING;
        final Changes presence = config.presence();
        final boolean sharded = config.shardId() >= 0;
        return sendControl(current, writer -> writer.identify(
            Protocol.VERSION, config.token(), presence, sharded, config.shardId(), config.shardCount()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // commands (any thread)

    long nextRequestId()
    {
        while (true)
        {
            final long id = requestIds.incrementAndGet() & 0xFFFF_FFFFL;
            if (id != 0 && !pending.containsKey(id))
            {
                return id;
            }
        }
    }

    /**
     * Sends a command and registers it for its answer.
     *
     * @throws IllegalArgumentException when the frame cannot be encoded or exceeds the server's maxFrameSize
     */
    <T> CompletableFuture<T> send(final PendingRequest<T> request, final Connection.FrameEncoder encoder)
    {
        Connection current = null;
        IOException failure = null;
        synchronized (lock)
        {
            final ConnectionState now = state;
            current = connection;
            if (now != ConnectionState.READY || current == null)
            {
                return CompletableFuture.failedFuture(new NotConnectedException(now));
            }
            pending.put(request.requestId, request);
            try
            {
                current.append(encoder, hello.maxFrameSize());
                current.flush();
            }
            catch (final IllegalArgumentException ex)
            {
                pending.remove(request.requestId);
                throw ex;
            }
            catch (final RollcallException ex)
            {
                pending.remove(request.requestId);
                return CompletableFuture.failedFuture(ex);
            }
            catch (final IOException ex)
            {
                failure = ex;
            }
        }
        if (failure != null)
        {
            final Connection failed = current;
            final IOException cause = failure;
            loop.execute(() -> connectionFailed(failed, cause));
        }
        final CompletableFuture<T> future = request.future;
        if (config.requestTimeoutNanos() > 0)
        {
            future.orTimeout(config.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
        future.whenComplete((value, error) -> pending.remove(request.requestId, request));
        return future;
    }

    // ------------------------------------------------------------------------------------------------------------
    // ServerFrameHandler (loop thread, while the current connection decodes)

    @Override
    public void onHello(
        final int protocolVersion,
        final int heartbeatIntervalMs,
        final int maxFrameSize,
        final int rateLimitCommands,
        final int rateLimitWindowMs,
        final int identifyTimeoutMs)
    {
        final Connection current = currentConnection();
        if (phase != Phase.AWAIT_HELLO)
        {
            violation(current, "HELLO");
            return;
        }
        hello = new ServerHello(protocolVersion, Integer.toUnsignedLong(heartbeatIntervalMs),
            Integer.toUnsignedLong(maxFrameSize), Integer.toUnsignedLong(rateLimitCommands),
            Integer.toUnsignedLong(rateLimitWindowMs), Integer.toUnsignedLong(identifyTimeoutMs));
        final long resumeId = sessionId;
        if (resumeId != 0)
        {
            phase = Phase.RESUMING;
            final long seq = lastSeq;
            sendControl(current, writer -> writer.resume(config.token(), resumeId, seq));
        }
        else
        {
            sendIdentify(current);
        }
    }

    @Override
    public void onReady(final long sessionId, final long userId, final long seq)
    {
        final Connection current = currentConnection();
        if (phase != Phase.IDENTIFYING)
        {
            violation(current, "READY");
            return;
        }
        this.sessionId = sessionId;
        this.userId = userId;
        this.lastSeq = seq;
        becomeReady(current, false);
    }

    @Override
    public void onResumed(final long seq)
    {
        final Connection current = currentConnection();
        if (phase != Phase.RESUMING)
        {
            violation(current, "RESUMED");
            return;
        }
        becomeReady(current, true);
    }

    private void becomeReady(final Connection current, final boolean resumed)
    {
        cancel(handshakeTimer);
        handshakeTimer = null;
        phase = Phase.READY;
        attempt = 0;
        resumeRetried = false;
        final boolean first = !everReady;
        everReady = true;
        setState(ConnectionState.READY);
        startHeartbeats(current);
        try
        {
            config.listener().onReady(client, sessionId, resumed);
        }
        catch (final RuntimeException ex)
        {
            report(ex);
        }
        final List<CompletableFuture<Void>> waiters;
        synchronized (lock)
        {
            waiters = new ArrayList<>(readyWaiters);
            readyWaiters.clear();
        }
        for (final CompletableFuture<Void> waiter : waiters)
        {
            waiter.complete(null);
        }
        if (first)
        {
            started.complete(client);
        }
    }

    @Override
    public void onInvalidSession(final boolean resumable)
    {
        final Connection current = currentConnection();
        if (phase != Phase.RESUMING)
        {
            violation(current, "INVALID_SESSION");
            return;
        }
        if (resumable && !resumeRetried)
        {
            resumeRetried = true;
            dropped(new RollcallException("INVALID_SESSION(resumable): session " + sessionId +
                " still attached to another connection; resuming again", null), config.resumeRetryDelayNanos());
            return;
        }
        sessionId = 0;
        lastSeq = 0;
        sendIdentify(current);
    }

    @Override
    public void onHeartbeatAck(final long seq)
    {
        ackPending = false;
    }

    @Override
    public void onDispatch(
        final long seq,
        final EventType type,
        final long userId,
        final long updateId,
        final long lobbyId,
        final long time,
        final String reason,
        final Changes changes)
    {
        if (phase != Phase.READY && phase != Phase.RESUMING)
        {
            violation(currentConnection(), "DISPATCH");
            return;
        }
        if (seq <= lastSeq)
        {
            return;
        }
        lastSeq = seq;
        hub.publish(new PresenceDispatch(seq, type, userId, updateId, lobbyId, time, reason, changes, config.shardId()));
    }

    @Override
    public void onResult(final long requestId, final Result result)
    {
        final PendingRequest<?> request = pending.remove(requestId);
        if (request != null)
        {
            request.onResult(result);
        }
    }

    @Override
    public void onClients(final long requestId, final ClientView[] clients, final int count)
    {
        final PendingRequest<?> request = pending.remove(requestId);
        if (request != null)
        {
            request.onClients(clients, count);
        }
    }

    @Override
    public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
    {
        final PendingRequest<?> request = pending.remove(requestId);
        if (request != null)
        {
            request.onClientIds(nextCursor, ids, count);
        }
    }

    @Override
    public void onStats(
        final long requestId,
        final long nowMs,
        final long gracePeriodMs,
        final String[] names,
        final long[] values,
        final int count)
    {
        final PendingRequest<?> request = pending.remove(requestId);
        if (request != null)
        {
            request.onStats(nowMs, gracePeriodMs, names, values, count);
        }
    }

    @Override
    public void onError(final long requestId, final int code, final String message)
    {
        final RollcallException error = new RollcallException(code, message);
        final PendingRequest<?> request = requestId == 0 ? null : pending.remove(requestId);
        if (request != null)
        {
            request.fail(error);
            return;
        }
        try
        {
            config.listener().onServerError(client, error);
        }
        catch (final RuntimeException ex)
        {
            report(ex);
        }
    }

    @Override
    public void onClose(final int code, final String message)
    {
        final RollcallException cause = new RollcallException(code, message);
        switch (CloseAction.of(code))
        {
            case FATAL -> terminate(cause);
            case IDENTIFY ->
            {
                if (everReady)
                {
                    sessionId = 0;
                    lastSeq = 0;
                }
                dropped(cause, -1);
            }
            default -> dropped(cause, -1);
        }
    }

    private void violation(final Connection current, final String frame)
    {
        connectionFailed(current, new RollcallException(
            "protocol violation: unexpected " + frame + " from " + address() + " in phase " + phase, null));
    }
}
