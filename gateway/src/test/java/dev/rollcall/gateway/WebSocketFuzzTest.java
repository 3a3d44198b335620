package dev.rollcall.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of a live gateway over WebSocket, the twin of {@link GatewayFuzzTest}: binary
 * connections ({@code rollcall.binary.v1}) carry {@link FuzzFrames}' valid and mutated frames in
 * binary messages cut anywhere and fragmented, with pings between fragments; JSON connections
 * ({@code rollcall.json.v1}) send {@link FuzzJson}'s valid and mutated messages, and a fraction
 * of them also WebSocket-level damage (reserved opcodes and RSV bits, unmasked or truncated
 * frames, bad close codes and reasons, invalid UTF-8, messages of the wrong kind or too long,
 * stray continuations, bad control frames). Whatever a connection sent, the server answers by
 * the protocol ({@link StreamCheck} over {@link WebSocketStream}, which parses every message
 * strictly) and RFC 6455 ({@link RawWebSocket}): a protocol close is followed by a close frame
 * of its code, a WebSocket-level refusal by the close code docs/protocol.md names, and a
 * connection that was not refused answers the final probe. It never throws (its error handler
 * stays empty, no HANDLER_ERRORS), and a JSON client is served afterwards. Bounded to a few
 * seconds and free of timing assertions; reproduce a run with {@code -Drollcall.seed=<seed>},
 * every failure names the seed and the connection (whose bytes depend only on both).
 */
class WebSocketFuzzTest
{
    private static final int MAX_FRAME_SIZE = 4096;
    private static final int MAX_MESSAGE_BYTES = 4 * MAX_FRAME_SIZE;
    private static final int RATE_LIMIT = 96;
    private static final int RATE_LIMIT_RESERVED = 8;
    private static final long HEALTH_CHECKER = 3;
    private static final int POOL_FIRST_USER = 1_000;
    private static final int POOL_SIZE = 300;
    private static final int WORKERS = 2;
    private static final int BINARY_CONNECTIONS = 300;
    private static final int JSON_CONNECTIONS = 400;
    private static final int MAX_FRAMES_PER_CONNECTION = 40;
    private static final int DAMAGE_PERCENT = 30;
    private static final double[] MUTATION_RATES = {0, 0, 0.005, 0.01, 0.03, 0.1, 0.3, 1};
    private static final int CLOSE_NORMAL = 1000;
    private static final int CLOSE_PROTOCOL_ERROR = 1002;
    private static final int CLOSE_UNSUPPORTED_DATA = 1003;
    private static final int CLOSE_INVALID_PAYLOAD = 1007;
    private static final int CLOSE_TOO_BIG = 1009;
    /** Protocol closes a fuzzing client may get; the others would be server bugs or need other conditions. */
    private static final Set<ErrorCode> ALLOWED_CLOSES = EnumSet.of(
        ErrorCode.UNKNOWN_OP, ErrorCode.MALFORMED_FRAME, ErrorCode.NOT_IDENTIFIED, ErrorCode.AUTHENTICATION_FAILED,
        ErrorCode.ALREADY_IDENTIFIED, ErrorCode.TOKEN_EXPIRED, ErrorCode.RATE_LIMITED, ErrorCode.FRAME_TOO_LARGE,
        ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID_SHARD, ErrorCode.SHARD_NOT_ALLOWED, ErrorCode.SLOW_CONSUMER,
        ErrorCode.INVALID_SEQ);
    /** WebSocket close codes the server may send of its own (docs/protocol.md "WebSocket"). */
    private static final Set<Integer> WEBSOCKET_CLOSES = Set.of(
        CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, CLOSE_UNSUPPORTED_DATA, CLOSE_INVALID_PAYLOAD, CLOSE_TOO_BIG);
    private static final byte[][] INVALID_UTF8 = {
        {(byte)0xC3, 0x28}, {(byte)0xFF}, {(byte)0xC0, (byte)0x80}, {(byte)0xED, (byte)0xA0, (byte)0x80},
        {(byte)0xE2, (byte)0x82, 0x41}, {(byte)0xF8, (byte)0x88, (byte)0x80, (byte)0x80, (byte)0x80}, {(byte)0x80},
        {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}};

