package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayProtocolTest
{
    private TestGateway server;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway();
    }

    @AfterEach
    void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
    }

    @Test
    void shouldSendHelloThenReadyAfterIdentify() throws Exception
    {
        try (RawClient client = new RawClient(server.address()))
        {
            final RawClient.Hello hello = client.next(RawClient.Hello.class);
            assertThat(hello.version()).isEqualTo(Protocol.VERSION);
            assertThat(hello.maxFrameSize()).isEqualTo(4096);
            client.writer().identify(Protocol.VERSION, TestGateway.token(42), new Changes().status(Status.IDLE),
                false, 0, 0);
            client.flush();
            final RawClient.Ready ready = client.next(RawClient.Ready.class);
            assertThat(ready.userId()).isEqualTo(42);
            assertThat(ready.sessionId()).isPositive();
            assertThat(ready.seq()).isZero();
            assertThat(server.gateway.rollcall().getClient(42).status()).isEqualTo(dev.rollcall.model.Status.IDLE);
        }
    }

    @Test
    void shouldFanOutUpdatesToSubscribersAndAnswerQueries() throws Exception
    {
        try (RawClient watcher = server.identify(1, new Changes());
             RawClient player = server.identify(2, new Changes()))
        {
            watcher.writer().subscribe(7, new long[] {2}, 1, new long[] {5}, 1);
            watcher.flush();
            assertThat(watcher.next(RawClient.ResultFrame.class)).isEqualTo(
                new RawClient.ResultFrame(7, Result.APPLIED));

            player.writer().update(9, Protocol.GROUP_STANDARD, "afk", new Changes().afk(true).attribute("map", "dune"));
            player.flush();
            assertThat(player.next(RawClient.ResultFrame.class)).isEqualTo(
                new RawClient.ResultFrame(9, Result.APPLIED));

            final RawClient.Dispatch dispatch = watcher.next(RawClient.Dispatch.class);
            assertThat(dispatch.seq()).isEqualTo(1);
            assertThat(dispatch.type()).isEqualTo(EventType.CLIENT_UPDATED);
            assertThat(dispatch.userId()).isEqualTo(2);
            assertThat(dispatch.reason()).isEqualTo("afk");
            assertThat(dispatch.changes()).isEqualTo(new Changes().afk(true).attribute("map", "dune"));

            player.writer().update(10, Protocol.GROUP_LOBBY, "join", new Changes().lobbyId(5).ready(true));
            player.flush();
            player.next(RawClient.ResultFrame.class);
            final RawClient.Dispatch joined = watcher.next(RawClient.Dispatch.class);
            final RawClient.Dispatch second = watcher.next(RawClient.Dispatch.class);
            assertThat(java.util.List.of(joined.type(), second.type())).containsExactlyInAnyOrder(
                EventType.CLIENT_UPDATED, EventType.JOINED_LOBBY);
            assertThat(second.seq()).isEqualTo(joined.seq() + 1);

            watcher.writer().getClients(3, new long[] {2, 99}, 2);
            watcher.flush();
            final RawClient.Clients clients = watcher.next(RawClient.Clients.class);
            assertThat(clients.requestId()).isEqualTo(3);
            final ClientView two = clients.clients().get(0);
            assertThat(two.present()).isTrue();
            assertThat(two.connected()).isTrue();
            assertThat(two.state().afk()).isTrue();
            assertThat(two.state().lobbyId()).isEqualTo(5);
            assertThat(clients.clients().get(1).present()).isFalse();

            watcher.writer().listClientIds(4, 0, 1);
            watcher.flush();
            final RawClient.ClientIds page = watcher.next(RawClient.ClientIds.class);
            assertThat(page.ids()).containsExactly(1);
            assertThat(page.nextCursor()).isEqualTo(1);
            watcher.writer().listClientIds(5, 1, 10);
            watcher.flush();
            final RawClient.ClientIds rest = watcher.next(RawClient.ClientIds.class);
            assertThat(rest.ids()).containsExactly(2);
            assertThat(rest.nextCursor()).isZero();
        }
    }

    @Test
    void shouldAnswerHeartbeatsWithTheSessionSeq() throws Exception
    {
        try (RawClient client = server.identify(5, new Changes()))
        {
            client.writer().heartbeat(0);
            client.flush();
            assertThat(client.next(RawClient.HeartbeatAck.class).seq()).isZero();
        }
    }

    @Test
    void shouldProcessFramesPipelinedBehindIdentifyAfterReady() throws Exception
    {
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.token(61), new Changes(), false, 0, 0);
            client.writer().update(1, Protocol.GROUP_STANDARD, "now", new Changes().inGame(true));
            client.writer().heartbeat(0);
            client.flush();
            assertThat(client.next()).isInstanceOf(RawClient.Ready.class);
            assertThat(java.util.List.of(client.next(), client.next())).containsExactlyInAnyOrder(
                new RawClient.ResultFrame(1, Result.APPLIED), new RawClient.HeartbeatAck(0));
        }
    }

    @Test
    void shouldProcessFramesPipelinedBehindIdentifyAfterAnInvalidSession() throws Exception
    {
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(TestGateway.token(62), 999, 0);
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            client.writer().identify(Protocol.VERSION, TestGateway.token(62), new Changes(), false, 0, 0);
            client.writer().update(2, Protocol.GROUP_STANDARD, "now", new Changes().inGame(true));
            client.flush();
            assertThat(client.next()).isInstanceOf(RawClient.Ready.class);
            assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(2, Result.APPLIED));
        }
    }

    @Test
    void shouldApplyTheIdentifysPresenceAndReportARefusedOne() throws Exception
    {
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.token(63), new Changes().partyId(-1), false, 0, 0);
            client.flush();
            final RawClient.ErrorFrame error = client.next(RawClient.ErrorFrame.class);
            assertThat(error.code()).isEqualTo(dev.rollcall.protocol.ErrorCode.PRESENCE_REFUSED.code());
            assertThat(error.message()).isEqualTo("INVALID_VALUE");
            assertThat(client.next()).isInstanceOf(RawClient.Ready.class);
            assertThat(server.gateway.rollcall().getClient(63).connected()).isTrue();
        }
    }
}
