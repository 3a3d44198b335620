package dev.rollcall.bench;

import dev.rollcall.model.FieldGroup;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import dev.rollcall.model.Changes;
import dev.rollcall.core.CommandCallback;
import dev.rollcall.model.Field;
import dev.rollcall.core.Mailbox;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Status;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole embedded pipeline against a bare Disruptor, same ring size and wait strategy, in
 * the same run.
 * <pre>
 *   rollcall:  benchmark thread ──► ring ──┬─► journal stage (Journal.NONE) ──┐
 *                                          └─► logic stage ──────────────────┴─► fan-out ──► mailbox
 *   baseline:  benchmark thread ──► ring ──► no-op handler
 * </pre>
 * One op = one published command (a standard-field update of one of 10,000 connected clients,
 * watched by one subscriber whose mailbox a consumer thread drains), through the
 * allocation-free callback API. Throughput is bounded by the slowest stage: producers wait
 * for free slots. Run with {@code -prof gc} to see the bytes allocated per op across all
 * threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class PipelineBenchmark
{
    private static final int CLIENTS = 10_000;
    private static final long WATCHER = 1_000_000;

    /** Disruptor wait strategy of both the pipeline and the baseline. */
    @Param({"blocking", "yielding"})
    public String waitStrategy;

    private static final int RING_SIZE = 65_536;

    private Rollcall rollcall;
    private Mailbox mailbox;
    private Thread drainer;
    private volatile boolean running;
    private final Changes changes = new Changes();
    private final AtomicLong results = new AtomicLong();
    private final CommandCallback callback = (correlationId, result) -> results.lazySet(correlationId);
    private long published;
    private int next;

    private Disruptor<long[]> baseline;
    private RingBuffer<long[]> baselineRing;

    private WaitStrategy strategy()
    {
        return "yielding".equals(waitStrategy) ? new YieldingWaitStrategy() : new BlockingWaitStrategy();
    }

    /**
     * Start both pipelines and connect the clients.
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        rollcall = Rollcall.launch(new RollcallContext().ringSize(RING_SIZE).waitStrategy(strategy())
            .mailboxCapacity(1 << 22));
        mailbox = rollcall.openMailbox(WATCHER);
        for (long userId = 1; userId <= CLIENTS; userId++)
        {
            rollcall.connectUser(userId, 1);
            rollcall.subscribeToClient(WATCHER, userId);
        }
        rollcall.setGracePeriod(300_000).get();
        running = true;
        drainer = new Thread(() ->
        {
            while (running)
            {
                if (mailbox.poll(event -> { }, 1024) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }, "mailbox-drainer");
        drainer.setDaemon(true);
        drainer.start();

        baseline = new Disruptor<>(() -> new long[1], RING_SIZE, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, strategy());
        final EventHandler<long[]> noop = (event, sequence, endOfBatch) -> { };
        baseline.handleEventsWith(noop);
        baselineRing = baseline.start();
    }

    /**
     * Wait for every published command's result so iterations do not overlap.
     */
    @TearDown(Level.Iteration)
    public void drain()
    {
        while (results.get() < published - 1)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Stop everything.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        running = false;
        drainer.join();
        rollcall.close();
        baseline.shutdown();
        if (mailbox.state() != Mailbox.State.ACTIVE)
        {
            throw new IllegalStateException("the drained mailbox was dropped: " + mailbox.state());
        }
    }

    /**
     * Publish one standard-field update through Rollcall.
     */
    @Benchmark
    public void rollcallUpdate()
    {
        next = next == CLIENTS ? 1 : next + 1;
        changes.clear().status((published & 1) == 0 ? Status.IDLE : Status.ONLINE);
        rollcall.update(FieldGroup.STANDARD, next, changes, null, callback, published++);
    }

    /**
     * Baseline: publish one event to a bare Disruptor with a no-op handler.
     */
    @Benchmark
    public void baselineDisruptorNoop()
    {
        final long sequence = baselineRing.next();
        baselineRing.get(sequence)[0] = sequence;
        baselineRing.publish(sequence);
    }

}
