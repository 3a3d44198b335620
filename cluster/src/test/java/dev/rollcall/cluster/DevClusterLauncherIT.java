package dev.rollcall.cluster;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.rollcall.cluster.ClusterIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's cluster command as written: {@code ./rollcall cluster --nodes 3} starts three node
 * processes, a client with a token from {@code ./rollcall token --data DIR} works on any node, and
 * SIGTERM stops them all with exit code 0.
 */
class DevClusterLauncherIT
{
    @Test
    void shouldStartThreeNodesThatServeOneTokenAndStopThemAllOnSigterm(@TempDir final Path data) throws Exception
    {
        final Path root = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();
        final int port = NodeProcesses.freePortRange(100 + 3 * 100, true);
        final int clusterPorts = port + 100;
        final Process launcher = new ProcessBuilder(root.resolve("rollcall").toString(), "cluster", "--nodes", "3",
            "--data", data.toString(), "--port", Integer.toString(port), "--cluster-port-base",
            Integer.toString(clusterPorts))
            .directory(root.toFile()).redirectErrorStream(true).start();
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final Thread copier = new Thread(() ->
        {
            try
            {
                launcher.getInputStream().transferTo(output);
            }
            catch (final IOException ignore)
            {
                // the launcher is gone
            }
        });
        copier.start();
        try
        {
            final NodeProcesses view = new NodeProcesses(3, data, port, clusterPorts, List.of(), null);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int node = 1; node <= 3; node++)
            {
                while (!view.isReady(node))
                {
                    assertThat(System.nanoTime() - deadline).as("node %d ready; output:%n%s", node, output).isNegative();
                    assertThat(launcher.isAlive()).as("launcher alive; output:%n%s", output).isTrue();
                    Thread.sleep(100);
                }
            }
            final List<ProcessHandle> nodes = launcher.descendants().filter(p -> p.info().commandLine()
                .map(line -> line.contains("--cluster-node")).orElse(false)).toList();
            assertThat(nodes).hasSize(3);

            final HmacTokens tokens = new HmacTokens(Secrets.load(data.resolve("secret")));
            for (int node = 1; node <= 3; node++)
            {
                try (RollcallClient client = RollcallClient.builder().port(view.gatewayPort(node))
                    .token(tokens.mint(node, Role.USER, System.currentTimeMillis() + 60_000)).connect())
                {
                    assertThat(await(client.update(new Changes().partyId(node), null))).isEqualTo(Result.APPLIED);
                    assertThat(await(client.listAllClientIds())).contains(node);
                }
            }

            launcher.destroy(); // SIGTERM
            assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).as("launcher stopped; output:%n%s", output).isTrue();
            assertThat(launcher.exitValue()).as("output:%n%s", output).isZero();
            for (final ProcessHandle node : nodes)
            {
                assertThat(node.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }
            copier.join(10_000);
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("[node-1]", "[node-2]", "[node-3]",
                "cluster role: leader");
        }
        finally
        {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }
}
