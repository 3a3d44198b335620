package dev.rollcall.client;

/**
 * The connection dropped (or the client was closed) while a command was waiting for its answer: the command may or
 * may not have been applied by the server. The cause, when there is one, says why the connection dropped.
 */
public final class ConnectionLostException extends RollcallException
{
    /**
     * A connection-lost failure.
     *
     * @param message what happened
     * @param cause   why the connection dropped, or null
     */
    public ConnectionLostException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
