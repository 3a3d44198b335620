package dev.rollcall.bench;

import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's update path end to end, over real loopback sockets, against a heartbeat round
 * trip through the same gateway, in the same run.
 * <pre>
 *   update:    updater ──UPDATE──► gateway thread (decode, publish) ──► ring ──┬─► journal (Journal.NONE) ──┐
 *                                                                               └─► logic ──────────────────┴─► fan-out
 *              fan-out (CoreRouter) ──► inbox of the updater's home thread ──RESULT──► updater
 *                                   └─► inbox of the watcher's home thread (session seq, resume buffer) ──DISPATCH──► watcher
 *   baseline:  updater ──HEARTBEAT──► gateway thread ──HEARTBEAT_ACK──► updater
 * </pre>
 * An in-process {@link Gateway} on 127.0.0.1 with two selector threads (this machine's cores,
 * the default), HMAC tokens, the core's default {@code Journal.NONE}, a ten-minute heartbeat
 * interval (no heartbeat is due during a run) and the rate limit out of the way. Four updaters
 * (users 1..4), each watched by its own watcher (users 101..104, subscribed to it); every
 * connection identified, with its own blocking {@link SocketChannel}.
 * <p>
 * One op of {@link #update()} = one UPDATE frame written by the next updater in turn (a
 * reason, a changed status and a changed string attribute, each cycling through a small fixed
 * set as a game client would), its RESULT ({@code APPLIED}) read back by that updater, and the
 * CLIENT_UPDATED DISPATCH read by its watcher: one command through every stage of the server
 * and two frames out. Baseline, {@link #heartbeat()}: one HEARTBEAT → HEARTBEAT_ACK round trip
 * through the gateway (no core involved), which costs the same system calls on the client side.
 * <p>
 * The benchmark's own client allocates nothing per op: frames are written with the protocol's
 * {@link FrameWriter} into reused direct buffers from a fixed set of strings, and read back by
 * offset, without decoding a string. So {@code -prof gc}'s {@code gc.alloc.rate.norm} (every
 * thread of the JVM) is what the server allocates per update.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class GatewayPathBenchmark
{
    private static final int PAIRS = 4;
    private static final long FIRST_UPDATER = 1;
    private static final long FIRST_WATCHER = 101;
    private static final int USER_ID_IN_DISPATCH = Protocol.BODY_OFFSET + EventDescriptor.USER_ID_OFFSET;
    private static final int UPDATE_ID_IN_DISPATCH = Protocol.BODY_OFFSET + EventDescriptor.UPDATE_ID_OFFSET;
    private static final int RESULT_IN_RESULT = Protocol.HEADER_LENGTH + 1 + Integer.BYTES;
    private static final Status[] STATUSES = {Status.ONLINE, Status.IDLE, Status.DND};
    private static final String[] REASONS = {"menu", "match-found", "in-match"};
    private static final String MAP_KEY = "map";
    private static final String[] MAPS = {"dust", "harbour", "canyon", "tundra"};

    private Gateway gateway;
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final WireConnection[] updaters = new WireConnection[PAIRS];
    private final WireConnection[] watchers = new WireConnection[PAIRS];
    private final int[] steps = new int[PAIRS];
    private final Changes presence = new Changes();
    private int next;
    private long requestId;

    /**
     * Launch the gateway, identify every connection, subscribe each watcher to its updater, and
     * update twice round the ring (each slot's outbox fills its event holders on first use).
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final HmacTokens tokens = new HmacTokens(secret);
        gateway = Gateway.launch(
            new RollcallContext().errorHandler(errors::add),
            new GatewayContext()
                .port(0)
                .threads(2)
                .authenticator(new HmacTokenAuthenticator(secret))
                .heartbeatIntervalMs((int)TimeUnit.MINUTES.toMillis(10))
                .rateLimitCommands(1_000_000_000)
                .rateLimitWindowMs(1_000)
                .errorHandler(errors::add));
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", gateway.port());
        final long expiry = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        for (int i = 0; i < PAIRS; i++)
        {
            updaters[i] = WireConnection.identify(address, tokens.mint(FIRST_UPDATER + i, Role.USER, expiry));
        }
        for (int i = 0; i < PAIRS; i++)
        {
            final WireConnection watcher = WireConnection.identify(
                address, tokens.mint(FIRST_WATCHER + i, Role.USER, expiry));
            watcher.writer.subscribe(++requestId, new long[] {FIRST_UPDATER + i}, 1, null, 0);
            watcher.send();
            int op;
            while ((op = watcher.next()) == Protocol.DISPATCH)
            {
                // the updater's state as the subscription found it
            }
            watcher.check(op, Protocol.RESULT);
            watchers[i] = watcher;
        }
        for (int i = 0; i < 2 * RollcallContext.DEFAULT_RING_SIZE; i++)
        {
            update();
        }
    }

    /**
     * Stop the gateway; fail the run if the server reported an error.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        for (int i = 0; i < PAIRS; i++)
        {
            updaters[i].channel.close();
            watchers[i].channel.close();
        }
        gateway.close();
        if (!errors.isEmpty())
        {
            throw new IllegalStateException("the gateway reported errors", errors.peek());
        }
    }

    /**
     * One update by the next updater: write UPDATE, read its RESULT, read the watcher's DISPATCH.
     *
     * @return the update id the watcher was told.
     */
    @Benchmark
    public long update() throws IOException
    {
        final int pair = next;
        next = pair + 1 == PAIRS ? 0 : pair + 1;
        final int step = steps[pair]++;
        final WireConnection updater = updaters[pair];
        final WireConnection watcher = watchers[pair];
        presence.clear().status(STATUSES[step % STATUSES.length]).attribute(MAP_KEY, MAPS[step & 3]);
        requestId = requestId == 0xFFFF_FFFFL ? 1 : requestId + 1;
        updater.writer.update(requestId, Protocol.GROUP_STANDARD, REASONS[step % REASONS.length], presence);
        updater.send();
        updater.check(updater.next(), Protocol.RESULT);
        if (updater.in.get(updater.frameStart + RESULT_IN_RESULT) != Result.APPLIED.code())
        {
            throw new IllegalStateException("update refused: " + updater.in.get(updater.frameStart + RESULT_IN_RESULT));
        }
        watcher.check(watcher.next(), Protocol.DISPATCH);
        if (watcher.in.getLong(watcher.frameStart + USER_ID_IN_DISPATCH) != FIRST_UPDATER + pair)
        {
            throw new IllegalStateException("dispatch about another user");
        }
        return watcher.in.getLong(watcher.frameStart + UPDATE_ID_IN_DISPATCH);
    }

    /**
     * Baseline: one HEARTBEAT → HEARTBEAT_ACK round trip of the next updater.
     *
     * @return the acknowledged seq.
     */
    @Benchmark
    public long heartbeat() throws IOException
    {
        final int pair = next;
        next = pair + 1 == PAIRS ? 0 : pair + 1;
        final WireConnection updater = updaters[pair];
        updater.writer.heartbeat(0);
        updater.send();
        updater.check(updater.next(), Protocol.HEARTBEAT_ACK);
        return updater.in.getLong(updater.frameStart + Protocol.HEADER_LENGTH + 1);
    }

    /**
     * A blocking client connection that reads and writes whole frames in reused direct buffers.
     */
    static final class WireConnection
    {
        final SocketChannel channel;
        final ByteBuffer out = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        final FrameWriter writer = new FrameWriter(out);
        int frameStart;
        private int frameEnd;

        private WireConnection(final SocketChannel channel)
        {
            this.channel = channel;
            in.limit(0);
        }

        static WireConnection identify(final InetSocketAddress address, final String token) throws IOException
        {
            final SocketChannel channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final WireConnection connection = new WireConnection(channel);
            connection.check(connection.next(), Protocol.HELLO);
            connection.writer.identify(Protocol.VERSION, token, null, false, 0, 0);
            connection.send();
            connection.check(connection.next(), Protocol.READY);
            return connection;
        }

        void send() throws IOException
        {
            out.flip();
            while (out.hasRemaining())
            {
                channel.write(out);
            }
            out.clear();
        }

        /**
         * Skip the current frame and wait for the next whole one.
         *
         * @return its op; the frame is at {@link #frameStart} in {@link #in}.
         */
        int next() throws IOException
        {
            in.position(frameEnd);
            while (true)
            {
                final int position = in.position();
                if (in.remaining() >= Protocol.HEADER_LENGTH + 1)
                {
                    final int length = in.getInt(position);
                    if (in.remaining() >= Protocol.HEADER_LENGTH + length)
                    {
                        frameStart = position;
                        frameEnd = position + Protocol.HEADER_LENGTH + length;
                        return in.get(position + Protocol.HEADER_LENGTH) & 0xFF;
                    }
                }
                in.compact();
                final int read = channel.read(in);
                in.flip();
                frameEnd = 0;
                if (read < 0)
                {
                    throw new IOException("the gateway closed the connection");
                }
            }
        }

        void check(final int op, final int expected)
        {
            if (op != expected)
            {
                final byte[] frame = new byte[frameEnd - frameStart];
                in.get(frameStart, frame);
                throw new IllegalStateException("expected op " + Protocol.opName(expected) + ", got " +
                    Protocol.opName(op) + ": " + new String(frame, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
