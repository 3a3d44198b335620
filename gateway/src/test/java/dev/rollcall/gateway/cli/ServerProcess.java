package dev.rollcall.gateway.cli;

import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
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
 * The real launcher ({@code ./rollcall serve ...}) in a child process, its stdout and stderr read
 * line by line, for the *IT tests. {@code ./rollcall} execs the JVM, so {@link #pid()} is the
 * server's.
 */
final class ServerProcess implements AutoCloseable
{
    static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private static final long WAIT_S = 120;

    private final Process process;
    private final LinkedBlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private ServerProcess(final Process process)
    {
        this.process = process;
        reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    unread.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process ended
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param data the data directory.
     * @param more more options of {@code serve}.
     * @return the started launcher; ports 0 (any free port), no secret in the environment.
     * @throws IOException when it cannot be started.
     */
    static ServerProcess serve(final Path data, final String... more) throws IOException
    {
        return serveOn(data, 0, more);
    }

    /**
     * @param port the TCP port, 0 for any free one (the WebSocket port is any free one).
     */
    static ServerProcess serveOn(final Path data, final int port, final String... more) throws IOException
    {
        final Path root = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();
        final List<String> command = new ArrayList<>(List.of(
            root.resolve("rollcall").toString(), "serve", "--port", Integer.toString(port), "--ws-port", "0", "--data",
            data.toString()));
        command.addAll(List.of(more));
        final ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().remove(Secrets.ENV_VAR);
        return new ServerProcess(builder.start());
    }

    long pid()
    {
        return process.pid();
    }

    Process process()
    {
        return process;
    }

    /**
     * SIGTERM, through the handle: {@link Process#destroy()} would also close our end of its
     * output at once, losing the shutdown's lines.
     */
    void sigterm()
    {
        assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
    }

    /**
     * SIGKILL, through the handle (the output already read stays readable).
     */
    void sigkill()
    {
        assertThat(process.toHandle().destroyForcibly()).as("SIGKILL sent").isTrue();
    }

    /**
     * Read lines until one matches.
     *
     * @return the match.
     */
    Matcher await(final Pattern pattern) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline)
        {
            final String line = unread.poll(1, TimeUnit.SECONDS);
            if (null != line)
            {
                seen.add(line);
                final Matcher matcher = pattern.matcher(line);
                if (matcher.find())
                {
                    return matcher;
                }
            }
        }
        throw new AssertionError("no line matching " + pattern + " within " + WAIT_S + " s; output:\n" + output());
    }

    /** @return the port the server printed it listens on. */
    int awaitListening() throws InterruptedException
    {
        return Integer.parseInt(await(LISTENING).group(2));
    }

    /**
     * Wait for the process to end and read the rest of its output.
     *
     * @return its exit code.
     */
    int awaitExit() throws InterruptedException
    {
        assertThat(process.waitFor(WAIT_S, TimeUnit.SECONDS)).as("ended within %d s; output:%n%s", WAIT_S, output()).isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        unread.drainTo(seen);
        return process.exitValue();
    }

    /** @return every line read so far. */
    List<String> lines()
    {
        unread.drainTo(seen);
        return seen;
    }

    String output()
    {
        return String.join("\n", lines());
    }

    /**
     * Connect over TCP, identify with a token minted from {@code <data>/secret}, wait for READY, and close.
     */
    static void identify(final Path data, final int port, final long userId) throws Exception
    {
        identified(data, port, userId).close();
    }

    /**
     * Connect over TCP, identify with a token minted from {@code <data>/secret} (presence: afk), and
     * wait for READY.
     *
     * @return the open connection.
     */
    static SocketChannel identified(final Path data, final int port, final long userId) throws Exception
    {
        final byte[] secret = Secrets.load(data.resolve("secret"), name -> null);
        final String token = new HmacTokens(secret).mint(userId, Role.USER, System.currentTimeMillis() + 60_000);
        final SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        try
        {
            assertThat(readFrameOp(channel)).isEqualTo(Protocol.HELLO);
            final ByteBuffer out = ByteBuffer.allocate(4096);
            new FrameWriter(out).identify(Protocol.VERSION, token, new Changes().afk(true), false, 0, 0);
            out.flip();
            while (out.hasRemaining())
            {
                channel.write(out);
            }
            assertThat(readFrameOp(channel)).as("READY for user %d", userId).isEqualTo(Protocol.READY);
            return channel;
        }
        catch (final Exception | AssertionError ex)
        {
            channel.close();
            throw ex;
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

    @Override
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(WAIT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
