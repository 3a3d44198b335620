package dev.rollcall.client;

import dev.rollcall.model.Changes;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The settings of one connection, fixed when the client is built (see {@link RollcallClient.Builder}).
 *
 * @param host                  the server's host
 * @param port                  the server's port
 * @param token                 the token to identify and resume with
 * @param presence              the initial presence (owned: never handed out)
 * @param shardId               the shard, or -1 when not sharded
 * @param shardCount            the shard count, or 0 when not sharded
 * @param connectTimeoutNanos   the TCP connect timeout
 * @param handshakeTimeoutNanos how long to wait for HELLO, then READY / RESUMED
 * @param requestTimeoutNanos   how long a command waits for its answer (0: forever)
 * @param backoff               the reconnect delays
 * @param resumeRetryDelayNanos the delay before retrying a resume after INVALID_SESSION(true)
 * @param heartbeatJitter       whether the first heartbeat is jittered
 * @param receiveBufferSize     SO_RCVBUF, or 0 for the system's default
 * @param listener              the connection listener
 * @param otherNodes            more nodes of the same cluster, tried in turn after the first ({@code host:port})
 */
record ClientConfig(
    String host,
    int port,
    String token,
    Changes presence,
    int shardId,
    int shardCount,
    long connectTimeoutNanos,
    long handshakeTimeoutNanos,
    long requestTimeoutNanos,
    Backoff backoff,
    long resumeRetryDelayNanos,
    boolean heartbeatJitter,
    int receiveBufferSize,
    ConnectionListener listener,
    List<InetSocketAddress> otherNodes)
{
    /**
     * @param attempt counts the connections tried so far.
     * @return the node to try now: the first node, then each other one in turn.
     */
    InetSocketAddress node(final int attempt)
    {
        final int index = Math.floorMod(attempt, 1 + otherNodes.size());
        return 0 == index ? InetSocketAddress.createUnresolved(host, port) : otherNodes.get(index - 1);
    }
}