    /** WebSocket-level damage to a JSON connection, with the close code it calls for (0: none, harmless). */
    enum Damage
    {
        RESERVED_OPCODE(CLOSE_PROTOCOL_ERROR), RSV_BITS(CLOSE_PROTOCOL_ERROR), UNMASKED(CLOSE_PROTOCOL_ERROR),
        TRUNCATED(-1), BAD_CLOSE_CODE(CLOSE_PROTOCOL_ERROR), CLIENT_CLOSE(-1), BAD_UTF8_TEXT(CLOSE_INVALID_PAYLOAD),
        BAD_UTF8_CLOSE_REASON(CLOSE_INVALID_PAYLOAD), BINARY_MESSAGE(CLOSE_UNSUPPORTED_DATA),
        STRAY_CONTINUATION(CLOSE_PROTOCOL_ERROR), DATA_INSIDE_FRAGMENTED(CLOSE_PROTOCOL_ERROR),
        OVERSIZED_MESSAGE(CLOSE_TOO_BIG), LONG_PING(CLOSE_PROTOCOL_ERROR), FRAGMENTED_PING(CLOSE_PROTOCOL_ERROR),
        PING(0), FRAGMENTED_TEXT(0);

        final int closeCode;

        Damage(final int closeCode)
        {
            this.closeCode = closeCode;
        }
    }

    private long seed;
    private TestGateway server;
    private FuzzFrames.Pool pool;
    private int port;
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong serverMessages = new AtomicLong();
    /** open (probe answered), protocol close, WebSocket close, end of stream after a half-close. */
    private final AtomicLongArray outcomes = new AtomicLongArray(4);
    private final AtomicLongArray damages = new AtomicLongArray(Damage.values().length);

