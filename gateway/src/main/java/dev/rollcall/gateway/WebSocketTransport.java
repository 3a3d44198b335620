package dev.rollcall.gateway;

import dev.rollcall.gateway.websocket.Utf8Validator;
import dev.rollcall.gateway.websocket.WebSocketHandshake;

import dev.rollcall.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_INVALID_PAYLOAD;
import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_MESSAGE_TOO_BIG;
import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_NORMAL;
import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_POLICY_VIOLATION;
import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_PROTOCOL_ERROR;
import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_TRY_AGAIN_LATER;
import static dev.rollcall.gateway.websocket.WebSocketFrames.CLOSE_UNSUPPORTED_DATA;
import static dev.rollcall.gateway.websocket.WebSocketFrames.MAX_CONTROL_PAYLOAD;
import static dev.rollcall.gateway.websocket.WebSocketFrames.OPCODE_BINARY;
import static dev.rollcall.gateway.websocket.WebSocketFrames.OPCODE_CLOSE;
import static dev.rollcall.gateway.websocket.WebSocketFrames.OPCODE_CONTINUATION;
import static dev.rollcall.gateway.websocket.WebSocketFrames.OPCODE_PING;
import static dev.rollcall.gateway.websocket.WebSocketFrames.OPCODE_PONG;
import static dev.rollcall.gateway.websocket.WebSocketFrames.OPCODE_TEXT;
import static dev.rollcall.gateway.websocket.WebSocketFrames.isControl;
import static dev.rollcall.gateway.websocket.WebSocketFrames.isKnown;
import static dev.rollcall.gateway.websocket.WebSocketFrames.isValidCloseCode;

/**
 * RFC 6455 between a connection's socket and its {@link ConnectionHandler}: the opening
 * handshake, then client frames decoded into the payload stream the handler reads, and the
 * handler's sends framed as messages ({@link GatewayConnection#send}). One per WebSocket
 * connection, on the connection's thread; allocates nothing after the handshake.
 * <p>
 * Decoding works in place in the thread's read buffer: each data frame's payload is unmasked
 * and moved down over the headers before it, so the buffer holds the payload bytes so far,
 * then at most an incomplete header or control frame. The handler reads the payload, and what
 * it leaves stays at the front of the kept input, marked as decoded ({@link #decoded}):
 * <pre>
 *   kept input:  | payload the handler left (decoded) | raw bytes of an incomplete frame |
 * </pre>
 * A data frame's payload is passed on as it arrives, before the frame is complete; a control
 * frame (at most 125 bytes) waits until it is whole. With the binary subprotocol the message
 * boundaries do not matter: the protocol's frames carry their own lengths.
 */
final class WebSocketTransport
{
    /** Hands the text messages a {@link WebSocketTextCodec} makes to the connection. */
    private static final WebSocketTextCodec.MessageSink TEXT_SINK =
        (connection, text) -> ((GatewayConnection)connection).queueFrame(OPCODE_TEXT, text, false);

    private static final int HANDSHAKE = 0;
    private static final int OPEN = 1;
    private static final int CLOSED = 2;

    private int state = HANDSHAKE;
    private int decoded;
    private long frameRemaining;
    private int mask;
    private int maskPhase;
    private boolean frameFinal;
    private int messageOpcode;
    private long messageLength;
    private boolean closeSent;
    /** Bytes of the opening handshake searched for its end so far. */
    private int scanned;
    private int closeCode = CLOSE_NORMAL;
    /** The subprotocol agreed in the handshake. */
    private WebSocketSubprotocol subprotocol;
    /** Set for a text subprotocol: checks the text message being received. */
    private Utf8Validator utf8;
    /** When the peer last sent anything, or a ping went out (the gateway's clock). */
    private long lastHeard;

    /** @return true until the opening handshake has been answered with 101. */
    boolean isHandshaking()
    {
        return state == HANDSHAKE;
    }

    /**
     * @return the opcode of the messages the handler's sends become, or -1 once no message may
     * be sent (the handshake is not done, or a close frame went out).
     */
    int dataOpcode()
    {
        return state == OPEN && !closeSent ? (null == utf8 ? OPCODE_BINARY : OPCODE_TEXT) : -1;
    }

