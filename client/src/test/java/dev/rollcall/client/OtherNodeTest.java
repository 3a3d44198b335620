package dev.rollcall.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A client of a cluster (docs/CLUSTER.md) moves to the next node when its node is lost, tries the
 * nodes in turn, and identifies there when the session cannot be resumed on the new node.
 */
class OtherNodeTest
{
    private final FakeServer first = new FakeServer();
    private final FakeServer second = new FakeServer();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private RollcallClient client;

    @AfterEach
    void tearDown()
    {
        if (null != client)
        {
            client.close();
        }
        first.close();
        second.close();
    }

    @Test
    void shouldMoveToTheNextNodeWhenItsNodeIsLostAndIdentifyThere()
    {
        client = first.clientBuilder()
            .otherNode("127.0.0.1", second.port())
            .listener(new ConnectionListener()
            {
                @Override
                public void onReady(final RollcallClient ready, final long sessionId, final boolean resumed)
                {
                    calls.add((resumed ? "resumed " : "identified ") + sessionId);
                }
            })
            .build();
        client.start();
        final FakeServer.Connection onFirst = first.acceptAndIdentify(77, 5);
        client.start().join();

        onFirst.close();

        final FakeServer.Connection onSecond = second.accept();
        onSecond.hello(30_000);
        assertThat(onSecond.expect(FakeServer.Resume.class).sessionId()).isEqualTo(77);
        onSecond.send(w -> w.invalidSession(false));
        onSecond.expect(FakeServer.Identify.class);
        onSecond.ready(90, 5, 0);

        first.close();
        onSecond.close();
        // the first node is gone: the client comes back to the second one, its next in turn after the first
        final FakeServer.Connection again = second.accept();
        again.hello(30_000);
        assertThat(again.expect(FakeServer.Resume.class).sessionId()).isEqualTo(90);
        assertThat(calls).containsExactly("identified 77", "identified 90");
    }

    @Test
    void shouldStartOnTheNextNodeWhenTheFirstCannotBeReached()
    {
        final int downPort = first.port();
        first.close();
        client = second.clientBuilder()
            .port(downPort)
            .otherNode("127.0.0.1", second.port())
            .build();
        client.start();

        final FakeServer.Connection onSecond = second.accept();
        onSecond.hello(30_000);
        onSecond.expect(FakeServer.Identify.class);
        onSecond.ready(91, 5, 0);
        client.start().join();

        assertThat(client.sessionId()).isEqualTo(91);
    }

    @Test
    void shouldFailToStartWhenNoNodeCanBeReached()
    {
        final int downPort = first.port();
        final int alsoDown = second.port();
        first.close();
        second.close();
        client = RollcallClient.builder().host("127.0.0.1").port(downPort).otherNode("127.0.0.1", alsoDown)
            .token(FakeServer.TOKEN).reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(10))
            .build();

        assertThatThrownBy(() -> client.start().join())
            .hasRootCauseInstanceOf(ConnectException.class);
    }
}
