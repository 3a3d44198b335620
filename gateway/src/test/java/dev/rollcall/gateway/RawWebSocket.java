package dev.rollcall.gateway;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A test-only RFC 6455 client over a plain blocking {@link Socket} to 127.0.0.1, written to
 * break the rules on purpose: it sends any opening handshake (or any bytes in its place) and
 * any frame (FIN, RSV bits, opcode, mask or none, any length form), whole, in odd chunks with
 * small pauses, or several in one write. What the server sends is checked strictly against
 * what RFC 6455 demands of a server (section 5): frames unmasked, RSV bits clear, known
 * opcodes, the minimal length form, control frames final and at most 125 bytes, a close
 * payload empty or a valid code and UTF-8 reason. Every read has a timeout, so a test that
 * waits for something the server never sends fails instead of hanging.
 */
final class RawWebSocket implements AutoCloseable
{
    /** The sample key of RFC 6455 section 1.3. */
    static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** Its Sec-WebSocket-Accept, from the same section. */
    static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    /** The subprotocol the gateway speaks. */
    static final String SUBPROTOCOL = "rollcall.binary.v1";

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** RSV1, RSV2, RSV3 as they sit in the first header byte. */
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;

    /** How long one read may wait. */
    static final int READ_TIMEOUT_MS = 5_000;

    /** A mask that is not all zero, so an unmasking bug shows. */
    static final byte[] DEFAULT_MASK = {(byte)0x37, (byte)0xFA, (byte)0x21, (byte)0x3D};

    /** Length forms for {@link #frame}: the minimal one, or a forced 7-, 16- or 64-bit one. */
    enum LengthForm
    {
        MINIMAL, BITS_7, BITS_16, BITS_64
    }

    /**
     * An opening handshake request, built field by field; a null field leaves its header out.
     */
    static final class Request
    {
        String method = "GET";
        String path = "/rollcall";
        String httpVersion = "HTTP/1.1";
        String host = "127.0.0.1";
        String upgrade = "websocket";
        String connection = "Upgrade";
        String key = SAMPLE_KEY;
        String version = "13";
        String origin;
        String protocols = SUBPROTOCOL;
        final List<String> extraHeaders = new ArrayList<>();

        Request method(final String method)
        {
            this.method = method;
            return this;
        }

        Request path(final String path)
        {
            this.path = path;
            return this;
        }

        Request host(final String host)
        {
            this.host = host;
            return this;
        }

        Request upgrade(final String upgrade)
        {
            this.upgrade = upgrade;
            return this;
        }

        Request connection(final String connection)
        {
            this.connection = connection;
            return this;
        }

        Request key(final String key)
        {
            this.key = key;
            return this;
        }

        Request version(final String version)
        {
            this.version = version;
            return this;
        }

        Request origin(final String origin)
        {
            this.origin = origin;
            return this;
        }

        /** @param protocols the Sec-WebSocket-Protocol value (a comma list), or null for none. */
        Request protocols(final String protocols)
        {
            this.protocols = protocols;
            return this;
        }

        /** @param line a whole header line without its CRLF. */
        Request header(final String line)
        {
            extraHeaders.add(line);
            return this;
        }

        byte[] toBytes()
        {
            final StringBuilder b = new StringBuilder();
            b.append(method).append(' ').append(path).append(' ').append(httpVersion).append("\r\n");
            appendHeader(b, "Host", host);
            appendHeader(b, "Upgrade", upgrade);
            appendHeader(b, "Connection", connection);
            appendHeader(b, "Sec-WebSocket-Key", key);
            appendHeader(b, "Sec-WebSocket-Version", version);
            appendHeader(b, "Origin", origin);
            appendHeader(b, "Sec-WebSocket-Protocol", protocols);
            for (final String line : extraHeaders)
            {
                b.append(line).append("\r\n");
            }
            b.append("\r\n");
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        private static void appendHeader(final StringBuilder b, final String name, final String value)
        {
            if (null != value)
            {
                b.append(name).append(": ").append(value).append("\r\n");
            }
        }
    }

