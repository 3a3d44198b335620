package dev.rollcall.cluster;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final HmacTokens tokens;

    TestCluster(final Path data, final int size, final String... serveArgs) throws IOException
    {
        final int gatewayBase = NodeProcesses.freePortRange(NodeProcesses.GATEWAY_PORT_STRIDE * size, false);
        final int clusterBase = NodeProcesses.freePortRange(ClusterNodeContext.PORTS_PER_NODE * size, true);
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
        awaitUntil("node " + node + " is ready", () -> nodes.isReady(node));
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
        return nodes.leader();
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
