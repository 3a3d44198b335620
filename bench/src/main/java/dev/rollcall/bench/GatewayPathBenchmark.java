package dev.rollcall.bench;

import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.protocol.Protocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's update path end to end, over real loopback sockets, against a heartbeat round
 * trip through the same gateway, in the same run, over each of the gateway's transports.
 * <pre>
 *   update:    updater ──UPDATE──► gateway thread 0: read, decode, publish ──► ring, then invoke the core on the same thread:
 *              journal (Journal.NONE) ──► logic ──► fan-out (CoreRouter) ──► inbox of gateway thread 0
 *              inbox ──┬─RESULT──► updater
 *                      └─(session seq, resume buffer)──DISPATCH──► watcher
 *   baseline:  updater ──HEARTBEAT──► gateway thread 0 ──HEARTBEAT_ACK──► updater
 *
 *   transport: tcp        binary frames as they are, on the gateway's port
 *              ws-binary  WebSocket, rollcall.binary.v1: each client message unmasked and its binary frames passed
 *                         on; the frames out sent in binary messages
 *              ws-json    WebSocket, rollcall.json.v1: each client text message unmasked, checked as UTF-8 and
 *                         decoded from JSON into the binary frame it stands for; each frame out encoded as JSON,
 *                         one text message a frame
 * </pre>
 * An in-process {@link Gateway} on 127.0.0.1 laid out as {@code ./rollcall serve} runs on this
 * 2-core machine: the core {@link PipelineLayout#INVOKED} on gateway thread 0 (no stage thread)
 * and 1 gateway thread, so every connection lives on that one thread; HMAC tokens, the core's
 * default {@code Journal.NONE}, a ten-minute heartbeat interval (no heartbeat is due during a
 * run) and the rate limit out of the way. Four updaters (users 1..4), each watched by its own
 * watcher (users 101..104, subscribed to it); every connection identified, with its own
 * blocking {@code SocketChannel}, all of one {@link #transport}.
 * <p>
 * One op of {@link #update()} = one UPDATE written by the next updater in turn (a reason, a
 * changed status and a changed string attribute, each cycling through a small fixed set as a
 * game client would), its RESULT ({@code APPLIED}) read back by that updater, and the
 * CLIENT_UPDATED DISPATCH read by its watcher: one command through every stage of the server
 * and two frames out. Baseline, {@link #heartbeat()}: one HEARTBEAT → HEARTBEAT_ACK round trip
 * through the gateway (no core involved), which costs the same system calls on the client side.
 * <p>
 * The benchmark's own client allocates nothing per op ({@link PathClient}: reused direct
 * buffers, frames from a fixed set of strings or precomputed JSON bytes, masked by hand, read
 * back by offset without decoding a string). So {@code -prof gc}'s {@code gc.alloc.rate.norm}
 * (every thread of the JVM) is what the server allocates per op.
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

    /** The clients' transport: {@code tcp}, {@code ws-binary} or {@code ws-json}. */
    @Param({PathClient.TCP, PathClient.WS_BINARY, PathClient.WS_JSON})
    public String transport;

    private Gateway gateway;
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final PathClient[] updaters = new PathClient[PAIRS];
    private final PathClient[] watchers = new PathClient[PAIRS];
    private final int[] steps = new int[PAIRS];
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
            new RollcallContext().layout(PipelineLayout.INVOKED).errorHandler(errors::add),
            new GatewayContext()
                .port(0)
                .webSocketPort(0)
                .threads(1)
                .authenticator(new HmacTokenAuthenticator(secret))
                .heartbeatIntervalMs((int)TimeUnit.MINUTES.toMillis(10))
                .rateLimitCommands(1_000_000_000)
                .rateLimitWindowMs(1_000)
                .errorHandler(errors::add));
        final long expiry = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        for (int i = 0; i < PAIRS; i++)
        {
            updaters[i] = PathClient.open(transport, gateway, tokens.mint(FIRST_UPDATER + i, Role.USER, expiry));
        }
        for (int i = 0; i < PAIRS; i++)
        {
            final PathClient watcher = PathClient.open(
                transport, gateway, tokens.mint(FIRST_WATCHER + i, Role.USER, expiry));
            watcher.subscribe(++requestId, FIRST_UPDATER + i);
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
            updaters[i].close();
            watchers[i].close();
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
        final int step = steps[pair];
        steps[pair] = step + 1 == PathClient.CYCLE ? 0 : step + 1;
        final PathClient updater = updaters[pair];
        final PathClient watcher = watchers[pair];
        requestId = requestId == 0xFFFF_FFFFL ? 1 : requestId + 1;
        updater.update(requestId, step);
        updater.check(updater.next(), Protocol.RESULT);
        if (!updater.applied())
        {
            throw new IllegalStateException("update refused: " + updater.describe());
        }
        watcher.check(watcher.next(), Protocol.DISPATCH);
        if (watcher.dispatchUserId() != FIRST_UPDATER + pair)
        {
            throw new IllegalStateException("dispatch about another user: " + watcher.describe());
        }
        return watcher.dispatchUpdateId();
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
        final PathClient updater = updaters[pair];
        updater.heartbeat();
        updater.check(updater.next(), Protocol.HEARTBEAT_ACK);
        return updater.acknowledgedSeq();
    }
}
