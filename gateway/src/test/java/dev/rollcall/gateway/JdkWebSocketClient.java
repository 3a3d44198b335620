package dev.rollcall.gateway;

import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's own WebSocket client ({@code java.net.http.WebSocket}, written by nobody here)
 * speaking the binary protocol as subprotocol {@code rollcall.binary.v1}: frames written with
 * the protocol's {@link FrameWriter} go out as binary messages, and what arrives is decoded
 * into {@link RawClient}'s records, whatever the message boundaries.
 */
final class JdkWebSocketClient implements AutoCloseable
{
    static final String SUBPROTOCOL = "rollcall.binary.v1";

    private final ServerFrameQueue frames = new ServerFrameQueue();
    private final ByteBuffer out = ByteBuffer.allocate(1 << 20);
    private final FrameWriter writer = new FrameWriter(out);
    private final ByteBuffer in = ByteBuffer.allocate(2 << 20);
    private final ServerFrameAdapter adapter = new ServerFrameAdapter(frames.decoder());
    private final WebSocket webSocket;
    private volatile int closeCode = -1;
    private volatile String closeReason;

    private JdkWebSocketClient(final URI uri) throws Exception
    {
        webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
            .subprotocols(SUBPROTOCOL)
            .buildAsync(uri, new Listener())
            .get(10, TimeUnit.SECONDS);
    }

    /**
     * Open a WebSocket to the gateway's WebSocket port and path.
     *
     * @param address the gateway's {@link Gateway#webSocketAddress()}.
     * @return the connected client (the handshake is done; HELLO may follow).
     */
    static JdkWebSocketClient connect(final InetSocketAddress address) throws Exception
    {
        return new JdkWebSocketClient(URI.create("ws://127.0.0.1:" + address.getPort() + GatewayContext.DEFAULT_WEBSOCKET_PATH));
    }

    /** @return the subprotocol the server chose. */
    String subprotocol()
    {
        return webSocket.getSubprotocol();
    }

    /** @return the writer, cleared: write one or more frames, then {@link #flush()}. */
    FrameWriter writer()
    {
        return writer;
    }

    /** Send what the writer holds as one binary message. */
    JdkWebSocketClient flush() throws Exception
    {
        out.flip();
        final ByteBuffer message = ByteBuffer.allocate(out.remaining());
        message.put(out).flip();
        out.clear();
        webSocket.sendBinary(message, true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** @return the next frame, or fail after 10 s. */
    RawClient.Frame next() throws InterruptedException
    {
        return frames.next();
    }

    /** @return the next frame of the type, skipping others, or fail after 10 s. */
    <T extends RawClient.Frame> T next(final Class<T> type) throws InterruptedException
    {
        return frames.next(type);
    }

    /** Read until the server closes; @return every frame before the end. */
    List<RawClient.Frame> untilClosed() throws InterruptedException
    {
        return frames.untilClosed();
    }

    /** @return the WebSocket close code the server sent, or -1 before its close frame. */
    int closeCode()
    {
        return closeCode;
    }

    /** @return the reason in the server's close frame. */
    String closeReason()
    {
        return closeReason;
    }

    /** Drop the TCP connection without a close handshake (a network failure, as the server sees it). */
    void abort()
    {
        webSocket.abort();
    }

    @Override
    public void close()
    {
        if (!webSocket.isOutputClosed())
        {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        webSocket.abort();
    }

    private final class Listener implements WebSocket.Listener
    {
        @Override
        public CompletionStage<?> onBinary(final WebSocket ws, final ByteBuffer data, final boolean last)
        {
            synchronized (in)
            {
                in.put(data);
                in.flip();
                try
                {
                    int length;
                    while ((length = FrameSplitter.nextFrame(in, 2 << 20)) > 0)
                    {
                        adapter.decode(in, length);
                    }
                }
                catch (final ProtocolException ex)
                {
                    frames.eof();
                }
                in.compact();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket ws, final CharSequence data, final boolean last)
        {
            throw new AssertionError("a text message on " + SUBPROTOCOL + ": " + data);
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket ws, final int statusCode, final String reason)
        {
            closeReason = reason;
            closeCode = statusCode;
            frames.eof();
            return null;
        }

        @Override
        public void onError(final WebSocket ws, final Throwable error)
        {
            frames.eof();
        }
    }
}
