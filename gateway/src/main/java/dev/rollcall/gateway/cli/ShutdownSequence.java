package dev.rollcall.gateway.cli;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code rollcall serve}'s way out: the first stop request (SIGTERM, SIGINT, or the JVM shutting
 * down) runs the drain, its named steps in order, on the thread waiting in
 * {@link #awaitStopAndDrain()}; a second stop request, or a drain longer than the drain timeout,
 * forces the exit with {@value #EXIT_FORCED} and a log line saying what was not finished.
 * <pre>
 *  thread that delivers the stop           main thread (awaitStopAndDrain)
 *  (the JVM's "SIGTERM handler" thread)
 *  1st stop ── onStop ──────────────────►  wakes: "shutting down ..."; step 1, step 2, ...
 *              waits for the drain, at        "stopped in N ms"; returns 0 (1 if a step failed)
 *              most the drain timeout ──► still draining: forced exit
 *  2nd stop ── onStop ──────────────────► forced exit at once
 * </pre>
 * No thread of its own: the thread that delivers the first stop is the drain's watchdog, parked
 * until the drain ends or the timeout passes. A stop that arrives once the drain has finished
 * changes nothing (the process is on its way out with the drain's status); of a drain that
 * finishes and a forced exit, exactly one wins.
 * <p>
 * A forced exit halts the JVM ({@link Runtime#halt}: no shutdown hooks) after logging, e.g.
 * <pre>
 *   forced exit (code 3): a second SIGTERM, 2140 ms into the shutdown; not finished: closing the
 *   gateway (...) for 2140 ms, then releasing the data-directory lock ...; 3 connections open, ...
 * </pre>
 * Nothing acknowledged is lost by it: the journal holds every acknowledged input, and the next
 * start recovers from the newest snapshot (without the final one: a longer replay) and takes
 * over the lock the forced process leaves behind.
 */
final class ShutdownSequence
{
    /** The drain finished: every step done. */
    static final int EXIT_STOPPED = 0;
    /** The drain finished, but a step failed (logged). */
    static final int EXIT_STEP_FAILED = 1;
    /** The exit was forced: a second stop request, or the drain outlasted its timeout. */
    static final int EXIT_FORCED = 3;
    /** The server stopped itself because it could not go on (a cluster node cut off from its cluster). */
    static final int EXIT_FAILED = 4;

    private static final int RUNNING = 0;
    private static final int DRAINED = 1;
    private static final int FORCED = 2;

    private volatile boolean failed;

    /** Waits for the drain; a test's own decides when the timeout has passed. */
    interface DrainTimer
    {
        /**
         * @param drained   counted down when the drain ends.
         * @param timeoutMs the drain timeout.
         * @return true when the drain ended in time, false when the timeout passed first.
         * @throws InterruptedException when the waiting thread is interrupted.
         */
        boolean awaitDrained(CountDownLatch drained, long timeoutMs) throws InterruptedException;
    }

    /** Ends the process; a test's own records the status and the reason. */
    interface Exit
    {
        /**
         * @param status the exit status.
         * @param reason the log line that says why and what was not finished.
         */
        void halt(int status, String reason);
    }

    /** One step of the drain. */
    interface Action
    {
        /**
         * @throws Exception when the step failed; it is logged and the next step runs.
         */
        void run() throws Exception;
    }

    private record Step(String name, Action action)
    {
    }

    private final long drainTimeoutMs;
    private final Logger log;
    private final DrainTimer timer;
    private final Exit exit;
    private final List<Step> steps = new ArrayList<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch drained = new CountDownLatch(1);
    private final AtomicInteger stops = new AtomicInteger();
    /** {@link #RUNNING} until the drain finishes ({@link #DRAINED}) or the exit is forced ({@link #FORCED}): one wins. */
    private final AtomicInteger outcome = new AtomicInteger(RUNNING);
    private Supplier<String> progress = () -> "";
    private volatile String cause;
    private volatile int current = -1;
    private volatile long stopRequestedNs;
    private volatile long stepStartedNs;

    /**
     * The process's sequence: the real timer, and a forced exit that logs and halts the JVM.
     *
     * @param drainTimeoutMs how long the drain may take.
     * @param log            where the lifecycle lines go.
     */
    ShutdownSequence(final long drainTimeoutMs, final Logger log)
    {
        this(drainTimeoutMs, log, (drained, timeoutMs) -> drained.await(timeoutMs, TimeUnit.MILLISECONDS), (status, reason) ->
        {
            log.error(reason);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        });
    }

    ShutdownSequence(final long drainTimeoutMs, final Logger log, final DrainTimer timer, final Exit exit)
    {
        if (drainTimeoutMs <= 0)
        {
            throw new IllegalArgumentException("drain timeout must be > 0 ms: " + drainTimeoutMs);
        }
        this.drainTimeoutMs = drainTimeoutMs;
        this.log = log;
        this.timer = timer;
        this.exit = exit;
    }

    /**
     * Add a step of the drain; steps run in the order added. Add them all before the stop can
     * arrive ({@link #awaitStopAndDrain()}).
     *
     * @param name   what it does, as the log lines name it.
     * @param action the step.
     * @return this.
     */
    ShutdownSequence step(final String name, final Action action)
    {
        steps.add(new Step(name, action));
        return this;
    }

    /**
     * @param progress describes the server's state for the "shutting down" line and a forced
     *                 exit's (e.g. "3 connections open, final snapshot not stored yet"); called on
     *                 any thread, must not block.
     * @return this.
     */
    ShutdownSequence progress(final Supplier<String> progress)
    {
        this.progress = progress;
        return this;
    }

    /**
     * A stop request. The first wakes {@link #awaitStopAndDrain()} and then waits on the calling
     * thread until the drain ends, forcing the exit if the timeout passes first; the second forces
     * the exit at once.
     *
     * @param what what asked, e.g. "SIGTERM".
     */
    void onStop(final String what)
    {
        if (RUNNING != outcome.get())
        {
            return; // drained (the process is on its way out with the drain's status) or forced already
        }
        if (stops.getAndIncrement() > 0)
        {
            force("a second stop request (" + what + ")");
            return;
        }
        cause = what;
        stopRequestedNs = System.nanoTime();
        stopRequested.countDown();
        try
        {
            if (!timer.awaitDrained(drained, drainTimeoutMs))
            {
                force("the shutdown took longer than the drain timeout (" + drainTimeoutMs + " ms)");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Wait for the first stop request, then drain: every step in order, each failure logged and
     * the next step run.
     *
     * @return {@value #EXIT_STOPPED}, or {@value #EXIT_STEP_FAILED} when a step failed, or
     * {@value #EXIT_FORCED} when the exit was forced meanwhile (the forcing thread halts the JVM).
     * @throws InterruptedException when interrupted while waiting for the stop.
     */
    int awaitStopAndDrain() throws InterruptedException
    {
        stopRequested.await();
        log.info("shutting down on {}: {}drain timeout {} ms, a second signal forces the exit (code {})",
            cause, withSeparator(progress.get()), drainTimeoutMs, EXIT_FORCED);
        int status = failed ? EXIT_FAILED : EXIT_STOPPED;
        for (int i = 0; i < steps.size(); i++)
        {
            final Step step = steps.get(i);
            stepStartedNs = System.nanoTime();
            current = i;
            try
            {
                step.action().run();
            }
            catch (final Exception ex)
            {
                status = EXIT_STEP_FAILED;
                log.error("shutting down: {} failed: {}", step.name(), ex.toString(), ex);
            }
        }
        current = steps.size();
        if (!outcome.compareAndSet(RUNNING, DRAINED))
        {
            return EXIT_FORCED; // too late: the forced exit is under way, and says what was not finished
        }
        log.info("stopped in {} ms{}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopRequestedNs),
            EXIT_STOPPED == status ? "" : " (a step failed: see above; exit code " + status + ")");
        drained.countDown();
        return status;
    }

    /**
     * The server cannot go on: drain as for a stop, then exit with {@value #EXIT_FAILED}, so that a
     * supervisor restarting on failure restarts it.
     *
     * @param what why.
     */
    void onFailure(final String what)
    {
        failed = true;
        onStop(what);
    }

    /**
     * @return true once the drain has finished.
     */
    boolean isDrained()
    {
        return 0 == drained.getCount();
    }

    private void force(final String why)
    {
        if (!outcome.compareAndSet(RUNNING, FORCED))
        {
            return; // the drain finished first: the process leaves with its status
        }
        final long now = System.nanoTime();
        final int step = current;
        final StringBuilder unfinished = new StringBuilder();
        if (step < 0)
        {
            unfinished.append("the drain had not started: ");
        }
        for (int i = Math.max(step, 0); i < steps.size(); i++)
        {
            if (i > Math.max(step, 0))
            {
                unfinished.append(", then ");
            }
            unfinished.append(steps.get(i).name());
            if (i == step)
            {
                unfinished.append(" (running for ").append(TimeUnit.NANOSECONDS.toMillis(now - stepStartedNs)).append(" ms)");
            }
        }
        final String state = progress.get();
        exit.halt(EXIT_FORCED, "forced exit (code " + EXIT_FORCED + "): " + why + ", " +
            TimeUnit.NANOSECONDS.toMillis(now - stopRequestedNs) + " ms into the shutdown; not finished: " + unfinished +
            (state.isEmpty() ? "" : "; " + state) +
            "; the journal holds every acknowledged input: the next start recovers them and takes over the lock");
    }

    private static String withSeparator(final String text)
    {
        return text.isEmpty() ? "" : text + "; ";
    }
}
