package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ResumeTest
{
    private final FakeServer server = new FakeServer();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Throwable> disconnects = new CopyOnWriteArrayList<>();
    private RollcallClient client;
    private TestSubscriber subscriber;

    @AfterEach
    void tearDown()
    {
        if (client != null)
        {
            client.close();
        }
        server.close();
    }

    private FakeServer.Connection connect()
    {
        client = server.clientBuilder()
            .listener(new ConnectionListener()
            {
                @Override
                public void onReady(final RollcallClient ready, final long sessionId, final boolean resumed)
                {
                    calls.add((resumed ? "resumed " : "identified ") + sessionId);
                }

                @Override
                public void onDisconnected(final RollcallClient dropped, final Throwable cause)
                {
                    disconnects.add(cause);
                }
            })
            .build();
        subscriber = new TestSubscriber(Long.MAX_VALUE);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(77, 5);
        client.start().join();
        return connection;
    }

    @Test
    void shouldResumeAfterADropAndDeliverReplayedEventsOnceInOrder()
    {
        final FakeServer.Connection first = connect();
        first.dispatch(1, 10).dispatch(2, 20).dispatch(3, 30);
        assertThat(subscriber.take(3)).extracting(PresenceDispatch::seq).containsExactly(1L, 2L, 3L);
        final CompletableFuture<ClientIdPage> pending = client.listClientIds(0, 5);
        first.expect(FakeServer.ListClientIds.class);

        first.close();

        assertThatThrownBy(pending::join).cause().isInstanceOf(ConnectionLostException.class);
        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        final FakeServer.Resume resume = second.expect(FakeServer.Resume.class);
        assertThat(resume).isEqualTo(new FakeServer.Resume(FakeServer.TOKEN, 77, 3));
        assertThat(client.state()).isEqualTo(ConnectionState.RECONNECTING);
        assertThat(client.update(new Changes().afk(true), "x").isCompletedExceptionally())
            .isTrue();
        final CompletableFuture<Void> ready = client.whenReady();
        second.dispatch(2, 20).dispatch(3, 30).dispatch(4, 40).dispatch(5, 50);
        second.send(w -> w.resumed(5));
        second.dispatch(5, 50).dispatch(6, 60);

        assertThat(subscriber.take(3)).extracting(PresenceDispatch::seq).containsExactly(4L, 5L, 6L);
        ready.join();
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
        assertThat(client.sessionId()).isEqualTo(77);
        assertThat(client.lastSeq()).isEqualTo(6);
        assertThat(calls).containsExactly("identified 77", "resumed 77");
        assertThat(disconnects).hasSize(1);
        roundTrip(second);
        assertThat(subscriber.drained()).isEmpty();
    }

    @Test
    void shouldIdentifyAfreshWhenTheSessionCannotBeResumed()
    {
        final FakeServer.Connection first = connect();
        first.dispatch(1, 10).dispatch(2, 20);
        subscriber.take(2);

        first.close();

        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        assertThat(second.expect(FakeServer.Resume.class).lastSeq()).isEqualTo(2);
        second.send(w -> w.invalidSession(false));
        second.expect(FakeServer.Identify.class);
        second.ready(78, 5, 0);
        second.dispatch(1, 11);

        final PresenceDispatch event = subscriber.take();
        assertThat(event.seq()).isEqualTo(1);
        assertThat(event.userId()).isEqualTo(11);
        assertThat(client.sessionId()).isEqualTo(78);
        assertThat(calls).containsExactly("identified 77", "identified 78");
    }

    @Test
    void shouldRetryAResumableInvalidSessionOnceThenIdentify()
    {
        final FakeServer.Connection first = connect();
        first.close();

        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        second.expect(FakeServer.Resume.class);
        second.send(w -> w.invalidSession(true));
        second.awaitClosedByClient();

        final FakeServer.Connection third = server.accept();
        third.hello(30_000);
        assertThat(third.expect(FakeServer.Resume.class).sessionId()).isEqualTo(77);
        third.send(w -> w.invalidSession(true));
        third.expect(FakeServer.Identify.class);
        third.ready(79, 5, 0);

        client.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(client.sessionId()).isEqualTo(79);
    }

    @Test
    void shouldReconnectWhenTheServerStopsAckingHeartbeats()
    {
        client = server.clientBuilder()
            .listener(new ConnectionListener()
            {
                @Override
                public void onDisconnected(final RollcallClient dropped, final Throwable cause)
                {
                    disconnects.add(cause);
                }
            })
            .build();
        subscriber = new TestSubscriber(Long.MAX_VALUE);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection first = server.accept();
        first.hello(200);
        first.expect(FakeServer.Identify.class);
        first.ready(77, 5, 0);
        first.dispatch(1, 10).dispatch(2, 20);
        subscriber.take(2);

        // ack heartbeats until one carries the last seq, then go silent
        while (true)
        {
            final FakeServer.Heartbeat heartbeat = (FakeServer.Heartbeat)first.next();
            first.send(w -> w.heartbeatAck(2));
            if (heartbeat.lastSeq() == 2)
            {
                break;
            }
        }
        first.awaitClosedByClient();

        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        assertThat(second.expect(FakeServer.Resume.class)).isEqualTo(new FakeServer.Resume(FakeServer.TOKEN, 77, 2));
        second.send(w -> w.resumed(2));
        client.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(disconnects).singleElement().isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void shouldResumeAtOnceWhenAskedToReconnect()
    {
        final FakeServer.Connection first = connect();
        first.dispatch(1, 10);
        subscriber.take();

        final CompletableFuture<Void> reconnected = client.reconnect();

        first.awaitClosedByClient();
        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        assertThat(second.expect(FakeServer.Resume.class)).isEqualTo(new FakeServer.Resume(FakeServer.TOKEN, 77, 1));
        assertThat(reconnected).isNotDone();
        second.send(w -> w.resumed(1));
        reconnected.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(client.isReady()).isTrue();
        assertThat(calls).containsExactly("identified 77", "resumed 77");
        assertThat(disconnects).singleElement().isInstanceOf(RollcallException.class);
    }

    @Test
    void shouldResumeAfterAResumableClose()
    {
        final FakeServer.Connection first = connect();
        first.closeWith(ErrorCode.SERVER_SHUTTING_DOWN.code(), "restarting");
        first.awaitClosedByClient();

        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        second.expect(FakeServer.Resume.class);
        second.send(w -> w.resumed(0));

        client.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(disconnects).singleElement()
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.SERVER_SHUTTING_DOWN));
    }

    @Test
    void shouldFailWithoutReconnectingOnANonResumableClose()
    {
        final FakeServer.Connection first = connect();
        first.dispatch(1, 10);
        subscriber.take();
        final CompletableFuture<Result> pending = client.subscribe(new long[] {3}, null);
        first.expect(FakeServer.Subscribe.class);

        first.send(w -> w.error(0, ErrorCode.DISCONNECTED_BY_SERVER.code(), "kicked"));
        first.closeWith(ErrorCode.DISCONNECTED_BY_SERVER.code(), "kicked");

        assertThatThrownBy(() -> client.closeFuture().get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class)
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.DISCONNECTED_BY_SERVER));
        assertThat(client.state()).isEqualTo(ConnectionState.FAILED);
        assertThatThrownBy(() -> subscriber.terminated.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class)
            .satisfies(ex -> assertThat(((RollcallException)ex).code()).isEqualTo(4018));
        assertThatThrownBy(pending::join).cause().isInstanceOf(ConnectionLostException.class);
        assertThatThrownBy(() -> client.whenReady().join()).cause().isInstanceOf(RollcallException.class);
        first.awaitClosedByClient();
        assertThat(disconnects).isEmpty();
        assertThat(client.reconnect()).isCompletedExceptionally();
        client.close();
        assertThat(client.state()).isEqualTo(ConnectionState.FAILED);
    }

    private void roundTrip(final FakeServer.Connection connection)
    {
        final CompletableFuture<ClientIdPage> sync = client.listClientIds(0, 1);
        final long requestId = connection.expect(FakeServer.ListClientIds.class).requestId();
        connection.send(w -> w.clientIds(requestId, 0, new long[0], 0));
        sync.join();
    }
}
