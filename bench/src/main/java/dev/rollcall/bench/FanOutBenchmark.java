package dev.rollcall.bench;

import dev.rollcall.model.FieldGroup;
import com.lmax.disruptor.BlockingWaitStrategy;
import dev.rollcall.model.Changes;
import dev.rollcall.core.Counter;
import dev.rollcall.core.EventSink;
import dev.rollcall.model.Field;
import dev.rollcall.core.Mailbox;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.core.PresenceEventHandler;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fan-out: one update of a client in a lobby of {@value #SUBSCRIBERS} subscribers, against the
 * same update in a lobby of one subscriber, through the same pipeline, in the same run.
 * <pre>
 *   benchmark thread ──► ring (256) ──┬─► journal stage (Journal.NONE) ──┐
 *   (callback API)                    └─► logic stage ───────────────────┴─► fan-out ──┬─► EventSink: walks and counts
 *                                         writes the recipient list:                   │   the recipients (sink path)
 *                                         every lobby subscriber                       ├─► one mailbox per subscriber,
 *                                                                                      │   drained by one thread (mailbox path)
 *                                                                                      └─► result ──► ResultTally
 * </pre>
 * <b>One op = one published update</b> of the lobby member's team number (1 ⇄ 2, so it always
 * changes): LOBBY_CLIENT_CHANGE to every subscriber of its lobby. The secondary metric
 * {@code deliveries} is recipients reached per second (ops/s × subscribers).
 * <ul>
 *   <li>{@link #sinkTenThousand}: {@value #SUBSCRIBERS} subscribers, delivered through the
 *   core's {@link EventSink}: called once per event on the fan-out thread with its recipient
 *   list, which it walks and counts ({@link RecipientCounter}). This is the path the gateway
 *   uses (its router groups the list by home thread and writes the event once per thread).
 *   <li>{@link #baselineSinkOneSubscriber}: <b>the baseline</b>, the same pipeline and
 *   update with one lobby subscriber. The ratio of the two op rates is what fanning out to
 *   10,000 costs over the fixed cost of an input through the pipeline; the baseline's
 *   deliveries/s is its ops/s. (A loop copying the event bytes 10,000 times into a ring was
 *   the other candidate; it would measure memcpy, not what the pipeline adds.)
 *   <li>{@link #mailboxesTenThousand} and {@link #baselineMailboxOneSubscriber}: the same
 *   pair with the embedded API's per-subscriber {@link Mailbox} (16 KiB each, 10,000 of them:
 *   160 MiB of direct memory) instead of the sink: the fan-out copies the event into every
 *   mailbox, and one consumer thread polls them all in turn. A full mailbox is dropped, never
 *   waited for, so the benchmark thread keeps a bounded number of ops ahead of what the
 *   consumer has drained (it parks while ahead): the score is end-to-end delivery, consumer
 *   included. The teardown fails the run if a mailbox was dropped.
 * </ul>
 * <b>Ops in flight.</b> JMH counts the ops the benchmark thread published; those still in the
 * pipeline when an iteration ends are delivered in the iteration's teardown, untimed. So the
 * 10,000-subscriber states let at most 32 ops be incomplete (a fraction of a percent of an
 * iteration; 32 ops of 10,000 recipients keep the stages busy), the one-subscriber ones are
 * bounded by the ring (256 slots, the same for all four) and, for the mailbox, 4,096 ops not
 * yet drained. Each slot's recipient list grows to 10,000 ids (80 KB, 20 MB for the ring) and
 * stays so. {@code BlockingWaitStrategy}, the core's default, for the same reason as in
 * {@link MixedPipelineBenchmark}: busy-waiting stages starve each other on two cores.
 * <p>
 * <b>What limits it:</b> per op, the logic walks the lobby's subscriber set to write the
 * recipient list and the fan-out walks that list (a mailbox-map probe per recipient, then the
 * sink, or an offer into each mailbox): ≈ 10,000 × a few ns, single-threaded on the fan-out
 * and logic threads. The mailbox path adds a 16 KiB ring per recipient, i.e. 10,000 cache
 * misses on each side per event.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class FanOutBenchmark
{
    static final int SUBSCRIBERS = 10_000;
    private static final int RING_SIZE = 256;
    private static final long USER = 1;
    private static final long LOBBY = 7;
    private static final long FIRST_SUBSCRIBER = 1_000_000_000L;

    /**
     * Recipients reached per second, JMH's secondary metric {@code deliveries}.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries
    {
        /** Recipients of the updates published in this iteration. */
        public long deliveries;

        /**
         * Start each iteration from zero.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            deliveries = 0;
        }
    }

    /**
     * A Rollcall with one connected user in a lobby and that lobby's subscribers, delivering
     * through the sink or through mailboxes.
     */
    public abstract static class Lobby
    {
        private final int subscribers;
        private final boolean mailboxes;
        private final int window;
        private final int mailboxBytes;
        private final ResultTally tally = new ResultTally();
        private final RecipientCounter sink = new RecipientCounter();
        private final Changes changes = new Changes();
        private final AtomicLong drained = new AtomicLong();
        private Rollcall rollcall;
        private Mailbox[] boxes;
        private Thread drainer;
        private volatile boolean running;
        private volatile long consumed;
        private long published;
        private long expectedDeliveries;
        private int team = 1;

        /**
         * @param subscribers  of the lobby.
         * @param mailboxes    deliver into a mailbox per subscriber, else through the sink.
         * @param window       how many ops may be incomplete (not yet delivered) when the benchmark
         *                     thread publishes another; 0 for no limit but the ring's.
         * @param mailboxBytes mailbox path: the capacity of each mailbox.
         */
        Lobby(final int subscribers, final boolean mailboxes, final int window, final int mailboxBytes)
        {
            this.subscribers = subscribers;
            this.mailboxes = mailboxes;
            this.window = window;
            this.mailboxBytes = mailboxBytes;
        }

        /**
         * Launch, open the mailboxes (mailbox path), connect the user, put it in the lobby and
         * subscribe the subscribers to the lobby.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            rollcall = Rollcall.launch(new RollcallContext()
                .ringSize(RING_SIZE)
                .waitStrategy(new BlockingWaitStrategy())
                .eventSink(mailboxes ? EventSink.NONE : sink));
            if (mailboxes)
            {
                boxes = new Mailbox[subscribers];
                for (int i = 0; i < subscribers; i++)
                {
                    boxes[i] = rollcall.openMailbox(FIRST_SUBSCRIBER + i, mailboxBytes);
                }
            }
            rollcall.connectUser(USER, 1).join();
            rollcall.updateClientInLobby(USER, new Changes().lobbyId(LOBBY).teamNumber(team), null).join();
            final CompletableFuture<?>[] subscribed = new CompletableFuture<?>[subscribers];
            for (int i = 0; i < subscribers; i++)
            {
                subscribed[i] = rollcall.subscribeToLobby(FIRST_SUBSCRIBER + i, LOBBY);
            }
            CompletableFuture.allOf(subscribed).join();
            expectedDeliveries = delivered();
            if (mailboxes)
            {
                running = true;
                drainer = new Thread(this::drain, "mailbox-drainer");
                drainer.setDaemon(true);
                drainer.start();
            }
        }

        /**
         * Wait until every published update is answered and, on the mailbox path, drained, so
         * iterations do not overlap.
         */
        @TearDown(Level.Iteration)
        public void awaitQuiet()
        {
            tally.await(published);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (delivered() < expectedDeliveries)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException(
                        "only " + delivered() + " of " + expectedDeliveries + " deliveries arrived");
                }
                LockSupport.parkNanos(50_000);
            }
        }

        /**
         * Stop, and fail the run if an update was refused, a delivery is missing or a mailbox
         * was dropped.
         *
         * @throws InterruptedException if interrupted while joining the consumer.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            try
            {
                awaitQuiet();
            }
            finally
            {
                running = false;
                if (null != drainer)
                {
                    drainer.join();
                }
                rollcall.close();
            }
            tally.checkNoneRefused();
            final long overflows = rollcall.counters().get(Counter.MAILBOX_OVERFLOWS);
            if (overflows != 0)
            {
                throw new IllegalStateException(overflows + " mailboxes overflowed: the window is too wide");
            }
            if (delivered() != expectedDeliveries)
            {
                throw new IllegalStateException("delivered " + delivered() + ", expected " + expectedDeliveries);
            }
        }

        /**
         * @return ops fully delivered: drained by the consumer (mailbox path), or answered (sink
         * path: the fan-out calls the sink before the callback).
         */
        private long completedOps()
        {
            return mailboxes ? drained.get() / subscribers : tally.results();
        }

        private long delivered()
        {
            return mailboxes ? drained.get() : sink.deliveries();
        }

        /**
         * Publish one lobby-field update, after waiting (parked) until at most {@code window}
         * ops are incomplete, when there is a window.
         *
         * @return the recipients it reaches.
         */
        int publish()
        {
            final long mustBeDone = published - window;
            while (window > 0 && completedOps() < mustBeDone)
            {
                LockSupport.parkNanos(20_000);
            }
            team = 3 - team;
            changes.clear().teamNumber(team);
            rollcall.update(FieldGroup.LOBBY, USER, changes, null, tally, published++);
            expectedDeliveries += subscribers;
            return subscribers;
        }

        /**
         * The consumer thread of the mailbox path: polls every mailbox in turn, reading each
         * event's user id; when a whole pass found nothing it backs off (spin, yield, then park
         * up to 100 µs: Agrona's {@link BackoffIdleStrategy}, what an agent would use).
         */
        private void drain()
        {
            final UserIdReader reader = new UserIdReader();
            final IdleStrategy idle = new BackoffIdleStrategy(
                100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
            final Mailbox[] all = boxes;
            long count = 0;
            while (running)
            {
                int found = 0;
                for (final Mailbox box : all)
                {
                    found += box.poll(reader, Integer.MAX_VALUE);
                }
                if (found > 0)
                {
                    count += found;
                    drained.lazySet(count);
                }
                idle.idle(found);
            }
            consumed = reader.sum;
        }
    }

    /**
     * Reads each polled event, as a consumer would; the sum (published when the consumer
     * stops) keeps the reads alive.
     */
    static final class UserIdReader implements PresenceEventHandler
    {
        long sum;

        @Override
        public void onEvent(final PresenceEvent event)
        {
            sum += event.userId();
        }
    }

    /**
     * {@value #SUBSCRIBERS} lobby subscribers, delivered through the EventSink; at most 32 ops
     * incomplete.
     */
    @State(Scope.Benchmark)
    public static class TenThousandToSink extends Lobby
    {
        /** The state. */
        public TenThousandToSink()
        {
            super(SUBSCRIBERS, false, 32, 0);
        }
    }

    /** One lobby subscriber, delivered through the EventSink; bounded by the ring only. */
    @State(Scope.Benchmark)
    public static class OneToSink extends Lobby
    {
        /** The state. */
        public OneToSink()
        {
            super(1, false, 0, 0);
        }
    }

    /**
     * {@value #SUBSCRIBERS} lobby subscribers, each with a 16 KiB mailbox; at most 32 ops
     * (320,000 deliveries, ≈ 2 KB per mailbox) not yet drained by the consumer.
     */
    @State(Scope.Benchmark)
    public static class TenThousandMailboxes extends Lobby
    {
        /** The state. */
        public TenThousandMailboxes()
        {
            super(SUBSCRIBERS, true, 32, 16 * 1024);
        }
    }

    /**
     * One lobby subscriber with a 1 MiB mailbox; at most 4,096 ops (≈ 256 KB of events) not
     * yet drained by the consumer.
     */
    @State(Scope.Benchmark)
    public static class OneMailbox extends Lobby
    {
        /** The state. */
        public OneMailbox()
        {
            super(1, true, 4096, 1 << 20);
        }
    }

    /**
     * One update fanned out to {@value #SUBSCRIBERS} recipients through the EventSink.
     *
     * @param lobby      the pipeline.
     * @param deliveries the secondary metric.
     */
    @Benchmark
    public void sinkTenThousand(final TenThousandToSink lobby, final Deliveries deliveries)
    {
        deliveries.deliveries += lobby.publish();
    }

    /**
     * Baseline: the same update with one recipient, through the EventSink.
     *
     * @param lobby      the pipeline.
     * @param deliveries the secondary metric.
     */
    @Benchmark
    public void baselineSinkOneSubscriber(final OneToSink lobby, final Deliveries deliveries)
    {
        deliveries.deliveries += lobby.publish();
    }

    /**
     * One update fanned out into {@value #SUBSCRIBERS} mailboxes, drained by a consumer.
     *
     * @param lobby      the pipeline.
     * @param deliveries the secondary metric.
     */
    @Benchmark
    public void mailboxesTenThousand(final TenThousandMailboxes lobby, final Deliveries deliveries)
    {
        deliveries.deliveries += lobby.publish();
    }

    /**
     * Baseline of the mailbox path: the same update into one mailbox.
     *
     * @param lobby      the pipeline.
     * @param deliveries the secondary metric.
     */
    @Benchmark
    public void baselineMailboxOneSubscriber(final OneMailbox lobby, final Deliveries deliveries)
    {
        deliveries.deliveries += lobby.publish();
    }
}