    /**
     * The server's HTTP answer to the opening handshake.
     *
     * @param status     the status code.
     * @param statusLine the whole status line.
     * @param headers    header values by lower-case name (repeated headers joined with ", ").
     * @param body       the body (Content-Length bytes), empty for 101.
     */
    record HttpResponse(int status, String statusLine, Map<String, String> headers, String body)
    {
        String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A frame from the server, already checked.
     *
     * @param fin     the FIN bit.
     * @param opcode  the opcode.
     * @param payload the payload.
     */
    record Frame(boolean fin, int opcode, byte[] payload)
    {
        /** @return the close code, or -1 for a close frame without one. */
        int closeCode()
        {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        /** @return the close reason (UTF-8), empty when there is none. */
        String closeReason()
        {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString()
        {
            return "Frame[fin=" + fin + ", opcode=" + opcode + ", length=" + payload.length +
                (opcode == CLOSE ? ", code=" + closeCode() + ", reason=" + closeReason() : "") + "]";
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean inFragmentedMessage;
    private boolean closeReceived;

    private RawWebSocket(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Open a TCP connection, nothing more.
     *
     * @param port the gateway's WebSocket port on 127.0.0.1.
     */
    static RawWebSocket connect(final int port) throws IOException
    {
        return connect(port, 0);
    }

    /**
     * Open a TCP connection with a receive buffer set before connecting, nothing more.
     *
     * @param port               the gateway's WebSocket port on 127.0.0.1.
     * @param receiveBufferBytes SO_RCVBUF, or 0 for the default.
     */
    static RawWebSocket connect(final int port, final int receiveBufferBytes) throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferBytes > 0)
        {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        return new RawWebSocket(socket);
    }

    /**
     * Connect and complete a default handshake, failing unless the server answers 101.
     *
     * @param port the gateway's WebSocket port on 127.0.0.1.
     */
    static RawWebSocket open(final int port) throws IOException
    {
        final RawWebSocket ws = connect(port);
        final HttpResponse response = ws.handshake(new Request());
        if (response.status() != 101)
        {
            ws.close();
            throw new AssertionError("expected 101, got " + response.statusLine() + ": " + response.body());
        }
        return ws;
    }

    // ---------------------------------------------------------------- handshake

    /** Send the request and read the answer. */
    HttpResponse handshake(final Request request) throws IOException
    {
        return handshake(request.toBytes());
    }

    /** Send these bytes as the request (anything at all) and read the answer. */
    HttpResponse handshake(final byte[] request) throws IOException
    {
        sendRaw(request);
        return readHttpResponse();
    }

    /**
     * Read an HTTP response head byte by byte (not a byte past it: frames may follow a 101),
     * then its Content-Length body.
     */
    HttpResponse readHttpResponse() throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = readByte("the HTTP response head");
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > 64 * 1024)
            {
                throw new AssertionError("an HTTP response head longer than 64 KiB");
            }
        }
        final String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        final String statusLine = lines[0];
        final String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].equals("HTTP/1.1"))
        {
            throw new AssertionError("not an HTTP/1.1 status line: " + statusLine);
        }
        final int status = Integer.parseInt(parts[1]);
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            if (colon <= 0)
            {
                throw new AssertionError("malformed response header line: " + lines[i]);
            }
            final String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            final String value = lines[i].substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        final String length = headers.get("content-length");
        final byte[] body = new byte[null == length ? 0 : Integer.parseInt(length)];
        readFully(body, "the HTTP response body");
        return new HttpResponse(status, statusLine, headers, new String(body, StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- sending

    /**
     * Encode a frame.
     *
     * @param fin     the FIN bit.
     * @param rsv     RSV bits to set ({@link #RSV1} | ...), 0 for none.
     * @param opcode  the opcode (any 4-bit value).
     * @param mask    the masking key (4 bytes), or null for an unmasked frame.
     * @param payload the payload (unmasked).
     * @param form    the length form.
     */
    static byte[] frame(
        final boolean fin, final int rsv, final int opcode, final byte[] mask, final byte[] payload, final LengthForm form)
    {
        final int n = payload.length;
        final LengthForm chosen = form != LengthForm.MINIMAL ? form :
            n <= 125 ? LengthForm.BITS_7 : n <= 0xFFFF ? LengthForm.BITS_16 : LengthForm.BITS_64;
        final ByteArrayOutputStream b = new ByteArrayOutputStream(n + 14);
        b.write((fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0F));
        final int maskBit = null == mask ? 0 : 0x80;
        switch (chosen)
        {
            case BITS_7 ->
            {
                if (n > 125)
                {
                    throw new IllegalArgumentException("a 7-bit length holds at most 125, not " + n);
                }
                b.write(maskBit | n);
            }
            case BITS_16 ->
            {
                if (n > 0xFFFF)
                {
                    throw new IllegalArgumentException("a 16-bit length holds at most 65535, not " + n);
                }
                b.write(maskBit | 126);
                b.write(n >>> 8);
                b.write(n);
            }
            default ->
            {
                b.write(maskBit | 127);
                for (int shift = 56; shift >= 0; shift -= 8)
                {
                    b.write((int)((long)n >>> shift));
                }
            }
        }
        if (null != mask)
        {
            b.write(mask, 0, 4);
        }
        for (int i = 0; i < n; i++)
        {
            b.write(null == mask ? payload[i] : payload[i] ^ mask[i & 3]);
        }
        return b.toByteArray();
    }

    /** A final, masked frame with the minimal length form. */
    static byte[] frame(final int opcode, final byte[] payload)
    {
        return frame(true, 0, opcode, DEFAULT_MASK, payload, LengthForm.MINIMAL);
    }

    /** A masked close frame with this code and reason. */
    static byte[] closeFrame(final int code, final byte[] reason)
    {
        final byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte)(code >>> 8);
        payload[1] = (byte)code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return frame(CLOSE, payload);
    }

    /** A frame header alone (masked), for a payload that is announced but may never be sent. */
    static byte[] header(final boolean fin, final int opcode, final long length)
    {
        final ByteArrayOutputStream b = new ByteArrayOutputStream(14);
        b.write((fin ? 0x80 : 0) | opcode);
        if (length <= 125)
        {
            b.write(0x80 | (int)length);
        }
        else if (length <= 0xFFFF)
        {
            b.write(0x80 | 126);
            b.write((int)(length >>> 8));
            b.write((int)length);
        }
        else
        {
            b.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                b.write((int)(length >>> shift));
            }
        }
        b.write(DEFAULT_MASK, 0, 4);
        return b.toByteArray();
    }

