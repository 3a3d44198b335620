package dev.rollcall.bench;

import dev.rollcall.gateway.websocket.WebSocketFrames;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link PathClient} over WebSocket, subprotocol {@code rollcall.binary.v1}: the binary
 * protocol's frames, written by the {@link BinaryPathClient}'s {@code FrameWriter} into a
 * staging buffer, each sent as one masked binary message; the server's binary messages are read
 * by their headers, and the protocol frames they carry by offset where they lie.
 * <pre>
 *   send:  FrameWriter ──► staging ──mask──► out: [0x82, 0x80|len, key, payload ^ key] ──► socket
 *   read:  in: [0x82, len, frame frame ...][0x82, len, frame ...] ──► next() returns each frame in place
 * </pre>
 */
final class WebSocketBinaryPathClient extends BinaryPathClient
{
    static final String SUBPROTOCOL = "rollcall.binary.v1";

    /** Bytes of the current server message not yet returned as frames. */
    private long messageRemaining;

    WebSocketBinaryPathClient(final InetSocketAddress address, final String path) throws IOException
    {
        super(address, ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN));
        WebSocketClientSide.handshake(channel, in, "127.0.0.1:" + address.getPort(), path, SUBPROTOCOL);
        frameEnd = in.position();
    }

    @Override
    void flush() throws IOException
    {
        final int length = frames.position();
        WebSocketClientSide.putHeader(out, WebSocketFrames.OPCODE_BINARY, length);
        WebSocketClientSide.putMasked(out, frames, 0, length);
        frames.clear();
        send();
    }

    @Override
    int next() throws IOException
    {
        in.position(frameEnd);
        while (true)
        {
            final int position = in.position();
            if (messageRemaining == 0)
            {
                final int header = WebSocketClientSide.headerLength(in, position, WebSocketFrames.OPCODE_BINARY);
                if (header > 0)
                {
                    messageRemaining = WebSocketClientSide.payloadLength(in, position);
                    in.position(position + header);
                    continue;
                }
            }
            else if (in.remaining() >= Protocol.HEADER_LENGTH + 1)
            {
                final int length = Protocol.HEADER_LENGTH + in.getInt(position);
                if (length > messageRemaining)
                {
                    throw new IOException("a frame of " + length + " bytes across the end of its message");
                }
                if (in.remaining() >= length)
                {
                    frameStart = position;
                    frameEnd = position + length;
                    messageRemaining -= length;
                    return in.get(position + Protocol.HEADER_LENGTH) & 0xFF;
                }
            }
            fill();
        }
    }
}
