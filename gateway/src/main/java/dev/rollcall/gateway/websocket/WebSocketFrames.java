package dev.rollcall.gateway.websocket;

import java.nio.ByteBuffer;

/**
 * The RFC 6455 frame layout, its opcodes and close codes, and the server's frame header writer.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-------+-+-------------+-------------------------------+
 *  |F|R|R|R| opcode|M| payload len |  extended payload length      |
 *  |I|S|S|S|  (4)  |A|     (7)     |  (16 if len = 126, 64 if 127)  |
 *  |N|V|V|V|       |S|             |                               |
 *  | |1|2|3|       |K|             |                               |
 *  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *  |  masking key (32, client frames only)  |  payload ...          |
 *  +----------------------------------------+-----------------------+
 * </pre>
 * A server never masks; a client always does.
 */
public final class WebSocketFrames
{
    /** Continuation of a fragmented message. */
    public static final int OPCODE_CONTINUATION = 0x0;
    /** A text message (UTF-8). */
    public static final int OPCODE_TEXT = 0x1;
    /** A binary message. */
    public static final int OPCODE_BINARY = 0x2;
    /** Close. */
    public static final int OPCODE_CLOSE = 0x8;
    /** Ping. */
    public static final int OPCODE_PING = 0x9;
    /** Pong. */
    public static final int OPCODE_PONG = 0xA;

    /** The most a control frame's payload may hold. */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    /** The longest server frame header (no mask). */
    public static final int MAX_SERVER_HEADER = 10;
    /** The longest client frame header (with its mask). */
    public static final int MAX_CLIENT_HEADER = 14;

    /** Close: normal. */
    public static final int CLOSE_NORMAL = 1000;
    /** Close: the server is going away (shutting down). */
    public static final int CLOSE_GOING_AWAY = 1001;
    /** Close: the peer broke the protocol. */
    public static final int CLOSE_PROTOCOL_ERROR = 1002;
    /** Close: a message of a kind this endpoint does not accept (text where binary is expected). */
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;
    /** Close: a text message or close reason that is not UTF-8. */
    public static final int CLOSE_INVALID_PAYLOAD = 1007;
    /** Close: a policy was broken (a limit of the gateway). */
    public static final int CLOSE_POLICY_VIOLATION = 1008;
    /** Close: a message larger than the limit. */
    public static final int CLOSE_MESSAGE_TOO_BIG = 1009;
    /** Close: the server met an unexpected condition. */
    public static final int CLOSE_INTERNAL_ERROR = 1011;
    /** Close: the server is overloaded, try again later. */
    public static final int CLOSE_TRY_AGAIN_LATER = 1013;

    private WebSocketFrames()
    {
    }

    /**
     * @param opcode a frame's opcode.
     * @return true for close, ping and pong.
     */
    public static boolean isControl(final int opcode)
    {
        return (opcode & 0x8) != 0;
    }

    /**
     * @param opcode a frame's opcode.
     * @return true for the six opcodes RFC 6455 defines.
     */
    public static boolean isKnown(final int opcode)
    {
        return opcode <= OPCODE_BINARY || (opcode >= OPCODE_CLOSE && opcode <= OPCODE_PONG);
    }

    /**
     * Whether a close frame may carry this code (RFC 6455 section 7.4): the defined codes other
     * than those reserved for "no code" (1005), "abnormal" (1006) and "TLS" (1015), and the
     * ranges 3000-4999 for libraries and applications.
     *
     * @param code the close code received.
     * @return true if it is valid on the wire.
     */
    public static boolean isValidCloseCode(final int code)
    {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * @param payloadLength the payload's length.
     * @return the length of an unmasked (server) header for it.
     */
    public static int serverHeaderLength(final int payloadLength)
    {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /**
     * Write an unmasked, final frame's header, in network byte order whatever the buffer's order.
     *
     * @param out           where, at its position (advanced).
     * @param opcode        the opcode.
     * @param payloadLength the payload's length.
     */
    public static void putServerHeader(final ByteBuffer out, final int opcode, final int payloadLength)
    {
        out.put((byte)(0x80 | opcode));
        if (payloadLength <= 125)
        {
            out.put((byte)payloadLength);
        }
        else if (payloadLength <= 0xFFFF)
        {
            out.put((byte)126);
            out.put((byte)(payloadLength >>> 8));
            out.put((byte)payloadLength);
        }
        else
        {
            out.put((byte)127);
            out.put((byte)0).put((byte)0).put((byte)0).put((byte)0); // network order; an int's length
            out.put((byte)(payloadLength >>> 24));
            out.put((byte)(payloadLength >>> 16));
            out.put((byte)(payloadLength >>> 8));
            out.put((byte)payloadLength);
        }
    }
}
