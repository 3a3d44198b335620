package dev.rollcall.cluster;

import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.core.Counter;
import dev.rollcall.core.Mailbox;
import dev.rollcall.core.ModelAdapter;
import dev.rollcall.core.ModelSequences;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.model.ModelDelivery;
import dev.rollcall.core.model.ModelDirective;
import dev.rollcall.core.model.ReferenceModel;
import dev.rollcall.gateway.ClusterHost;
import dev.rollcall.model.Result;
import io.aeron.cluster.service.ClusterClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The single-node model-based test's sequences ({@link ModelSequences}, the same ones from the same
 * seeds as core's {@code ModelBasedTest}) replayed through a cluster of three nodes in this process,
 * each command issued through a node picked at random: every result (on the issuing node), every
 * subscriber's deliveries and every directive on every node, and every node's clients, client ids
 * and grace must agree with the {@link ReferenceModel}, and the three replicas' snapshots (the core's
 * and the service's bookkeeping) must be byte-equal at the same log position.
 * <p>
 * Time: the log's timestamps, which are the core's input times, come from the consensus module's
 * {@link ClusterClock}, here the test's clock in millis, which only the sequences move. The leader
 * stamps a command when it appends it, so each command's result is awaited before the next step may
 * move the clock: every command's time is then the one the model was given. Grace countdowns end on
 * the leader's cluster timer once the clock passes the earliest deadline, as a tick at the clock's
 * time, before or after the next command at that same time; either way the clients end at their
 * deadlines, as in the model. Aeron 1.51 also derives its own timeouts (election, heartbeats,
 * sessions) from the cluster clock, so this clock's nanosecond readings are the real ones: a clock
 * standing still would never elect a leader, and one jumping by more than the heartbeat timeout
 * would start elections.
 * <p>
 * One cluster serves every sequence: each starts by setting the launch's limits and grace, and ends
 * by removing every subscriber and disconnecting every client (through the cluster and the model,
 * checked like the rest), which leaves no client, subscription or countdown behind.
 * <p>
 * Directives: every replica issues every directive to its own node's handler (a node's gateway
 * closes only the connections it holds); these sequences' connection ids are node 0's, so each
 * node's handler must see exactly the model's directives.
 */
class ClusterModelBasedTest
{
    private static final int NODES = 3;
    private static final long TIMEOUT_SECONDS = 30;
    /** Which node issues each command: a generator of its own, so that the sequences stay the core's. */
    private static final long ISSUERS = 0x155AE5L;
    private static final AtomicLong CLOCK = new AtomicLong(1_000_000);
    private static final ConcurrentLinkedQueue<Throwable> ERRORS = new ConcurrentLinkedQueue<>();
    private static final Replica[] REPLICAS = new Replica[NODES];

    @TempDir
    static Path data;

    /** One node, its core, and what the test saw there. */
    private static final class Replica
    {
        final ClusterNode node;
        final List<ModelDirective> directives = Collections.synchronizedList(new ArrayList<>());
        final Map<Long, Mailbox> mailboxes = new HashMap<>();
        final Map<Long, List<ModelDelivery>> received = new HashMap<>();
        Rollcall rollcall;

        Replica(final ClusterNode node)
        {
            this.node = node;
        }

        /** Poll every mailbox, adding to what each subscriber has received. */
        void poll()
        {
            for (final Map.Entry<Long, Mailbox> entry : mailboxes.entrySet())
            {
                final long subscriber = entry.getKey();
                final List<ModelDelivery> list = received.computeIfAbsent(subscriber, id -> new ArrayList<>());
                entry.getValue().poll(event -> list.add(ModelAdapter.toDelivery(subscriber, event)), Integer.MAX_VALUE);
            }
        }

        void forget()
        {
            directives.clear();
            received.clear();
        }
    }

    /**
     * The log's time is the test's {@link #CLOCK} in millis; the consensus module's own timeouts run on
     * real time ({@link #timeNanos}, {@link #convertToNanos}: Aeron converts the time it just read, and
     * gets the real nanos instead), and its mark file's activity timestamp is the wall clock's.
     */
    private static final class SteppedClusterClock implements ClusterClock
    {
        @Override
        public long time()
        {
            return CLOCK.get();
        }

        @Override
        public long timeMillis()
        {
            return System.currentTimeMillis();
        }

        @Override
        public long timeNanos()
        {
            return System.nanoTime();
        }

        @Override
        public long convertToNanos(final long time)
        {
            return System.nanoTime();
        }
    }