    /** Send a final, masked frame. */
    void send(final int opcode, final byte[] payload) throws IOException
    {
        sendRaw(frame(opcode, payload));
    }

    /** Send any frame (see {@link #frame}). */
    void send(
        final boolean fin, final int rsv, final int opcode, final byte[] mask, final byte[] payload, final LengthForm form)
        throws IOException
    {
        sendRaw(frame(fin, rsv, opcode, mask, payload, form));
    }

    /** Send one binary message as these fragments (binary, then continuations, the last final). */
    void sendFragmented(final byte[]... fragments) throws IOException
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < fragments.length; i++)
        {
            final byte[] f = frame(i == fragments.length - 1, 0, i == 0 ? BINARY : CONTINUATION, DEFAULT_MASK,
                fragments[i], LengthForm.MINIMAL);
            all.write(f, 0, f.length);
        }
        sendRaw(all.toByteArray());
    }

    /** Send a close frame with this code and reason. */
    void sendClose(final int code, final String reason) throws IOException
    {
        sendRaw(closeFrame(code, reason.getBytes(StandardCharsets.UTF_8)));
    }

    /** Write these bytes in one write. */
    void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /**
     * Write these bytes in chunks of 1 to {@code maxChunk} bytes chosen by {@code random},
     * parking a little after each so they tend to arrive in separate reads.
     */
    void sendInChunks(final byte[] bytes, final Random random, final int maxChunk) throws IOException
    {
        int at = 0;
        while (at < bytes.length)
        {
            final int n = Math.min(bytes.length - at, 1 + random.nextInt(maxChunk));
            out.write(bytes, at, n);
            out.flush();
            at += n;
            pause();
        }
    }

