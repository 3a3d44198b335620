package dev.rollcall.cluster.cli;

import dev.rollcall.gateway.cli.StopSignals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code rollcall cluster --nodes 3}: a development cluster on loopback, every node a
 * {@code rollcall serve} process of its own ({@link NodeProcesses}); stops them all on Ctrl-C or
 * SIGTERM. A node that dies stays dead (that is the point: watch the others carry on); start it
 * again by hand with {@code ./rollcall serve --cluster-node N} and the same settings (docs/CLUSTER.md).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {"Starts a cluster on loopback for development: node N is `rollcall serve --cluster-node N` with",
        "its data in DIR/node-N, its gateway on TCP PORT+10*(N-1), WebSocket +1 and admin +2, and one token",
        "secret for all in DIR/secret (./rollcall token --data DIR ...). See docs/CLUSTER.md."})
public final class DevClusterCommand implements Callable<Integer>
{
    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Nodes (default: ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7450",
        description = "Node 1's TCP port; node N's is PORT+10*(N-1) (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--cluster-port-base", paramLabel = "PORT", defaultValue = "20000",
        description = "The first of the cluster's own ports (default: ${DEFAULT-VALUE}).")
    private int clusterPortBase;

    @Parameters(paramLabel = "SERVE_ARGS", arity = "0..*",
        description = "More `serve` arguments for every node, after --, e.g. -- --grace 30s")
    private List<String> serveArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        if (nodes < 1 || nodes > 9)
        {
            System.err.println("cluster: --nodes must be 1 to 9: " + nodes);
            return 2;
        }
        final NodeProcesses cluster = new NodeProcesses(nodes, data, port, clusterPortBase, serveArgs, System.out);
        // SIGTERM or Ctrl-C: every node drains and stops, then this command exits 0
        final AtomicBoolean stopping = new AtomicBoolean();
        StopSignals.install(signal ->
        {
            if (stopping.compareAndSet(false, true))
            {
                final Thread stopper = new Thread(cluster::close, "rollcall-cluster-stop");
                stopper.start();
            }
        });
        cluster.startAll();
        System.out.println("cluster: " + nodes + " nodes starting; gateways on 127.0.0.1 ports " +
            describePorts(cluster) + "; token: ./rollcall token --data " + data + " --user ID");
        for (int node = 1; node <= nodes; node++)
        {
            final int n = node;
            cluster.process(node).onExit().thenAccept(process ->
                System.out.println("cluster: node " + n + " exited with " + process.exitValue()));
        }
        for (int node = 1; node <= nodes; node++)
        {
            cluster.process(node).waitFor();
        }
        return 0;
    }

    private static String describePorts(final NodeProcesses cluster)
    {
        final StringBuilder ports = new StringBuilder();
        for (int node = 1; node <= cluster.nodes(); node++)
        {
            ports.append(node == 1 ? "" : ", ").append(cluster.gatewayPort(node));
        }
        return ports.toString();
    }

    /**
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new DevClusterCommand()).execute(args));
    }
}
