package dev.rollcall.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.core.Limits;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slow-consumer policy over the JSON encoding, the twin of
 * {@code GatewayLimitsTest.shouldCloseASlowConsumerWhileOthersReceiveEveryEventInOrder}: a JSON
 * watcher on a raw WebSocket with a small receive buffer stops reading while a publisher's
 * updates flow; the server closes it as a slow consumer while a JSON and a TCP watcher receive
 * every event in order; when the slow one finally reads, it finds dispatches in seq order
 * ending with {@code error} and {@code close} 4017 and a WebSocket close frame of 4017, and a
 * resume over JSON replays what it missed.
 */
class WebSocketSlowConsumerTest
{
    private static final long BUSY = 20;
    private static final long SLOW = 10;
    private static final long JSON_WATCHER = 30;
    private static final long TCP_WATCHER = 40;
    private static final int MAX_OUTBOUND_BYTES = 64 * 1024;

    private TestGateway server;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway(ctx -> ctx
            .webSocketPort(0)
            .maxOutboundBytes(MAX_OUTBOUND_BYTES)
            .lingerMs(30_000)
            .rateLimitCommands(1_000_000), core -> core.limits(new Limits(16, 32, 2_000, 128)));
    }

    @AfterEach
    void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
        assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldCloseASlowJsonConsumerWhileOthersReceiveEveryEventInOrder() throws Exception
    {
        final int port = server.gateway.webSocketAddress().getPort();
        final ExecutorService publishing = Executors.newSingleThreadExecutor();
        try (RawWebSocket slowSocket = RawWebSocket.connect(port, 4096);
             JdkJsonWebSocketClient jsonWatcher = identified(JSON_WATCHER);
             RawClient tcpWatcher = server.identify(TCP_WATCHER, new Changes());
             RawClient publisher = server.identify(BUSY, new Changes()))
        {
            final WebSocketStream slow = new WebSocketStream(slowSocket, true);
            final long slowSession = identifyAndWatchBusy(slowSocket, slow);

            jsonWatcher.send("{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[" + BUSY + "]}");
            assertThat(jsonWatcher.next().toString()).isEqualTo("{\"op\":\"result\",\"requestId\":1,\"result\":\"APPLIED\"}");
            tcpWatcher.writer().subscribe(1, new long[] {BUSY}, 1, null, 0);
            tcpWatcher.flush();
            assertThat(tcpWatcher.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));

            // the slow watcher reads nothing from here on: 1.5 KB events, one at a time (no bursts), until the
            // server gives up on it
            final Publisher load = new Publisher(publisher);
            load.untilSlowConsumer(server.gateway);
            // small events now: the goodbye's reserve has room for several of them after the CLOSE
            load.publish(20, 10);
            final int firstRound = load.published;
            assertJsonReceivedInOrder(jsonWatcher, 1, firstRound);
            assertTcpReceivedInOrder(tcpWatcher, 1, firstRound);
            assertThat(server.gateway.errorCount(ErrorCode.SLOW_CONSUMER)).as("only the slow watcher is slow")
                .isEqualTo(1);

            // more events while the slow watcher finally reads everything
            final Future<?> more = publishing.submit(() ->
            {
                load.publish(200, 10);
                return null;
            });
            final List<RawClient.Frame> frames = new ArrayList<>();
            RawClient.Frame frame;
            while (!((frame = slow.next()) instanceof RawClient.Eof))
            {
                frames.add(frame);
            }
            more.get(30, TimeUnit.SECONDS);
            assertJsonReceivedInOrder(jsonWatcher, firstRound + 1, load.published);
            assertTcpReceivedInOrder(tcpWatcher, firstRound + 1, load.published);

            final List<String> briefs = ServerFrames.brief(frames);
            final List<String> tail = briefs.subList(Math.max(0, briefs.size() - 6), briefs.size());
            assertThat(frames.size()).isGreaterThan(2);
            assertThat(briefs.subList(frames.size() - 2, frames.size()))
                .as("the slow consumer's messages end with its refusal, nothing after the close; last ones %s", tail)
                .isEqualTo(ServerFrames.refusal(ErrorCode.SLOW_CONSUMER));
            assertThat(slow.closeCode()).as("the WebSocket close frame carries the protocol's code")
                .isEqualTo(ErrorCode.SLOW_CONSUMER.code());
            final List<RawClient.Frame> events = frames.subList(0, frames.size() - 2);
            for (int i = 0; i < events.size(); i++)
            {
                assertThat(events.get(i)).as("message %d of the slow consumer", i).isInstanceOf(RawClient.Dispatch.class);
                assertThat(((RawClient.Dispatch)events.get(i)).seq()).as("message %d of the slow consumer", i)
                    .isEqualTo(i + 1);
            }
            final int received = events.size();
            assertThat(received).isLessThan(firstRound);
            Await.until("the core sees the slow consumer disconnected",
                () -> !server.gateway.rollcall().getClient(SLOW).connected());

            // SLOW_CONSUMER is resumable. What it missed: the events published after its close (at most a couple
            // of 1.5 KB ones, then 220 small ones of ~80 bytes in binary, ~20 KB in all), within half of
            // maxOutboundBytes (32 KiB, the session buffer's bound too): replayed, not INVALID_SESSION
            try (JdkJsonWebSocketClient resumed = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
            {
                resumed.next("hello");
                resumed.send("{\"op\":\"resume\",\"token\":\"" + TestGateway.token(SLOW) + "\",\"sessionId\":\"" +
                    slowSession + "\",\"lastSeq\":" + received + "}");
                for (int seq = received + 1; seq <= load.published; seq++)
                {
                    final JsonNode message = resumed.next();
                    assertThat(message.path("op").asText()).as("replay of seq %d: %s", seq, message).isEqualTo("dispatch");
                    assertThat(message.get("seq").asLong()).isEqualTo(seq);
                    assertThat(message.get("changes").get("attributes").get("blob").asText()).startsWith(seq + ":");
                }
                assertThat(resumed.next().toString()).isEqualTo("{\"op\":\"resumed\",\"seq\":" + load.published + "}");
                server.awaitConnected(SLOW, true);
            }
        }
        finally
        {
            publishing.shutdownNow();
        }
        assertThat(server.gateway.counter(GatewayCounter.SLOW_CONSUMERS)).isEqualTo(1);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldDeliverTheGoodbyeToASlowJsonConsumerThatReadsSlowerThanTheLinger() throws Exception
    {
        // the twin of GatewayLimitsTest's: a linger far shorter than the backlog takes to read
        server.close();
        server = new TestGateway(ctx -> ctx
            .webSocketPort(0)
            .maxOutboundBytes(MAX_OUTBOUND_BYTES)
            .lingerMs(200)
            .rateLimitCommands(1_000_000), core -> core.limits(new Limits(16, 32, 2_000, 128)));
        final int port = server.gateway.webSocketAddress().getPort();
        try (RawWebSocket slowSocket = RawWebSocket.connect(port, 4096);
             RawClient publisher = server.identify(BUSY, new Changes()))
        {
            final WebSocketStream slow = new WebSocketStream(slowSocket, true);
            identifyAndWatchBusy(slowSocket, slow);

            new Publisher(publisher).untilSlowConsumer(server.gateway);
            final List<RawClient.Frame> frames = new ArrayList<>();
            RawClient.Frame frame;
            while (!((frame = slow.next()) instanceof RawClient.Eof))
            {
                frames.add(frame);
                if (frames.size() % 4 == 0)
                {
                    Thread.sleep(2); // a few KB at a time, pausing well within the linger
                }
            }
            final List<String> briefs = ServerFrames.brief(frames);
            assertThat(briefs.subList(Math.max(0, briefs.size() - 2), briefs.size()))
                .as("the slow consumer hears why it was closed, after %d messages", frames.size())
                .isEqualTo(ServerFrames.refusal(ErrorCode.SLOW_CONSUMER));
            assertThat(slow.closeCode()).isEqualTo(ErrorCode.SLOW_CONSUMER.code());
        }
    }

    /**
     * Handshake for JSON, identify as the slow user and subscribe to the busy one.
     *
     * @return the session id.
     */
    private static long identifyAndWatchBusy(final RawWebSocket slowSocket, final WebSocketStream slow) throws Exception
    {
        assertThat(slowSocket.handshake(new RawWebSocket.Request().protocols(JdkJsonWebSocketClient.SUBPROTOCOL))
            .status()).isEqualTo(101);
        assertThat(slow.next()).isInstanceOf(RawClient.Hello.class);
        slowSocket.send(RawWebSocket.TEXT, utf8("{\"op\":\"identify\",\"version\":1,\"token\":\"" +
            TestGateway.token(SLOW) + "\"}"));
        slowSocket.send(RawWebSocket.TEXT, utf8("{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[" + BUSY + "]}"));
        final long sessionId = ((RawClient.Ready)slow.next()).sessionId();
        assertThat(slow.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
        return sessionId;
    }

    private JdkJsonWebSocketClient identified(final long userId) throws Exception
    {
        final JdkJsonWebSocketClient client = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress());
        client.next("hello");
        client.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.token(userId) + "\"}");
        assertThat(client.next("ready").get("userId").asLong()).isEqualTo(userId);
        return client;
    }

    private static void assertJsonReceivedInOrder(final JdkJsonWebSocketClient watcher, final int from, final int to)
        throws Exception
    {
        for (int n = from; n <= to; n++)
        {
            final JsonNode message = watcher.next();
            assertThat(message.path("op").asText()).as("event %d at the JSON watcher: %s", n, message).isEqualTo("dispatch");
            assertThat(message.get("seq").asLong()).isEqualTo(n);
            assertThat(message.get("type").asText()).isEqualTo(EventType.CLIENT_UPDATED.name());
            assertThat(message.get("changes").get("attributes").get("blob").asText()).startsWith(n + ":");
        }
    }

    private static void assertTcpReceivedInOrder(final RawClient watcher, final int from, final int to) throws Exception
    {
        for (int n = from; n <= to; n++)
        {
            final RawClient.Frame frame = watcher.next();
            assertThat(frame).as("event %d at the TCP watcher", n).isInstanceOf(RawClient.Dispatch.class);
            final RawClient.Dispatch dispatch = (RawClient.Dispatch)frame;
            assertThat(dispatch.seq()).isEqualTo(n);
            assertThat(dispatch.type()).isEqualTo(EventType.CLIENT_UPDATED);
            assertThat(dispatch.changes().attributeString(0)).startsWith(n + ":");
        }
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
