package dev.rollcall.bench;

import dev.rollcall.model.FieldGroup;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Status;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Heap per idle client and per idle gateway connection: a {@code main()} program, not a JMH
 * benchmark (one measurement of a steady state, not a rate). Run it from the repository root
 * after building the benchmarks jar:
 * <pre>
 *   java @journal/target/jvm.flags -cp bench/target/benchmarks.jar dev.rollcall.bench.MemoryFootprint
 *   java @journal/target/jvm.flags -cp bench/target/benchmarks.jar dev.rollcall.bench.MemoryFootprint --clients 1000000 --connections 0
 * </pre>
 * Options: {@code --clients N} (default 1,000,000; 0 skips the part) and {@code --connections N}
 * (default 10,000, lowered to what the file descriptor limit allows; 0 skips it). Takes one to
 * two minutes (each measurement waits for three full collections) and about 1.5 GB of heap
 * with the defaults; prints a few lines. To see where the bytes go, take a class histogram of
 * a process holding the clients ({@code jcmd <pid> GC.class_histogram}).
 * <p>
 * <b>Method.</b> Heap in use = {@code totalMemory - freeMemory} after three {@code System.gc()}
 * (full, compacting collections with G1), 100 ms apart so the cleaner thread can release
 * closed sockets. Each part warms up first (classes, pools, ring slots, map growth of the
 * first entries) and measures the difference between two steady states, divided by N.
 * <ol>
 *   <li><b>Idle client</b> (goal ≤ 150 B): a {@link Rollcall} with {@code Journal.NONE} and
 *   defaults; N users connect (one connection each, no subscription, no attribute) through the
 *   callback API. Counts the logic's client table, the grace and subscription structures they
 *   touch, and the index queries read it through (the client table is also the read model):
 *   everything the core holds per client.
 *   The warm-up connects one user and updates it twice per ring slot, so each slot's
 *   preallocated image exists before the first measurement.
 *   <li><b>Idle gateway connection</b> (goal ≤ 1,200 B, issue 11): a {@link Gateway} on 127.0.0.1 with one
 *   selector thread, HMAC tokens and a ten-minute heartbeat interval (so no idle connection
 *   times out during the run); N raw TCP connections, opened in this JVM, each send
 *   {@code IDENTIFY} for its own user (no initial presence), read {@code HELLO} and
 *   {@code READY}, and stay idle. The client sockets are in the same heap, so their cost is
 *   measured first, as the baseline: N client sockets connected to a plain
 *   {@code ServerSocketChannel} that accepts and holds them (heap of both ends), then the
 *   accepted ends closed and dropped (heap of the client ends alone). Server heap per
 *   connection = (gateway with N connections − gateway before) / N − client end. The result
 *   includes the core's client state of the identified user (part 1's figure) and the JDK's
 *   own {@code SocketChannel}, whose cost the table shows separately (accepted end of the
 *   baseline). Direct memory (the gateway thread's 16 MiB inbox, the JDK's socket buffers) and
 *   kernel memory are not heap and not counted.
 * </ol>
 * <b>File descriptors.</b> The connection part holds two descriptors per connection in this
 * process (client end and server end), so N is bounded by about half of {@code ulimit -n}
 * (the JVM raises its soft limit to the hard limit): on a machine with {@code ulimit -n}
 * 20,000, N = 10,000 does not fit and the default is lowered to about 9,600, with a message.
 * Raise the hard limit ({@code ulimit -Hn}, {@code /etc/security/limits.conf}, or
 * {@code LimitNOFILE} for a service) to measure more. 127.0.0.1's ephemeral ports (about 28,000
 * by default) bound it too.
 */
public final class MemoryFootprint
{
    private static final int DEFAULT_CLIENTS = 1_000_000;
    private static final int DEFAULT_CONNECTIONS = 10_000;
    private static final int WARM_UP_CONNECTIONS = 256;
    private static final int CONNECT_BATCH = 256;
    private static final int FD_HEADROOM = 300;
    private static final long CLIENT_GOAL_BYTES = 150;
    private static final long CONNECTION_GOAL_BYTES = 1200;
    private static final long FIRST_USER = 1;