    /**
     * The handler sends: one binary message, or, with a text subprotocol, the messages its
     * codec makes of the bytes.
     *
     * @return false if the connection is closed or was just closed as a slow consumer.
     */
    boolean send(final GatewayConnection c, final ByteBuffer bytes)
    {
        final int opcode = dataOpcode();
        if (opcode < 0)
        {
            return false;
        }
        if (null == utf8)
        {
            return c.queueFrame(opcode, bytes, false);
        }
        return c.perThread(subprotocol.textCodec()).encode(c, bytes, TEXT_SINK);
    }

    /**
     * @param ctx the gateway's settings.
     * @return the names of the subprotocols offered: those the protocol speaks.
     */
    static List<String> subprotocols(final GatewayContext ctx)
    {
        return ctx.subprotocolNames();
    }

    /**
     * @param code the code the close frame will carry (the first one set wins over the default).
     */
    void closeCode(final int code)
    {
        if (closeCode == CLOSE_NORMAL)
        {
            closeCode = code;
        }
    }

    /**
     * @param code the code the handler gives its closing (an application's 4000-4999, or one of
     * RFC 6455's a server may send); it wins over the gateway's. Others are ignored.
     */
    void applicationCloseCode(final int code)
    {
        if (isValidCloseCode(code))
        {
            closeCode = code;
        }
    }

    /**
     * @param refusal a limit of the gateway.
     * @return the close code that says it.
     */
    static int closeCodeOf(final Refusal refusal)
    {
        return switch (refusal)
        {
            case TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS_FROM_ADDRESS, OVERLOADED -> CLOSE_TRY_AGAIN_LATER;
            case SLOW_CONSUMER -> CLOSE_POLICY_VIOLATION;
        };
    }

