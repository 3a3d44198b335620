package dev.rollcall.bench;

import dev.rollcall.gateway.websocket.WebSocketFrames;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@link PathClient} over WebSocket, subprotocol {@code rollcall.json.v1}: one JSON text message
 * a frame. Requests are precomputed bytes (an update is a fixed prefix, its request id's digits
 * and one of {@link PathClient#CYCLE} precomputed suffixes), masked into the reused output
 * buffer. A server message is found by its WebSocket header, its op told by comparing its first
 * bytes with {@code {"op":"<name>"}}, and the few numbers the benchmark checks are read as digits
 * after their member's name: no string is decoded, nothing is allocated.
 * <pre>
 *   send:  prefix ‖ digits(requestId) ‖ SUFFIXES[step % 12] ──mask──► out: [0x81, 0x80|len, key, json ^ key]
 *   read:  in: [0x81, len, {"op":"result","requestId":7,"result":"APPLIED"}][0x81, len, {"op":"dispatch",...}]
 * </pre>
 */
final class WebSocketJsonPathClient extends PathClient
{
    static final String SUBPROTOCOL = "rollcall.json.v1";

    /** {@code {"op":"<name>"} for the server ops, by op. */
    private static final byte[][] OPS = new byte[Protocol.CLIENT_IDS + 1][];
    private static final byte[] UPDATE_PREFIX = ascii("{\"op\":\"update\",\"requestId\":");
    /** The rest of the update of a step, by step % CYCLE. */
    private static final byte[][] UPDATE_SUFFIXES = new byte[CYCLE][];
    private static final byte[] HEARTBEAT = ascii("{\"op\":\"heartbeat\",\"lastSeq\":0}");
    private static final byte[] APPLIED = ascii("\"result\":\"" + Result.APPLIED.name() + "\"}");
    private static final byte[] USER_ID = ascii("\"userId\":");
    private static final byte[] UPDATE_ID = ascii("\"updateId\":");
    private static final byte[] SEQ = ascii("\"seq\":");

    static
    {
        for (int op = Protocol.HELLO; op <= Protocol.CLIENT_IDS; op++)
        {
            OPS[op] = ascii("{\"op\":\"" + Protocol.opName(op).toLowerCase(Locale.ROOT) + "\"");
        }
        for (int step = 0; step < CYCLE; step++)
        {
            UPDATE_SUFFIXES[step] = ascii(",\"reason\":\"" + REASONS[step % REASONS.length] + "\",\"changes\":{" +
                "\"status\":\"" + STATUSES[step % STATUSES.length].name() + "\"," +
                "\"attributes\":{\"" + MAP_KEY + "\":\"" + MAPS[step & 3] + "\"}}}");
        }
    }

    private final byte[] digits = new byte[20];
    /** The current message's payload in {@link #in}: [messageStart, frameEnd). */
    private int messageStart;

    WebSocketJsonPathClient(final InetSocketAddress address, final String path) throws IOException
    {
        super(address);
        WebSocketClientSide.handshake(channel, in, "127.0.0.1:" + address.getPort(), path, SUBPROTOCOL);
        frameEnd = in.position();
    }

    @Override
    void identify(final String token) throws IOException
    {
        sendSetUp("{\"op\":\"identify\",\"version\":" + Protocol.VERSION + ",\"token\":\"" + token + "\"}");
    }

    @Override
    void subscribe(final long requestId, final long userId) throws IOException
    {
        sendSetUp("{\"op\":\"subscribe\",\"requestId\":" + requestId + ",\"clients\":[" + userId + "]}");
    }

    private void sendSetUp(final String json) throws IOException
    {
        final byte[] bytes = ascii(json);
        WebSocketClientSide.putHeader(out, WebSocketFrames.OPCODE_TEXT, bytes.length);
        WebSocketClientSide.putMasked(out, bytes, 0, bytes.length, 0);
        send();
    }

    @Override
    void update(final long requestId, final int step) throws IOException
    {
        long v = requestId;
        int n = digits.length;
        do
        {
            digits[--n] = (byte)('0' + v % 10);
            v /= 10;
        }
        while (v != 0);
        final byte[] suffix = UPDATE_SUFFIXES[step % CYCLE];
        WebSocketClientSide.putHeader(out, WebSocketFrames.OPCODE_TEXT,
            UPDATE_PREFIX.length + digits.length - n + suffix.length);
        int index = WebSocketClientSide.putMasked(out, UPDATE_PREFIX, 0, UPDATE_PREFIX.length, 0);
        index = WebSocketClientSide.putMasked(out, digits, n, digits.length, index);
        WebSocketClientSide.putMasked(out, suffix, 0, suffix.length, index);
        send();
    }

    @Override
    void heartbeat() throws IOException
    {
        WebSocketClientSide.putHeader(out, WebSocketFrames.OPCODE_TEXT, HEARTBEAT.length);
        WebSocketClientSide.putMasked(out, HEARTBEAT, 0, HEARTBEAT.length, 0);
        send();
    }

    @Override
    int next() throws IOException
    {
        in.position(frameEnd);
        while (true)
        {
            final int position = in.position();
            final int header = WebSocketClientSide.headerLength(in, position, WebSocketFrames.OPCODE_TEXT);
            if (header > 0)
            {
                final long length = WebSocketClientSide.payloadLength(in, position);
                if (in.remaining() >= header + length)
                {
                    messageStart = position + header;
                    frameEnd = messageStart + (int)length;
                    return op();
                }
            }
            fill();
        }
    }

    /** @return the current message's op, or -1 if it names none the benchmark knows. */
    private int op()
    {
        for (int op = Protocol.HELLO; op < OPS.length; op++)
        {
            if (startsWith(messageStart, OPS[op]))
            {
                return op;
            }
        }
        return -1;
    }

    private boolean startsWith(final int at, final byte[] bytes)
    {
        if (frameEnd - at < bytes.length)
        {
            return false;
        }
        for (int i = 0; i < bytes.length; i++)
        {
            if (in.get(at + i) != bytes[i])
            {
                return false;
            }
        }
        return true;
    }

    @Override
    boolean applied()
    {
        return startsWith(frameEnd - APPLIED.length, APPLIED);
    }

    @Override
    long dispatchUserId()
    {
        return numberAfter(USER_ID);
    }

    @Override
    long dispatchUpdateId()
    {
        return numberAfter(UPDATE_ID);
    }

    @Override
    long acknowledgedSeq()
    {
        return numberAfter(SEQ);
    }

    /**
     * @param member a member's name, quoted, and its colon.
     * @return the non-negative integer that follows its first occurrence in the current message.
     * @throws IllegalStateException if it is not there.
     */
    private long numberAfter(final byte[] member)
    {
        for (int at = messageStart; at < frameEnd; at++)
        {
            if (startsWith(at, member))
            {
                long value = 0;
                int i = at + member.length;
                while (i < frameEnd)
                {
                    final int b = in.get(i);
                    if (b < '0' || b > '9')
                    {
                        break;
                    }
                    value = value * 10 + (b - '0');
                    i++;
                }
                if (i == at + member.length)
                {
                    break;
                }
                return value;
            }
        }
        throw new IllegalStateException("no number after " + new String(member, StandardCharsets.US_ASCII) + " in " +
            describe());
    }

    @Override
    String describe()
    {
        final byte[] message = new byte[frameEnd - messageStart];
        in.get(messageStart, message);
        return new String(message, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
