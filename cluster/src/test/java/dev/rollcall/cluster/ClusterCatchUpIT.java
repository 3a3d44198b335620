package dev.rollcall.cluster;

import dev.rollcall.client.ConnectionListener;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.core.ClientInfo;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.rollcall.cluster.ClusterIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follower's process is killed (SIGKILL) after a cluster snapshot, the others carry on, and it is
 * started again on its data: it starts from its snapshot, replays and catches up on the log, and at
 * the next snapshot its presence state is the same as the others', byte for byte.
 */
class ClusterCatchUpIT
{
    /** On the leader's node: parties and attributes. */
    private static final long HOST = 1;
    /** On the follower that is killed: in the lobby, resumes on another node. */
    private static final long PLAYER = 2;
    /** On the other follower: subscribed to clients and to the lobby. */
    private static final long WATCHER = 3;
    /** On the follower that is killed: gone before the first snapshot, in grace since. */
    private static final long LEAVER = 4;
    /** On the other follower: joins the lobby, leaves it and goes while the follower is down. */
    private static final long GUEST = 5;
    /** Arrives while the follower is down. */
    private static final long LATECOMER = 6;
    /** On the restarted follower. */
    private static final long LOOKER = 7;
    private static final long LOBBY = 9;
    private static final int ROUNDS = 40;

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

    @Test
    void shouldCatchUpFromItsSnapshotAndTheLogAndAgreeByteForByteWhenAFollowerIsRestarted() throws Exception
    {
        // with sync, as a deployment that must survive a power cut runs: the restart reads what the sync stored
        cluster = new TestCluster(data, 3, "--grace", "300s", "--rate-limit", "1000000", "--sync").start();
        for (int node = 1; node <= 3; node++)
        {
            // it logs its start-up line just after it reports ready
            final String prefix = "[node-" + node + "] ";
            cluster.awaitUntil("node " + node + " says it syncs its log", () -> cluster.output().lines().anyMatch(line ->
                line.startsWith(prefix) && line.contains(", log synced to disk at every write")));
        }
        final int leader = cluster.awaitLeader();
        final int restarted = leader % 3 + 1;
        final int other = restarted % 3 + 1;
        assertThat(List.of(leader, restarted, other)).doesNotHaveDuplicates();

        final RollcallClient watcher = cluster.connect(other, WATCHER);
        assertThat(await(watcher.subscribe(new long[]{HOST, PLAYER, LEAVER}, new long[]{LOBBY})))
            .isEqualTo(Result.APPLIED);
        final RollcallClient host = cluster.connect(leader, HOST);
        final AtomicInteger playerReady = new AtomicInteger();
        final RollcallClient player = cluster.connect(cluster.client(restarted, PLAYER).listener(new ConnectionListener()
        {
            @Override
            public void onReady(final RollcallClient client, final long sessionId, final boolean resumed)
            {
                playerReady.incrementAndGet();
            }
        }));
        assertThat(await(player.subscribe(new long[]{HOST}, null))).isEqualTo(Result.APPLIED);
        final RollcallClient leaver = cluster.connect(restarted, LEAVER);
        final RollcallClient guest = cluster.connect(other, GUEST);
        rounds(1, host, player);
        assertThat(await(leaver.update(new Changes().partyId(44).attribute("note", "leaving"), "bye")))
            .isEqualTo(Result.APPLIED);
        leaver.close();
        assertThat(await(guest.updateInLobby(new Changes().lobbyId(LOBBY).ready(true), "join")))
            .isEqualTo(Result.APPLIED);

        final long first = cluster.snapshot();
        final List<byte[]> atFirst = cluster.awaitSnapshots(first);
        assertThat(atFirst.get(restarted - 1)).isEqualTo(atFirst.get(leader - 1)).isEqualTo(atFirst.get(other - 1));

        cluster.nodes().kill(restarted);
        cluster.awaitUntil("the player resumes on another node", () -> playerReady.get() >= 2);
        rounds(ROUNDS + 1, host, player);
        assertThat(await(watcher.unsubscribe(new long[]{LEAVER}, null))).isEqualTo(Result.APPLIED);
        final RollcallClient latecomer = cluster.connect(other, LATECOMER);
        assertThat(await(latecomer.update(new Changes().attribute("late", 1L), null)))
            .isEqualTo(Result.APPLIED);
        assertThat(await(guest.updateInLobby(new Changes().lobbyId(0), "leave"))).isEqualTo(Result.APPLIED);
        guest.close();
        final long lastParty = 2L * ROUNDS;

        final int starts = cluster.restart(restarted);
        final RollcallClient looker = cluster.connect(restarted, LOOKER);
        cluster.awaitUntil("the restarted node has applied the last update", () ->
            await(looker.getClients(HOST)).get(0).state().partyId() == lastParty);
        assertThat(cluster.output().lines()).as("the restarted node starts from its snapshot").anyMatch(line ->
            line.startsWith("[node-" + restarted + "] ") &&
            line.contains("starting from the snapshot at log position " + first + " "));

        final long second = cluster.snapshot();
        assertThat(second).isGreaterThan(first);
        final List<byte[]> atSecond = cluster.awaitSnapshots(second);
        assertThat(atSecond.get(restarted - 1)).as("the restarted node's snapshot is the leader's")
            .isEqualTo(atSecond.get(leader - 1));
        assertThat(atSecond.get(other - 1)).as("the other follower's snapshot is the leader's")
            .isEqualTo(atSecond.get(leader - 1));

        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        final byte[] bytes = atSecond.get(restarted - 1);
        state.loadSnapshot(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(state.clientCount()).isEqualTo(7);
        assertThat(state.countdownCount()).as("the leaver and the guest, in grace").isEqualTo(2);
        assertThat(state.inLobbyCount()).as("the player").isEqualTo(1);
        assertThat(state.subscriptionCount()).as("the watcher's two clients and lobby, the player's host").isEqualTo(4);
        final ClientInfo hostInfo = state.client(HOST);
        assertThat(hostInfo.partyId()).isEqualTo(lastParty);
        assertThat(hostInfo.attributes()).containsEntry("round", lastParty);
        assertThat(state.client(PLAYER).connected()).isTrue();
        assertThat(state.client(PLAYER).lobbyId()).isEqualTo(LOBBY);
        assertThat(state.client(LEAVER).connected()).isFalse();
        assertThat(state.client(LEAVER).attributes()).containsEntry("note", "leaving");
        assertThat(state.client(GUEST).lobbyId()).isZero();
        assertThat(state.client(LOOKER).connected()).isTrue();

        // reported, not asserted: how often the follower had to be started before its mark files let it
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "catchup.txt"), String.format(
            "snapshots at log positions %d and %d (%d presence bytes); the killed follower was started %d time(s)%n",
            first, second, bytes.length, starts), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** {@value #ROUNDS} rounds of the host's party and attributes and the player's lobby moves. */
    private static void rounds(final int from, final RollcallClient host, final RollcallClient player)
    {
        for (int round = from; round < from + ROUNDS; round++)
        {
            assertThat(await(host.update(new Changes().partyId(round).attribute("round", (long)round)
                .attribute("map", "map-" + round % 3), "round"))).isEqualTo(Result.APPLIED);
            assertThat(await(player.updateInLobby(new Changes().lobbyId(LOBBY).ready(round % 2 == 0), "ready?")))
                .isEqualTo(Result.APPLIED);
        }
    }


}
