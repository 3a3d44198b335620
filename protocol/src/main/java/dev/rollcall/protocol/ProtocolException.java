package dev.rollcall.protocol;

/**
 * Bytes that cannot be decoded (docs/protocol.md): {@link ErrorCode#MALFORMED_FRAME},
 * {@link ErrorCode#UNKNOWN_OP} or {@link ErrorCode#FRAME_TOO_LARGE}. Stackless: cheap to throw for untrusted
 * input.
 */
public final class ProtocolException extends Exception
{
    private final ErrorCode code;

    /**
     * A protocol exception.
     *
     * @param code    the error code to answer with
     * @param message what was wrong
     */
    public ProtocolException(final ErrorCode code, final String message)
    {
        super(message, null, false, false);
        this.code = code;
    }

    /**
     * The error code to answer with.
     *
     * @return the error code
     */
    public ErrorCode code()
    {
        return code;
    }

    @Override
    public String toString()
    {
        return "ProtocolException{" + code + ": " + getMessage() + "}";
    }
}
