package dev.rollcall.core;

import com.lmax.disruptor.WaitStrategy;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;

/**
 * Configuration of an embedded {@link Rollcall}: fluent setters with defaults, checked by
 * {@link #conclude()} when launched. Not thread safe; do not change after launch.
 */
public final class RollcallContext
{
    /**
     * Default ring size: 1,024 slots. Small on purpose: a slot with its input and outbox spans
     * several cache lines, and a ring whose slots stay in cache ran the mixed workload about
     * twice as fast as one of 8,192 or 65,536 slots (docs/BENCHMARKS.md, issue 10). Producers
     * wait for a free slot when it is full.
     */
    public static final int DEFAULT_RING_SIZE = 1024;
    /** Default grace period: 300 s. */
    public static final long DEFAULT_GRACE_PERIOD_MS = 300_000;
    /** Default tick interval: 1 s (the clock thread parks until a deadline; see {@link #tickIntervalMs(long)}). */
    public static final long DEFAULT_TICK_INTERVAL_MS = 1000;
    /** Default mailbox capacity: 256 KiB. */
    public static final int DEFAULT_MAILBOX_CAPACITY = 256 * 1024;

    /** Default snapshot interval: 300 s (when the journal stores snapshots and inputs arrived). */
    public static final long DEFAULT_SNAPSHOT_INTERVAL_MS = 300_000;
    /** Default snapshot period in inputs: every 1,000,000 inputs. */
    public static final long DEFAULT_SNAPSHOT_EVERY_INPUTS = 1_000_000;

    /**
     * Default counters capacity: 256 counters (160 KiB), room for the core's own and more;
     * {@code Gateway.launch} raises it to fit its threads' counters.
     */
    public static final int DEFAULT_COUNTERS_CAPACITY = 256;

    private int ringSize = DEFAULT_RING_SIZE;
    private long snapshotIntervalMs = DEFAULT_SNAPSHOT_INTERVAL_MS;
    private long snapshotEveryInputs = DEFAULT_SNAPSHOT_EVERY_INPUTS;
    private WaitStrategy waitStrategy;
    private PipelineLayout layout;
    private long gracePeriodMs = DEFAULT_GRACE_PERIOD_MS;
    private long tickIntervalMs = DEFAULT_TICK_INTERVAL_MS;
    private Sequencer sequencer;
    private int node;
    private int mailboxCapacity = DEFAULT_MAILBOX_CAPACITY;
    private Limits limits = Limits.DEFAULT;
    private EpochClock clock = SystemEpochClock.INSTANCE;
    private Journal journal = Journal.NONE;
    private ConnectionDirectiveHandler connectionDirectiveHandler = ConnectionDirectiveHandler.NONE;
    private EventSink eventSink = EventSink.NONE;
    private boolean firehose;
    private ErrorHandler errorHandler;
    private Path countersFile;
    private int countersCapacity = DEFAULT_COUNTERS_CAPACITY;

    /**
     * Check the settings and fill defaults.
     *
     * @return this.
     * @throws IllegalArgumentException when a setting is out of range.
     */
    public RollcallContext conclude()
    {
        if (!BitUtil.isPowerOfTwo(ringSize))
        {
            throw new IllegalArgumentException("ringSize must be a power of two: " + ringSize);
        }
        if (gracePeriodMs < 0)
        {
            throw new IllegalArgumentException("gracePeriodMs must be >= 0: " + gracePeriodMs);
        }
        if (tickIntervalMs < 0)
        {
            throw new IllegalArgumentException("tickIntervalMs must be >= 0 (0 = no clock thread ticks): " + tickIntervalMs);
        }
        checkMailboxCapacity(mailboxCapacity);
        if (null == limits)
        {
            throw new IllegalArgumentException("limits must not be null");
        }
        if (snapshotIntervalMs < 0 || snapshotEveryInputs < 0)
        {
            throw new IllegalArgumentException("snapshot periods must be >= 0: " + snapshotIntervalMs + " ms, " +
                snapshotEveryInputs + " inputs");
        }
        if (countersCapacity < RollcallCounters.COUNTERS_ALLOCATED || countersCapacity > CountersFileDescriptor.MAX_CAPACITY)
        {
            throw new IllegalArgumentException("countersCapacity must be between " + RollcallCounters.COUNTERS_ALLOCATED +
                " (the core's own counters) and " + CountersFileDescriptor.MAX_CAPACITY + ": " + countersCapacity);
        }
        if (null != sequencer)
        {
            if (null != layout && layout != PipelineLayout.INVOKED)
            {
                throw new IllegalArgumentException("a sequenced pipeline runs in layout INVOKED, not " + layout);
            }
            layout = PipelineLayout.INVOKED;
        }
        if (null == layout)
        {
            layout = PipelineLayout.forCores(Runtime.getRuntime().availableProcessors());
        }
        if (null == waitStrategy)
        {
            waitStrategy = new ParkingWaitStrategy();
        }
        if (null == errorHandler)
        {
            errorHandler = Throwable::printStackTrace;
        }
        return this;
    }