    @BeforeEach
    void start() throws Exception
    {
        final String property = System.getProperty("rollcall.seed");
        seed = null != property && !property.isBlank() ? Long.parseLong(property.trim()) : System.nanoTime();
        server = new TestGateway(ctx -> ctx
            .webSocketPort(0)
            .maxFrameSize(MAX_FRAME_SIZE)
            .rateLimitCommands(RATE_LIMIT)
            .rateLimitReserved(RATE_LIMIT_RESERVED)
            .heartbeatIntervalMs(3_600_000)
            .resumeWindowMs(5_000)
            .lingerMs(500), core -> { });
        pool = new FuzzFrames.Pool(TestGateway.TOKENS, POOL_FIRST_USER, POOL_SIZE);
        port = server.gateway.webSocketAddress().getPort();
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldAnswerFuzzedBinaryFramesInFragmentedMessagesByTheProtocol() throws Exception
    {
        fuzz("binary", BINARY_CONNECTIONS, this::runBinaryConnection);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldAnswerFuzzedJsonAndWebSocketDamageByTheProtocol() throws Exception
    {
        fuzz("json", JSON_CONNECTIONS, this::runJsonConnection);
        System.out.printf("websocket fuzz json, seed %d: damages %s (order %s)%n", seed, damages,
            List.of(Damage.values()));
    }

    private void fuzz(final String name, final int connections, final LongConsumer connection) throws Exception
    {
        final String run = "seed " + seed + " (rerun with -Drollcall.seed=" + seed + ")";
        final long started = System.nanoTime();
        final AtomicLong nextIndex = new AtomicLong();
        final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try
        {
            final List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++)
            {
                running.add(workers.submit(() ->
                {
                    long index;
                    while (failures.size() < 5 && (index = nextIndex.getAndIncrement()) < connections)
                    {
                        connection.accept(index);
                    }
                    return null;
                }));
            }
            for (final Future<?> worker : running)
            {
                worker.get();
            }
        }
        finally
        {
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(failures).as(run).isEmpty();
        checkHealth(run);
        assertThat(server.errors).as(run + ": server-side exceptions").isEmpty();
        assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).as(run).isZero();
        assertThat(server.gateway.errorCount(ErrorCode.UNKNOWN_ERROR)).as(run).isZero();
        Await.until("every fuzz connection released (" + server.gateway.openConnections() + " open) for " + run,
            () -> server.gateway.openConnections() == 0);
        System.out.printf("websocket fuzz %s, %s: %d connections, %d messages sent, %d received, " +
                "outcomes open/protocol close/websocket close/eof %s, protocol errors %d, websocket protocol errors %d, " +
                "%d ms%n", name, run, connections, messagesSent.get(), serverMessages.get(), outcomes,
            server.gateway.counter(GatewayCounter.PROTOCOL_ERRORS),
            server.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    // ---------------------------------------------------------------- binary

    private void runBinaryConnection(final long index)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E37_79B9_7F4A_7C15L));
        final FuzzFrames fuzz = new FuzzFrames(random, pool, MAX_FRAME_SIZE);
        final StreamCheck check = new StreamCheck(ALLOWED_CLOSES);
        final boolean identify = random.nextInt(100) < 70;
        final long userId = pool.user(random);
        final double mutationRate = MUTATION_RATES[random.nextInt(MUTATION_RATES.length)];
        final int frameCount = 1 + random.nextInt(random.nextBoolean() ? 8 : MAX_FRAMES_PER_CONNECTION);
        final boolean halfClose = random.nextInt(10) == 0;
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (RawWebSocket ws = open(RawWebSocket.SUBPROTOCOL))
        {
            final WebSocketStream in = new WebSocketStream(ws, false);
            if (!(in.next() instanceof RawClient.Hello))
            {
                fail(index, "binary: the first frame is not HELLO", check, sent);
                return;
            }
            if (identify && !identified(ws, in, check, RawWebSocket.frame(RawWebSocket.BINARY, fuzz.identify(userId))))
            {
                fail(index, "binary: a valid IDENTIFY as " + userId + " was not answered with READY", check, sent);
                return;
            }
            if (identify)
            {
                pool.sessions.put(userId, check.readySessionId());
            }
            for (int i = 0; i < frameCount; i++)
            {
                stream.writeBytes(fuzz.next(mutationRate, !identify && i == 0 ? 0.8 : 0.004));
            }
            final boolean probe = !halfClose && GatewayFuzzTest.completeFrames(stream);
            if (probe)
            {
                stream.writeBytes(fuzz.probe());
            }
            final byte[] bytes = stream.toByteArray();
            int at = 0;
            while (at < bytes.length)
            {
                final int length = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 64 : 6_000));
                writeMessage(sent, random, RawWebSocket.BINARY, bytes, at, length);
                at += length;
            }
            messagesSent.addAndGet(frameCount);
            send(ws, sent.toByteArray());
            finish(index, ws, in, check, sent, probe, halfClose, null, 0);
        }
        catch (final IOException | RuntimeException | AssertionError ex)
        {
            fail(index, "binary: " + ex, check, sent);
        }
    }

    /** A message of these bytes: one frame, or fragments with a ping now and then between them. */
    private static void writeMessage(
        final ByteArrayOutputStream out, final SplittableRandom random, final int opcode, final byte[] bytes, final int from,
        final int length)
    {
        final int fragments = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1;
        int at = from;
        for (int f = 0; f < fragments; f++)
        {
            final boolean last = f == fragments - 1;
            final int n = last ? from + length - at : random.nextInt(from + length - at + 1);
            out.writeBytes(RawWebSocket.frame(last, 0, f == 0 ? opcode : RawWebSocket.CONTINUATION, mask(random),
                Arrays.copyOfRange(bytes, at, at + n), RawWebSocket.LengthForm.MINIMAL));
            at += n;
            if (!last && random.nextInt(4) == 0)
            {
                out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.PING, mask(random), new byte[random.nextInt(10)],
                    RawWebSocket.LengthForm.MINIMAL));
            }
        }
    }

    // ---------------------------------------------------------------- JSON

    private void runJsonConnection(final long index)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E37_79B9_7F4A_7C15L));
        final FuzzJson fuzz = new FuzzJson(random, pool);
        final StreamCheck check = new StreamCheck(ALLOWED_CLOSES);
        final boolean identify = random.nextInt(100) < 70;
        final long userId = pool.user(random);
        final double mutationRate = MUTATION_RATES[random.nextInt(MUTATION_RATES.length)];
        final int messageCount = 1 + random.nextInt(MAX_FRAMES_PER_CONNECTION);
        final Damage damage = random.nextInt(100) < DAMAGE_PERCENT ?
            Damage.values()[random.nextInt(Damage.values().length)] : null;
        final int damageAt = random.nextInt(messageCount + 1);
        final boolean halfClose = Damage.TRUNCATED == damage || random.nextInt(10) == 0;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (RawWebSocket ws = open(JdkJsonWebSocketClient.SUBPROTOCOL))
        {
            final WebSocketStream in = new WebSocketStream(ws, true);
            if (!(in.next() instanceof RawClient.Hello))
            {
                fail(index, "json: the first message is not hello", check, sent);
                return;
            }
            if (identify && !identified(ws, in, check, RawWebSocket.frame(RawWebSocket.TEXT, ascii(fuzz.identify(userId)))))
            {
                fail(index, "json: a valid identify as " + userId + " was not answered with ready", check, sent);
                return;
            }
            if (identify)
            {
                pool.sessions.put(userId, check.readySessionId());
            }
            int expectedClose = 0;
            for (int i = 0; i <= messageCount; i++)
            {
                if (null != damage && (i == damageAt && Damage.TRUNCATED != damage || i == messageCount && Damage.TRUNCATED == damage))
                {
                    damages.incrementAndGet(damage.ordinal());
                    expectedClose = damage(sent, random, damage, fuzz);
                }
                if (i < messageCount)
                {
                    final byte[] message = fuzz.next(mutationRate, !identify && i == 0 ? 0.8 : 0.004);
                    writeMessage(sent, random, RawWebSocket.TEXT, message, 0, message.length);
                }
            }
            final boolean probe = !halfClose && (null == damage || damage.closeCode == 0);
            if (probe)
            {
                sent.writeBytes(RawWebSocket.frame(RawWebSocket.TEXT, ascii(fuzz.probe())));
            }
            messagesSent.addAndGet(messageCount);
            send(ws, sent.toByteArray());
            finish(index, ws, in, check, sent, probe, halfClose, damage, expectedClose);
        }
        catch (final IOException | RuntimeException | AssertionError ex)
        {
            fail(index, "json: " + ex, check, sent);
        }
    }

    /** Write the damage; @return the close code it calls for (0 for none, -1 for any). */
    private static int damage(
        final ByteArrayOutputStream out, final SplittableRandom random, final Damage damage, final FuzzJson fuzz)
    {
        final byte[] heartbeat = ascii("{\"op\":\"heartbeat\",\"lastSeq\":0}");
        final byte[] mask = mask(random);
        switch (damage)
        {
            case RESERVED_OPCODE ->
            {
                final int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
                out.writeBytes(RawWebSocket.frame(true, 0, reserved[random.nextInt(reserved.length)], mask,
                    new byte[random.nextInt(8)], RawWebSocket.LengthForm.MINIMAL));
            }
            case RSV_BITS -> out.writeBytes(RawWebSocket.frame(true, (1 + random.nextInt(7)) << 4,
                random.nextBoolean() ? RawWebSocket.TEXT : RawWebSocket.PING, mask, heartbeat, RawWebSocket.LengthForm.MINIMAL));
            case UNMASKED -> out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.TEXT, null, heartbeat,
                RawWebSocket.LengthForm.MINIMAL));
            case TRUNCATED ->
            {
                final byte[] whole = RawWebSocket.frame(true, 0, RawWebSocket.TEXT, mask, heartbeat,
                    RawWebSocket.LengthForm.MINIMAL);
                out.write(whole, 0, 1 + random.nextInt(whole.length - 1));
            }
            case BAD_CLOSE_CODE ->
            {
                final int[] invalid = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535};
                out.writeBytes(RawWebSocket.closeFrame(invalid[random.nextInt(invalid.length)], ascii("bad")));
            }
            case CLIENT_CLOSE ->
            {
                final int[] valid = {1000, 1001, 1003, 1011, 3000, 4000, 4999};
                final int code = valid[random.nextInt(valid.length)];
                out.writeBytes(RawWebSocket.closeFrame(code, ascii("bye")));
                return code;
            }
            case BAD_UTF8_TEXT ->
            {
                final ByteArrayOutputStream text = new ByteArrayOutputStream();
                text.writeBytes(ascii("{\"op\":\"update\",\"requestId\":1,\"reason\":\"ok"));
                text.writeBytes(INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
                text.writeBytes(ascii("\",\"changes\":{}}"));
                final byte[] bytes = text.toByteArray();
                writeMessage(out, random, RawWebSocket.TEXT, bytes, 0, bytes.length);
            }
            case BAD_UTF8_CLOSE_REASON ->
            {
                final byte[] bad = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
                out.writeBytes(RawWebSocket.closeFrame(1000, bad));
            }
            case BINARY_MESSAGE -> out.writeBytes(RawWebSocket.frame(RawWebSocket.BINARY, new byte[] {1, 0, 0, 0,
                Protocol.HEARTBEAT}));
            case STRAY_CONTINUATION -> out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.CONTINUATION, mask, heartbeat,
                RawWebSocket.LengthForm.MINIMAL));
            case DATA_INSIDE_FRAGMENTED ->
            {
                out.writeBytes(RawWebSocket.frame(false, 0, RawWebSocket.TEXT, mask, ascii("{\"op\":"),
                    RawWebSocket.LengthForm.MINIMAL));
                out.writeBytes(RawWebSocket.frame(true, 0, random.nextBoolean() ? RawWebSocket.TEXT : RawWebSocket.BINARY,
                    mask, heartbeat, RawWebSocket.LengthForm.MINIMAL));
            }
            case OVERSIZED_MESSAGE ->
            {
                final byte[] big = ascii(" ".repeat(MAX_MESSAGE_BYTES + 1 + random.nextInt(100)) + "{}");
                writeMessage(out, random, RawWebSocket.TEXT, big, 0, big.length);
            }
            case LONG_PING -> out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.PING, mask,
                new byte[126 + random.nextInt(200)], RawWebSocket.LengthForm.MINIMAL));
            case FRAGMENTED_PING -> out.writeBytes(RawWebSocket.frame(false, 0, RawWebSocket.PING, mask, new byte[4],
                RawWebSocket.LengthForm.MINIMAL));
            case PING -> out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.PING, mask,
                new byte[random.nextInt(126)], RawWebSocket.LengthForm.MINIMAL));
            default ->
            {
                final byte[] message = fuzz.next(0, 0);
                final int split = random.nextInt(message.length + 1);
                out.writeBytes(RawWebSocket.frame(false, 0, RawWebSocket.TEXT, mask,
                    Arrays.copyOfRange(message, 0, split), RawWebSocket.LengthForm.MINIMAL));
                out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.PING, mask, ascii("mid"),
                    RawWebSocket.LengthForm.MINIMAL));
                out.writeBytes(RawWebSocket.frame(true, 0, RawWebSocket.CONTINUATION, mask,
                    Arrays.copyOfRange(message, split, message.length), RawWebSocket.LengthForm.MINIMAL));
            }
        }
        return damage.closeCode;
    }

    // ---------------------------------------------------------------- both

    private RawWebSocket open(final String subprotocol) throws IOException
    {
        final RawWebSocket ws = RawWebSocket.connect(port);
        final RawWebSocket.HttpResponse response = ws.handshake(new RawWebSocket.Request().protocols(subprotocol));
        if (response.status() != 101 || !subprotocol.equals(response.header("Sec-WebSocket-Protocol")))
        {
            ws.close();
            throw new AssertionError("handshake for " + subprotocol + " answered " + response);
        }
        return ws;
    }

    /** Send the identify and read until READY; @return false if the connection ended instead. */
    private static boolean identified(
        final RawWebSocket ws, final WebSocketStream in, final StreamCheck check, final byte[] identify) throws IOException
    {
        ws.sendRaw(identify);
        RawClient.Frame frame;
        do
        {
            frame = in.next();
            check.accept(frame);
        }
        while (!(frame instanceof RawClient.Ready) && !(frame instanceof RawClient.Eof));
        return frame instanceof RawClient.Ready;
    }

    /** Write everything; the server may have closed already (it drops what follows its close, or resets). */
    private static void send(final RawWebSocket ws, final byte[] bytes)
    {
        try
        {
            ws.sendRaw(bytes);
        }
        catch (final IOException ex)
        {
            // what the server sent is read and checked all the same
        }
    }

    /**
     * Read until the probe's answer or the end of the connection, checking every frame, then
     * the close frame against what came before it.
     */
    private void finish(
        final long index, final RawWebSocket ws, final WebSocketStream in, final StreamCheck check,
        final ByteArrayOutputStream sent, final boolean probe, final boolean halfClose, final Damage damage,
        final int expectedClose) throws IOException
    {
        if (halfClose)
        {
            ws.shutdownOutput();
        }
        int protocolClose = -1;
        while (true)
        {
            final RawClient.Frame frame = in.next();
            check.accept(frame);
            if (frame instanceof RawClient.CloseFrame close)
            {
                protocolClose = close.code();
            }
            if (probe && frame instanceof RawClient.Clients clients && clients.requestId() == FuzzFrames.PROBE_REQUEST_ID)
            {
                outcomes.incrementAndGet(0);
                break;
            }
            if (frame instanceof RawClient.Eof)
            {
                final int code = in.closeCode();
                final String where = "close frame " + code + " after protocol close " + protocolClose + ", damage " +
                    damage + (halfClose ? ", half-closed" : "");
                if (WebSocketStream.NO_CLOSE_FRAME == code && !halfClose)
                {
                    fail(index, "the connection ended without a close frame (" + where + ")", check, sent);
                }
                else if (protocolClose >= 0 && code != protocolClose)
                {
                    fail(index, "a protocol close not followed by a close frame of its code (" + where + ")", check, sent);
                }
                else if (protocolClose < 0 && expectedClose > 0 && code != expectedClose && !halfClose)
                {
                    fail(index, "expected close code " + expectedClose + " (" + where + ")", check, sent);
                }
                else if (protocolClose < 0 && code >= 0 && !WEBSOCKET_CLOSES.contains(code) && code != expectedClose)
                {
                    fail(index, "an unexpected close code (" + where + ")", check, sent);
                }
                outcomes.incrementAndGet(protocolClose >= 0 ? 1 : code >= 0 ? 2 : 3);
                if (probe && protocolClose < 0 && code != expectedClose && !halfClose)
                {
                    fail(index, "closed by the server with no protocol close, no damage calling for it, and the probe " +
                        "unanswered (" + where + ")", check, sent);
                }
                break;
            }
        }
        check.finish();
        serverMessages.addAndGet(in.messages());
        if (!check.violations().isEmpty())
        {
            fail(index, "protocol violations " + check.violations(), check, sent);
        }
    }

    private void fail(final long index, final String what, final StreamCheck check, final ByteArrayOutputStream sent)
    {
        final byte[] bytes = sent.toByteArray();
        final String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 512));
        failures.add("connection " + index + " of seed " + seed + " (rerun with -Drollcall.seed=" + seed + "): " + what +
            "; server sent " + check.seen() + "; first WebSocket bytes sent after HELLO/READY: " + hex);
    }

    /** A fresh JSON client identifies, updates, queries and heartbeats. */
    private void checkHealth(final String run) throws Exception
    {
        try (JdkJsonWebSocketClient client = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
        {
            client.next("hello");
            client.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.token(HEALTH_CHECKER) + "\"}");
            assertThat(client.next("ready").get("userId").asLong()).as(run).isEqualTo(HEALTH_CHECKER);
            client.send("{\"op\":\"update\",\"requestId\":1,\"reason\":\"health\",\"changes\":{\"attributes\":{\"n\":1}}}");
            final JsonNode result = client.next();
            assertThat(result.toString()).as(run).isEqualTo("{\"op\":\"result\",\"requestId\":1,\"result\":\"APPLIED\"}");
            client.send("{\"op\":\"get_clients\",\"requestId\":2,\"userIds\":[" + HEALTH_CHECKER + "]}");
            final JsonNode clients = client.next();
            assertThat(clients.path("op").asText()).as(run + ": " + clients).isEqualTo("clients");
            final JsonNode state = clients.get("clients").get(0);
            assertThat(state.get("connected").asBoolean()).as(run + ": " + clients).isTrue();
            assertThat(state.get("state").get("attributes").get("n").asLong()).as(run + ": " + clients).isEqualTo(1);
            client.send("{\"op\":\"heartbeat\",\"lastSeq\":0}");
            assertThat(client.next().toString()).as(run).isEqualTo("{\"op\":\"heartbeat_ack\",\"seq\":0}");
        }
    }

    private static byte[] mask(final SplittableRandom random)
    {
        final byte[] mask = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            mask[i] = (byte)random.nextInt(256);
        }
        return mask;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
