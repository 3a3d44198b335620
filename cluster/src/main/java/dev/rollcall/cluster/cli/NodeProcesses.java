package dev.rollcall.cluster.cli;

import dev.rollcall.gateway.auth.Secrets;
import io.aeron.cluster.ClusterTool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The processes of a development cluster on loopback: node {@code n} (from 1) is a
 * {@code rollcall serve --cluster-node n} JVM on this JVM's class path and flags, with its data in
 * {@code <data>/node-n}, its gateway on ports {@code gatewayPortBase + 10 * (n - 1)} (TCP),
 * {@code + 1} (WebSocket) and {@code + 2} (admin), and the cluster's ports from
 * {@code clusterPortBase}. Every node shares one token secret, {@code <data>/secret}, so a token is
 * good on any node. Each node's output is copied with a {@code [node-n]} prefix.
 */
public final class NodeProcesses implements AutoCloseable
{
    /** The lowest port a free range starts at: above the well-known and registered services most boxes run. */
    static final int LOWEST_PORT_BASE = 10_000;
    private static final Path EPHEMERAL_PORTS = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** Gateway ports between two nodes. */
    public static final int GATEWAY_PORT_STRIDE = 10;

    private final int nodes;
    private final Path data;
    private final int gatewayPortBase;
    private final int clusterPortBase;
    private final List<String> extraArgs;
    private final PrintStream out;
    private final Process[] processes;
    private boolean closed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param nodes           how many.
     * @param data            the cluster's data directory.
     * @param gatewayPortBase node 1's TCP port.
     * @param clusterPortBase the cluster's first port.
     * @param extraArgs       more {@code serve} arguments for every node (e.g. {@code --grace 30s}).
     * @param out             where the nodes' output goes, or null to discard it.
     */
    public NodeProcesses(
        final int nodes, final Path data, final int gatewayPortBase, final int clusterPortBase,
        final List<String> extraArgs, final PrintStream out)
    {
        this.nodes = nodes;
        this.data = data;
        this.gatewayPortBase = gatewayPortBase;
        this.clusterPortBase = clusterPortBase;
        this.extraArgs = List.copyOf(extraArgs);
        this.out = out;
        this.processes = new Process[nodes + 1];
    }

    /**
     * Nodes on ports free now: the gateways' from the first of one free range, the cluster's 100 above
     * them, so the two never overlap.
     *
     * @param nodes     how many, 1 to 9.
     * @param data      the cluster's data directory.
     * @param extraArgs more {@code serve} arguments for every node.
     * @param out       where the nodes' output goes, or null to discard it.
     * @return the nodes, not started.
     */
    public static NodeProcesses onFreePorts(
        final int nodes, final Path data, final List<String> extraArgs, final PrintStream out)
    {
        final int base = freePortRange(100 + 100 * nodes, true);
        return new NodeProcesses(nodes, data, base, base + 100, extraArgs, out);
    }