    /**
     * Input arrived: answer the handshake, or decode frames and offer their payload to the handler.
     * On return, the buffer's remaining bytes are what must be kept for next time.
     *
     * @param c      the connection.
     * @param buffer the input: what was kept, then what was read.
     */
    void onInput(final GatewayConnection c, final ByteBuffer buffer)
    {
        lastHeard = c.nowMs();
        if (state == HANDSHAKE && !handshake(c, buffer))
        {
            return;
        }
        if (state != OPEN)
        {
            buffer.position(buffer.limit());
            return;
        }
        final int start = buffer.position();
        final int limit = buffer.limit();
        int write = start + decoded;
        int read = write;
        boolean closeReceived = false;
        while (read < limit)
        {
            if (frameRemaining > 0)
            {
                final int n = (int)Math.min(frameRemaining, limit - read);
                unmask(buffer, read, write, n);
                if (null != utf8 && !utf8.update(buffer, write, write + n))
                {
                    fail(c, buffer, CLOSE_INVALID_PAYLOAD, "a text message that is not UTF-8");
                    return;
                }
                read += n;
                write += n;
                frameRemaining -= n;
                if (frameRemaining > 0 || !frameFinal)
                {
                    continue;
                }
            }
            else
            {
                final int available = limit - read;
                if (available < 2)
                {
                    break;
                }
                final int b0 = buffer.get(read) & 0xFF;
                final int b1 = buffer.get(read + 1) & 0xFF;
                final int opcode = b0 & 0x0F;
                final boolean fin = (b0 & 0x80) != 0;
                final int length7 = b1 & 0x7F;
                final int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + 4;
                if ((b0 & 0x70) != 0)
                {
                    fail(c, buffer, CLOSE_PROTOCOL_ERROR, "reserved bits set without an extension");
                    return;
                }
                if (!isKnown(opcode))
                {
                    fail(c, buffer, CLOSE_PROTOCOL_ERROR, "unknown opcode " + opcode);
                    return;
                }
                if ((b1 & 0x80) == 0)
                {
                    fail(c, buffer, CLOSE_PROTOCOL_ERROR, "client frames must be masked");
                    return;
                }
                if (isControl(opcode) && (!fin || length7 > MAX_CONTROL_PAYLOAD))
                {
                    fail(c, buffer, CLOSE_PROTOCOL_ERROR, "control frames must be final and at most 125 bytes");
                    return;
                }
                if (available < headerLength)
                {
                    break;
                }
                long length = length7;
                if (length7 == 126)
                {
                    length = ((buffer.get(read + 2) & 0xFF) << 8) | (buffer.get(read + 3) & 0xFF);
                }
                else if (length7 == 127)
                {
                    length = 0;
                    for (int i = 0; i < 8; i++)
                    {
                        length = (length << 8) | (buffer.get(read + 2 + i) & 0xFF);
                    }
                    if (length < 0)
                    {
                        fail(c, buffer, CLOSE_PROTOCOL_ERROR, "a payload length with its top bit set");
                        return;
                    }
                }
                final int maskAt = read + headerLength - 4;
                final int frameMask = (buffer.get(maskAt) & 0xFF) << 24 | (buffer.get(maskAt + 1) & 0xFF) << 16 |
                    (buffer.get(maskAt + 2) & 0xFF) << 8 | (buffer.get(maskAt + 3) & 0xFF);
                if (isControl(opcode))
                {
                    if (available < headerLength + length)
                    {
                        break;
                    }
                    final int payloadStart = read + headerLength;
                    final int n = (int)length;
                    final byte[] scratch = c.agent.controlScratch;
                    for (int i = 0; i < n; i++)
                    {
                        scratch[i] = (byte)(buffer.get(payloadStart + i) ^ maskByte(frameMask, i));
                    }
                    read = payloadStart + n;
                    if (opcode == OPCODE_PING)
                    {
                        c.queueFrame(OPCODE_PONG, c.agent.controlBuffer.clear().limit(n), false);
                    }
                    else if (opcode == OPCODE_CLOSE)
                    {
                        if (!onCloseFrame(c, buffer, scratch, n))
                        {
                            return;
                        }
                        closeReceived = true;
                        break;
                    }
                    continue; // a pong: nothing to do
                }
                if (opcode == OPCODE_CONTINUATION ? messageOpcode == 0 : messageOpcode != 0)
                {
                    fail(c, buffer, CLOSE_PROTOCOL_ERROR, opcode == OPCODE_CONTINUATION ?
                        "a continuation frame outside a fragmented message" : "a new message inside a fragmented one");
                    return;
                }
                if (opcode != OPCODE_CONTINUATION)
                {
                    if (opcode != dataOpcode())
                    {
                        fail(c, buffer, CLOSE_UNSUPPORTED_DATA, null == utf8 ?
                            subprotocol.name() + " carries binary messages only" : subprotocol.name() + " carries text messages only");
                        return;
                    }
                    messageOpcode = opcode;
                    messageLength = 0;
                    if (null != utf8)
                    {
                        utf8.reset();
                    }
                }
                messageLength += length;
                if (messageLength > c.context().webSocketMaxMessageBytes())
                {
                    fail(c, buffer, CLOSE_MESSAGE_TOO_BIG, "a message longer than " + c.context().webSocketMaxMessageBytes() + " bytes");
                    return;
                }
                read += headerLength;
                frameRemaining = length;
                frameFinal = fin;
                mask = frameMask;
                maskPhase = 0;
                if (length > 0 || !fin)
                {
                    continue;
                }
            }
            // a message is whole
            messageOpcode = 0;
            if (null != utf8)
            {
                if (!utf8.isComplete())
                {
                    fail(c, buffer, CLOSE_INVALID_PAYLOAD, "a text message that ends inside a UTF-8 character");
                    return;
                }
                if (!onTextMessage(c, buffer, start, write))
                {
                    return;
                }
                write = start;
                if (!canRead(c))
                {
                    break;
                }
            }
        }
        // keep the incomplete frame's raw bytes right after the payload
        final int raw = limit - read;
        for (int i = 0; i < raw; i++)
        {
            buffer.put(write + i, buffer.get(read + i));
        }
        if (write > start && !c.isClosed() && null == utf8)
        {
            buffer.limit(write);
            c.agent.handlers().callData(c, buffer);
            decoded = write - buffer.position();
            buffer.limit(write + raw);
        }
        else
        {
            decoded = write - start;
            buffer.limit(write + raw);
        }
        if (closeReceived)
        {
            sendClose(c, null); // the peer's code echoed
            state = CLOSED;
            buffer.position(buffer.limit());
            c.close();
        }
    }

