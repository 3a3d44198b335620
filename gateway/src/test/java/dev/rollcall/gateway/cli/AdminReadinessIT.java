package dev.rollcall.gateway.cli;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.journal.ChronicleJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./rollcall serve --admin-port 0} on a data directory whose journal holds
 * {@value #INPUTS} inputs and no snapshot, so that recovery takes observable time: the admin port
 * answers before recovery, {@code /health/ready} says 503 while the journal recovers (and
 * {@code /health/live} 200), then 200 once the gateway listens; SIGTERM still exits 0.
 */
class AdminReadinessIT
{
    /** About 0.6 s of replay on a cold JVM on this project's 2-core machines (1 M took 1.2 s), 40 MB of queue. */
    private static final int INPUTS = 500_000;
    private static final int USERS = 10_000;
    private static final Pattern ADMIN = Pattern.compile("admin on ([0-9.]+):(\\d+)");
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

    @Test
    void shouldAnswerNotReadyWhileRecoveringThenReady(@TempDir final Path data) throws Exception
    {
        writeJournal(data.resolve("journal"));
        final Path root = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();
        final ProcessBuilder builder = new ProcessBuilder(
            root.resolve("rollcall").toString(), "serve", "--port", "0", "--ws-port", "-1", "--admin-port", "0",
            "--data", data.toString())
            .directory(root.toFile())
            .redirectErrorStream(true);
        builder.environment().remove(Secrets.ENV_VAR);
        final Process process = builder.start();
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder seen = new StringBuilder();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try
        {
            final Matcher admin = awaitLine(lines, seen, ADMIN);
            assertThat(admin).as("the server printed its admin port; output:\n%s", seen).isNotNull();
            final String base = "http://" + admin.group(1) + ":" + admin.group(2);

            final List<Integer> statuses = new ArrayList<>();
            boolean liveWhileRecovering = false;
            String metricsWhileRecovering = null;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline)
            {
                final int status = status(base + "/health/ready");
                statuses.add(status);
                if (status == 200)
                {
                    break;
                }
                if (status == 503 && null == metricsWhileRecovering)
                {
                    liveWhileRecovering = status(base + "/health/live") == 200;
                    metricsWhileRecovering = body(base + "/metrics");
                }
                Thread.sleep(2);
            }
            assertThat(statuses).as("/health/ready answers, in order").contains(503, 200);
            assertThat(statuses.get(0)).as("/health/ready first answers 503, while the journal recovers").isEqualTo(503);
            assertThat(statuses.get(statuses.size() - 1)).isEqualTo(200);
            assertThat(liveWhileRecovering).as("/health/live answers 200 while recovering").isTrue();
            assertThat(metricsWhileRecovering).contains("rollcall_ready 0").doesNotContain("rollcall_clients");

            final Matcher listening = awaitLine(lines, seen, LISTENING);
            assertThat(listening).as("ready means listening; output:\n%s", seen).isNotNull();
            assertThat(seen.toString()).contains(USERS + " clients recovered");
            assertThat(body(base + "/metrics")).contains("rollcall_ready 1", "rollcall_clients{state=\"grace\"} " + USERS);

            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            assertThat(process.exitValue()).isZero();
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    /**
     * {@value #USERS} users connect, then the rest of {@value #INPUTS} inputs are updates, one batch of 64
     * a queue document, as the server would have journaled them; no snapshot.
     */
    private static void writeJournal(final Path directory)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final Input input = new Input();
        final long start = 1_767_225_600_000L;
        try (ChronicleJournal journal = ChronicleJournal.open(directory))
        {
            journal.recover(new PresenceStateMachine(Limits.DEFAULT));
            for (int n = 1; n <= INPUTS; n++)
            {
                final long user = 1 + (n - 1) % USERS;
                if (n <= USERS)
                {
                    input.set(InputType.CONNECT_USER, start + n).userId(user).connectionId(user);
                }
                else
                {
                    input.set(InputType.UPDATE_CLIENT, start + n).userId(user).reason("move").changes().afk((n & 1) == 0);
                }
                final int length = InputCodec.encode(buffer, 0, input);
                journal.append(buffer, 0, length, n, n % 64 == 0 || n == INPUTS);
            }
        }
    }

    private static Matcher awaitLine(final LinkedBlockingQueue<String> lines, final StringBuilder seen, final Pattern pattern)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(1, TimeUnit.SECONDS);
            if (null != line)
            {
                seen.append(line).append('\n');
                final Matcher matcher = pattern.matcher(line);
                if (matcher.find())
                {
                    return matcher;
                }
            }
        }
        return null;
    }

    private static int status(final String url) throws IOException
    {
        final HttpURLConnection connection = open(url);
        try
        {
            return connection.getResponseCode();
        }
        finally
        {
            connection.disconnect();
        }
    }

    private static String body(final String url) throws IOException
    {
        final HttpURLConnection connection = open(url);
        try
        {
            assertThat(connection.getResponseCode()).isEqualTo(200);
            return new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        finally
        {
            connection.disconnect();
        }
    }

    private static HttpURLConnection open(final String url) throws IOException
    {
        final HttpURLConnection connection = (HttpURLConnection)URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        return connection;
    }
}
