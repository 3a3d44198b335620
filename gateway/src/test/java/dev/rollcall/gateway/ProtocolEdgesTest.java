package dev.rollcall.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol edges an outside client found, in both encodings: the RESULTs owed before a close
 * for an error, and a heartbeat acknowledging events never sent.
 */
class ProtocolEdgesTest
{
    private static final int UPDATES = 300;

    private TestGateway server;

    private void start(final Consumer<GatewayContext> settings) throws Exception
    {
        server = new TestGateway(ctx ->
        {
            ctx.webSocketPort(0);
            settings.accept(ctx);
        }, core -> core.gracePeriodMs(60_000));
    }

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
            assertThat(server.errors).isEmpty();
        }
    }

    @Test
    void shouldSendTheResultsOfEveryAcceptedUpdateBeforeClosingForTheRateLimit() throws Exception
    {
        start(ctx -> ctx.rateLimitCommands(50).rateLimitReserved(5).rateLimitWindowMs(600_000));
        try (RawClient client = server.identify(7, new Changes()))
        {
            for (int n = 1; n <= UPDATES; n++)
            {
                client.writer().update(n, Protocol.GROUP_STANDARD, "burst", new Changes().partyId(n));
            }
            client.flush(); // one pipelined burst, far past the limit
            final List<RawClient.Frame> frames = client.untilClosed();
            final List<Long> answered = new ArrayList<>();
            for (final RawClient.Frame frame : frames)
            {
                if (frame instanceof RawClient.ResultFrame result)
                {
                    assertThat(result.result()).isEqualTo(Result.APPLIED);
                    answered.add(result.requestId());
                }
            }
            final long applied = server.gateway.rollcall().getClient(7).partyId();
            assertThat(applied).as("some updates were applied before the limit, not all").isBetween(1L, UPDATES - 1L);
            assertThat(answered).as("a RESULT for every applied update, in order").hasSize((int)applied);
            for (int i = 0; i < answered.size(); i++)
            {
                assertThat(answered.get(i)).isEqualTo(i + 1L);
            }
            final int size = frames.size();
            assertThat(ServerFrames.brief(frames.subList(size - 2, size)))
                .as("the refusal comes after every RESULT").isEqualTo(ServerFrames.refusal(ErrorCode.RATE_LIMITED));
        }
    }

    @Test
    void shouldSendTheResultsOwedBeforeClosingForTheRateLimitInJson() throws Exception
    {
        start(ctx -> ctx.rateLimitCommands(30).rateLimitReserved(5).rateLimitWindowMs(600_000));
        try (JdkJsonWebSocketClient client = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
        {
            client.next("hello");
            client.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.token(8) + "\"}");
            client.next("ready");
            for (int n = 1; n <= 100; n++)
            {
                try
                {
                    client.send("{\"op\":\"update\",\"requestId\":" + n + ",\"reason\":\"burst\",\"changes\":{\"partyId\":" + n + "}}");
                }
                catch (final ExecutionException closed)
                {
                    break; // the server closed after the limit: the rest was never going to be read
                }
            }
            final List<Long> answered = new ArrayList<>();
            JsonNode message;
            while (!"error".equals((message = client.next()).path("op").asText()))
            {
                assertThat(JdkJsonWebSocketClient.isEof(message)).as("closed before the error; results %s, close %d, error %s",
                    answered, client.closeCode(), client.error()).isFalse();
                if ("result".equals(message.path("op").asText()))
                {
                    answered.add(message.get("requestId").asLong());
                }
            }
            assertThat(message.get("code").asInt()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            assertThat(client.next("close").get("code").asInt()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            assertThat(JdkJsonWebSocketClient.isEof(client.next())).isTrue();
            assertThat(client.closeCode()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            final long applied = server.gateway.rollcall().getClient(8).partyId();
            assertThat(applied).isBetween(1L, 99L);
            assertThat(answered).hasSize((int)applied).last().isEqualTo(applied);
        }
    }

    @Test
    void shouldRefuseAHeartbeatBeyondTheSessionsSeqAndKeepTheSessionResumable() throws Exception
    {
        start(ctx -> { });
        final long[] lastSeqs = {1, -1, Long.MAX_VALUE};
        for (int i = 0; i < lastSeqs.length; i++)
        {
            final long lastSeq = lastSeqs[i];
            final long userId = 20 + i;
            final RawClient client = new RawClient(server.address());
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.token(userId), new Changes(), false, 0, 0);
            client.flush();
            final RawClient.Ready ready = client.next(RawClient.Ready.class);
            client.writer().heartbeat(lastSeq);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .as("heartbeat %d with nothing dispatched", lastSeq).isEqualTo(ServerFrames.refusal(ErrorCode.INVALID_SEQ));
            client.close();

            try (RawClient resumed = new RawClient(server.address()))
            {
                resumed.next(RawClient.Hello.class);
                resumed.writer().resume(TestGateway.token(userId), ready.sessionId(), 0);
                resumed.flush();
                assertThat(resumed.next(RawClient.Resumed.class).seq()).as("nothing was acknowledged").isZero();
            }
        }
    }

    @Test
    void shouldRefuseAHeartbeatBeyondTheSessionsSeqInJson() throws Exception
    {
        start(ctx -> { });
        try (JdkJsonWebSocketClient client = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
        {
            client.next("hello");
            client.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.token(9) + "\"}");
            client.next("ready");
            client.send("{\"op\":\"heartbeat\",\"lastSeq\":3}");
            final JsonNode error = client.next("error");
            assertThat(error.get("name").asText()).isEqualTo("INVALID_SEQ");
            assertThat(client.next("close").get("code").asInt()).isEqualTo(ErrorCode.INVALID_SEQ.code());
        }
    }

    @Test
    void shouldSendTheResultsOwedBeforeRefusingAMalformedJsonMessage() throws Exception
    {
        start(ctx -> { });
        try (JdkJsonWebSocketClient client = JdkJsonWebSocketClient.connect(server.gateway.webSocketAddress()))
        {
            client.next("hello");
            client.send("{\"op\":\"identify\",\"version\":1,\"token\":\"" + TestGateway.token(10) + "\"}");
            client.next("ready");
            for (int n = 1; n <= 5; n++)
            {
                client.send("{\"op\":\"update\",\"requestId\":" + n + ",\"reason\":\"r\",\"changes\":{\"partyId\":" + n + "}}");
            }
            client.send("{\"op\":\"update\",\"requestId\":6,\"reson\":\"typo\",\"changes\":{}}");
            for (int n = 1; n <= 5; n++)
            {
                final JsonNode result = client.next();
                assertThat(result.path("op").asText()).as("message %d: %s", n, result).isEqualTo("result");
                assertThat(result.get("requestId").asInt()).isEqualTo(n);
            }
            final JsonNode error = client.next();
            assertThat(error.path("op").asText()).isEqualTo("error");
            assertThat(error.get("code").asInt()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
            assertThat(error.get("message").asText()).contains("\"reson\"");
            assertThat(client.next("close").get("code").asInt()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
        }
        assertThat(server.gateway.rollcall().getClient(10).partyId()).isEqualTo(5);
        assertThat(server.gateway.errorCount(ErrorCode.MALFORMED_FRAME)).isEqualTo(1);
    }
}
