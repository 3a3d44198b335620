package dev.rollcall.gateway;

import dev.rollcall.gateway.admin.AdminServer;
import dev.rollcall.gateway.admin.Readiness;
import dev.rollcall.gateway.admin.RollcallMetrics;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin port's {@code /metrics} over real HTTP, after a known workload through a real gateway
 * (two threads, a Chronicle journal): the counts are exact, and the text passes
 * {@code promtool check metrics} (Debian's {@code prometheus} package; skipped with a message when it
 * is missing, except under {@code CI=true}, where it must run).
 */
class AdminMetricsTest
{
    private static final int IDENTIFIES = 3;
    private static final int UPDATES = 5;

    @TempDir
    Path data;

    private TestGateway server;
    private AdminServer admin;
    private final List<RawClient> clients = new ArrayList<>();
    private SocketChannel webSocketPeer;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway(ctx -> ctx.webSocketPort(0),
            core -> core.journal(ChronicleJournal.open(data.resolve("journal"))).gracePeriodMs(60_000));
        final Readiness readiness = new Readiness();
        admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), readiness,
            new RollcallMetrics(readiness).gateway(server.gateway, data.resolve("journal")));
        readiness.ready();
    }

    @AfterEach
    void stop() throws IOException
    {
        for (final RawClient client : clients)
        {
            client.close();
        }
        if (null != webSocketPeer)
        {
            webSocketPeer.close();
        }
        admin.close();
        server.close();
        assertThat(server.errors).isEmpty();
    }

    @Test
    void shouldShowTheExactCountsOfAKnownWorkload() throws Exception
    {
        runWorkload();

        final Map<String, Double> metrics = parse(scrape("/metrics"));

        assertThat(metrics).containsEntry("rollcall_ready", 1.0);
        assertThat(metrics).containsEntry("rollcall_connections_open{protocol=\"tcp\"}", (double)IDENTIFIES);
        assertThat(metrics).containsEntry("rollcall_connections_open{protocol=\"websocket\"}", 1.0);
        assertThat(metrics).containsEntry("rollcall_connections_accepted_total", IDENTIFIES + 2.0);
        assertThat(metrics).containsEntry("rollcall_connections_closed_total", 1.0);
        assertThat(metrics).containsEntry("rollcall_identifies_total", (double)IDENTIFIES);
        assertThat(metrics).containsEntry("rollcall_resumes_total{result=\"accepted\"}", 0.0);
        assertThat(metrics).containsEntry("rollcall_resumes_total{result=\"refused\"}", 1.0);
        assertThat(metrics).containsEntry("rollcall_clients{state=\"connected\"}", (double)IDENTIFIES);
        assertThat(metrics).containsEntry("rollcall_clients{state=\"grace\"}", 0.0);

        // the launch journals the limits and the grace period, then the workload's inputs
        assertThat(metrics).containsEntry("rollcall_inputs_applied_total{type=\"SET_LIMITS\"}", 1.0);
        assertThat(metrics).containsEntry("rollcall_inputs_applied_total{type=\"SET_GRACE_PERIOD\"}", 1.0);
        assertThat(metrics).containsEntry("rollcall_inputs_applied_total{type=\"CONNECT_USER_WITH_PRESENCE\"}",
            (double)IDENTIFIES);
        assertThat(metrics).containsEntry("rollcall_inputs_applied_total{type=\"UPDATE_CLIENT\"}", UPDATES + 1.0);
        assertThat(metrics).containsEntry("rollcall_inputs_applied_total{type=\"CONNECT_USER\"}", 0.0);
        assertThat(metrics).containsEntry("rollcall_inputs_applied_total{type=\"TICK\"}", 0.0);
        assertThat(metrics).containsEntry("rollcall_command_results_total{result=\"APPLIED\"}", 2.0 + IDENTIFIES + UPDATES);
        assertThat(metrics).containsEntry("rollcall_command_results_total{result=\"INVALID_VALUE\"}", 1.0);
        assertThat(metrics).containsEntry("rollcall_commands_refused_total", 1.0);
        assertThat(metrics).containsEntry("rollcall_protocol_errors_total{code=\"PRESENCE_REFUSED\"}", 0.0);

        assertThat(metrics).containsEntry("rollcall_update_journaled_seconds_count", UPDATES + 1.0);
        assertThat(metrics).containsEntry("rollcall_update_dispatched_seconds_count", UPDATES + 1.0);
        assertThat(metrics.get("rollcall_update_journaled_seconds_sum")).isPositive();
        final double median = metrics.get("rollcall_update_journaled_seconds{quantile=\"0.5\"}");
        final double highest = metrics.get("rollcall_update_journaled_seconds{quantile=\"0.999\"}");
        assertThat(median).isPositive().isLessThanOrEqualTo(highest);
        assertThat(metrics.get("rollcall_update_dispatched_seconds{quantile=\"0.999\"}")).isPositive();

        assertThat(metrics).containsEntry("rollcall_ring_remaining_slots", metrics.get("rollcall_ring_size_slots"));
        assertThat(metrics).containsEntry("rollcall_journal_lag_inputs", 0.0);
        assertThat(metrics).containsEntry("rollcall_journal_failed", 0.0);
        assertThat(metrics.get("rollcall_journal_size_bytes")).isPositive();
        assertThat(metrics).containsEntry("rollcall_snapshots_total{result=\"stored\"}", 1.0);
        assertThat(metrics.get("rollcall_snapshot_size_bytes")).isPositive();
        assertThat(metrics.get("rollcall_snapshot_duration_seconds")).isPositive();
        assertThat(metrics.get("rollcall_snapshot_age_seconds")).isNotNegative();
        assertThat(metrics).containsEntry("rollcall_inbox_depth_bytes{thread=\"0\"}", 0.0);
        assertThat(metrics).containsEntry("rollcall_inbox_depth_bytes{thread=\"1\"}", 0.0);
        assertThat(metrics).containsEntry("rollcall_inbox_overruns_total", 0.0);
        assertThat(metrics).containsEntry("rollcall_slow_consumer_closes_total", 0.0);
        assertThat(metrics).containsKey("rollcall_recovery_seconds");

        assertThat(metrics.get("rollcall_jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(metrics.get("rollcall_jvm_threads_live")).isPositive();
        assertThat(metrics.keySet()).anyMatch(key -> key.startsWith("rollcall_jvm_gc_collections_total{gc="));
    }

    @Test
    void shouldWriteTextThatPromtoolAccepts() throws Exception
    {
        runWorkload();
        final String text = scrape("/metrics");
        final Path promtool = findOnPath("promtool");
        if (null == promtool)
        {
            if ("true".equals(System.getenv("CI")))
            {
                throw new AssertionError("promtool is missing under CI=true: .ci/run installs Debian's prometheus package");
            }
            assumeTrue(false, "promtool is missing: apt-get install prometheus to check /metrics with a real parser");
        }
        final Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream())
        {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        final String verdict = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool check metrics said:\n%s\nof:\n%s", verdict, text).isZero();
        assertThat(verdict).as("promtool's lint findings").isBlank();
    }

    @Test
    void shouldAnswerHealthAndRefuseWhatItDoesNotServe() throws Exception
    {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").headers().firstValue("Content-Type"))
            .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(get("/metrics?debug=1").statusCode()).isEqualTo(200);
        final HttpResponse<String> missing = get("/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("/metrics", "/health/live", "/health/ready");
        final HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/metrics"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(405);
        assertThat(posted.headers().firstValue("Allow")).hasValue("GET, HEAD");
        final HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/health/ready"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    /**
     * {@value #IDENTIFIES} users identify over TCP, one sends {@value #UPDATES} updates and one refused
     * update, a resume with an unknown session is refused (and its connection closed), a WebSocket peer
     * connects without a handshake, and a snapshot is taken.
     */
    private void runWorkload() throws Exception
    {
        for (int user = 1; user <= IDENTIFIES; user++)
        {
            clients.add(server.identify(user, new Changes().status(Status.ONLINE)));
        }
        final RawClient player = clients.get(0);
        for (int request = 1; request <= UPDATES; request++)
        {
            player.writer().update(request, Protocol.GROUP_STANDARD, "move", new Changes().afk(request % 2 == 1));
            player.flush();
            assertThat(player.next(RawClient.ResultFrame.class)).isEqualTo(new RawClient.ResultFrame(request, Result.APPLIED));
        }
        player.writer().update(99, Protocol.GROUP_STANDARD, "bad", new Changes().partyId(-1));
        player.flush();
        assertThat(player.next(RawClient.ResultFrame.class)).isEqualTo(new RawClient.ResultFrame(99, Result.INVALID_VALUE));

        try (RawClient stranger = new RawClient(server.address()))
        {
            stranger.next(RawClient.Hello.class);
            stranger.writer().resume(TestGateway.token(50), 12345, 0);
            stranger.flush();
            assertThat(stranger.next()).isEqualTo(new RawClient.InvalidSession(false));
        }
        webSocketPeer = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.gateway.webSocketAddress().getPort()));

        server.gateway.rollcall().takeSnapshot().get(30, TimeUnit.SECONDS);
        final UpdateLatencies latencies = server.gateway.updateLatencies();
        Await.until("every connection counted, the closed one gone, every update timed", () ->
            server.gateway.counter(GatewayCounter.CONNECTIONS_OPEN) == IDENTIFIES + 1 &&
            server.gateway.counter(GatewayCounter.CONNECTIONS_CLOSED) == 1 &&
            latencies.count(UpdateLatencies.Kind.DISPATCHED) == UPDATES + 1);
    }

    private String scrape(final String path) throws Exception
    {
        final HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
    }

    /**
     * @return every sample, keyed by its name and labels as written; HELP and TYPE lines are checked
     * to come before their samples.
     */
    static Map<String, Double> parse(final String text)
    {
        final Map<String, Double> samples = new LinkedHashMap<>();
        String family = null;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("# TYPE "))
            {
                family = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("#") || line.isBlank())
            {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            final String key = line.substring(0, space);
            assertThat(key).as("a sample of the family typed last").startsWith(String.valueOf(family));
            final String value = line.substring(space + 1);
            samples.put(key, "NaN".equals(value) ? Double.NaN : Double.parseDouble(value.replace("+Inf", "Infinity")));
        }
        return samples;
    }

    private static Path findOnPath(final String program)
    {
        final String path = System.getenv("PATH");
        if (null == path)
        {
            return null;
        }
        for (final String directory : path.split(java.io.File.pathSeparator))
        {
            final Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