    @BeforeAll
    static void startCluster() throws Exception
    {
        final int portBase = NodeProcesses.freePortRange(ClusterNodeContext.PORTS_PER_NODE * NODES, true);
        final List<String> members = Collections.nCopies(NODES, "127.0.0.1");
        for (int i = 0; i < NODES; i++)
        {
            // both ways of running a node's agents, in one cluster: they must agree byte for byte
            final ClusterHost.Threading threading = 1 == i ? ClusterHost.Threading.DEDICATED : ClusterHost.Threading.SHARED;
            final ClusterNodeContext ctx = new ClusterNodeContext(
                i + 1, members, portBase, threading, data.resolve("node" + (i + 1)), ERRORS::add)
                .clusterClock(new SteppedClusterClock());
            REPLICAS[i] = new Replica(ClusterNode.launch(ctx));
        }
        final List<CompletableFuture<Rollcall>> cores = new ArrayList<>();
        for (final Replica replica : REPLICAS)
        {
            final RollcallContext ctx = new RollcallContext()
                .limits(ModelSequences.LIMITS)
                .errorHandler(ERRORS::add)
                .connectionDirectiveHandler((userId, connectionId, reason) ->
                    replica.directives.add(new ModelDirective(userId, connectionId, reason.name())));
            cores.add(CompletableFuture.supplyAsync(() -> replica.node.launchCore(ctx)));
        }
        for (int i = 0; i < NODES; i++)
        {
            final Replica replica = REPLICAS[i];
            replica.rollcall = cores.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // attached before any command of the test: the service thread applies the attachment first
            for (final long subscriber : ModelSequences.subscribers())
            {
                replica.mailboxes.put(subscriber, replica.rollcall.openMailbox(subscriber, 1 << 20));
            }
            replica.node.start(replica.rollcall);
        }
        // a leader is elected and every node's session is open once a command of each comes back
        for (final Replica replica : REPLICAS)
        {
            assertThat(replica.rollcall.setGracePeriod(0).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(Result.APPLIED);
        }
        settledSnapshots();
        for (final Replica replica : REPLICAS)
        {
            replica.poll();
            replica.forget();
        }
        assertThat(ERRORS).isEmpty();
    }

    @AfterAll
    static void stopCluster()
    {
        for (final Replica replica : REPLICAS)
        {
            if (null != replica)
            {
                replica.node.leave();
            }
        }
        for (final Replica replica : REPLICAS)
        {
            if (null != replica)
            {
                replica.node.close();
                if (null != replica.rollcall)
                {
                    replica.rollcall.close();
                }
            }
        }
    }

    @Test
    void shouldAgreeWithReferenceModelOnEveryReplica()
    {
        // by default the single-node test's first sequences: the same seed
        runSeeds(Long.getLong("rollcall.model.seed", 0x5EED), Integer.getInteger("rollcall.cluster.model.sequences", 50), 60);
    }

    @Test
    @Tag("slow")
    void shouldAgreeWithReferenceModelOnEveryReplicaOnLongSequences()
    {
        runSeeds(Long.getLong("rollcall.model.seed", System.nanoTime()), 100, 400);
    }

    private static void runSeeds(final long masterSeed, final int sequences, final int length)
    {
        ModelSequences.runSeeds(masterSeed, sequences, length, ClusterModelBasedTest::runSequence,
            ClusterModelBasedTest::describeCluster);
    }

    private static void runSequence(final long seed, final int length, final List<String> log) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final SplittableRandom issuers = new SplittableRandom(seed ^ ISSUERS);
        final ModelSequences.Launch launch = ModelSequences.launch(random);
        final ReferenceModel model = launch.model();
        log.add("launch grace=" + launch.grace() + " (the pipeline's shape drawn is the cluster's own)");

        // as launched: the same limits and grace on every replica as in the fresh model
        issue(issuers, log, "setLimits(" + ModelSequences.LIMITS + ")", rollcall -> rollcall.setLimits(ModelSequences.LIMITS),
            ReferenceModel.APPLIED);
        issue(issuers, log, "setGracePeriod(" + launch.grace() + ")", rollcall -> rollcall.setGracePeriod(launch.grace()),
            ReferenceModel.APPLIED);

        for (int i = 0; i < length; i++)
        {
            final Replica issuer = REPLICAS[issuers.nextInt(NODES)];
            final ModelSequences.Step step = ModelSequences.step(random, issuer.rollcall, model, CLOCK);
            log.add("node " + issuer.node.node() + ": " + step);
            // awaited before the clock may move: the leader stamped it with the model's time
            final Result actual = step.future().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(actual.name()).as("result of %s on node %d", step, issuer.node.node()).isEqualTo(step.expected());
        }
        verify(model, "after the sequence");

        // leave nothing behind for the next sequence: no subscription, no client, no countdown
        for (final long subscriber : ModelSequences.subscribers())
        {
            issue(issuers, log, "removeSubscriber(" + subscriber + ")", rollcall -> rollcall.removeSubscriber(subscriber),
                model.removeSubscriber(CLOCK.get(), subscriber));
        }
        for (final long userId : model.clientIds())
        {
            issue(issuers, log, "disconnectUser(" + userId + ")", rollcall -> rollcall.disconnectUser(userId),
                model.disconnectUser(CLOCK.get(), userId));
        }
        verify(model, "after the clean-up");
        assertThat(model.clientIds()).isEmpty();
        for (final Replica replica : REPLICAS)
        {
            replica.forget();
        }
    }

