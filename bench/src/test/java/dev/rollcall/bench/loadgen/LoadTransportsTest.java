package dev.rollcall.bench.loadgen;

import dev.rollcall.gateway.GatewayCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator over each transport (TCP, WebSocket binary, WebSocket JSON) against a real gateway in this
 * process: the same bounded workload completes cleanly and the reports name the transport.
 */
class LoadTransportsTest
{
    @ParameterizedTest
    @EnumSource(LoadTransport.class)
    @Timeout(60)
    void shouldRunTheSameWorkloadCleanlyOverEachTransport(final LoadTransport transport, @TempDir final Path dir)
        throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        try (InProcessServer server = new InProcessServer())
        {
            final LoadSettings settings = LoadSettings.builder()
                .transport(transport)
                .port(server.port())
                .webSocketPort(server.webSocketPort())
                .connections(30)
                .threads(2)
                .subscriberFraction(0.2)
                .watchUsers(4)
                .watchLobbies(1)
                .lobbySize(5)
                .window(4)
                .warmupMs(300)
                .durationMs(1_000)
                .seed(seed)
                .build();

            final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

            final String summary = transport + ", seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isEqualTo(30);
            assertThat(result.connectionsFailed()).as(summary).isZero();
            assertThat(result.connectionsLost()).as(summary).isZero();
            assertThat(result.identifiesSent()).as(summary).isEqualTo(30);
            assertThat(result.updatesSent()).as(summary).isPositive();
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.resultsByName()).as(summary).isEqualTo(Map.of("APPLIED", result.updatesAcked()));
            assertThat(result.unmatchedResults()).as(summary).isZero();
            assertThat(result.subscribesOk()).as(summary).isEqualTo(6);
            assertThat(result.watchersWithoutDeliveries()).as(summary).isZero();
            assertThat(result.dispatches()).as(summary).isPositive();
            // deliveries are timed from the stamps the updates carry: partyId, and sync + teamColour
            assertThat(result.dispatchesByKind()).as(summary).containsKeys("CLIENT_UPDATED", "LOBBY_CLIENT_CHANGE");
            assertThat(result.deliveries()).as(summary)
                .isGreaterThanOrEqualTo(result.dispatchesByKind().get("LOBBY_CLIENT_CHANGE"));
            assertThat(result.heartbeatAcks()).as(summary).isPositive();
            assertThat(result.errors()).as(summary).isZero();
            assertThat(result.closesByCode()).as(summary).isEmpty();
            assertThat(result.protocolProblems()).as(summary).isZero();
            assertThat(result.isClean()).as(summary).isTrue();
            assertThat(server.errors).as(summary).isEmpty();
            assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_UPGRADES)).as(summary)
                .isEqualTo(transport.isWebSocket() ? 30 : 0);
            assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).as(summary).isZero();

            assertThat(summary).contains("over " + transport.cliName()).contains(transport.description())
                .contains(":" + (transport.isWebSocket() ? server.webSocketPort() : server.port()) + " over ");
            LoadReports.write(result, dir);
            assertThat(Files.readString(dir.resolve(LoadReports.SUMMARY_JSON)))
                .contains("\"transport\": \"" + transport.cliName() + "\"");
            assertThat(Files.readString(dir.resolve(LoadReports.RESULT_HGRM)))
                .contains("#[Transport = " + transport.cliName() + " (" + transport.description() + ")]");
            assertThat(Files.readString(dir.resolve(LoadReports.PLOT_SVG))).contains("over " + transport.cliName());
        }
    }

    @Test
    @Timeout(60)
    void shouldBudgetFromTheJsonHelloAndStayUnderTheRateLimitOverWebSocket() throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        // 40 frames per 2 s: budget 40 - 10 reserved - (2000 / 400 + 2) heartbeats - 1 identify - 2 spare = 20
        try (InProcessServer server = new InProcessServer(40, 2_000))
        {
            final LoadSettings settings = LoadSettings.builder()
                .transport(LoadTransport.WS_JSON)
                .webSocketPort(server.webSocketPort())
                .connections(20)
                .threads(1)
                .window(4)
                .warmupMs(0)
                .durationMs(2_500)
                .seed(seed)
                .build();

            final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.budget().commandsPerWindow()).as(summary).isEqualTo(20);
            assertThat(result.closesByCode()).as(summary).isEmpty();
            assertThat(result.errors()).as(summary).isZero();
            assertThat(result.updatesSent()).as(summary).isGreaterThan(20 * 4 + 20);
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.isClean()).as(summary).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = LoadTransport.class, names = {"WS_BINARY", "WS_JSON"})
    @Timeout(60)
    void shouldCountRefusedIdentifiesWithTheirCodesOverWebSocket(final LoadTransport transport) throws Exception
    {
        try (InProcessServer server = new InProcessServer())
        {
            final LoadSettings settings = LoadSettings.builder()
                .transport(transport)
                .webSocketPort(server.webSocketPort())
                .connections(5)
                .threads(1)
                .warmupMs(0)
                .durationMs(100)
                .build();

            final LoadResult result = new LoadRun(settings,
                "not-the-server-secret-0123456789".getBytes(StandardCharsets.US_ASCII)).run();

            final String summary = LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isZero();
            assertThat(result.connectionsFailed()).as(summary).isEqualTo(5);
            assertThat(result.errorsByCode()).as(summary).isEqualTo(Map.of("4004 AUTHENTICATION_FAILED", 5L));
            assertThat(result.closesByCode()).as(summary).isEqualTo(Map.of("4004 AUTHENTICATION_FAILED", 5L));
            assertThat(result.protocolProblems()).as(summary).isZero();
            assertThat(result.isClean()).as(summary).isFalse();
        }
    }

    @Test
    @Timeout(60)
    void shouldFailConnectionsWhoseUpgradeIsRefused() throws Exception
    {
        try (ServerSocket refuser = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final Thread answering = new Thread(() -> refuseAll(refuser), "refuser");
            answering.setDaemon(true);
            answering.start();
            final LoadSettings settings = LoadSettings.builder()
                .transport(LoadTransport.WS_BINARY)
                .webSocketPort(refuser.getLocalPort())
                .connections(3)
                .threads(1)
                .warmupMs(0)
                .durationMs(100)
                .connectTimeoutMs(10_000)
                .build();

            final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

            final String summary = LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isZero();
            assertThat(result.connectionsFailed()).as(summary).isEqualTo(3);
            assertThat(result.failureReasons()).as(summary)
                .isEqualTo(Map.of("WebSocket handshake refused: HTTP/1.1 403 Forbidden", 3L));
        }
    }

    /** Answers every upgrade request with 403 and closes. */
    private static void refuseAll(final ServerSocket server)
    {
        while (!server.isClosed())
        {
            try (Socket socket = server.accept())
            {
                final InputStream in = socket.getInputStream();
                int matched = 0;
                int b;
                while (matched < 4 && (b = in.read()) >= 0)
                {
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : '\r' == b ? 1 : 0;
                }
                socket.getOutputStream().write(
                    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            catch (final IOException ex)
            {
                // closed: the test is over
            }
        }
    }
}
