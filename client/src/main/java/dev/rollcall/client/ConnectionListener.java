package dev.rollcall.client;

/**
 * Callbacks about a client's connection. Every method has an empty default. They are called on the client's I/O
 * thread: they must return quickly and must not block (in particular, must not wait for a command's future).
 */
public interface ConnectionListener
{
    /**
     * The client changed state.
     *
     * @param client   the client
     * @param previous the state before
     * @param current  the state now
     */
    default void onStateChanged(final RollcallClient client, final ConnectionState previous, final ConnectionState current)
    {
    }

    /**
     * The client is ready: identified (a new session: when it is not the first one, the events of the previous
     * session that were not received are lost) or resumed (no event lost).
     *
     * @param client    the client
     * @param sessionId the session id
     * @param resumed   true after {@code RESUMED}, false after {@code READY}
     */
    default void onReady(final RollcallClient client, final long sessionId, final boolean resumed)
    {
    }

    /**
     * The connection dropped; the client will reconnect (unless the drop is fatal: then the state becomes
     * {@link ConnectionState#FAILED}).
     *
     * @param client the client
     * @param cause  why (an {@link java.io.IOException}, a {@link RollcallException} for a server {@code CLOSE}, a
     *               {@link java.net.SocketTimeoutException} for a missing heartbeat ack...)
     */
    default void onDisconnected(final RollcallClient client, final Throwable cause)
    {
    }

    /**
     * The server sent an {@code ERROR} not about a request (request id 0), e.g. {@code PRESENCE_REFUSED} when the
     * initial presence was refused, or the error announcing a {@code CLOSE}.
     *
     * @param client the client
     * @param error  the error (code and message)
     */
    default void onServerError(final RollcallClient client, final RollcallException error)
    {
    }
}