    /**
     * Send a ping when the peer has been silent for {@link GatewayContext#webSocketPingIntervalMs()}
     * (and again after as long without a word): keeps idle connections open through proxies and
     * NATs that drop quiet ones. The peer's pong, like anything it sends, counts as hearing from it.
     *
     * @param c   the connection.
     * @param now the gateway's clock.
     */
    void pingIfIdle(final GatewayConnection c, final long now)
    {
        final int interval = c.context().webSocketPingIntervalMs();
        if (state == OPEN && !closeSent && interval > 0 && now - lastHeard >= interval)
        {
            lastHeard = now;
            c.queueFrame(OPCODE_PING, c.agent.controlBuffer.clear().limit(0), false);
        }
    }

    /**
     * A whole text message: the subprotocol's codec turns it into the handler's input; a message
     * that is not one goes to the handler's {@link ConnectionHandler#onMalformedInput} (the
     * built-in protocol answers ERROR + CLOSE {@code MALFORMED_FRAME} as for a malformed frame).
     *
     * @return false if the connection is closed.
     */
    private boolean onTextMessage(final GatewayConnection c, final ByteBuffer buffer, final int from, final int to)
    {
        final GatewayAgent agent = c.agent;
        final ByteBuffer input;
        try
        {
            input = c.perThread(subprotocol.textCodec()).decode(c, buffer, from, to);
        }
        catch (final ProtocolException ex)
        {
            // answered as the protocol answers malformed input: after the RESULTs it owes
            agent.handlers().callMalformedInput(c, ex.code().code(), ex.getMessage());
            buffer.position(buffer.limit());
            return false;
        }
        agent.handlers().callData(c, input);
        if (input.hasRemaining() && !c.isClosed() && !c.isSuspended())
        {
            agent.handlers().handlerError(c, new IllegalStateException("the handler left part of the input a text message became"));
            return false;
        }
        // input left by a handler that suspended its input instead (the built-in protocol
        // refusing it while it drains what it owes before closing) is dropped: it was not read
        return !c.isClosed();
    }

    /** @return true if the handler takes input now (not suspended, moving or closed). */
    private static boolean canRead(final GatewayConnection c)
    {
        return !c.isClosed() && !c.isSuspended() && !c.bindPending && !c.migrating;
    }

    /**
     * Answer the opening handshake once its headers are in.
     *
     * @return true when the connection is now a WebSocket and the buffer holds what follows
     * the request.
     */
    private boolean handshake(final GatewayConnection c, final ByteBuffer buffer)
    {
        final GatewayContext ctx = c.context();
        final int start = buffer.position();
        // resume the search where the last read left it (a request trickled in byte by byte is
        // scanned once, not once per byte)
        final int end = WebSocketHandshake.findEnd(buffer, start + Math.max(0, scanned - 3), buffer.limit());
        scanned = buffer.limit() - start;
        // the limit holds whether the headers are still coming or came whole in one read
        if ((end < 0 ? buffer.remaining() : end - start) > ctx.webSocketMaxHeaderBytes())
        {
            refuseHandshake(c, buffer, WebSocketHandshake.tooLarge(ctx.webSocketMaxHeaderBytes()));
            return false;
        }
        if (end < 0)
        {
            return false;
        }
        final byte[] request = new byte[end - start];
        buffer.get(request);
        final WebSocketHandshake outcome = WebSocketHandshake.accept(
            request, ctx.webSocketPath(), ctx.webSocketOrigins(), subprotocols(ctx), ctx.webPages());
        if (outcome.status() == 200)
        {
            answerAndClose(c, buffer, outcome); // a page
            return false;
        }
        if (!outcome.accepted())
        {
            refuseHandshake(c, buffer, outcome);
            return false;
        }
        subprotocol = ctx.subprotocol(outcome.subprotocol());
        if (subprotocol.isText())
        {
            utf8 = new Utf8Validator();
        }
        c.queueFrame(-1, ByteBuffer.wrap(outcome.response()), false);
        c.agent.counters().increment(GatewayCounter.WEBSOCKET_UPGRADES);
        state = OPEN;
        lastHeard = c.nowMs();
        c.timeout(0);
        c.agent.handlers().callOpen(c);
        return !c.isClosed();
    }

