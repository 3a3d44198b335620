package dev.rollcall.bench.loadgen;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) for the load generator's Redis tests: 127.0.0.1, a free port,
 * persistence off, its log on stdout (read until it is ready). When {@code redis-server} is not installed the
 * test is skipped, but with {@code CI=true} in the environment it fails: CI installs it ({@code .ci/run}).
 * Also a blocking RESP client for checks, written with the load generator's own codec.
 */
final class RedisServer implements AutoCloseable
{
    private static final String READY = "Ready to accept connections";
    private static final int ATTEMPTS = 3;

    final Process process;
    final int port;
    private final RespDecoder decoder = new RespDecoder(64 * 1024);
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final UnsafeBuffer view = new UnsafeBuffer(in.array());

    private RedisServer(final Process process, final int port)
    {
        this.process = process;
        this.port = port;
    }

    /**
     * @param dir   the server's working directory.
     * @param extra more {@code redis-server} options, e.g. {@code --maxmemory 1}.
     * @return a running server, ready for connections.
     * @throws IOException if it cannot be started.
     */
    static RedisServer start(final Path dir, final String... extra) throws IOException
    {
        final Path executable = executable();
        if (null == executable)
        {
            final String message = "redis-server is not installed (apt-get install -y redis-server)";
            if ("true".equals(System.getenv("CI")))
            {
                Assertions.fail(message + ": with CI=true the Redis tests must run, not be skipped; .ci/run " +
                    "installs it");
            }
            Assumptions.abort(message + ": the Redis tests are skipped");
        }
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            final int port = freePort();
            final List<String> command = new ArrayList<>(List.of(executable.toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", dir.toString()));
            command.addAll(List.of(extra));
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final StringBuilder log = new StringBuilder();
            if (awaitReady(process, log))
            {
                return new RedisServer(process, port);
            }
            process.destroyForcibly();
            last = new IOException("redis-server did not start on port " + port + ":\n" + log);
        }
        throw last;
    }

    /** @return the server's process id. */
    long pid()
    {
        return process.pid();
    }

    /**
     * Sends one command and waits for its reply.
     *
     * @param args the command and its arguments.
     * @return the reply: a simple string, error ({@code -...}), integer or bulk string as text; arrays as
     *         {@code *<count>}; a null bulk string as null.
     * @throws IOException if the connection fails.
     */
    String call(final String... args) throws IOException
    {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port)))
        {
            final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
            final RespEncoder encoder = new RespEncoder().wrap(out).array(args.length);
            for (final String arg : args)
            {
                encoder.bulk(arg.getBytes(StandardCharsets.UTF_8));
            }
            out.flip();
            while (out.hasRemaining())
            {
                channel.write(out);
            }
            in.clear();
            int length;
            while ((length = decoder.decode(view, 0, in.position())) == RespDecoder.INCOMPLETE)
            {
                if (channel.read(in) < 0)
                {
                    throw new IOException("closed before the reply to " + String.join(" ", args));
                }
            }
            if (length < 0)
            {
                throw new IOException("undecodable reply to " + String.join(" ", args));
            }
            switch (decoder.type())
            {
                case RespDecoder.INTEGER:
                    return Long.toString(decoder.integer());
                case RespDecoder.ARRAY:
                    return "*" + decoder.elements();
                case RespDecoder.ERROR:
                    return "-" + view.getStringWithoutLengthAscii(decoder.offset(), decoder.length());
                default:
                    return decoder.length() < 0 ? null :
                        view.getStringWithoutLengthAscii(decoder.offset(), decoder.length());
            }
        }
    }

    @Override
    public void close()
    {
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static boolean awaitReady(final Process process, final StringBuilder log) throws IOException
    {
        final BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (null != (line = reader.readLine()))
        {
            log.append(line).append('\n');
            if (line.contains(READY))
            {
                return true;
            }
        }
        return false;
    }

    /** @return {@code redis-server} on the PATH (Debian's package puts it in /usr/bin), or null. */
    private static Path executable()
    {
        final String path = System.getenv("PATH");
        final List<Path> candidates = new ArrayList<>();
        if (null != path)
        {
            for (final String entry : path.split(":"))
            {
                if (!entry.isEmpty())
                {
                    candidates.add(Path.of(entry, "redis-server"));
                }
            }
        }
        for (final Path candidate : candidates)
        {
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
