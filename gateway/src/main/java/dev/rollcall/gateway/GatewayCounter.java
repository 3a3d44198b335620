package dev.rollcall.gateway;

/**
 * What the gateway counts ({@link Gateway#counter}).
 */
public enum GatewayCounter
{
    /** Connections accepted (admitted or refused). */
    CONNECTIONS_ACCEPTED,
    /** Connections refused by a connection limit. */
    CONNECTIONS_REFUSED,
    /** Connections closed, for any reason. */
    CONNECTIONS_CLOSED,
    /** Connections open now. */
    CONNECTIONS_OPEN,
    /** Slow consumers closed. */
    SLOW_CONSUMERS,
    /** Connections moved to their user's home thread. */
    MIGRATIONS,
    /** Bytes read from sockets. */
    BYTES_READ,
    /** Bytes written to sockets. */
    BYTES_WRITTEN,
    /** Socket write calls (bytes written / write calls = batching). */
    WRITE_CALLS,
    /** Events handed from the core to a gateway thread. */
    EVENTS_ROUTED,
    /** Times a thread's inbox from the core overflowed (its sessions are closed). */
    INBOX_OVERRUNS,
    /** Exceptions thrown by handlers (the connection is closed). */
    HANDLER_ERRORS,
    /** Frames received by the built-in protocol. */
    FRAMES_RECEIVED,
    /** Events dispatched to sessions by the built-in protocol. */
    EVENTS_DISPATCHED,
    /** Sessions identified. */
    IDENTIFIES,
    /** Sessions resumed. */
    RESUMES,
    /** Resumes refused with INVALID_SESSION. */
    INVALID_SESSIONS,
    /** Protocol errors sent (see {@link Gateway#errorCount}). */
    PROTOCOL_ERRORS,
    /** WebSocket opening handshakes answered with 101. */
    WEBSOCKET_UPGRADES,
    /** WebSocket opening handshakes refused with an HTTP status. */
    WEBSOCKET_HANDSHAKES_REFUSED,
    /** WebSocket connections closed for breaking RFC 6455 or its limits (1002, 1003, 1007, 1009). */
    WEBSOCKET_PROTOCOL_ERRORS,
    /**
     * Connections open now that came in on the WebSocket port (handshaking or upgraded); a part of
     * {@link #CONNECTIONS_OPEN}, whose rest came in on the TCP port.
     */
    WEBSOCKET_CONNECTIONS_OPEN
}
