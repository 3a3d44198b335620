package dev.rollcall.gateway.cli;

import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./rollcall stat} reads a running server's counters from outside its process: the real
 * {@code ./rollcall serve} on a temporary data directory, a client that identifies, then the real
 * {@code ./rollcall stat --data DIR} as a separate process; after SIGTERM it says the server stopped.
 */
class StatIT
{
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private static final Pattern COUNTER = Pattern.compile("^\\s*(\\d+):\\s+([0-9,]+) - (.*)$");

    private final Path root = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();

    @Test
    void shouldPrintARunningServersCountersFromAnotherProcess(@TempDir final Path data) throws Exception
    {
        assertThat(rollcall("stat", "--data", data.toString()))
            .as("no server has run on the directory yet")
            .startsWith("exit 2\n").contains("stat: no counters file at ");

        final ProcessBuilder builder = new ProcessBuilder(
            root.resolve("rollcall").toString(), "serve", "--port", "0", "--ws-port", "0", "--data", data.toString())
            .directory(root.toFile())
            .redirectErrorStream(true);
        builder.environment().remove(Secrets.ENV_VAR);
        final Process server = builder.start();
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    lines.add(line);
                }
            }
            catch (final java.io.IOException ignore)
            {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try
        {
            final int port = awaitListening(lines);
            final byte[] secret = Secrets.load(data.resolve("secret"), name -> null);
            final String token = new HmacTokens(secret).mint(42, Role.USER, System.currentTimeMillis() + 60_000);
            try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port)))
            {
                assertThat(readFrameOp(channel)).isEqualTo(Protocol.HELLO);
                final ByteBuffer out = ByteBuffer.allocate(4096);
                new FrameWriter(out).identify(Protocol.VERSION, token, new Changes().afk(true), false, 0, 0);
                out.flip();
                channel.write(out);
                assertThat(readFrameOp(channel)).isEqualTo(Protocol.READY);

                final String stat = rollcall("stat", "--data", data.toString());
                assertThat(stat).startsWith("exit 0\n").contains("Rollcall stat: ")
                    .contains("pid " + server.pid() + ", started ").contains(": running\n");
                final Map<String, Long> values = values(stat);
                assertThat(values.get("gateway: connections accepted: rollcall-gateway-0")).isGreaterThanOrEqualTo(1);
                assertThat(values.get("gateway: identifies: rollcall-gateway-0")).isEqualTo(1);
                assertThat(values.get("gateway: connections open: rollcall-gateway-0")).isEqualTo(1);
                assertThat(values.get("core: results applied")).as("limits, grace, the identify's connect").isGreaterThanOrEqualTo(3);
                assertThat(values.get("core: handler errors")).isZero();

                final String watched = rollcall("stat", "--data", data.toString(), "--watch", "--interval", "1s", "--count", "2");
                assertThat(watched).startsWith("exit 0\n");
                assertThat(watched.split("Rollcall stat: ", -1)).as("two prints").hasSize(3);
            }

            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            final String stopped = rollcall("stat", "--data", data.toString());
            assertThat(stopped).startsWith("exit 0\n").contains(": stopped at ");
            assertThat(values(stopped).get("gateway: connections closed: rollcall-gateway-0")).isEqualTo(1);
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    /**
     * Run {@code ./rollcall ARGS} to its end.
     *
     * @return "exit N", a newline, then its output (stdout and stderr).
     */
    private String rollcall(final String... args) throws Exception
    {
        final String[] command = new String[args.length + 1];
        command[0] = root.resolve("rollcall").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        final Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", String.join(" ", args)).isTrue();
        return "exit " + process.exitValue() + "\n" + output;
    }

    private static Map<String, Long> values(final String stat)
    {
        final Map<String, Long> values = new HashMap<>();
        for (final String line : stat.split("\n"))
        {
            final Matcher matcher = COUNTER.matcher(line);
            if (matcher.matches())
            {
                values.put(matcher.group(3), Long.parseLong(matcher.group(2).replace(",", "")));
            }
        }
        assertThat(values).as("counters in:\n%s", stat).isNotEmpty();
        return values;
    }

    private static int awaitListening(final LinkedBlockingQueue<String> lines) throws InterruptedException
    {
        final StringBuilder seen = new StringBuilder();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(1, TimeUnit.SECONDS);
            if (null != line)
            {
                seen.append(line).append('\n');
                final Matcher matcher = LISTENING.matcher(line);
                if (matcher.find())
                {
                    return Integer.parseInt(matcher.group(2));
                }
            }
        }
        throw new AssertionError("the server did not print where it listens; output:\n" + seen);
    }

    private static int readFrameOp(final SocketChannel channel) throws Exception
    {
        final ByteBuffer in = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        while (true)
        {
            if (channel.read(in) < 0)
            {
                throw new AssertionError("server closed the connection");
            }
            in.flip();
            if (FrameSplitter.nextFrame(in, 1 << 16) > 0)
            {
                return in.get(Protocol.HEADER_LENGTH) & 0xFF;
            }
            in.compact();
        }
    }
}