    private static void issue(
        final SplittableRandom issuers,
        final List<String> log,
        final String command,
        final Function<Rollcall, CompletableFuture<Result>> send,
        final String expected) throws Exception
    {
        final Replica issuer = REPLICAS[issuers.nextInt(NODES)];
        log.add("node " + issuer.node.node() + ": t=" + CLOCK.get() + " " + command + " -> " + expected);
        final Result actual = send.apply(issuer.rollcall).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(actual.name()).as("result of %s on node %d", command, issuer.node.node()).isEqualTo(expected);
    }

    private static void verify(final ReferenceModel model, final String when) throws Exception
    {
        final PresenceClusteredService.ReplicaSnapshot[] snapshots = settledSnapshots();
        for (int i = 1; i < NODES; i++)
        {
            assertThat(snapshots[i].core()).as("%s: node %d's core snapshot is node 1's", when, i + 1)
                .isEqualTo(snapshots[0].core());
            assertThat(snapshots[i].bytes()).as("%s: node %d's service snapshot is node 1's", when, i + 1)
                .isEqualTo(snapshots[0].bytes());
        }
        final long[] clientIds = model.clientIds().stream().mapToLong(Long::longValue).toArray();
        for (final Replica replica : REPLICAS)
        {
            final int node = replica.node.node();
            replica.poll();
            for (final long subscriber : ModelSequences.subscribers())
            {
                final List<ModelDelivery> wanted = model.deliveries().stream()
                    .filter(d -> d.subscriberId() == subscriber).toList();
                assertThat(replica.received.getOrDefault(subscriber, List.of()))
                    .as("%s: deliveries to subscriber %d on node %d", when, subscriber, node)
                    .containsExactlyElementsOf(wanted);
            }
            assertThat(new ArrayList<>(replica.directives)).as("%s: directives on node %d", when, node)
                .containsExactlyElementsOf(model.directives());
            for (final long userId : ModelSequences.USERS)
            {
                assertThat(ModelAdapter.toModel(replica.rollcall.getClient(userId)))
                    .as("%s: client %d on node %d", when, userId, node).isEqualTo(model.client(userId));
            }
            assertThat(replica.rollcall.listClientIds()).as("%s: client ids on node %d", when, node)
                .containsExactly(clientIds);
            assertThat(replica.rollcall.gracePeriodMs()).as("%s: grace on node %d", when, node)
                .isEqualTo(model.gracePeriod());
            assertThat(replica.rollcall.counters().get(Counter.HANDLER_ERRORS))
                .as("%s: handler errors on node %d", when, node).isZero();
        }
        assertThat(ERRORS).as(when + ": errors").isEmpty();
    }

    private static String describeCluster()
    {
        final StringBuilder builder = new StringBuilder();
        for (final Replica replica : REPLICAS)
        {
            builder.append(replica.node.describe()).append(", leader heard: member ").append(replica.node.leaderMemberId())
                .append('\n');
        }
        for (final Throwable error : ERRORS)
        {
            builder.append("error: ").append(error).append('\n');
        }
        return builder.toString();
    }

    /**
     * Every replica's snapshot at one log position: asked again until all three report the same one
     * (the issuing node applies a command before the others; a timer may still append a tick that
     * ends nothing).
     */
    private static PresenceClusteredService.ReplicaSnapshot[] settledSnapshots() throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true)
        {
            final PresenceClusteredService.ReplicaSnapshot[] snapshots = new PresenceClusteredService.ReplicaSnapshot[NODES];
            for (int i = 0; i < NODES; i++)
            {
                snapshots[i] = REPLICAS[i].node.replicaSnapshot().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (Arrays.stream(snapshots).allMatch(s -> s.logPosition() == snapshots[0].logPosition()))
            {
                return snapshots;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new AssertionError("the replicas never reached one log position: " +
                    Arrays.stream(snapshots).map(s -> Long.toString(s.logPosition())).toList());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