    private MemoryFootprint()
    {
    }

    /**
     * Measure and print.
     *
     * @param args {@code [--clients N] [--connections N]}.
     * @throws Exception on any failure (the program then exits non-zero).
     */
    public static void main(final String[] args) throws Exception
    {
        int clients = DEFAULT_CLIENTS;
        int connections = -1;
        for (int i = 0; i < args.length; i++)
        {
            if ("--clients".equals(args[i]) && i + 1 < args.length)
            {
                clients = Integer.parseInt(args[++i]);
            }
            else if ("--connections".equals(args[i]) && i + 1 < args.length)
            {
                connections = Integer.parseInt(args[++i]);
            }
            else
            {
                System.err.println("usage: MemoryFootprint [--clients N] [--connections N]");
                System.exit(2);
                return;
            }
        }
        connections = connectionsAllowed(connections);

        final StringBuilder report = new StringBuilder(1024);
        long perClient = -1;
        if (clients > 0)
        {
            perClient = bytesPerIdleClient(clients);
            report.append(String.format(Locale.ROOT, "idle client (core, read by queries too; Journal.NONE), N = %,d: " +
                "%,d B/client (goal <= %d B: %s)%n", clients, perClient, CLIENT_GOAL_BYTES,
                perClient <= CLIENT_GOAL_BYTES ? "met" : "missed"));
        }
        if (connections > 0)
        {
            final ConnectionFootprint footprint = bytesPerIdleConnection(connections);
            final long perConnection = footprint.serverPerConnection();
            report.append(String.format(Locale.ROOT, "idle gateway connection (identified), N = %,d: " +
                "%,d B/connection on the server (goal <= %d B: %s)%n", connections, perConnection,
                CONNECTION_GOAL_BYTES, perConnection <= CONNECTION_GOAL_BYTES ? "met" : "missed"));
            report.append(String.format(Locale.ROOT,
                "  of which the JDK's accepted SocketChannel: %,d B; client end (baseline, subtracted): %,d B; " +
                "gateway heap growth incl. client ends: %,d B/connection%n",
                footprint.acceptedSocket(), footprint.clientEnd(), footprint.gatewayWithClients()));
            if (perClient >= 0)
            {
                report.append(String.format(Locale.ROOT,
                    "  without the identified user's client in the core (the idle-client figure above): %,d B%n",
                    perConnection - perClient));
            }
        }
        System.out.print(report);
    }

    // ---------------------------------------------------------------- part 1: idle clients

