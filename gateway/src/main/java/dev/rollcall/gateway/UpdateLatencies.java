package dev.rollcall.gateway;

import org.HdrHistogram.Histogram;

/**
 * The gateway's update latencies ({@link Gateway#updateLatencies()}), in nanoseconds, each timed at
 * both ends by the gateway thread that published the update:
 * <ul>
 *   <li>{@link Kind#JOURNALED}: from publishing an {@code UPDATE} to reading its result from the
 *   thread's inbox. The core releases a result only once the journal holds the input, so this is
 *   update → journaled as the gateway can know it (it includes the logic and the fan-out's hop).</li>
 *   <li>{@link Kind#DISPATCHED}: from publishing to the end of the duty cycle that handed the answer
 *   to the client's connection and wrote the cycle's output: the answer and the update's events for
 *   the sessions of that thread (the core writes an input's events to an inbox before its result)
 *   are on their sockets, or queued behind a full one.</li>
 * </ul>
 * Counts and sums are exact and cumulative; the distributions are drained: each
 * {@link #drainInto} moves the samples recorded since the previous one into the caller's histogram.
 * Thread safe; drains are serialized, so give the distribution to one collector (two would split
 * the samples between them).
 */
public final class UpdateLatencies
{
    /** Which latency. */
    public enum Kind
    {
        /** Update published → its result back (the journal holds it). */
        JOURNALED(UpdateLatency.JOURNALED),
        /** Update published → its answer written out with the duty cycle's output. */
        DISPATCHED(UpdateLatency.DISPATCHED);

        private final int index;

        Kind(final int index)
        {
            this.index = index;
        }
    }

    private final GatewayAgent[] agents;
    private Histogram scratch;

    UpdateLatencies(final GatewayAgent[] agents)
    {
        this.agents = agents;
    }

    /**
     * @return a histogram that {@link #drainInto} can add to: nanoseconds from 1 to
     * {@value UpdateLatency#HIGHEST_NANOS} (longer latencies are recorded as that), two significant digits.
     */
    public static Histogram newHistogram()
    {
        return UpdateLatency.newHistogram();
    }

    /**
     * @param kind which latency.
     * @return the updates sampled since launch, over every gateway thread.
     */
    public long count(final Kind kind)
    {
        long count = 0;
        for (final GatewayAgent agent : agents)
        {
            count += agent.latency().count(kind.index);
        }
        return count;
    }

    /**
     * @param kind which latency.
     * @return the sum of the sampled latencies since launch, in nanoseconds.
     */
    public long sumNanos(final Kind kind)
    {
        long sum = 0;
        for (final GatewayAgent agent : agents)
        {
            sum += agent.latency().sumNanos(kind.index);
        }
        return sum;
    }

    /**
     * Add the samples every gateway thread recorded since the previous drain to {@code into}. Allocates
     * one histogram on the first call only.
     *
     * @param kind which latency.
     * @param into made by {@link #newHistogram()}.
     */
    public synchronized void drainInto(final Kind kind, final Histogram into)
    {
        if (null == scratch)
        {
            scratch = UpdateLatency.newHistogram();
        }
        for (final GatewayAgent agent : agents)
        {
            agent.latency().intervalInto(kind.index, scratch);
            into.add(scratch);
        }
    }
}
