package dev.rollcall.gateway;

import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observers (docs/protocol.md, "Observers"): an observer token's session watches every client
 * and changes nothing, has no presence, sees invisible clients, and may ask for the server's counters.
 */
class ObserverTest
{
    private static final long OBSERVER = 1;
    private static final long GRACE_MS = 60_000;

    private final Map<RawClient, Long> sessions = new IdentityHashMap<>();
    private TestGateway server;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway(ctx -> { }, core -> core.gracePeriodMs(GRACE_MS));
    }

    @AfterEach
    void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
    }

    private static String observerToken(final long userId)
    {
        return TestGateway.TOKENS.mint(userId, Role.OBSERVER, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    }

    private RawClient observer(final long userId) throws Exception
    {
        final RawClient client = new RawClient(server.address());
        client.next(RawClient.Hello.class);
        client.writer().identify(Protocol.VERSION, observerToken(userId), new Changes().status(Status.IDLE), false, 0, 0);
        client.flush();
        sessions.put(client, client.next(RawClient.Ready.class).sessionId());
        return client;
    }

    @Test
    void shouldWatchEveryClientWithoutAPresenceOfItsOwn() throws Exception
    {
        try (RawClient watching = observer(OBSERVER);
             RawClient alice = server.identify(7, new Changes()))
        {
            final RawClient.Dispatch connected = (RawClient.Dispatch)watching.next();
            assertThat(connected.type()).isEqualTo(EventType.CLIENT_CONNECTED);
            assertThat(connected.userId()).isEqualTo(7);
            assertThat(connected.seq()).isEqualTo(1);

            alice.writer().update(1, Protocol.GROUP_STANDARD, "away", new Changes().status(Status.INVISIBLE));
            alice.flush();
            assertThat(alice.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
            final RawClient.Dispatch updated = (RawClient.Dispatch)watching.next();
            assertThat(updated.type()).as("invisible users included").isEqualTo(EventType.CLIENT_UPDATED);
            assertThat(updated.seq()).isEqualTo(2);

            assertThat(server.gateway.rollcall().getClient(OBSERVER)).as("an observer has no presence").isNull();
            assertThat(server.gateway.rollcall().listClientIds()).containsExactly(7);

            // queries see the invisible client; a user does not
            watching.writer().getClients(2, new long[] {7}, 1);
            watching.writer().listClientIds(3, 0, 10);
            watching.flush();
            assertThat(((RawClient.Clients)watching.next()).clients().get(0).present()).isTrue();
            assertThat(((RawClient.ClientIds)watching.next()).ids()).containsExactly(7);
            try (RawClient bob = server.identify(8, new Changes()))
            {
                bob.writer().getClients(1, new long[] {7}, 1);
                bob.flush();
                assertThat(((RawClient.Clients)bob.next()).clients().get(0).present()).isFalse();
            }
        }
    }

    @Test
    void shouldRefuseAnObserversCommandsAndKeepItsConnection() throws Exception
    {
        try (RawClient watching = observer(OBSERVER))
        {
            watching.writer().update(5, Protocol.GROUP_STANDARD, "no", new Changes().status(Status.IDLE));
            watching.writer().subscribe(6, new long[] {7}, 1, null, 0);
            watching.writer().heartbeat(0);
            watching.flush();
            assertThat(watching.next()).isEqualTo(
                new RawClient.ErrorFrame(5, ErrorCode.OBSERVER_READ_ONLY.code(), "an observer changes nothing"));
            assertThat(watching.next()).isEqualTo(
                new RawClient.ErrorFrame(6, ErrorCode.OBSERVER_READ_ONLY.code(), "an observer changes nothing"));
            assertThat(watching.next()).isEqualTo(new RawClient.HeartbeatAck(0));
            assertThat(server.gateway.rollcall().getClient(OBSERVER)).isNull();
            assertThat(server.gateway.errorCount(ErrorCode.OBSERVER_READ_ONLY)).isEqualTo(2);
        }
    }

    @Test
    void shouldAnswerStatsToObserversOnly() throws Exception
    {
        try (RawClient watching = observer(OBSERVER);
             RawClient alice = server.identify(7, new Changes()))
        {
            watching.next(RawClient.Dispatch.class);
            alice.writer().getStats(9);
            alice.flush();
            assertThat(alice.next()).isEqualTo(
                new RawClient.ErrorFrame(9, ErrorCode.NOT_AN_OBSERVER.code(), "only observers may ask for stats"));

            final long before = System.currentTimeMillis();
            watching.writer().getStats(4);
            watching.flush();
            final RawClient.Stats stats = watching.next(RawClient.Stats.class);
            assertThat(stats.requestId()).isEqualTo(4);
            assertThat(stats.gracePeriodMs()).isEqualTo(GRACE_MS);
            assertThat(stats.nowMs()).isBetween(before - 1_000, System.currentTimeMillis() + 1_000);
            assertThat(stats.counters()).containsEntry("gateway_identifies", 2L)
                .containsEntry("gateway_connections_open", 2L)
                .containsEntry("gateway_errors_not_an_observer", 1L)
                .containsKey("core_commands_refused")
                .containsKey("gateway_errors_rate_limited");
            assertThat(stats.counters().get("core_commands_processed")).as("alice's connect, at least").isPositive();
        }
    }

    @Test
    void shouldKeepWatchingWhenAClientOfTheSameUserIdIsDestroyed() throws Exception
    {
        try (RawClient watching = observer(7))
        {
            final RawClient alice = server.identify(7, new Changes());
            assertThat(((RawClient.Dispatch)watching.next()).type()).isEqualTo(EventType.CLIENT_CONNECTED);
            alice.close();
            assertThat(((RawClient.Dispatch)watching.next()).type()).isEqualTo(EventType.CLIENT_DISCONNECTED);
            server.gateway.rollcall().disconnectUser(7).join();
            assertThat(((RawClient.Dispatch)watching.next()).type()).isEqualTo(EventType.CLIENT_DESTROYED);
            final RawClient bob = server.identify(8, new Changes());
            final RawClient.Dispatch next = (RawClient.Dispatch)watching.next();
            assertThat(next.userId()).as("the observer's session outlived user 7's client").isEqualTo(8);
            bob.close();
        }
    }

    @Test
    void shouldNotLetAnObserverTokenResumeAUsersSession() throws Exception
    {
        final RawClient alice = new RawClient(server.address());
        alice.next(RawClient.Hello.class);
        alice.writer().identify(Protocol.VERSION, TestGateway.token(7), new Changes(), false, 0, 0);
        alice.flush();
        final long sessionId = alice.next(RawClient.Ready.class).sessionId();
        alice.close();
        server.awaitConnected(7, false);
        try (RawClient spy = new RawClient(server.address()))
        {
            spy.next(RawClient.Hello.class);
            spy.writer().resume(observerToken(7), sessionId, 0);
            spy.flush();
            assertThat(spy.next()).isEqualTo(new RawClient.InvalidSession(false));
        }
        try (RawClient again = new RawClient(server.address()))
        {
            again.next(RawClient.Hello.class);
            again.writer().resume(TestGateway.token(7), sessionId, 0);
            again.flush();
            assertThat(again.next()).as("the user's own token still resumes it").isEqualTo(new RawClient.Resumed(0));
        }
    }

    @Test
    void shouldResumeAnObserversSessionWithAnObserverTokenOnly() throws Exception
    {
        final long sessionId;
        final RawClient watching = observer(OBSERVER);
        try (RawClient alice = server.identify(7, new Changes()))
        {
            watching.next(RawClient.Dispatch.class);
            watching.writer().getStats(1);
            watching.flush();
            watching.next(RawClient.Stats.class);
            sessionId = sessions.get(watching);
            watching.close();
            alice.writer().update(1, Protocol.GROUP_STANDARD, "away", new Changes().status(Status.IDLE));
            alice.flush();
            assertThat(alice.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));

            try (RawClient user = new RawClient(server.address()))
            {
                user.next(RawClient.Hello.class);
                user.writer().resume(TestGateway.token(OBSERVER), sessionId, 1);
                user.flush();
                assertThat(user.next()).as("a user token cannot take an observer's session")
                    .isEqualTo(new RawClient.InvalidSession(false));
            }
            Await.until("the observer's connection closed", () -> server.gateway.openConnections() == 1);
            try (RawClient again = new RawClient(server.address()))
            {
                again.next(RawClient.Hello.class);
                again.writer().resume(observerToken(OBSERVER), sessionId, 1);
                again.flush();
                final RawClient.Dispatch replayed = (RawClient.Dispatch)again.next();
                assertThat(replayed.seq()).isEqualTo(2);
                assertThat(replayed.type()).isEqualTo(EventType.CLIENT_UPDATED);
                assertThat(again.next()).isEqualTo(new RawClient.Resumed(2));
                assertThat(server.gateway.rollcall().getClient(OBSERVER)).isNull();
            }
        }
    }

}
