package dev.rollcall.gateway.builtin;

import dev.rollcall.gateway.Connection;
import dev.rollcall.gateway.ConnectionHandler;
import dev.rollcall.gateway.ConnectionHandlerFactory;
import dev.rollcall.gateway.WebSocketSubprotocol;

import java.util.List;

/**
 * The built-in protocol (docs/protocol.md), as the gateway runs it when no other
 * {@link ConnectionHandlerFactory} is configured: binary frames over TCP or WebSocket, and
 * their JSON encoding over WebSocket. It is a plug-in like any other: it uses only the
 * gateway's SPI.
 */
public final class BuiltInProtocol implements ConnectionHandlerFactory
{
    /** The factory. */
    public static final BuiltInProtocol FACTORY = new BuiltInProtocol();

    private BuiltInProtocol()
    {
    }

    /** The binary frames of docs/protocol.md in binary messages, unchanged. */
    public static final String BINARY_SUBPROTOCOL = "rollcall.binary.v1";
    /** The same protocol as JSON, one text message a frame. */
    public static final String JSON_SUBPROTOCOL = "rollcall.json.v1";

    private static final List<WebSocketSubprotocol> SUBPROTOCOLS = List.of(
        WebSocketSubprotocol.binary(BINARY_SUBPROTOCOL),
        new WebSocketSubprotocol(JSON_SUBPROTOCOL, JsonTextCodec.PER_THREAD));

    @Override
    public List<WebSocketSubprotocol> webSocketSubprotocols()
    {
        return SUBPROTOCOLS;
    }

    @Override
    public ConnectionHandler newHandler(final Connection connection)
    {
        return new BinaryProtocolHandler(connection);
    }
}
