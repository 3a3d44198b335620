package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.model.Result;

import java.nio.ByteBuffer;

/**
 * A protocol: one instance owns one connection, in the spirit of Ace's
 * {@code {module, state}} handlers. Every method runs on the gateway thread that owns the
 * connection, never concurrently, and must not block.
 * <p>
 * Ace's replies map onto the {@link Connection}: <em>send</em> is {@link Connection#send},
 * <em>no-send</em> is returning without sending, <em>close</em> is {@link Connection#close},
 * and a timeout is {@link Connection#timeout(long)} (then {@link #onTimeout}).
 * The built-in protocol is one of these ({@code builtin.BuiltInProtocol}, using only this SPI); a test runs a
 * line-based text protocol on the same interface.
 */
public interface ConnectionHandler
{
    /**
     * A connection was accepted (e.g. send a greeting, set an identify timeout).
     *
     * @param connection the new connection.
     */
    void onOpen(Connection connection);

    /**
     * Bytes arrived. Consume whole units from {@code input} (advance its position) and leave
     * a partial one: the rest is kept and offered again, with more bytes, next time. After
     * {@link Connection#bind(long, boolean)} return at once: the remaining input is offered
     * on the new thread after {@link #onBound}.
     *
     * @param connection the connection.
     * @param input      readable bytes, valid only during the call.
     */
    void onData(Connection connection, ByteBuffer input);

    /**
     * The connection now lives on its user's home thread after {@link Connection#bind}.
     *
     * @param connection the connection.
     */
    default void onBound(final Connection connection)
    {
    }

    /**
     * The delay given to {@link Connection#timeout(long)} has passed.
     *
     * @param connection the connection.
     */
    default void onTimeout(final Connection connection)
    {
    }

    /**
     * A command issued through the connection has its result (the journal holds it).
     *
     * @param connection the connection.
     * @param tag        the tag given with the command.
     * @param result     the result.
     */
    default void onResult(final Connection connection, final long tag, final Result result)
    {
    }

    /**
     * An event for the bound user (as subscriber), when bound with {@code events = true}.
     *
     * @param connection the connection.
     * @param event      a flyweight valid only during the call.
     */
    default void onEvent(final Connection connection, final PresenceEvent event)
    {
    }

    /**
     * The core ordered this connection closed ({@code disconnectUser}); by default it is closed.
     *
     * @param connection the connection.
     */
    default void onDisconnectedByServer(final Connection connection)
    {
        connection.close();
    }

    /**
     * The gateway refuses the connection (a limit): send a goodbye if the protocol has one;
     * the connection is closed after this returns. For {@link Refusal#SLOW_CONSUMER} a small
     * reserve above the outbound limit is left for that goodbye. {@link #onClose} follows.
     *
     * @param connection the connection.
     * @param refusal    which limit.
     */
    default void onRefused(final Connection connection, final Refusal refusal)
    {
    }

    /**
     * The gateway is shutting down; the connection is closed after this returns (send a
     * goodbye here).
     *
     * @param connection the connection.
     */
    default void onShutdown(final Connection connection)
    {
    }

    /**
     * The transport could not decode what the peer sent into this handler's input (a WebSocket
     * JSON message that is not one): answer as the protocol answers malformed input. By default
     * the connection is closed.
     *
     * @param connection the connection.
     * @param code       the protocol's error code for it (e.g. 4002, malformed).
     * @param message    what was wrong, for the peer.
     */
    default void onMalformedInput(final Connection connection, final int code, final String message)
    {
        connection.close();
    }

    /**
     * The connection is closed (by the peer, the handler or the gateway); also for a connection
     * refused before it opened, or a WebSocket whose handshake was refused, which had no
     * {@link #onOpen}. Report the
     * connection lost to the core here if the handler connected a user.
     *
     * @param connection the connection, no longer writable.
     */
    void onClose(Connection connection);
}
