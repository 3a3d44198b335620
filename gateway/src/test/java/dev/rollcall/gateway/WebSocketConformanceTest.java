package dev.rollcall.gateway;

import dev.rollcall.gateway.RawWebSocket.Frame;
import dev.rollcall.gateway.RawWebSocket.HttpResponse;
import dev.rollcall.gateway.RawWebSocket.LengthForm;
import dev.rollcall.gateway.RawWebSocket.Received;
import dev.rollcall.gateway.RawWebSocket.Request;
import dev.rollcall.gateway.websocket.WebSocketFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.rollcall.gateway.RawWebSocket.BINARY;
import static dev.rollcall.gateway.RawWebSocket.CLOSE;
import static dev.rollcall.gateway.RawWebSocket.CONTINUATION;
import static dev.rollcall.gateway.RawWebSocket.DEFAULT_MASK;
import static dev.rollcall.gateway.RawWebSocket.PING;
import static dev.rollcall.gateway.RawWebSocket.PONG;
import static dev.rollcall.gateway.RawWebSocket.TEXT;
import static dev.rollcall.gateway.RawWebSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket transport against RFC 6455, section by section in the manner of the Autobahn
 * TestSuite: the opening handshake, framing, pings and pongs, reserved bits, opcodes,
 * fragmentation, UTF-8, the close handshake and the limits. The gateway runs
 * {@link WebSocketEchoHandler}, so what a client sends as binary messages must come back,
 * byte for byte, as binary messages; each breach of the protocol must end in the close code
 * the RFC names, then the server's closing of the TCP connection, without touching the other
 * connections. The client is {@link RawWebSocket}, which checks every server frame strictly.
 */
@Timeout(60) // a hang guard only: every read in RawWebSocket has its own timeout
class WebSocketConformanceTest
{
    /** Above the default (the binary frame size), so the framing tests can send 64 KiB and more. */
    private static final int MAX_MESSAGE = 256 * 1024;

    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final AtomicInteger CLOSED = new AtomicInteger();

    private static TestGateway server;
    private static int port;

    @BeforeAll
    static void start() throws Exception
    {
        server = echoGateway(ctx -> ctx.webSocketMaxMessageBytes(MAX_MESSAGE), OPENED, CLOSED);
        port = webSocketPort(server);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
    }

    private static TestGateway echoGateway(
        final Consumer<GatewayContext> settings, final AtomicInteger opened, final AtomicInteger closed) throws IOException
    {
        return new TestGateway(
            ctx ->
            {
                ctx.webSocketPort(0).handlerFactory(c -> new WebSocketEchoHandler(opened, closed));
                settings.accept(ctx);
            },
            core ->
            {
            });
    }

    private static TestGateway echoGateway(final Consumer<GatewayContext> settings) throws IOException
    {
        return echoGateway(settings, new AtomicInteger(), new AtomicInteger());
    }

    private static int webSocketPort(final TestGateway gateway)
    {
        return gateway.gateway.webSocketAddress().getPort();
    }

    private static long counter(final GatewayCounter counter)
    {
        return server.gateway.counter(counter);
    }

    private static void awaitCounter(final TestGateway gateway, final GatewayCounter counter, final long expected)
    {
        Await.until(counter + " = " + expected + " (now " + gateway.gateway.counter(counter) + ")",
            () -> gateway.gateway.counter(counter) == expected);
    }

