package dev.rollcall.gateway;

/**
 * What a connection's handler threw, with the connection it concerns, as the gateway reports it
 * to {@link GatewayContext#errorHandler()}: "connection 7 (user 42, 127.0.0.1:50312, WebSocket):
 * the cause". Made only on the error path; the cause is kept whole.
 */
public final class ConnectionException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final long connectionId;
    private final long userId;

    ConnectionException(final GatewayConnection connection, final Throwable cause)
    {
        super(describe(connection) + ": " + cause, cause);
        this.connectionId = connection.id();
        this.userId = connection.userId();
    }

    /** @return the connection's id. */
    public long connectionId()
    {
        return connectionId;
    }

    /** @return the user the connection was bound to, or 0 when it had not identified. */
    public long userId()
    {
        return userId;
    }

    private static String describe(final GatewayConnection connection)
    {
        return "connection " + connection.id() + " (" +
            (0 == connection.userId() ? "not identified" : "user " + connection.userId()) + ", " +
            (null == connection.remoteAddress() ? "address unknown" :
            connection.remoteAddress().getHostString() + ":" + connection.remoteAddress().getPort()) +
            (null == connection.transport ? ", TCP" : ", WebSocket") + ")";
    }
}
