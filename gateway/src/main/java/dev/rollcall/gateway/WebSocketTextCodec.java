package dev.rollcall.gateway;

import dev.rollcall.protocol.ProtocolException;

import java.nio.ByteBuffer;

/**
 * Carries a protocol over WebSocket text messages: translates each text message into the bytes
 * its {@link ConnectionHandler} reads, and the bytes the handler sends into text messages. One
 * instance per gateway thread ({@link WebSocketSubprotocol#textCodec()}), used by that thread
 * only; it must not allocate per message. The built-in protocol's JSON encoding is one.
 */
public interface WebSocketTextCodec
{
    /**
     * Where encoded messages go: each becomes one WebSocket text message of the connection.
     */
    @FunctionalInterface
    interface MessageSink
    {
        /**
         * @param connection the connection.
         * @param text       one message's UTF-8 bytes, from position to limit; consumed.
         * @return false if the connection is closed or was just closed as a slow consumer.
         */
        boolean onMessage(Connection connection, ByteBuffer text);
    }

    /**
     * Decode one whole text message (valid UTF-8, checked by the transport) into the handler's input.
     *
     * @param connection the connection it came on.
     * @param message    holds the message between {@code from} and {@code to}.
     * @param from       where the message starts.
     * @param to         where it ends.
     * @return the handler's input, between position and limit; valid until the next call.
     * @throws ProtocolException when the message is not one of the protocol's: the handler's
     *                           {@link ConnectionHandler#onMalformedInput} gets its code and message.
     */
    ByteBuffer decode(Connection connection, ByteBuffer message, int from, int to) throws ProtocolException;

    /**
     * Encode what the handler sends as text messages.
     *
     * @param connection the connection.
     * @param output     the handler's bytes, from position to limit (whole units of its protocol); consumed.
     * @param sink       takes each message.
     * @return false if the sink refused a message.
     */
    boolean encode(Connection connection, ByteBuffer output, MessageSink sink);
}
