package dev.rollcall.bench;

import dev.rollcall.gateway.websocket.WebSocketFrames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The client's side of RFC 6455, written by hand for the benchmark's WebSocket clients: the
 * opening handshake (set-up, may allocate), masked client frame headers and payloads written
 * into a reused buffer, and server frame headers read by offset (nothing allocated).
 * <pre>
 *   client frame:  FIN|opcode  MASK|len7  [len16]  mask key (4)  payload XOR key
 *   server frame:  FIN|opcode  len7       [len16 | len64]        payload
 * </pre>
 * The masking key is one fixed, non-zero key: RFC 6455 wants it unpredictable (against proxies
 * that cache), which matters to no one on loopback; the server unmasks every byte all the same.
 */
final class WebSocketClientSide
{
    /** The key every frame is masked with, as it goes on the wire. */
    static final byte[] MASK = {(byte)0x37, (byte)0xFA, (byte)0x21, (byte)0x3D};
    private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketClientSide()
    {
    }

    /**
     * Ask for the upgrade and check the 101 answer; what follows it stays in {@code in}.
     *
     * @param channel     the connection.
     * @param in          the input buffer, empty; on return in read mode, positioned after the answer.
     * @param host        the Host header's value.
     * @param path        the request's path.
     * @param subprotocol the one subprotocol offered.
     * @throws IOException if the server does not switch to that subprotocol.
     */
    static void handshake(
        final SocketChannel channel, final ByteBuffer in, final String host, final String path, final String subprotocol)
        throws IOException
    {
        final byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        final String key = Base64.getEncoder().encodeToString(nonce);
        final byte[] request = ("GET " + path + " HTTP/1.1\r\n" +
            "Host: " + host + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + key + "\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Protocol: " + subprotocol + "\r\n" +
            "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        final ByteBuffer requestBytes = ByteBuffer.wrap(request);
        while (requestBytes.hasRemaining())
        {
            channel.write(requestBytes);
        }
        in.clear();
        int end = -1;
        while (end < 0)
        {
            if (channel.read(in) < 0)
            {
                throw new IOException("the gateway closed the connection during the handshake");
            }
            for (int i = 3; i < in.position() && end < 0; i++)
            {
                if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r')
                {
                    end = i + 1;
                }
            }
        }
        final byte[] head = new byte[end];
        in.get(0, head);
        final String response = new String(head, StandardCharsets.ISO_8859_1);
        final String lower = response.toLowerCase(Locale.ROOT);
        if (!response.startsWith("HTTP/1.1 101 ") ||
            !lower.contains("\r\nsec-websocket-accept: " + accept(key).toLowerCase(Locale.ROOT) + "\r\n") ||
            !lower.contains("\r\nsec-websocket-protocol: " + subprotocol + "\r\n"))
        {
            throw new IOException("the gateway refused the upgrade to " + subprotocol + ":\n" + response);
        }
        in.flip();
        in.position(end);
    }

    private static String accept(final String key)
    {
        try
        {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + KEY_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", ex);
        }
    }

    /**
     * Put a final client frame's header and masking key.
     *
     * @param out    where, at its position.
     * @param opcode {@link WebSocketFrames#OPCODE_BINARY} or {@link WebSocketFrames#OPCODE_TEXT}.
     * @param length the payload's length, below 65,536.
     */
    static void putHeader(final ByteBuffer out, final int opcode, final int length)
    {
        out.put((byte)(0x80 | opcode));
        if (length < 126)
        {
            out.put((byte)(0x80 | length));
        }
        else
        {
            out.put((byte)(0x80 | 126)).put((byte)(length >>> 8)).put((byte)length);
        }
        out.put(MASK);
    }

    /**
     * Put payload bytes masked.
     *
     * @param out   where, at its position.
     * @param bytes the bytes.
     * @param from  the first.
     * @param to    one past the last.
     * @param index the payload index of the first (which key byte masks it).
     * @return the payload index after the last.
     */
    static int putMasked(final ByteBuffer out, final byte[] bytes, final int from, final int to, final int index)
    {
        int at = index;
        for (int i = from; i < to; i++)
        {
            out.put((byte)(bytes[i] ^ MASK[at & 3]));
            at++;
        }
        return at;
    }

    /**
     * Put payload bytes masked.
     *
     * @param out   where, at its position.
     * @param bytes the bytes, absolute indexes.
     * @param from  the first.
     * @param to    one past the last.
     */
    static void putMasked(final ByteBuffer out, final ByteBuffer bytes, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            out.put((byte)(bytes.get(i) ^ MASK[(i - from) & 3]));
        }
    }

    /**
     * The header of the server frame at an index, checked to be a final one of the expected opcode.
     *
     * @param in       the input, absolute indexes.
     * @param at       where the frame starts.
     * @param opcode   the opcode the subprotocol's messages have.
     * @return the header's length, or 0 if the whole header has not arrived.
     * @throws IOException for a close frame or another opcode, a fragment or a masked frame.
     */
    static int headerLength(final ByteBuffer in, final int at, final int opcode) throws IOException
    {
        final int available = in.limit() - at;
        if (available < 2)
        {
            return 0;
        }
        final int b0 = in.get(at) & 0xFF;
        final int b1 = in.get(at + 1) & 0xFF;
        if (b0 != (0x80 | opcode) || (b1 & 0x80) != 0)
        {
            throw new IOException("unexpected server frame: " + Integer.toHexString(b0) + " " + Integer.toHexString(b1) +
                ((b0 & 0x0F) == WebSocketFrames.OPCODE_CLOSE && available >= 4 ?
                    " (close " + (((in.get(at + 2) & 0xFF) << 8) | (in.get(at + 3) & 0xFF)) + ")" : ""));
        }
        final int length7 = b1 & 0x7F;
        final int header = length7 == 127 ? 10 : length7 == 126 ? 4 : 2;
        return available < header ? 0 : header;
    }

    /**
     * @param in the input, absolute indexes.
     * @param at where a server frame starts whose header has arrived.
     * @return its payload's length.
     */
    static long payloadLength(final ByteBuffer in, final int at)
    {
        final int length7 = in.get(at + 1) & 0x7F;
        if (length7 < 126)
        {
            return length7;
        }
        if (length7 == 126)
        {
            return ((in.get(at + 2) & 0xFF) << 8) | (in.get(at + 3) & 0xFF);
        }
        long length = 0;
        for (int i = 0; i < 8; i++)
        {
            length = (length << 8) | (in.get(at + 2 + i) & 0xFF);
        }
        return length;
    }
}