    /** Write these bytes one at a time, pausing a little after each. */
    void sendByteByByte(final byte[] bytes) throws IOException
    {
        for (final byte b : bytes)
        {
            out.write(b);
            out.flush();
            pause();
        }
    }

    private static void pause()
    {
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300));
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Read one frame and check it as a client must (RFC 6455 section 5); fails on end of
     * stream or when nothing arrives within the timeout.
     */
    Frame readFrame() throws IOException
    {
        final Frame frame = readFrameOrEof();
        if (null == frame)
        {
            throw new AssertionError("the server closed the connection where a frame was expected");
        }
        return frame;
    }

    /**
     * Read one frame, or return null if the server closed the TCP connection (end of stream,
     * or a reset) before a frame's first byte.
     */
    Frame readFrameOrEof() throws IOException
    {
        final int b0;
        try
        {
            b0 = in.read();
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no frame from the server within " + READ_TIMEOUT_MS + " ms", ex);
        }
        catch (final SocketException ex)
        {
            return null; // reset: the connection is gone all the same
        }
        if (b0 < 0)
        {
            return null;
        }
        if (closeReceived)
        {
            throw new AssertionError("a frame after the server's close frame");
        }
        final int b1 = readByte("a frame header");
        final boolean fin = (b0 & 0x80) != 0;
        final int opcode = b0 & 0x0F;
        check((b0 & 0x70) == 0, "a server frame with RSV bits set: " + Integer.toHexString(b0));
        check((b1 & 0x80) == 0, "a masked server frame");
        check(opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG), "a server frame with reserved opcode " + opcode);
        final int length7 = b1 & 0x7F;
        long length = length7;
        if (length7 == 126)
        {
            length = (readByte("a 16-bit length") << 8) | readByte("a 16-bit length");
            check(length > 125, "a 16-bit length form for " + length + " bytes (not minimal)");
        }
        else if (length7 == 127)
        {
            length = 0;
            for (int i = 0; i < 8; i++)
            {
                length = (length << 8) | readByte("a 64-bit length");
            }
            check(length >= 0, "a 64-bit length with its top bit set");
            check(length > 0xFFFF, "a 64-bit length form for " + length + " bytes (not minimal)");
        }
        check(length <= 64L * 1024 * 1024, "a server frame of " + length + " bytes");
        final boolean control = (opcode & 0x8) != 0;
        if (control)
        {
            check(fin, "a fragmented control frame");
            check(length <= 125, "a control frame of " + length + " bytes");
        }
        else if (opcode == CONTINUATION)
        {
            check(inFragmentedMessage, "a continuation frame outside a fragmented message");
            inFragmentedMessage = !fin;
        }
        else
        {
            check(!inFragmentedMessage, "a new data frame inside a fragmented message");
            inFragmentedMessage = !fin;
        }
        final byte[] payload = new byte[(int)length];
        readFully(payload, "a frame payload");
        final Frame frame = new Frame(fin, opcode, payload);
        if (opcode == CLOSE)
        {
            checkClosePayload(frame);
            closeReceived = true;
        }
        return frame;
    }

    private static void checkClosePayload(final Frame frame)
    {
        final byte[] p = frame.payload();
        check(p.length != 1, "a close frame with a one-byte payload");
        if (p.length >= 2)
        {
            final int code = frame.closeCode();
            check(code >= 1000 && code <= 4999 && code != 1004 && code != 1005 && code != 1006 && code != 1015 &&
                (code < 1016 || code >= 3000), "a close frame with code " + code + ", which may not be sent");
            check(isStrictUtf8(p, 2, p.length), "a close reason that is not UTF-8");
        }
    }

    private static boolean isStrictUtf8(final byte[] bytes, final int from, final int to)
    {
        try
        {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, from, to - from));
            return true;
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
    }

    /**
     * Read frames until {@code length} bytes of binary data have come; any other frame fails.
     *
     * @return the payloads concatenated.
     */
    byte[] readBinary(final int length) throws IOException
    {
        return readDataAndPongs(length, 0).data();
    }

    /**
     * What {@link #readDataAndPongs} collected.
     *
     * @param data  the binary payloads, concatenated.
     * @param pongs the pongs' payloads, in order.
     */
    record Received(byte[] data, List<byte[]> pongs)
    {
    }

    /**
     * Read frames until {@code length} bytes of binary data and {@code pongs} pongs have come
     * (in any interleaving); anything else fails.
     */
    Received readDataAndPongs(final int length, final int pongs) throws IOException
    {
        final ByteArrayOutputStream data = new ByteArrayOutputStream(length);
        final List<byte[]> pongPayloads = new ArrayList<>();
        int messageOpcode = -1;
        while (data.size() < length || pongPayloads.size() < pongs)
        {
            final Frame f = readFrame();
            if (f.opcode() == PONG)
            {
                check(pongPayloads.size() < pongs, "more pongs than pings");
                pongPayloads.add(f.payload());
                continue;
            }
            if (f.opcode() == BINARY || (f.opcode() == CONTINUATION && messageOpcode == BINARY))
            {
                messageOpcode = f.fin() ? -1 : BINARY;
                data.write(f.payload(), 0, f.payload().length);
                check(data.size() <= length, "more echoed bytes than sent: " + data.size() + " > " + length);
                continue;
            }
            throw new AssertionError("expected binary data (" + data.size() + " of " + length + " bytes) and pongs (" +
                pongPayloads.size() + " of " + pongs + "), got " + f);
        }
        return new Received(data.toByteArray(), pongPayloads);
    }

    /**
     * Read frames until a close frame, skipping data frames and pongs.
     *
     * @return the close frame.
     */
    Frame readClose() throws IOException
    {
        while (true)
        {
            final Frame f = readFrame();
            if (f.opcode() == CLOSE)
            {
                return f;
            }
        }
    }

    /**
     * Wait until the server closes the TCP connection, failing if it sends a byte more or
     * keeps it open past the timeout.
     */
    void expectEof() throws IOException
    {
        final int b;
        try
        {
            b = in.read();
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("the server kept the connection open for " + READ_TIMEOUT_MS + " ms", ex);
        }
        catch (final SocketException ex)
        {
            return; // reset
        }
        check(b < 0, "a byte after the close frame: " + b);
    }

    /** Half-close: send the server an end of stream (FIN), keep reading. */
    void shutdownOutput() throws IOException
    {
        socket.shutdownOutput();
    }

    /** @return true once the server's close frame was read. */
    boolean closeReceived()
    {
        return closeReceived;
    }

    private int readByte(final String what) throws IOException
    {
        final int b;
        try
        {
            b = in.read();
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("timed out reading " + what, ex);
        }
        if (b < 0)
        {
            throw new EOFException("end of stream in " + what);
        }
        return b;
    }

    private void readFully(final byte[] into, final String what) throws IOException
    {
        int at = 0;
        while (at < into.length)
        {
            final int n;
            try
            {
                n = in.read(into, at, into.length - at);
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("timed out reading " + what + " (" + at + " of " + into.length + " bytes)", ex);
            }
            if (n < 0)
            {
                throw new EOFException("end of stream in " + what + " (" + at + " of " + into.length + " bytes)");
            }
            at += n;
        }
    }

    private static void check(final boolean ok, final String what)
    {
        if (!ok)
        {
            throw new AssertionError("RFC 6455 broken by the server: " + what);
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
