package dev.rollcall.cluster;

import java.util.concurrent.TimeUnit;

/**
 * When the gateway's cluster client offers its unapplied commands again though no new leader was
 * heard of: once {@link #FIRST_WAIT_NS} pass with commands sent and none of them applied by this
 * node's replica, then after twice as long each time, up to {@link #MAX_WAIT_NS}, so that a replica
 * that is only behind is not flooded. Whatever lost them (an ingress image lost between leaders, an
 * election the client did not hear of), offering again is safe: the service applies each sequence
 * once and in order.
 * <p>
 * Progress, this node's replica applying one of its commands or none waiting, starts it over. A new
 * leader, which is offered every unapplied command at once, gets the whole wait before the next
 * offer. It also keeps the time of the last progress for the stall gauge. Used by the
 * {@link IngressAgent}'s thread only.
 */
final class ResendTimer
{
    /** How long sent commands may wait to be applied, with none applied meanwhile, before they are offered again. */
    static final long FIRST_WAIT_NS = TimeUnit.SECONDS.toNanos(2);
    /** The longest wait between such offers while none is applied. */
    static final long MAX_WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private long waitStartNs;
    private long waitNs = FIRST_WAIT_NS;
    private long lastProgressNs;

    /**
     * This node's replica applied one of its commands, or none waits.
     *
     * @param nowNs the nano clock now.
     */
    void onProgress(final long nowNs)
    {
        waitStartNs = nowNs;
        waitNs = FIRST_WAIT_NS;
        lastProgressNs = nowNs;
    }

    /**
     * Every unapplied command was just offered (to a new leader): wait the whole wait again.
     *
     * @param nowNs the nano clock now.
     */
    void onOfferedAll(final long nowNs)
    {
        waitStartNs = nowNs;
    }

    /**
     * Asked while every command is sent and none was applied since the last progress.
     *
     * @param nowNs the nano clock now.
     * @return true when they should be offered again now; the next wait is then twice as long.
     */
    boolean isDue(final long nowNs)
    {
        if (nowNs - waitStartNs < waitNs)
        {
            return false;
        }
        waitStartNs = nowNs;
        waitNs = Math.min(2 * waitNs, MAX_WAIT_NS);
        return true;
    }

    /** @return the nano clock at the last progress: since when none of the waiting commands was applied. */
    long lastProgressNs()
    {
        return lastProgressNs;
    }
}
