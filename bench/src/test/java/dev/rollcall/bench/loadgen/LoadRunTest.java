package dev.rollcall.bench.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LoadRunTest
{
    @Test
    @Timeout(60)
    void shouldDriveAGatewayWithAWindowOfUpdatesMeasureAndStopByItself(@TempDir final Path dir) throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        try (InProcessServer server = new InProcessServer())
        {
            final LoadSettings settings = LoadSettings.builder()
                .port(server.port())
                .connections(50)
                .threads(2)
                .subscriberFraction(0.2)
                .window(4)
                .warmupMs(500)
                .durationMs(1_500)
                .seed(seed)
                .build();

            final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isEqualTo(50);
            assertThat(result.connectionsFailed()).as(summary).isZero();
            assertThat(result.connectionsLost()).as(summary).isZero();
            assertThat(result.connectionsClosedAtEnd()).as(summary).isEqualTo(50);
            assertThat(result.identifiesSent()).as(summary).isEqualTo(50);
            assertThat(result.updatesSent()).as(summary).isPositive();
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.resultsReceived()).as(summary).isEqualTo(result.updatesAcked());
            assertThat(result.resultsByName()).as(summary).isEqualTo(Map.of("APPLIED", result.updatesAcked()));
            assertThat(result.updatesLost()).as(summary).isZero();
            assertThat(result.unmatchedResults()).as(summary).isZero();
            assertThat(result.errors()).as(summary).isZero();
            assertThat(result.closesByCode()).as(summary).isEmpty();
            assertThat(result.protocolProblems()).as(summary).isZero();
            assertThat(result.plannedWatchers()).as(summary).isEqualTo(10);
            assertThat(result.watchers()).as(summary).isEqualTo(10);
            assertThat(result.subscribesOk()).as(summary).isEqualTo(10);
            assertThat(result.watchersWithoutDeliveries()).as(summary).isZero();
            assertThat(result.deliveries()).as(summary).isPositive();
            assertThat(result.dispatches()).as(summary).isGreaterThanOrEqualTo(result.deliveries());
            // Every lobby change comes from an update and is timed; CLIENT_UPDATED also comes from identifies.
            final long lobbyChanges = result.dispatchesByKind().getOrDefault("LOBBY_CLIENT_CHANGE", 0L);
            assertThat(result.deliveries()).as(summary).isGreaterThanOrEqualTo(lobbyChanges)
                .isLessThanOrEqualTo(lobbyChanges + result.dispatchesByKind().getOrDefault("CLIENT_UPDATED", 0L));
            assertThat(result.heartbeatAcks()).as(summary).isPositive();
            assertThat(result.bytesSent()).as(summary).isPositive();
            assertThat(result.bytesReceived()).as(summary).isPositive();
            assertThat(result.identifyLatencyNanos().getTotalCount()).as(summary).isEqualTo(50);
            assertThat(result.updateResultLatencyNanos().getTotalCount()).as(summary).isPositive();
            assertThat(result.deliveryLatencyNanos().getTotalCount()).as(summary).isPositive();
            assertThat(result.syscallsPerEvent()).as(summary).isEmpty();
            assertThat(result.problems()).as(summary).isEmpty();
            assertThat(result.isClean()).as(summary).isTrue();
            assertThat(server.errors).as(summary).isEmpty();
            awaitNoConnections(server);

            LoadReports.write(result, dir);
            for (final String hgrm : new String[]{LoadReports.IDENTIFY_HGRM, LoadReports.RESULT_HGRM,
                LoadReports.DELIVERY_HGRM})
            {
                assertThat(Files.readString(dir.resolve(hgrm))).as(hgrm).contains("Percentile").contains("#[Max");
            }
            final Document svg = parse(dir.resolve(LoadReports.PLOT_SVG));
            assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
            assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(3);
            assertThat(Files.readString(dir.resolve(LoadReports.SUMMARY_JSON)))
                .contains("\"clean\": true")
                .contains("\"updateToDelivery\"")
                .contains("\"syscallsPerEvent\": null");
            assertThat(Files.readString(dir.resolve(LoadReports.SUMMARY_TXT))).contains("clean run: yes");
        }
    }

    @Test
    @Timeout(60)
    void shouldPaceUpdatesAndIdentifiesFromSeveralSourceAddressesAndCountServerSyscalls() throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        try (InProcessServer server = new InProcessServer())
        {
            final long pid = ProcessHandle.current().pid();
            final LoadSettings settings = LoadSettings.builder()
                .port(server.port())
                .connections(30)
                .sourceAddresses(3)
                .threads(2)
                .identifyRate(300)
                .updateRate(600)
                .window(2)
                .subscriberFraction(0.5)
                .watchUsers(2)
                .watchLobbies(2)
                .lobbySize(5)
                .warmupMs(0)
                .durationMs(1_000)
                .seed(seed)
                .serverPid(pid)
                .build();

            final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isEqualTo(30);
            assertThat(result.watchers()).as(summary).isEqualTo(15);
            assertThat(result.updatesSent()).as(summary).isPositive();
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.resultsReceived()).as(summary).isEqualTo(result.updatesAcked());
            assertThat(result.deliveries()).as(summary).isPositive();
            assertThat(result.isClean()).as(summary).isTrue();
            assertThat(server.errors).as(summary).isEmpty();
            if (Files.isReadable(Path.of("/proc", Long.toString(pid), "io")))
            {
                assertThat(result.syscallsPerEvent()).as(summary).isPresent();
                assertThat(result.syscallsPerEvent().getAsDouble()).as(summary).isPositive();
            }
            else
            {
                assertThat(result.syscallsPerEvent()).as(summary).isEmpty();
                assertThat(result.syscallsNote()).as(summary).contains("unavailable");
            }
            awaitNoConnections(server);
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepUnderTheServersRateLimitAndSendAgainAsTokensComeDue() throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        // 40 frames per 2 s: budget 40 - 10 reserved - (2000 / 400 + 2) heartbeats - 1 identify - 2 spare = 20
        try (InProcessServer server = new InProcessServer(40, 2_000))
        {
            final LoadSettings settings = LoadSettings.builder()
                .port(server.port())
                .connections(20)
                .threads(1)
                .window(4)
                .warmupMs(0)
                .durationMs(2_500)
                .seed(seed)
                .build();

            final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.closesByCode()).as(summary).isEmpty();
            assertThat(result.errors()).as(summary).isZero();
            assertThat(result.connectionsLost()).as(summary).isZero();
            // more than the 4 tokens each connection starts with: the others came due while it waited
            assertThat(result.updatesSent()).as(summary).isGreaterThan(20 * 4 + 20);
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.isClean()).as(summary).isTrue();
        }
    }

    @Test
    @Timeout(60)
    void shouldCountConnectionsTheServerRefusesAsFailedWithTheirCodes() throws Exception
    {
        try (InProcessServer server = new InProcessServer())
        {
            final LoadSettings settings = LoadSettings.builder()
                .port(server.port())
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
            assertThat(result.problems()).as(summary).containsExactly("no connection got ready: nothing to measure");
            assertThat(result.isClean()).as(summary).isFalse();
            assertThat(summary).contains("clean run: NO");
        }
    }

    @Test
    @Timeout(60)
    void shouldCountConnectionsToAPortNobodyListensOnAsFailed() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final LoadSettings settings = LoadSettings.builder()
            .port(port)
            .connections(3)
            .threads(2)
            .warmupMs(0)
            .durationMs(100)
            .build();

        final LoadResult result = new LoadRun(settings, InProcessServer.SECRET).run();

        assertThat(result.connectionsFailed()).isEqualTo(3);
        assertThat(result.failureReasons().keySet()).allMatch(reason -> reason.startsWith("connect failed"));
        assertThat(result.updatesSent()).isZero();
        assertThat(result.isClean()).isFalse();
    }

    private static Document parse(final Path file) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    /** The server notices the closes on its own threads: poll its count with a deadline. */
    private static void awaitNoConnections(final InProcessServer server) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.gateway.openConnections() > 0)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError(server.gateway.openConnections() + " connections still open on the server");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
