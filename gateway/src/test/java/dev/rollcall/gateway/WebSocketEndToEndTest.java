package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The built-in protocol over WebSocket (subprotocol {@code rollcall.binary.v1}), driven by the
 * JDK's own WebSocket client, beside raw TCP clients on the same gateway.
 */
class WebSocketEndToEndTest
{
    private TestGateway server;

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
            assertThat(server.errors).isEmpty();
        }
    }

    private void start(final long graceMs)
    {
        try
        {
            server = new TestGateway(ctx -> ctx.webSocketPort(0), core -> core.gracePeriodMs(graceMs));
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private JdkWebSocketClient identified(final long userId) throws Exception
    {
        final JdkWebSocketClient client = JdkWebSocketClient.connect(server.gateway.webSocketAddress());
        assertThat(client.subprotocol()).isEqualTo(JdkWebSocketClient.SUBPROTOCOL);
        assertThat(client.next(RawClient.Hello.class).version()).isEqualTo(Protocol.VERSION);
        client.writer().identify(Protocol.VERSION, TestGateway.token(userId), new Changes(), false, 0, 0);
        client.flush();
        assertThat(client.next(RawClient.Ready.class).userId()).isEqualTo(userId);
        return client;
    }

    @Test
    void shouldIdentifyUpdateSubscribeAndDispatchBetweenWebSocketAndTcpClients() throws Exception
    {
        start(60_000);
        try (JdkWebSocketClient watcher = identified(1);
             JdkWebSocketClient player = identified(2);
             RawClient tcpWatcher = server.identify(3, new Changes()))
        {
            watcher.writer().subscribe(7, new long[] {2}, 1, new long[0], 0);
            watcher.flush();
            assertThat(watcher.next(RawClient.ResultFrame.class)).isEqualTo(new RawClient.ResultFrame(7, Result.APPLIED));
            tcpWatcher.writer().subscribe(8, new long[] {2}, 1, new long[0], 0);
            tcpWatcher.flush();
            assertThat(tcpWatcher.next(RawClient.ResultFrame.class)).isEqualTo(new RawClient.ResultFrame(8, Result.APPLIED));

            player.writer().update(9, Protocol.GROUP_STANDARD, "afk", new Changes().afk(true).attribute("map", "dune"));
            player.flush();
            assertThat(player.next(RawClient.ResultFrame.class)).isEqualTo(new RawClient.ResultFrame(9, Result.APPLIED));

            final RawClient.Dispatch overWebSocket = watcher.next(RawClient.Dispatch.class);
            final RawClient.Dispatch overTcp = tcpWatcher.next(RawClient.Dispatch.class);
            assertThat(overWebSocket.type()).isEqualTo(EventType.CLIENT_UPDATED);
            assertThat(overWebSocket.userId()).isEqualTo(2);
            assertThat(overWebSocket.reason()).isEqualTo("afk");
            assertThat(overWebSocket.changes().afk()).isTrue();
            assertThat(overWebSocket.changes().attributeKey(0)).isEqualTo("map");
            assertThat(overWebSocket.changes().attributeString(0)).isEqualTo("dune");
            assertThat(overTcp.changes()).isEqualTo(overWebSocket.changes());

            // a TCP client's update reaches the WebSocket watcher too
            watcher.writer().subscribe(10, new long[] {3}, 1, new long[0], 0);
            watcher.flush();
            watcher.next(RawClient.ResultFrame.class);
            tcpWatcher.writer().update(11, Protocol.GROUP_STANDARD, "party", new Changes().partyId(77));
            tcpWatcher.flush();
            final RawClient.Dispatch fromTcp = watcher.next(RawClient.Dispatch.class);
            assertThat(fromTcp.userId()).isEqualTo(3);
            assertThat(fromTcp.changes().partyId()).isEqualTo(77);
        }
        assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_UPGRADES)).isEqualTo(2);
        assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).isZero();
    }

    @Test
    void shouldResumeOverANewWebSocketAfterTheFirstDropped() throws Exception
    {
        start(60_000);
        try (RawClient player = server.identify(2, new Changes()))
        {
            final JdkWebSocketClient watcher = JdkWebSocketClient.connect(server.gateway.webSocketAddress());
            watcher.next(RawClient.Hello.class);
            watcher.writer().identify(Protocol.VERSION, TestGateway.token(1), new Changes(), false, 0, 0);
            watcher.flush();
            final RawClient.Ready ready = watcher.next(RawClient.Ready.class);
            watcher.writer().subscribe(1, new long[] {2}, 1, new long[0], 0);
            watcher.flush();
            watcher.next(RawClient.ResultFrame.class);
            for (int n = 1; n <= 2; n++)
            {
                player.writer().update(n, Protocol.GROUP_STANDARD, "u" + n, new Changes().partyId(n));
                player.flush();
                player.next(RawClient.ResultFrame.class);
            }
            assertThat(watcher.next(RawClient.Dispatch.class).seq()).isEqualTo(1);
            assertThat(watcher.next(RawClient.Dispatch.class).seq()).isEqualTo(2);
            watcher.abort();
            server.awaitConnected(1, false);

            player.writer().update(3, Protocol.GROUP_STANDARD, "u3", new Changes().partyId(3));
            player.flush();
            player.next(RawClient.ResultFrame.class);

            try (JdkWebSocketClient resumed = JdkWebSocketClient.connect(server.gateway.webSocketAddress()))
            {
                resumed.next(RawClient.Hello.class);
                resumed.writer().resume(TestGateway.token(1), ready.sessionId(), 1);
                resumed.flush();
                final RawClient.Dispatch second = resumed.next(RawClient.Dispatch.class);
                final RawClient.Dispatch third = resumed.next(RawClient.Dispatch.class);
                assertThat(second.seq()).isEqualTo(2);
                assertThat(third.seq()).isEqualTo(3);
                assertThat(third.changes().partyId()).isEqualTo(3);
                assertThat(resumed.next()).isEqualTo(new RawClient.Resumed(3));
                server.awaitConnected(1, true);
            }
        }
    }

    @Test
    void shouldSayGoodbyeInBothProtocolsWhenTheServerShutsDown() throws Exception
    {
        start(60_000);
        final JdkWebSocketClient client = identified(5);
        server.gateway.close();
        final RawClient.CloseFrame goodbye = client.next(RawClient.CloseFrame.class);
        assertThat(goodbye.code()).isEqualTo(ErrorCode.SERVER_SHUTTING_DOWN.code());
        assertThat(client.next()).isInstanceOf(RawClient.Eof.class);
        assertThat(client.closeCode()).isEqualTo(ErrorCode.SERVER_SHUTTING_DOWN.code()); // the protocol's code, in the application range
        client.abort();
    }

    @Test
    void shouldCloseTheWebSocketWithTheProtocolsCloseCode() throws Exception
    {
        start(60_000);
        try (JdkWebSocketClient client = identified(6))
        {
            client.writer().identify(Protocol.VERSION, TestGateway.token(6), new Changes(), false, 0, 0);
            client.flush(); // a second identify is a protocol error: ERROR + CLOSE, then the WebSocket closes
            final RawClient.CloseFrame close = client.next(RawClient.CloseFrame.class);
            assertThat(close.code()).isEqualTo(ErrorCode.ALREADY_IDENTIFIED.code());
            assertThat(client.next()).isInstanceOf(RawClient.Eof.class);
            assertThat(client.closeCode()).isEqualTo(ErrorCode.ALREADY_IDENTIFIED.code());
        }
        server.awaitConnected(6, false);
    }

    @Test
    void shouldRefuseAHandshakeWithoutTheSubprotocol() throws Exception
    {
        start(60_000);
        final URI uri = URI.create("ws://127.0.0.1:" + server.gateway.webSocketAddress().getPort() +
            GatewayContext.DEFAULT_WEBSOCKET_PATH);
        assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(uri, new WebSocket.Listener()
            {
            }).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(WebSocketHandshakeException.class)
            .satisfies(ex -> assertThat(((WebSocketHandshakeException)ex.getCause()).getResponse().statusCode())
                .isEqualTo(400));
        assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_HANDSHAKES_REFUSED)).isEqualTo(1);
    }
}
