package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ShardedClientTest
{
    private final FakeServer server = new FakeServer();
    private ShardedClient sharded;

    @AfterEach
    void tearDown()
    {
        if (sharded != null)
        {
            sharded.close();
        }
        server.close();
    }

    @Test
    void shouldOpenOneConnectionPerShardWithItsIdAndPresenceAndMergeEvents()
    {
        sharded = server.clientBuilder()
            .shardPresence(shard -> new Changes().status(Status.INVISIBLE).sync(shard))
            .buildSharded(8, "1, 3..4");
        final TestSubscriber merged = new TestSubscriber(Long.MAX_VALUE);
        sharded.events().subscribe(merged);
        final TestSubscriber shard3 = new TestSubscriber(Long.MAX_VALUE);
        sharded.shard(3).events().subscribe(shard3);
        final CompletableFuture<ShardedClient> started = sharded.start();

        final Map<Integer, FakeServer.Connection> byShard = new HashMap<>();
        for (int i = 0; i < 3; i++)
        {
            final FakeServer.Connection connection = server.accept();
            connection.hello(30_000);
            final FakeServer.Identify identify = connection.expect(FakeServer.Identify.class);
            assertThat(identify.sharded()).isTrue();
            assertThat(identify.shardCount()).isEqualTo(8);
            assertThat(identify.presence())
                .isEqualTo(new Changes().status(Status.INVISIBLE).sync(identify.shardId()));
            assertThat(byShard.put(identify.shardId(), connection)).isNull();
            connection.ready(100 + identify.shardId(), 9, 0);
        }
        assertThat(byShard).containsOnlyKeys(1, 3, 4);
        assertThat(started.orTimeout(10, TimeUnit.SECONDS).join()).isSameAs(sharded);
        assertThat(sharded.shardIds()).containsExactly(1, 3, 4);
        assertThat(sharded.shardCount()).isEqualTo(8);
        assertThat(sharded.shards()).extracting(RollcallClient::shardId).containsExactly(1, 3, 4);
        assertThat(sharded.shard(4).sessionId()).isEqualTo(104);
        assertThat(sharded.shard(4).shardCount()).isEqualTo(8);
        assertThatThrownBy(() -> sharded.shard(2)).isInstanceOf(IllegalArgumentException.class);

        byShard.forEach((shard, connection) -> connection.dispatch(1, shard * 1000L));

        final Map<Integer, Long> users = new HashMap<>();
        for (final PresenceDispatch event : merged.take(3))
        {
            assertThat(event.seq()).isEqualTo(1);
            users.put(event.shardId(), event.userId());
        }
        assertThat(users).containsExactlyInAnyOrderEntriesOf(Map.of(1, 1000L, 3, 3000L, 4, 4000L));
        final PresenceDispatch only = shard3.take();
        assertThat(only.shardId()).isEqualTo(3);
        assertThat(only.userId()).isEqualTo(3000L);

        sharded.close();

        merged.terminated.orTimeout(10, TimeUnit.SECONDS).join();
        shard3.terminated.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(shard3.drained()).isEmpty();
        assertThat(sharded.closeFuture()).isCompleted();
        byShard.values().forEach(FakeServer.Connection::awaitClosedByClient);
        assertThat(sharded.shards()).allSatisfy(shard -> assertThat(shard.state()).isEqualTo(ConnectionState.CLOSED));
    }

    @Test
    void shouldUseTheSamePresenceForEveryShardByDefault()
    {
        sharded = server.clientBuilder().presence(new Changes().afk(true)).buildSharded(2);
        sharded.start();

        for (int i = 0; i < 2; i++)
        {
            final FakeServer.Connection connection = server.accept();
            connection.hello(30_000);
            final FakeServer.Identify identify = connection.expect(FakeServer.Identify.class);
            assertThat(identify.presence()).isEqualTo(new Changes().afk(true));
            assertThat(identify.shardCount()).isEqualTo(2);
            connection.ready(identify.shardId() + 1, 9, 0);
        }
        sharded.whenReady().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(sharded.shardIds()).containsExactly(0, 1);
    }

    @Test
    void shouldFailEveryShardWhenOneIsRefused()
    {
        sharded = server.clientBuilder().buildSharded(4, "0..1");
        final TestSubscriber merged = new TestSubscriber(Long.MAX_VALUE);
        sharded.events().subscribe(merged);
        final CompletableFuture<ShardedClient> started = sharded.start();

        final FakeServer.Connection first = server.accept();
        final FakeServer.Connection second = server.accept();
        first.hello(30_000);
        second.hello(30_000);
        first.expect(FakeServer.Identify.class);
        second.expect(FakeServer.Identify.class);
        first.ready(1, 9, 0);
        second.closeWith(ErrorCode.SHARD_NOT_ALLOWED.code(), "user token");

        assertThatThrownBy(() -> started.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class)
            .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.SHARD_NOT_ALLOWED));
        first.awaitClosedByClient();
        assertThatThrownBy(() -> merged.terminated.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class);
        assertThatThrownBy(() -> sharded.closeFuture().get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(RollcallException.class);
    }

    @Test
    void shouldRejectInvalidShardSpecsWhenBuilding()
    {
        final RollcallClient.Builder builder = server.clientBuilder();

        assertThatThrownBy(() -> builder.buildSharded(4, "0..4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.buildSharded(0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.shard(0, 2).buildSharded(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldIdentifyASingleShardClient()
    {
        final RollcallClient client = server.clientBuilder().shard(2, 4).build();
        try
        {
            client.start();
            final FakeServer.Connection connection = server.accept();
            connection.hello(30_000);
            final FakeServer.Identify identify = connection.expect(FakeServer.Identify.class);
            assertThat(identify.sharded()).isTrue();
            assertThat(identify.shardId()).isEqualTo(2);
            assertThat(identify.shardCount()).isEqualTo(4);
            connection.ready(1, 9, 0);
            client.start().join();
            final TestSubscriber subscriber = new TestSubscriber(1);
            client.events().subscribe(subscriber);
            connection.dispatch(1, 7);
            assertThat(subscriber.take().shardId()).isEqualTo(2);
        }
        finally
        {
            client.close();
        }
    }
}
