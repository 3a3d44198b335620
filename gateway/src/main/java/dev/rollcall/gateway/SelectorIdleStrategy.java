package dev.rollcall.gateway;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The default idle strategy of a gateway thread: when a duty cycle found nothing to do,
 * sleep in {@code Selector.select} until a socket is ready, the core wakes the thread (new
 * events in its inbox), or the next timer tick. No spinning, so it suits shared machines.
 */
final class SelectorIdleStrategy implements IdleStrategy
{
    private final GatewayAgent agent;

    SelectorIdleStrategy(final GatewayAgent agent)
    {
        this.agent = agent;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        try
        {
            agent.idleInSelect();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String alias()
    {
        return "select";
    }
}
