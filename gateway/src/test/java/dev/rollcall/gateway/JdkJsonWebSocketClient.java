package dev.rollcall.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's own WebSocket client speaking the JSON encoding ({@code rollcall.json.v1}): sends
 * JSON text messages and parses what arrives with Jackson, strictly (a server message that is
 * not one JSON object fails the test).
 */
final class JdkJsonWebSocketClient implements AutoCloseable
{
    static final String SUBPROTOCOL = "rollcall.json.v1";
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNode EOF = JSON.createObjectNode().put("op", "<eof>");

    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket webSocket;
    private volatile int closeCode = -1;
    private volatile Throwable error;

    private JdkJsonWebSocketClient(final URI uri) throws Exception
    {
        webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
            .subprotocols(SUBPROTOCOL)
            .buildAsync(uri, new Listener())
            .get(10, TimeUnit.SECONDS);
    }

    static JdkJsonWebSocketClient connect(final InetSocketAddress address) throws Exception
    {
        return new JdkJsonWebSocketClient(URI.create("ws://127.0.0.1:" + address.getPort() + GatewayContext.DEFAULT_WEBSOCKET_PATH));
    }

    String subprotocol()
    {
        return webSocket.getSubprotocol();
    }

    /** Send one text message. */
    JdkJsonWebSocketClient send(final String json) throws Exception
    {
        webSocket.sendText(json, true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** Send one binary message. */
    JdkJsonWebSocketClient sendBinary(final byte[] bytes) throws Exception
    {
        webSocket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** @return the next message (op "&lt;eof&gt;" once closed), or fail after 10 s. */
    JsonNode next() throws InterruptedException
    {
        final JsonNode message = messages.poll(10, TimeUnit.SECONDS);
        if (null == message)
        {
            throw new AssertionError("no message from the server within 10 s");
        }
        if (message == EOF)
        {
            messages.add(EOF);
        }
        return message;
    }

    /** @return the next message with that op, skipping others, or fail after 10 s. */
    JsonNode next(final String op) throws InterruptedException
    {
        final List<String> skipped = new ArrayList<>();
        while (true)
        {
            final JsonNode message = next();
            if (op.equals(message.path("op").asText()))
            {
                return message;
            }
            if (message == EOF)
            {
                throw new AssertionError("closed before a " + op + "; skipped " + skipped);
            }
            skipped.add(message.toString());
        }
    }

    /** @return true once the server closed. */
    static boolean isEof(final JsonNode message)
    {
        return message == EOF;
    }

    /** @return what the client's {@code onError} reported, or null. */
    Throwable error()
    {
        return error;
    }

    int closeCode()
    {
        return closeCode;
    }

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
        public CompletionStage<?> onText(final WebSocket ws, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    messages.add(JSON.readTree(partial.toString()));
                }
                catch (final Exception ex)
                {
                    messages.add(JSON.createObjectNode().put("op", "<invalid JSON>").put("text", partial.toString()));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(final WebSocket ws, final ByteBuffer data, final boolean last)
        {
            messages.add(JSON.createObjectNode().put("op", "<binary message>"));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket ws, final int statusCode, final String reason)
        {
            closeCode = statusCode;
            messages.add(EOF);
            return null;
        }

        @Override
        public void onError(final WebSocket ws, final Throwable error)
        {
            JdkJsonWebSocketClient.this.error = error;
            messages.add(EOF);
        }
    }
}
