package dev.rollcall.gateway;

import dev.rollcall.core.Limits;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's limits (docs/protocol.md, "Framing", "Heartbeats", rate limiting and the error
 * table), each configured small: refused with the documented code, counted, only the offending
 * connection closed, everybody else served.
 */
class GatewayLimitsTest
{
    private static final int SMALL_FRAME = 128;

    private TestGateway server;
    private long nextFreshUser = 5_000;

    private void start(final Consumer<GatewayContext> settings) throws IOException
    {
        start(settings, core -> { });
    }

    private void start(final Consumer<GatewayContext> settings, final Consumer<RollcallContext> core) throws IOException
    {
        server = new TestGateway(settings, core);
    }

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
            assertThat(server.errors).isEmpty();
            assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).isZero();
        }
    }

    // ---------------------------------------------------------------- framing

    @ParameterizedTest(name = "length {0}, identified {1}")
    @CsvSource({"129, false", "129, true", "4097, true", "65536, false", "2147483647, false", "2147483647, true"})
    void shouldRefuseAFrameLargerThanMaxFrameSizeBeforeItsBody(final int length, final boolean identified)
        throws Exception
    {
        start(ctx -> ctx.maxFrameSize(SMALL_FRAME));
        final long before = server.gateway.errorCount(ErrorCode.FRAME_TOO_LARGE);
        try (RawClient client = connect(identified, 1))
        {
            client.sendRaw(concat(header(length), new byte[] {Protocol.UPDATE, 1, 2, 3}));
            assertThat(ServerFrames.brief(client.untilClosed())).as("refused without waiting for the body")
                .isEqualTo(ServerFrames.refusal(ErrorCode.FRAME_TOO_LARGE));
        }
        assertCounted(ErrorCode.FRAME_TOO_LARGE, before);
        assertServesAFreshClient();
    }

    @Test
    void shouldAcceptAFrameOfExactlyMaxFrameSizeAndRefuseOneByteMore() throws Exception
    {
        start(ctx -> ctx.maxFrameSize(SMALL_FRAME));
        try (RawClient client = new RawClient(server.address()))
        {
            assertThat(client.next(RawClient.Hello.class).maxFrameSize()).isEqualTo(SMALL_FRAME);
            client.writer().identify(Protocol.VERSION, TestGateway.token(1), new Changes(), false, 0, 0);
            client.flush();
            client.next(RawClient.Ready.class);
            // length = op 1 + requestId 4 + group 1 + string 2 + reason + mask 2
            final int reasonForMax = SMALL_FRAME - 10;
            assertThat(client.writer().update(1, Protocol.GROUP_STANDARD, "r".repeat(reasonForMax), new Changes()))
                .isEqualTo(Protocol.HEADER_LENGTH + SMALL_FRAME);
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(1, Result.UNCHANGED));
            client.writer().update(2, Protocol.GROUP_STANDARD, "r".repeat(reasonForMax + 1), new Changes());
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.FRAME_TOO_LARGE));
        }
    }

    @ParameterizedTest(name = "length {0}, identified {1}")
    @CsvSource({"0, false", "0, true", "-1, true", "-2147483648, false", "-2147483648, true"})
    void shouldRefuseALengthBelowOne(final int length, final boolean identified) throws Exception
    {
        start(ctx -> ctx.maxFrameSize(SMALL_FRAME));
        final long before = server.gateway.errorCount(ErrorCode.MALFORMED_FRAME);
        try (RawClient client = connect(identified, 1))
        {
            client.sendRaw(concat(header(length), new byte[] {Protocol.HEARTBEAT, 0, 0, 0, 0, 0, 0, 0, 0}));
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.MALFORMED_FRAME));
        }
        assertCounted(ErrorCode.MALFORMED_FRAME, before);
        assertServesAFreshClient();
    }

    // ---------------------------------------------------------------- ops

    @ParameterizedTest(name = "op {0}, identified {1}")
    @CsvSource({"0x00, true", "0x00, false", "0x0D, true", "0x1F, true", "0x29, true", "0x29, false", "0x2F, true",
        "0x30, true", "0x7F, true", "0x80, false", "0xFF, true"})
    void shouldRefuseAnUnknownOp(final String op, final boolean identified) throws Exception
    {
        start(ctx -> { });
        final byte[] frame = raw(Integer.decode(op), new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
        assertRefused(identified, frame, ErrorCode.UNKNOWN_OP);
    }

    static Stream<Arguments> serverFrames()
    {
        final List<Arguments> cases = new ArrayList<>();
        final Changes changes = new Changes().afk(true).attribute("k", "v");
        final ClientView view = new ClientView().userId(3).present(false);
        addBothWays(cases, "HELLO", frame(w -> w.hello(1, 30_000, 4096, 120, 60_000, 10_000)));
        addBothWays(cases, "READY", frame(w -> w.ready(1, 2, 0)));
        addBothWays(cases, "HEARTBEAT_ACK", frame(w -> w.heartbeatAck(0)));
        addBothWays(cases, "RESUMED", frame(w -> w.resumed(0)));
        addBothWays(cases, "INVALID_SESSION", frame(w -> w.invalidSession(true)));
        addBothWays(cases, "RESULT", frame(w -> w.result(1, Result.APPLIED)));
        addBothWays(cases, "ERROR", frame(w -> w.error(0, ErrorCode.UNKNOWN_ERROR.code(), "x")));
        addBothWays(cases, "DISPATCH", frame(w -> w.dispatch(1, EventType.CLIENT_UPDATED, 2, 3, 0, 4, "r",
            changes)));
        addBothWays(cases, "CLOSE", frame(w -> w.close(ErrorCode.UNKNOWN_ERROR.code(), "bye")));
        addBothWays(cases, "CLIENTS", frame(w -> w.clients(1, new ClientView[] {view}, 1)));
        addBothWays(cases, "CLIENT_IDS", frame(w -> w.clientIds(1, 0, new long[] {5}, 1)));
        addBothWays(cases, "STATS", frame(w -> w.stats(1, 2, 3, new String[] {"core_inputs_processed"}, new long[] {4}, 1)));
        return cases.stream();
    }

    private static void addBothWays(final List<Arguments> cases, final String name, final byte[] frame)
    {
        cases.add(Arguments.of(name, true, frame));
        cases.add(Arguments.of(name, false, frame));
    }

    @ParameterizedTest(name = "{0} from a client, identified {1}")
    @MethodSource("serverFrames")
    void shouldRefuseAServerOpFromAClient(final String name, final boolean identified, final byte[] frame)
        throws Exception
    {
        start(ctx -> { });
        assertRefused(identified, frame, ErrorCode.UNKNOWN_OP);
    }

    static Stream<Arguments> commands()
    {
        return Stream.of(
            Arguments.of("HEARTBEAT", frame(w -> w.heartbeat(0))),
            Arguments.of("UPDATE", frame(w -> w.update(1, Protocol.GROUP_STANDARD, "r", new Changes().afk(true)))),
            Arguments.of("UPDATE full", frame(w -> w.update(1, Protocol.GROUP_FULL, "", null))),
            Arguments.of("SUBSCRIBE", frame(w -> w.subscribe(1, new long[] {2}, 1, new long[] {3}, 1))),
            Arguments.of("UNSUBSCRIBE", frame(w -> w.unsubscribe(1, new long[] {2}, 1, null, 0))),
            Arguments.of("GET_CLIENTS", frame(w -> w.getClients(1, new long[] {2}, 1))),
            Arguments.of("LIST_CLIENT_IDS", frame(w -> w.listClientIds(1, 0, 10))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldRefuseACommandBeforeIdentify(final String name, final byte[] frame) throws Exception
    {
        start(ctx -> { });
        assertRefused(false, frame, ErrorCode.NOT_IDENTIFIED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldRefuseACommandAfterAnInvalidSession(final String name, final byte[] frame) throws Exception
    {
        start(ctx -> { });
        final long before = server.gateway.errorCount(ErrorCode.NOT_IDENTIFIED);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(TestGateway.token(1), 42, 0);
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            client.sendRaw(frame);
            assertThat(ServerFrames.brief(client.untilClosed())).isEqualTo(ServerFrames.refusal(ErrorCode.NOT_IDENTIFIED));
        }
        assertCounted(ErrorCode.NOT_IDENTIFIED, before);
    }

    @Test
    void shouldHoldCommandsPipelinedBehindIdentifyUntilReady() throws Exception
    {
        start(ctx -> { });
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.token(77), new Changes().partyId(5), false, 0, 0);
            client.writer().heartbeat(0);
            client.writer().update(2, Protocol.GROUP_STANDARD, "then", new Changes().afk(true));
            client.writer().getClients(3, new long[] {77}, 1);
            client.writer().listClientIds(4, 0, 10);
            client.flush();
            assertThat(client.next()).isInstanceOf(RawClient.Ready.class);
            // answers to pipelined requests may come in any order (the update's result comes from the core)
            assertThat(ServerFrames.brief(List.of(client.next(), client.next(), client.next(), client.next())))
                .containsExactlyInAnyOrder("HEARTBEAT_ACK 0", "RESULT 2=APPLIED", "CLIENTS", "CLIENT_IDS");
        }
        assertThat(server.gateway.errorCount(ErrorCode.NOT_IDENTIFIED)).isZero();
    }

    // ---------------------------------------------------------------- timeouts

    @Test
    void shouldCloseAConnectionThatDoesNotIdentifyInTime() throws Exception
    {
        start(ctx -> ctx.identifyTimeoutMs(200));
        try (RawClient client = new RawClient(server.address()))
        {
            assertThat(client.next(RawClient.Hello.class).identifyTimeoutMs()).isEqualTo(200);
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.IDENTIFY_TIMEOUT));
        }
        assertCounted(ErrorCode.IDENTIFY_TIMEOUT, 0);
        assertServesAFreshClient();
    }

    @Test
    void shouldCloseAConnectionStuckHalfwayThroughItsIdentify() throws Exception
    {
        start(ctx -> ctx.identifyTimeoutMs(200));
        final byte[] identify = frame(w -> w.identify(Protocol.VERSION, TestGateway.token(3), new Changes(), false, 0, 0));
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.sendRaw(Arrays.copyOf(identify, identify.length - 1));
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.IDENTIFY_TIMEOUT));
        }
        assertThat(server.gateway.rollcall().getClient(3)).isNull();
    }

    @Test
    void shouldNotRestartTheIdentifyTimeoutOnAnInvalidSession() throws Exception
    {
        start(ctx -> ctx.identifyTimeoutMs(300));
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(TestGateway.token(3), 42, 0);
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.IDENTIFY_TIMEOUT));
        }
    }

    @Test
    void shouldCloseAZombieSessionAndReportTheConnectionLost() throws Exception
    {
        start(ctx -> ctx.heartbeatIntervalMs(200).heartbeatMarginMs(100));
        final long userId = 11;
        final long sessionId;
        try (RawClient client = new RawClient(server.address()))
        {
            assertThat(client.next(RawClient.Hello.class).heartbeatIntervalMs()).isEqualTo(200);
            client.writer().identify(Protocol.VERSION, TestGateway.token(userId), new Changes(), false, 0, 0);
            client.flush();
            sessionId = client.next(RawClient.Ready.class).sessionId();
            assertThat(server.gateway.rollcall().getClient(userId).connected()).isTrue();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.SESSION_TIMED_OUT));
            Await.until("the core sees user " + userId + " disconnected while the socket is still open",
                () -> !server.gateway.rollcall().getClient(userId).connected());
        }
        assertCounted(ErrorCode.SESSION_TIMED_OUT, 0);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(TestGateway.token(userId), sessionId, 0);
            client.flush();
            assertThat(client.next()).as("SESSION_TIMED_OUT is resumable").isEqualTo(new RawClient.Resumed(0));
            assertThat(server.gateway.rollcall().getClient(userId).connected()).isTrue();
        }
    }

    @Test
    void shouldCloseAZombieThatTricklesHalfAFrame() throws Exception
    {
        start(ctx -> ctx.heartbeatIntervalMs(200).heartbeatMarginMs(100));
        try (RawClient client = server.identify(12, new Changes()))
        {
            final byte[] heartbeat = frame(w -> w.heartbeat(0));
            client.sendRaw(Arrays.copyOf(heartbeat, 6));
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.SESSION_TIMED_OUT));
        }
        Await.until("the core sees user 12 disconnected", () -> !server.gateway.rollcall().getClient(12).connected());
    }

    @Test
    void shouldKeepASessionThatHeartbeatsInTimeOpen() throws Exception
    {
        start(ctx -> ctx.heartbeatIntervalMs(200).heartbeatMarginMs(100).identifyTimeoutMs(200));
        final int heartbeats = 24;
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (RawClient client = server.identify(13, new Changes()))
        {
            final ScheduledFuture<?> beating = scheduler.scheduleAtFixedRate(() ->
            {
                try
                {
                    client.writer().heartbeat(0);
                    client.flush();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            final List<RawClient.Frame> frames = new ArrayList<>();
            try
            {
                for (int i = 0; i < heartbeats; i++)
                {
                    final RawClient.Frame frame = client.next();
                    frames.add(frame);
                    assertThat(frame).as("frame %d of a session heartbeating every 50 ms; so far %s", i,
                        ServerFrames.brief(frames)).isEqualTo(new RawClient.HeartbeatAck(0));
                }
            }
            finally
            {
                beating.cancel(false);
            }
            assertThat(server.gateway.rollcall().getClient(13).connected()).isTrue();
        }
        finally
        {
            scheduler.shutdownNow();
        }
        assertThat(server.gateway.errorCount(ErrorCode.SESSION_TIMED_OUT)).isZero();
        assertThat(server.gateway.errorCount(ErrorCode.IDENTIFY_TIMEOUT)).isZero();
    }

    // ---------------------------------------------------------------- rate limit

    /**
     * 10 frames per window, the last 3 for heartbeat/identify/resume. The IDENTIFY is the
     * window's first frame (docs: "each connection may send rateLimitCommands frames"), so
     * commands may be frames 2..7.
     */
    private void startRateLimited()
        throws IOException
    {
        start(ctx -> ctx.rateLimitCommands(10).rateLimitReserved(3).rateLimitWindowMs(600_000));
    }

    @Test
    void shouldRefuseTheCommandBeyondTheUnreservedSlots() throws Exception
    {
        startRateLimited();
        final long before = server.gateway.errorCount(ErrorCode.RATE_LIMITED);
        try (RawClient client = server.identify(21, new Changes()))
        {
            for (int i = 1; i <= 6; i++)
            {
                client.writer().update(i, Protocol.GROUP_STANDARD, "n", new Changes().partyId(i));
                client.flush();
                assertThat(client.next()).as("update %d (frame %d)", i, i + 1)
                    .isEqualTo(new RawClient.ResultFrame(i, Result.APPLIED));
            }
            client.writer().update(7, Protocol.GROUP_STANDARD, "n", new Changes().partyId(7));
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).isEqualTo(ServerFrames.refusal(ErrorCode.RATE_LIMITED));
        }
        assertCounted(ErrorCode.RATE_LIMITED, before);
        assertThat(server.gateway.rollcall().getClient(21).partyId()).as("the refused update was not applied")
            .isEqualTo(6);
        assertServesAFreshClient();
    }

    @Test
    void shouldLetHeartbeatsUseTheReservedSlots() throws Exception
    {
        startRateLimited();
        try (RawClient client = server.identify(22, new Changes()))
        {
            for (int i = 1; i <= 6; i++)
            {
                client.writer().update(i, Protocol.GROUP_STANDARD, "n", new Changes().partyId(i));
            }
            client.flush();
            for (int i = 1; i <= 6; i++)
            {
                assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(i, Result.APPLIED));
            }
            for (int i = 0; i < 3; i++)
            {
                client.writer().heartbeat(0);
                client.flush();
                assertThat(client.next()).as("heartbeat %d (frame %d)", i, 8 + i).isEqualTo(new RawClient.HeartbeatAck(0));
            }
            client.writer().heartbeat(0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).isEqualTo(ServerFrames.refusal(ErrorCode.RATE_LIMITED));
        }
        assertServesAFreshClient();
    }

    @Test
    void shouldRateLimitResumeAttempts() throws Exception
    {
        startRateLimited();
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            for (int i = 1; i <= 10; i++)
            {
                client.writer().resume(TestGateway.token(23), 1_000 + i, 0);
                client.flush();
                assertThat(client.next()).as("resume attempt %d", i).isEqualTo(new RawClient.InvalidSession(false));
            }
            client.writer().resume(TestGateway.token(23), 2_000, 0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).isEqualTo(ServerFrames.refusal(ErrorCode.RATE_LIMITED));
        }
    }

    @Test
    void shouldStartAFreshWindowWhenTheWindowHasPassed() throws Exception
    {
        final int windowMs = 1_000;
        start(ctx -> ctx.rateLimitCommands(10).rateLimitReserved(3).rateLimitWindowMs(windowMs));
        try (RawClient client = server.identify(24, new Changes()))
        {
            // the window started before READY arrived
            final CompletableFuture<Void> windowPassed = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(windowMs + 100, TimeUnit.MILLISECONDS)
                .execute(() -> windowPassed.complete(null));
            for (int i = 1; i <= 6; i++)
            {
                client.writer().update(i, Protocol.GROUP_STANDARD, "n", new Changes().partyId(i));
            }
            client.flush();
            for (int i = 1; i <= 6; i++)
            {
                assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(i, Result.APPLIED));
            }
            windowPassed.get(10, TimeUnit.SECONDS);
            for (int i = 11; i <= 17; i++)
            {
                client.writer().update(i, Protocol.GROUP_STANDARD, "n", new Changes().partyId(i));
                client.flush();
                assertThat(client.next()).as("command %d of the new window", i - 10)
                    .isEqualTo(new RawClient.ResultFrame(i, Result.APPLIED));
            }
            client.writer().update(18, Protocol.GROUP_STANDARD, "n", new Changes().partyId(18));
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).as("the 8th command of the new window")
                .isEqualTo(ServerFrames.refusal(ErrorCode.RATE_LIMITED));
        }
    }

    // ---------------------------------------------------------------- connection limits

    @Test
    void shouldRefuseConnectionsBeyondMaxConnections() throws Exception
    {
        start(ctx -> ctx.maxConnections(3));
        final List<RawClient> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                final RawClient client = new RawClient(server.address());
                clients.add(client);
                client.next(RawClient.Hello.class);
            }
            for (int i = 0; i < 5; i++)
            {
                try (RawClient refused = new RawClient(server.address()))
                {
                    assertThat(ServerFrames.brief(ServerFrames.withoutHello(refused.untilClosed())))
                        .as("connection %d beyond the limit", i)
                        .isEqualTo(ServerFrames.refusal(ErrorCode.TOO_MANY_CONNECTIONS));
                }
            }
            assertThat(server.gateway.errorCount(ErrorCode.TOO_MANY_CONNECTIONS)).isEqualTo(5);
            assertThat(server.gateway.counter(GatewayCounter.CONNECTIONS_REFUSED)).isEqualTo(5);
            for (int i = 0; i < 3; i++)
            {
                final RawClient client = clients.get(i);
                client.writer().identify(Protocol.VERSION, TestGateway.token(100 + i), new Changes(), false, 0, 0);
                client.writer().heartbeat(0);
                client.flush();
                client.next(RawClient.Ready.class);
                assertThat(client.next()).isEqualTo(new RawClient.HeartbeatAck(0));
            }
            assertThat(server.gateway.openConnections()).isEqualTo(3);

            clients.remove(0).close();
            Await.until("the server sees a connection closed", () -> server.gateway.openConnections() == 2);
            final RawClient admitted = new RawClient(server.address());
            clients.add(admitted);
            admitted.next(RawClient.Hello.class);
            admitted.writer().identify(Protocol.VERSION, TestGateway.token(200), new Changes(), false, 0, 0);
            admitted.flush();
            admitted.next(RawClient.Ready.class);
        }
        finally
        {
            for (final RawClient client : clients)
            {
                client.close();
            }
        }
        Await.until("every connection released", () -> server.gateway.openConnections() == 0);
    }

    @Test
    void shouldCountConnectionsPerSourceAddress() throws Exception
    {
        start(ctx -> ctx.maxConnectionsPerAddress(2));
        final InetAddress home = InetAddress.getByName("127.0.0.1");
        final InetAddress other = InetAddress.getByName("127.0.0.2");
        assumeCanBind(other);
        final List<WireClient> clients = new ArrayList<>();
        try
        {
            for (final InetAddress address : new InetAddress[] {home, other})
            {
                for (int i = 0; i < 2; i++)
                {
                    final WireClient client = WireClient.connect(server.address(), address, 0);
                    clients.add(client);
                    client.next(RawClient.Hello.class);
                }
                try (WireClient refused = WireClient.connect(server.address(), address, 0))
                {
                    assertThat(ServerFrames.brief(ServerFrames.withoutHello(refused.untilClosed(10_000))))
                        .as("the third connection from " + address)
                        .isEqualTo(ServerFrames.refusal(ErrorCode.TOO_MANY_CONNECTIONS_FROM_ADDRESS));
                }
            }
            assertThat(server.gateway.errorCount(ErrorCode.TOO_MANY_CONNECTIONS_FROM_ADDRESS)).isEqualTo(2);
            assertThat(server.gateway.openConnections()).isEqualTo(4);
            for (int i = 0; i < clients.size(); i++)
            {
                final WireClient client = clients.get(i);
                client.writer().identify(Protocol.VERSION, TestGateway.token(300 + i), new Changes(), false, 0, 0);
                client.flush();
                assertThat(client.next(RawClient.Ready.class).userId()).isEqualTo(300 + i);
            }

            clients.remove(0).close();
            Await.until("the server sees a connection closed", () -> server.gateway.openConnections() == 3);
            final WireClient admitted = WireClient.connect(server.address(), home, 0);
            clients.add(admitted);
            admitted.next(RawClient.Hello.class);
            admitted.writer().identify(Protocol.VERSION, TestGateway.token(400), new Changes(), false, 0, 0);
            admitted.flush();
            admitted.next(RawClient.Ready.class);
        }
        finally
        {
            for (final WireClient client : clients)
            {
                client.close();
            }
        }
        Await.until("every connection released", () -> server.gateway.openConnections() == 0);
    }

    private static void assumeCanBind(final InetAddress address)
    {
        try (SocketChannel channel = SocketChannel.open())
        {
            channel.bind(new InetSocketAddress(address, 0));
        }
        catch (final IOException ex)
        {
            Assumptions.abort("cannot bind " + address + ": " + ex);
        }
    }

    // ---------------------------------------------------------------- slow consumer

    /**
     * A watcher of {@code busy} with a 4 KB receive buffer, identified and subscribed, that reads
     * only when the test asks.
     */
    private WireClient slowWatcherOf(final long slow, final long busy) throws Exception
    {
        final WireClient slowWatcher = WireClient.connect(server.address(), null, 4096);
        slowWatcher.next(RawClient.Hello.class);
        slowWatcher.writer().identify(Protocol.VERSION, TestGateway.token(slow), new Changes(), false, 0, 0);
        slowWatcher.writer().subscribe(1, new long[] {busy}, 1, null, 0);
        slowWatcher.flush();
        slowWatcher.next(RawClient.Ready.class);
        assertThat(slowWatcher.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
        return slowWatcher;
    }

    @Test
    void shouldDeliverTheSlowConsumersGoodbyeToAPeerThatReadsSlowerThanTheLinger() throws Exception
    {
        // a linger far shorter than the slow watcher takes to read its backlog (what the kernel's
        // socket buffers hold, then what the gateway queued): each write it takes restarts it
        start(ctx -> ctx.maxOutboundBytes(64 * 1024).lingerMs(200).rateLimitCommands(1_000_000),
            core -> core.limits(new Limits(16, 32, 2_000, 128)));
        final long busy = 20;
        final long slow = 10;
        try (WireClient slowWatcher = slowWatcherOf(slow, busy);
             RawClient publisher = server.identify(busy, new Changes()))
        {
            new Publisher(publisher).untilSlowConsumer(server.gateway);
            final List<RawClient.Frame> frames = new ArrayList<>();
            while (true)
            {
                // a few KB at a time, pausing well within the linger between reads
                final RawClient.Frame frame = slowWatcher.poll(WireClient.DEFAULT_WAIT_MS);
                assertThat(frame).as("a frame or the end within 10 s, after %d frames", frames.size()).isNotNull();
                if (frame instanceof RawClient.Eof)
                {
                    break;
                }
                frames.add(frame);
                if (frames.size() % 4 == 0)
                {
                    Thread.sleep(2);
                }
            }
            assertThat(ServerFrames.brief(frames.subList(Math.max(0, frames.size() - 2), frames.size())))
                .as("the slow consumer hears why it was closed, after %d frames", frames.size())
                .isEqualTo(ServerFrames.refusal(ErrorCode.SLOW_CONSUMER));
        }
    }

    @Test
    void shouldStillCloseASlowConsumerThatStopsReadingAfterOneLinger() throws Exception
    {
        // 30 lingers of 400 ms would outlast Await's 10 s: the close must come from the first
        start(ctx -> ctx.maxOutboundBytes(64 * 1024).lingerMs(400).rateLimitCommands(1_000_000),
            core -> core.limits(new Limits(16, 32, 2_000, 128)));
        final long busy = 20;
        final long slow = 10;
        final WireClient slowWatcher = slowWatcherOf(slow, busy);
        try (RawClient publisher = server.identify(busy, new Changes()))
        {
            new Publisher(publisher).untilSlowConsumer(server.gateway);
            // it reads nothing more: no write makes progress, so the linger is not renewed
            Await.until("the core sees the slow consumer disconnected",
                () -> !server.gateway.rollcall().getClient(slow).connected());
            assertThat(server.gateway.counter(GatewayCounter.CONNECTIONS_OPEN)).isEqualTo(1);
        }
        finally
        {
            slowWatcher.close();
        }
    }

    @Test
    void shouldCloseASlowConsumerWhileOthersReceiveEveryEventInOrder() throws Exception
    {
        start(ctx -> ctx.maxOutboundBytes(64 * 1024).lingerMs(30_000).rateLimitCommands(1_000_000),
            core -> core.limits(new Limits(16, 32, 2_000, 128)));
        final long busy = 20;
        final long slow = 10;
        final long normal = 30;
        final ExecutorService publishing = Executors.newSingleThreadExecutor();
        try (WireClient slowWatcher = WireClient.connect(server.address(), null, 4096);
             RawClient watcher = server.identify(normal, new Changes());
             RawClient publisher = server.identify(busy, new Changes()))
        {
            slowWatcher.next(RawClient.Hello.class);
            slowWatcher.writer().identify(Protocol.VERSION, TestGateway.token(slow), new Changes(), false, 0, 0);
            slowWatcher.writer().subscribe(1, new long[] {busy}, 1, null, 0);
            slowWatcher.flush();
            final long slowSession = slowWatcher.next(RawClient.Ready.class).sessionId();
            assertThat(slowWatcher.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
            watcher.writer().subscribe(1, new long[] {busy}, 1, null, 0);
            watcher.flush();
            assertThat(watcher.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));

            // the slow watcher reads nothing from here on: 1.5 KB events, one at a time (no bursts), until the
            // server gives up on it
            final Publisher load = new Publisher(publisher);
            load.untilSlowConsumer(server.gateway);
            // small events now: the goodbye's reserve has room for several of them after the CLOSE
            load.publish(20, 10);
            final int firstRound = load.published;
            assertAllReceivedInOrder(watcher, 1, firstRound);
            assertThat(server.gateway.errorCount(ErrorCode.SLOW_CONSUMER)).as("only the slow watcher is slow")
                .isEqualTo(1);

            // more events while the slow watcher finally reads everything
            final Future<?> more = publishing.submit(() ->
            {
                load.publish(200, 10);
                return null;
            });
            final List<RawClient.Frame> frames = slowWatcher.untilClosed(30_000);
            more.get(30, TimeUnit.SECONDS);
            assertAllReceivedInOrder(watcher, firstRound + 1, load.published);

            final List<String> briefs = ServerFrames.brief(frames);
            final int closeAt = briefs.indexOf("CLOSE 4017");
            final List<String> tail = briefs.subList(Math.max(0, Math.min(closeAt, frames.size() - 6) - 2), frames.size());
            assertThat(frames.size()).isGreaterThan(2);
            assertThat(ServerFrames.brief(frames.subList(frames.size() - 2, frames.size())))
                .as("the slow consumer's stream ends with its refusal, nothing after the CLOSE; last frames %s", tail)
                .isEqualTo(ServerFrames.refusal(ErrorCode.SLOW_CONSUMER));
            final List<RawClient.Frame> events = frames.subList(0, frames.size() - 2);
            for (int i = 0; i < events.size(); i++)
            {
                assertThat(events.get(i)).as("frame %d of the slow consumer", i).isInstanceOf(RawClient.Dispatch.class);
                assertThat(((RawClient.Dispatch)events.get(i)).seq()).as("frame %d of the slow consumer", i)
                    .isEqualTo(i + 1);
            }
            final int received = events.size();
            assertThat(received).isLessThan(firstRound);
            Await.until("the core sees the slow consumer disconnected",
                () -> !server.gateway.rollcall().getClient(slow).connected());

            // SLOW_CONSUMER is resumable: what it missed is replayed
            try (RawClient resumed = new RawClient(server.address()))
            {
                resumed.next(RawClient.Hello.class);
                resumed.writer().resume(TestGateway.token(slow), slowSession, received);
                resumed.flush();
                for (int seq = received + 1; seq <= load.published; seq++)
                {
                    final RawClient.Frame frame = resumed.next();
                    assertThat(frame).as("replay of seq %d", seq).isInstanceOf(RawClient.Dispatch.class);
                    assertThat(((RawClient.Dispatch)frame).seq()).isEqualTo(seq);
                }
                assertThat(resumed.next()).isEqualTo(new RawClient.Resumed(load.published));
            }
        }
        finally
        {
            publishing.shutdownNow();
        }
        assertThat(server.gateway.counter(GatewayCounter.SLOW_CONSUMERS)).isEqualTo(1);
    }

    /**
     * A watcher that reads as fast as it can is not a slow consumer because more than
     * maxOutboundBytes of events for it arrived at once: the bytes can go to its socket.
     */
    @Test
    void shouldNotCloseAFastReaderOverABurstOfEvents() throws Exception
    {
        start(ctx -> ctx.maxOutboundBytes(64 * 1024).rateLimitCommands(1_000_000),
            core -> core.limits(new Limits(16, 32, 2_000, 128)));
        final long busy = 40;
        try (RawClient watcher = server.identify(41, new Changes());
             RawClient publisher = server.identify(busy, new Changes()))
        {
            watcher.writer().subscribe(1, new long[] {busy}, 1, null, 0);
            watcher.flush();
            assertThat(watcher.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
            final Publisher load = new Publisher(publisher);
            load.burst(1_000, 1_500);
            assertAllReceivedInOrder(watcher, 1, 1_000);
        }
        assertThat(server.gateway.counter(GatewayCounter.SLOW_CONSUMERS)).isZero();
    }

    /**
     * A session detached while 150 KB of events arrived (the session buffer keeps 256 KiB) is
     * resumed by a client reading as fast as it can, with maxOutboundBytes at its 64 KiB minimum.
     */
    @Test
    void shouldKeepTheResumeBufferWithinHalfTheOutboundLimit() throws Exception
    {
        start(ctx -> ctx.maxOutboundBytes(64 * 1024).rateLimitCommands(1_000_000),
            core -> core.limits(new Limits(16, 32, 2_000, 128)));
        final long busy = 50;
        final long watcherId = 51;
        final long sessionId;
        try (RawClient publisher = server.identify(busy, new Changes()))
        {
            try (RawClient watcher = new RawClient(server.address()))
            {
                watcher.next(RawClient.Hello.class);
                watcher.writer().identify(Protocol.VERSION, TestGateway.token(watcherId), new Changes(), false, 0, 0);
                watcher.writer().subscribe(1, new long[] {busy}, 1, null, 0);
                watcher.flush();
                sessionId = watcher.next(RawClient.Ready.class).sessionId();
                assertThat(watcher.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
            }
            Await.until("the core sees the watcher disconnected",
                () -> !server.gateway.rollcall().getClient(watcherId).connected());
            new Publisher(publisher).publish(100, 1_500);
        }
        try (RawClient tooOld = new RawClient(server.address()))
        {
            tooOld.next(RawClient.Hello.class);
            tooOld.writer().resume(TestGateway.token(watcherId), sessionId, 0);
            tooOld.flush();
            assertThat(tooOld.next()).as("100 events of 1.5 KB exceed the 32 KiB a session may keep")
                .isEqualTo(new RawClient.InvalidSession(false));
        }
        try (RawClient resumed = new RawClient(server.address()))
        {
            resumed.next(RawClient.Hello.class);
            resumed.writer().resume(TestGateway.token(watcherId), sessionId, 90);
            resumed.flush();
            assertAllReceivedInOrder(resumed, 91, 100);
            RawClient.Frame frame = resumed.next();
            if (frame instanceof RawClient.Dispatch publisherGone)
            {
                assertThat(publisherGone.seq()).isEqualTo(101);
                assertThat(publisherGone.type()).isEqualTo(EventType.CLIENT_DISCONNECTED);
                frame = resumed.next();
                assertThat(frame).isEqualTo(new RawClient.Resumed(101));
            }
            else
            {
                assertThat(frame).isEqualTo(new RawClient.Resumed(100));
            }
        }
        assertThat(server.gateway.errorCount(ErrorCode.SLOW_CONSUMER)).isZero();
    }

    /**
     * GET_CLIENTS may name one client 256 times; a client may hold 16 attributes of 256 UTF-8
     * bytes under 32-byte keys: the answer would be about 1.2 MB, beyond the 1 MiB a server frame
     * may have. The server must not fail on a valid request.
     */
    @Test
    void shouldSurviveAGetClientsWhoseAnswerWouldExceedTheServerFrameLimit() throws Exception
    {
        start(ctx -> ctx.rateLimitCommands(1_000));
        final long fat = 60;
        try (RawClient owner = server.identify(fat, new Changes());
             RawClient asker = server.identify(61, new Changes()))
        {
            final String value = "\u20ac".repeat(85) + "a"; // 256 UTF-8 bytes, the default limit
            for (int i = 0; i < 16; i++)
            {
                final String key = String.format("attribute-%02d-", i) + "k".repeat(18);
                owner.writer().update(i + 1, Protocol.GROUP_STANDARD, "fat", new Changes().attribute(key, value));
                owner.flush();
                assertThat(owner.next()).isEqualTo(new RawClient.ResultFrame(i + 1, Result.APPLIED));
            }
            final long[] ids = new long[Protocol.MAX_GET_CLIENTS];
            Arrays.fill(ids, fat);
            asker.writer().getClients(7, ids, ids.length);
            asker.flush();
            final RawClient.Frame answer = asker.next();
            assertThat(answer).isInstanceOf(RawClient.ErrorFrame.class);
            assertThat(((RawClient.ErrorFrame)answer).requestId()).isEqualTo(7);
            assertThat(((RawClient.ErrorFrame)answer).code()).isEqualTo(ErrorCode.ANSWER_TOO_LARGE.code());
            asker.writer().getClients(8, ids, 4);
            asker.flush();
            assertThat(asker.next()).as("the connection stays usable").isInstanceOf(RawClient.Clients.class);
        }
        assertThat(server.errors).as("server-side exceptions").isEmpty();
        assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).isZero();
        assertServesAFreshClient();
    }

    private static void assertAllReceivedInOrder(final RawClient watcher, final int from, final int to) throws Exception
    {
        for (int n = from; n <= to; n++)
        {
            final RawClient.Frame frame = watcher.next();
            assertThat(frame).as("event %d at a watcher reading as fast as it can", n).isInstanceOf(RawClient.Dispatch.class);
            final RawClient.Dispatch dispatch = (RawClient.Dispatch)frame;
            assertThat(dispatch.seq()).isEqualTo(n);
            assertThat(dispatch.type()).isEqualTo(EventType.CLIENT_UPDATED);
            assertThat(dispatch.changes().attributeString(0)).startsWith(n + ":");
        }
    }

    // ---------------------------------------------------------------- helpers

    private RawClient connect(final boolean identified, final long userId) throws Exception
    {
        if (identified)
        {
            return server.identify(userId, new Changes());
        }
        final RawClient client = new RawClient(server.address());
        client.next(RawClient.Hello.class);
        return client;
    }

    private void assertRefused(final boolean identified, final byte[] frame, final ErrorCode code) throws Exception
    {
        final long before = server.gateway.errorCount(code);
        try (RawClient client = connect(identified, 1))
        {
            client.sendRaw(frame);
            assertThat(ServerFrames.brief(client.untilClosed())).isEqualTo(ServerFrames.refusal(code));
        }
        assertCounted(code, before);
        if (identified)
        {
            Await.until("the core sees user 1 disconnected", () -> !server.gateway.rollcall().getClient(1).connected());
        }
        assertServesAFreshClient();
    }

    private void assertCounted(final ErrorCode code, final long before)
    {
        Await.until(code + " counted", () -> server.gateway.errorCount(code) > before);
        assertThat(server.gateway.errorCount(code)).as(code + " counted once").isEqualTo(before + 1);
    }

    private void assertServesAFreshClient() throws Exception
    {
        final long userId = nextFreshUser++;
        try (RawClient client = server.identify(userId, new Changes()))
        {
            client.writer().heartbeat(0);
            client.writer().update(5, Protocol.GROUP_STANDARD, "fresh", new Changes().afk(true));
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.HeartbeatAck(0));
            assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(5, Result.APPLIED));
        }
    }

    static byte[] frame(final Consumer<FrameWriter> write)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        write.accept(new FrameWriter(buffer));
        buffer.flip();
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static byte[] raw(final int op, final byte[] body)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(Protocol.HEADER_LENGTH + 1 + body.length);
        FrameWriter.raw(buffer, op, body);
        return buffer.array();
    }

    static byte[] header(final int length)
    {
        return ByteBuffer.allocate(Protocol.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putInt(length).array();
    }

    static byte[] concat(final byte[] first, final byte[] second)
    {
        final byte[] bytes = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, bytes, first.length, second.length);
        return bytes;
    }
}
