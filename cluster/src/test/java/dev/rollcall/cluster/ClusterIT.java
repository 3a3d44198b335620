package dev.rollcall.cluster;

import dev.rollcall.client.ClientSnapshot;
import dev.rollcall.client.PresenceDispatch;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real node processes on loopback ({@code rollcall serve --cluster-node N}), real Java clients.
 */
class ClusterIT
{
    @TempDir
    Path data;

    private TestCluster cluster;

    @BeforeEach
    void start() throws Exception
    {
        cluster = new TestCluster(data, 3, "--grace", "20s").start();
    }

    @AfterEach
    void stop()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void shouldShowWatchersOnEveryNodeTheUpdatesMadeThroughAnyNodeInOrder() throws Exception
    {
        final Recorder onNode2 = new Recorder();
        final Recorder onNode3 = new Recorder();
        final RollcallClient watcher2 = cluster.connect(2, 200);
        final RollcallClient watcher3 = cluster.connect(3, 300);
        watcher2.events().subscribe(onNode2);
        watcher3.events().subscribe(onNode3);
        assertThat(await(watcher2.subscribe(new long[]{1, 2}, new long[0]))).isEqualTo(Result.APPLIED);
        assertThat(await(watcher3.subscribe(new long[]{1, 2}, new long[0]))).isEqualTo(Result.APPLIED);

        final RollcallClient user1 = cluster.connect(1, 1);
        final RollcallClient user2 = cluster.connect(3, 2);
        for (int i = 1; i <= 20; i++)
        {
            assertThat(await(user1.update(new Changes().partyId(i), "from node 1"))).isEqualTo(Result.APPLIED);
            assertThat(await(user2.update(new Changes().partyId(100 + i), "from node 3"))).isEqualTo(Result.APPLIED);
        }

        for (final Recorder recorder : List.of(onNode2, onNode3))
        {
            cluster.awaitUntil("every update reaches the watcher", () -> recorder.parties(1).size() == 20 &&
                recorder.parties(2).size() == 20);
            final List<Long> expected1 = new ArrayList<>();
            final List<Long> expected2 = new ArrayList<>();
            for (int i = 1; i <= 20; i++)
            {
                expected1.add((long)i);
                expected2.add(100L + i);
            }
            assertThat(recorder.parties(1)).containsExactlyElementsOf(expected1);
            assertThat(recorder.parties(2)).containsExactlyElementsOf(expected2);
        }

        // every node answers queries with the same state once applied
        final List<List<ClientSnapshot>> views = new ArrayList<>();
        for (final RollcallClient client : List.of(user1, watcher2, user2))
        {
            cluster.awaitUntil("the node has applied the last update", () ->
                await(client.getClients(1, 2)).get(1).state().partyId() == 120);
            views.add(await(client.getClients(1, 2, 200, 300)));
        }
        assertThat(views.get(1)).isEqualTo(views.get(0));
        assertThat(views.get(2)).isEqualTo(views.get(0));
        assertThat(await(user1.listAllClientIds())).containsExactly(1, 2, 200, 300);

        // what an operator watches on each node's /metrics: one leader, named alike by every node, every
        // command applied by every replica, no result owed
        final int leader = cluster.awaitLeader();
        for (int node = 1; node <= 3; node++)
        {
            final int scraped = node;
            cluster.awaitUntil("node " + node + " owes no result", () ->
                cluster.metrics(scraped).getOrDefault("rollcall_cluster_commands_pending", -1.0) == 0.0);
            final Map<String, Double> metrics = cluster.metrics(node);
            assertThat(metrics.get("rollcall_cluster_role")).as("node %d's role", node).isEqualTo(node == leader ? 2.0 : 0.0);
            assertThat(metrics.get("rollcall_cluster_leader_member_id")).as("node %d's leader", node)
                .isEqualTo(leader - 1.0);
            assertThat(metrics.get("rollcall_cluster_commands_applied_total")).as("node %d's commands applied", node)
                .isGreaterThanOrEqualTo(4 + 40);
            assertThat(metrics.get("rollcall_cluster_pending_stalled_seconds")).as("node %d", node).isZero();
            assertThat(metrics).containsKeys("rollcall_cluster_resent_total", "rollcall_cluster_gaps_total",
                "rollcall_cluster_duplicates_skipped_total", "rollcall_cluster_leader_changes_total", "rollcall_ready");
        }
    }


    static <T> T await(final CompletableFuture<T> future)
    {
        try
        {
            return future.get(TestCluster.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** Keeps every event, asking for them all. */
    static final class Recorder implements Flow.Subscriber<PresenceDispatch>
    {
        final ConcurrentLinkedQueue<PresenceDispatch> events = new ConcurrentLinkedQueue<>();

        @Override
        public void onSubscribe(final Flow.Subscription subscription)
        {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(final PresenceDispatch event)
        {
            events.add(event);
        }

        @Override
        public void onError(final Throwable failure)
        {
        }

        @Override
        public void onComplete()
        {
        }

        /** @return the party ids of the user's updates, in the order received. */
        List<Long> parties(final long userId)
        {
            final List<Long> teams = new ArrayList<>();
            for (final PresenceDispatch event : events)
            {
                if (event.userId() == userId && event.type() == EventType.CLIENT_UPDATED)
                {
                    teams.add(event.changes().partyId());
                }
            }
            return teams;
        }
    }
}
