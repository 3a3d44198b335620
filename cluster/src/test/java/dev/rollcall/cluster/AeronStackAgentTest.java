package dev.rollcall.cluster;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AeronStackAgent}'s duty cycle with recording stand-ins for the archive, the consensus
 * module and the ingress agent; the test's thread plays {@code rollcall-aeron}.
 */
class AeronStackAgentTest
{
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final AgentInvoker archive = started(new Recording("archive", calls));
    private final AgentInvoker consensus = started(new Recording("consensus", calls));

    @Test
    void shouldLaunchTheConsensusModuleOnTheStackThreadInTheFirstDutyCycleThenInvokeItAfterTheArchive()
    {
        final List<Thread> launchedOn = new ArrayList<>();
        final AeronStackAgent stack = new AeronStackAgent(archive, () ->
        {
            launchedOn.add(Thread.currentThread());
            return consensus;
        }, errors::add);

        stack.doWork();
        assertThat(launchedOn).containsExactly(Thread.currentThread());
        assertThat(stack.launched()).isCompletedWithValue(consensus);
        assertThat(calls).containsExactly("archive");

        calls.clear();
        stack.doWork();
        stack.doWork();
        assertThat(calls).containsExactly("archive", "consensus", "archive", "consensus");
        assertThat(launchedOn).hasSize(1);
    }

    @Test
    void shouldFailLaunchedAndKeepTheArchiveRunningWhenTheConsensusModuleCannotStart()
    {
        final IllegalStateException cause = new IllegalStateException("no cluster directory");
        final AeronStackAgent stack = new AeronStackAgent(archive, () ->
        {
            throw cause;
        }, errors::add);

        assertThatThrownBy(stack::doWork).isSameAs(cause);
        assertThat(stack.launched()).isCompletedExceptionally();

        calls.clear();
        stack.doWork();
        assertThat(calls).as("no second launch, the archive still runs").containsExactly("archive");
    }

    @Test
    void shouldStartTheIngressAgentOnItsThreadRunItFirstAndCloseItThereWhenAsked() throws Exception
    {
        final AeronStackAgent stack = new AeronStackAgent(archive, () -> consensus, errors::add);
        stack.doWork();
        final Recording ingress = new Recording("ingress", calls);
        final Thread other = new Thread(() -> stack.ingress(ingress));
        other.start();
        other.join();

        calls.clear();
        stack.doWork();
        assertThat(ingress.startedOn).isSameAs(Thread.currentThread());
        assertThat(calls).containsExactly("ingress", "archive", "consensus");

        final CompletableFuture<Void> closed = stack.closeIngress();
        assertThat(closed).as("closed on the stack's thread, not the caller's").isNotDone();
        calls.clear();
        stack.doWork();
        assertThat(closed).isDone();
        assertThat(ingress.closedOn).isSameAs(Thread.currentThread());
        assertThat(calls).containsExactly("ingress closed", "archive", "consensus");

        calls.clear();
        stack.doWork();
        assertThat(calls).as("a closed ingress agent never runs again").containsExactly("archive", "consensus");
    }

    @Test
    void shouldKeepTheArchiveAndConsensusRunningWhenTheIngressAgentFails()
    {
        final AeronStackAgent stack = new AeronStackAgent(archive, () -> consensus, errors::add);
        stack.doWork();
        final IllegalStateException lost = new IllegalStateException("node 1 lost its cluster session");
        stack.ingress(new Recording("ingress", calls)
        {
            @Override
            public int doWork()
            {
                super.doWork();
                throw lost;
            }
        });

        calls.clear();
        stack.doWork();
        assertThat(calls).containsExactly("ingress", "archive", "consensus");
        assertThat(errors).containsExactly(lost);
    }

    @Test
    void shouldCloseTheIngressAgentTheConsensusModuleAndTheArchiveInThatOrderOnClose()
    {
        final AeronStackAgent stack = new AeronStackAgent(archive, () -> consensus, errors::add);
        stack.doWork();
        final Recording ingress = new Recording("ingress", calls);
        stack.ingress(ingress);
        stack.doWork();

        calls.clear();
        stack.onClose();
        assertThat(calls).containsExactly("ingress closed", "consensus closed", "archive closed");
        assertThat(stack.closeIngress()).isDone();
    }

    @Test
    void shouldNotStartAnIngressAgentClosedBeforeItRan()
    {
        final AeronStackAgent stack = new AeronStackAgent(archive, () -> consensus, errors::add);
        stack.doWork();
        final Recording ingress = new Recording("ingress", calls);
        stack.ingress(ingress);
        final CompletableFuture<Void> closed = stack.closeIngress();

        calls.clear();
        stack.doWork();
        assertThat(closed).isDone();
        assertThat(ingress.startedOn).isNull();
        assertThat(calls).containsExactly("archive", "consensus");
    }

    @Test
    void shouldCompleteCloseIngressAtOnceWhenNoIngressAgentWasOffered()
    {
        final AeronStackAgent stack = new AeronStackAgent(archive, () -> consensus, errors::add);

        assertThat(stack.closeIngress()).isDone();
    }

    @Test
    void shouldRunTheArchiveWhileTheConsensusModuleWaits()
    {
        final List<String> idled = new ArrayList<>();
        final IdleStrategy idle = AeronStackAgent.idleStrategy(archive, new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                idled.add("idle(" + workCount + ")");
            }

            @Override
            public void idle()
            {
                idled.add("idle()");
            }

            @Override
            public void reset()
            {
                idled.add("reset()");
            }
        });

        idle.idle();
        idle.idle(0);
        assertThat(calls).containsExactly("archive", "archive");
        assertThat(idled).as("the archive did work each time, so the wait looks again at once")
            .containsExactly("reset()", "idle(1)");
    }

    private static AgentInvoker started(final Agent agent)
    {
        final AgentInvoker invoker = new AgentInvoker(Throwable::printStackTrace, null, agent);
        invoker.start();
        return invoker;
    }

    /** Records each duty cycle (one unit of work each), its start's and close's thread. */
    private static class Recording implements Agent
    {
        private final String name;
        private final List<String> calls;
        private volatile Thread startedOn;
        private volatile Thread closedOn;

        Recording(final String name, final List<String> calls)
        {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void onStart()
        {
            startedOn = Thread.currentThread();
        }

        @Override
        public int doWork()
        {
            calls.add(name);
            return 1;
        }

        @Override
        public void onClose()
        {
            closedOn = Thread.currentThread();
            calls.add(name + " closed");
        }

        @Override
        public String roleName()
        {
            return name;
        }
    }
}
