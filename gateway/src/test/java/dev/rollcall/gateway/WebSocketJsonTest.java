package dev.rollcall.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in protocol in its JSON encoding ({@code rollcall.json.v1}) over the JDK's
 * WebSocket client, beside binary clients on the same gateway.
 */
class WebSocketJsonTest
{
    private TestGateway server;
    private String lastSessionId;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway(ctx -> ctx.webSocketPort(0), core -> core.gracePeriodMs(60_000));
    }

    @AfterEach
    void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
    }

    private JdkJsonWebSocketClient identified(final long userId, final String presence) throws Exception
    {
        final JdkJsonWebSocketClient client = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress());
        assertThat(client.subprotocol()).isEqualTo(JdkJsonWebSocketClient.SUBPROTOCOL);
        final JsonNode hello = client.next("hello");
        assertThat(hello.get("version").asInt()).isEqualTo(Protocol.VERSION);
        assertThat(hello.get("heartbeatIntervalMs").asInt()).isEqualTo(server.gateway.context().heartbeatIntervalMs());
        client.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.token(userId) + "\"" +
            (null == presence ? "" : ",\"presence\":" + presence) + "}");
        final JsonNode ready = client.next("ready");
        assertThat(ready.get("userId").asLong()).isEqualTo(userId);
        assertThat(ready.get("sessionId").isTextual()).isTrue();
        lastSessionId = ready.get("sessionId").asText();
        return client;
    }

    @Test
    void shouldIdentifySubscribeUpdateQueryAndHeartbeatInJson() throws Exception
    {
        try (JdkJsonWebSocketClient watcher = identified(1, null);
             JdkJsonWebSocketClient player = identified(2, "{\"status\":\"idle\",\"attributes\":{\"map\":\"dune\"}}");
             RawClient tcpPlayer = server.identify(3, new Changes()))
        {
            watcher.send("{\"requestId\":7,\"op\":\"subscribe\",\"clients\":[2,3]}");
            assertThat(watcher.next("result").toString()).isEqualTo("{\"op\":\"result\",\"requestId\":7,\"result\":\"APPLIED\"}");

            player.send("{\"op\":\"update\",\"requestId\":9,\"reason\":\"afk \\\"now\\\" \\u00e9\",\"changes\":" +
                "{\"afk\":true,\"partyId\":\"9007199254740993\",\"attributes\":{\"map\":null,\"rank\":12}}}");
            assertThat(player.next("result").get("result").asText()).isEqualTo("APPLIED");
            final JsonNode dispatch = watcher.next("dispatch");
            assertThat(dispatch.get("type").asText()).isEqualTo("CLIENT_UPDATED");
            assertThat(dispatch.get("userId").asLong()).isEqualTo(2);
            assertThat(dispatch.get("seq").asLong()).isEqualTo(1);
            assertThat(dispatch.get("reason").asText()).isEqualTo("afk \"now\" é");
            final JsonNode changes = dispatch.get("changes");
            assertThat(changes.get("afk").asBoolean()).isTrue();
            assertThat(changes.get("partyId").asText()).isEqualTo("9007199254740993"); // beyond 2^53: a string
            assertThat(changes.get("attributes").get("map").isNull()).isTrue();
            assertThat(changes.get("attributes").get("rank").asLong()).isEqualTo(12);

            // a binary client's update reaches the JSON watcher
            tcpPlayer.writer().update(4, Protocol.GROUP_LOBBY, "join", new Changes().lobbyId(5).ready(true));
            tcpPlayer.flush();
            tcpPlayer.next(RawClient.ResultFrame.class);
            final JsonNode fromTcp = watcher.next("dispatch");
            assertThat(fromTcp.get("userId").asLong()).isEqualTo(3);
            assertThat(fromTcp.get("changes").get("lobbyId").asLong()).isEqualTo(5);
            assertThat(fromTcp.get("changes").get("ready").asBoolean()).isTrue();

            watcher.send("{\"op\":\"get_clients\",\"requestId\":11,\"userIds\":[2,99]}");
            final JsonNode clients = watcher.next("clients");
            assertThat(clients.get("requestId").asInt()).isEqualTo(11);
            final JsonNode two = clients.get("clients").get(0);
            assertThat(two.get("userId").asLong()).isEqualTo(2);
            assertThat(two.get("present").asBoolean()).isTrue();
            assertThat(two.get("connected").asBoolean()).isTrue();
            assertThat(two.get("state").get("status").asText()).isEqualTo("IDLE");
            assertThat(two.get("state").get("attributes").get("rank").asLong()).isEqualTo(12);
            assertThat(clients.get("clients").get(1).toString()).isEqualTo("{\"userId\":99,\"present\":false}");

            watcher.send("{\"op\":\"list_client_ids\",\"requestId\":12,\"limit\":10}");
            final JsonNode ids = watcher.next("client_ids");
            assertThat(ids.get("ids").toString()).isEqualTo("[1,2,3]");
            assertThat(ids.get("nextCursor").asLong()).isZero();

            watcher.send("{\"op\":\"heartbeat\",\"lastSeq\":2}");
            assertThat(watcher.next("heartbeat_ack").get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void shouldServeAnObserverInJson() throws Exception
    {
        try (JdkJsonWebSocketClient observer = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
        {
            observer.next("hello");
            observer.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.TOKENS.mint(
                1, dev.rollcall.gateway.auth.Role.OBSERVER, System.currentTimeMillis() + 60_000) + "\"}");
            observer.next("ready");
            try (JdkJsonWebSocketClient player = identified(2, "{\"status\":\"idle\"}"))
            {
                final JsonNode connected = observer.next("dispatch");
                assertThat(connected.get("type").asText()).isEqualTo("CLIENT_CONNECTED");
                assertThat(connected.get("userId").asLong()).isEqualTo(2);

                observer.send("{\"op\":\"update\",\"requestId\":3,\"reason\":\"no\",\"changes\":{\"afk\":true}}");
                final JsonNode refused = observer.next("error");
                assertThat(refused.get("requestId").asLong()).as(refused.toString()).isEqualTo(3);
                assertThat(refused.get("code").asInt()).isEqualTo(ErrorCode.OBSERVER_READ_ONLY.code());

                observer.send("{\"op\":\"get_stats\",\"requestId\":4}");
                final JsonNode stats = observer.next("stats");
                assertThat(stats.get("requestId").asLong()).isEqualTo(4);
                assertThat(stats.get("gracePeriodMs").asLong()).isEqualTo(60_000);
                assertThat(stats.get("counters").get("gateway_websocket_upgrades").asLong()).isEqualTo(2);
                assertThat(stats.get("counters").get("gateway_errors_observer_read_only").asLong()).isEqualTo(1);

                player.send("{\"op\":\"get_stats\",\"requestId\":5}");
                assertThat(player.next("error").get("code").asInt()).isEqualTo(ErrorCode.NOT_AN_OBSERVER.code());
            }
        }
    }

    @Test
    void shouldAnswerMalformedJsonWithErrorAndCloseCarryingTheCode() throws Exception
    {
        try (JdkJsonWebSocketClient client = identified(4, null);
             JdkJsonWebSocketClient bystander = identified(5, null))
        {
            client.send("{\"op\":\"update\",\"requestId\":1,\"reason\":\"x\",\"changes\":{\"mood\":3}}");
            final JsonNode error = client.next("error");
            assertThat(error.get("code").asInt()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
            assertThat(error.get("name").asText()).isEqualTo("MALFORMED_FRAME");
            assertThat(error.get("message").asText()).contains("unknown member \"mood\"");
            assertThat(client.next("close").get("code").asInt()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
            assertThat(JdkJsonWebSocketClient.isEof(client.next())).isTrue();
            assertThat(client.closeCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());

            bystander.send("{\"op\":\"heartbeat\",\"lastSeq\":0}");
            assertThat(bystander.next("heartbeat_ack").get("seq").asLong()).isZero();
        }
        assertThat(server.gateway.errorCount(ErrorCode.MALFORMED_FRAME)).isEqualTo(1);
    }

    @Test
    void shouldCloseWith1003WhenABinaryMessageArrivesOnJson() throws Exception
    {
        try (JdkJsonWebSocketClient client = identified(6, null))
        {
            client.sendBinary(new byte[] {1, 0, 0, 0, Protocol.HEARTBEAT});
            assertThat(JdkJsonWebSocketClient.isEof(client.next())).isTrue();
            assertThat(client.closeCode()).isEqualTo(1003);
        }
        assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).isEqualTo(1);
    }

    @Test
    void shouldResumeInJsonAfterADrop() throws Exception
    {
        try (RawClient player = server.identify(2, new Changes()))
        {
            final JdkJsonWebSocketClient watcher = identified(1, null);
            watcher.send("{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[2]}");
            watcher.next("result");
            player.writer().update(1, Protocol.GROUP_STANDARD, "u1", new Changes().partyId(1));
            player.flush();
            player.next(RawClient.ResultFrame.class);
            assertThat(watcher.next("dispatch").get("seq").asLong()).isEqualTo(1);
            final String sessionId = lastSessionId;
            watcher.abort();
            server.awaitConnected(1, false);

            player.writer().update(2, Protocol.GROUP_STANDARD, "u2", new Changes().partyId(2));
            player.flush();
            player.next(RawClient.ResultFrame.class);

            try (JdkJsonWebSocketClient resumed = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
            {
                resumed.next("hello");
                resumed.send("{\"op\":\"resume\",\"token\":\"" + TestGateway.token(1) + "\",\"sessionId\":\"" + sessionId +
                    "\",\"lastSeq\":1}");
                final JsonNode missed = resumed.next("dispatch");
                assertThat(missed.get("seq").asLong()).isEqualTo(2);
                assertThat(missed.get("changes").get("partyId").asLong()).isEqualTo(2);
                assertThat(resumed.next("resumed").get("seq").asLong()).isEqualTo(2);
                server.awaitConnected(1, true);
            }
        }
    }

    @Test
    void shouldResumeInJsonASessionMadeOverTcp() throws Exception
    {
        try (RawClient player = server.identify(12, new Changes()))
        {
            final RawClient watcher = new RawClient(server.address());
            watcher.next(RawClient.Hello.class);
            watcher.writer().identify(Protocol.VERSION, TestGateway.token(11), new Changes(), false, 0, 0);
            watcher.writer().subscribe(1, new long[] {12}, 1, new long[0], 0);
            watcher.flush();
            final RawClient.Ready ready = watcher.next(RawClient.Ready.class);
            watcher.next(RawClient.ResultFrame.class);
            watcher.close();
            server.awaitConnected(11, false);

            player.writer().update(1, Protocol.GROUP_STANDARD, "while away", new Changes().inGame(true));
            player.flush();
            player.next(RawClient.ResultFrame.class);

            try (JdkJsonWebSocketClient resumed = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
            {
                resumed.next("hello");
                resumed.send("{\"op\":\"resume\",\"token\":\"" + TestGateway.token(11) + "\",\"sessionId\":" +
                    ready.sessionId() + ",\"lastSeq\":0}"); // a number: the server takes either
                final JsonNode missed = resumed.next("dispatch");
                assertThat(missed.get("reason").asText()).isEqualTo("while away");
                assertThat(missed.get("changes").get("inGame").asBoolean()).isTrue();
                assertThat(resumed.next("resumed").get("seq").asLong()).isEqualTo(1);
                server.awaitConnected(11, true);
            }
        }
    }

    @Test
    void shouldCheckUtf8AcrossFragmentsAndRefuseAMessageEndingInsideACharacter() throws Exception
    {
        final int port = server.gateway.webSocketAddress().getPort();
        final byte[] text = "{\"op\":\"resume\",\"token\":\"é\",\"sessionId\":1,\"lastSeq\":0}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final int split = new String(text, java.nio.charset.StandardCharsets.UTF_8).indexOf('é') + 1; // inside é's two bytes
        try (RawWebSocket ws = RawWebSocket.connect(port))
        {
            assertThat(ws.handshake(new RawWebSocket.Request().protocols(JdkJsonWebSocketClient.SUBPROTOCOL)).status())
                .isEqualTo(101);
            ws.readFrame(); // hello
            // a character split between two fragments is fine: the message is checked as a whole stream
            ws.sendRaw(RawWebSocket.frame(false, 0, 0x1, RawWebSocket.DEFAULT_MASK, java.util.Arrays.copyOfRange(text, 0, split),
                RawWebSocket.LengthForm.MINIMAL));
            ws.sendRaw(RawWebSocket.frame(true, 0, 0x0, RawWebSocket.DEFAULT_MASK, java.util.Arrays.copyOfRange(text, split, text.length),
                RawWebSocket.LengthForm.MINIMAL));
            final RawWebSocket.Frame answer = ws.readFrame();
            assertThat(new String(answer.payload(), java.nio.charset.StandardCharsets.UTF_8))
                .as("the token was read (and refused), not the text").contains("\"op\":\"error\"").contains("4004");
        }
        try (RawWebSocket ws = RawWebSocket.connect(port))
        {
            ws.handshake(new RawWebSocket.Request().protocols(JdkJsonWebSocketClient.SUBPROTOCOL));
            ws.readFrame(); // hello
            ws.send(0x1, java.util.Arrays.copyOfRange(text, 0, split)); // a message that ends inside é
            assertThat(ws.readClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void shouldRefuseAClientsAnswerWhoseJsonWouldNotFitTheOutboundLimitAndStayOpen() throws Exception
    {
        server.close();
        server = new TestGateway(ctx -> ctx.webSocketPort(0).maxOutboundBytes(64 * 1024), core -> core.gracePeriodMs(60_000));
        // 256 clients whose attribute is 30 control characters: 30 bytes each in binary, 180 escaped in JSON
        final String controls = "\u0001".repeat(30);
        final StringBuilder ids = new StringBuilder();
        for (long u = 1; u <= 256; u++)
        {
            assertThat(server.gateway.rollcall().connectUser(u, 1).get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(dev.rollcall.model.Result.APPLIED);
            assertThat(server.gateway.rollcall().updateClient(u, new Changes().attribute("k", controls), "fill")
                .get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(dev.rollcall.model.Result.APPLIED);
            ids.append(u == 1 ? "" : ",").append(u);
        }
        try (JdkJsonWebSocketClient client = identified(1_000, null))
        {
            client.send("{\"op\":\"get_clients\",\"requestId\":7,\"userIds\":[" + ids + "]}");
            final JsonNode error = client.next();
            assertThat(error.path("op").asText()).as("%s", error).isEqualTo("error");
            assertThat(error.get("requestId").asInt()).isEqualTo(7);
            assertThat(error.get("name").asText()).isEqualTo("ANSWER_TOO_LARGE");
            client.send("{\"op\":\"get_clients\",\"requestId\":8,\"userIds\":[1,2]}");
            assertThat(client.next("clients").get("clients").size()).as("still open, and a smaller ask is answered").isEqualTo(2);
        }
        assertThat(server.gateway.counter(GatewayCounter.SLOW_CONSUMERS)).isZero();
        assertThat(server.gateway.errorCount(dev.rollcall.protocol.ErrorCode.ANSWER_TOO_LARGE)).isEqualTo(1);
    }
}
