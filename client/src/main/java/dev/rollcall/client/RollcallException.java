package dev.rollcall.client;

import dev.rollcall.protocol.ErrorCode;

/**
 * A failure reported by the Rollcall server or detected by the client.
 *
 * <p>Server failures carry the wire code of the {@code ERROR} or {@code CLOSE} frame ({@link #code()}, e.g. 4004)
 * and, when this client knows it, the matching {@link ErrorCode} ({@link #errorCode()}). Failures detected by the
 * client itself (see {@link NotConnectedException} and {@link ConnectionLostException}) have code {@code 0}.
 */
public class RollcallException extends RuntimeException
{
    /** The wire code, or 0 for a client-side failure. */
    private final int code;

    /**
     * A failure reported by the server.
     *
     * @param code    the wire code ({@code ERROR.code} or {@code CLOSE.code})
     * @param message the server's message
     */
    public RollcallException(final int code, final String message)
    {
        super(describe(code, message));
        this.code = code;
    }

    /**
     * A failure detected by the client (code {@code 0}).
     *
     * @param message what happened
     * @param cause   the underlying failure, or null
     */
    public RollcallException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = 0;
    }

    /**
     * The wire code of the server's {@code ERROR} or {@code CLOSE}, or {@code 0} for a failure detected by the
     * client.
     *
     * @return the code
     */
    public int code()
    {
        return code;
    }

    /**
     * The error code, when the server sent one this client knows.
     *
     * @return the error code, or null for a client-side failure or an unknown code
     */
    public ErrorCode errorCode()
    {
        return ErrorCode.fromCode(code);
    }

    private static String describe(final int code, final String message)
    {
        final ErrorCode errorCode = ErrorCode.fromCode(code);
        final String name = errorCode == null ? "code" : errorCode.name();
        return name + " (" + code + "): " + message;
    }
}
