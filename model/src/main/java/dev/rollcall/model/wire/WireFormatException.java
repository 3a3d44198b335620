package dev.rollcall.model.wire;

/**
 * Bytes that are not a valid encoding (docs/protocol.md): truncated, a bad bool or code, invalid
 * UTF-8, a mask bit no field has. Thrown by {@link WireDecoder}; the protocol answers untrusted bytes
 * with {@code MALFORMED_FRAME}, while in the core's own events it is a bug. Stackless: cheap to throw
 * for untrusted input.
 */
public final class WireFormatException extends RuntimeException
{
    /**
     * @param message what was wrong.
     */
    public WireFormatException(final String message)
    {
        super(message, null, false, false);
    }
}
