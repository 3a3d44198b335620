package dev.rollcall.cluster;

import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

/**
 * An idle strategy that runs an invoker each time its owner would idle, and idles only when that
 * did nothing either: for a wait on a thread that also has to run what is waited for (the
 * consensus module's waits on {@code rollcall-aeron} run the archive and the media driver).
 */
final class InvokingIdleStrategy implements IdleStrategy
{
    private final AgentInvoker invoker;
    private final IdleStrategy delegate;

    /**
     * @param invoker  run on every idle.
     * @param delegate what to do when the invoker did nothing either.
     */
    InvokingIdleStrategy(final AgentInvoker invoker, final IdleStrategy delegate)
    {
        this.invoker = invoker;
        this.delegate = delegate;
    }

    @Override
    public void idle(final int workCount)
    {
        delegate.idle(workCount + invoker.invoke());
    }

    @Override
    public void idle()
    {
        if (invoker.invoke() > 0)
        {
            delegate.reset();
        }
        else
        {
            delegate.idle();
        }
    }

    @Override
    public void reset()
    {
        delegate.reset();
    }

    @Override
    public String alias()
    {
        return "invoking";
    }
}
