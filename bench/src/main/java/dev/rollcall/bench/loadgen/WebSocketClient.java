package dev.rollcall.bench.loadgen;

import dev.rollcall.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The client side of RFC 6455 for the load generator's WebSocket transports, one per selector thread, over the
 * thread's own buffers (docs/protocol.md, "WebSocket"):
 * <pre>
 *   handshake  GET /rollcall with a fresh Sec-WebSocket-Key and the subprotocol; the answer must be 101 with
 *              Upgrade: websocket, Connection: Upgrade, the Sec-WebSocket-Accept of the key and the subprotocol
 *   send       each command is one message: {@link #begin} keeps room for the header, the command is written
 *              after it, {@link #end} writes the header and masks the payload with a fresh key per frame (an
 *              xorshift PRNG per connection), moving it down over the room the header did not need
 *   receive    {@link #deframe} strips the headers of the server's (unmasked) frames in place, so the read
 *              buffer holds the payloads one after the other: binary payloads are a stream of protocol frames,
 *              text messages are handed whole to the {@link Listener}; pings are answered with pongs, and a
 *              close frame stops the decoding (the caller then ends the connection, as on end of stream)
 * </pre>
 * The handshake allocates (once per connection: the key, its expected answer, the response's text). Sending and
 * receiving allocate nothing.
 */
final class WebSocketClient
{
    /** The path the gateway serves WebSocket connections at (its default {@code --ws-path}). */
    static final String PATH = "/rollcall";
    static final int OPCODE_CONTINUATION = 0x0;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PING = 0x9;
    static final int OPCODE_PONG = 0xA;
    /** A close frame without a code reads as this (RFC 6455, 7.1.5). */
    static final int CLOSE_NO_STATUS = 1005;
    /** Room {@link #begin} keeps for a header: 2 bytes, a 16-bit length and the 4-byte mask (commands are short). */
    static final int HEADER_ROOM = 8;
    /** The longest payload a client frame here may have (what the 16-bit length holds). */
    static final int MAX_CLIENT_PAYLOAD = 0xFFFF;
    /** The longest handshake answer read. */
    static final int MAX_HANDSHAKE_RESPONSE_BYTES = 8192;
    /** The longest text message accepted from the server. */
    static final int MAX_TEXT_MESSAGE_BYTES = 64 * 1024;
    /** A handshake answer is not complete yet ({@link #upgrade}). */
    static final int NEED_MORE = 0;
    /** A handshake answer refused the upgrade, or a frame broke RFC 6455 ({@link #failure()} says why). */
    static final int FAILED = -1;

    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * Told what the frames of a connection carry.
     */
    interface Listener
    {
        /**
         * A whole text message.
         *
         * @param c      the connection.
         * @param buffer holds it (absolute indexes).
         * @param from   its first byte.
         * @param to     one past its last.
         * @return false when the connection ended.
         * @throws ProtocolException when it is not a message of the protocol.
         */
        boolean onText(LoadConnection c, ByteBuffer buffer, int from, int to) throws ProtocolException;

        /**
         * A ping: answer it ({@link #control}).
         *
         * @param c       the connection.
         * @param buffer  holds its payload (absolute indexes).
         * @param from    the payload's first byte.
         * @param length  the payload's length, at most 125.
         */
        void onPing(LoadConnection c, ByteBuffer buffer, int from, int length);
    }

    private final String subprotocol;
    private final int dataOpcode;
    private final byte[] requestHead;
    private final byte[] requestTail = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final SplittableRandom random;
    private final MessageDigest sha1;
    private final byte[] keyBytes = new byte[16];
    private String failure;

    /**
     * @param transport a WebSocket transport.
     * @param host      the {@code Host} header's value (address:port).
     * @param seed      seeds the keys and each connection's masking PRNG.
     */
    WebSocketClient(final LoadTransport transport, final String host, final long seed)
    {
        if (!transport.isWebSocket())
        {
            throw new IllegalArgumentException("not a WebSocket transport: " + transport);
        }
        this.subprotocol = transport.subprotocol();
        this.dataOpcode = transport.isJson() ? OPCODE_TEXT : OPCODE_BINARY;
        this.requestHead = ("GET " + PATH + " HTTP/1.1\r\n" +
            "Host: " + host + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: " + subprotocol + "\r\n" +
            "Sec-WebSocket-Key: ").getBytes(StandardCharsets.US_ASCII);
        this.random = new SplittableRandom(seed);
        try
        {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is missing from this JVM", ex);
        }
    }

    /** @return why the last {@link #upgrade} or {@link #deframe} returned {@link #FAILED}. */
    String failure()
    {
        return failure;
    }

    /**
     * @param key a {@code Sec-WebSocket-Key}.
     * @return the {@code Sec-WebSocket-Accept} a server must answer it with.
     */
    String accept(final String key)
    {
        sha1.reset();
        return Base64.getEncoder().encodeToString(sha1.digest((key + KEY_GUID).getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Write the opening handshake for a connection (a fresh key; the answer it expects is kept in the connection)
     * and seed the connection's masking PRNG.
     *
     * @param c   the connection.
     * @param out where the request goes, at its position.
     */
    void handshake(final LoadConnection c, final ByteBuffer out)
    {
        random.nextBytes(keyBytes);
        final String key = Base64.getEncoder().encodeToString(keyBytes);
        c.webSocketAccept = accept(key);
        c.maskState = random.nextLong() | 1;
        c.resetWebSocket();
        out.put(requestHead).put(key.getBytes(StandardCharsets.US_ASCII)).put(requestTail);
    }

    /**
     * Read the answer to the opening handshake.
     *
     * @param c  the connection.
     * @param in the bytes received, from position to limit; on success the position is moved past the answer.
     * @return the answer's length when it accepted the upgrade, {@link #NEED_MORE}, or {@link #FAILED}.
     */
    int upgrade(final LoadConnection c, final ByteBuffer in)
    {
        final int start = in.position();
        final int limit = in.limit();
        int end = -1;
        for (int i = start + 3; i < limit; i++)
        {
            if ('\n' == in.get(i) && '\r' == in.get(i - 1) && '\n' == in.get(i - 2) && '\r' == in.get(i - 3))
            {
                end = i + 1;
                break;
            }
        }
        if (end < 0)
        {
            if (limit - start > MAX_HANDSHAKE_RESPONSE_BYTES)
            {
                return fail("WebSocket handshake: no end of the answer's headers within " +
                    MAX_HANDSHAKE_RESPONSE_BYTES + " bytes");
            }
            return NEED_MORE;
        }
        final byte[] bytes = new byte[end - start];
        in.get(start, bytes);
        final String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
        final String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !"101".equals(status[1]))
        {
            return fail("WebSocket handshake refused: " + lines[0]);
        }
        String upgrade = null;
        String connection = null;
        String accept = null;
        String protocol = null;
        String extensions = null;
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            final String value = lines[i].substring(colon + 1).strip();
            switch (lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT))
            {
                case "upgrade" -> upgrade = value;
                case "connection" -> connection = value;
                case "sec-websocket-accept" -> accept = value;
                case "sec-websocket-protocol" -> protocol = value;
                case "sec-websocket-extensions" -> extensions = value;
                default ->
                {
                    // not ours to check
                }
            }
        }
        if (!"websocket".equalsIgnoreCase(upgrade))
        {
            return fail("WebSocket handshake: 101 without Upgrade: websocket");
        }
        if (null == connection || !hasToken(connection, "upgrade"))
        {
            return fail("WebSocket handshake: 101 without Connection: Upgrade");
        }
        if (null == accept || !accept.equals(c.webSocketAccept))
        {
            return fail("WebSocket handshake: Sec-WebSocket-Accept does not match the key");
        }
        if (!subprotocol.equals(protocol))
        {
            return fail("WebSocket handshake: subprotocol " + protocol + " instead of " + subprotocol);
        }
        if (null != extensions)
        {
            return fail("WebSocket handshake: an extension none asked for (" + extensions + ")");
        }
        c.webSocketAccept = null;
        in.position(end);
        return end - start;
    }

    /**
     * Start a message: keep room for its header.
     *
     * @param out where the message goes, at its position (moved past the room).
     * @return where the message starts (give it to {@link #end}).
     */
    int begin(final ByteBuffer out)
    {
        final int at = out.position();
        out.position(at + HEADER_ROOM);
        return at;
    }

    /**
     * End the data message started at {@code at}: write its header, mask its payload (written from
     * {@code at + HEADER_ROOM} to the position) and leave the position after it.
     *
     * @param c   the connection (its masking PRNG).
     * @param out the buffer.
     * @param at  what {@link #begin} returned.
     */
    void end(final LoadConnection c, final ByteBuffer out, final int at)
    {
        frame(c, out, at, dataOpcode);
    }

    /**
     * Write a control frame (a pong answering a ping).
     *
     * @param c       the connection.
     * @param out     where it goes, at its position.
     * @param opcode  {@link #OPCODE_PONG}, {@link #OPCODE_PING} or {@link #OPCODE_CLOSE}.
     * @param payload holds the payload (absolute indexes).
     * @param from    the payload's first byte.
     * @param length  the payload's length, at most 125.
     */
    void control(final LoadConnection c, final ByteBuffer out, final int opcode, final ByteBuffer payload,
        final int from, final int length)
    {
        final int at = begin(out);
        out.put(out.position(), payload, from, length);
        out.position(out.position() + length);
        frame(c, out, at, opcode);
    }

    private static void frame(final LoadConnection c, final ByteBuffer out, final int at, final int opcode)
    {
        final int payloadAt = at + HEADER_ROOM;
        final int length = out.position() - payloadAt;
        if (length > MAX_CLIENT_PAYLOAD)
        {
            throw new IllegalArgumentException("a client message of " + length + " bytes (at most " +
                MAX_CLIENT_PAYLOAD + " here)");
        }
        final int mask = c.nextMask();
        int p = at;
        out.put(p++, (byte)(0x80 | opcode));
        if (length <= MAX_CONTROL_PAYLOAD)
        {
            out.put(p++, (byte)(0x80 | length));
        }
        else
        {
            out.put(p++, (byte)(0x80 | 126));
            out.put(p++, (byte)(length >>> 8));
            out.put(p++, (byte)length);
        }
        out.put(p++, (byte)(mask >>> 24));
        out.put(p++, (byte)(mask >>> 16));
        out.put(p++, (byte)(mask >>> 8));
        out.put(p++, (byte)mask);
        mask(out, payloadAt, p, length, mask);
        out.position(p + length);
    }

    /**
     * Mask (or unmask) {@code length} bytes from {@code from} into {@code to <= from} (the same buffer), eight at a
     * time: byte {@code i} is XORed with byte {@code i % 4} of the key (big-endian, as on the wire).
     *
     * @param buffer the bytes.
     * @param from   where the payload is.
     * @param to     where it goes, at or before {@code from}.
     * @param length its length.
     * @param mask   the masking key.
     */
    static void mask(final ByteBuffer buffer, final int from, final int to, final int length, final int mask)
    {
        final int ordered = ByteOrder.BIG_ENDIAN == buffer.order() ? mask : Integer.reverseBytes(mask);
        final long mask8 = ((long)ordered << 32) | (ordered & 0xFFFFFFFFL);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            buffer.putLong(to + i, buffer.getLong(from + i) ^ mask8);
        }
        for (; i < length; i++)
        {
            buffer.put(to + i, (byte)(buffer.get(from + i) ^ (mask >>> (24 - 8 * (i & 3)))));
        }
    }

    /**
     * Strip the headers of the server's frames in place: the payloads so far end up one after the other from the
     * buffer's position, followed by the raw bytes of a frame not complete yet. Text messages are handed to the
     * listener as they complete (and their bytes dropped); pings are handed to it at once; a close frame is
     * recorded in the connection ({@link LoadConnection#webSocketCloseReceived}) and ends the decoding.
     *
     * @param c        the connection (its decoding state: payload bytes already stripped at the position, the
     *                 frame in progress).
     * @param in       what was kept, then what was read, from position to limit; on return the limit is moved to
     *                 the end of what must be kept.
     * @param listener told of text messages and pings.
     * @return where the stripped payload not yet consumed ends (binary: the protocol's bytes from the position;
     *         text: the start of a message in progress), or {@link #FAILED} when the server broke RFC 6455
     *         ({@link #failure()}), or the listener ended the connection.
     * @throws ProtocolException from the listener.
     */
    int deframe(final LoadConnection c, final ByteBuffer in, final Listener listener) throws ProtocolException
    {
        final int start = in.position();
        final int limit = in.limit();
        final boolean text = OPCODE_TEXT == dataOpcode;
        int write = start + c.webSocketStripped;
        int read = write;
        while (read < limit && !c.webSocketCloseReceived)
        {
            if (c.webSocketFrameRemaining > 0)
            {
                final int n = (int)Math.min(c.webSocketFrameRemaining, limit - read);
                if (write != read)
                {
                    in.put(write, in, read, n);
                }
                read += n;
                write += n;
                c.webSocketFrameRemaining -= n;
                if (0 == c.webSocketFrameRemaining && c.webSocketFrameFinal)
                {
                    c.webSocketMessageOpcode = 0;
                    if (text)
                    {
                        if (!listener.onText(c, in, start, write))
                        {
                            return FAILED;
                        }
                        write = start;
                    }
                }
                continue;
            }
            final int available = limit - read;
            if (available < 2)
            {
                break;
            }
            final int b0 = in.get(read) & 0xFF;
            final int b1 = in.get(read + 1) & 0xFF;
            final boolean fin = 0 != (b0 & 0x80);
            final int opcode = b0 & 0x0F;
            final int length7 = b1 & 0x7F;
            final boolean control = 0 != (opcode & 0x8);
            if (0 != (b0 & 0x70))
            {
                return fail("WebSocket: a server frame with reserved bits set");
            }
            if (0 != (b1 & 0x80))
            {
                return fail("WebSocket: a masked server frame");
            }
            if (control && (!fin || length7 > MAX_CONTROL_PAYLOAD))
            {
                return fail("WebSocket: a fragmented or long control frame");
            }
            final int headerLength = 2 + (126 == length7 ? 2 : 127 == length7 ? 8 : 0);
            if (available < headerLength)
            {
                break;
            }
            long length = length7;
            if (126 == length7)
            {
                length = ((in.get(read + 2) & 0xFF) << 8) | (in.get(read + 3) & 0xFF);
            }
            else if (127 == length7)
            {
                length = 0;
                for (int i = 0; i < 8; i++)
                {
                    length = (length << 8) | (in.get(read + 2 + i) & 0xFF);
                }
                if (length < 0)
                {
                    return fail("WebSocket: a payload length with its top bit set");
                }
            }
            if (control)
            {
                if (available < headerLength + length)
                {
                    break;
                }
                final int payloadAt = read + headerLength;
                final int n = (int)length;
                read = payloadAt + n;
                if (OPCODE_PING == opcode)
                {
                    listener.onPing(c, in, payloadAt, n);
                }
                else if (OPCODE_CLOSE == opcode)
                {
                    if (1 == n)
                    {
                        return fail("WebSocket: a close frame with a one-byte payload");
                    }
                    c.webSocketCloseReceived = true;
                    c.webSocketCloseCode = n >= 2 ?
                        ((in.get(payloadAt) & 0xFF) << 8) | (in.get(payloadAt + 1) & 0xFF) : CLOSE_NO_STATUS;
                }
                else if (OPCODE_PONG != opcode)
                {
                    return fail("WebSocket: unknown control opcode " + opcode);
                }
                continue;
            }
            if (OPCODE_CONTINUATION == opcode)
            {
                if (0 == c.webSocketMessageOpcode)
                {
                    return fail("WebSocket: a continuation frame outside a fragmented message");
                }
            }
            else if (opcode == dataOpcode)
            {
                if (0 != c.webSocketMessageOpcode)
                {
                    return fail("WebSocket: a new message inside a fragmented one");
                }
                c.webSocketMessageOpcode = opcode;
                c.webSocketMessageLength = 0;
            }
            else
            {
                return fail("WebSocket: opcode " + opcode + " on " + subprotocol);
            }
            c.webSocketMessageLength += length;
            if (text && c.webSocketMessageLength > MAX_TEXT_MESSAGE_BYTES)
            {
                return fail("WebSocket: a text message longer than " + MAX_TEXT_MESSAGE_BYTES + " bytes");
            }
            read += headerLength;
            c.webSocketFrameRemaining = length;
            c.webSocketFrameFinal = fin;
            if (0 == length && fin)
            {
                c.webSocketMessageOpcode = 0;
                if (text)
                {
                    if (!listener.onText(c, in, start, write))
                    {
                        return FAILED;
                    }
                    write = start;
                }
            }
        }
        final int raw = limit - read;
        if (raw > 0 && write != read)
        {
            in.put(write, in, read, raw);
        }
        in.limit(write + raw);
        return write;
    }

    private int fail(final String reason)
    {
        failure = reason;
        return FAILED;
    }

    private static boolean hasToken(final String list, final String token)
    {
        for (final String item : list.split(","))
        {
            if (item.strip().equalsIgnoreCase(token))
            {
                return true;
            }
        }
        return false;
    }
}
