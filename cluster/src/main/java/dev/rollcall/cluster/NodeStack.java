package dev.rollcall.cluster;

import io.aeron.Aeron;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.CompletableFuture;

/**
 * A node's Aeron stack: the media driver, the archive and the consensus module, and the thread
 * the gateway's cluster client ({@link IngressAgent}) runs on. {@link SharedNodeStack} runs them
 * on one thread, {@link DedicatedNodeStack} on a thread each ({@code cluster-threads},
 * docs/CLUSTER.md "Threads on each node").
 */
interface NodeStack extends AutoCloseable
{
    /** @return the media driver's errors counter, which the node's other Aeron parts count into. */
    AtomicCounter errorCounter();

    /** @return completes once the consensus module has started, or exceptionally if it could not. */
    CompletableFuture<?> launched();

    /** @return the idle strategy of the thread the ingress agent runs on: a queued command wakes it. */
    WakeableIdleStrategy ingressIdle();

    /** @return the settings of the ingress agent's Aeron client, made for the thread it runs on. */
    Aeron.Context ingressClient();

    /** @return what the ingress agent's cluster client runs while it waits (besides its own client), or null. */
    AgentInvoker ingressWaits();

    /**
     * Any thread, once: start running the ingress agent.
     *
     * @param agent the node's ingress agent.
     */
    void ingress(IngressAgent agent);

    /** @return completes once the ingress agent is closed (its session ends) or at once if none runs. */
    CompletableFuture<Void> closeIngress();

    /** @return for the threads line of the logs. */
    String describeThreads();

    /** Stop the stack's threads and close the consensus module, the archive and the media driver. */
    @Override
    void close();
}