    private static long bytesPerIdleClient(final int clients) throws InterruptedException
    {
        final ResultTally tally = new ResultTally();
        long published = 0;
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext()))
        {
            final long warmUser = FIRST_USER + clients;
            rollcall.connectUser(warmUser, 1, tally, published++);
            final Changes changes = new Changes();
            for (int i = 0; i < 2 * rollcall.context().ringSize(); i++)
            {
                changes.clear().status((i & 1) == 0 ? Status.IDLE : Status.ONLINE);
                rollcall.update(FieldGroup.STANDARD, warmUser, changes, null, tally, published++);
            }
            tally.await(published);

            final long before = usedHeapAfterGc();
            for (long userId = FIRST_USER; userId < FIRST_USER + clients; userId++)
            {
                rollcall.connectUser(userId, 1, tally, published++);
            }
            tally.await(published);
            final long after = usedHeapAfterGc();
            tally.checkNoneRefused();
            if (rollcall.listClientIds().length != clients + 1)
            {
                throw new IllegalStateException("expected " + (clients + 1) + " clients");
            }
            return (after - before) / clients;
        }
    }

    // ---------------------------------------------------------------- part 2: idle connections

    /**
     * Per connection, in bytes.
     *
     * @param clientEnd          heap of one client-side socket (baseline).
     * @param acceptedSocket     heap of one accepted socket held by a plain server (baseline).
     * @param gatewayWithClients gateway heap growth per identified connection, client end included.
     */
    record ConnectionFootprint(long clientEnd, long acceptedSocket, long gatewayWithClients)
    {
        long serverPerConnection()
        {
            return gatewayWithClients - clientEnd;
        }
    }

    private static ConnectionFootprint bytesPerIdleConnection(final int connections) throws Exception
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");

        // baseline: client ends + plain accepted ends, then client ends alone
        final long pairs;
        final long clientEnds;
        try (ServerSocketChannel plain = ServerSocketChannel.open())
        {
            plain.bind(new InetSocketAddress(loopback, 0), 1024);
            final InetSocketAddress address = (InetSocketAddress)plain.getLocalAddress();
            final SocketChannel[][] warm = openPlain(plain, address, WARM_UP_CONNECTIONS);
            closeAll(warm[0]);
            closeAll(warm[1]);

            final long before = usedHeapAfterGc();
            final SocketChannel[][] ends = openPlain(plain, address, connections);
            pairs = usedHeapAfterGc() - before;
            final SocketChannel[] clients = ends[0];
            closeAll(ends[1]);
            ends[1] = null;
            clientEnds = usedHeapAfterGc() - before;
            Reference.reachabilityFence(clients);
            closeAll(clients);
        }

        // the gateway
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final HmacTokens tokens = new HmacTokens(secret);
        final GatewayContext context = new GatewayContext()
            .port(0)
            .threads(1)
            .authenticator(new HmacTokenAuthenticator(secret))
            .maxConnections(4 * (connections + WARM_UP_CONNECTIONS))
            .maxConnectionsPerAddress(4 * (connections + WARM_UP_CONNECTIONS))
            .heartbeatIntervalMs((int)TimeUnit.MINUTES.toMillis(10))
            .identifyTimeoutMs((int)TimeUnit.MINUTES.toMillis(1));
        final long perConnection;
        final Gateway gateway = Gateway.launch(new RollcallContext(), context);
        SocketChannel[] warm = new SocketChannel[0];
        SocketChannel[] idle = new SocketChannel[0];
        try
        {
            final IdentifyingClient client = new IdentifyingClient(gateway.address(), tokens);
            warm = client.open(FIRST_USER + connections, WARM_UP_CONNECTIONS);
            final long before = usedHeapAfterGc();
            idle = client.open(FIRST_USER, connections);
            final long after = usedHeapAfterGc();
            Reference.reachabilityFence(warm);
            Reference.reachabilityFence(idle);
            final int open = gateway.openConnections();
            final long identified = gateway.counter(GatewayCounter.IDENTIFIES);
            if (open != connections + WARM_UP_CONNECTIONS || identified != connections + WARM_UP_CONNECTIONS)
            {
                throw new IllegalStateException("the gateway holds " + open + " connections (" + identified +
                    " identified), expected " + (connections + WARM_UP_CONNECTIONS));
            }
            perConnection = (after - before) / connections;
        }
        finally
        {
            gateway.close();
            closeAll(warm);
            closeAll(idle);
        }
        return new ConnectionFootprint(clientEnds / connections, (pairs - clientEnds) / connections, perConnection);
    }

    /**
     * @return {client ends, accepted ends}, index-aligned by accept order (not by client).
     */
    private static SocketChannel[][] openPlain(
        final ServerSocketChannel server, final InetSocketAddress address, final int count) throws IOException
    {
        final SocketChannel[] clients = new SocketChannel[count];
        final SocketChannel[] accepted = new SocketChannel[count];
        for (int done = 0; done < count; done += CONNECT_BATCH)
        {
            final int end = Math.min(count, done + CONNECT_BATCH);
            for (int i = done; i < end; i++)
            {
                clients[i] = SocketChannel.open(address);
            }
            for (int i = done; i < end; i++)
            {
                accepted[i] = server.accept();
            }
        }
        return new SocketChannel[][] {clients, accepted};
    }

    private static void closeAll(final SocketChannel[] channels) throws IOException
    {
        for (final SocketChannel channel : channels)
        {
            if (null != channel)
            {
                channel.close();
            }
        }
    }

    /**
     * Opens blocking connections that identify as consecutive users and waits for each
     * {@code READY}; the channels then stay idle. One shared buffer: nothing per connection but
     * the channel.
     */
    static final class IdentifyingClient
    {
        private final InetSocketAddress address;
        private final HmacTokens tokens;
        private final ByteBuffer out = ByteBuffer.allocate(1024);
        private final FrameWriter writer = new FrameWriter(out);
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

        IdentifyingClient(final InetSocketAddress address, final HmacTokens tokens)
        {
            this.address = address;
            this.tokens = tokens;
        }

        SocketChannel[] open(final long firstUser, final int count) throws IOException
        {
            final long expiry = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
            final SocketChannel[] channels = new SocketChannel[count];
            for (int done = 0; done < count; done += CONNECT_BATCH)
            {
                final int end = Math.min(count, done + CONNECT_BATCH);
                for (int i = done; i < end; i++)
                {
                    channels[i] = SocketChannel.open(address);
                    out.clear();
                    writer.identify(Protocol.VERSION, tokens.mint(firstUser + i, Role.USER, expiry), null, false, 0, 0);
                    out.flip();
                    while (out.hasRemaining())
                    {
                        channels[i].write(out);
                    }
                }
                for (int i = done; i < end; i++)
                {
                    awaitReady(channels[i], firstUser + i);
                }
            }
            return channels;
        }

        private void awaitReady(final SocketChannel channel, final long userId) throws IOException
        {
            in.clear();
            while (true)
            {
                if (channel.read(in) < 0)
                {
                    throw new IOException("user " + userId + ": the gateway closed the connection before READY");
                }
                in.flip();
                int frame;
                while ((frame = nextFrame()) > 0)
                {
                    final int op = in.get(in.position() + Protocol.HEADER_LENGTH) & 0xFF;
                    if (op == Protocol.READY)
                    {
                        return;
                    }
                    if (op != Protocol.HELLO)
                    {
                        throw new IOException("user " + userId + ": " + Protocol.opName(op) + " instead of READY");
                    }
                    in.position(in.position() + frame);
                }
                in.compact();
            }
        }

        private int nextFrame()
        {
            try
            {
                return FrameSplitter.nextFrame(in, Protocol.MAX_SERVER_FRAME_SIZE);
            }
            catch (final ProtocolException ex)
            {
                throw new UncheckedIOException(new IOException(ex));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static int connectionsAllowed(final int requested)
    {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean))
        {
            return requested < 0 ? DEFAULT_CONNECTIONS : requested;
        }
        final UnixOperatingSystemMXBean unix = (UnixOperatingSystemMXBean)os;
        final long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - FD_HEADROOM;
        final long fit = Math.max(0, free / 2 - WARM_UP_CONNECTIONS);
        if (requested < 0)
        {
            if (fit < DEFAULT_CONNECTIONS)
            {
                System.err.printf(Locale.ROOT, "file descriptor limit %,d (ulimit -n): measuring %,d connections " +
                    "instead of %,d (two descriptors each: client and server end)%n",
                    unix.getMaxFileDescriptorCount(), fit, DEFAULT_CONNECTIONS);
                return (int)fit;
            }
            return DEFAULT_CONNECTIONS;
        }
        if (requested > fit)
        {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%,d connections need %,d file descriptors; the limit allows %,d connections (raise ulimit -n)",
                requested, 2L * (requested + WARM_UP_CONNECTIONS) + FD_HEADROOM, fit));
        }
        return requested;
    }

    private static long usedHeapAfterGc() throws InterruptedException
    {
        final Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
