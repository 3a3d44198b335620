package dev.rollcall.gateway;

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
}
