package dev.rollcall.cluster;

import dev.rollcall.core.CommandCallback;
import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import io.aeron.Aeron;
import io.aeron.DirectBufferVector;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service fed log entries by hand (a stub {@link Cluster}), on the test's thread: the
 * bookkeeping of gateway sessions, exactly-once re-sends, results for this node only, grace
 * timers on the log's time.
 */
class PresenceClusteredServiceTest
{
    private static final long THIS_NODES_SESSION = 11;
    private static final long OTHER_NODES_SESSION = 22;

    private final IngressProgress progress = new IngressProgress();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final StubCluster cluster = new StubCluster();
    private final List<String> results = new CopyOnWriteArrayList<>();
    private final CommandCallback callback = (correlationId, result) -> results.add(correlationId + ":" + result);
    private final ExpandableDirectByteBuffer message = new ExpandableDirectByteBuffer(256);
    private PresenceClusteredService service;
    private Rollcall rollcall;

    @BeforeEach
    void start() throws Exception
    {
        service = new PresenceClusteredService(progress, errors::add, null);
        final CompletableFuture<Rollcall> launched = CompletableFuture.supplyAsync(() -> service.launchCore(
            new RollcallContext().sequencer((input, offset, length, correlationId) -> true).node(1).tickIntervalMs(0)));
        service.onStart(cluster, null);
        rollcall = launched.get(10, TimeUnit.SECONDS);
        progress.sessionId(THIS_NODES_SESSION);
        // the callback is registered by a command issued through this node's core
        rollcall.connectUser(1, 1, callback, 99);
    }

    @AfterEach
    void stop()
    {
        rollcall.close();
    }

    @Test
    void shouldApplyAReSentCommandOnceAndCountTheDuplicate()
    {
        hello(THIS_NODES_SESSION, 1, 1_000);
        command(THIS_NODES_SESSION, 1, 2, 7, connect(5, 100), 1_001);
        command(THIS_NODES_SESSION, 1, 2, 7, connect(5, 100), 1_002);
        command(THIS_NODES_SESSION, 1, 3, 8, lost(5, 100), 1_003);
        command(THIS_NODES_SESSION, 1, 2, 7, connect(5, 100), 1_004);

        assertThat(results).containsExactly("7:APPLIED", "8:APPLIED");
        assertThat(rollcall.getClient(5).connected()).isFalse();
        assertThat(counter(ClusterCounters.Kind.DUPLICATES_SKIPPED)).isEqualTo(2);
        assertThat(progress.appliedSequence()).isEqualTo(3);
    }

    @Test
    void shouldGiveResultsOnlyForThisNodesSession()
    {
        hello(OTHER_NODES_SESSION, 2, 1_000);
        command(OTHER_NODES_SESSION, 2, 2, 7, connect(5, node(2, 1)), 1_001);

        assertThat(results).isEmpty();
        assertThat(rollcall.getClient(5).connected()).isTrue();
        assertThat(progress.appliedSequence()).isZero();
    }

    @Test
    void shouldRefuseACommandBeforeItsSessionsHelloOrForAnotherNode()
    {
        command(OTHER_NODES_SESSION, 2, 1, 7, connect(5, node(2, 1)), 1_000);
        hello(OTHER_NODES_SESSION, 2, 1_001);
        command(OTHER_NODES_SESSION, 3, 2, 8, connect(6, node(3, 1)), 1_002);

        assertThat(rollcall.getClient(5)).isNull();
        assertThat(rollcall.getClient(6)).isNull();
        assertThat(counter(ClusterCounters.Kind.REFUSED)).isEqualTo(2);
        assertThat(errors).hasSize(2);
    }

    @Test
    void shouldLoseOnlyTheClosedNodesConnectionsAndNotAfterANewerHello()
    {
        rollcall.setGracePeriod(0);
        hello(THIS_NODES_SESSION, 1, 1_000);
        hello(OTHER_NODES_SESSION, 2, 1_000);
        command(THIS_NODES_SESSION, 1, 2, 0, grace(60_000), 1_000);
        command(THIS_NODES_SESSION, 1, 3, 0, connect(5, node(1, 1)), 1_001);
        command(OTHER_NODES_SESSION, 2, 2, 0, connect(6, node(2, 1)), 1_001);
        command(OTHER_NODES_SESSION, 2, 3, 0, connect(5, node(2, 2)), 1_001);

        // node 2's gateway restarts: its new session's HELLO loses the old one's connections ...
        hello(33, 2, 2_000);
        assertThat(rollcall.getClient(6).connected()).isFalse();
        assertThat(rollcall.getClient(5).connectionIds()).containsExactly(node(1, 1));
        command(33, 2, 2, 0, connect(6, node(2, 3)), 2_001);
        // ... and the old session's late close loses nothing more
        service.onSessionClose(session(OTHER_NODES_SESSION), 2_002, CloseReason.TIMEOUT);
        assertThat(rollcall.getClient(6).connected()).isTrue();
        // node 1's session closes: its connections are lost, node 2's stay
        service.onSessionClose(session(THIS_NODES_SESSION), 2_003, CloseReason.TIMEOUT);
        assertThat(rollcall.getClient(5).connected()).isFalse();
        assertThat(rollcall.getClient(6).connected()).isTrue();
    }

