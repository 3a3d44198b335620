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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's run command: {@code ./rollcall serve} starts the real server, a client
 * identifies over TCP, SIGTERM stops it with exit code 0 and a final snapshot.
 */
class LauncherIT
{
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");

    @Test
    void shouldServeOnEmbeddedDefaultsAndStopCleanlyOnSigterm(@TempDir final Path data) throws Exception
    {
        final Path root = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();
        final ProcessBuilder builder = new ProcessBuilder(
            root.resolve("rollcall").toString(), "serve", "--port", "0", "--ws-port", "0", "--data", data.toString())
            .directory(root.toFile())
            .redirectErrorStream(true);
        builder.environment().remove(Secrets.ENV_VAR);
        final Process process = builder.start();
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
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
            catch (final java.io.IOException ignore)
            {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try
        {
            final StringBuilder seen = new StringBuilder();
            Matcher listening = null;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (null == listening && System.nanoTime() < deadline)
            {
                final String line = lines.poll(1, TimeUnit.SECONDS);
                if (null != line)
                {
                    seen.append(line).append('\n');
                    final Matcher matcher = LISTENING.matcher(line);
                    listening = matcher.find() ? matcher : null;
                }
            }
            assertThat(listening).as("the server printed where it listens; output:\n%s", seen).isNotNull();
            final int port = Integer.parseInt(listening.group(2));

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

                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
                assertThat(process.exitValue()).isZero();
            }
            assertThat(Files.list(data.resolve("journal").resolve("snapshots")).count())
                .as("a final snapshot was taken").isPositive();
        }
        finally
        {
            process.destroyForcibly();
        }
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
