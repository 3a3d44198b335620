package dev.rollcall.gateway.builtin;

import dev.rollcall.gateway.Connection;
import dev.rollcall.gateway.PerThread;
import dev.rollcall.gateway.WebSocketTextCodec;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.json.JsonClientMessageDecoder;
import dev.rollcall.protocol.json.JsonServerMessageEncoder;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * The built-in protocol's JSON encoding ({@code rollcall.json.v1}, docs/protocol.md) over
 * WebSocket text messages: each JSON message becomes the binary frame it stands for, so one
 * handler and every rule serve both encodings, and each frame the handler sends becomes one JSON
 * message. One per gateway thread; its buffers are made on first use.
 */
final class JsonTextCodec implements WebSocketTextCodec
{
    /** One per gateway thread. */
    static final PerThread<JsonTextCodec> PER_THREAD = new PerThread<>(JsonTextCodec::new);

    private final JsonClientMessageDecoder decoder = new JsonClientMessageDecoder();
    private final JsonServerMessageEncoder encoder = new JsonServerMessageEncoder();
    private final ByteBuffer frame = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE);
    /** For an error frame made here; the handler's own scratch may hold the frame being sent. */
    private ByteBuffer errorFrame;
    private ByteBuffer out;

    @Override
    public ByteBuffer decode(final Connection connection, final ByteBuffer message, final int from, final int to)
        throws ProtocolException
    {
        frame.clear();
        decoder.decode(message, from, to, frame);
        return frame.flip();
    }

    @Override
    public boolean encode(final Connection connection, final ByteBuffer output, final MessageSink sink)
    {
        final int end = output.limit();
        for (int at = output.position(); at + Protocol.BODY_OFFSET <= end; )
        {
            final int length = Protocol.HEADER_LENGTH + ((output.get(at) & 0xFF) | (output.get(at + 1) & 0xFF) << 8 |
                (output.get(at + 2) & 0xFF) << 16 | (output.get(at + 3) & 0xFF) << 24);
            ByteBuffer json = out(length);
            while (true)
            {
                try
                {
                    encoder.encode(output, at, json);
                    break;
                }
                catch (final BufferOverflowException ex)
                {
                    json = out(json.capacity() / 3); // beyond the sizing: twice the room, and retry
                }
            }
            json.flip();
            if (json.remaining() > connection.context().maxOutboundBytes() && isClients(output, at))
            {
                json = answerTooLarge(connection, output, at, json.remaining()); // JSON says more than binary
            }
            if (!sink.onMessage(connection, json))
            {
                return false;
            }
            at += length;
        }
        output.position(end);
        return true;
    }

    private static boolean isClients(final ByteBuffer frames, final int at)
    {
        return (frames.get(at + Protocol.HEADER_LENGTH) & 0xFF) == Protocol.CLIENTS;
    }

    /**
     * A {@code CLIENTS} answer whose JSON could never be queued (more than {@code maxOutboundBytes})
     * is refused as the binary protocol refuses an answer beyond its largest frame: {@code ERROR
     * ANSWER_TOO_LARGE} with the request's id, the connection staying open.
     *
     * @return the JSON of that error.
     */
    private ByteBuffer answerTooLarge(final Connection c, final ByteBuffer frames, final int at, final int jsonLength)
    {
        final long requestId = (frames.get(at + Protocol.BODY_OFFSET) & 0xFFL) |
            (frames.get(at + Protocol.BODY_OFFSET + 1) & 0xFFL) << 8 |
            (frames.get(at + Protocol.BODY_OFFSET + 2) & 0xFFL) << 16 |
            (frames.get(at + Protocol.BODY_OFFSET + 3) & 0xFFL) << 24;
        c.countError(ErrorCode.ANSWER_TOO_LARGE);
        if (null == errorFrame)
        {
            errorFrame = ByteBuffer.allocate(2048);
        }
        final ByteBuffer error = errorFrame.clear();
        new FrameWriter(error).error(requestId, ErrorCode.ANSWER_TOO_LARGE.code(), "the answer in JSON would be " +
            jsonLength + " bytes, more than maxOutboundBytes (" + c.context().maxOutboundBytes() + "); ask for fewer clients");
        final ByteBuffer json = out(error.position());
        encoder.encode(error, 0, json);
        return json.flip();
    }

    /**
     * @param frameLength a binary server frame's length.
     * @return a buffer, cleared, with room for its JSON (at most six bytes a frame byte, for
     * escaped control characters, plus the names); grown when needed.
     */
    private ByteBuffer out(final int frameLength)
    {
        final int required = (int)Math.min(Integer.MAX_VALUE - 8, 6L * frameLength + 4096);
        if (null == out || out.capacity() < required)
        {
            out = ByteBuffer.allocate(Math.max(required, 64 * 1024));
        }
        return out.clear();
    }
}
