package dev.rollcall.gateway;

import java.util.Objects;

/**
 * A WebSocket subprotocol a protocol speaks ({@link ConnectionHandlerFactory#webSocketSubprotocols()}):
 * binary messages carrying the handler's bytes as they are, or text messages through a
 * {@link WebSocketTextCodec}.
 *
 * @param name      the name a client offers in {@code Sec-WebSocket-Protocol}.
 * @param textCodec each thread's codec for a text subprotocol, or null for a binary one.
 */
public record WebSocketSubprotocol(String name, PerThread<? extends WebSocketTextCodec> textCodec)
{
    /**
     * @param name      the name a client offers in {@code Sec-WebSocket-Protocol}.
     * @param textCodec each thread's codec for a text subprotocol, or null for a binary one.
     */
    public WebSocketSubprotocol
    {
        Objects.requireNonNull(name, "name");
    }

    /**
     * @param name the subprotocol's name.
     * @return a subprotocol whose binary messages carry the handler's bytes as they are.
     */
    public static WebSocketSubprotocol binary(final String name)
    {
        return new WebSocketSubprotocol(name, null);
    }

    /** @return true for text messages through a codec. */
    public boolean isText()
    {
        return null != textCodec;
    }
}
