package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the client does with each {@code CLOSE} code once it has been ready: fail, resume, or identify afresh. */
@Timeout(60)
class CloseCodeTest
{
    private static final EnumSet<ErrorCode> FATAL = EnumSet.of(ErrorCode.AUTHENTICATION_FAILED,
        ErrorCode.TOKEN_EXPIRED, ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID_SHARD, ErrorCode.SHARD_NOT_ALLOWED,
        ErrorCode.DISCONNECTED_BY_SERVER);

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
            .presence(new Changes().status(Status.DND))
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

    /** Waits until the listener has recorded {@code count} ready calls (READY is visible before onReady runs). */
    private List<String> awaitCalls(final int count)
    {
        final long deadline = System.nanoTime() + FakeServer.TIMEOUT.toNanos();
        while (calls.size() < count)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError("no " + count + " onReady calls within " + FakeServer.TIMEOUT + ": " + calls);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return calls;
    }

    @Test
    void shouldMapEveryCodeToItsAction()
    {
        for (final ErrorCode code : ErrorCode.values())
        {
            final CloseAction expected = FATAL.contains(code) ? CloseAction.FATAL :
                code == ErrorCode.SERVER_OVERLOADED ? CloseAction.IDENTIFY : CloseAction.RESUME;
            assertThat(CloseAction.of(code.code())).as("%s", code).isEqualTo(expected);
        }
        assertThat(CloseAction.of(4999)).isEqualTo(CloseAction.RESUME);
        assertThat(CloseAction.of(1000)).isEqualTo(CloseAction.RESUME);
    }

    @Test
    void shouldIdentifyAfreshWithoutResumingAfterServerOverloaded()
    {
        final FakeServer.Connection first = connect();
        first.dispatch(1, 10).dispatch(2, 20);
        assertThat(subscriber.take(2)).extracting(PresenceDispatch::seq).containsExactly(1L, 2L);

        first.send(w -> w.error(0, ErrorCode.SERVER_OVERLOADED.code(), "overloaded"));
        first.closeWith(ErrorCode.SERVER_OVERLOADED.code(), "overloaded");
        first.awaitClosedByClient();

        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        final FakeServer.Identify identify = second.expect(FakeServer.Identify.class);
        assertThat(identify.presence()).isEqualTo(new Changes().status(Status.DND));
        assertThat(identify.token()).isEqualTo(FakeServer.TOKEN);
        second.ready(78, 5, 0);
        second.dispatch(1, 11);

        final PresenceDispatch event = subscriber.take();
        assertThat(event.seq()).isEqualTo(1);
        assertThat(event.userId()).isEqualTo(11);
        client.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(client.sessionId()).isEqualTo(78);
        assertThat(client.lastSeq()).isEqualTo(1);
        assertThat(awaitCalls(2)).containsExactly("identified 77", "identified 78");
        assertThat(disconnects).singleElement()
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.SERVER_OVERLOADED));
        assertThat(subscriber.drained()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"AUTHENTICATION_FAILED", "TOKEN_EXPIRED", "UNSUPPORTED_VERSION",
        "INVALID_SHARD", "SHARD_NOT_ALLOWED", "DISCONNECTED_BY_SERVER"})
    void shouldFailWithoutReconnectingOnAFatalClose(final ErrorCode code)
    {
        final FakeServer.Connection first = connect();

        first.closeWith(code.code(), "no");

        assertThatThrownBy(() -> client.closeFuture().get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class)
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(code));
        assertThat(client.state()).isEqualTo(ConnectionState.FAILED);
        first.awaitClosedByClient();
        assertThat(disconnects).isEmpty();
        assertThat(calls).containsExactly("identified 77");
    }

    @ParameterizedTest
    @ValueSource(ints = {4001, 4002, 4003, 4005, 4008, 4009, 4011, 4015, 4016, 4017, 4019, 4999})
    void shouldReconnectAndResumeOnOtherCloses(final int code)
    {
        final FakeServer.Connection first = connect();
        first.dispatch(1, 10);
        subscriber.take();

        first.closeWith(code, "again");
        first.awaitClosedByClient();

        final FakeServer.Connection second = server.accept();
        second.hello(30_000);
        assertThat(second.expect(FakeServer.Resume.class)).isEqualTo(new FakeServer.Resume(FakeServer.TOKEN, 77, 1));
        second.send(w -> w.resumed(1));
        client.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(awaitCalls(2)).containsExactly("identified 77", "resumed 77");
        assertThat(disconnects).singleElement()
            .satisfies(ex -> assertThat(((RollcallException)ex).code()).isEqualTo(code));
    }

    @Test
    void shouldRetryAReconnectRefusedForTooManyConnectionsAndStillResume()
    {
        final FakeServer.Connection first = connect();
        first.close();

        final FakeServer.Connection refused = server.accept();
        refused.send(w -> w.error(0, ErrorCode.TOO_MANY_CONNECTIONS.code(), "full"));
        refused.closeWith(ErrorCode.TOO_MANY_CONNECTIONS.code(), "full");
        refused.awaitClosedByClient();

        final FakeServer.Connection third = server.accept();
        third.hello(30_000);
        assertThat(third.expect(FakeServer.Resume.class).sessionId()).isEqualTo(77);
        third.send(w -> w.resumed(0));
        client.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(client.state()).isEqualTo(ConnectionState.READY);
        assertThat(awaitCalls(2)).containsExactly("identified 77", "resumed 77");
        assertThat(disconnects).hasSize(2);
    }
}
