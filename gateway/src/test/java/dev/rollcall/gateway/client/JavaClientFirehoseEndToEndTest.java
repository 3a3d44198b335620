package dev.rollcall.gateway.client;

import dev.rollcall.client.ClientSnapshot;
import dev.rollcall.client.PresenceDispatch;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.client.ShardedClient;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.rollcall.gateway.client.E2e.await;
import static dev.rollcall.gateway.client.E2e.client;
import static dev.rollcall.gateway.client.E2e.defaults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link ShardedClient} over a subset of a firehose's shards: its merged stream holds exactly the events of the
 * users of those shards, in order per shard, and each shard identified with its own presence.
 */
@Timeout(30)
class JavaClientFirehoseEndToEndTest
{
    private static final int SHARD_COUNT = 4;
    private static final String SHARDS = "0..1, 3";
    private static final Set<Integer> OPENED = Set.of(0, 1, 3);
    private static final int USERS = 8;
    /** In shard 2, which is not opened: the service's own events stay out of the stream. */
    private static final long SERVICE = (2L << 22) | 7;
    private static final int INVISIBLE_USER = 3;

    private final List<RollcallClient> clients = new ArrayList<>();
    private EndToEndGateway server;
    private ShardedClient firehose;

    @AfterEach
    void stop()
    {
        for (final RollcallClient client : clients)
        {
            client.close();
        }
        if (firehose != null)
        {
            firehose.close();
        }
        if (server != null)
        {
            server.close();
            assertThat(server.errors()).isEmpty();
        }
    }

    private static long user(final int i)
    {
        return ((long)i << 22) | 5;
    }

    private static int shardOf(final long userId)
    {
        return (int)Math.floorMod(userId >> 22, (long)SHARD_COUNT);
    }

    /** An event as compared here: kind, user, update id, reason and changes (not seq, time or shard). */
    private static String describe(final EventType kind, final long userId, final long updateId, final String reason,
        final Changes changes)
    {
        return kind + " " + userId + " #" + updateId + " " + reason + " " + changes;
    }

    private static String describe(final PresenceDispatch event)
    {
        return describe(event.type(), event.userId(), event.updateId(), event.reason(), event.changes());
    }

    @Test
    void shouldMergeExactlyTheEventsOfTheOpenedShardsWithEachShardsPresence() throws Exception
    {
        server = EndToEndGateway.start(ctx -> { }, core -> core.gracePeriodMs(60_000));
        firehose = RollcallClient.builder()
            .host("127.0.0.1")
            .port(server.port())
            .token(EndToEndGateway.serviceToken(SERVICE))
            .heartbeatJitter(false)
            .requestTimeout(E2e.TIMEOUT)
            .shardPresence(shard -> new Changes().attribute("shard-" + shard, shard))
            .buildSharded(SHARD_COUNT, SHARDS);
        final EventProbe merged = EventProbe.replenishing(16);
        firehose.events().subscribe(merged);
        await(firehose.start());
        assertThat(firehose.shardIds()).containsExactly(0, 1, 3);
        assertThat(firehose.shardCount()).isEqualTo(SHARD_COUNT);
        assertThat(firehose.shard(3).shardId()).isEqualTo(3);
        assertThat(firehose.shard(3).shardCount()).isEqualTo(SHARD_COUNT);
        assertThat(firehose.shard(0).userId()).isEqualTo(SERVICE);
        assertThatThrownBy(() -> firehose.shard(2)).isInstanceOf(IllegalArgumentException.class);

        final Map<Long, List<String>> expected = new HashMap<>();
        final List<RollcallClient> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++)
        {
            final long userId = user(i);
            final RollcallClient client = client(server.port(), userId).build();
            clients.add(client);
            await(client.start());
            users.add(client);
            final Changes change = i == INVISIBLE_USER ?
                new Changes().status(Status.INVISIBLE) : new Changes().afk(true);
            assertThat(await(client.update(change, "go"))).isEqualTo(Result.APPLIED);
            if (OPENED.contains(shardOf(userId)))
            {
                expected.computeIfAbsent(userId, id -> new ArrayList<>()).add(
                    describe(EventType.CLIENT_CONNECTED, userId, 1, null, defaults()));
                expected.get(userId).add(describe(EventType.CLIENT_UPDATED, userId, 2, "go", change));
            }
        }
        // a last update of one user per opened shard: once its event arrives, every earlier event of that shard has
        for (final int shard : OPENED)
        {
            final long userId = user(shard);
            assertThat(await(users.get(shard).update(new Changes().partyId(99), "end")))
                .isEqualTo(Result.APPLIED);
            expected.get(userId).add(describe(EventType.CLIENT_UPDATED, userId, 3, "end", new Changes().partyId(99)));
        }

        final Set<Integer> ended = new HashSet<>();
        final Map<Long, List<String>> seen = new HashMap<>();
        final Map<Integer, Long> lastSeq = new HashMap<>();
        while (ended.size() < OPENED.size())
        {
            final PresenceDispatch event = merged.take();
            final int shard = shardOf(event.userId());
            assertThat(event.shardId()).as("shard of %s", event).isEqualTo(shard);
            assertThat(OPENED).as("shard of %s", event).contains(shard);
            assertThat(event.seq()).as("seq of %s", event).isEqualTo(lastSeq.getOrDefault(shard, 0L) + 1);
            lastSeq.put(shard, event.seq());
            seen.computeIfAbsent(event.userId(), id -> new ArrayList<>()).add(describe(event));
            if ("end".equals(event.reason()))
            {
                ended.add(shard);
            }
        }
        assertThat(seen).isEqualTo(expected);
        for (final int shard : OPENED)
        {
            assertThat(firehose.shard(shard).lastSeq()).isEqualTo(lastSeq.get(shard));
        }

        final ClientSnapshot service = await(users.get(0).getClients(SERVICE)).get(0);
        assertThat(service.present()).isTrue();
        assertThat(service.connected()).isTrue();
        final Changes state = service.state();
        final Map<String, Long> attributes = new HashMap<>();
        for (int i = 0; i < state.attributeCount(); i++)
        {
            attributes.put(state.attributeKey(i), state.attributeLong(i));
        }
        assertThat(attributes).isEqualTo(Map.of("shard-0", 0L, "shard-1", 1L, "shard-3", 3L));
        assertThat(merged.drained()).isEmpty();
    }
}