    private void refuseHandshake(final GatewayConnection c, final ByteBuffer buffer, final WebSocketHandshake outcome)
    {
        c.agent.counters().increment(GatewayCounter.WEBSOCKET_HANDSHAKES_REFUSED);
        answerAndClose(c, buffer, outcome);
    }

    /**
     * Send an HTTP answer instead of upgrading, read nothing more, and close.
     */
    private void answerAndClose(final GatewayConnection c, final ByteBuffer buffer, final WebSocketHandshake outcome)
    {
        c.queueFrame(-1, ByteBuffer.wrap(outcome.response()), true);
        state = CLOSED;
        buffer.position(buffer.limit());
        c.close();
    }

    /**
     * A connection the gateway refuses before its handshake is answered hears 503.
     */
    void refuseBeforeHandshake(final GatewayConnection c, final Refusal refusal)
    {
        c.queueFrame(-1, ByteBuffer.wrap(WebSocketHandshake.unavailable("refused: " + refusal).response()), true);
        state = CLOSED;
    }

    private boolean onCloseFrame(final GatewayConnection c, final ByteBuffer buffer, final byte[] payload, final int length)
    {
        if (length == 1)
        {
            fail(c, buffer, CLOSE_PROTOCOL_ERROR, "a close frame with a one-byte payload");
            return false;
        }
        if (length >= 2)
        {
            final int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!isValidCloseCode(code))
            {
                fail(c, buffer, CLOSE_PROTOCOL_ERROR, "invalid close code " + code);
                return false;
            }
            final Utf8Validator reasonCheck = c.agent.utf8Validator; // the thread's: a close reason is whole
            reasonCheck.reset();
            if (!reasonCheck.update(payload, 2, length) || !reasonCheck.isComplete())
            {
                fail(c, buffer, CLOSE_INVALID_PAYLOAD, "a close reason that is not UTF-8");
                return false;
            }
            closeCode = code; // echoed
        }
        return true;
    }

    /**
     * Close with a code and a reason because the peer broke the protocol; nothing more of its
     * input is read.
     */
    private void fail(final GatewayConnection c, final ByteBuffer buffer, final int code, final String reason)
    {
        c.agent.counters().increment(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS);
        closeCode = code;
        sendClose(c, reason);
        state = CLOSED;
        buffer.position(buffer.limit());
        c.close();
    }

    /**
     * The connection is closing: send the close frame unless one went out.
     */
    void onClosing(final GatewayConnection c)
    {
        if (state == OPEN)
        {
            sendClose(c, null);
        }
    }

    private void sendClose(final GatewayConnection c, final String reason)
    {
        if (closeSent || state != OPEN)
        {
            return;
        }
        final byte[] scratch = c.agent.controlScratch;
        scratch[0] = (byte)(closeCode >>> 8);
        scratch[1] = (byte)closeCode;
        int length = 2;
        if (null != reason)
        {
            final byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            length += Math.min(text.length, MAX_CONTROL_PAYLOAD - 2);
            System.arraycopy(text, 0, scratch, 2, length - 2);
        }
        c.queueFrame(OPCODE_CLOSE, c.agent.controlBuffer.clear().limit(length), true);
        closeSent = true;
    }

    private void unmask(final ByteBuffer buffer, final int from, final int to, final int n)
    {
        final int m = mask;
        int phase = maskPhase;
        for (int i = 0; i < n; i++)
        {
            buffer.put(to + i, (byte)(buffer.get(from + i) ^ maskByte(m, phase)));
            phase = (phase + 1) & 3;
        }
        maskPhase = phase;
    }

    /**
     * @param mask  the masking key as read big-endian from the wire.
     * @param index the payload byte's index.
     * @return the key's byte for it.
     */
    private static int maskByte(final int mask, final int index)
    {
        return mask >>> (24 - 8 * (index & 3));
    }
}
