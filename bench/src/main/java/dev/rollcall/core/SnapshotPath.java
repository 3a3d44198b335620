package dev.rollcall.core;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The pipeline's snapshot path outside the ring, for {@code SnapshotStallBenchmark}: what a
 * snapshot request costs the logic thread, and what building it costs the snapshot thread. Lives
 * in {@code dev.rollcall.core} to reach the package-private stages and {@link SnapshotWriter}.
 * <pre>
 *   request:  caller ──► LogicStage.onEvent(TAKE_SNAPSHOT) ──► FanOutStage.onEvent ──► SnapshotWriter.request
 *             (the pipeline thread's whole work for a snapshot in the serial and invoked layouts;
 *             the parallel layout splits it between the logic and fan-out threads)
 *   build:    caller ──► SnapshotWriter.store(P): replica ◄── Journal.rebuild(P), SnapshotCodec.encode,
 *                        Journal.onSnapshot (the snapshot thread's work)
 * </pre>
 * The writer's thread is not started: requests only record the position wanted (with no future
 * and no thread to wake, which the benchmark adds separately).
 */
public final class SnapshotPath
{
    private final RingEvent slot = new RingEvent();
    private final LogicStage logicStage;
    private final FanOutStage fanOutStage;
    private final SnapshotWriter writer;

    /**
     * @param live    the logic's state, switched to live mode here as the pipeline does.
     * @param journal what the writer rebuilds from and stores into.
     * @param limits  the limits the journal was written with.
     */
    public SnapshotPath(final PresenceStateMachine live, final Journal journal, final Limits limits)
    {
        final RollcallContext ctx = new RollcallContext().journal(journal).conclude();
        final ErrorHandler errorHandler = Throwable::printStackTrace;
        final RollcallCounters counters = new RollcallCounters();
        final ClockSignal clockSignal = new ClockSignal();
        live.logic.replaying(false);
        writer = new SnapshotWriter(journal, limits, counters, errorHandler);
        final JournalStage journalStage = new JournalStage(journal, counters, errorHandler, ctx.waitStrategy());
        logicStage = new LogicStage(live.logic, counters, errorHandler, ctx.waitStrategy(), clockSignal, journalStage);
        fanOutStage = new FanOutStage(ConnectionDirectiveHandler.NONE, EventSink.NONE, counters, errorHandler,
            new ManyToOneConcurrentArrayQueue<>(16), writer, journalStage, clockSignal, false);
        slot.prepare(InputType.TAKE_SNAPSHOT, live.now());
    }

    /**
     * One {@code TAKE_SNAPSHOT} through the logic stage and the fan-out stage, mid-batch.
     *
     * @return the position handed to the snapshot writer.
     */
    public long request()
    {
        logicStage.onEvent(slot, 0, false);
        fanOutStage.onEvent(slot, 0, false);
        return slot.snapshotPosition;
    }

    /**
     * Build the snapshot at {@code position} in a transient replica and have the journal store it,
     * on this thread, as the snapshot thread does.
     *
     * @param position inputs covered; the journal must hold them.
     * @return the snapshot's length.
     */
    public int store(final long position)
    {
        return writer.store(position);
    }
}