    /**
     * Start every node.
     *
     * @throws IOException when a process cannot start or the secret cannot be written.
     */
    public void startAll() throws IOException
    {
        secret();
        try
        {
            for (int node = 1; node <= nodes; node++)
            {
                start(node);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Start one node (again, after it stopped).
     *
     * @param node from 1.
     * @return its process.
     * @throws IOException when it cannot start.
     */
    public synchronized Process start(final int node) throws IOException
    {
        if (closed)
        {
            throw new IllegalStateException("the nodes are being stopped");
        }
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (flag.startsWith("--add-") || flag.startsWith("--enable-") || flag.startsWith("-D") ||
                flag.startsWith("--sun-misc"))
            {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.rollcall.gateway.cli.RollcallCommand");
        command.add("serve");
        final String members = String.join(",", Collections.nCopies(nodes, "127.0.0.1"));
        final int port = gatewayPort(node);
        command.addAll(List.of(
            "--cluster-node", Integer.toString(node),
            "--cluster-members", members,
            "--cluster-port-base", Integer.toString(clusterPortBase),
            "--data", nodeData(node).toString(),
            "--secret-file", secret().toString(),
            "--port", Integer.toString(port),
            "--ws-port", Integer.toString(port + 1),
            "--admin-port", Integer.toString(port + 2)));
        command.addAll(extraArgs);
        Files.createDirectories(nodeData(node));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("ROLLCALL_"));
        final Process process = builder.start();
        processes[node] = process;
        final Thread copier = new Thread(() -> copy(node, process), "node-" + node + "-output");
        copier.setDaemon(true);
        copier.start();
        return process;
    }

    /** @return node {@code node}'s process, or null when never started. */
    public synchronized Process process(final int node)
    {
        return processes[node];
    }

    /** @return the TCP port of node {@code node}'s gateway. */
    public int gatewayPort(final int node)
    {
        return gatewayPortBase + GATEWAY_PORT_STRIDE * (node - 1);
    }

    /** @return node {@code node}'s data directory. */
    public Path nodeData(final int node)
    {
        return data.resolve("node-" + node);
    }

    /** @return how many nodes. */
    public int nodes()
    {
        return nodes;
    }

    /**
     * The shared token secret, written on first use.
     *
     * @return its file.
     * @throws IOException when it cannot be written.
     */
    public Path secret() throws IOException
    {
        final Path file = data.resolve("secret");
        if (!Files.exists(file))
        {
            Files.createDirectories(data);
            Files.writeString(file, Secrets.generate() + "\n");
        }
        return file.toAbsolutePath();
    }

    /**
     * @return the node (from 1) whose consensus module says it leads now, or 0 (an election runs, or no
     * node is up).
     */
    public int leader()
    {
        for (int node = 1; node <= nodes; node++)
        {
            final Process process = processes[node];
            if (null == process || !process.isAlive())
            {
                continue;
            }
            try
            {
                final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
                if (0 == ClusterTool.isLeader(quiet, nodeData(node).resolve("cluster").toFile()))
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

    /**
     * @param node from 1.
     * @return true when the node's admin port answers {@code /health/ready} with 200.
     */
    public boolean isReady(final int node)
    {
        try
        {
            final HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + (gatewayPort(node) + 2) + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return 200 == response.statusCode();
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @param count ports wanted.
     * @param udp   whether they must be free for UDP too (the cluster's own ports).
     * @return the first of {@code count} consecutive ports free now on loopback, from a random start
     * outside the kernel's ephemeral ports: any socket bound to port 0 (a client's, Aeron's
     * {@code endpoint=host:0}) may take one of those between this check and a node's bind.
     */
    public static int freePortRange(final int count, final boolean udp)
    {
        final int[] ephemeral = ephemeralPorts();
        int low = LOWEST_PORT_BASE;
        int high = ephemeral[0] - count;
        if (high - low < 20 * 100)
        {
            low = ephemeral[1] + 1;
            high = 65535 - count;
        }
        if (high <= low)
        {
            throw new IllegalStateException("no room for " + count + " ports outside the ephemeral ports " +
                ephemeral[0] + "-" + ephemeral[1]);
        }
        final int slots = (high - low) / 100 + 1;
        for (int tries = 0; tries < 100; tries++)
        {
            final int base = low + ThreadLocalRandom.current().nextInt(slots) * 100;
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

    /**
     * @return the kernel's ephemeral port range, low and high (Linux's default when it cannot be read). Read
     * line by line: {@code Files.readString} sees a {@code /proc} file's size, 0, and returns nothing.
     */
    private static int[] ephemeralPorts()
    {
        try
        {
            final String[] range = Files.readAllLines(EPHEMERAL_PORTS).get(0).trim().split("\\s+");
            return new int[]{Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        }
        catch (final IOException | RuntimeException ex)
        {
            return new int[]{32768, 60999};
        }
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

    /**
     * Kill a node at once (SIGKILL): no goodbye, no drain; its peers see only silence.
     *
     * @param node from 1.
     * @throws InterruptedException when interrupted while it dies.
     */
    public void kill(final int node) throws InterruptedException
    {
        final Process process = processes[node];
        if (null != process)
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Stop every node (SIGTERM, each drains), waiting up to a bound, then kill what is left.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            closed = true;
        }
        for (int node = 1; node <= nodes; node++)
        {
            if (null != processes[node])
            {
                processes[node].destroy();
            }
        }
        for (int node = 1; node <= nodes; node++)
        {
            final Process process = processes[node];
            if (null == process)
            {
                continue;
            }
            try
            {
                if (!process.waitFor(20, TimeUnit.SECONDS))
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
    }

    private void copy(final int node, final Process process)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                if (null != out)
                {
                    out.println("[node-" + node + "] " + line);
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process is gone
        }
    }
}
