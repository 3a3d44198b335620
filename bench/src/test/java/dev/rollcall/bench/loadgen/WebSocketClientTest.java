package dev.rollcall.bench.loadgen;

import dev.rollcall.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WebSocketClientTest
{
    private static final int BUFFER_BYTES = 256 * 1024;

    private final WebSocketClient binary = new WebSocketClient(LoadTransport.WS_BINARY, "127.0.0.1:7451", 1);
    private final WebSocketClient text = new WebSocketClient(LoadTransport.WS_JSON, "127.0.0.1:7451", 2);
    private final LoadConnection connection = new LoadConnection(0, 1, 1, null, null, 4);
    private final Recorder recorder = new Recorder();

    @Test
    void shouldAnswerTheKeyAsRfc6455Says()
    {
        assertThat(binary.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void shouldAskForTheUpgradeAndAcceptOnlyTheAnswerToItsKey()
    {
        final ByteBuffer out = ByteBuffer.allocate(1024);
        text.handshake(connection, out);

        final String request = new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
        assertThat(request).startsWith("GET /rollcall HTTP/1.1\r\n").endsWith("\r\n\r\n")
            .contains("\r\nHost: 127.0.0.1:7451\r\n", "\r\nUpgrade: websocket\r\n", "\r\nConnection: Upgrade\r\n",
                "\r\nSec-WebSocket-Version: 13\r\n", "\r\nSec-WebSocket-Protocol: rollcall.json.v1\r\n");
        final String key = request.replaceAll("(?s).*Sec-WebSocket-Key: ([^\r]*)\r\n.*", "$1");
        assertThat(key).hasSize(24);
        final String accept = text.accept(key);

        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: rollcall.json.v1\r\n"))
            .isEqualTo("accepted");
        text.handshake(connection, out.clear());
        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n" +
            "sec-websocket-accept: " + connection.webSocketAccept + "\r\nsec-websocket-protocol: rollcall.json.v1\r\n"))
            .isEqualTo("accepted");
    }

    @Test
    void shouldRefuseAnUpgradeAnsweredWrongly()
    {
        text.handshake(connection, ByteBuffer.allocate(1024));
        final String accept = connection.webSocketAccept;
        final String good = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: rollcall.json.v1\r\n";

        assertThat(upgrade(text, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"))
            .isEqualTo("WebSocket handshake refused: HTTP/1.1 400 Bad Request");
        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\n" + good + "Sec-WebSocket-Accept: x" + accept + "\r\n"))
            .isEqualTo("WebSocket handshake: Sec-WebSocket-Accept does not match the key");
        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\n" + good))
            .isEqualTo("WebSocket handshake: Sec-WebSocket-Accept does not match the key");
        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: rollcall.binary.v1\r\n"))
            .isEqualTo("WebSocket handshake: subprotocol rollcall.binary.v1 instead of rollcall.json.v1");
        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\n" + good + "Sec-WebSocket-Accept: " + accept +
            "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"))
            .startsWith("WebSocket handshake: an extension");
        assertThat(upgrade(text, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
            accept + "\r\nSec-WebSocket-Protocol: rollcall.json.v1\r\n"))
            .isEqualTo("WebSocket handshake: 101 without Upgrade: websocket");
    }

    @Test
    void shouldWaitForTheWholeAnswerAndLeaveWhatFollowsIt()
    {
        text.handshake(connection, ByteBuffer.allocate(1024));
        final byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: " + connection.webSocketAccept + "\r\nSec-WebSocket-Protocol: rollcall.json.v1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer in = ByteBuffer.allocate(1024);
        in.put(answer, 0, answer.length - 1).flip();

        assertThat(text.upgrade(connection, in)).isEqualTo(WebSocketClient.NEED_MORE);
        assertThat(in.position()).isZero();

        in.clear().put(answer).put(new byte[]{(byte)0x81, 2, '{', '}'}).flip();
        assertThat(text.upgrade(connection, in)).isEqualTo(answer.length);
        assertThat(in.position()).isEqualTo(answer.length);
        assertThat(in.remaining()).isEqualTo(4);
        assertThat(connection.webSocketAccept).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap-little", "heap-big", "direct-little", "direct-big"})
    void shouldMaskEveryClientFrameWithAFreshKeyAndTheShortestLength(final String kind)
    {
        final ByteBuffer out = (kind.startsWith("heap") ? ByteBuffer.allocate(200_000) :
            ByteBuffer.allocateDirect(200_000)).order(kind.endsWith("little") ? ByteOrder.LITTLE_ENDIAN :
            ByteOrder.BIG_ENDIAN);
        final SplittableRandom random = new SplittableRandom(7);
        final Set<Integer> masks = new HashSet<>();
        for (final int length : new int[]{0, 1, 3, 7, 8, 9, 16, 125, 126, 127, 1000, 4096, 65535})
        {
            final byte[] payload = new byte[length];
            random.nextBytes(payload);
            out.clear();
            out.put(new byte[]{1, 2, 3});
            final int at = binary.begin(out);
            out.put(payload);
            binary.end(connection, out, at);

            final int end = out.position();
            assertThat(out.get(at) & 0xFF).isEqualTo(0x80 | WebSocketClient.OPCODE_BINARY);
            final int second = out.get(at + 1) & 0xFF;
            assertThat(second & 0x80).as("masked").isEqualTo(0x80);
            final int header;
            if (length <= 125)
            {
                assertThat(second & 0x7F).isEqualTo(length);
                header = 2;
            }
            else
            {
                assertThat(second & 0x7F).isEqualTo(126);
                assertThat(((out.get(at + 2) & 0xFF) << 8) | (out.get(at + 3) & 0xFF)).isEqualTo(length);
                header = 4;
            }
            final int mask = (out.get(at + header) & 0xFF) << 24 | (out.get(at + header + 1) & 0xFF) << 16 |
                (out.get(at + header + 2) & 0xFF) << 8 | (out.get(at + header + 3) & 0xFF);
            masks.add(mask);
            assertThat(end - at).isEqualTo(header + 4 + length);
            final byte[] unmasked = new byte[length];
            for (int i = 0; i < length; i++)
            {
                unmasked[i] = (byte)(out.get(at + header + 4 + i) ^ (mask >>> (24 - 8 * (i & 3))));
            }
            assertThat(unmasked).isEqualTo(payload);
            assertThat(out.get(0)).isEqualTo((byte)1);
        }
        assertThat(masks.size()).isGreaterThan(10);
    }

    @Test
    void shouldAnswerAPingWithAMaskedPongOfTheSamePayload()
    {
        final ByteBuffer ping = ByteBuffer.wrap("are you there".getBytes(StandardCharsets.US_ASCII));
        final ByteBuffer out = ByteBuffer.allocate(256);

        binary.control(connection, out, WebSocketClient.OPCODE_PONG, ping, 4, 3);

        assertThat(out.position()).isEqualTo(2 + 4 + 3);
        assertThat(out.get(0) & 0xFF).isEqualTo(0x80 | WebSocketClient.OPCODE_PONG);
        assertThat(out.get(1) & 0xFF).isEqualTo(0x80 | 3);
        final int mask = out.getInt(2);
        final byte[] payload = new byte[3];
        for (int i = 0; i < 3; i++)
        {
            payload[i] = (byte)(out.get(6 + i) ^ (mask >>> (24 - 8 * i)));
        }
        assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("you");
    }

    @Test
    void shouldStripBinaryFramesOfEveryLengthFormWhereverTheReadsCutThem() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(11);
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        for (final int length : new int[]{1, 0, 125, 126, 65535, 65536, 70_000, 3})
        {
            final byte[] payload = new byte[length];
            random.nextBytes(payload);
            payloads.write(payload);
            wire.write(serverFrame(true, WebSocketClient.OPCODE_BINARY, payload));
        }
        // a fragmented message with a ping between its fragments
        wire.write(serverFrame(false, WebSocketClient.OPCODE_BINARY, bytes("frag-")));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_PING, bytes("ping!")));
        wire.write(serverFrame(false, WebSocketClient.OPCODE_CONTINUATION, bytes("ment")));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_PONG, bytes("")));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_CONTINUATION, bytes("ed")));
        payloads.write(bytes("frag-mented"));
        // a 64-bit length holding a small payload is still read
        wire.write(new byte[]{(byte)0x82, 127, 0, 0, 0, 0, 0, 0, 0, 2, 'o', 'k'});
        payloads.write(bytes("ok"));

        for (final int chunk : new int[]{1, 2, 7, 1000, 100_000})
        {
            final LoadConnection c = new LoadConnection(0, 1, 1, null, null, 4);
            final Recorder listener = new Recorder();
            final byte[] received = feed(binary, c, listener, wire.toByteArray(), chunk, 5);
            assertThat(received).as("chunks of %d", chunk).isEqualTo(payloads.toByteArray());
            assertThat(listener.pings).containsExactly("ping!");
            assertThat(c.webSocketCloseReceived).isFalse();
        }
    }

    @Test
    void shouldHandTextMessagesWholeAndInOrder() throws Exception
    {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(serverFrame(true, WebSocketClient.OPCODE_TEXT, bytes("{\"op\":\"heartbeat_ack\",\"seq\":1}")));
        wire.write(serverFrame(false, WebSocketClient.OPCODE_TEXT, bytes("{\"op\":")));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_PING, bytes("")));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_CONTINUATION, bytes("\"x\"}")));
        final byte[] large = new byte[20_000];
        Arrays.fill(large, (byte)'a');
        wire.write(serverFrame(true, WebSocketClient.OPCODE_TEXT, large));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_TEXT, bytes("é")));

        for (final int chunk : new int[]{2, 7, 1000, 100_000})
        {
            final LoadConnection c = new LoadConnection(0, 1, 1, null, null, 4);
            final Recorder listener = new Recorder();
            final byte[] left = feed(text, c, listener, wire.toByteArray(), chunk, Integer.MAX_VALUE);
            assertThat(left).isEmpty();
            assertThat(listener.texts).as("chunks of %d", chunk)
                .containsExactly("{\"op\":\"heartbeat_ack\",\"seq\":1}", "{\"op\":\"x\"}", new String(large,
                    StandardCharsets.US_ASCII), "é");
            assertThat(listener.pings).containsExactly("");
        }
    }

    @Test
    void shouldStopAtACloseFrameAndKeepItsCode() throws Exception
    {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(serverFrame(true, WebSocketClient.OPCODE_BINARY, bytes("last")));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_CLOSE, new byte[]{0x0F, (byte)0xA8, 'b', 'y', 'e'}));
        wire.write(serverFrame(true, WebSocketClient.OPCODE_BINARY, bytes("never")));
        final LoadConnection c = new LoadConnection(0, 1, 1, null, null, 4);

        final byte[] received = feed(binary, c, recorder, wire.toByteArray(), 100_000, 1);

        assertThat(new String(received, StandardCharsets.US_ASCII)).isEqualTo("last");
        assertThat(c.webSocketCloseReceived).isTrue();
        assertThat(c.webSocketCloseCode).isEqualTo(4008);

        final LoadConnection quiet = new LoadConnection(0, 1, 1, null, null, 4);
        feed(binary, quiet, recorder, serverFrame(true, WebSocketClient.OPCODE_CLOSE, new byte[0]), 1, 1);
        assertThat(quiet.webSocketCloseReceived).isTrue();
        assertThat(quiet.webSocketCloseCode).isEqualTo(WebSocketClient.CLOSE_NO_STATUS);
    }

    @Test
    void shouldRefuseFramesThatBreakRfc6455()
    {
        assertThat(refusal(binary, new byte[]{(byte)0x82, (byte)0x81, 1, 2, 3, 4, 5}))
            .isEqualTo("WebSocket: a masked server frame");
        assertThat(refusal(binary, new byte[]{(byte)0xC2, 1, 5})).isEqualTo("WebSocket: a server frame with reserved bits set");
        assertThat(refusal(binary, new byte[]{(byte)0x89, 126, 0, (byte)200}))
            .isEqualTo("WebSocket: a fragmented or long control frame");
        assertThat(refusal(binary, new byte[]{(byte)0x09, 0})).isEqualTo("WebSocket: a fragmented or long control frame");
        assertThat(refusal(binary, new byte[]{(byte)0x80, 1, 5}))
            .isEqualTo("WebSocket: a continuation frame outside a fragmented message");
        assertThat(refusal(binary, new byte[]{0x02, 1, 5, (byte)0x82, 1, 6}))
            .isEqualTo("WebSocket: a new message inside a fragmented one");
        assertThat(refusal(binary, new byte[]{(byte)0x81, 1, 'a'})).isEqualTo("WebSocket: opcode 1 on rollcall.binary.v1");
        assertThat(refusal(text, new byte[]{(byte)0x82, 1, 5})).isEqualTo("WebSocket: opcode 2 on rollcall.json.v1");
        assertThat(refusal(binary, new byte[]{(byte)0x88, 1, 3})).isEqualTo("WebSocket: a close frame with a one-byte payload");
        assertThat(refusal(binary, new byte[]{(byte)0x8B, 0})).isEqualTo("WebSocket: unknown control opcode 11");
        assertThat(refusal(binary, new byte[]{(byte)0x82, 127, (byte)0x80, 0, 0, 0, 0, 0, 0, 1}))
            .isEqualTo("WebSocket: a payload length with its top bit set");
        assertThat(refusal(text, new byte[]{(byte)0x81, 127, 0, 0, 0, 0, 0, 1, 0, 1}))
            .isEqualTo("WebSocket: a text message longer than 65536 bytes");
    }

    private String refusal(final WebSocketClient client, final byte[] wire)
    {
        final LoadConnection c = new LoadConnection(0, 1, 1, null, null, 4);
        final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
        in.put(wire).flip();
        try
        {
            assertThat(client.deframe(c, in, recorder)).isEqualTo(WebSocketClient.FAILED);
        }
        catch (final ProtocolException ex)
        {
            throw new AssertionError(ex);
        }
        return client.failure();
    }

    private String upgrade(final WebSocketClient client, final String answer)
    {
        final ByteBuffer in = ByteBuffer.wrap((answer + "\r\n").getBytes(StandardCharsets.US_ASCII));
        final int outcome = client.upgrade(connection, in);
        return outcome > 0 ? "accepted" : client.failure();
    }

    /**
     * Feed the wire bytes in chunks as the worker's read loop does: what was kept, then the new bytes, stripped;
     * of the binary payload only whole multiples of {@code unit} bytes are taken each time (as the frame decoding
     * leaves a partial frame), the rest is kept with the raw bytes after it.
     *
     * @return the payload taken.
     */
    private static byte[] feed(final WebSocketClient client, final LoadConnection c, final Recorder listener,
        final byte[] wire, final int chunk, final int unit) throws Exception
    {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
        byte[] kept = new byte[0];
        for (int at = 0; at < wire.length && !c.webSocketCloseReceived; at += chunk)
        {
            in.clear();
            in.put(kept);
            in.put(wire, at, Math.min(chunk, wire.length - at));
            in.flip();
            final int end = client.deframe(c, in, listener);
            assertThat(end).as(client.failure()).isGreaterThanOrEqualTo(0);
            final int limit = in.limit();
            final int take = Integer.MAX_VALUE == unit ? 0 : (end - in.position()) / unit * unit;
            final byte[] payload = new byte[take];
            in.get(in.position(), payload);
            taken.write(payload);
            in.position(in.position() + take);
            c.webSocketStripped = end - in.position();
            in.limit(limit);
            kept = new byte[in.remaining()];
            in.get(kept);
        }
        if (Integer.MAX_VALUE != unit && !c.webSocketCloseReceived)
        {
            taken.write(kept, 0, c.webSocketStripped);
            assertThat(kept.length).as("only payload kept at the end").isEqualTo(c.webSocketStripped);
        }
        return taken.toByteArray();
    }

    private static byte[] serverFrame(final boolean fin, final int opcode, final byte[] payload)
    {
        final ByteBuffer frame = ByteBuffer.allocate(payload.length + 10);
        frame.put((byte)((fin ? 0x80 : 0) | opcode));
        if (payload.length <= 125)
        {
            frame.put((byte)payload.length);
        }
        else if (payload.length <= 0xFFFF)
        {
            frame.put((byte)126).putShort((short)payload.length);
        }
        else
        {
            frame.put((byte)127).putLong(payload.length);
        }
        frame.put(payload);
        final byte[] bytes = new byte[frame.position()];
        frame.flip().get(bytes);
        return bytes;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Records the text messages and pings. */
    private static final class Recorder implements WebSocketClient.Listener
    {
        final List<String> texts = new ArrayList<>();
        final List<String> pings = new ArrayList<>();

        @Override
        public boolean onText(final LoadConnection c, final ByteBuffer buffer, final int from, final int to)
        {
            final byte[] message = new byte[to - from];
            buffer.get(from, message);
            texts.add(new String(message, StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public void onPing(final LoadConnection c, final ByteBuffer buffer, final int from, final int length)
        {
            final byte[] payload = new byte[length];
            buffer.get(from, payload);
            pings.add(new String(payload, StandardCharsets.UTF_8));
        }
    }
}
