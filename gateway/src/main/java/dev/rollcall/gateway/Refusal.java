package dev.rollcall.gateway;

/**
 * Limits the gateway itself enforces on connections, whatever the protocol.
 */
public enum Refusal
{
    /** The gateway holds {@link GatewayContext#maxConnections()}. */
    TOO_MANY_CONNECTIONS,
    /** The source address holds {@link GatewayContext#maxConnectionsPerAddress()}. */
    TOO_MANY_CONNECTIONS_FROM_ADDRESS,
    /** More than {@link GatewayContext#maxOutboundBytes()} waited to be written. */
    SLOW_CONSUMER,
    /** The thread holding the connection fell behind the core; events for it were lost. */
    OVERLOADED
}
