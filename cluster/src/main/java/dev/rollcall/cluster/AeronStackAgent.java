package dev.rollcall.cluster;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A node's Aeron stack on one thread ({@code rollcall-aeron}): the gateway's cluster client
 * ({@link IngressAgent}, once the node starts), the archive, which in its invoker mode also runs
 * the media driver's conductor, sender and receiver, and the consensus module. In one duty cycle,
 * a command the gateway queued is offered and sent, and what the driver receives reaches the
 * consensus module and its answer is sent, without waking another thread; a quiet node parks one
 * thread instead of four.
 * <p>
 * The consensus module is launched on this thread too, in the first duty cycle: its start waits
 * for the service replica (which waits for the gateway's core), and every wait of the consensus
 * module keeps the archive and the driver going through {@link #idleStrategy}, so nothing it waits
 * for depends on another thread invoking them, and no two threads ever invoke them at once.
 */
final class AeronStackAgent implements Agent
{
    private final AgentInvoker archive;
    private final Supplier<AgentInvoker> consensusLauncher;
    private final ErrorHandler errorHandler;
    private final CompletableFuture<AgentInvoker> launched = new CompletableFuture<>();
    private final CompletableFuture<Void> ingressClosed = new CompletableFuture<>();
    private AgentInvoker consensusModule;
    private volatile Agent offeredIngress;
    private volatile boolean ingressClosing;
    private Agent ingress;

    /**
     * @param archive           the archive's invoker ({@code ArchiveThreadingMode.INVOKER}), which invokes the
     *                          media driver's ({@code ThreadingMode.INVOKER}) in its own duty cycle.
     * @param consensusLauncher launches the consensus module with {@code useAgentInvoker}, on this thread, and
     *                          returns its invoker.
     * @param errorHandler      for the ingress agent's errors, which stop neither the stack nor the node's consensus.
     */
    AeronStackAgent(
        final AgentInvoker archive, final Supplier<AgentInvoker> consensusLauncher, final ErrorHandler errorHandler)
    {
        this.archive = archive;
        this.consensusLauncher = consensusLauncher;
        this.errorHandler = errorHandler;
    }

    /**
     * Any thread, once: the gateway's cluster client joins the duty cycle, started on this thread
     * (its Aeron client invokes the media driver while it waits, so it must be this thread's).
     *
     * @param agent the node's ingress agent ({@link IngressAgent}).
     */
    void ingress(final Agent agent)
    {
        offeredIngress = agent;
    }

    /**
     * Any thread: the ingress agent leaves the duty cycle and is closed on this thread (its session
     * ends; the driver keeps running, so the cluster hears of it).
     *
     * @return completes once it is closed, or at once if there was none.
     */
    CompletableFuture<Void> closeIngress()
    {
        ingressClosing = true;
        if (null == offeredIngress)
        {
            ingressClosed.complete(null);
        }
        return ingressClosed;
    }

    /**
     * @param archive  the archive's invoker.
     * @param delegate what to do when the archive had nothing to do either.
     * @return for the consensus module's waits: they run the archive and the driver while they wait.
     */
    static IdleStrategy idleStrategy(final AgentInvoker archive, final IdleStrategy delegate)
    {
        return new InvokingIdleStrategy(archive, delegate);
    }

    /** @return completes once the consensus module is launched on this thread (or could not be). */
    CompletableFuture<AgentInvoker> launched()
    {
        return launched;
    }

    @Override
    public int doWork()
    {
        int work = doIngressWork();
        work += archive.invoke();
        if (null != consensusModule)
        {
            work += consensusModule.invoke();
        }
        else if (!launched.isDone())
        {
            launchConsensusModule();
            work++;
        }
        return work;
    }

    private int doIngressWork()
    {
        if (null == ingress)
        {
            final Agent offered = offeredIngress;
            if (null == offered || ingressClosed.isDone())
            {
                return 0;
            }
            if (ingressClosing)
            {
                // closed before it ever ran: nothing to start, nothing to close
                ingressClosed.complete(null);
                return 0;
            }
            ingress = offered;
            try
            {
                ingress.onStart();
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
        if (ingressClosing)
        {
            closeIngressHere();
            return 1;
        }
        try
        {
            return ingress.doWork();
        }
        catch (final Exception ex)
        {
            errorHandler.onError(ex);
            return 0;
        }
    }

    private void closeIngressHere()
    {
        if (null != ingress && !ingressClosed.isDone())
        {
            try
            {
                ingress.onClose();
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
            finally
            {
                ingress = null;
                ingressClosed.complete(null);
            }
        }
    }

    private void launchConsensusModule()
    {
        try
        {
            consensusModule = consensusLauncher.get();
            launched.complete(consensusModule);
        }
        catch (final RuntimeException ex)
        {
            launched.completeExceptionally(ex);
            throw ex;
        }
    }

    /** On this thread, so no duty cycle runs concurrently: the ingress agent, the consensus module, then the archive. */
    @Override
    public void onClose()
    {
        closeIngressHere();
        ingressClosed.complete(null);
        launched.completeExceptionally(new IllegalStateException("the node closed before its consensus module started"));
        CloseHelper.closeAll(consensusModule, archive);
    }

    @Override
    public String roleName()
    {
        return "rollcall-aeron";
    }
}
