package dev.rollcall.cluster;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;
import io.aeron.cluster.ClusterTool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A real cluster of node processes on loopback for a test: free ports, a shared secret, tokens,
 * waits for readiness and for the leader, and every node's output kept for the failure message.
 */
final class TestCluster implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final NodeProcesses nodes;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final HmacTokens tokens;

    TestCluster(final Path data, final int size, final String... serveArgs) throws IOException
    {
        final int gatewayBase = freeRange(NodeProcesses.GATEWAY_PORT_STRIDE * size, false);
        final int clusterBase = freeRange(ClusterNodeContext.PORTS_PER_NODE * size, true);
        nodes = new NodeProcesses(size, data, gatewayBase, clusterBase, List.of(serveArgs), new PrintStream(
            new LineSink(output), true, StandardCharsets.UTF_8));
        tokens = new HmacTokens(Secrets.load(nodes.secret()));
    }

    TestCluster start() throws IOException
    {
        nodes.startAll();
        for (int node = 1; node <= nodes.nodes(); node++)
        {
            awaitReady(node);
        }
        awaitLeader();
        return this;
    }

    NodeProcesses nodes()
    {
        return nodes;
    }

    int port(final int node)
    {
        return nodes.gatewayPort(node);
    }

    String token(final long userId)
    {
        return tokens.mint(userId, Role.USER, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    }

    RollcallClient.Builder client(final int node, final long userId)
    {
        final RollcallClient.Builder builder = RollcallClient.builder()
            .host("127.0.0.1")
            .port(port(node))
            .token(token(userId))
            .heartbeatJitter(false)
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .resumeRetryDelay(Duration.ofMillis(20))
            .connectTimeout(Duration.ofSeconds(5))
            .handshakeTimeout(TIMEOUT)
            .requestTimeout(TIMEOUT);
        for (int other = 1; other <= nodes.nodes(); other++)
        {
            if (other != node)
            {
                builder.otherNode("127.0.0.1", port(other));
            }
        }
        return builder;
    }

    /** Waits until the node's admin port answers ready. */
    void awaitReady(final int node)
    {
        awaitUntil("node " + node + " is ready", () -> 200 == status(node, "/health/ready"));
    }

    /** @return the node (from 1) whose consensus module is the leader, waiting for one. */
    int awaitLeader()
    {
        final int[] leader = {0};
        awaitUntil("a leader is elected", () ->
        {
            leader[0] = leader();
            return leader[0] > 0;
        });
        return leader[0];
    }

    /** @return the leader now (from 1), or 0. */
    int leader()
    {
        for (int node = 1; node <= nodes.nodes(); node++)
        {
            final Process process = nodes.process(node);
            if (null == process || !process.isAlive())
            {
                continue;
            }
            try
            {
                final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                if (0 == ClusterTool.isLeader(quiet, nodes.nodeData(node).resolve("cluster").toFile()))
                {
                    return node;
                }
            }
            catch (final RuntimeException notYet)
            {
                // its mark file is not written yet, or it is going down
            }
        }
        return 0;
    }

    int status(final int node, final String path)
    {
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + (port(node) + 2) + path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** @return the output of every node so far, for a failure message. */
    String output()
    {
        return String.join("\n", output);
    }

    void awaitUntil(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting until " + what + "\n" + output());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Override
    public void close()
    {
        nodes.close();
    }

    /**
     * @return the first of {@code count} ports free now (TCP, and UDP too when asked), from a random start.
     */
    static int freeRange(final int count, final boolean udp)
    {
        for (int tries = 0; tries < 100; tries++)
        {
            final int base = 30_000 + ThreadLocalRandom.current().nextInt(25_000) / 100 * 100;
            boolean free = true;
            for (int port = base; port < base + count && free; port++)
            {
                free = isFree(port, udp);
            }
            if (free)
            {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + count + " ports");
    }

    private static boolean isFree(final int port, final boolean udp)
    {
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
        {
            tcp.setReuseAddress(true);
        }
        catch (final IOException ex)
        {
            return false;
        }
        if (udp)
        {
            try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress()))
            {
                socket.setReuseAddress(true);
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return true;
    }

    /** Collects printed lines. */
    private static final class LineSink extends java.io.OutputStream
    {
        private final List<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSink(final List<String> lines)
        {
            this.lines = lines;
        }

        @Override
        public synchronized void write(final int b)
        {
            if (b == '\n')
            {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
            else
            {
                line.write(b);
            }
        }
    }
}
