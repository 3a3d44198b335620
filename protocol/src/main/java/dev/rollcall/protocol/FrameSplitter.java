package dev.rollcall.protocol;

import java.nio.ByteBuffer;

/**
 * Finds frame boundaries in a stream of bytes (docs/protocol.md, "Framing"): a frame is an int32
 * little-endian {@code length} followed by {@code length} bytes (op + body).
 */
public final class FrameSplitter
{
    private FrameSplitter()
    {
    }

    /**
     * Length of the next complete frame at {@code in.position()} (header included), or 0 when more bytes are
     * needed. The length is checked as soon as the 4 header bytes are there, before the body arrives. Does not
     * move the buffer's position nor change its byte order.
     *
     * @param in           the received bytes, from position to limit (any byte order)
     * @param maxFrameSize the largest allowed {@code length} (op + body)
     * @return the frame's total length ({@code 4 + length}), or 0 when the frame is not complete yet
     * @throws ProtocolException {@link ErrorCode#FRAME_TOO_LARGE} when {@code length > maxFrameSize},
     *                           {@link ErrorCode#MALFORMED_FRAME} when {@code length < 1}
     */
    public static int nextFrame(final ByteBuffer in, final int maxFrameSize) throws ProtocolException
    {
        final int position = in.position();
        final int available = in.limit() - position;
        if (available < Protocol.HEADER_LENGTH)
        {
            return 0;
        }
        final int length = Wire.getIntLE(in, position);
        if (length < 1)
        {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame length " + length + " < 1");
        }
        if (length > maxFrameSize)
        {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                "frame length " + length + " > maxFrameSize " + maxFrameSize);
        }
        final long total = (long)Protocol.HEADER_LENGTH + length;
        return available < total ? 0 : (int)total;
    }
}
