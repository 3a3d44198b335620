package dev.rollcall.core;

/**
 * How a connection id names the node that holds the connection: its top 16 bits, so a
 * {@link InputType#CONNECTIONS_RESET} can end exactly one lost node's connections. A single node is
 * node 0 (ids below 2^48); in a cluster each node's gateway numbers its connections under its own
 * node number, from 1.
 */
public final class ConnectionIds
{
    /** Bits below the node number. */
    public static final int NODE_SHIFT = 48;
    /** The greatest node number. */
    public static final int MAX_NODE = 0x7FFF;

    private ConnectionIds()
    {
    }

    /**
     * @param node  the node number, 0 to {@link #MAX_NODE}.
     * @param local the node's own number for the connection, {@code > 0} and below 2^48.
     * @return the connection id.
     */
    public static long of(final int node, final long local)
    {
        if (node < 0 || node > MAX_NODE)
        {
            throw new IllegalArgumentException("node must be 0 to " + MAX_NODE + ": " + node);
        }
        return ((long)node << NODE_SHIFT) | (local & ((1L << NODE_SHIFT) - 1));
    }

    /**
     * @param connectionId a connection id.
     * @return the node that holds it.
     */
    public static int node(final long connectionId)
    {
        return (int)(connectionId >>> NODE_SHIFT);
    }
}