    @Test
    void shouldScheduleTheGraceTimerAtTheEarliestDeadlineAndEndTheCountdownWhenItFires()
    {
        hello(THIS_NODES_SESSION, 1, 1_000);
        command(THIS_NODES_SESSION, 1, 2, 0, grace(5_000), 1_000);
        command(THIS_NODES_SESSION, 1, 3, 0, connect(5, node(1, 1)), 1_000);
        command(THIS_NODES_SESSION, 1, 4, 0, lost(5, node(1, 1)), 2_000);

        assertThat(cluster.timers).containsExactly(PresenceClusteredService.GRACE_TIMER_ID + "@7000");
        service.onTimerEvent(PresenceClusteredService.GRACE_TIMER_ID, 7_000);

        assertThat(rollcall.getClient(5)).isNull();
        // the timer that fired is gone: nothing to cancel, nothing new to schedule
        assertThat(cluster.timers).containsExactly(PresenceClusteredService.GRACE_TIMER_ID + "@7000");
    }

    private long counter(final ClusterCounters.Kind kind)
    {
        return service.counters().get(kind).get();
    }

    private static long node(final int node, final long local)
    {
        return dev.rollcall.core.ConnectionIds.of(node, local);
    }

    private static Input connect(final long userId, final long connectionId)
    {
        return new Input().set(InputType.CONNECT_USER, 0).userId(userId).connectionId(connectionId);
    }

    private static Input lost(final long userId, final long connectionId)
    {
        return new Input().set(InputType.CONNECTION_LOST, 0).userId(userId).connectionId(connectionId);
    }

    private static Input grace(final long millis)
    {
        return new Input().set(InputType.SET_GRACE_PERIOD, 0).value(millis);
    }

    private void hello(final long sessionId, final int node, final long timestamp)
    {
        final int at = IngressDescriptor.LENGTH_PREFIX;
        message.putInt(0, IngressDescriptor.HEADER_LENGTH, IngressDescriptor.ORDER);
        message.putInt(at + IngressDescriptor.TYPE_OFFSET, IngressDescriptor.HELLO, IngressDescriptor.ORDER);
        message.putInt(at + IngressDescriptor.NODE_OFFSET, node, IngressDescriptor.ORDER);
        message.putLong(at + IngressDescriptor.SEQUENCE_OFFSET, 1, IngressDescriptor.ORDER);
        message.putLong(at + IngressDescriptor.CORRELATION_ID_OFFSET, 0, IngressDescriptor.ORDER);
        service.onSessionMessage(session(sessionId), timestamp, message, 0, at + IngressDescriptor.HEADER_LENGTH, null);
    }

    private void command(
        final long sessionId, final int node, final long sequence, final long correlationId, final Input input,
        final long timestamp)
    {
        final int at = IngressDescriptor.LENGTH_PREFIX;
        message.putInt(at + IngressDescriptor.TYPE_OFFSET, IngressDescriptor.COMMAND, IngressDescriptor.ORDER);
        message.putInt(at + IngressDescriptor.NODE_OFFSET, node, IngressDescriptor.ORDER);
        message.putLong(at + IngressDescriptor.SEQUENCE_OFFSET, sequence, IngressDescriptor.ORDER);
        message.putLong(at + IngressDescriptor.CORRELATION_ID_OFFSET, correlationId, IngressDescriptor.ORDER);
        final int length = InputCodec.encode(message, at + IngressDescriptor.HEADER_LENGTH, input);
        message.putInt(0, IngressDescriptor.HEADER_LENGTH + length, IngressDescriptor.ORDER);
        service.onSessionMessage(session(sessionId), timestamp, message, 0, at + IngressDescriptor.HEADER_LENGTH + length,
            null);
    }

    private static ClientSession session(final long id)
    {
        return new ClientSession()
        {
            public long id()
            {
                return id;
            }

            public int responseStreamId()
            {
                return 0;
            }

            public String responseChannel()
            {
                return "";
            }

            public byte[] encodedPrincipal()
            {
                return new byte[0];
            }

            public void close()
            {
            }

            public boolean isClosing()
            {
                return false;
            }

            public long offer(final DirectBuffer buffer, final int offset, final int length)
            {
                return MOCKED_OFFER;
            }

            public long offer(final DirectBufferVector[] vectors)
            {
                return MOCKED_OFFER;
            }

            public long tryClaim(final int length, final BufferClaim bufferClaim)
            {
                return MOCKED_OFFER;
            }
        };
    }

    /** Records timers; everything else is unused by the service. */
    private static final class StubCluster implements Cluster
    {
        final List<String> timers = new ArrayList<>();

        public int memberId()
        {
            return 0;
        }

        public Role role()
        {
            return Role.LEADER;
        }

        public long logPosition()
        {
            return 0;
        }

        public Aeron aeron()
        {
            return null;
        }

        public ClusteredServiceContainer.Context context()
        {
            return null;
        }

        public ClientSession getClientSession(final long clusterSessionId)
        {
            return null;
        }

        public Collection<ClientSession> clientSessions()
        {
            return List.of();
        }

        public void forEachClientSession(final Consumer<? super ClientSession> action)
        {
        }

        public boolean closeClientSession(final long clusterSessionId)
        {
            return false;
        }

        public long time()
        {
            return 0;
        }

        public TimeUnit timeUnit()
        {
            return TimeUnit.MILLISECONDS;
        }

        public boolean scheduleTimer(final long correlationId, final long deadline)
        {
            timers.add(correlationId + "@" + deadline);
            return true;
        }

        public boolean cancelTimer(final long correlationId)
        {
            timers.add("cancel");
            return true;
        }

        public long offer(final DirectBuffer buffer, final int offset, final int length)
        {
            return 0;
        }

        public long offer(final DirectBufferVector[] vectors)
        {
            return 0;
        }

        public long tryClaim(final int length, final BufferClaim bufferClaim)
        {
            return 0;
        }

        public IdleStrategy idleStrategy()
        {
            return NoOpIdleStrategy.INSTANCE;
        }
    }
}
