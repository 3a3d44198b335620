package dev.rollcall.gateway;

import java.util.List;

/**
 * Makes the handler for each accepted connection. Called on gateway threads, concurrently.
 */
@FunctionalInterface
public interface ConnectionHandlerFactory
{
    /**
     * @param connection the accepted connection.
     * @return its handler.
     */
    ConnectionHandler newHandler(Connection connection);

    /**
     * @return the WebSocket subprotocols the protocol speaks, in the server's order of preference;
     * by default one, {@code rollcall.binary.v1}, whose binary messages carry the handler's bytes.
     */
    default List<WebSocketSubprotocol> webSocketSubprotocols()
    {
        return DEFAULT_SUBPROTOCOLS;
    }

    /** What {@link #webSocketSubprotocols()} gives by default. */
    List<WebSocketSubprotocol> DEFAULT_SUBPROTOCOLS = List.of(WebSocketSubprotocol.binary("rollcall.binary.v1"));
}
