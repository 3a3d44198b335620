package dev.rollcall.gateway.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin port over raw sockets: health by phase, metrics before the server is up, and every
 * request it refuses (malformed, too large, too slow, wrong method, unknown path), each with a
 * status saying why, while it goes on serving.
 */
class AdminServerTest
{
    private static final long READ_DEADLINE_MS = 300;

    private final Readiness readiness = new Readiness();
    private AdminServer admin;

    @BeforeEach
    void start() throws IOException
    {
        admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), readiness, new RollcallMetrics(readiness),
            READ_DEADLINE_MS);
    }

    @AfterEach
    void stop()
    {
        admin.close();
    }

    @Test
    void shouldAnswerReadyOnlyBetweenStartAndShutdown() throws IOException
    {
        assertThat(request("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n"))
            .startsWith("HTTP/1.1 503 Service Unavailable\r\n").endsWith("not ready: starting (recovering the journal)\n");
        assertThat(request("GET /health/live HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nlive\n");
        readiness.ready();
        assertThat(request("GET /health/ready HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ready\n");
        readiness.stopping();
        assertThat(request("GET /health/ready HTTP/1.1\r\n\r\n"))
            .startsWith("HTTP/1.1 503 Service Unavailable\r\n").endsWith("not ready: shutting down\n");
        readiness.ready();
        assertThat(readiness.state()).as("never ready again once stopping").isEqualTo(Readiness.State.STOPPING);
        assertThat(request("GET /health/live HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void shouldShowReadinessAndTheJvmBeforeTheServerIsUp() throws IOException
    {
        final String response = request("GET /metrics HTTP/1.1\r\nAccept: text/plain\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n")
            .contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n", "Connection: close\r\n")
            .contains("\r\n\r\n# HELP rollcall_ready ", "\nrollcall_ready 0\n", "\nrollcall_jvm_threads_live ")
            .doesNotContain("rollcall_clients", "rollcall_connections_open");
        final int length = Integer.parseInt(response.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1"));
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8)).hasSize(length);
    }

    @Test
    void shouldRefuseWhatItDoesNotServeAndGoOnServing() throws IOException
    {
        assertThat(request("HELLO\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(request("GET /metrics SPDY/3\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(request("GET /admin HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n")
            .endsWith("the admin port serves /metrics, /health/live and /health/ready\n");
        assertThat(request("GET /metricsx HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(request("DELETE /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 405 Method Not Allowed\r\n")
            .contains("Allow: GET, HEAD\r\n");
        assertThat(request("GET /health/live HTTP/1.1\r\nX-Big: " + "a".repeat(AdminServer.MAX_HEAD_BYTES) + "\r\n\r\n"))
            .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(request("HEAD /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n");
        assertThat(request("GET /health/live?verbose HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void shouldCloseAClientThatNeverFinishesItsRequestAndServeTheNext() throws IOException
    {
        try (Socket silent = new Socket("127.0.0.1", admin.address().getPort()))
        {
            silent.getOutputStream().write("GET /metrics HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(request("GET /health/live HTTP/1.1\r\n\r\n"))
                .as("served once the silent one's deadline passed").startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(readAll(silent.getInputStream())).startsWith("HTTP/1.1 408 Request Timeout\r\n");
        }
    }

    @Test
    void shouldStopServingWhenClosed() throws IOException
    {
        final int port = admin.address().getPort();
        admin.close();
        admin.close();
        assertThat(isOpen(port)).isFalse();
    }

    private String request(final String request) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", admin.address().getPort()))
        {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readAll(socket.getInputStream());
        }
    }

    private static String readAll(final InputStream in) throws IOException
    {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static boolean isOpen(final int port)
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            return socket.isConnected();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