    private static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }

    private static byte[] unhex(final String hex)
    {
        final String[] parts = hex.trim().split("\\s+");
        final byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }

    /** Send a binary message and expect its payload back. */
    private static void assertEchoes(final RawWebSocket ws, final byte[] payload) throws IOException
    {
        ws.send(BINARY, payload);
        assertThat(ws.readBinary(payload.length)).isEqualTo(payload);
    }

    /** Read up to the server's close frame, expect this code, then the end of the TCP connection. */
    private static Frame assertClosedWith(final RawWebSocket ws, final int code) throws IOException
    {
        final Frame close = ws.readClose();
        assertThat(close.closeCode()).as("close code (reason: %s)", close.closeReason()).isEqualTo(code);
        ws.expectEof();
        return close;
    }

    /**
     * On a fresh connection to the shared gateway, send these bytes at once and expect the
     * connection failed with this code, counted as a protocol error.
     */
    private static Frame assertFails(final byte[] bytes, final int code) throws IOException
    {
        final long errors = counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS);
        try (RawWebSocket ws = RawWebSocket.open(port))
        {
            ws.sendRaw(bytes);
            final Frame close = assertClosedWith(ws, code);
            awaitCounter(server, GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS, errors + 1);
            return close;
        }
    }

    /** Expect a refused handshake: this status, the connection closed after the body, no handler opened. */
    private static HttpResponse assertRefused(final Request request, final int status) throws IOException
    {
        return assertRefused(request.toBytes(), status);
    }

    private static HttpResponse assertRefused(final byte[] request, final int status) throws IOException
    {
        final long refused = counter(GatewayCounter.WEBSOCKET_HANDSHAKES_REFUSED);
        final int opened = OPENED.get();
        try (RawWebSocket ws = RawWebSocket.connect(port))
        {
            final HttpResponse response = ws.handshake(request);
            assertThat(response.status()).as("%s: %s", response.statusLine(), response.body()).isEqualTo(status);
            assertThat(response.header("Sec-WebSocket-Accept")).isNull();
            assertThat(response.header("Connection")).as("Connection").containsIgnoringCase("close");
            ws.expectEof();
            awaitCounter(server, GatewayCounter.WEBSOCKET_HANDSHAKES_REFUSED, refused + 1);
            assertThat(OPENED.get()).as("handlers opened").isEqualTo(opened);
            return response;
        }
    }

    @Nested
    class Handshake
    {
        @Test
        void shouldAnswer101WithTheAcceptOfTheRfcSampleKey() throws Exception
        {
            final long upgrades = counter(GatewayCounter.WEBSOCKET_UPGRADES);
            final int opened = OPENED.get();
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                final HttpResponse response = ws.handshake(new Request().key(RawWebSocket.SAMPLE_KEY));
                assertThat(response.statusLine()).startsWith("HTTP/1.1 101 ");
                assertThat(response.header("Upgrade")).isEqualToIgnoringCase("websocket");
                assertThat(response.header("Connection")).isEqualToIgnoringCase("Upgrade");
                assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocket.SAMPLE_ACCEPT);
                assertThat(response.header("Sec-WebSocket-Protocol")).isEqualTo(RawWebSocket.SUBPROTOCOL);
                assertThat(response.header("Sec-WebSocket-Extensions")).isNull();
                awaitCounter(server, GatewayCounter.WEBSOCKET_UPGRADES, upgrades + 1);
                assertThat(OPENED.get()).isEqualTo(opened + 1);
                assertEchoes(ws, ascii("hello"));
            }
        }

        @Test
        void shouldComputeTheAcceptFromTheClientsKey() throws Exception
        {
            final String key = Base64.getEncoder().encodeToString(randomBytes(new Random(7), 16));
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                final HttpResponse response = ws.handshake(new Request().key(key));
                assertThat(response.status()).isEqualTo(101);
                assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(sha1Accept(key));
            }
        }

        private static String sha1Accept(final String key) throws Exception
        {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(
                sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "rollcall.binary.v1",
            "chat, rollcall.binary.v1",
            "chat,rollcall.binary.v1,superchat",
            "  rollcall.binary.v1  "})
        void shouldEchoTheChosenSubprotocol(final String offered) throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                final HttpResponse response = ws.handshake(new Request().protocols(offered));
                assertThat(response.status()).isEqualTo(101);
                assertThat(response.header("Sec-WebSocket-Protocol")).isEqualTo(RawWebSocket.SUBPROTOCOL);
            }
        }

        @Test
        void shouldChooseTheSubprotocolFromRepeatedProtocolHeaders() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                final HttpResponse response = ws.handshake(
                    new Request().protocols("chat").header("Sec-WebSocket-Protocol: rollcall.binary.v1"));
                assertThat(response.status()).isEqualTo(101);
                assertThat(response.header("Sec-WebSocket-Protocol")).isEqualTo(RawWebSocket.SUBPROTOCOL);
            }
        }

        @Test
        void shouldAcceptHeaderNamesAndTokensInAnyCase() throws Exception
        {
            final byte[] request = ascii("GET /rollcall HTTP/1.1\r\n" +
                "host: 127.0.0.1\r\n" +
                "UPGRADE: WebSocket\r\n" +
                "connection: keep-alive, upgrade\r\n" +
                "sec-websocket-key: " + RawWebSocket.SAMPLE_KEY + "\r\n" +
                "SEC-WEBSOCKET-VERSION: 13\r\n" +
                "sec-websocket-protocol: rollcall.binary.v1\r\n" +
                "\r\n");
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                final HttpResponse response = ws.handshake(request);
                assertThat(response.status()).isEqualTo(101);
                assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocket.SAMPLE_ACCEPT);
                assertEchoes(ws, ascii("any case"));
            }
        }

        @Test
        void shouldIgnoreTheQueryString() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                assertThat(ws.handshake(new Request().path("/rollcall?token=abc&x=1")).status()).isEqualTo(101);
                assertEchoes(ws, ascii("query"));
            }
        }

        @ParameterizedTest(name = "key \"{0}\"")
        @ValueSource(strings = {
            "not base64 at all!",
            "AAAAAAAAAAAAAAAAAAAA", // 15 bytes
            "AAAAAAAAAAAAAAAAAAAAAAA=", // 17 bytes
            "", "dGhlIHNhbXBsZSBub25jZQ==dGhl"})
        void shouldRefuse400ForABadKey(final String key) throws Exception
        {
            assertRefused(new Request().key(key), 400);
        }

        @Test
        void shouldRefuse400WithoutAKey() throws Exception
        {
            assertRefused(new Request().key(null), 400);
        }

        @Test
        void shouldRefuse400WithoutHost() throws Exception
        {
            assertRefused(new Request().host(null), 400);
        }

        @Test
        void shouldRefuse400WithoutConnectionUpgrade() throws Exception
        {
            assertRefused(new Request().connection("keep-alive"), 400);
            assertRefused(new Request().connection(null), 400);
        }

        @Test
        void shouldRefuse400WithoutASupportedSubprotocol() throws Exception
        {
            assertThat(assertRefused(new Request().protocols(null), 400).body()).contains(RawWebSocket.SUBPROTOCOL);
            assertThat(assertRefused(new Request().protocols("chat, superchat"), 400).body())
                .contains(RawWebSocket.SUBPROTOCOL);
            assertRefused(new Request().protocols("rollcall.binary.v2"), 400);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "GET /rollcall HTTP/1.0",
            "GET /rollcall",
            "GET  /rollcall HTTP/1.1",
            "GET /rollcall SPDY/3"})
        void shouldRefuse400ForABadRequestLine(final String requestLine) throws Exception
        {
            final String request = new String(new Request().toBytes(), StandardCharsets.ISO_8859_1);
            final String rest = request.substring(request.indexOf("\r\n"));
            assertRefused(ascii(requestLine + rest), 400);
        }

        @Test
        void shouldRefuse400ForAMalformedHeaderLine() throws Exception
        {
            assertRefused(new Request().header("no colon here"), 400);
            assertRefused(new Request().header("Bad Name : x"), 400);
        }

        @Test
        void shouldAnswer503WhenTheGatewayHoldsItsConnectionLimit() throws Exception
        {
            try (TestGateway gateway = echoGateway(ctx -> ctx.maxConnections(1)))
            {
                final int wsPort = webSocketPort(gateway);
                try (RawWebSocket first = RawWebSocket.open(wsPort);
                     RawWebSocket second = RawWebSocket.connect(wsPort))
                {
                    final HttpResponse refused = second.handshake(new Request());
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.body()).contains("TOO_MANY_CONNECTIONS");
                    second.expectEof();
                    assertEchoes(first, ascii("the first still works"));
                }
                assertThat(gateway.errors).isEmpty();
            }
        }

        @Test
        void shouldRefuse403ForAnOriginOutsideTheAllowedOnes() throws Exception
        {
            try (TestGateway gateway = echoGateway(ctx -> ctx.webSocketOrigins(Set.of("https://app.example"))))
            {
                final int wsPort = webSocketPort(gateway);
                try (RawWebSocket ws = RawWebSocket.connect(wsPort))
                {
                    final HttpResponse response = ws.handshake(new Request().origin("https://evil.example"));
                    assertThat(response.status()).isEqualTo(403);
                    ws.expectEof();
                }
                try (RawWebSocket ws = RawWebSocket.connect(wsPort))
                {
                    assertThat(ws.handshake(new Request().origin("https://app.example.evil")).status()).isEqualTo(403);
                    ws.expectEof();
                }
                awaitCounter(gateway, GatewayCounter.WEBSOCKET_HANDSHAKES_REFUSED, 2);
                for (final String allowed : List.of("https://app.example", "HTTPS://APP.EXAMPLE", "https://app.example/"))
                {
                    try (RawWebSocket ws = RawWebSocket.connect(wsPort))
                    {
                        assertThat(ws.handshake(new Request().origin(allowed)).status()).isEqualTo(101);
                        assertEchoes(ws, ascii(allowed));
                    }
                }
                try (RawWebSocket ws = RawWebSocket.connect(wsPort))
                {
                    assertThat(ws.handshake(new Request()).status()).as("no Origin: not a browser").isEqualTo(101);
                }
                awaitCounter(gateway, GatewayCounter.WEBSOCKET_UPGRADES, 4);
                assertThat(gateway.errors).isEmpty();
            }
        }

        @Test
        void shouldAcceptAnyOriginWhenNoneAreConfigured() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                assertThat(ws.handshake(new Request().origin("https://anywhere.example")).status()).isEqualTo(101);
            }
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/", "/other", "/rollcall/", "/rollcall/x", "/ROLLCALL", "/rollcallx"})
        void shouldRefuse404ForAnotherPath(final String path) throws Exception
        {
            assertRefused(new Request().path(path), 404);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"POST", "PUT", "HEAD", "get"})
        void shouldRefuse405ForAMethodOtherThanGet(final String method) throws Exception
        {
            assertThat(assertRefused(new Request().method(method), 405).header("Allow")).isEqualTo("GET");
        }

        @ParameterizedTest(name = "version {0}")
        @ValueSource(strings = {"12", "8", "14", "", "13, 8"})
        void shouldRefuse426ForAnotherVersion(final String version) throws Exception
        {
            final HttpResponse response = assertRefused(new Request().version(version), 426);
            assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
            // RFC 7231 section 6.5.15: a 426 MUST carry Upgrade with the protocol(s) required
            assertThat(response.header("Upgrade")).as("Upgrade").isEqualToIgnoringCase("websocket");
        }

        @Test
        void shouldRefuse426WithoutAVersion() throws Exception
        {
            assertThat(assertRefused(new Request().version(null), 426).header("Sec-WebSocket-Version")).isEqualTo("13");
        }

        @Test
        void shouldRefuse426WhenNotAskingForAWebSocket() throws Exception
        {
            assertThat(assertRefused(new Request().upgrade("h2c"), 426).header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertRefused(new Request().upgrade(null), 426);
        }

        @Test
        void shouldRefuse431ForHeadersThatNeverEnd() throws Exception
        {
            final byte[] start = new Request().toBytes();
            final byte[] endless = concat(Arrays.copyOf(start, start.length - 2), ascii("X-Filler: "), filler(10_000));
            assertRefused(endless, 431);
        }

        @Test
        void shouldRefuse431ForCompleteHeadersOverTheLimit() throws Exception
        {
            assertRefused(requestOfLength(8193), 431);
            assertRefused(requestOfLength(20_000), 431);
        }

        @Test
        void shouldAcceptHeadersOfExactlyTheLimit() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                assertThat(ws.handshake(requestOfLength(8192)).status()).isEqualTo(101);
                assertEchoes(ws, ascii("big headers"));
            }
        }

        /** A valid request padded with a header to exactly this many bytes. */
        private static byte[] requestOfLength(final int length)
        {
            final int base = new Request().header("X-Filler: ").toBytes().length;
            final byte[] request = new Request().header("X-Filler: " +
                new String(filler(length - base), StandardCharsets.US_ASCII)).toBytes();
            assertThat(request).hasSize(length);
            return request;
        }

        private static byte[] filler(final int length)
        {
            final byte[] bytes = new byte[length];
            Arrays.fill(bytes, (byte)'a');
            return bytes;
        }

        @Test
        void shouldAcceptAHandshakeSentByteByByte() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                ws.sendByteByByte(new Request().toBytes());
                final HttpResponse response = ws.readHttpResponse();
                assertThat(response.status()).isEqualTo(101);
                assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocket.SAMPLE_ACCEPT);
                assertEchoes(ws, ascii("after a slow handshake"));
            }
        }

        @Test
        void shouldRefuseAHandshakeSentByteByByte() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                ws.sendByteByByte(new Request().path("/nowhere").toBytes());
                assertThat(ws.readHttpResponse().status()).isEqualTo(404);
                ws.expectEof();
            }
        }

        @Test
        void shouldDecodeFramesSentInTheSameWriteAsTheHandshake() throws Exception
        {
            final byte[] first = randomBytes(new Random(11), 300);
            try (RawWebSocket ws = RawWebSocket.connect(port))
            {
                final HttpResponse response = ws.handshake(concat(new Request().toBytes(),
                    frame(BINARY, first), frame(PING, ascii("early")), frame(BINARY, ascii("!"))));
                assertThat(response.status()).isEqualTo(101);
                final Received received = ws.readDataAndPongs(first.length + 1, 1);
                assertThat(received.data()).isEqualTo(concat(first, ascii("!")));
                assertThat(received.pongs()).containsExactly(ascii("early"));
            }
        }

        @Test
        void shouldCloseAConnectionThatSendsNoHandshake() throws Exception
        {
            final AtomicInteger opened = new AtomicInteger();
            try (TestGateway gateway = echoGateway(ctx -> ctx.identifyTimeoutMs(200), opened, new AtomicInteger()))
            {
                try (RawWebSocket ws = RawWebSocket.connect(webSocketPort(gateway)))
                {
                    ws.sendRaw(ascii("GET /rollcall HTTP/1.1\r\n")); // and never the rest
                    ws.expectEof();
                }
                assertThat(opened.get()).isZero();
                assertThat(gateway.errors).isEmpty();
            }
        }
    }

    @Nested
    class Framing
    {
        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {1, 2, 3, 4, 5, 124, 125, 126, 127, 128, 1000, 65535, 65536, 65537, 200_000})
        void shouldEchoAPayloadOfLength(final int length) throws Exception
        {
            final byte[] payload = randomBytes(new Random(length), length);
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                assertEchoes(ws, payload);
            }
        }

        @Test
        void shouldAcceptAnEmptyBinaryMessage() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.send(BINARY, new byte[0]);
                ws.send(PING, ascii("still open?"));
                assertThat(ws.readDataAndPongs(0, 1).pongs()).containsExactly(ascii("still open?"));
                assertEchoes(ws, ascii("x"));
            }
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(value = LengthForm.class, names = {"BITS_7", "BITS_16", "BITS_64"})
        void shouldDecodeEachLengthForm(final LengthForm form) throws Exception
        {
            final int length = switch (form)
            {
                case BITS_7 -> 125;
                case BITS_16 -> 65535;
                default -> 65536;
            };
            final byte[] payload = randomBytes(new Random(form.ordinal()), length);
            final byte[] bytes = frame(true, 0, BINARY, DEFAULT_MASK, payload, form);
            assertThat(bytes[1] & 0x7F).isEqualTo(form == LengthForm.BITS_7 ? 125 : form == LengthForm.BITS_16 ? 126 : 127);
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(bytes);
                assertThat(ws.readBinary(length)).isEqualTo(payload);
            }
        }

        @Test
        void shouldUnmaskWithEachFramesOwnKey() throws Exception
        {
            final Random random = new Random(3);
            final ByteArrayOutputStream sent = new ByteArrayOutputStream();
            final ByteArrayOutputStream wire = new ByteArrayOutputStream();
            final List<byte[]> masks = List.of(new byte[4], unhex("FF FF FF FF"), unhex("01 02 03 04"), unhex("80 00 00 01"));
            for (int i = 0; i < 40; i++)
            {
                final byte[] mask = i < masks.size() ? masks.get(i) : randomBytes(random, 4);
                final byte[] payload = randomBytes(random, random.nextInt(300));
                sent.write(payload, 0, payload.length);
                final byte[] f = frame(true, 0, BINARY, mask, payload, LengthForm.MINIMAL);
                wire.write(f, 0, f.length);
            }
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(wire.toByteArray());
                assertThat(ws.readBinary(sent.size())).isEqualTo(sent.toByteArray());
            }
        }

        @Test
        void shouldEchoEveryByteValue() throws Exception
        {
            final byte[] payload = new byte[256 * 4];
            for (int i = 0; i < payload.length; i++)
            {
                payload[i] = (byte)i;
            }
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                assertEchoes(ws, payload);
            }
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3})
        void shouldReassembleAFrameSplitAcrossManyWrites(final long seed) throws Exception
        {
            final Random random = new Random(seed);
            final byte[] payload = randomBytes(random, 3000);
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendInChunks(frame(BINARY, payload), random, 7);
                assertThat(ws.readBinary(payload.length)).as("seed %d", seed).isEqualTo(payload);
            }
        }

        @Test
        void shouldReassembleHeadersSentByteByByte() throws Exception
        {
            final byte[] small = ascii("small");
            final byte[] medium = randomBytes(new Random(5), 300);
            final byte[] large = randomBytes(new Random(6), 70_000);
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                for (final byte[] payload : List.of(small, medium, large))
                {
                    final byte[] f = frame(BINARY, payload);
                    final int header = f.length - payload.length;
                    ws.sendByteByByte(Arrays.copyOf(f, header + 1));
                    ws.sendRaw(Arrays.copyOfRange(f, header + 1, f.length));
                    assertThat(ws.readBinary(payload.length)).isEqualTo(payload);
                }
            }
        }

        @Test
        void shouldDecodeSeveralFramesInOneWrite() throws Exception
        {
            final Random random = new Random(17);
            final ByteArrayOutputStream sent = new ByteArrayOutputStream();
            final ByteArrayOutputStream wire = new ByteArrayOutputStream();
            final List<byte[]> pings = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                final byte[] payload = randomBytes(random, random.nextInt(i % 10 == 0 ? 2000 : 130));
                sent.write(payload, 0, payload.length);
                final byte[] f = frame(BINARY, payload);
                wire.write(f, 0, f.length);
                if (i % 7 == 0)
                {
                    final byte[] ping = randomBytes(random, random.nextInt(126));
                    pings.add(ping);
                    final byte[] p = frame(PING, ping);
                    wire.write(p, 0, p.length);
                }
            }
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(wire.toByteArray());
                final Received received = ws.readDataAndPongs(sent.size(), pings.size());
                assertThat(received.data()).isEqualTo(sent.toByteArray());
                assertThat(received.pongs()).containsExactlyElementsOf(pings);
            }
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {21, 22, 23, 24, 25})
        void shouldSurviveAMixedStreamInOddChunks(final long seed) throws Exception
        {
            final Random random = new Random(seed);
            final ByteArrayOutputStream sent = new ByteArrayOutputStream();
            final ByteArrayOutputStream wire = new ByteArrayOutputStream();
            final List<byte[]> pings = new ArrayList<>();
            for (int message = 0; message < 30; message++)
            {
                final int fragments = 1 + random.nextInt(4);
                for (int i = 0; i < fragments; i++)
                {
                    final byte[] payload = randomBytes(random, random.nextInt(random.nextInt(8) == 0 ? 5000 : 200));
                    sent.write(payload, 0, payload.length);
                    final byte[] f = frame(i == fragments - 1, 0, i == 0 ? BINARY : CONTINUATION,
                        randomBytes(random, 4), payload, LengthForm.MINIMAL);
                    wire.write(f, 0, f.length);
                    final int control = random.nextInt(6);
                    if (control == 0)
                    {
                        final byte[] ping = randomBytes(random, random.nextInt(126));
                        pings.add(ping);
                        final byte[] p = frame(true, 0, PING, randomBytes(random, 4), ping, LengthForm.MINIMAL);
                        wire.write(p, 0, p.length);
                    }
                    else if (control == 1)
                    {
                        final byte[] p = frame(PONG, randomBytes(random, random.nextInt(126)));
                        wire.write(p, 0, p.length);
                    }
                }
            }
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendInChunks(wire.toByteArray(), random, 4000);
                final Received received = ws.readDataAndPongs(sent.size(), pings.size());
                assertThat(received.data()).as("seed %d", seed).isEqualTo(sent.toByteArray());
                assertThat(received.pongs()).as("seed %d", seed).containsExactlyElementsOf(pings);
            }
        }

        @Test
        void shouldWriteServerHeadersInTheMinimalLengthForm()
        {
            assertThat(serverHeader(0)).isEqualTo(unhex("82 00"));
            assertThat(serverHeader(125)).isEqualTo(unhex("82 7D"));
            assertThat(serverHeader(126)).isEqualTo(unhex("82 7E 00 7E"));
            assertThat(serverHeader(65535)).isEqualTo(unhex("82 7E FF FF"));
            assertThat(serverHeader(65536)).isEqualTo(unhex("82 7F 00 00 00 00 00 01 00 00"));
            assertThat(serverHeader(Integer.MAX_VALUE)).isEqualTo(unhex("82 7F 00 00 00 00 7F FF FF FF"));
            for (final int length : new int[]{0, 125, 126, 65535, 65536})
            {
                assertThat(WebSocketFrames.serverHeaderLength(length)).isEqualTo(serverHeader(length).length);
            }
        }

        private static byte[] serverHeader(final int length)
        {
            final ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            WebSocketFrames.putServerHeader(out, WebSocketFrames.OPCODE_BINARY, length);
            return Arrays.copyOf(out.array(), out.position());
        }
    }

    @Nested
    class PingsAndPongs
    {
        @Test
        void shouldPingAPeerThatIsSilentAndKeepItOpenWhenItAnswers() throws Exception
        {
            final TestGateway pinging = echoGateway(ctx -> ctx.webSocketPingIntervalMs(100));
            try (RawWebSocket ws = RawWebSocket.open(webSocketPort(pinging)))
            {
                for (int i = 0; i < 3; i++)
                {
                    final Frame ping = ws.readFrame(); // the peer says nothing: the server asks
                    assertThat(ping.opcode()).isEqualTo(PING);
                    assertThat(ping.payload()).isEmpty();
                    ws.send(PONG, ping.payload());
                }
                assertEchoes(ws, ascii("still open"));
            }
            finally
            {
                pinging.close();
                assertThat(pinging.errors).isEmpty();
            }
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 4, 124, 125})
        void shouldAnswerAPingWithAPongCarryingTheSamePayload(final int length) throws Exception
        {
            final byte[] payload = randomBytes(new Random(length + 100), length);
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.send(PING, payload);
                final Frame pong = ws.readFrame();
                assertThat(pong.opcode()).isEqualTo(PONG);
                assertThat(pong.fin()).isTrue();
                assertThat(pong.payload()).isEqualTo(payload);
                assertEchoes(ws, ascii("open"));
            }
        }

        @Test
        void shouldAnswerEachOfManyPings() throws Exception
        {
            final List<byte[]> pings = new ArrayList<>();
            final ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 0; i < 50; i++)
            {
                final byte[] ping = ascii("ping " + i);
                pings.add(ping);
                final byte[] f = frame(PING, ping);
                wire.write(f, 0, f.length);
            }
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendInChunks(wire.toByteArray(), new Random(9), 30);
                assertThat(ws.readDataAndPongs(0, pings.size()).pongs()).containsExactlyElementsOf(pings);
            }
        }

        @Test
        void shouldCloseWith1002ForAPingOf126Bytes() throws Exception
        {
            assertFails(frame(PING, new byte[126]), 1002);
        }

        @Test
        void shouldCloseWith1002ForAPongOf126Bytes() throws Exception
        {
            assertFails(frame(PONG, new byte[126]), 1002);
        }

        @Test
        void shouldCloseWith1002ForAControlFrameAnnouncingA64BitLength() throws Exception
        {
            assertFails(frame(true, 0, PING, DEFAULT_MASK, new byte[5], LengthForm.BITS_64), 1002);
        }

        @Test
        void shouldIgnoreAnUnsolicitedPong() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.send(PONG, ascii("unsolicited"));
                ws.send(PONG, new byte[0]);
                assertEchoes(ws, ascii("next")); // readBinary fails on any other frame, a pong too
                ws.send(PING, ascii("p"));
                assertThat(ws.readDataAndPongs(0, 1).pongs()).containsExactly(ascii("p"));
            }
        }

        @Test
        void shouldAnswerAPingInTheMiddleOfAFragmentedMessage() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(concat(
                    frame(false, 0, BINARY, DEFAULT_MASK, ascii("frag"), LengthForm.MINIMAL),
                    frame(PING, ascii("middle")),
                    frame(false, 0, CONTINUATION, DEFAULT_MASK, ascii("men"), LengthForm.MINIMAL),
                    frame(PONG, ascii("unsolicited")),
                    frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("ted"), LengthForm.MINIMAL)));
                final Received received = ws.readDataAndPongs(10, 1);
                assertThat(new String(received.data(), StandardCharsets.US_ASCII)).isEqualTo("fragmented");
                assertThat(received.pongs()).containsExactly(ascii("middle"));
                assertEchoes(ws, ascii("after"));
            }
        }

        @Test
        void shouldAnswerAPingArrivingBetweenFragmentsInLaterWrites() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(frame(false, 0, BINARY, DEFAULT_MASK, ascii("one"), LengthForm.MINIMAL));
                ws.send(PING, ascii("between"));
                assertThat(ws.readDataAndPongs(3, 1).pongs()).containsExactly(ascii("between"));
                ws.sendRaw(frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("two"), LengthForm.MINIMAL));
                assertThat(ws.readBinary(3)).isEqualTo(ascii("two"));
            }
        }
    }

    @Nested
    class ReservedBits
    {
        @ParameterizedTest(name = "rsv {0}")
        @ValueSource(ints = {RawWebSocket.RSV1, RawWebSocket.RSV2, RawWebSocket.RSV3, 0x70})
        void shouldCloseWith1002ForAReservedBitOnAData(final int rsv) throws Exception
        {
            assertFails(frame(true, rsv, BINARY, DEFAULT_MASK, ascii("rsv"), LengthForm.MINIMAL), 1002);
        }

        @ParameterizedTest(name = "rsv {0}")
        @ValueSource(ints = {RawWebSocket.RSV1, RawWebSocket.RSV2, RawWebSocket.RSV3})
        void shouldCloseWith1002ForAReservedBitOnAPing(final int rsv) throws Exception
        {
            assertFails(frame(true, rsv, PING, DEFAULT_MASK, ascii("rsv"), LengthForm.MINIMAL), 1002);
        }

        @Test
        void shouldCloseWith1002ForAReservedBitOnAContinuation() throws Exception
        {
            assertFails(concat(
                frame(false, 0, BINARY, DEFAULT_MASK, ascii("a"), LengthForm.MINIMAL),
                frame(true, RawWebSocket.RSV1, CONTINUATION, DEFAULT_MASK, ascii("b"), LengthForm.MINIMAL)), 1002);
        }

        @Test
        void shouldNotEchoAnythingOfAFrameWithAReservedBit() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                assertEchoes(ws, ascii("before"));
                ws.sendRaw(frame(true, RawWebSocket.RSV2, BINARY, DEFAULT_MASK, ascii("never"), LengthForm.MINIMAL));
                final Frame first = ws.readFrame();
                assertThat(first.opcode()).as("the first frame after a bad one: %s", first).isEqualTo(CLOSE);
                assertThat(first.closeCode()).isEqualTo(1002);
                ws.expectEof();
            }
        }
    }

    @Nested
    class Opcodes
    {
        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        void shouldCloseWith1002ForAReservedOpcode(final int opcode) throws Exception
        {
            assertFails(frame(opcode, ascii("reserved")), 1002);
        }

        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {3, 7, 11, 15})
        void shouldCloseWith1002ForAReservedOpcodeWithAnEmptyPayload(final int opcode) throws Exception
        {
            assertFails(frame(opcode, new byte[0]), 1002);
        }

        @Test
        void shouldCloseWith1002ForAReservedOpcodeAfterValidFrames() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                assertEchoes(ws, ascii("valid"));
                ws.send(PING, ascii("p"));
                assertThat(ws.readDataAndPongs(0, 1).pongs()).containsExactly(ascii("p"));
                ws.send(5, ascii("bad"));
                assertClosedWith(ws, 1002);
            }
        }
    }

    @Nested
    class Fragmentation
    {
        @ParameterizedTest(name = "{0} fragments")
        @ValueSource(ints = {1, 2, 3, 10, 100})
        void shouldReassembleABinaryMessage(final int fragments) throws Exception
        {
            final Random random = new Random(fragments);
            final byte[][] parts = new byte[fragments][];
            for (int i = 0; i < fragments; i++)
            {
                parts[i] = randomBytes(random, i % 5 == 4 ? 0 : random.nextInt(500));
            }
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendFragmented(parts);
                final byte[] all = concat(parts);
                assertThat(ws.readBinary(all.length)).isEqualTo(all);
                assertEchoes(ws, ascii("next message"));
            }
        }

        @Test
        void shouldReassembleFragmentsSentInSeparateWrites() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(frame(false, 0, BINARY, DEFAULT_MASK, ascii("abc"), LengthForm.MINIMAL));
                assertThat(ws.readBinary(3)).isEqualTo(ascii("abc"));
                ws.sendRaw(frame(false, 0, CONTINUATION, DEFAULT_MASK, new byte[0], LengthForm.MINIMAL));
                ws.sendRaw(frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("def"), LengthForm.MINIMAL));
                assertThat(ws.readBinary(3)).isEqualTo(ascii("def"));
            }
        }

        @Test
        void shouldAcceptAFragmentedMessageEndingInAnEmptyFinalFrame() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendFragmented(ascii("abc"), new byte[0]);
                assertThat(ws.readBinary(3)).isEqualTo(ascii("abc"));
                ws.sendFragmented(new byte[0], new byte[0]);
                assertEchoes(ws, ascii("still framing"));
            }
        }

        @Test
        void shouldCloseWith1002ForAContinuationWithoutAStart() throws Exception
        {
            assertFails(frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("orphan"), LengthForm.MINIMAL), 1002);
        }

        @Test
        void shouldCloseWith1002ForANonFinalContinuationWithoutAStart() throws Exception
        {
            assertFails(frame(false, 0, CONTINUATION, DEFAULT_MASK, ascii("orphan"), LengthForm.MINIMAL), 1002);
        }

        @Test
        void shouldCloseWith1002ForAContinuationAfterAFinishedMessage() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendFragmented(ascii("ab"), ascii("cd"));
                assertThat(ws.readBinary(4)).isEqualTo(ascii("abcd"));
                ws.sendRaw(frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("ef"), LengthForm.MINIMAL));
                assertClosedWith(ws, 1002);
            }
        }

        @Test
        void shouldCloseWith1002ForANewMessageInsideAFragmentedOne() throws Exception
        {
            assertFails(concat(
                frame(false, 0, BINARY, DEFAULT_MASK, ascii("start"), LengthForm.MINIMAL),
                frame(true, 0, BINARY, DEFAULT_MASK, ascii("again"), LengthForm.MINIMAL)), 1002);
        }

        @Test
        void shouldCloseWith1002ForATextFrameInsideAFragmentedBinaryMessage() throws Exception
        {
            assertFails(concat(
                frame(false, 0, BINARY, DEFAULT_MASK, ascii("start"), LengthForm.MINIMAL),
                frame(true, 0, TEXT, DEFAULT_MASK, ascii("text"), LengthForm.MINIMAL)), 1002);
        }

        @ParameterizedTest(name = "opcode {0}")
        @ValueSource(ints = {PING, PONG, CLOSE})
        void shouldCloseWith1002ForAFragmentedControlFrame(final int opcode) throws Exception
        {
            assertFails(concat(
                frame(false, 0, opcode, DEFAULT_MASK, ascii("frag"), LengthForm.MINIMAL),
                frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("ment"), LengthForm.MINIMAL)), 1002);
        }

        @Test
        void shouldCloseWith1002ForAFragmentedPingInsideAFragmentedMessage() throws Exception
        {
            assertFails(concat(
                frame(false, 0, BINARY, DEFAULT_MASK, ascii("data"), LengthForm.MINIMAL),
                frame(false, 0, PING, DEFAULT_MASK, ascii("ping"), LengthForm.MINIMAL)), 1002);
        }
    }

    @Nested
    class Utf8Handling
    {
        @Test
        void shouldCloseWith1003ForATextMessage() throws Exception
        {
            final Frame close = assertFails(frame(TEXT, "hello".getBytes(StandardCharsets.UTF_8)), 1003);
            assertThat(close.closeReason()).contains("binary");
        }

        @Test
        void shouldCloseWith1003ForAFragmentedTextMessage() throws Exception
        {
            assertFails(concat(
                frame(false, 0, TEXT, DEFAULT_MASK, ascii("hel"), LengthForm.MINIMAL),
                frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("lo"), LengthForm.MINIMAL)), 1003);
        }

        @Test
        void shouldCloseWith1003ForAnEmptyTextMessage() throws Exception
        {
            assertFails(frame(TEXT, new byte[0]), 1003);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "C0 80", // overlong NUL
            "E0 80 80", // overlong 3-byte
            "F0 80 80 80", // overlong 4-byte
            "ED A0 80", // a UTF-16 surrogate
            "F4 90 80 80", // above U+10FFFF
            "FF", "80", // not a start byte
            "CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64", // valid, then a surrogate
            "E2 82", // ends inside a character
            "F0 9F 98"})
        void shouldCloseWith1007ForACloseReasonThatIsNotUtf8(final String hex) throws Exception
        {
            assertFails(RawWebSocket.closeFrame(1000, unhex(hex)), 1007);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"κόσμε", "héllo € 𝄞", "\u007F\u0080\u07FF\u0800\uFFFF", "\uDBFF\uDFFF"})
        void shouldAnswerACloseWithAValidMultiByteReason(final String reason) throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendClose(1000, reason);
                assertClosedWith(ws, 1000);
            }
        }
    }

    @Nested
    class CloseHandling
    {
        @Test
        void shouldEchoANormalCloseThenCloseTheTcpConnection() throws Exception
        {
            final int closed = CLOSED.get();
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                assertEchoes(ws, ascii("bye soon"));
                ws.sendClose(1000, "done");
                final Frame close = ws.readFrame();
                assertThat(close.opcode()).isEqualTo(CLOSE);
                assertThat(close.closeCode()).isEqualTo(1000);
                ws.expectEof();
            }
            Await.until("the handler's onClose", () -> CLOSED.get() > closed);
        }

        @Test
        void shouldEchoDataSentBeforeTheCloseInTheSameWrite() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(concat(frame(BINARY, ascii("last words")), RawWebSocket.closeFrame(1000, new byte[0])));
                assertThat(ws.readBinary(10)).isEqualTo(ascii("last words"));
                final Frame close = ws.readFrame();
                assertThat(close.opcode()).isEqualTo(CLOSE);
                assertThat(close.closeCode()).isEqualTo(1000);
                ws.expectEof();
            }
        }

        @Test
        void shouldIgnoreFramesAfterTheClientsClose() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(concat(RawWebSocket.closeFrame(1000, new byte[0]), frame(BINARY, ascii("too late")),
                    frame(PING, ascii("too late"))));
                final Frame close = ws.readFrame();
                assertThat(close.opcode()).as("%s", close).isEqualTo(CLOSE);
                assertThat(close.closeCode()).isEqualTo(1000);
                ws.expectEof();
            }
        }

        @Test
        void shouldAnswerACloseWithAnEmptyPayload() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.send(CLOSE, new byte[0]);
                final Frame close = ws.readFrame();
                assertThat(close.opcode()).isEqualTo(CLOSE);
                assertThat(close.closeCode()).as("no code, or 1000").isIn(-1, 1000);
                ws.expectEof();
            }
        }

        @Test
        void shouldCloseWith1002ForAOneByteClosePayload() throws Exception
        {
            assertFails(frame(CLOSE, new byte[]{0x03}), 1002);
        }

        @ParameterizedTest(name = "code {0}")
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void shouldCloseWith1002ForAnInvalidCloseCode(final int code) throws Exception
        {
            assertFails(RawWebSocket.closeFrame(code, new byte[0]), 1002);
        }

        @ParameterizedTest(name = "code {0}")
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
        void shouldEchoAValidCloseCode(final int code) throws Exception
        {
            final long errors = counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS);
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendClose(code, "reason " + code);
                final Frame close = ws.readFrame();
                assertThat(close.opcode()).isEqualTo(CLOSE);
                assertThat(close.closeCode()).isEqualTo(code);
                ws.expectEof();
            }
            assertThat(counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).isEqualTo(errors);
        }

        @Test
        void shouldAnswerACloseWithAFull125BytePayload() throws Exception
        {
            final byte[] reason = new byte[123];
            Arrays.fill(reason, (byte)'r');
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendRaw(RawWebSocket.closeFrame(1001, reason));
                assertClosedWith(ws, 1001);
            }
        }

        @Test
        void shouldAnswerACloseSentInOddChunks() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                ws.sendByteByByte(RawWebSocket.closeFrame(4321, "chunked close".getBytes(StandardCharsets.UTF_8)));
                assertClosedWith(ws, 4321);
            }
        }

        @Test
        void shouldSay1001WhenTheGatewayShutsDown() throws Exception
        {
            final TestGateway gateway = echoGateway(ctx -> { });
            try (RawWebSocket ws = RawWebSocket.open(webSocketPort(gateway)))
            {
                assertEchoes(ws, ascii("before shutdown"));
                gateway.close();
                assertClosedWith(ws, 1001);
            }
            finally
            {
                gateway.close();
            }
            assertThat(gateway.errors).isEmpty();
        }
    }

    @Nested
    class Limits
    {
        private static final int LIMIT = 1000;

        @Test
        void shouldCloseWith1009ForAMessageOverTheLimit() throws Exception
        {
            try (TestGateway gateway = echoGateway(ctx -> ctx.webSocketMaxMessageBytes(LIMIT)))
            {
                final int wsPort = webSocketPort(gateway);
                try (RawWebSocket ws = RawWebSocket.open(wsPort))
                {
                    assertEchoes(ws, new byte[LIMIT]);
                    ws.sendRaw(RawWebSocket.header(true, BINARY, LIMIT + 1)); // the payload never needs to come
                    final Frame close = assertClosedWith(ws, 1009);
                    assertThat(close.closeReason()).contains(String.valueOf(LIMIT));
                }
                awaitCounter(gateway, GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS, 1);
                assertThat(gateway.errors).isEmpty();
            }
        }

        @Test
        void shouldCloseWith1009WhenFragmentsAddUpToMoreThanTheLimit() throws Exception
        {
            try (TestGateway gateway = echoGateway(ctx -> ctx.webSocketMaxMessageBytes(LIMIT)))
            {
                final int wsPort = webSocketPort(gateway);
                try (RawWebSocket ws = RawWebSocket.open(wsPort))
                {
                    ws.sendFragmented(new byte[400], new byte[400], new byte[200]); // exactly the limit
                    assertThat(ws.readBinary(LIMIT)).isEqualTo(new byte[LIMIT]);
                    ws.sendRaw(frame(false, 0, BINARY, DEFAULT_MASK, new byte[400], LengthForm.MINIMAL));
                    ws.sendRaw(frame(false, 0, CONTINUATION, DEFAULT_MASK, new byte[400], LengthForm.MINIMAL));
                    assertThat(ws.readBinary(800)).isEqualTo(new byte[800]);
                    ws.sendRaw(RawWebSocket.header(true, CONTINUATION, 201));
                    assertClosedWith(ws, 1009);
                }
                awaitCounter(gateway, GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS, 1);
            }
        }

        @Test
        void shouldNotCountPingsTowardTheMessageLimit() throws Exception
        {
            try (TestGateway gateway = echoGateway(ctx -> ctx.webSocketMaxMessageBytes(LIMIT)))
            {
                try (RawWebSocket ws = RawWebSocket.open(webSocketPort(gateway)))
                {
                    final ByteArrayOutputStream wire = new ByteArrayOutputStream();
                    final byte[] start = frame(false, 0, BINARY, DEFAULT_MASK, new byte[600], LengthForm.MINIMAL);
                    wire.write(start, 0, start.length);
                    for (int i = 0; i < 10; i++)
                    {
                        final byte[] ping = frame(PING, new byte[125]);
                        wire.write(ping, 0, ping.length);
                    }
                    final byte[] end = frame(true, 0, CONTINUATION, DEFAULT_MASK, new byte[400], LengthForm.MINIMAL);
                    wire.write(end, 0, end.length);
                    ws.sendRaw(wire.toByteArray());
                    final Received received = ws.readDataAndPongs(LIMIT, 10);
                    assertThat(received.data()).isEqualTo(new byte[LIMIT]);
                    assertEchoes(ws, new byte[LIMIT]);
                }
                assertThat(gateway.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).isZero();
            }
        }

        @Test
        void shouldLimitMessagesToFourFramesByDefault() throws Exception
        {
            try (TestGateway gateway = echoGateway(ctx -> ctx.maxFrameSize(2048)))
            {
                assertThat(gateway.gateway.context().webSocketMaxMessageBytes()).isEqualTo(4 * 2048);
                try (RawWebSocket ws = RawWebSocket.open(webSocketPort(gateway)))
                {
                    assertEchoes(ws, new byte[4 * 2048]);
                    ws.sendRaw(RawWebSocket.header(true, BINARY, 4 * 2048 + 1));
                    assertClosedWith(ws, 1009);
                }
            }
        }

        @Test
        void shouldCloseWith1009ForAHugeAnnouncedLength() throws Exception
        {
            assertFails(RawWebSocket.header(true, BINARY, 1L << 40), 1009);
            assertFails(RawWebSocket.header(true, BINARY, Long.MAX_VALUE), 1009);
        }

        @Test
        void shouldCloseWith1002ForAnUnmaskedDataFrame() throws Exception
        {
            assertFails(frame(true, 0, BINARY, null, ascii("unmasked"), LengthForm.MINIMAL), 1002);
        }

        @Test
        void shouldCloseWith1002ForAnUnmaskedControlFrame() throws Exception
        {
            assertFails(frame(true, 0, PING, null, ascii("unmasked"), LengthForm.MINIMAL), 1002);
            assertFails(frame(true, 0, CLOSE, null, unhex("03 E8"), LengthForm.MINIMAL), 1002);
        }

        @Test
        void shouldCloseWith1002ForAnUnmaskedFrameAfterMaskedOnes() throws Exception
        {
            try (RawWebSocket ws = RawWebSocket.open(port))
            {
                assertEchoes(ws, ascii("masked"));
                ws.send(true, 0, BINARY, null, ascii("unmasked"), LengthForm.MINIMAL);
                assertClosedWith(ws, 1002);
            }
        }

        @Test
        void shouldCloseWith1002ForA64BitLengthWithItsTopBitSet() throws Exception
        {
            final byte[] bytes = unhex("82 FF 80 00 00 00 00 00 00 05 37 FA 21 3D 00 00 00 00 00");
            assertFails(bytes, 1002);
            assertFails(unhex("82 FF FF FF FF FF FF FF FF FF 37 FA 21 3D"), 1002);
        }
    }

    @Nested
    class Isolation
    {
        @Test
        void shouldCloseOnlyTheConnectionThatBrokeTheProtocol() throws Exception
        {
            final long errors = counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS);
            final List<RawWebSocket> good = new ArrayList<>();
            try
            {
                for (int i = 0; i < 4; i++)
                {
                    good.add(RawWebSocket.open(port)); // spread over both threads, each next to a bad one
                    try (RawWebSocket bad = RawWebSocket.open(port))
                    {
                        bad.sendRaw(frame(true, 0, 3 + i, DEFAULT_MASK, ascii("bad"), LengthForm.MINIMAL));
                        assertClosedWith(bad, 1002);
                    }
                }
                awaitCounter(server, GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS, errors + 4);
                for (int i = 0; i < good.size(); i++)
                {
                    assertEchoes(good.get(i), ascii("still here " + i));
                    good.get(i).send(PING, ascii("ping " + i));
                    assertThat(good.get(i).readDataAndPongs(0, 1).pongs()).containsExactly(ascii("ping " + i));
                }
            }
            finally
            {
                for (final RawWebSocket ws : good)
                {
                    ws.close();
                }
            }
        }

        @Test
        void shouldKeepAFragmentedMessageOfOneConnectionApartFromAnothers() throws Exception
        {
            try (RawWebSocket a = RawWebSocket.open(port); RawWebSocket b = RawWebSocket.open(port);
                RawWebSocket c = RawWebSocket.open(port))
            {
                a.sendRaw(frame(false, 0, BINARY, DEFAULT_MASK, ascii("a1"), LengthForm.MINIMAL));
                b.sendRaw(frame(false, 0, BINARY, DEFAULT_MASK, ascii("b1"), LengthForm.MINIMAL));
                c.sendRaw(frame(false, 0, BINARY, DEFAULT_MASK, ascii("c1"), LengthForm.MINIMAL));
                assertThat(a.readBinary(2)).isEqualTo(ascii("a1"));
                assertThat(b.readBinary(2)).isEqualTo(ascii("b1"));
                assertThat(c.readBinary(2)).isEqualTo(ascii("c1"));
                a.sendRaw(frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("a2"), LengthForm.MINIMAL));
                b.sendRaw(frame(true, 0, BINARY, DEFAULT_MASK, ascii("b2"), LengthForm.MINIMAL)); // breaks b only
                c.sendRaw(frame(true, 0, CONTINUATION, DEFAULT_MASK, ascii("c2"), LengthForm.MINIMAL));
                assertThat(a.readBinary(2)).isEqualTo(ascii("a2"));
                assertThat(c.readBinary(2)).isEqualTo(ascii("c2"));
                assertClosedWith(b, 1002);
                assertEchoes(a, ascii("a3"));
                assertEchoes(c, ascii("c3"));
            }
        }
    }
}
