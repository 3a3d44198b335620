package dev.rollcall.cluster;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * {@code cluster-threads = shared}: the media driver, the archive and the consensus module in
 * Aeron's invoker modes, run with the ingress agent by one thread, {@code rollcall-aeron}
 * ({@link AeronStackAgent}).
 */
final class SharedNodeStack implements NodeStack
{
    private final ClusterNodeContext ctx;
    private final MediaDriver mediaDriver;
    private final Archive archive;
    private final AgentInvoker driverInvoker;
    private final AtomicCounter errors;
    private final AeronStackAgent stack;
    private final WakeableIdleStrategy idle;
    private final AgentRunner runner;
    private volatile ConsensusModule consensusModule;

    private SharedNodeStack(final ClusterNodeContext ctx, final BooleanSupplier ingressHasWork)
    {
        this.ctx = ctx;
        MediaDriver launchedDriver = null;
        Archive launchedArchive = null;
        try
        {
            // as ClusteredMediaDriver launches them, but with no thread each: the archive invokes the driver, and
            // rollcall-aeron invokes the archive and launches and then invokes the consensus module
            final MediaDriver.Context driverContext = ctx.mediaDriver();
            launchedDriver = MediaDriver.launch(driverContext);
            driverInvoker = launchedDriver.sharedAgentInvoker();
            errors = new AtomicCounter(driverContext.countersValuesBuffer(), SystemCounterDescriptor.ERRORS.id());
            launchedArchive = Archive.launch(ctx.archive().mediaDriverAgentInvoker(driverInvoker).errorCounter(errors));
            final AgentInvoker archiveInvoker = launchedArchive.invoker();
            stack = new AeronStackAgent(archiveInvoker, () ->
            {
                final ConsensusModule module =
                    ConsensusModule.launch(ctx.consensusModule(archiveInvoker, driverInvoker, errors));
                consensusModule = module;
                if (!module.conductorAgentInvoker().isRunning())
                {
                    // its start failed (reported to the error handler) and its invoker closed: so does the launch
                    throw new IllegalStateException("node " + ctx.node() + ": the consensus module did not start");
                }
                return module.conductorAgentInvoker();
            }, ctx.errorHandler());
            // the gateway's threads wake it when they queue a command; what arrives by network waits for its park
            idle = ctx.ingressIdle(ingressHasWork, ClusterNodeContext.IDLE_MAX_PARK_US);
            runner = new AgentRunner(idle, ctx.errorHandler(), null, stack);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(launchedArchive, launchedDriver);
            throw ex;
        }
        mediaDriver = launchedDriver;
        archive = launchedArchive;
    }

    /**
     * @param ctx            the node's settings.
     * @param ingressHasWork whether the ingress agent has commands waiting.
     * @return the stack, its thread started; the consensus module starts on it.
     */
    static SharedNodeStack launch(final ClusterNodeContext ctx, final BooleanSupplier ingressHasWork)
    {
        final SharedNodeStack stack = new SharedNodeStack(ctx, ingressHasWork);
        AgentRunner.startOnThread(stack.runner);
        return stack;
    }

    @Override
    public AtomicCounter errorCounter()
    {
        return errors;
    }

    @Override
    public CompletableFuture<?> launched()
    {
        return stack.launched();
    }

    @Override
    public WakeableIdleStrategy ingressIdle()
    {
        return idle;
    }

    @Override
    public Aeron.Context ingressClient()
    {
        // on rollcall-aeron: its waits for the driver's answers run the driver
        return ctx.invokedClient("rollcall-ingress-" + ctx.node()).driverAgentInvoker(driverInvoker);
    }

    @Override
    public AgentInvoker ingressWaits()
    {
        return archive.invoker();
    }

    @Override
    public void ingress(final IngressAgent agent)
    {
        stack.ingress(agent);
    }

    @Override
    public CompletableFuture<Void> closeIngress()
    {
        return stack.closeIngress();
    }

    @Override
    public String describeThreads()
    {
        return "cluster threads (shared): rollcall-aeron 1 (media driver, archive, consensus module, the gateway's " +
            "cluster client), service 1 (the core); both park when idle, rollcall-aeron woken by the gateway's commands";
    }

    @Override
    public void close()
    {
        // the thread closes the ingress agent's, the consensus module's and the archive's agents as it stops; only
        // then is the consensus module known (it may have been launching until now)
        CloseHelper.quietClose(runner);
        CloseHelper.quietCloseAll(consensusModule, archive, mediaDriver);
    }
}
