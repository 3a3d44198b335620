package dev.rollcall.client;

/**
 * A command was issued while the client was not {@link ConnectionState#READY} (still connecting, reconnecting or
 * resuming after a drop, or closed): it was not sent. Commands are never queued; wait for
 * {@link RollcallClient#whenReady()} and issue it again.
 */
public final class NotConnectedException extends RollcallException
{
    /**
     * A not-connected failure.
     *
     * @param state the client's state when the command was issued
     */
    public NotConnectedException(final ConnectionState state)
    {
        super("not connected (state " + state + "): command not sent", null);
    }
}
