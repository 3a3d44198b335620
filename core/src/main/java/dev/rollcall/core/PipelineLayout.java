package dev.rollcall.core;

/**
 * How the pipeline's stages map onto threads. docs/ARCHITECTURE.md has the thread and core
 * budget and the measurements behind {@link #forCores(int)}.
 */
public enum PipelineLayout
{
    /**
     * Three stage threads: journal ∥ logic, then the fan-out gated on both. Each input is handed
     * over twice; pays off when each stage has a core of its own.
     */
    PARALLEL(3),

    /**
     * One stage thread: per batch, journal and apply each input, close the journal's batch, then
     * fan the batch out. No hand-off between stages; suits machines with few cores.
     */
    SERIAL(1),

    /**
     * No stage thread: the thread that embeds the pipeline (the gateway's first selector thread)
     * runs the serial layout's work itself by calling {@link Rollcall#invoke()} in its duty cycle,
     * and a publish from another thread wakes it ({@link Rollcall#invokerWaker(Runnable)}). A
     * command from a socket is then read, journaled, applied and answered on one thread with no
     * hand-off at all, as Redis serves it. Counted as one stage thread: it takes that thread's
     * core. Not for embedded use without such a thread.
     */
    INVOKED(1);

    /**
     * Cores from which {@link #forCores(int)} picks {@link #PARALLEL}: its three stage threads
     * then leave at least five cores to the gateway's threads, which do more work per update
     * (system calls, framing) than any one stage.
     */
    public static final int PARALLEL_MIN_CORES = 8;

    private final int stageThreads;

    PipelineLayout(final int stageThreads)
    {
        this.stageThreads = stageThreads;
    }

    /**
     * @return the threads the stages run on (the clock thread, which sleeps until a countdown
     * is due, not counted).
     */
    public int stageThreads()
    {
        return stageThreads;
    }

    /**
     * @param cores the cores available to this process.
     * @return the threads left to others (e.g. gateway threads) once the stages have theirs; at least 1.
     */
    public int coresLeft(final int cores)
    {
        return Math.max(1, cores - stageThreads);
    }

    /** Cores up to which {@link #forServer(int)} picks {@link #INVOKED}. */
    public static final int INVOKED_MAX_CORES = 2;

    /**
     * @param cores the cores available to this process.
     * @return the layout for an embedded pipeline on that many cores (never {@link #INVOKED}).
     */
    public static PipelineLayout forCores(final int cores)
    {
        return cores >= PARALLEL_MIN_CORES ? PARALLEL : SERIAL;
    }

    /**
     * @param cores the cores available to this process.
     * @return the layout for the server (the gateway invokes the pipeline on up to
     * {@link #INVOKED_MAX_CORES} cores), else {@link #forCores(int)}.
     */
    public static PipelineLayout forServer(final int cores)
    {
        return cores <= INVOKED_MAX_CORES ? INVOKED : forCores(cores);
    }
}
