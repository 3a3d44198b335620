package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class BackpressureTest
{
    private static final int EVENT_BUFFER = 16;
    private static final int MAX_EVENTS = 2_000_000;

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
    void shouldStopReadingWhenTheEventBufferIsFullAndResumeOnDemand()
    {
        server.sendBufferSize(8 * 1024);
        client = server.clientBuilder().eventBufferSize(EVENT_BUFFER).receiveBufferSize(8 * 1024).build();
        final TestSubscriber subscriber = new TestSubscriber(0);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection connection = server.acceptAndIdentify(1, 5);
        client.start().join();

        // write events without blocking until the socket refuses more: the client has stopped reading
        final long deadline = System.nanoTime() + FakeServer.TIMEOUT.toNanos();
        long written = 0;
        boolean stalled = false;
        while (!stalled && written < MAX_EVENTS && System.nanoTime() < deadline)
        {
            final long seq = written + 1;
            connection.encode(w -> w.dispatch(seq, EventType.CLIENT_UPDATED, 1000 + seq, seq, 0, seq, null, new Changes().sync((int)seq)));
            written = seq;
            while (connection.hasUnsent())
            {
                if (connection.writeSome() == 0)
                {
                    stalled = client.lastSeq() == EVENT_BUFFER;
                    break;
                }
            }
        }
        assertThat(stalled).as("the server's writes stall (%d events written)", written).isTrue();
        assertThat(written).isGreaterThan(EVENT_BUFFER);
        assertThat(client.lastSeq()).isEqualTo(EVENT_BUFFER);
        assertThat(subscriber.received).hasValue(0);
        assertThat(client.isReady()).isTrue();

        subscriber.request(Long.MAX_VALUE);
        connection.flush();
        final long last = written + 1;
        connection.dispatch(last, 1000 + last);

        final List<PresenceDispatch> events = subscriber.take((int)last);
        for (int i = 0; i < events.size(); i++)
        {
            assertThat(events.get(i).seq()).isEqualTo(i + 1);
        }
        assertThat(client.lastSeq()).isEqualTo(last);
    }

    @Test
    void shouldKeepTheConnectionAliveWhileReadingIsPaused()
    {
        client = server.clientBuilder().eventBufferSize(2).build();
        final TestSubscriber subscriber = new TestSubscriber(0);
        client.events().subscribe(subscriber);
        client.start();
        final FakeServer.Connection connection = server.accept();
        connection.hello(100);
        connection.expect(FakeServer.Identify.class);
        connection.ready(1, 5, 0);
        client.start().join();
        connection.dispatch(1, 1).dispatch(2, 2).dispatch(3, 3);

        // heartbeats keep coming, unacked (acks would sit behind the unread event): the client must not give up
        for (int i = 0; i < 5; i++)
        {
            assertThat(connection.expect(FakeServer.Heartbeat.class).lastSeq()).isEqualTo(2);
            connection.send(w -> w.heartbeatAck(2));
        }
        assertThat(client.isReady()).isTrue();

        subscriber.request(3);
        assertThat(subscriber.take(3)).extracting(PresenceDispatch::seq).containsExactly(1L, 2L, 3L);
    }
}
