package dev.rollcall.cluster;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.core.SnapshotCodec;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;
import io.aeron.cluster.ClusterTool;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.RecordingLog;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real cluster of node processes on loopback for a test: free ports, a shared secret, tokens,
 * waits for readiness and for the leader, and every node's output kept for the failure message.
 */
final class TestCluster implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SNAPSHOT_FILE = Pattern.compile("presence-(\\d+)\\.snap");

    private final NodeProcesses nodes;
    private final List<RollcallClient> clients = new CopyOnWriteArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final HmacTokens tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    TestCluster(final Path data, final int size, final String... serveArgs) throws IOException
    {
        nodes = NodeProcesses.onFreePorts(size, data, List.of(serveArgs), new PrintStream(
            new LineSink(output), true, StandardCharsets.UTF_8));
        tokens = new HmacTokens(Secrets.load(nodes.secret()));
    }

    TestCluster start() throws IOException
    {
        try
        {
            nodes.startAll();
            for (int node = 1; node <= nodes.nodes(); node++)
            {
                awaitReady(node);
            }
            awaitLeader();
            return this;
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            // the test never gets this cluster to close: no node may outlive it
            close();
            throw ex;
        }
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

    /**
     * @return a connected client of the user on the node (the others as its other nodes), closed with
     * the cluster.
     */
    RollcallClient connect(final int node, final long userId)
    {
        return connect(client(node, userId));
    }

    /** @return the builder's client, connected, closed with the cluster. */
    RollcallClient connect(final RollcallClient.Builder builder)
    {
        final RollcallClient client = builder.connect();
        clients.add(client);
        return client;
    }

    /**
     * Scrapes the node's {@code /metrics} as Prometheus would.
     *
     * @return every sample without labels, by name.
     */
    Map<String, Double> metrics(final int node)
    {
        final String body;
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + (port(node) + 2) + "/metrics")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
            if (200 != response.statusCode())
            {
                throw new AssertionError("node " + node + ": /metrics answered " + response.statusCode());
            }
            body = response.body();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        final Map<String, Double> samples = new TreeMap<>();
        for (final String line : body.split("\n"))
        {
            final int space = line.indexOf(' ');
            if (!line.startsWith("#") && space > 0 && line.indexOf('{') < 0)
            {
                final String value = line.substring(space + 1);
                samples.put(line.substring(0, space), switch (value)
                {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(value);
                });
            }
        }
        return samples;
    }

    /** Waits until the node's admin port answers ready. */
    void awaitReady(final int node)
    {
        awaitUntil("node " + node + " is ready", () -> nodes.isReady(node));
    }

    /**
     * Starts a stopped node again on its data and waits until it is ready, starting it again, as a
     * supervisor would, while it exits at once: for some seconds after a SIGKILL its Aeron mark files
     * still look active, and a node refuses to start on them ("active mark file detected").
     *
     * @return how many times it was started.
     */
    int restart(final int node) throws IOException
    {
        nodes.start(node);
        final int[] starts = {1};
        awaitUntil("node " + node + " is ready again", () ->
        {
            if (nodes.isReady(node))
            {
                return true;
            }
            if (!nodes.process(node).isAlive())
            {
                try
                {
                    nodes.start(node);
                    starts[0]++;
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
            return false;
        });
        return starts[0];
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

    /**
     * Has the leader take a cluster snapshot, as an operator would: {@link ClusterTool#snapshot} on
     * its cluster directory (the consensus module's control toggle, through its media driver),
     * which returns once the snapshot is taken.
     *
     * @return the log position it was taken at, from the leader's new {@code presence-<position>.snap}.
     */
    long snapshot()
    {
        final int leader = awaitLeader();
        final List<Long> before = snapshotPositions(leader);
        final ByteArrayOutputStream toolOutput = new ByteArrayOutputStream();
        final boolean taken = ClusterTool.snapshot(nodes.nodeData(leader).resolve("cluster").toFile(),
            new PrintStream(toolOutput, true, StandardCharsets.UTF_8));
        if (!taken)
        {
            throw new AssertionError("node " + leader + " took no snapshot: " +
                toolOutput.toString(StandardCharsets.UTF_8) + "\n" + output());
        }
        final List<Long> after = snapshotPositions(leader);
        after.removeAll(before);
        if (after.size() != 1)
        {
            throw new AssertionError("node " + leader + " took a snapshot but wrote " + after + " (before " + before +
                ")\n" + toolOutput.toString(StandardCharsets.UTF_8) + "\n" + output());
        }
        return after.get(0);
    }

    /**
     * Waits until every node has taken the snapshot at the log position: written its presence part,
     * whole, and recorded it (the service's and the consensus module's) in its recording log, which
     * is what a restart recovers from. The presence file alone is not enough: the service writes it
     * before it acknowledges the snapshot, and a node killed in between recovers from an older one.
     *
     * @return each node's presence bytes, node 1 first.
     */
    List<byte[]> awaitSnapshots(final long position)
    {
        final List<byte[]> snapshots = new ArrayList<>();
        for (int node = 1; node <= nodes.nodes(); node++)
        {
            final int member = node;
            final Path file = snapshotFile(node, position);
            final byte[][] bytes = {null};
            awaitUntil("node " + node + " took the snapshot at " + position, () ->
            {
                bytes[0] = wholeSnapshot(file);
                return null != bytes[0] && isRecorded(member, position);
            });
            snapshots.add(bytes[0]);
        }
        return snapshots;
    }

    /**
     * @return whether the node's recording log holds the snapshot at the log position, for its
     * consensus module and its service: what it starts from when started again.
     */
    boolean isRecorded(final int node, final long position)
    {
        try (RecordingLog log = new RecordingLog(nodes.nodeData(node).resolve("cluster").toFile(), false))
        {
            boolean module = false;
            boolean service = false;
            for (final RecordingLog.Entry entry : log.entries())
            {
                if (entry.isValid && RecordingLog.ENTRY_TYPE_SNAPSHOT == entry.type && position == entry.logPosition)
                {
                    module |= ConsensusModule.Configuration.SERVICE_ID == entry.serviceId;
                    service |= 0 == entry.serviceId;
                }
            }
            return module && service;
        }
        catch (final RuntimeException notYet)
        {
            // being appended to
            return false;
        }
    }

    Path snapshotFile(final int node, final long position)
    {
        return nodes.nodeData(node).resolve("snapshots").resolve("presence-" + position + ".snap");
    }

    /** @return the log positions of the snapshots the node has written, ascending. */
    List<Long> snapshotPositions(final int node)
    {
        final Path dir = nodes.nodeData(node).resolve("snapshots");
        if (!Files.isDirectory(dir))
        {
            return new ArrayList<>();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(file -> SNAPSHOT_FILE.matcher(file.getFileName().toString()))
                .filter(Matcher::matches)
                .map(name -> Long.parseLong(name.group(1)))
                .sorted()
                .collect(Collectors.toCollection(ArrayList::new));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return the file's bytes when it holds a whole snapshot (framing and checksum), else null. */
    private static byte[] wholeSnapshot(final Path file)
    {
        try
        {
            final byte[] bytes = Files.readAllBytes(file);
            SnapshotCodec.verify(new UnsafeBuffer(bytes), 0, bytes.length);
            return bytes;
        }
        catch (final IOException | RuntimeException notYet)
        {
            return null;
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
        clients.forEach(RollcallClient::close);
        nodes.close();
    }

    /** Collects printed lines. */
    private static final class LineSink extends OutputStream
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