    static void checkMailboxCapacity(final int capacity)
    {
        if (!BitUtil.isPowerOfTwo(capacity) || capacity < 1024)
        {
            throw new IllegalArgumentException("mailbox capacity must be a power of two >= 1024: " + capacity);
        }
    }

    /** @return time between periodic snapshots, 0 for none by time. */
    public long snapshotIntervalMs()
    {
        return snapshotIntervalMs;
    }

    /**
     * @param snapshotIntervalMs take a snapshot this often (if inputs arrived since the last);
     *                           0 for none by time. Only when the journal stores snapshots.
     * @return this.
     */
    public RollcallContext snapshotIntervalMs(final long snapshotIntervalMs)
    {
        this.snapshotIntervalMs = snapshotIntervalMs;
        return this;
    }

    /** @return inputs between periodic snapshots, 0 for none by count. */
    public long snapshotEveryInputs()
    {
        return snapshotEveryInputs;
    }

    /**
     * @param snapshotEveryInputs take a snapshot after this many inputs; 0 for none by count.
     * @return this.
     */
    public RollcallContext snapshotEveryInputs(final long snapshotEveryInputs)
    {
        this.snapshotEveryInputs = snapshotEveryInputs;
        return this;
    }

    /** @return slots in the ring. */
    public int ringSize()
    {
        return ringSize;
    }

    /** @param ringSize slots in the ring, a power of two. @return this. */
    public RollcallContext ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    /** @return how the stages map onto threads; default {@link PipelineLayout#forCores} of this machine. */
    public PipelineLayout layout()
    {
        return layout;
    }

    /**
     * @param layout how the stages map onto threads; null for the default chosen by core count.
     * @return this.
     */
    public RollcallContext layout(final PipelineLayout layout)
    {
        this.layout = layout;
        return this;
    }

