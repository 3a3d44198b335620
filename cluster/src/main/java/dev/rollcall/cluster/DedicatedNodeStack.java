package dev.rollcall.cluster;

import io.aeron.Aeron;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * {@code cluster-threads = dedicated}: Aeron's usual layout, a thread each for the media driver
 * (conductor, sender and receiver shared), the archive and the consensus module
 * ({@link ClusteredMediaDriver}), and {@code rollcall-ingress} for the ingress agent, whose cluster
 * client makes its own Aeron client (with a conductor thread).
 */
final class DedicatedNodeStack implements NodeStack
{
    /** The longest the ingress thread parks when idle: how often it polls egress and keeps alive. */
    static final long INGRESS_MAX_PARK_US = 10_000;

    private final ClusterNodeContext ctx;
    private final ClusteredMediaDriver driver;
    private final AtomicCounter errors;
    private final WakeableIdleStrategy idle;
    private volatile AgentRunner ingressRunner;

    private DedicatedNodeStack(final ClusterNodeContext ctx, final BooleanSupplier ingressHasWork)
    {
        this.ctx = ctx;
        driver = ClusteredMediaDriver.launch(ctx.mediaDriver(), ctx.archive(), ctx.consensusModule());
        errors = new AtomicCounter(
            driver.mediaDriver().context().countersValuesBuffer(), SystemCounterDescriptor.ERRORS.id());
        idle = ctx.ingressIdle(ingressHasWork, INGRESS_MAX_PARK_US);
    }

    /**
     * @param ctx            the node's settings.
     * @param ingressHasWork whether the ingress agent has commands waiting.
     * @return the stack; its consensus module starts on its own thread.
     */
    static DedicatedNodeStack launch(final ClusterNodeContext ctx, final BooleanSupplier ingressHasWork)
    {
        return new DedicatedNodeStack(ctx, ingressHasWork);
    }

    @Override
    public AtomicCounter errorCounter()
    {
        return errors;
    }

    @Override
    public CompletableFuture<?> launched()
    {
        // ClusteredMediaDriver.launch returned: the consensus module runs on its own thread
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public WakeableIdleStrategy ingressIdle()
    {
        return idle;
    }

    @Override
    public Aeron.Context ingressClient()
    {
        // none: the cluster client makes its own, with a conductor thread, as Aeron's usual layout has it
        return null;
    }

    @Override
    public AgentInvoker ingressWaits()
    {
        return null;
    }

    @Override
    public void ingress(final IngressAgent agent)
    {
        final AgentRunner runner = new AgentRunner(idle, ctx.errorHandler(), null, agent);
        ingressRunner = runner;
        AgentRunner.startOnThread(runner);
    }

    @Override
    public CompletableFuture<Void> closeIngress()
    {
        CloseHelper.quietClose(ingressRunner);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String describeThreads()
    {
        return "cluster threads (dedicated): media driver 1, archive 1, consensus module 1, rollcall-ingress 1 " +
            "(woken by the gateway's commands), service 1 (the core), Aeron client conductors 2; all park when idle";
    }

    @Override
    public void close()
    {
        closeIngress();
        CloseHelper.quietClose(driver);
    }
}
