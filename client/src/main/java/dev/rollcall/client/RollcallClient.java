package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * A connection to a Rollcall gateway speaking the wire protocol (docs/protocol.md): identifies with a token and an
 * initial presence, keeps the session alive with heartbeats, resumes it after a drop, sends commands and
 * publishes the session's events.
 *
 * <h2>Threads</h2>
 * Each client has one I/O thread running a {@link java.nio.channels.Selector} over a non-blocking socket (a
 * {@link ShardedClient} has one for all its shards): it connects, reads and decodes frames, sends heartbeats and
 * runs the timers. Command methods may be called from any thread: they encode and write their frame on the calling
 * thread (without blocking: what the socket does not take is written by the I/O thread) and return a
 * {@link CompletableFuture} completed <b>on the I/O thread</b>: keep dependent stages short and non-blocking (or use
 * the {@code ...Async} variants). Events are delivered to {@link #events()} subscribers on a separate delivery
 * thread (or the {@link Builder#eventExecutor executor} you supply), never on the I/O thread.
 *
 * <h2>Connection life cycle</h2>
 * See {@link ConnectionState}. After a drop (read or write error, EOF, no {@code HEARTBEAT_ACK} for a whole
 * heartbeat interval, a {@code CLOSE} with a resumable code) the client reconnects after a jittered exponential
 * backoff and sends {@code RESUME(token, sessionId, lastSeq)}; the server replays the events after
 * {@code lastSeq} then answers {@code RESUMED}. On {@code INVALID_SESSION(false)} it identifies afresh (a new
 * session: the events the old one did not deliver are lost; {@link ConnectionListener#onReady} says
 * {@code resumed=false}); on {@code INVALID_SESSION(true)} it retries the resume once after
 * {@link Builder#resumeRetryDelay}, then identifies afresh.
 *
 * <p>A server {@code CLOSE} (after the first {@code READY}) is handled by its code:
 * <ul>
 * <li><b>fatal</b>, because every retry would be refused the same way or the user was ended on purpose:
 * {@code AUTHENTICATION_FAILED}, {@code TOKEN_EXPIRED}, {@code UNSUPPORTED_VERSION}, {@code INVALID_SHARD},
 * {@code SHARD_NOT_ALLOWED} and {@code DISCONNECTED_BY_SERVER}: the client becomes {@link ConnectionState#FAILED},
 * {@link #closeFuture()} and the event subscribers get the {@link RollcallException} carrying the code;</li>
 * <li><b>reconnect and identify afresh</b> when the code says the server lost the session
 * ({@link dev.rollcall.protocol.ErrorCode#resumable()} false) but would serve a new connection, e.g.
 * {@code SERVER_OVERLOADED}: a new session, as after {@code INVALID_SESSION(false)} (no resume is tried);</li>
 * <li><b>reconnect and resume</b> for every other code: the resumable ones (e.g. {@code SLOW_CONSUMER},
 * {@code SESSION_TIMED_OUT}, {@code RATE_LIMITED}, {@code SERVER_SHUTTING_DOWN}), those refusing one connection or
 * frame without touching the session ({@code TOO_MANY_CONNECTIONS}, {@code TOO_MANY_CONNECTIONS_FROM_ADDRESS},
 * {@code IDENTIFY_TIMEOUT}, {@code NOT_IDENTIFIED}), and codes this client does not know (the server answers
 * {@code INVALID_SESSION} if the session is gone).</li>
 * </ul>
 * Every reconnect waits for the backoff. Any failure before the first {@code READY} (including any {@code CLOSE})
 * is fatal: the first connection is not retried.
 *
 * <h2>Commands</h2>
 * Commands are sent only while {@link ConnectionState#READY}; otherwise their future fails at once with
 * {@link NotConnectedException} (they are not queued: retry after {@link #whenReady()}). A command waiting for its
 * answer when the connection drops fails with {@link ConnectionLostException} (it may or may not have been
 * applied), and with a {@link java.util.concurrent.TimeoutException} after {@link Builder#requestTimeout}. An
 * {@code ERROR} answering it fails it with a {@link RollcallException} carrying the code. Arguments that cannot be
 * sent (nulls, counts out of the protocol's range, a frame larger than the server's {@code maxFrameSize}) throw
 * {@link IllegalArgumentException} or {@link NullPointerException} from the method itself. Request ids are
 * allocated by the client (u32, never 0). The client does not apply the server's rate limit (heartbeats count
 * too). Bytes the socket does not take at once wait in an outbound buffer of at most 4 MiB; beyond that (the server
 * is not reading) a command fails with a {@link RollcallException}.
 *
 * <h2>Events and backpressure</h2>
 * {@link #events()} is a {@link Flow.Publisher} with real, demand-based backpressure; see its documentation.
 * Events are numbered per session; the client remembers the last {@code seq} received, ignores any event at or
 * below it (so a resume never delivers an event twice or out of order) and reports it in heartbeats and resumes.
 *
 * <p>Example:
 * <pre>{@code
 * try (RollcallClient client = RollcallClient.builder()
 *         .host("localhost").port(7450).token(token)
 *         .presence(new Changes().status(Status.ONLINE))
 *         .connect())
 * {
 *     client.events().subscribe(mySubscriber);
 *     client.subscribe(new long[] {42}, null).join();
 *     Result result = client.update(new Changes().afk(true), "away").join();
 * }
 * }</pre>
 */
public final class RollcallClient implements AutoCloseable
{
    /** The gateway's default port. */
    public static final int DEFAULT_PORT = 7450;

    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    private static final long[] NO_IDS = new long[0];
    private static final int TRIAL_FRAME_SIZE = 64 * 1024;

    private final Session session;
    private final Flow.Publisher<PresenceDispatch> events;

    RollcallClient(
        final ClientConfig config,
        final IoLoop loop,
        final boolean ownsLoop,
        final EventHub hub,
        final int eventFilter,
        final BiConsumer<Session, Throwable> terminationHook)
    {
        this.session = new Session(this, config, loop, ownsLoop, hub, terminationHook);
        this.events = hub.publisher(eventFilter);
    }

    /**
     * A builder with the defaults: {@code 127.0.0.1:7450}, no initial presence, connect and handshake timeouts of
     * 10 s, request timeout 30 s, reconnect backoff 100 ms doubling to 5 s with jitter, heartbeat jitter on, an event
     * buffer of 1024, daemon threads.
     *
     * @return a new builder
     */
    public static Builder builder()
    {
        return new Builder();
    }

    Session session()
    {
        return session;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // life cycle

    /**
     * Connects and identifies, once: later calls return the same future.
     *
     * @return completes with this client at the first {@code READY}; fails with the cause when the first connection
     *     fails (an {@link IOException} such as {@link java.net.ConnectException}, a
     *     {@link java.net.SocketTimeoutException}, or a {@link RollcallException} for a server {@code CLOSE}; the
     *     client is then {@link ConnectionState#FAILED}), or with {@link NotConnectedException} when the client is
     *     closed first
     */
    public CompletableFuture<RollcallClient> start()
    {
        return session.start();
    }

    /**
     * The current state.
     *
     * @return the state
     */
    public ConnectionState state()
    {
        return session.state();
    }

    /**
     * Whether commands can be sent now.
     *
     * @return true when {@link ConnectionState#READY}
     */
    public boolean isReady()
    {
        return session.state() == ConnectionState.READY;
    }

    /**
     * A future completed the next time the client is ready (at once when it is now).
     *
     * @return completes when {@link ConnectionState#READY}; fails with {@link NotConnectedException} (closed) or
     *     the fatal cause (failed)
     */
    public CompletableFuture<Void> whenReady()
    {
        return session.whenReady();
    }

    /**
     * The id of the current (or last) session.
     *
     * @return the session id from {@code READY}, 0 before it
     */
    public long sessionId()
    {
        return session.sessionId();
    }

    /**
     * The user this client identified as.
     *
     * @return the user id from {@code READY}, 0 before it
     */
    public long userId()
    {
        return session.userId();
    }

    /**
     * The last event sequence number received in the current session (what heartbeats and resumes report).
     *
     * @return the last seq, 0 when none
     */
    public long lastSeq()
    {
        return session.lastSeq();
    }

    /**
     * The server's last {@code HELLO}.
     *
     * @return its settings, or null before the first {@code HELLO}
     */
    public ServerHello hello()
    {
        return session.hello();
    }

    /**
     * The firehose shard of this connection.
     *
     * @return the shard id, or -1 when not sharded
     */
    public int shardId()
    {
        return session.config().shardId();
    }

    /**
     * The firehose shard count of this connection.
     *
     * @return the shard count, or 0 when not sharded
     */
    public int shardCount()
    {
        return session.config().shardCount();
    }

    /**
     * A future completed when the client has ended: normally after {@link #close()}, exceptionally with the fatal
     * cause (e.g. a {@link RollcallException} with code {@code DISCONNECTED_BY_SERVER}).
     *
     * @return the future
     */
    public CompletableFuture<Void> closeFuture()
    {
        return session.terminated();
    }

    /**
     * Closes the connection without reconnecting. Pending commands fail with {@link ConnectionLostException},
     * {@link #whenReady()} waiters with {@link NotConnectedException}; event subscribers get {@code onComplete}
     * after the events already buffered. Waits (up to 10 s) for the I/O thread to have closed the socket, unless
     * called from the I/O thread itself. Idempotent; no effect after a fatal failure.
     */
    @Override
    public void close()
    {
        session.close();
    }

    /**
     * Drops the current connection as if it had failed and reconnects at once (no backoff), resuming the session:
     * for tests of the resume path, or after a network change. Pending commands fail with
     * {@link ConnectionLostException}; {@link ConnectionListener#onDisconnected} is called. No effect before the
     * first {@code READY} (the future then completes at the first {@code READY}).
     *
     * @return completes when the client is ready again after the drop (resumed, or identified afresh when the
     *     session could not be resumed); fails with {@link NotConnectedException} when the client has ended
     */
    public CompletableFuture<Void> reconnect()
    {
        return session.reconnectNow();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // events

    /**
     * The session's events, across resumes (never twice, in {@code seq} order within a session).
     *
     * <ul>
     * <li>Any number of subscribers, each with its own demand; a subscriber receives an event only when it has
     * requested it. Signals are delivered on the event executor, serially per subscriber; a subscriber that throws
     * from a signal is cancelled.</li>
     * <li>Events are kept in a bounded buffer ({@link Builder#eventBufferSize}) until every subscriber has received
     * them. When the buffer is full the client stops reading the socket (the server then sees a slow reader, and may
     * close the connection with {@code SLOW_CONSUMER}, after which the client resumes): command answers and
     * heartbeat acks behind the events wait too (heartbeats are still sent, and a missing ack is not held against
     * the server meanwhile). So never block inside {@code onNext} waiting for a command's answer: if the buffer
     * fills meanwhile, the answer cannot be read.</li>
     * <li>While there is no subscriber, events are retained (up to the buffer size, then reading stops) for the
     * next subscriber, which starts with them; a subscriber arriving while others are subscribed starts with the
     * next event.</li>
     * <li>{@code onComplete} after {@link #close()}, {@code onError} with the cause after a fatal failure; both
     * after the events buffered before them, so a subscriber must drain to see them (or watch
     * {@link #closeFuture()}).</li>
     * </ul>
     *
     * For a shard of a {@link ShardedClient} this publishes that shard's events only.
     *
     * @return the publisher
     */
    public Flow.Publisher<PresenceDispatch> events()
    {
        return events;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // commands

    /**
     * {@code UPDATE} group standard ({@code update_client}): changes this user's own client.
     *
     * @param changes the fields to set (read before this method returns: it may be reused)
     * @param reason  the reason (null: empty)
     * @return the presence rules' result
     */
    public CompletableFuture<Result> update(final Changes changes, final String reason)
    {
        return update(Protocol.GROUP_STANDARD, changes, reason);
    }

    /**
     * {@code UPDATE} group lobby ({@code update_client_in_lobby}).
     *
     * @param changes the fields to set (read before this method returns)
     * @param reason  the reason (null: empty)
     * @return the presence rules' result
     */
    public CompletableFuture<Result> updateInLobby(final Changes changes, final String reason)
    {
        return update(Protocol.GROUP_LOBBY, changes, reason);
    }

    /**
     * {@code UPDATE} group full ({@code update_client_full}).
     *
     * @param changes the fields to set (read before this method returns)
     * @param reason  the reason (null: empty)
     * @return the presence rules' result
     */
    public CompletableFuture<Result> updateFull(final Changes changes, final String reason)
    {
        return update(Protocol.GROUP_FULL, changes, reason);
    }

    private CompletableFuture<Result> update(final int group, final Changes changes, final String reason)
    {
        Objects.requireNonNull(changes, "changes");
        final String why = reason == null ? "" : reason;
        final long requestId = session.nextRequestId();
        return session.send(new PendingRequest.Command(requestId, "UPDATE"),
            writer -> writer.update(requestId, group, why, changes));
    }

    /**
     * {@code SUBSCRIBE}: this user subscribes to clients and lobbies (subscriptions belong to the user and survive
     * resumes).
     *
     * @param clientIds user ids (null: none; at most 65535)
     * @param lobbyIds  lobby ids (null: none; at most 65535)
     * @return the first refusal, else {@code APPLIED} if anything changed, else {@code UNCHANGED}
     */
    public CompletableFuture<Result> subscribe(final long[] clientIds, final long[] lobbyIds)
    {
        return subscription(true, clientIds, lobbyIds);
    }

    /**
     * {@code UNSUBSCRIBE}: the opposite of {@link #subscribe}.
     *
     * @param clientIds user ids (null: none; at most 65535)
     * @param lobbyIds  lobby ids (null: none; at most 65535)
     * @return the first refusal, else {@code APPLIED} if anything changed, else {@code UNCHANGED}
     */
    public CompletableFuture<Result> unsubscribe(final long[] clientIds, final long[] lobbyIds)
    {
        return subscription(false, clientIds, lobbyIds);
    }

    private CompletableFuture<Result> subscription(
        final boolean subscribe, final long[] clientIds, final long[] lobbyIds)
    {
        final long[] clients = clientIds == null ? NO_IDS : clientIds.clone();
        final long[] lobbies = lobbyIds == null ? NO_IDS : lobbyIds.clone();
        checkRange(clients.length, 0, 0xFFFF, "client id count");
        checkRange(lobbies.length, 0, 0xFFFF, "lobby id count");
        final long requestId = session.nextRequestId();
        return session.send(new PendingRequest.Command(requestId, subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE"),
            writer -> subscribe ?
                writer.subscribe(requestId, clients, clients.length, lobbies, lobbies.length) :
                writer.unsubscribe(requestId, clients, clients.length, lobbies, lobbies.length));
    }

    /**
     * {@code GET_CLIENTS}: the server's read model of some clients.
     *
     * @param userIds 1..256 user ids
     * @return one snapshot per id, in the order asked (an immutable list)
     */
    public CompletableFuture<List<ClientSnapshot>> getClients(final long... userIds)
    {
        final long[] ids = Objects.requireNonNull(userIds, "userIds").clone();
        checkRange(ids.length, 1, Protocol.MAX_GET_CLIENTS, "user id count");
        final long requestId = session.nextRequestId();
        return session.send(new PendingRequest.Clients(requestId), writer -> writer.getClients(requestId, ids, ids.length));
    }

    /**
     * {@code LIST_CLIENT_IDS}: one page of the user ids of the existing (visible) clients.
     *
     * @param afterUserId list ids greater than this (0 for the first page, then {@link ClientIdPage#nextCursor()})
     * @param limit       1..1024
     * @return the page
     */
    public CompletableFuture<ClientIdPage> listClientIds(final long afterUserId, final int limit)
    {
        checkRange(limit, 1, Protocol.MAX_LIST_LIMIT, "limit");
        final long requestId = session.nextRequestId();
        return session.send(new PendingRequest.ClientIds(requestId),
            writer -> writer.listClientIds(requestId, afterUserId, limit));
    }

    /**
     * Every client id, following {@link #listClientIds} pages of 1024 (each page is one command: mind the rate
     * limit). Not a snapshot: clients may come and go between pages.
     *
     * @return the ids, ascending
     */
    public CompletableFuture<long[]> listAllClientIds()
    {
        return listFrom(0, NO_IDS);
    }

    private CompletableFuture<long[]> listFrom(final long after, final long[] sofar)
    {
        return listClientIds(after, Protocol.MAX_LIST_LIMIT).thenCompose(page ->
        {
            final long[] ids = page.ids();
            final long[] all = Arrays.copyOf(sofar, sofar.length + ids.length);
            System.arraycopy(ids, 0, all, sofar.length, ids.length);
            return page.hasMore() ? listFrom(page.nextCursor(), all) : CompletableFuture.completedFuture(all);
        });
    }

    /**
     * {@code GET_STATS}: the server's counters. Only an observer's session may ask (a token minted with
     * {@code rollcall token --observer}); for others the future fails with a {@link RollcallException} of code
     * {@code NOT_AN_OBSERVER} (4025).
     *
     * @return the counters, with the server's clock and grace period
     */
    public CompletableFuture<ServerStats> stats()
    {
        final long requestId = session.nextRequestId();
        return session.send(new PendingRequest.Stats(requestId), writer -> writer.getStats(requestId));
    }

    private static void checkRange(final int value, final int min, final int max, final String what)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(what + " " + value + " not in " + min + ".." + max);
        }
    }

    @Override
    public String toString()
    {
        final ClientConfig config = session.config();
        return "RollcallClient{" + config.host() + ":" + config.port() +
            (config.shardId() >= 0 ? ", shard " + config.shardId() + "/" + config.shardCount() : "") +
            ", state=" + session.state() + ", sessionId=" + session.sessionId() + ", userId=" + session.userId() +
            ", lastSeq=" + session.lastSeq() + "}";
    }

    // ----------------------------------------------------------------------------------------------------------------

    /**
     * Configures and creates {@link RollcallClient}s and {@link ShardedClient}s. Reusable: each build takes a
     * snapshot of the settings. Not thread-safe.
     */
    public static final class Builder
    {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private final List<InetSocketAddress> otherNodes = new ArrayList<>();
        private String token;
        private final Changes presence = new Changes();
        private IntFunction<Changes> shardPresence;
        private int shardId = -1;
        private int shardCount;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);
        private boolean backoffJitter = true;
        private Duration resumeRetryDelay = Duration.ofMillis(500);
        private boolean heartbeatJitter = true;
        private int eventBufferSize = 1024;
        private int receiveBufferSize;
        private ThreadFactory threadFactory;
        private boolean daemon = true;
        private Executor eventExecutor;
        private ConnectionListener listener = new ConnectionListener()
        {
        };

        private Builder()
        {
        }

        /**
         * The server's host name or address.
         *
         * @param host the host (default {@code 127.0.0.1}, the gateway's default bind address); resolved on the I/O
         *             thread at each connection attempt
         * @return this
         */
        public Builder host(final String host)
        {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The server's port.
         *
         * @param port 1..65535 (default {@value #DEFAULT_PORT})
         * @return this
         */
        public Builder port(final int port)
        {
            checkRange(port, 1, 0xFFFF, "port");
            this.port = port;
            return this;
        }

        /**
         * Another node of the same cluster (docs/CLUSTER.md): when a connection cannot be made or is lost, the
         * client tries the next node in turn ({@link #host}:{@link #port} first, then these in the order given).
         * A session cannot be resumed on another node: there the client identifies again, which within the grace
         * period keeps its user (watchers see no departure).
         *
         * @param host the node's host
         * @param port the node's port
         * @return this
         */
        public Builder otherNode(final String host, final int port)
        {
            checkRange(port, 1, 0xFFFF, "port");
            otherNodes.add(InetSocketAddress.createUnresolved(Objects.requireNonNull(host, "host"), port));
            return this;
        }

        /**
         * The token to identify (and resume) with: see docs/protocol.md, "Auth". Required.
         *
         * @param token the token
         * @return this
         */
        public Builder token(final String token)
        {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * The initial presence sent with {@code IDENTIFY} (applied as {@code update_client_full} with reason
         * {@code identify}); also sent when identifying afresh after a lost session. Copied now.
         *
         * @param presence the presence (default: none, an empty mask)
         * @return this
         */
        public Builder presence(final Changes presence)
        {
            this.presence.copyFrom(Objects.requireNonNull(presence, "presence"));
            return this;
        }

        /**
         * The initial presence of each shard of a {@link ShardedClient}, instead of {@link #presence(Changes)}:
         * called once per shard, with the shard id, when the sharded client is built (a null result: none). Only for
         * {@link #buildSharded}.
         *
         * @param shardPresence the function
         * @return this
         */
        public Builder shardPresence(final IntFunction<Changes> shardPresence)
        {
            this.shardPresence = Objects.requireNonNull(shardPresence, "shardPresence");
            return this;
        }

        /**
         * Makes {@link #build()} identify as one firehose shard ({@code sharded=true}); needs a service token. For
         * several shards use {@link #buildSharded}.
         *
         * @param shardId    0..shardCount-1
         * @param shardCount 1..4096
         * @return this
         */
        public Builder shard(final int shardId, final int shardCount)
        {
            ShardSpec.checkShardCount(shardCount);
            checkRange(shardId, 0, shardCount - 1, "shardId");
            this.shardId = shardId;
            this.shardCount = shardCount;
            return this;
        }

        /**
         * The TCP connect timeout.
         *
         * @param timeout positive (default 10 s)
         * @return this
         */
        public Builder connectTimeout(final Duration timeout)
        {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long to wait, once connected, for {@code HELLO} and then for {@code READY} or {@code RESUMED} (time
         * spent with reading paused by backpressure does not count).
         *
         * @param timeout positive (default 10 s)
         * @return this
         */
        public Builder handshakeTimeout(final Duration timeout)
        {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * How long a command waits for its answer before failing with a
         * {@link java.util.concurrent.TimeoutException}.
         *
         * @param timeout positive, or {@link Duration#ZERO} to wait forever (default 30 s)
         * @return this
         */
        public Builder requestTimeout(final Duration timeout)
        {
            Objects.requireNonNull(timeout, "requestTimeout");
            if (timeout.isNegative())
            {
                throw new IllegalArgumentException("requestTimeout " + timeout + " is negative");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * The delays between reconnect attempts after a drop: {@code initial}, doubling each failed attempt up to
         * {@code max}; reset when the client is ready again.
         *
         * @param initial the first delay, positive (default 100 ms)
         * @param max     the largest delay, at least {@code initial} (default 5 s)
         * @return this
         */
        public Builder reconnectBackoff(final Duration initial, final Duration max)
        {
            positive(initial, "initial backoff");
            positive(max, "max backoff");
            if (max.compareTo(initial) < 0)
            {
                throw new IllegalArgumentException("max backoff " + max + " < initial " + initial);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /**
         * Whether reconnect delays are jittered (each drawn from {@code [d/2, d]}).
         *
         * @param jitter default true
         * @return this
         */
        public Builder reconnectJitter(final boolean jitter)
        {
            this.backoffJitter = jitter;
            return this;
        }

        /**
         * The delay before retrying a resume refused with {@code INVALID_SESSION(resumable=true)} (the session is
         * still attached to another connection).
         *
         * @param delay zero or positive (default 500 ms)
         * @return this
         */
        public Builder resumeRetryDelay(final Duration delay)
        {
            Objects.requireNonNull(delay, "resumeRetryDelay");
            if (delay.isNegative())
            {
                throw new IllegalArgumentException("resumeRetryDelay " + delay + " is negative");
            }
            this.resumeRetryDelay = delay;
            return this;
        }

        /**
         * Whether the first heartbeat after {@code READY} is sent after a random part of the interval (like Discord)
         * rather than after the whole interval. Turn it off for deterministic tests.
         *
         * @param jitter default true
         * @return this
         */
        public Builder heartbeatJitter(final boolean jitter)
        {
            this.heartbeatJitter = jitter;
            return this;
        }

        /**
         * How many events are buffered, at most, for the subscribers of {@link RollcallClient#events()} (for a
         * {@link ShardedClient}: for all its shards together) before the client stops reading.
         *
         * @param size 1..16,777,216 (default 1024)
         * @return this
         */
        public Builder eventBufferSize(final int size)
        {
            checkRange(size, 1, 1 << 24, "eventBufferSize");
            this.eventBufferSize = size;
            return this;
        }

        /**
         * The socket's receive buffer size ({@code SO_RCVBUF}).
         *
         * @param bytes positive, or 0 for the system's default (the default)
         * @return this
         */
        public Builder receiveBufferSize(final int bytes)
        {
            checkRange(bytes, 0, Integer.MAX_VALUE, "receiveBufferSize");
            this.receiveBufferSize = bytes;
            return this;
        }

        /**
         * Creates the client's threads: the I/O thread and (unless {@link #eventExecutor} is given) the event
         * delivery thread. When set, {@link #daemon} is not used.
         *
         * @param threadFactory the factory (default: threads named {@code rollcall-io-N} and
         *                      {@code rollcall-events-N})
         * @return this
         */
        public Builder threadFactory(final ThreadFactory threadFactory)
        {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Whether the default threads are daemon threads.
         *
         * @param daemon default true
         * @return this
         */
        public Builder daemon(final boolean daemon)
        {
            this.daemon = daemon;
            return this;
        }

        /**
         * Runs the event deliveries (each subscriber's signals run as tasks, one at a time per subscriber). By
         * default each client (or sharded client) has its own delivery thread, started when needed and ended after
         * 2 s idle; all its subscribers share that thread, so one blocking in {@code onNext} delays the others. A
         * direct executor ({@code Runnable::run}) delivers on the thread that publishes or requests,
         * including the I/O thread: then {@code onNext} must never block.
         *
         * @param executor the executor
         * @return this
         */
        public Builder eventExecutor(final Executor executor)
        {
            this.eventExecutor = Objects.requireNonNull(executor, "eventExecutor");
            return this;
        }

        /**
         * Receives connection callbacks (on the I/O thread).
         *
         * @param listener the listener (default: none)
         * @return this
         */
        public Builder listener(final ConnectionListener listener)
        {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Creates a client, not connected yet: subscribe to its {@link RollcallClient#events()}, then
         * {@link RollcallClient#start()} it.
         *
         * @return the client, {@link ConnectionState#NEW}
         * @throws IllegalStateException    when no token is set, or {@link #shardPresence} is set
         * @throws IllegalArgumentException when the token and presence cannot be encoded in an {@code IDENTIFY}
         */
        public RollcallClient build()
        {
            if (shardPresence != null)
            {
                throw new IllegalStateException("shardPresence is only used by buildSharded(); use presence()");
            }
            final ClientConfig config = config(shardId, shardCount, presence);
            final IoLoop loop = new IoLoop(ioThreadFactory());
            final EventHub hub = new EventHub(eventBufferSize, eventExecutor(), new int[] {shardId});
            return new RollcallClient(config, loop, true, hub, EventHub.ALL, null);
        }

        /**
         * Creates a client and waits until it is ready ({@link #build()}, then {@link RollcallClient#start()}).
         * Waits at most about the connect timeout plus the handshake timeout: a first connection that fails is not
         * retried.
         *
         * @return the ready client
         * @throws RollcallException    when the server refuses (e.g. code {@code AUTHENTICATION_FAILED})
         * @throws UncheckedIOException when the connection fails (refused, timed out)
         */
        public RollcallClient connect()
        {
            final RollcallClient client = build();
            await(client.start(), client::close);
            return client;
        }

        /**
         * Creates a sharded client over the given shards of a firehose, not connected yet.
         *
         * @param shardCount the service's shard count, 1..4096
         * @param shards     which shards this process opens, e.g. {@code "0..3, 8, 9"} (see {@link ShardSpec}), or
         *                   null for all of them
         * @return the sharded client
         * @throws IllegalArgumentException when the shard spec is invalid, or a presence cannot be encoded
         * @throws IllegalStateException    when no token is set, or {@link #shard} was set
         */
        public ShardedClient buildSharded(final int shardCount, final String shards)
        {
            if (shardId >= 0)
            {
                throw new IllegalStateException("shard(...) is for a single-shard build(), not buildSharded()");
            }
            final int[] ids = shards == null ? ShardSpec.all(shardCount) : ShardSpec.parse(shards, shardCount);
            final ClientConfig[] configs = new ClientConfig[ids.length];
            for (int i = 0; i < ids.length; i++)
            {
                final Changes shardInitial;
                if (shardPresence == null)
                {
                    shardInitial = presence;
                }
                else
                {
                    final Changes chosen = shardPresence.apply(ids[i]);
                    shardInitial = chosen == null ? new Changes() : chosen;
                }
                configs[i] = config(ids[i], shardCount, shardInitial);
            }
            final IoLoop loop = new IoLoop(ioThreadFactory());
            final EventHub hub = new EventHub(eventBufferSize, eventExecutor(), ids);
            return new ShardedClient(shardCount, configs, loop, hub);
        }

        /**
         * Creates a sharded client over every shard ({@code 0..shardCount-1}), not connected yet.
         *
         * @param shardCount the service's shard count, 1..4096
         * @return the sharded client
         */
        public ShardedClient buildSharded(final int shardCount)
        {
            return buildSharded(shardCount, null);
        }

        /**
         * Creates a sharded client and waits until every shard is ready.
         *
         * @param shardCount the service's shard count, 1..4096
         * @param shards     the shard spec (see {@link ShardSpec}), or null for all
         * @return the ready sharded client
         * @throws RollcallException    when the server refuses a shard (the others are closed)
         * @throws UncheckedIOException when a connection fails
         */
        public ShardedClient connectSharded(final int shardCount, final String shards)
        {
            final ShardedClient sharded = buildSharded(shardCount, shards);
            await(sharded.start(), sharded::close);
            return sharded;
        }

        /**
         * Creates a sharded client over every shard ({@code 0..shardCount-1}) and waits until every shard is ready.
         *
         * @param shardCount the service's shard count, 1..4096
         * @return the ready sharded client
         * @throws RollcallException    when the server refuses a shard (the others are closed)
         * @throws UncheckedIOException when a connection fails
         */
        public ShardedClient connectSharded(final int shardCount)
        {
            return connectSharded(shardCount, null);
        }

        private ClientConfig config(final int shard, final int count, final Changes initial)
        {
            if (token == null)
            {
                throw new IllegalStateException("no token: call token(...)");
            }
            final Changes copy = new Changes().copyFrom(initial);
            checkIdentify(copy, shard, count);
            return new ClientConfig(host, port, token, copy, shard, count, connectTimeout.toNanos(),
                handshakeTimeout.toNanos(), requestTimeout.toNanos(),
                new Backoff(backoffInitial.toNanos(), backoffMax.toNanos(), backoffJitter), resumeRetryDelay.toNanos(),
                heartbeatJitter, receiveBufferSize, listener, List.copyOf(otherNodes));
        }

        private void checkIdentify(final Changes initial, final int shard, final int count)
        {
            try
            {
                new FrameWriter(ByteBuffer.allocate(TRIAL_FRAME_SIZE))
                    .identify(Protocol.VERSION, token, initial, shard >= 0, shard, count);
            }
            catch (final BufferOverflowException small)
            {
                try
                {
                    new FrameWriter(ByteBuffer.allocate(Protocol.HEADER_LENGTH + Protocol.MAX_SERVER_FRAME_SIZE))
                        .identify(Protocol.VERSION, token, initial, shard >= 0, shard, count);
                }
                catch (final BufferOverflowException ex)
                {
                    throw new IllegalArgumentException("token and presence do not fit in a frame", ex);
                }
            }
        }

        private ThreadFactory ioThreadFactory()
        {
            return threadFactory != null ? threadFactory : namedThreads("rollcall-io-", daemon);
        }

        private Executor eventExecutor()
        {
            if (eventExecutor != null)
            {
                return eventExecutor;
            }
            final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threadFactory != null ? threadFactory : namedThreads("rollcall-events-", daemon));
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }

        private static ThreadFactory namedThreads(final String prefix, final boolean daemon)
        {
            return runnable ->
            {
                final Thread thread = new Thread(runnable, prefix + THREAD_NUMBERS.incrementAndGet());
                thread.setDaemon(daemon);
                return thread;
            };
        }

        private static Duration positive(final Duration duration, final String what)
        {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero())
            {
                throw new IllegalArgumentException(what + " " + duration + " must be positive");
            }
            return duration;
        }

        private static void await(final CompletableFuture<?> started, final Runnable close)
        {
            try
            {
                started.join();
            }
            catch (final CompletionException ex)
            {
                close.run();
                final Throwable cause = ex.getCause();
                if (cause instanceof RuntimeException)
                {
                    throw (RuntimeException)cause;
                }
                if (cause instanceof IOException)
                {
                    throw new UncheckedIOException(cause.getMessage(), (IOException)cause);
                }
                throw new RollcallException("connect failed: " + cause, cause);
            }
        }
    }
}
