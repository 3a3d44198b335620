package dev.rollcall.gateway.admin;

/**
 * Whether the server should get traffic, as the admin port's {@code /health/ready} answers it:
 * <pre>
 *  STARTING ──ready()──► READY ──stopping()──► STOPPING
 *      └──────────────stopping()──────────────────┘
 * </pre>
 * Whoever starts the server flips it ({@code rollcall serve}: ready once the journal is recovered
 * and the gateway listens, stopping as the shutdown begins); it only moves forward. Any thread.
 */
public final class Readiness
{
    /** The server's phase. */
    public enum State
    {
        /** Recovering the journal, or not listening yet: not ready. */
        STARTING,
        /** Recovered and listening: ready. */
        READY,
        /** Shutting down (draining, the final snapshot): not ready. */
        STOPPING
    }

    private volatile State state = State.STARTING;

    /**
     * Recovery finished and the gateway listens. Ignored once stopping.
     */
    public synchronized void ready()
    {
        if (state == State.STARTING)
        {
            state = State.READY;
        }
    }

    /**
     * The shutdown began: not ready from now on.
     */
    public synchronized void stopping()
    {
        state = State.STOPPING;
    }

    /** @return the phase now. */
    public State state()
    {
        return state;
    }

    /** @return true while {@link State#READY}. */
    public boolean isReady()
    {
        return state == State.READY;
    }
}
