package dev.rollcall.cluster;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.rollcall.cluster.ClusterIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader's process is killed (SIGKILL) while a client on a surviving node keeps up to 32
 * updates in flight: every update is acknowledged, each exactly once and in order (a re-sent one
 * applied twice would move the watcher's view backwards), a new leader is elected, and the users
 * of the dead node resume on the others without ever being destroyed.
 */
class ClusterFailoverIT
{
    private static final long WRITER = 1;
    private static final long WATCHER = 2;
    private static final long ON_DEAD_NODE = 3;
    private static final int IN_FLIGHT = 32;

    @TempDir
    Path data;

    private TestCluster cluster;

    @AfterEach
    void stop()
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "cluster-threads = {0}")
    @ValueSource(strings = {"shared", "dedicated"})
    void shouldLoseNoAcknowledgedUpdateAndApplyNoneTwiceWhenTheLeaderIsKilledUnderLoad(final String threads)
        throws Exception
    {
        cluster = new TestCluster(data, 3, "--grace", "60s", "--rate-limit", "1000000", "--cluster-threads", threads)
            .start();
        final int leader = cluster.awaitLeader();
        final int writerNode = leader % 3 + 1;
        final int watcherNode = writerNode % 3 + 1 == leader ? leader % 3 + 1 + 1 : writerNode % 3 + 1;
        assertThat(List.of(leader, writerNode, watcherNode)).doesNotHaveDuplicates();

        final ClusterIT.Recorder watched = new ClusterIT.Recorder();
        final RollcallClient watcher = cluster.connect(watcherNode, WATCHER);
        watcher.events().subscribe(watched);
        assertThat(await(watcher.subscribe(new long[]{WRITER, ON_DEAD_NODE}, new long[0]))).isEqualTo(Result.APPLIED);
        final RollcallClient onDeadNode = cluster.connect(leader, ON_DEAD_NODE);
        assertThat(await(onDeadNode.update(new Changes().partyId(7), "before the kill"))).isEqualTo(Result.APPLIED);
        final RollcallClient writer = cluster.connect(writerNode, WRITER);

        final Semaphore window = new Semaphore(IN_FLIGHT);
        final ConcurrentSkipListSet<Long> acknowledged = new ConcurrentSkipListSet<>();
        final List<CompletableFuture<Result>> outcomes = new ArrayList<>();
        final AtomicLong killedAtNs = new AtomicLong();
        final ConcurrentLinkedQueue<Long> ackTimes = new ConcurrentLinkedQueue<>();
        final int total = 4_000;
        for (long party = 1; party <= total; party++)
        {
            if (!window.tryAcquire(TestCluster.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError("no update acknowledged for " + TestCluster.TIMEOUT + "\n" + cluster.output());
            }
            final long value = party;
            final CompletableFuture<Result> outcome = writer.update(new Changes().partyId(value), null);
            outcomes.add(outcome.whenComplete((result, failure) ->
            {
                window.release();
                if (Result.APPLIED == result)
                {
                    acknowledged.add(value);
                    ackTimes.add(System.nanoTime());
                }
            }));
            if (party == total / 4)
            {
                killedAtNs.set(System.nanoTime());
                cluster.nodes().kill(leader);
            }
        }
        for (final CompletableFuture<Result> outcome : outcomes)
        {
            final Result result;
            try
            {
                result = await(outcome);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + "\n" + cluster.output(), ex);
            }
            assertThat(result).as("every update on a surviving node gets a definite outcome").isEqualTo(Result.APPLIED);
        }

        final int newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        // the survivors' /metrics tell of it: the new leader, heard by both gateways, and their roles
        for (final int survivor : List.of(writerNode, watcherNode))
        {
            cluster.awaitUntil("node " + survivor + "'s gateway names the new leader", () ->
                cluster.metrics(survivor).get("rollcall_cluster_leader_member_id") == newLeader - 1.0);
            assertThat(cluster.metrics(survivor).get("rollcall_cluster_leader_changes_total")).isPositive();
            assertThat(cluster.metrics(survivor).get("rollcall_cluster_role")).isEqualTo(survivor == newLeader ? 2.0 : 0.0);
        }
        cluster.awaitUntil("the watcher sees the last update", () -> lastParty(watched) == total);
        final List<Long> seen = watched.parties(WRITER);
        final List<Long> expected = new ArrayList<>();
        for (long party = 1; party <= total; party++)
        {
            expected.add(party);
        }
        assertThat(seen).as("each acknowledged update exactly once, in order").containsExactlyElementsOf(expected);

        // the dead node's user comes back through another node within grace and is never destroyed
        cluster.awaitUntil("the dead node's user is connected again", () ->
            await(watcher.getClients(ON_DEAD_NODE)).get(0).connected());
        assertThat(await(watcher.getClients(ON_DEAD_NODE)).get(0).state().partyId()).isEqualTo(7);
        assertThat(watched.events).noneMatch(event -> event.type() == EventType.CLIENT_DESTROYED);

        // reported, not asserted (tests never time things): the pause in acknowledgements the kill caused
        long previous = killedAtNs.get();
        long pauseEnd = previous;
        long longest = 0;
        for (final long at : ackTimes.stream().sorted().toList())
        {
            if (at > killedAtNs.get())
            {
                if (at - previous > longest)
                {
                    longest = at - previous;
                    pauseEnd = at;
                }
                previous = at;
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "failover.txt"), String.format(
            "cluster-threads %s: leader kill -> updates acknowledged again: %.0f ms (longest pause %.0f ms)%n",
            threads, (pauseEnd - killedAtNs.get()) / 1e6, longest / 1e6), StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    }

    private static long lastParty(final ClusterIT.Recorder recorder)
    {
        final List<Long> parties = recorder.parties(WRITER);
        return parties.isEmpty() ? 0 : parties.get(parties.size() - 1);
    }

}
