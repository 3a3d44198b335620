package dev.rollcall.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * What the server sends on a {@link RawWebSocket}, decoded strictly into {@link RawClient}'s
 * records: binary messages ({@code rollcall.binary.v1}) as one stream of protocol frames
 * through the protocol's {@link ServerFrameAdapter}, text messages ({@code rollcall.json.v1})
 * as one JSON object each through Jackson (strict UTF-8, no trailing tokens, no repeated
 * member, every member a message needs of the right type); the WebSocket frames themselves are
 * checked by {@link RawWebSocket}. Anything the server must never send fails with an
 * {@link AssertionError}. Pongs are skipped; the close frame's code is kept. Not thread-safe.
 */
final class WebSocketStream
{
    /** {@link #closeCode()} before a close frame arrived. */
    static final int NO_CLOSE_FRAME = -2;
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final RawWebSocket ws;
    private final boolean json;
    private final ServerFrameQueue queue = new ServerFrameQueue();
    private final ServerFrameAdapter adapter = new ServerFrameAdapter(queue.decoder());
    private final ByteBuffer binary = ByteBuffer.allocate(4 << 20);
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final ArrayDeque<RawClient.Frame> frames = new ArrayDeque<>();
    private int messageOpcode = -1;
    private int closeCode = NO_CLOSE_FRAME;
    private boolean eof;
    private long messages;

    /**
     * @param ws   a connection past its handshake.
     * @param json true for {@code rollcall.json.v1}, false for {@code rollcall.binary.v1}.
     */
    WebSocketStream(final RawWebSocket ws, final boolean json)
    {
        this.ws = ws;
        this.json = json;
    }

    /** @return the code of the server's close frame, -1 for one without a code, {@link #NO_CLOSE_FRAME} before one. */
    int closeCode()
    {
        return closeCode;
    }

    /** @return the data messages received. */
    long messages()
    {
        return messages;
    }

    /**
     * @return the next protocol frame, {@link RawClient.Eof} (again and again) once the server
     * closed the TCP connection; fails when nothing arrives within the socket's read timeout.
     */
    RawClient.Frame next() throws IOException
    {
        while (frames.isEmpty() && !eof)
        {
            final RawWebSocket.Frame frame = ws.readFrameOrEof();
            if (null == frame)
            {
                eof = true;
                if (binary.position() > 0)
                {
                    throw new AssertionError("the server closed after " + binary.position() + " bytes of a protocol frame");
                }
                if (messageOpcode >= 0)
                {
                    throw new AssertionError("the server closed inside a fragmented message");
                }
                break;
            }
            switch (frame.opcode())
            {
                case RawWebSocket.CLOSE -> closeCode = frame.closeCode();
                case RawWebSocket.PONG, RawWebSocket.PING ->
                {
                }
                case RawWebSocket.TEXT, RawWebSocket.BINARY ->
                {
                    messageOpcode = frame.opcode();
                    onData(frame);
                }
                default -> onData(frame);
            }
        }
        return frames.isEmpty() ? new RawClient.Eof() : frames.poll();
    }

    private void onData(final RawWebSocket.Frame frame)
    {
        if (closeCode != NO_CLOSE_FRAME)
        {
            throw new AssertionError("a data frame after the close frame");
        }
        if (messageOpcode != (json ? RawWebSocket.TEXT : RawWebSocket.BINARY))
        {
            throw new AssertionError("a " + (messageOpcode == RawWebSocket.TEXT ? "text" : "binary") + " message on " +
                (json ? JdkJsonWebSocketClient.SUBPROTOCOL : RawWebSocket.SUBPROTOCOL));
        }
        if (json)
        {
            text.writeBytes(frame.payload());
            if (frame.fin())
            {
                final byte[] message = text.toByteArray();
                text.reset();
                frames.add(toFrame(parse(message)));
            }
        }
        else
        {
            binary.put(frame.payload());
            binary.flip();
            try
            {
                int length;
                while ((length = FrameSplitter.nextFrame(binary, Protocol.MAX_SERVER_FRAME_SIZE)) > 0)
                {
                    adapter.decode(binary, length);
                }
            }
            catch (final ProtocolException ex)
            {
                throw new AssertionError("the server sent a frame the codec refuses: " + ex, ex);
            }
            binary.compact();
            frames.addAll(queue.drain());
        }
        if (frame.fin())
        {
            messageOpcode = -1;
            messages++;
        }
    }

    /** @return the message as one strict JSON object; fails otherwise. */
    static JsonNode parse(final byte[] message)
    {
        final String decoded;
        try
        {
            decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(message)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new AssertionError("a text message that is not UTF-8", ex);
        }
        final JsonNode node;
        try
        {
            node = JSON.readTree(decoded);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("invalid JSON from the server: " + decoded + " (" + ex.getMessage() + ")", ex);
        }
        if (null == node || !node.isObject())
        {
            throw new AssertionError("a JSON message that is not an object: " + decoded);
        }
        return node;
    }

