package dev.rollcall.bench.cluster;

import dev.rollcall.cluster.cli.NodeProcesses;

/**
 * Prints the first of N consecutive loopback ports free now for TCP and UDP (bench/cluster's ports).
 */
public final class FreePorts
{
    private FreePorts()
    {
    }

    /**
     * @param args how many ports.
     */
    public static void main(final String[] args)
    {
        System.out.println(NodeProcesses.freePortRange(Integer.parseInt(args[0]), true));
    }
}
