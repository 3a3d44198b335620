package dev.rollcall.gateway.auth;

/**
 * No usable token secret: none configured, unreadable, or too short. The message says what is
 * wrong and how to fix it, and is meant to be shown to the user as is.
 */
public final class SecretException extends RuntimeException
{
    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it.
     */
    public SecretException(final String message)
    {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it.
     * @param cause   the underlying error.
     */
    public SecretException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