    /** @return the frame the JSON message stands for; fails for an unknown op or a member missing or of a wrong type. */
    static RawClient.Frame toFrame(final JsonNode m)
    {
        final String op = text(m, "op");
        try
        {
            return switch (op)
            {
                case "hello" -> new RawClient.Hello((int)integer(m, "version"), (int)integer(m, "heartbeatIntervalMs"),
                    (int)integer(m, "maxFrameSize"), (int)integer(m, "rateLimitCommands"), (int)integer(m, "rateLimitWindowMs"),
                    (int)integer(m, "identifyTimeoutMs"));
                case "ready" -> new RawClient.Ready(Long.parseLong(text(m, "sessionId")), integer(m, "userId"), integer(m, "seq"));
                case "heartbeat_ack" -> new RawClient.HeartbeatAck(integer(m, "seq"));
                case "resumed" -> new RawClient.Resumed(integer(m, "seq"));
                case "invalid_session" -> new RawClient.InvalidSession(bool(m, "resumable"));
                case "result" -> new RawClient.ResultFrame(integer(m, "requestId"), Result.valueOf(text(m, "result")));
                case "error" -> new RawClient.ErrorFrame(integer(m, "requestId"), named(m), text(m, "message"));
                case "close" -> new RawClient.CloseFrame(named(m), text(m, "message"));
                case "dispatch" -> dispatch(m);
                case "clients" -> new RawClient.Clients(integer(m, "requestId"), List.of());
                case "client_ids" -> clientIds(m);
                default -> throw new AssertionError("unknown op");
            };
        }
        catch (final IllegalArgumentException | AssertionError ex)
        {
            throw new AssertionError("a bad JSON message from the server: " + m + " (" + ex.getMessage() + ")", ex);
        }
    }

    private static RawClient.Frame dispatch(final JsonNode m)
    {
        final JsonNode reason = member(m, "reason");
        if (!reason.isNull() && !reason.isTextual())
        {
            throw new AssertionError("reason neither a string nor null");
        }
        if (!member(m, "changes").isObject())
        {
            throw new AssertionError("changes not an object");
        }
        return new RawClient.Dispatch(integer(m, "seq"), EventType.valueOf(text(m, "type")), integer(m, "userId"),
            integer(m, "updateId"), integer(m, "lobbyId"), integer(m, "time"), reason.isNull() ? null : reason.asText(),
            new Changes());
    }

    private static RawClient.Frame clientIds(final JsonNode m)
    {
        final JsonNode ids = member(m, "ids");
        if (!ids.isArray())
        {
            throw new AssertionError("ids not an array");
        }
        final long[] values = new long[ids.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = integerValue(ids.get(i), "ids[" + i + "]");
        }
        return new RawClient.ClientIds(integer(m, "requestId"), integer(m, "nextCursor"), values);
    }

    /** The code of an error or close, whose name must be the code's. */
    private static int named(final JsonNode m)
    {
        final int code = (int)integer(m, "code");
        final ErrorCode known = ErrorCode.fromCode(code);
        final String name = text(m, "name");
        if (null != known && !known.name().equals(name))
        {
            throw new AssertionError("code " + code + " named " + name);
        }
        return code;
    }

    private static JsonNode member(final JsonNode m, final String name)
    {
        final JsonNode value = m.get(name);
        if (null == value)
        {
            throw new AssertionError("no member \"" + name + "\"");
        }
        return value;
    }

    private static String text(final JsonNode m, final String name)
    {
        final JsonNode value = member(m, name);
        if (!value.isTextual())
        {
            throw new AssertionError("\"" + name + "\" not a string");
        }
        return value.asText();
    }

    private static boolean bool(final JsonNode m, final String name)
    {
        final JsonNode value = member(m, name);
        if (!value.isBoolean())
        {
            throw new AssertionError("\"" + name + "\" not a boolean");
        }
        return value.booleanValue();
    }

    private static long integer(final JsonNode m, final String name)
    {
        return integerValue(member(m, name), name);
    }

    /** A JSON integer within ±(2^53 - 1), or a decimal string of a 64-bit value beyond. */
    private static long integerValue(final JsonNode value, final String name)
    {
        if (value.isIntegralNumber() && value.canConvertToLong())
        {
            final long n = value.longValue();
            if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER)
            {
                throw new AssertionError("\"" + name + "\" " + n + " as a number, beyond 2^53 - 1");
            }
            return n;
        }
        if (value.isTextual())
        {
            final long n = Long.parseLong(value.asText());
            if (n <= MAX_SAFE_INTEGER && n >= -MAX_SAFE_INTEGER)
            {
                throw new AssertionError("\"" + name + "\" " + n + " as a string, within 2^53 - 1");
            }
            return n;
        }
        throw new AssertionError("\"" + name + "\" not an integer: " + value);
    }
}
