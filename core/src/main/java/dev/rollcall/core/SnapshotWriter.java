package dev.rollcall.core;

import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The snapshot thread ({@code rollcall-snapshot-writer}): builds every snapshot the pipeline asks
 * for in a transient replica of the state machine fed from the journal, and has the journal store
 * it, so that a snapshot costs the logic thread nothing but noting a position.
 * <pre>
 *  logic thread    TAKE_SNAPSHOT: position P = the inputs it has applied (one field write)
 *  fan-out thread  once the journal holds inputs 1..P: {@link #request}(P, future)
 *                  (a volatile write, a queue offer, an unpark)
 *  this thread     replica = new PresenceStateMachine(limits), in replay mode
 *                  Journal.rebuild(replica, P): the newest stored snapshot at or before P,
 *                                               then the journaled inputs after it up to P
 *                  SnapshotCodec.encode(replica) ──► Journal.onSnapshot(bytes, P): stored durably
 *                  complete the futures with P; drop the replica and its buffer
 * </pre>
 * The logic is deterministic (time only from inputs), so the replica at P holds exactly the state
 * the logic held at P and its snapshot is byte-identical to the one the logic would have encoded
 * there. The cost moves, it does not vanish: while it builds, this thread holds a second, transient
 * copy of the state (plus the encoded bytes) and keeps a core busy (replay ≈ 1 µs per input, then
 * the encoding the logic thread used to do); docs/JOURNAL.md and docs/BENCHMARKS.md give the
 * figures. It only ever reads inputs the journal accepted before the request was made.
 * <p>
 * <b>Requests coalesce.</b> One build runs at a time. Requests that arrive meanwhile wait for the
 * next build, which covers the newest position asked for; their futures complete with that
 * position, never earlier than the one they asked for. A request for the position last stored
 * completes without a build. Futures complete on this thread.
 * <p>
 * <b>Failures stay here.</b> A corrupt journal, inputs it does not hold, an exception in the
 * replica or a write that failed fail the futures of that build with an exception naming the
 * position and the cause (the journal's own exception names the file), are counted
 * ({@link Counter#SNAPSHOT_FAILURES}) and reported to the error handler; the live pipeline never
 * sees them, and the next request tries again.
 */
final class SnapshotWriter implements Runnable, AutoCloseable
{
    /** Futures that may wait for a build; a request beyond them fails at once. */
    static final int MAX_WAITING = 1024;

    private final Journal journal;
    private final Limits limits;
    private final RollcallCounters counters;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<CompletableFuture<Long>> waiting =
        new ManyToOneConcurrentArrayQueue<>(MAX_WAITING);
    private final ArrayList<CompletableFuture<Long>> serving = new ArrayList<>();
    private volatile long wanted = -1;
    private volatile boolean closing;
    private volatile Thread thread;
    private long handled = -1;
    private long stored = -1;
    /** Written by this thread after each stored snapshot, read by any (metrics); 0 until the first. */
    private volatile long lastStoredEpochMs;
    private volatile long lastLength;
    private volatile long lastBuildNanos;

    /**
     * @param journal      rebuilds the replica and stores the snapshot.
     * @param limits       the update limits the journal was written with (the live logic's).
     * @param counters     counts stored and failed snapshots.
     * @param errorHandler told about every failed snapshot.
     */
    SnapshotWriter(
        final Journal journal,
        final Limits limits,
        final RollcallCounters counters,
        final ErrorHandler errorHandler)
    {
        this.journal = journal;
        this.limits = limits;
        this.counters = counters;
        this.errorHandler = errorHandler;
    }

    /**
     * Start the snapshot thread; it sleeps until a request.
     */
    void start()
    {
        final Thread snapshotThread = new Thread(this, "rollcall-snapshot-writer");
        snapshotThread.setDaemon(true);
        thread = snapshotThread;
        snapshotThread.start();
    }

    /**
     * Fan-out thread: a snapshot is wanted at {@code position}; the journal holds every input up
     * to it. Never blocks, allocates nothing.
     *
     * @param position the inputs the logic had applied at the {@code TAKE_SNAPSHOT}; positions
     *                 arrive in ring order, so they never decrease.
     * @param future   completed with the position stored, or failed; may be null.
     */
    void request(final long position, final CompletableFuture<Long> future)
    {
        // the position before the future: a build that takes the future reads this position or a later one
        wanted = position;
        if (null != future && !waiting.offer(future))
        {
            future.completeExceptionally(new IllegalStateException(
                MAX_WAITING + " snapshot requests already wait for the snapshot thread; this one at position " +
                position + " is refused"));
        }
        final Thread snapshotThread = thread;
        if (null != snapshotThread)
        {
            LockSupport.unpark(snapshotThread);
        }
    }

    @Override
    public void run()
    {
        while (true)
        {
            // read before looking for work, so that every request made before close() is served
            final boolean stopping = closing;
            if (doWork() == 0)
            {
                if (stopping)
                {
                    return;
                }
                LockSupport.park(this);
            }
        }
    }

    /**
     * One build for every request waiting, at the newest position asked for.
     *
     * @return 1 when there was something to do, else 0.
     */
    int doWork()
    {
        CompletableFuture<Long> future;
        while (null != (future = waiting.poll()))
        {
            serving.add(future);
        }
        final long position = wanted;
        if (position <= handled && serving.isEmpty())
        {
            return 0;
        }
        handled = position;
        if (position != stored)
        {
            try
            {
                // this thread's clock, never the logic's: how long the build took, and when it was stored
                final long startedNs = System.nanoTime();
                final int length = store(position);
                lastBuildNanos = System.nanoTime() - startedNs;
                lastLength = length;
                lastStoredEpochMs = System.currentTimeMillis();
                stored = position;
                counters.increment(Counter.SNAPSHOTS_STORED);
            }
            catch (final Throwable ex)
            {
                fail(position, ex);
                return 1;
            }
        }
        for (int i = 0, n = serving.size(); i < n; i++)
        {
            serving.get(i).complete(position);
        }
        serving.clear();
        return 1;
    }

    /**
     * Build the state at {@code position} in a fresh replica, encode it and have the journal store it;
     * the replica and the bytes are dropped when this returns. Runs on the calling thread.
     *
     * @param position inputs the snapshot covers; the journal must hold them all.
     * @return the length of the snapshot stored.
     */
    int store(final long position)
    {
        final PresenceStateMachine replica = new PresenceStateMachine(limits);
        journal.rebuild(replica, position);
        if (replica.position() != position)
        {
            throw new IllegalStateException("the journal rebuilt the state after " + replica.position() +
                " inputs, not " + position);
        }
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(
            (int)Math.min(Integer.MAX_VALUE - 8, 4096L + 192L * replica.clientCount()));
        try
        {
            final int length = replica.takeSnapshot(buffer);
            journal.onSnapshot(buffer, length, position);
            return length;
        }
        finally
        {
            // the bytes may be hundreds of MB: give them back now rather than at some later GC
            BufferUtil.free(buffer.byteBuffer());
        }
    }

    /**
     * Any thread.
     *
     * @return the wall-clock time (epoch ms) the last snapshot of this run was stored, 0 before the first.
     */
    long lastStoredEpochMs()
    {
        return lastStoredEpochMs;
    }

    /**
     * Any thread.
     *
     * @return the encoded length of the last snapshot stored in this run, 0 before the first.
     */
    long lastLength()
    {
        return lastLength;
    }

    /**
     * Any thread.
     *
     * @return how long the last stored snapshot took to build and store (rebuild, encode, write), in
     * nanoseconds; 0 before the first.
     */
    long lastBuildNanos()
    {
        return lastBuildNanos;
    }

    private void fail(final long position, final Throwable cause)
    {
        final IllegalStateException failure = new IllegalStateException(
            "the snapshot at position " + position + " could not be taken: " + cause, cause);
        // counted and reported before any future fails: whoever waits on one sees the report
        counters.increment(Counter.SNAPSHOT_FAILURES);
        try
        {
            errorHandler.onError(failure);
        }
        catch (final Throwable ignore)
        {
            // the error handler's own failure must not stop the snapshot thread
        }
        for (int i = 0, n = serving.size(); i < n; i++)
        {
            serving.get(i).completeExceptionally(failure);
        }
        serving.clear();
    }

    /**
     * Serve every request already made, then stop the thread and wait for it (a build in progress
     * finishes: the final snapshot of a close is one). Requests that no thread will serve fail.
     */
    @Override
    public void close()
    {
        closing = true;
        final Thread snapshotThread = thread;
        if (null != snapshotThread && snapshotThread != Thread.currentThread())
        {
            LockSupport.unpark(snapshotThread);
            boolean interrupted = false;
            while (snapshotThread.isAlive())
            {
                try
                {
                    snapshotThread.join();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (null == snapshotThread)
        {
            CompletableFuture<Long> future;
            while (null != (future = waiting.poll()))
            {
                future.completeExceptionally(new IllegalStateException("closed before the snapshot was taken"));
            }
        }
    }
}
