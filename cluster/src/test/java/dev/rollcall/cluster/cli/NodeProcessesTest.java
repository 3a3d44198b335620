package dev.rollcall.cluster.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NodeProcessesTest
{
    @Test
    void shouldPickFreePortRangesOutsideTheKernelsEphemeralPorts() throws Exception
    {
        final Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(range), "a Linux kernel's ephemeral port range");
        final String[] bounds = Files.readAllLines(range).get(0).trim().split("\\s+");
        final int low = Integer.parseInt(bounds[0]);
        final int high = Integer.parseInt(bounds[1]);

        for (int i = 0; i < 20; i++)
        {
            final int base = NodeProcesses.freePortRange(400, true);
            assertThat(base + 400 <= low || base > high)
                .as("ports %d-%d against the ephemeral %d-%d", base, base + 399, low, high).isTrue();
            assertThat(base).isGreaterThanOrEqualTo(NodeProcesses.LOWEST_PORT_BASE);
        }
    }
}
