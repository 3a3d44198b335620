package dev.rollcall.journal;

/**
 * The journal or a snapshot cannot be trusted: thrown at start-up (or by the tools, or when
 * the snapshot thread rebuilds a state: that snapshot fails) with a message naming the file and
 * the position, so that an operator can act. Rollcall never starts on a partial state.
 */
public final class JournalCorruptException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the file and position.
     */
    public JournalCorruptException(final String message)
    {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file and position.
     * @param cause   the underlying failure.
     */
    public JournalCorruptException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
