package dev.rollcall.bench.loadgen;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a {@link LoadRun} does: where it connects, how many connections, how fast it identifies and
 * updates, who watches whom, and for how long. Checked when built: an invalid setting throws
 * {@link IllegalArgumentException} with a message naming the command-line option.
 * <p>
 * The population: connection {@code i} (0-based) is user {@code firstUserId + i}, identifies with
 * the initial presence {@code lobbyId = firstUserId + i / lobbySize}, and updates its own client.
 * An even spread of {@code subscriberFraction} of the connections are watchers: each also
 * subscribes to {@code watchUsers} random other users and {@code watchLobbies} random lobbies of
 * the population.
 * <p>
 * Against Redis ({@link LoadTarget#REDIS}) the same population and the same draws: connection {@code i} sends
 * user {@code firstUserId + i}'s updates as {@link RedisWorkload} commands, and each watcher gets a connection of
 * its own beside it (RESP2 allows nothing but (un)subscribing on a subscribed connection) subscribed to the
 * channels of the users it would watch here: its {@code watchUsers} users and every user of its
 * {@code watchLobbies} lobbies. The {@code set} workload opens no watcher connections.
 *
 * @param target             the server driven.
 * @param redisWorkload      what one update is when the target is Redis.
 * @param transport          how Rollcall is spoken to: TCP, or WebSocket with binary or JSON messages (Redis: TCP).
 * @param host               the server's address; must be a loopback address (the tool is loopback-only).
 * @param port               the server's TCP port.
 * @param webSocketPort      the server's WebSocket port (used by the WebSocket transports).
 * @param connections        connections (one user each), 1..1,000,000.
 * @param sourceAddresses    local addresses 127.0.0.1..127.0.0.K the connections are spread over, 1..254
 *                           (1 with an IPv6 host; 1 means "let the kernel choose").
 * @param threads            selector threads of the load generator, 1..64.
 * @param identifyRate       connections opened (and so identifies sent) per second while connecting, 0 = as fast as
 *                           possible (with at most 512 connections connecting or identifying at once).
 * @param updateRate         updates per second over all connections, 0 = as fast as possible with {@code window}
 *                           updates in flight per connection.
 * @param window             updates in flight per connection, 1..1024 (in rate mode: the most a connection may
 *                           have outstanding; a due update finds another connection or is counted as skipped).
 * @param subscriberFraction share of the connections that are watchers, 0..1.
 * @param watchUsers         users each watcher subscribes to, 0..256.
 * @param watchLobbies       lobbies each watcher subscribes to, 0..64.
 * @param lobbySize          users per lobby, >= 1.
 * @param durationMs         the measured part of the run, 1 ms..10 min.
 * @param warmupMs           updates before the measured part (histograms reset after it), 0..10 min.
 * @param connectTimeoutMs   the most the connect phase may take; connections not ready by then fail, 1 ms..10 min.
 * @param drainMs            after the measured part, how long outstanding updates may wait for their RESULT before
 *                           they count as lost, 0..10 min.
 * @param firstUserId        the first user id, > 0.
 * @param seed               the seed choosing whom watchers watch and heartbeat jitter.
 * @param serverPid          the server's process id for syscall counts from {@code /proc/<pid>/io} and CPU time from
 *                           {@code /proc/<pid>/stat}, 0 for none.
 * @param otherPorts         more nodes of a cluster (their TCP ports, or WebSocket ports over WebSocket): connection
 *                           {@code i} goes to the {@code i mod (1 + n)}-th node ({@code port} first), and a watcher
 *                           watches only users on other nodes, so every timed delivery crosses nodes; empty for one
 *                           server.
 */
public record LoadSettings(
    LoadTarget target,
    RedisWorkload redisWorkload,
    LoadTransport transport,
    String host,
    int port,
    int webSocketPort,
    int connections,
    int sourceAddresses,
    int threads,
    double identifyRate,
    double updateRate,
    int window,
    double subscriberFraction,
    int watchUsers,
    int watchLobbies,
    int lobbySize,
    long durationMs,
    long warmupMs,
    long connectTimeoutMs,
    long drainMs,
    long firstUserId,
    long seed,
    long serverPid,
    int[] otherPorts)
{
    /** The longest measured duration (and warmup, and connect phase): 10 minutes. */
    public static final long MAX_DURATION_MS = 600_000;

    /** Connections per source address the default spread plans for (the ephemeral port range holds ~28k). */
    public static final int CONNECTIONS_PER_SOURCE_ADDRESS = 28_000;

    /** The most connections one run may open. */
    public static final int MAX_CONNECTIONS = 1_000_000;

    /** Rollcall's default port ({@code rollcall serve}). */
    public static final int ROLLCALL_PORT = 7450;

    /** Rollcall's default WebSocket port ({@code rollcall serve --ws-port}). */
    public static final int ROLLCALL_WS_PORT = 7451;

    /** Redis's default port. */
    public static final int REDIS_PORT = 6379;

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the first bad one.
     */
    public LoadSettings
    {
        require(null != target, "--target is missing");
        require(null != redisWorkload, "--redis-workload is missing");
        require(null != transport, "--transport is missing");
        require(LoadTarget.REDIS != target || LoadTransport.TCP == transport,
            "--transport " + (null == transport ? "" : transport.cliName()) + " drives Rollcall only: Redis speaks " +
            "RESP2 over TCP");
        final InetAddress address = loopback(host);
        require(port >= 1 && port <= 65535, "--port must be 1..65535");
        require(webSocketPort >= 1 && webSocketPort <= 65535, "--ws-port must be 1..65535");
        require(connections >= 1 && connections <= MAX_CONNECTIONS, "--connections must be 1.." + MAX_CONNECTIONS);
        require(sourceAddresses >= 1 && sourceAddresses <= 254, "--source-addresses must be 1..254");
        require(sourceAddresses == 1 || address instanceof Inet4Address,
            "--source-addresses above 1 needs an IPv4 loopback --host (127.0.0.1..127.0.0.K are the sources)");
        require(threads >= 1 && threads <= 64, "--threads must be 1..64");
        require(identifyRate >= 0 && Double.isFinite(identifyRate), "--identify-rate must be >= 0");
        require(updateRate >= 0 && Double.isFinite(updateRate), "--update-rate must be >= 0");
        require(window >= 1 && window <= 1024, "--window must be 1..1024");
        otherPorts = otherPorts.clone();
        for (final int other : otherPorts)
        {
            require(other >= 1 && other <= 65535, "--other-ports must be ports 1..65535");
        }
        require(0 == otherPorts.length || LoadTarget.ROLLCALL == target, "--other-ports drives a Rollcall cluster only");
        require(subscriberFraction >= 0 && subscriberFraction <= 1, "--subscribers must be a fraction 0..1");
        require(watchUsers >= 0 && watchUsers <= 256, "--watch-users must be 0..256");
        require(watchLobbies >= 0 && watchLobbies <= 64, "--watch-lobbies must be 0..64");
        require(lobbySize >= 1, "--lobby-size must be >= 1");
        require(durationMs >= 1 && durationMs <= MAX_DURATION_MS, "--duration must be 1ms..10m");
        require(warmupMs >= 0 && warmupMs <= MAX_DURATION_MS, "--warmup must be 0..10m");
        require(connectTimeoutMs >= 1 && connectTimeoutMs <= MAX_DURATION_MS, "--connect-timeout must be 1ms..10m");
        require(drainMs >= 0 && drainMs <= MAX_DURATION_MS, "--drain must be 0..10m");
        require(firstUserId > 0 && firstUserId <= Long.MAX_VALUE - connections, "--first-user-id must be > 0");
        require(serverPid >= 0, "--server-pid must be > 0");
    }

    /**
     * @param host a host name or address.
     * @return its address.
     * @throws IllegalArgumentException when it does not resolve or is not a loopback address.
     */
    public static InetAddress loopback(final String host)
    {
        if (null == host || host.isBlank())
        {
            throw new IllegalArgumentException("--host is missing");
        }
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("--host " + host + " does not resolve", ex);
        }
        if (!address.isLoopbackAddress())
        {
            throw new IllegalArgumentException("--host " + host + " (" + address.getHostAddress() +
                ") is not a loopback address: the load generator only drives a server on this machine " +
                "(127.0.0.0/8 or ::1)");
        }
        return address;
    }

    /**
     * @param connections connections to open.
     * @return source addresses enough for them at {@value #CONNECTIONS_PER_SOURCE_ADDRESS} each.
     */
    public static int defaultSourceAddresses(final int connections)
    {
        return Math.max(1, Math.min(254, (connections + CONNECTIONS_PER_SOURCE_ADDRESS - 1) / CONNECTIONS_PER_SOURCE_ADDRESS));
    }

    /** @return the server's address. */
    public InetAddress hostAddress()
    {
        return loopback(host);
    }

    /** @return a copy of the other nodes' ports. */
    @Override
    public int[] otherPorts()
    {
        return otherPorts.clone();
    }

    /** @return the nodes of the run: 1 for one server. */
    public int nodes()
    {
        return 1 + otherPorts.length;
    }

    /**
     * @param index a connection's index.
     * @return the port it connects to: the first node's, or one of {@link #otherPorts()} in turn.
     */
    public int connectPort(final int index)
    {
        final int node = index % nodes();
        return 0 == node ? connectPort() : otherPorts[node - 1];
    }

    /** @return the port connections go to: {@link #webSocketPort()} over WebSocket, else {@link #port()}. */
    public int connectPort()
    {
        return transport.isWebSocket() ? webSocketPort : port;
    }

    /** @return true when the server driven is Redis. */
    public boolean redis()
    {
        return LoadTarget.REDIS == target;
    }

    /**
     * @return true when watchers are opened: always against Rollcall, with a publishing workload against Redis.
     */
    public boolean watching()
    {
        return !redis() || redisWorkload.publishes();
    }

    /** @return true when updates are paced at {@link #updateRate()}, false when sent as fast as the window allows. */
    public boolean rateMode()
    {
        return updateRate > 0;
    }

    /**
     * @param index a connection, 0-based.
     * @return whether it is a watcher (an even spread of {@link #subscriberFraction()}).
     */
    public boolean isWatcher(final int index)
    {
        return (long)Math.floor((index + 1) * subscriberFraction) > (long)Math.floor(index * subscriberFraction);
    }

    /**
     * @param index a connection, 0-based.
     * @return the lobby its user is in.
     */
    public long lobbyOf(final int index)
    {
        return firstUserId + index / lobbySize;
    }

    /** @return lobbies the population fills. */
    public int lobbies()
    {
        return (connections + lobbySize - 1) / lobbySize;
    }

    /** @return a builder holding the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    private static void require(final boolean ok, final String message)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Builds {@link LoadSettings}, starting from the command line's defaults.
     */
    public static final class Builder
    {
        private LoadTarget target = LoadTarget.ROLLCALL;
        private RedisWorkload redisWorkload = RedisWorkload.PRESENCE;
        private LoadTransport transport = LoadTransport.TCP;
        private String host = "127.0.0.1";
        private int port;
        private int webSocketPort = ROLLCALL_WS_PORT;
        private int connections = 1000;
        private int sourceAddresses;
        private int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private double identifyRate;
        private double updateRate;
        private int window = 4;
        private double subscriberFraction = 0.2;
        private int watchUsers = 4;
        private int watchLobbies = 1;
        private int lobbySize = 20;
        private long durationMs = 30_000;
        private long warmupMs = 5_000;
        private long connectTimeoutMs = 60_000;
        private long drainMs = 3_000;
        private long firstUserId = 1_000_000;
        private long seed = System.nanoTime();
        private long serverPid;

        private int[] otherPorts = new int[0];

        private Builder()
        {
        }

        /** @param target the server driven; default Rollcall. @return this. */
        public Builder target(final LoadTarget target)
        {
            this.target = target;
            return this;
        }

        /** @param redisWorkload what an update is against Redis; default presence. @return this. */
        public Builder redisWorkload(final RedisWorkload redisWorkload)
        {
            this.redisWorkload = redisWorkload;
            return this;
        }

        /** @param transport how Rollcall is spoken to; default TCP. @return this. */
        public Builder transport(final LoadTransport transport)
        {
            this.transport = transport;
            return this;
        }

        /** @param webSocketPort the server's WebSocket port; default 7451. @return this. */
        public Builder webSocketPort(final int webSocketPort)
        {
            this.webSocketPort = webSocketPort;
            return this;
        }

        /** @param host the server's loopback address; default 127.0.0.1. @return this. */
        public Builder host(final String host)
        {
            this.host = host;
            return this;
        }

        /** @param ports more nodes of a cluster ({@link LoadSettings#otherPorts()}). @return this. */
        public Builder otherPorts(final int... ports)
        {
            this.otherPorts = ports.clone();
            return this;
        }

        /** @param port the server's port; default 0 = the target's (7450, Redis 6379). @return this. */
        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        /** @param connections connections; default 1000. @return this. */
        public Builder connections(final int connections)
        {
            this.connections = connections;
            return this;
        }

        /** @param sourceAddresses local addresses; default 0 = {@link #defaultSourceAddresses(int)}. @return this. */
        public Builder sourceAddresses(final int sourceAddresses)
        {
            this.sourceAddresses = sourceAddresses;
            return this;
        }

        /** @param threads selector threads; default min(2, cores). @return this. */
        public Builder threads(final int threads)
        {
            this.threads = threads;
            return this;
        }

        /** @param identifyRate identifies per second, 0 (default) = as fast as possible. @return this. */
        public Builder identifyRate(final double identifyRate)
        {
            this.identifyRate = identifyRate;
            return this;
        }

        /** @param updateRate updates per second in total, 0 (default) = as fast as the window allows. @return this. */
        public Builder updateRate(final double updateRate)
        {
            this.updateRate = updateRate;
            return this;
        }

        /** @param window updates in flight per connection; default 4. @return this. */
        public Builder window(final int window)
        {
            this.window = window;
            return this;
        }

        /** @param subscriberFraction share of watchers; default 0.2. @return this. */
        public Builder subscriberFraction(final double subscriberFraction)
        {
            this.subscriberFraction = subscriberFraction;
            return this;
        }

        /** @param watchUsers users per watcher; default 4. @return this. */
        public Builder watchUsers(final int watchUsers)
        {
            this.watchUsers = watchUsers;
            return this;
        }

        /** @param watchLobbies lobbies per watcher; default 1. @return this. */
        public Builder watchLobbies(final int watchLobbies)
        {
            this.watchLobbies = watchLobbies;
            return this;
        }

        /** @param lobbySize users per lobby; default 20. @return this. */
        public Builder lobbySize(final int lobbySize)
        {
            this.lobbySize = lobbySize;
            return this;
        }

        /** @param durationMs the measured part; default 30 s. @return this. */
        public Builder durationMs(final long durationMs)
        {
            this.durationMs = durationMs;
            return this;
        }

        /** @param warmupMs the warmup; default 5 s. @return this. */
        public Builder warmupMs(final long warmupMs)
        {
            this.warmupMs = warmupMs;
            return this;
        }

        /** @param drainMs how long outstanding updates may wait for their RESULT at the end; default 3 s. @return this. */
        public Builder drainMs(final long drainMs)
        {
            this.drainMs = drainMs;
            return this;
        }

        /** @param connectTimeoutMs the connect phase's limit; default 60 s. @return this. */
        public Builder connectTimeoutMs(final long connectTimeoutMs)
        {
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /** @param firstUserId the first user id; default 1,000,000. @return this. */
        public Builder firstUserId(final long firstUserId)
        {
            this.firstUserId = firstUserId;
            return this;
        }

        /** @param seed the random seed; default from the clock. @return this. */
        public Builder seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** @param serverPid the server's pid for syscall counts and CPU time, 0 (default) for none. @return this. */
        public Builder serverPid(final long serverPid)
        {
            this.serverPid = serverPid;
            return this;
        }

        /**
         * @return the settings.
         * @throws IllegalArgumentException naming the first bad setting.
         */
        public LoadSettings build()
        {
            final int targetPort = 0 != port ? port : LoadTarget.REDIS == target ? REDIS_PORT : ROLLCALL_PORT;
            return new LoadSettings(target, redisWorkload, transport, host, targetPort, webSocketPort, connections,
                0 == sourceAddresses ? defaultSourceAddresses(connections) : sourceAddresses, threads, identifyRate,
                updateRate, window, subscriberFraction, watchUsers, watchLobbies, lobbySize, durationMs, warmupMs,
                connectTimeoutMs, drainMs, firstUserId, seed, serverPid, otherPorts);
        }
    }
}