    /** @return how the pipeline's threads wait; default {@link ParkingWaitStrategy}. */
    public WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * @param waitStrategy how the pipeline's threads wait. {@link ParkingWaitStrategy} (the
     *                     default) spins briefly, then parks, on dependencies too: it suits
     *                     shared and small machines. Yielding/BusySpin need a core per stage.
     *                     {@link WaitStrategies#byName} names them all.
     * @return this.
     */
    public RollcallContext waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    /** @return the initial grace period. */
    public long gracePeriodMs()
    {
        return gracePeriodMs;
    }

    /**
     * @param gracePeriodMs initial grace period in millis (0 = destroy at once); journaled as
     *                      the first input, changeable later with {@link Rollcall#setGracePeriod(long)}.
     * @return this.
     */
    public RollcallContext gracePeriodMs(final long gracePeriodMs)
    {
        this.gracePeriodMs = gracePeriodMs;
        return this;
    }

    /** @return tick interval of the clock thread. */
    public long tickIntervalMs()
    {
        return tickIntervalMs;
    }

    /**
     * The clock thread publishes a tick only when a grace countdown is due, parking until the
     * earliest deadline in between (an idle pipeline journals no ticks). While a countdown
     * runs it reads the clock at least every {@code tickIntervalMs}, which matters only for a
     * clock that does not follow real time (tests) or steps back.
     *
     * @param tickIntervalMs {@code > 0} for the clock thread's ticks; 0 for none (then time
     *                       advances only with inputs and {@link Rollcall#tick()}).
     * @return this.
     */
    public RollcallContext tickIntervalMs(final long tickIntervalMs)
    {
        this.tickIntervalMs = tickIntervalMs;
        return this;
    }

    /** @return default capacity of a mailbox in bytes. */
    public int mailboxCapacity()
    {
        return mailboxCapacity;
    }

    /** @param mailboxCapacity default mailbox capacity in bytes, a power of two. @return this. */
    public RollcallContext mailboxCapacity(final int mailboxCapacity)
    {
        this.mailboxCapacity = mailboxCapacity;
        return this;
    }

    /** @return the update limits this run starts with; default {@link Limits#DEFAULT}. */
    public Limits limits()
    {
        return limits;
    }

    /**
     * @param limits the update limits (UTF-8 bytes) this run starts with: journaled at launch as a
     *               {@link InputType#SET_LIMITS} input, like the grace period, so they replace the
     *               recovered state's limits from then on; changeable later with {@link Rollcall#setLimits(Limits)}.
     * @return this.
     */
    public RollcallContext limits(final Limits limits)
    {
        this.limits = limits;
        return this;
    }

    /** @return the clock producers stamp inputs with. */
    public EpochClock clock()
    {
        return clock;
    }

    /** @param clock the clock producers stamp inputs with (tests use a manual one). @return this. */
    public RollcallContext clock(final EpochClock clock)
    {
        this.clock = clock;
        return this;
    }

    /** @return this node's number: 0 on a single node, from 1 in a cluster ({@link ConnectionIds}). */
    public int node()
    {
        return node;
    }

    /**
     * @param node this node's number ({@link ConnectionIds}): the connections its gateway numbers are
     *             this node's, and {@link Rollcall#listLocalClientIds()} lists the clients with one.
     * @return this.
     */
    public RollcallContext node(final int node)
    {
        if (node < 0 || node > ConnectionIds.MAX_NODE)
        {
            throw new IllegalArgumentException("node must be 0 to " + ConnectionIds.MAX_NODE + ": " + node);
        }
        this.node = node;
        return this;
    }

    /** @return the sequencer, or null when commands go on the local ring. */
    public Sequencer sequencer()
    {
        return sequencer;
    }

    /**
     * Have the commands ordered outside the process (Aeron Cluster): see {@link Sequencer}. The
     * pipeline then runs in layout {@link PipelineLayout#INVOKED} on the thread that applies the
     * sequenced log ({@link Rollcall#applySequenced}); launch journals nothing of its own (no limits,
     * grace or connection reset: those arrive through the log), and the clock thread never ticks
     * (grace countdowns end on the log's time).
     *
     * @param sequencer the sequencer, or null (the default) for the local ring.
     * @return this.
     */
    public RollcallContext sequencer(final Sequencer sequencer)
    {
        this.sequencer = sequencer;
        return this;
    }

    /** @return the journal. */
    public Journal journal()
    {
        return journal;
    }

    /** @param journal where inputs are recorded; default {@link Journal#NONE}. @return this. */
    public RollcallContext journal(final Journal journal)
    {
        this.journal = journal;
        return this;
    }

    /** @return who closes connections on the logic's behalf. */
    public ConnectionDirectiveHandler connectionDirectiveHandler()
    {
        return connectionDirectiveHandler;
    }

    /** @param handler who closes connections on the logic's behalf. @return this. */
    public RollcallContext connectionDirectiveHandler(final ConnectionDirectiveHandler handler)
    {
        this.connectionDirectiveHandler = handler;
        return this;
    }

    /** @return who receives every delivered event with its recipients. */
    public EventSink eventSink()
    {
        return eventSink;
    }

    /**
     * @param eventSink receives every delivered event with its recipients on the fan-out
     *                  thread; default {@link EventSink#NONE}.
     * @return this.
     */
    public RollcallContext eventSink(final EventSink eventSink)
    {
        this.eventSink = eventSink;
        return this;
    }

    /** @return whether own-view client-topic events also go to {@link EventSink#FIREHOSE}. */
    public boolean firehose()
    {
        return firehose;
    }

    /**
     * @param firehose address every client-topic event of each user's own view (true state,
     *                 invisible users included) to {@link EventSink#FIREHOSE} as well, for
     *                 trusted consumers of the whole stream (the gateway's shards); default off.
     * @return this.
     */
    public RollcallContext firehose(final boolean firehose)
    {
        this.firehose = firehose;
        return this;
    }

    /** @return where errors in the pipeline are reported (after being counted). */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** @param errorHandler where errors are reported; default prints to stderr. @return this. */
    public RollcallContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /** @return where the counters live; null (the default) for direct memory. */
    public Path countersFile()
    {
        return countersFile;
    }

    /**
     * @param countersFile the counters file ({@link CountersFileDescriptor}; a server's is
     *                     {@code <data>/counters.dat}), created at launch (replacing a previous
     *                     run's) so that other processes read the counters ({@code ./rollcall stat});
     *                     null (the default) keeps them in direct memory.
     * @return this.
     */
    public RollcallContext countersFile(final Path countersFile)
    {
        this.countersFile = countersFile;
        return this;
    }

    /** @return counters the counters file (or memory) holds at most. */
    public int countersCapacity()
    {
        return countersCapacity;
    }

    /**
     * @param countersCapacity counters the counters file (or memory) holds at most, at least the
     *                         core's own ({@link RollcallCounters#COUNTERS_ALLOCATED}); each takes 640
     *                         bytes. Default {@value #DEFAULT_COUNTERS_CAPACITY}.
     * @return this.
     */
    public RollcallContext countersCapacity(final int countersCapacity)
    {
        this.countersCapacity = countersCapacity;
        return this;
    }
}
