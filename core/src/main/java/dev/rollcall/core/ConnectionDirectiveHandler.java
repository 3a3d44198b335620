package dev.rollcall.core;

/**
 * Receives the business logic's instructions to close connections (e.g. after
 * {@code disconnectUser}), on the fan-out thread, once the journal holds the cause. The
 * gateway implements it; it must not block, and must not issue commands from this thread
 * (that throws {@link IllegalStateException}; e.g. report the connection loss from the thread
 * that owns the connection).
 */
@FunctionalInterface
public interface ConnectionDirectiveHandler
{
    /** Ignores every directive. */
    ConnectionDirectiveHandler NONE = (userId, connectionId, reason) ->
    {
    };

    /** Why a connection must close. */
    enum CloseReason
    {
        /** The user was disconnected on purpose ({@code disconnectUser}). */
        DISCONNECTED_BY_SERVER
    }

    /**
     * @param userId       the user.
     * @param connectionId the connection to close.
     * @param reason       why.
     */
    void closeConnection(long userId, long connectionId, CloseReason reason);
}
