package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class RollcallClientTest
{
    private final FakeServer server = new FakeServer();
    private RollcallClient client;

    @AfterEach
    void tearDown()
    {
        if (client != null)
        {
            client.close();
        }
        server.close();
    }

    @Test
    void shouldIdentifyWithTokenAndPresenceThenBecomeReady()
    {
        final List<String> calls = new CopyOnWriteArrayList<>();
        client = server.clientBuilder()
            .presence(new Changes().status(Status.IDLE).attribute("game", "chess"))
            .listener(new ConnectionListener()
            {
                @Override
                public void onReady(final RollcallClient ready, final long sessionId, final boolean resumed)
                {
                    calls.add("ready " + sessionId + " " + resumed);
                }
            })
            .build();
        assertThat(client.state()).isEqualTo(ConnectionState.NEW);
        final CompletableFuture<RollcallClient> started = client.start();

        final FakeServer.Connection connection = server.accept();
        connection.hello(30_000);
        final FakeServer.Identify identify = connection.expect(FakeServer.Identify.class);
        assertThat(identify.version()).isEqualTo(Protocol.VERSION);
        assertThat(identify.token()).isEqualTo(FakeServer.TOKEN);
        assertThat(identify.presence()).isEqualTo(new Changes().status(Status.IDLE).attribute("game", "chess"));
        assertThat(identify.sharded()).isFalse();
        connection.ready(77, 5, 0);

        assertThat(started.join()).isSameAs(client);
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
        assertThat(client.isReady()).isTrue();
        assertThat(client.sessionId()).isEqualTo(77);
        assertThat(client.userId()).isEqualTo(5);
        assertThat(client.lastSeq()).isZero();
        assertThat(client.shardId()).isEqualTo(-1);
        assertThat(client.hello().heartbeatIntervalMs()).isEqualTo(30_000);
        assertThat(client.hello().maxFrameSize()).isEqualTo(Protocol.DEFAULT_MAX_FRAME_SIZE);
        assertThat(client.whenReady()).isCompleted();
        assertThat(calls).containsExactly("ready 77 false");
        assertThat(client.start()).isSameAs(started);
    }

    @Test
    void shouldMatchAnswersToCommandsByRequestIdWhenAnsweredOutOfOrder()
    {
        client = server.clientBuilder().build();
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        final CompletableFuture<Result> update = client.update(new Changes().afk(true), "away");
        final CompletableFuture<Result> inLobby = client.updateInLobby(new Changes().ready(true), null);
        final CompletableFuture<Result> full = client.updateFull(new Changes().sync(3), "full");
        final CompletableFuture<Result> subscribe = client.subscribe(new long[] {7, 8}, new long[] {9});
        final CompletableFuture<Result> unsubscribe = client.unsubscribe(null, new long[] {9});
        final CompletableFuture<List<ClientSnapshot>> clients = client.getClients(7, 8);
        final CompletableFuture<ClientIdPage> page = client.listClientIds(0, 10);

        final FakeServer.Update updateFrame = connection.expect(FakeServer.Update.class);
        final FakeServer.Update inLobbyFrame = connection.expect(FakeServer.Update.class);
        final FakeServer.Update fullFrame = connection.expect(FakeServer.Update.class);
        final FakeServer.Subscribe subscribeFrame = connection.expect(FakeServer.Subscribe.class);
        final FakeServer.Subscribe unsubscribeFrame = connection.expect(FakeServer.Subscribe.class);
        final FakeServer.GetClients getClientsFrame = connection.expect(FakeServer.GetClients.class);
        final FakeServer.ListClientIds listFrame = connection.expect(FakeServer.ListClientIds.class);

        assertThat(updateFrame.group()).isEqualTo(Protocol.GROUP_STANDARD);
        assertThat(updateFrame.reason()).isEqualTo("away");
        assertThat(updateFrame.changes()).isEqualTo(new Changes().afk(true));
        assertThat(inLobbyFrame.group()).isEqualTo(Protocol.GROUP_LOBBY);
        assertThat(inLobbyFrame.reason()).isEmpty();
        assertThat(fullFrame.group()).isEqualTo(Protocol.GROUP_FULL);
        assertThat(subscribeFrame.subscribe()).isTrue();
        assertThat(subscribeFrame.clientIds()).containsExactly(7, 8);
        assertThat(subscribeFrame.lobbyIds()).containsExactly(9);
        assertThat(unsubscribeFrame.subscribe()).isFalse();
        assertThat(unsubscribeFrame.clientIds()).isEmpty();
        assertThat(getClientsFrame.userIds()).containsExactly(7, 8);
        assertThat(listFrame.afterUserId()).isZero();
        assertThat(listFrame.limit()).isEqualTo(10);
        final Set<Long> ids = new HashSet<>(List.of(updateFrame.requestId(), inLobbyFrame.requestId(),
            fullFrame.requestId(), subscribeFrame.requestId(), unsubscribeFrame.requestId(),
            getClientsFrame.requestId(), listFrame.requestId()));
        assertThat(ids).hasSize(7).doesNotContain(0L).allSatisfy(id -> assertThat(id).isBetween(1L, 0xFFFF_FFFFL));

        final Changes state = fullPresence();
        final ClientView present = new ClientView().set(7, true, 0, 42);
        present.state().copyFrom(state);
        final ClientView absent = new ClientView().absent(8);
        connection.send(w -> w.clientIds(listFrame.requestId(), 12, new long[] {7, 12}, 2));
        connection.send(w -> w.clients(getClientsFrame.requestId(), new ClientView[] {present, absent}, 2));
        connection.result(unsubscribeFrame.requestId(), Result.UNCHANGED);
        connection.result(subscribeFrame.requestId(), Result.APPLIED);
        connection.result(fullFrame.requestId(), Result.INVALID_VALUE);
        connection.result(inLobbyFrame.requestId(), Result.FIELD_NOT_ALLOWED);
        connection.result(updateFrame.requestId(), Result.APPLIED);

        assertThat(update.join()).isEqualTo(Result.APPLIED);
        assertThat(inLobby.join()).isEqualTo(Result.FIELD_NOT_ALLOWED);
        assertThat(full.join()).isEqualTo(Result.INVALID_VALUE);
        assertThat(subscribe.join()).isEqualTo(Result.APPLIED);
        assertThat(unsubscribe.join()).isEqualTo(Result.UNCHANGED);
        assertThat(page.join()).isEqualTo(new ClientIdPage(new long[] {7, 12}, 12));
        assertThat(page.join().hasMore()).isTrue();
        assertThat(clients.join()).containsExactly(
            new ClientSnapshot(7, true, true, 0, 42, state),
            new ClientSnapshot(8, false, false, 0, 0, new Changes()));
    }

    @Test
    void shouldFailCommandAnsweredByErrorWithItsCode()
    {
        client = server.clientBuilder().build();
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        final CompletableFuture<Result> update = client.update(new Changes().afk(true), "x");
        final long requestId = connection.expect(FakeServer.Update.class).requestId();
        connection.send(w -> w.error(requestId, ErrorCode.RATE_LIMITED.code(), "slow down"));

        assertThatThrownBy(update::join).cause()
            .isInstanceOf(RollcallException.class)
            .hasMessageContaining("slow down")
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.RATE_LIMITED));
    }

    @Test
    void shouldAskForStatsAndTolerateAnAnswerNobodyWaitsFor()
    {
        client = server.clientBuilder().build();
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        // a STATS nobody asked for (an unknown request id) is dropped like any stray answer: the connection stays
        connection.send(w -> w.stats(99_999, 1, 2, new String[] {"x"}, new long[] {3}, 1));
        final CompletableFuture<ServerStats> stats = client.stats();
        final long requestId = connection.expect(FakeServer.GetStats.class).requestId();
        assertThat(requestId).isBetween(1L, 0xFFFF_FFFFL);
        connection.send(w -> w.stats(requestId, 1_765_000_000_000L, 3_000,
            new String[] {"gateway_protocol_errors", "core_commands_refused", "core_inputs_processed"},
            new long[] {2, 5, Long.MAX_VALUE}, 3));

        final ServerStats answer = stats.join();
        assertThat(answer.nowMs()).isEqualTo(1_765_000_000_000L);
        assertThat(answer.gracePeriodMs()).isEqualTo(3_000);
        assertThat(answer.counters().keySet())
            .as("in the server's order").containsExactly("gateway_protocol_errors", "core_commands_refused", "core_inputs_processed");
        assertThat(answer.counter("core_inputs_processed", -1)).isEqualTo(Long.MAX_VALUE);
        assertThat(answer.counter("core_no_such_counter", -1)).isEqualTo(-1);
        assertThatThrownBy(() -> answer.counters().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
    }

    @Test
    void shouldFailStatsForASessionThatIsNotAnObserver()
    {
        client = server.clientBuilder().build();
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        final CompletableFuture<ServerStats> stats = client.stats();
        final long requestId = connection.expect(FakeServer.GetStats.class).requestId();
        connection.send(w -> w.error(requestId, ErrorCode.NOT_AN_OBSERVER.code(), "only observers may ask for stats"));

        assertThatThrownBy(stats::join).cause()
            .isInstanceOf(RollcallException.class)
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.NOT_AN_OBSERVER));
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
    }

    @Test
    void shouldListEveryClientIdAcrossPages()
    {
        client = server.clientBuilder().build();
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        final CompletableFuture<long[]> all = client.listAllClientIds();
        final FakeServer.ListClientIds first = connection.expect(FakeServer.ListClientIds.class);
        assertThat(first.afterUserId()).isZero();
        assertThat(first.limit()).isEqualTo(Protocol.MAX_LIST_LIMIT);
        connection.send(w -> w.clientIds(first.requestId(), 3, new long[] {1, 3}, 2));
        final FakeServer.ListClientIds second = connection.expect(FakeServer.ListClientIds.class);
        assertThat(second.afterUserId()).isEqualTo(3);
        connection.send(w -> w.clientIds(second.requestId(), 0, new long[] {9}, 1));

        assertThat(all.join()).containsExactly(1, 3, 9);
    }

    @Test
    void shouldFailCommandsFastWhenNotReady()
    {
        client = server.clientBuilder().build();

        assertThat(client.update(new Changes().afk(true), "x")).isCompletedExceptionally();
        assertThatThrownBy(() -> client.getClients(1).join()).cause().isInstanceOf(NotConnectedException.class);

        client.close();
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThatThrownBy(() -> client.listClientIds(0, 5).join()).cause().isInstanceOf(NotConnectedException.class);
        assertThatThrownBy(() -> client.start().join()).cause().isInstanceOf(NotConnectedException.class);
        assertThatThrownBy(() -> client.whenReady().join()).cause().isInstanceOf(NotConnectedException.class);
    }

    @Test
    void shouldRejectArgumentsTheProtocolCannotCarry()
    {
        client = server.clientBuilder().build();
        client.start();
        server.acceptAndIdentify(1, 5);
        client.start().join();

        assertThatThrownBy(() -> client.getClients()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.getClients(new long[Protocol.MAX_GET_CLIENTS + 1]))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.listClientIds(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.listClientIds(0, Protocol.MAX_LIST_LIMIT + 1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.update(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> client.update(new Changes().afk(true), "x".repeat(Protocol.DEFAULT_MAX_FRAME_SIZE)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxFrameSize");
        assertThat(client.isReady()).isTrue();
    }

    @Test
    void shouldDeliverOnlyWhatTheSubscriberRequested()
    {
        client = server.clientBuilder().eventExecutor(Runnable::run).build();
        final TestSubscriber subscriber = new TestSubscriber(0);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        // three events, then an answer: once the answer is in, the three events have been handed over
        roundTrip(connection, () -> connection.dispatch(1, 10).dispatch(2, 20).dispatch(3, 30));
        assertThat(subscriber.received).hasValue(0);
        assertThat(client.lastSeq()).isEqualTo(3);

        subscriber.request(1);
        assertThat(subscriber.received).hasValue(1);
        roundTrip(connection, () -> connection.dispatch(4, 40));
        assertThat(subscriber.received).hasValue(1);

        subscriber.request(2);
        assertThat(subscriber.received).hasValue(3);
        assertThat(subscriber.drained()).extracting(PresenceDispatch::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void shouldDeliverEventsWithEveryFieldOnTheDeliveryThread()
    {
        client = server.clientBuilder().build();
        final TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        connection.send(w -> w.dispatch(1, EventType.JOINED_LOBBY, 42, 7, 99, 123_456, null,
            new Changes().lobbyId(99).player(true)));
        connection.dispatch(2, 43);

        final PresenceDispatch first = subscriber.take();
        assertThat(first).isEqualTo(new PresenceDispatch(1, EventType.JOINED_LOBBY, 42, 7, 99, 123_456, null,
            new Changes().lobbyId(99).player(true), -1));
        first.changes().sync(5);
        assertThat(first.changes()).isEqualTo(new Changes().lobbyId(99).player(true));
        final PresenceDispatch second = subscriber.take();
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.type()).isEqualTo(EventType.CLIENT_UPDATED);
        assertThat(second.reason()).isEqualTo("r2");
    }

    @Test
    void shouldGiveRetainedEventsToTheFirstSubscriberAndOnlyNewOnesToLaterSubscribers()
    {
        client = server.clientBuilder().build();
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();
        roundTrip(connection, () -> connection.dispatch(1, 10).dispatch(2, 20));

        final TestSubscriber first = new TestSubscriber(Long.MAX_VALUE);
        client.events().subscribe(first);
        assertThat(first.take(2)).extracting(PresenceDispatch::seq).containsExactly(1L, 2L);
        final TestSubscriber second = new TestSubscriber(Long.MAX_VALUE);
        client.events().subscribe(second);
        second.awaitSubscribed();
        connection.dispatch(3, 30);

        assertThat(first.take().seq()).isEqualTo(3);
        assertThat(second.take().seq()).isEqualTo(3);
    }

    @Test
    void shouldSignalErrorOnNonPositiveRequest()
    {
        client = server.clientBuilder().build();
        final TestSubscriber subscriber = new TestSubscriber(0);
        client.events().subscribe(subscriber);

        subscriber.request(0);

        assertThatThrownBy(() -> subscriber.terminated.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCloseSocketFailPendingAndCompleteSubscribersOnClose()
    {
        client = server.clientBuilder().build();
        final TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();
        final CompletableFuture<List<ClientSnapshot>> pending = client.getClients(3);
        connection.expect(FakeServer.GetClients.class);

        client.close();
        client.close();

        connection.awaitClosedByClient();
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(client.closeFuture()).isCompleted();
        assertThat(subscriber.terminated.orTimeout(10, TimeUnit.SECONDS).join()).isNull();
        assertThatThrownBy(pending::join).cause().isInstanceOf(ConnectionLostException.class);
        assertThat(client.update(new Changes().afk(true), "x")).isCompletedExceptionally();
    }

    @Test
    void shouldReportRefusedInitialPresenceAndStillBecomeReady()
    {
        final CompletableFuture<RollcallException> serverError = new CompletableFuture<>();
        client = server.clientBuilder()
            .presence(new Changes().partyId(-1))
            .listener(new ConnectionListener()
            {
                @Override
                public void onServerError(final RollcallClient errored, final RollcallException error)
                {
                    serverError.complete(error);
                }
            })
            .build();
        client.start();
        final FakeServer.Connection connection = server.accept();
        connection.hello(30_000);
        connection.expect(FakeServer.Identify.class);
        connection.send(w -> w.error(0, ErrorCode.PRESENCE_REFUSED.code(), "INVALID_VALUE"));
        connection.ready(1, 5, 0);

        client.start().join();
        assertThat(serverError.join().errorCode()).isEqualTo(ErrorCode.PRESENCE_REFUSED);
    }

    @Test
    void shouldFailConnectWhenAuthenticationFails()
    {
        final RollcallClient.Builder builder = server.clientBuilder();
        final CompletableFuture<RollcallClient> connecting = CompletableFuture.supplyAsync(builder::connect);
        final FakeServer.Connection connection = server.accept();
        connection.hello(30_000);
        connection.expect(FakeServer.Identify.class);
        connection.send(w -> w.error(0, ErrorCode.AUTHENTICATION_FAILED.code(), "bad token"));
        connection.closeWith(ErrorCode.AUTHENTICATION_FAILED.code(), "bad token");

        assertThatThrownBy(() -> connecting.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class)
            .satisfies(ex -> assertThat(((RollcallException)ex).code()).isEqualTo(4004));
        connection.awaitClosedByClient();
    }

    @Test
    void shouldFailStartWhenTheServerCannotBeReached() throws Exception
    {
        final int port;
        try (ServerSocketChannel unused = ServerSocketChannel.open())
        {
            unused.bind(new InetSocketAddress("127.0.0.1", 0));
            port = unused.socket().getLocalPort();
        }
        client = server.clientBuilder().port(port).build();

        assertThatThrownBy(() -> client.start().get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectException.class);
        assertThat(client.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(client.closeFuture()).isCompletedExceptionally();
    }

    @Test
    void shouldValidateTheConfiguration()
    {
        assertThatThrownBy(() -> RollcallClient.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RollcallClient.builder().port(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollcallClient.builder().eventBufferSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollcallClient.builder().shard(4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollcallClient.builder().token("t").presence(new Changes().attribute("k", (String)null))
            .build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollcallClient.builder().token("t").shardPresence(id -> new Changes()).build())
            .isInstanceOf(IllegalStateException.class);
    }

    /** Runs {@code serverSide}, then a command round trip: after it, the client has processed what was sent. */
    private void roundTrip(final FakeServer.Connection connection, final Runnable serverSide)
    {
        final CompletableFuture<ClientIdPage> sync = client.listClientIds(0, 1);
        final FakeServer.ListClientIds request = connection.expect(FakeServer.ListClientIds.class);
        serverSide.run();
        connection.send(w -> w.clientIds(request.requestId(), 0, new long[0], 0));
        sync.join();
    }

    static Changes fullPresence()
    {
        return new Changes().status(Status.DND).afk(false).inGame(true).partyId(4).lobbyId(5).ready(true)
            .player(true).playerNumber(1).teamNumber(2).teamColour(3).sync(6).lobbyHost(false).attribute("a", 1L);
    }
}
