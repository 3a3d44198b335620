package dev.rollcall.bench.loadgen;

import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One selector thread of the load generator, driving its share of the connections through
 * connect → HELLO → IDENTIFY → READY (→ SUBSCRIBE for watchers), then updates until the end of
 * the run, heartbeats throughout, then closes them all.
 * <pre>
 *   loop: read the clock and the phase
 *         open connections (paced by --identify-rate, at most a few hundred connecting at once)
 *         rate mode: send the updates due since the last loop, round robin over the connections
 *         every 100 ms: heartbeats due, refill windows stalled by the rate-limit budget
 *         select (until the next thing due), then per ready connection: read everything, decode
 *         each frame (RESULT → latency, next update; DISPATCH → delivery latency), and write what
 *         the frames caused in one write
 * </pre>
 * Each update (group FULL) carries a stamp, {@code System.nanoTime()} at sending minus the run's
 * origin (strictly increasing per connection): as {@code partyId}, which the user's subscribers
 * get in CLIENT_UPDATED, and as {@code sync} (low half) + {@code teamColour} (high half and a
 * parity bit), which its lobby's subscribers get in LOBBY_CLIENT_CHANGE. A watcher's delivery
 * latency is its {@code nanoTime()} on decoding the DISPATCH minus the origin minus the stamp.
 * <p>
 * Against Redis ({@link LoadTarget#REDIS}) the same loop, phases, windows, pacing and buffers: a command
 * connection sends its handshake on connecting ({@code SCRIPT LOAD} or {@code PING}; the reply makes it
 * ready), then one {@link RedisWorkload} command per update, answered in order (so the oldest update in
 * flight is the one a reply matches); a watcher connection sends {@code SUBSCRIBE} and is ready when every
 * channel is confirmed. Replies are decoded by one {@link RespDecoder} over the same read buffer; the value of
 * each message carries the stamp ({@link RedisPublisher}). No heartbeats, no rate limit.
 * <p>
 * Over WebSocket ({@link LoadTransport#WS_BINARY}, {@link LoadTransport#WS_JSON}) the same loop, phases and
 * commands: a connection first sends the upgrade request and waits for its 101 (then HELLO as over TCP); each
 * command is one masked message ({@link WebSocketClient}): the binary frame {@link dev.rollcall.protocol.FrameWriter}
 * writes, or the JSON message {@link JsonCommands} writes with the same fields. The server's frames are stripped of
 * their headers in the read buffer; binary payloads go through the same frame decoding as over TCP, each JSON
 * message through {@link JsonServerMessages}, which calls the same handler methods. Pings are answered; a close frame
 * ends the connection as the end of the stream does over TCP. The WebSocket framing and the JSON codec allocate
 * nothing per message (the upgrade allocates, once per connection).
 * <p>
 * Buffers are the thread's (one read buffer, one decoder, one {@link Outbox} staging writes);
 * a connection gets its own only for bytes the socket would not take or a frame cut in two.
 * Latencies are recorded in nanoseconds.
 */
final class LoadWorker implements Runnable, ServerFrameHandler, WebSocketClient.Listener
{
    /** Largest server frame accepted (we never ask for CLIENTS). */
    static final int MAX_SERVER_FRAME_BYTES = 64 * 1024;
    /** Histograms track up to an hour, 3 significant digits; larger values are clamped. */
    static final long HISTOGRAM_MAX_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int PENDING_CONNECTS_TOTAL = 512;
    private static final int IN_BUFFER_BYTES = 256 * 1024;
    private static final int MAX_READS_PER_EVENT = 8;
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MIN_HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long RATE_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long BACKLOG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String REASON = "";

    final LoadStats stats = new LoadStats();
    final Histogram identifyLatency = new Histogram(1, HISTOGRAM_MAX_NANOS, 3);
    final Histogram resultLatency = new Histogram(1, HISTOGRAM_MAX_NANOS, 3);
    final Histogram deliveryLatency = new Histogram(1, HISTOGRAM_MAX_NANOS, 3);
    /** Counters when the measured part started and ended (null until then). */
    LoadStats measuredStart;
    LoadStats measuredEnd;
    /** The first HELLO (null if none came). */
    ServerHello hello;
    /** Budget from the first HELLO (null if none came). */
    CommandBudget budget;
    /** Connections ready when this worker signalled the end of its connect phase. */
    volatile int readyAtConnected;
    /** Set when the loop died of an unexpected exception. */
    Throwable failure;

    private final int index;
    private final LoadSettings settings;
    private final RunControl control;
    private final LoadConnection[] connections;
    private final HmacTokens tokens;
    private final long tokenExpiresAtMs;
    private final InetSocketAddress[] remotes;
    private final InetSocketAddress[] sources;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(IN_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final Outbox outbox;
    private final ServerFrameAdapter adapter = new ServerFrameAdapter(this);
    private final UnsafeBuffer inBuffer = new UnsafeBuffer(in);
    private final RespDecoder reply = new RespDecoder(MAX_SERVER_FRAME_BYTES);
    private final RedisPublisher redisPublisher = new RedisPublisher();
    private final byte[] scriptSha = new byte[RedisPublisher.SHA_LENGTH];
    private final Changes presence = new Changes();
    private final TokenWheel tokenWheel = new TokenWheel();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final SplittableRandom random;
    private final double identifiesPerNano;
    private final double updatesPerNano;
    private final int pendingCap;
    private final boolean redis;
    private final RedisWorkload redisWorkload;
    /** Null over TCP. */
    private final WebSocketClient webSocket;
    /** Null unless {@link LoadTransport#WS_JSON}. */
    private final JsonCommands jsonCommands;
    /** Null unless {@link LoadTransport#WS_JSON}. */
    private final JsonServerMessages jsonMessages;

    private long now;
    private LoadConnection current;
    private int opened;
    private int pending;
    private int settledCount;
    private boolean connectSignalled;
    private long connectStartNanos;
    private long connectDeadlineNanos;
    private long housekeepingNanos = HOUSEKEEPING_NANOS;
    private long nextHousekeepingNanos;
    private boolean updating;
    private boolean measuring;
    private boolean sending;
    private boolean finished;
    private long updatesStartNanos;
    private long warmupEndNanos;
    private long measureEndNanos;
    private long drainEndNanos;
    private long inFlightTotal;
    private long updatesScheduled;
    private boolean windowsOpened;
    private int cursor;

    LoadWorker(final int index, final LoadSettings settings, final RunControl control, final LoadConnection[] connections,
        final HmacTokens tokens, final long tokenExpiresAtMs, final InetSocketAddress[] remotes,
        final InetSocketAddress[] sources, final int workers) throws IOException
    {
        this.index = index;
        this.settings = settings;
        this.control = control;
        this.connections = connections;
        this.tokens = tokens;
        this.tokenExpiresAtMs = tokenExpiresAtMs;
        this.remotes = remotes;
        this.sources = sources;
        this.random = new SplittableRandom(settings.seed() + 31L * index);
        this.identifiesPerNano = settings.identifyRate() / workers / 1e9;
        this.updatesPerNano = settings.updateRate() / workers / 1e9;
        this.pendingCap = Math.max(8, PENDING_CONNECTS_TOTAL / workers);
        this.redis = settings.redis();
        this.redisWorkload = settings.redisWorkload();
        final LoadTransport transport = settings.transport();
        this.outbox = new Outbox(stats, this::writeFailed,
            transport.isWebSocket() ? Outbox.MESSAGE_ROOM : Outbox.FRAME_ROOM);
        this.webSocket = transport.isWebSocket() ?
            new WebSocketClient(transport, hostHeader(remotes[0]), new SecureRandom().nextLong()) : null;
        this.jsonCommands = transport.isJson() ? new JsonCommands() : null;
        this.jsonMessages = transport.isJson() ? new JsonServerMessages() : null;
        this.selector = Selector.open();
    }

    /** @return the {@code Host} header naming the server's address and port. */
    static String hostHeader(final InetSocketAddress remote)
    {
        final InetAddress address = remote.getAddress();
        final String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" :
            address.getHostAddress();
        return host + ":" + remote.getPort();
    }

    /** Wake the thread from {@code select} (e.g. the update phase started). */
    void wakeup()
    {
        selector.wakeup();
    }

    /** @return the thread's name. */
    String name()
    {
        return "rollcall-loadgen-" + index;
    }

    @Override
    public void run()
    {
        try
        {
            loop();
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        finally
        {
            closeAll();
            if (!connectSignalled)
            {
                signalConnected();
            }
            closeSelector();
        }
    }

    /** Close the selector (the thread's last act; or instead of running, when the run cannot start). */
    void closeSelector()
    {
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // closing
        }
    }

    private void loop() throws IOException
    {
        connectStartNanos = System.nanoTime();
        connectDeadlineNanos = connectStartNanos + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMs());
        nextHousekeepingNanos = connectStartNanos + housekeepingNanos;
        while (true)
        {
            now = System.nanoTime();
            if (control.abort)
            {
                return;
            }
            if (!connectSignalled)
            {
                openConnections();
                if (now - connectDeadlineNanos >= 0)
                {
                    failUnsettled("not ready within the connect timeout");
                }
                if (settledCount == connections.length)
                {
                    signalConnected();
                }
            }
            phases();
            if (finished)
            {
                return;
            }
            if (sending && !settings.rateMode())
            {
                LoadConnection due;
                while (null != (due = tokenWheel.poll(now)))
                {
                    fill(due);
                }
            }
            if (sending && updatesPerNano > 0)
            {
                sendDueUpdates();
            }
            if (now - nextHousekeepingNanos >= 0)
            {
                housekeeping();
                nextHousekeepingNanos = now + housekeepingNanos;
            }
            outbox.flush();
            final long waitNanos = nextWakeup() - now;
            if (waitNanos <= 0)
            {
                selector.selectNow(onKey);
            }
            else
            {
                selector.select(onKey, Math.max(1, (waitNanos + 999_999) / 1_000_000));
            }
            outbox.flush();
        }
    }

    private void phases()
    {
        if (!updating)
        {
            final long start = control.updatesStartNanos;
            if (Long.MAX_VALUE == start || now - start < 0)
            {
                return;
            }
            updating = true;
            sending = true;
            updatesStartNanos = start;
            warmupEndNanos = start + TimeUnit.MILLISECONDS.toNanos(settings.warmupMs());
            measureEndNanos = warmupEndNanos + TimeUnit.MILLISECONDS.toNanos(settings.durationMs());
            drainEndNanos = measureEndNanos + TimeUnit.MILLISECONDS.toNanos(settings.drainMs());
        }
        if (!measuring && now - warmupEndNanos >= 0)
        {
            resultLatency.reset();
            deliveryLatency.reset();
            measuredStart = stats.copy();
            measuring = true;
        }
        if (sending && !windowsOpened && !settings.rateMode())
        {
            windowsOpened = true;
            for (final LoadConnection c : connections)
            {
                fill(c);
            }
        }
        if (measuring && sending && now - measureEndNanos >= 0)
        {
            measuredEnd = stats.copy();
            sending = false;
        }
        if (!sending && (0 == inFlightTotal || now - drainEndNanos >= 0))
        {
            finished = true;
        }
    }

    private long nextWakeup()
    {
        long wake = nextHousekeepingNanos;
        if (!connectSignalled)
        {
            wake = Math.min(wake, connectDeadlineNanos);
            if (identifiesPerNano > 0 && opened < connections.length && pending < pendingCap)
            {
                wake = Math.min(wake, connectStartNanos + (long)(opened / identifiesPerNano));
            }
        }
        if (updating)
        {
            if (!measuring)
            {
                wake = Math.min(wake, warmupEndNanos);
            }
            if (sending)
            {
                wake = Math.min(wake, measureEndNanos);
                if (tokenWheel.size() > 0)
                {
                    wake = Math.min(wake, now + RATE_TICK_NANOS);
                }
                if (updatesPerNano > 0)
                {
                    final long due = updatesStartNanos + (long)((updatesScheduled + 1) / updatesPerNano);
                    wake = Math.min(wake, Math.max(due, now + RATE_TICK_NANOS));
                }
            }
            else
            {
                wake = Math.min(wake, drainEndNanos);
            }
        }
        return wake;
    }

    // ---- connect phase ------------------------------------------------------------------------------------------

    private void openConnections()
    {
        while (opened < connections.length && pending < pendingCap)
        {
            if (identifiesPerNano > 0 && opened >= (long)((now - connectStartNanos) * identifiesPerNano) + 1)
            {
                return;
            }
            open(connections[opened++]);
        }
    }

    private void open(final LoadConnection c)
    {
        pending++;
        c.opened = true;
        try
        {
            final SocketChannel channel = SocketChannel.open();
            c.channel = channel;
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (null != sources)
            {
                channel.bind(sources[c.index % sources.length]);
            }
            if (channel.connect(remotes[c.index % remotes.length]))
            {
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
                connected(c);
            }
            else
            {
                c.state = LoadConnection.CONNECTING;
                c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
        }
        catch (final IOException ex)
        {
            ended(c, "connect failed: " + describe(ex));
        }
    }

    /**
     * The socket is connected: Rollcall speaks first (HELLO; over WebSocket after the upgrade the connection asks
     * for); to Redis the connection sends its handshake.
     */
    private void connected(final LoadConnection c)
    {
        if (null != webSocket)
        {
            c.state = LoadConnection.UPGRADING;
            webSocket.handshake(c, outbox.bufferFor(c));
            return;
        }
        if (!redis)
        {
            c.state = LoadConnection.AWAIT_HELLO;
            return;
        }
        c.state = LoadConnection.IDENTIFYING;
        c.identifySentNanos = now;
        stats.identifiesSent++;
        if (c.subscriberOnly)
        {
            final long[] channels = c.watchedUsers;
            for (int from = 0; from < channels.length; from += RedisPublisher.CHANNELS_PER_SUBSCRIBE)
            {
                redisPublisher.subscribe(outbox.bufferFor(c), channels, from,
                    Math.min(channels.length, from + RedisPublisher.CHANNELS_PER_SUBSCRIBE));
            }
            stats.subscribesSent++;
        }
        else
        {
            redisPublisher.handshake(outbox.bufferFor(c), redisWorkload);
        }
    }

    /**
     * The connection is ready for updates (Rollcall: READY; Redis: the handshake answered, or every channel
     * confirmed).
     */
    private void ready(final LoadConnection c)
    {
        c.state = LoadConnection.READY;
        c.wasReady = true;
        settle(c);
        stats.connectionsOk++;
        record(identifyLatency, now - c.identifySentNanos);
    }

    private void settle(final LoadConnection c)
    {
        if (!c.settled)
        {
            c.settled = true;
            settledCount++;
            if (c.opened)
            {
                pending--;
            }
        }
    }

    private void failUnsettled(final String reason)
    {
        for (final LoadConnection c : connections)
        {
            if (!c.settled)
            {
                ended(c, reason);
            }
        }
        opened = connections.length;
    }

    private void signalConnected()
    {
        connectSignalled = true;
        readyAtConnected = (int)stats.connectionsOk;
        control.connected.countDown();
    }

    // ---- updates ------------------------------------------------------------------------------------------------

    private void fill(final LoadConnection c)
    {
        while (trySendUpdate(c))
        {
            // until the window, the budget or the socket says stop
        }
    }

    private boolean trySendUpdate(final LoadConnection c)
    {
        if (c.state != LoadConnection.READY || c.inFlight >= settings.window() || c.hasPendingOut() ||
            c.subscriberOnly)
        {
            return false;
        }
        if (!c.takeToken(now))
        {
            if (!settings.rateMode())
            {
                final long due = c.tokenDueNanos();
                if (Long.MAX_VALUE != due)
                {
                    tokenWheel.add(c, now, due);
                }
            }
            return false;
        }
        final long id = c.nextRequestId();
        final int slot = (int)(id & c.ringMask);
        c.ringIds[slot] = id;
        c.ringNanos[slot] = now;
        c.inFlight++;
        inFlightTotal++;
        long stamp = now - control.originNanos;
        if (stamp <= c.lastStamp)
        {
            stamp = c.lastStamp + 1;
        }
        c.lastStamp = stamp;
        if (redis)
        {
            redisPublisher.update(outbox.bufferFor(c), redisWorkload, scriptSha, c.userId, stamp);
        }
        else
        {
            presence.clear();
            presence.partyId(stamp).sync((int)stamp).teamColour(teamColour(stamp, c.nextParity()));
            final ByteBuffer out = outbox.bufferFor(c);
            final int at = beginMessage(out);
            if (null != jsonCommands)
            {
                jsonCommands.update(out, id, Protocol.GROUP_FULL, REASON, presence);
            }
            else
            {
                outbox.writer().update(id, Protocol.GROUP_FULL, REASON, presence);
            }
            endMessage(c, out, at);
        }
        stats.updatesSent++;
        return true;
    }

    private void sendDueUpdates()
    {
        final long target = (long)((now - updatesStartNanos) * updatesPerNano);
        long due = target - updatesScheduled;
        if (due <= 0)
        {
            return;
        }
        final long maxBacklog = Math.max(1, (long)(BACKLOG_NANOS * updatesPerNano));
        if (due > maxBacklog)
        {
            stats.updatesSkipped += due - maxBacklog;
            updatesScheduled += due - maxBacklog;
            due = maxBacklog;
        }
        final int n = connections.length;
        if (0 == n)
        {
            return;
        }
        long attempts = n + due;
        while (due > 0 && attempts-- > 0)
        {
            final LoadConnection c = connections[cursor];
            cursor = cursor + 1 == n ? 0 : cursor + 1;
            if (trySendUpdate(c))
            {
                due--;
                updatesScheduled++;
            }
        }
        if (due > 0)
        {
            stats.updatesSkipped += due;
            updatesScheduled += due;
        }
    }

    private void housekeeping()
    {
        for (final LoadConnection c : connections)
        {
            if (c.state != LoadConnection.READY)
            {
                continue;
            }
            if (!redis && now - c.nextHeartbeatNanos >= 0)
            {
                final ByteBuffer out = outbox.bufferFor(c);
                final int at = beginMessage(out);
                if (null != jsonCommands)
                {
                    jsonCommands.heartbeat(out, c.lastSeq);
                }
                else
                {
                    outbox.writer().heartbeat(c.lastSeq);
                }
                endMessage(c, out, at);
                stats.heartbeatsSent++;
                c.nextHeartbeatNanos = now + jitter(c.heartbeatIntervalNanos);
            }
            if (sending && !settings.rateMode())
            {
                fill(c);
            }
        }
    }

    /**
     * Over WebSocket, start a message for a command: room for its header.
     *
     * @param out the connection's staged bytes ({@link Outbox#bufferFor}).
     * @return where the message starts, or -1 over TCP.
     */
    private int beginMessage(final ByteBuffer out)
    {
        return null == webSocket ? -1 : webSocket.begin(out);
    }

    /** Over WebSocket, end the message {@link #beginMessage} started: its header, the payload masked. */
    private void endMessage(final LoadConnection c, final ByteBuffer out, final int at)
    {
        if (null != webSocket)
        {
            webSocket.end(c, out, at);
        }
    }

    /** @return 70..90 % of the interval: a heartbeat well before the server's deadline, spread out. */
    private long jitter(final long intervalNanos)
    {
        return (long)(intervalNanos * (0.7 + 0.2 * random.nextDouble()));
    }

    // ---- I/O ----------------------------------------------------------------------------------------------------

    private void onKey(final SelectionKey key)
    {
        final LoadConnection c = (LoadConnection)key.attachment();
        now = System.nanoTime();
        if (!key.isValid() || c.state == LoadConnection.CLOSED)
        {
            return;
        }
        final int ready = key.readyOps();
        if (0 != (ready & SelectionKey.OP_CONNECT))
        {
            finishConnect(c);
        }
        if (0 != (ready & SelectionKey.OP_WRITE) && c.state != LoadConnection.CLOSED)
        {
            outbox.writePending(c);
            if (!c.hasPendingOut() && sending && !settings.rateMode())
            {
                fill(c);
            }
        }
        if (0 != (ready & SelectionKey.OP_READ) && c.state != LoadConnection.CLOSED)
        {
            read(c);
        }
        outbox.flush();
    }

    private void finishConnect(final LoadConnection c)
    {
        try
        {
            if (c.channel.finishConnect())
            {
                c.key.interestOps(SelectionKey.OP_READ);
                connected(c);
            }
        }
        catch (final IOException ex)
        {
            ended(c, "connect failed: " + describe(ex));
        }
    }

    private void read(final LoadConnection c)
    {
        for (int i = 0; i < MAX_READS_PER_EVENT; i++)
        {
            in.clear();
            if (null != c.partialIn && c.partialIn.position() > 0)
            {
                c.partialIn.flip();
                in.put(c.partialIn);
                c.partialIn.clear();
            }
            final int n;
            try
            {
                n = c.channel.read(in);
            }
            catch (final IOException ex)
            {
                ended(c, "read failed: " + describe(ex));
                return;
            }
            if (n < 0)
            {
                ended(c, redis ? "closed by the server" : c.state == LoadConnection.UPGRADING ?
                    "closed by the server during the WebSocket upgrade" : "closed by the server without CLOSE");
                return;
            }
            stats.bytesReceived += n;
            // the clock after the read: a stamp sent after an earlier reading of it would time negative
            now = System.nanoTime();
            final boolean full = !in.hasRemaining();
            in.flip();
            current = c;
            try
            {
                if (redis)
                {
                    if (!decodeReplies(c))
                    {
                        return;
                    }
                }
                else if (null != webSocket)
                {
                    if (!decodeWebSocket(c))
                    {
                        return;
                    }
                }
                else
                {
                    int length;
                    while (c.state != LoadConnection.CLOSED &&
                        (length = FrameSplitter.nextFrame(in, MAX_SERVER_FRAME_BYTES)) > 0)
                    {
                        adapter.decode(in, length);
                    }
                }
            }
            catch (final ProtocolException ex)
            {
                stats.protocolErrors++;
                ended(c, "undecodable frame from the server: " + ex.code() + " " + ex.getMessage());
                return;
            }
            finally
            {
                current = null;
            }
            if (c.state == LoadConnection.CLOSED)
            {
                return;
            }
            if (in.hasRemaining())
            {
                c.keepPartialIn(in);
            }
            if (!full)
            {
                return;
            }
        }
    }

    /**
     * Over WebSocket: check the upgrade's answer, then strip the frames' headers and decode what they carry (binary:
     * the protocol's frames; JSON: each message, as it completes, in {@link #onText}). What is left (a partial
     * protocol frame or message, then the raw bytes of a partial WebSocket frame) stays between the position and the
     * limit, for the caller to keep.
     *
     * @return false when the connection ended.
     */
    private boolean decodeWebSocket(final LoadConnection c) throws ProtocolException
    {
        if (c.state == LoadConnection.UPGRADING)
        {
            final int upgraded = webSocket.upgrade(c, in);
            if (WebSocketClient.FAILED == upgraded)
            {
                ended(c, webSocket.failure());
                return false;
            }
            if (WebSocketClient.NEED_MORE == upgraded)
            {
                return true;
            }
            c.state = LoadConnection.AWAIT_HELLO;
        }
        final int stripped = webSocket.deframe(c, in, this);
        if (c.state == LoadConnection.CLOSED)
        {
            return false;
        }
        if (WebSocketClient.FAILED == stripped)
        {
            stats.protocolErrors++;
            ended(c, webSocket.failure());
            return false;
        }
        if (null == jsonCommands)
        {
            final int limit = in.limit();
            in.limit(stripped);
            int length;
            while (c.state != LoadConnection.CLOSED &&
                (length = FrameSplitter.nextFrame(in, MAX_SERVER_FRAME_BYTES)) > 0)
            {
                adapter.decode(in, length);
            }
            if (c.state == LoadConnection.CLOSED)
            {
                return false;
            }
            in.limit(limit);
        }
        c.webSocketStripped = stripped - in.position();
        if (c.webSocketCloseReceived)
        {
            stats.close(c.webSocketCloseCode);
            ended(c, "closed by the server: WebSocket close " + c.webSocketCloseCode + " without CLOSE");
            return false;
        }
        return true;
    }

    @Override
    public boolean onText(final LoadConnection c, final ByteBuffer buffer, final int from, final int to)
        throws ProtocolException
    {
        jsonMessages.read(buffer, from, to, this);
        return c.state != LoadConnection.CLOSED;
    }

    @Override
    public void onPing(final LoadConnection c, final ByteBuffer buffer, final int from, final int length)
    {
        webSocket.control(c, outbox.bufferFor(c), WebSocketClient.OPCODE_PONG, buffer, from, length);
    }

    /**
     * The connection is over (failed, closed by the server, or a read or write failed): close it and count it as
     * failed (not ready yet) or lost (was ready).
     */
    private void ended(final LoadConnection c, final String reason)
    {
        if (c.state == LoadConnection.CLOSED)
        {
            return;
        }
        final boolean wasReady = c.state == LoadConnection.READY;
        settle(c);
        closeChannel(c);
        if (wasReady)
        {
            stats.connectionsLost++;
            stats.updatesLost += c.inFlight;
            inFlightTotal -= c.inFlight;
            c.inFlight = 0;
            stats.failure("lost: " + reason);
        }
        else
        {
            stats.connectionsFailed++;
            stats.failure(reason);
        }
    }

    private void writeFailed(final LoadConnection c, final IOException ex)
    {
        ended(c, "write failed: " + describe(ex));
    }

    private void closeChannel(final LoadConnection c)
    {
        c.state = LoadConnection.CLOSED;
        if (null != c.channel)
        {
            try
            {
                c.channel.close();
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
    }

    private void closeAll()
    {
        for (final LoadConnection c : connections)
        {
            if (c.state == LoadConnection.READY)
            {
                stats.connectionsClosedAtEnd++;
                stats.updatesLost += c.inFlight;
                inFlightTotal -= c.inFlight;
                c.inFlight = 0;
            }
            if (c.state != LoadConnection.CLOSED)
            {
                if (!c.settled)
                {
                    stats.connectionsFailed++;
                    stats.failure("run ended before the connection was ready");
                    settle(c);
                }
                closeChannel(c);
            }
            if (c.isWatcher() && c.wasReady)
            {
                stats.watchers++;
                if (0 == c.deliveries)
                {
                    stats.watchersWithoutDeliveries++;
                }
            }
        }
        if (null == measuredEnd)
        {
            measuredEnd = stats.copy();
        }
        if (null == measuredStart)
        {
            measuredStart = measuredEnd.copy();
        }
    }

    /**
     * The stamp's high half for the lobby fields: {@code (stamp >>> 32) << 1 | parity}. The parity alternates per
     * update (starting at 1, as the field starts at 0), so teamColour always changes and the server's diff (a
     * LOBBY_CLIENT_CHANGE carries only changed lobby fields) always holds it next to sync, the low half.
     */
    static int teamColour(final long stamp, final int parity)
    {
        return (int)((stamp >>> 32) << 1) | parity;
    }

    /**
     * @return the stamp {@link #teamColour} and {@code sync = (int)stamp} encode.
     */
    static long stampOf(final int sync, final int teamColour)
    {
        return ((long)(teamColour >>> 1) << 32) | (sync & 0xFFFFFFFFL);
    }

    private static String describe(final IOException ex)
    {
        return null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    private static void record(final Histogram histogram, final long nanos)
    {
        histogram.recordValue(Math.max(0, Math.min(HISTOGRAM_MAX_NANOS, nanos)));
    }

    // ---- Redis replies ------------------------------------------------------------------------------------------

    /**
     * Decode every complete reply in the read buffer (a reply cut in two waits in the connection for more bytes).
     *
     * @return false when the connection ended.
     */
    private boolean decodeReplies(final LoadConnection c)
    {
        int length = 0;
        while (c.state != LoadConnection.CLOSED && (length = reply.decode(inBuffer, in.position(), in.limit())) > 0)
        {
            onReply(c);
            in.position(in.position() + length);
        }
        if (c.state == LoadConnection.CLOSED)
        {
            return false;
        }
        if (RespDecoder.MALFORMED == length)
        {
            stats.protocolErrors++;
            ended(c, "undecodable reply from the server (not RESP2, or longer than " + MAX_SERVER_FRAME_BYTES +
                " bytes)");
            return false;
        }
        return true;
    }

    private void onReply(final LoadConnection c)
    {
        final byte type = reply.type();
        if (RespDecoder.ERROR == type)
        {
            stats.errorReply(inBuffer, reply.offset(), reply.length());
            if (c.state == LoadConnection.READY && !c.subscriberOnly)
            {
                answeredInOrder(c, false);
            }
            else
            {
                ended(c, "refused by the server: an error reply to the " +
                    (c.subscriberOnly ? "SUBSCRIBE" : "handshake"));
            }
            return;
        }
        if (c.subscriberOnly)
        {
            onSubscriberReply(c);
        }
        else if (c.state == LoadConnection.READY)
        {
            // EVALSHA answers the subscribers reached (an integer), SET answers +OK
            if (RespDecoder.INTEGER == type || RespDecoder.SIMPLE_STRING == type)
            {
                answeredInOrder(c, true);
            }
            else
            {
                stats.unexpectedFrames++;
                ended(c, "unexpected reply to an update (type '" + (char)type + "')");
            }
        }
        else if (c.state == LoadConnection.IDENTIFYING)
        {
            onHandshakeReply(c, type);
        }
        else
        {
            stats.unexpectedFrames++;
        }
    }

    /** Redis answers in order: a reply is for the oldest update in flight (none in flight: unmatched). */
    private void answeredInOrder(final LoadConnection c, final boolean succeeded)
    {
        if (0 == c.inFlight)
        {
            stats.unmatchedResults++;
            return;
        }
        answered(c, c.nextReplyId(), succeeded);
    }

    private void onHandshakeReply(final LoadConnection c, final byte type)
    {
        if (redisWorkload.publishes())
        {
            if (RespDecoder.BULK_STRING != type || RedisPublisher.SHA_LENGTH != reply.length())
            {
                stats.unexpectedFrames++;
                ended(c, "SCRIPT LOAD did not answer a SHA1");
                return;
            }
            inBuffer.getBytes(reply.offset(), scriptSha);
        }
        else if (RespDecoder.SIMPLE_STRING != type || !reply.matches(reply.offset(), reply.length(), RedisPublisher.PONG))
        {
            stats.unexpectedFrames++;
            ended(c, "PING did not answer PONG");
            return;
        }
        ready(c);
        c.unlimitedBudget();
        if (sending && !settings.rateMode())
        {
            fill(c);
        }
    }

    /** A watcher connection: {@code [subscribe, channel, count]} confirmations, then {@code [message, channel, value]}. */
    private void onSubscriberReply(final LoadConnection c)
    {
        if (RespDecoder.ARRAY != reply.type() || reply.elements() < 3 ||
            RespDecoder.BULK_STRING != reply.elementType(0))
        {
            stats.unexpectedFrames++;
            return;
        }
        final int kindOffset = reply.elementOffset(0);
        final int kindLength = reply.elementLength(0);
        if (reply.matches(kindOffset, kindLength, RedisPublisher.MESSAGE_KIND) &&
            RespDecoder.BULK_STRING == reply.elementType(2))
        {
            stats.dispatches++;
            delivered(c, RedisPublisher.stampOf(inBuffer, reply.elementOffset(2), reply.elementLength(2)));
        }
        else if (reply.matches(kindOffset, kindLength, RedisPublisher.SUBSCRIBE_KIND) &&
            c.state == LoadConnection.IDENTIFYING)
        {
            if (++c.subscriptionsConfirmed == c.watchedUsers.length)
            {
                ready(c);
                stats.subscribesOk++;
            }
        }
        else
        {
            stats.unexpectedFrames++;
        }
    }

    // ---- server frames ------------------------------------------------------------------------------------------

    @Override
    public void onHello(final int protocolVersion, final int heartbeatIntervalMs, final int maxFrameSize,
        final int rateLimitCommands, final int rateLimitWindowMs, final int identifyTimeoutMs)
    {
        final LoadConnection c = current;
        if (c.state != LoadConnection.AWAIT_HELLO)
        {
            stats.unexpectedFrames++;
            return;
        }
        if (null == hello)
        {
            hello = new ServerHello(heartbeatIntervalMs, maxFrameSize, rateLimitCommands, rateLimitWindowMs,
                identifyTimeoutMs);
            budget = new CommandBudget(rateLimitCommands, rateLimitWindowMs, heartbeatIntervalMs, settings.window());
            housekeepingNanos = Math.max(MIN_HOUSEKEEPING_NANOS,
                Math.min(HOUSEKEEPING_NANOS, TimeUnit.MILLISECONDS.toNanos(Math.max(1, heartbeatIntervalMs)) / 10));
            nextHousekeepingNanos = Math.min(nextHousekeepingNanos, now + housekeepingNanos);
        }
        c.heartbeatIntervalNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, heartbeatIntervalMs));
        c.budget(rateLimitCommands == hello.rateLimitCommands() && rateLimitWindowMs == hello.rateLimitWindowMs() &&
            heartbeatIntervalMs == hello.heartbeatIntervalMs() ? budget :
            new CommandBudget(rateLimitCommands, rateLimitWindowMs, heartbeatIntervalMs, settings.window()), now);
        c.state = LoadConnection.IDENTIFYING;
        presence.clear();
        presence.lobbyId(c.lobbyId);
        final String token = tokens.mint(c.userId, Role.USER, tokenExpiresAtMs);
        final ByteBuffer out = outbox.bufferFor(c);
        final int at = beginMessage(out);
        if (null != jsonCommands)
        {
            jsonCommands.identify(out, Protocol.VERSION, token, presence);
        }
        else
        {
            outbox.writer().identify(Protocol.VERSION, token, presence, false, 0, 0);
        }
        endMessage(c, out, at);
        c.identifySentNanos = now;
        stats.identifiesSent++;
    }

    @Override
    public void onReady(final long sessionId, final long userId, final long seq)
    {
        final LoadConnection c = current;
        if (c.state != LoadConnection.IDENTIFYING)
        {
            stats.unexpectedFrames++;
            return;
        }
        ready(c);
        c.lastSeq = seq;
        c.nextHeartbeatNanos = now + jitter(c.heartbeatIntervalNanos);
        if (c.isWatcher() && (c.watchedUsers.length > 0 || c.watchedLobbies.length > 0))
        {
            c.subscribeRequestId = c.nextRequestId();
            c.forceToken();
            final ByteBuffer out = outbox.bufferFor(c);
            final int at = beginMessage(out);
            if (null != jsonCommands)
            {
                jsonCommands.subscribe(out, c.subscribeRequestId, c.watchedUsers, c.watchedUsers.length,
                    c.watchedLobbies, c.watchedLobbies.length);
            }
            else
            {
                outbox.writer().subscribe(c.subscribeRequestId, c.watchedUsers, c.watchedUsers.length,
                    c.watchedLobbies, c.watchedLobbies.length);
            }
            endMessage(c, out, at);
            stats.subscribesSent++;
        }
        if (sending && !settings.rateMode())
        {
            fill(c);
        }
    }

    @Override
    public void onResult(final long requestId, final Result result)
    {
        final LoadConnection c = current;
        if (0 != c.subscribeRequestId && requestId == c.subscribeRequestId)
        {
            c.subscribeRequestId = 0;
            if (result.isAccepted())
            {
                stats.subscribesOk++;
            }
            else
            {
                stats.subscribesRefused++;
            }
            return;
        }
        if (answered(c, requestId, true))
        {
            stats.resultsByCode[result.code()]++;
        }
    }

    /**
     * An update was answered: free its slot in the window and time it (if it succeeded), then refill the window.
     *
     * @return false when no update in flight has that id.
     */
    private boolean answered(final LoadConnection c, final long requestId, final boolean succeeded)
    {
        final int slot = (int)(requestId & c.ringMask);
        if (0 == c.inFlight || c.ringIds[slot] != requestId)
        {
            stats.unmatchedResults++;
            return false;
        }
        c.ringIds[slot] = 0;
        c.inFlight--;
        inFlightTotal--;
        if (succeeded)
        {
            stats.updatesAcked++;
            record(resultLatency, now - c.ringNanos[slot]);
        }
        else
        {
            stats.updatesFailed++;
        }
        if (sending && !settings.rateMode())
        {
            fill(c);
        }
        return true;
    }

    @Override
    public void onDispatch(final long seq, final EventType type, final long userId, final long updateId,
        final long lobbyId, final long time, final String reason, final Changes changes)
    {
        final LoadConnection c = current;
        c.lastSeq = seq;
        stats.dispatches++;
        stats.dispatchesByKind[type.code()]++;
        long stamp = 0;
        if (type == EventType.CLIENT_UPDATED && changes.has(Field.PARTY_ID))
        {
            stamp = changes.partyId();
        }
        else if (type == EventType.LOBBY_CLIENT_CHANGE && changes.has(Field.SYNC) && changes.has(Field.TEAM_COLOUR))
        {
            stamp = stampOf(changes.sync(), changes.teamColour());
        }
        delivered(c, stamp);
    }

    /** A watcher got an update carrying {@code stamp} (0: none): time it. */
    private void delivered(final LoadConnection c, final long stamp)
    {
        if (stamp > 0)
        {
            final long delay = now - control.originNanos - stamp;
            if (delay >= 0)
            {
                record(deliveryLatency, delay);
                stats.deliveries++;
                c.deliveries++;
            }
        }
    }

    @Override
    public void onError(final long requestId, final int code, final String message)
    {
        stats.error(code);
    }

    @Override
    public void onClose(final int code, final String message)
    {
        stats.close(code);
        final ErrorCode known = ErrorCode.fromCode(code);
        ended(current, "closed by the server: " + (null == known ? Integer.toString(code) : code + " " + known.name()));
    }

    @Override
    public void onHeartbeatAck(final long seq)
    {
        stats.heartbeatAcks++;
    }

    @Override
    public void onResumed(final long seq)
    {
        stats.unexpectedFrames++;
    }

    @Override
    public void onInvalidSession(final boolean resumable)
    {
        stats.unexpectedFrames++;
    }

    @Override
    public void onClients(final long requestId, final ClientView[] clients, final int count)
    {
        stats.unexpectedFrames++;
    }

    @Override
    public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
    {
        stats.unexpectedFrames++;
    }
}
