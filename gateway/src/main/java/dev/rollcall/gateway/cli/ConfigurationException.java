package dev.rollcall.gateway.cli;

/**
 * A configuration {@code rollcall serve} refuses to start with: the message names the key, the
 * value, where it came from and what is allowed, ready to print. The command exits with code 2.
 */
final class ConfigurationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the key, the value, its source and what is allowed.
     */
    ConfigurationException(final String message)
    {
        super(message, null, false, false);
    }
}
