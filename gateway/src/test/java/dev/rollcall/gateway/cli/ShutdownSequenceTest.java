package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forcing logic of {@link ShutdownSequence}, with latches for the signals and the timeout: a
 * drain blocked in a step stands for one that cannot finish (a journal sync that hangs), which a
 * real server cannot be made to do deterministically. The injected timer decides when "the timeout
 * has passed", so nothing here waits for a clock; the injected exit records instead of halting.
 */
class ShutdownSequenceTest
{
    private static final long WAIT_S = 30;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final List<String> exits = new CopyOnWriteArrayList<>();
    private final CountDownLatch halted = new CountDownLatch(1);
    private final CountDownLatch stepEntered = new CountDownLatch(1);
    private final CountDownLatch stepRelease = new CountDownLatch(1);

    @AfterEach
    void tearDown()
    {
        stepRelease.countDown();
        threads.shutdownNow();
    }

    private ShutdownSequence sequence(final ShutdownSequence.DrainTimer timer)
    {
        return new ShutdownSequence(30_000, LoggerFactory.getLogger("rollcall"), timer, (status, reason) ->
        {
            exits.add(status + " " + reason);
            halted.countDown();
        });
    }

    private static ShutdownSequence.DrainTimer waitsForTheDrain()
    {
        return (drained, timeoutMs) ->
        {
            drained.await();
            return true;
        };
    }

    private void blockingStep(final ShutdownSequence sequence)
    {
        sequence
            .step("closing the gateway", () ->
            {
                ran.add("gateway");
                stepEntered.countDown();
                stepRelease.await();
            })
            .step("releasing the lock", () -> ran.add("lock"));
    }

    @Test
    void shouldRunTheStepsInOrderOnTheFirstStopAndExitZero() throws Exception
    {
        final ShutdownSequence sequence = sequence(waitsForTheDrain())
            .step("closing the gateway", () -> ran.add("gateway"))
            .step("releasing the lock", () -> ran.add("lock"));
        final Future<Integer> main = threads.submit(sequence::awaitStopAndDrain);
        assertThat(ran).as("nothing before a stop").isEmpty();

        sequence.onStop("SIGTERM"); // returns once drained: it waits for the drain

        assertThat(main.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(ShutdownSequence.EXIT_STOPPED);
        assertThat(ran).containsExactly("gateway", "lock");
        assertThat(sequence.isDrained()).isTrue();
        assertThat(exits).isEmpty();
    }

    @Test
    void shouldForceTheExitOnASecondStopNamingTheStepThatDidNotFinish() throws Exception
    {
        final ShutdownSequence sequence = sequence(waitsForTheDrain());
        blockingStep(sequence);
        final Future<Integer> main = threads.submit(sequence::awaitStopAndDrain);
        threads.submit(() -> sequence.onStop("SIGTERM")); // the first stop's thread stays, waiting for the drain
        assertThat(stepEntered.await(WAIT_S, TimeUnit.SECONDS)).isTrue();

        sequence.onStop("SIGTERM");

        assertThat(halted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(exits).hasSize(1);
        assertThat(exits.get(0))
            .startsWith(ShutdownSequence.EXIT_FORCED + " forced exit (code 3): a second stop request (SIGTERM)")
            .contains("not finished: closing the gateway (running for ")
            .contains(", then releasing the lock")
            .contains("the next start recovers them");
        assertThat(ran).containsExactly("gateway");
        assertThat(main).isNotDone();

        // the step finishes after all: too late, the forced exit stands and nothing says "stopped"
        stepRelease.countDown();
        assertThat(main.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(ShutdownSequence.EXIT_FORCED);
        assertThat(ran).containsExactly("gateway", "lock");
        sequence.onStop("SIGTERM");
        assertThat(exits).hasSize(1);
    }

    @Test
    void shouldForceTheExitWhenTheDrainOutlastsItsTimeout() throws Exception
    {
        final List<Long> timeoutsAsked = new CopyOnWriteArrayList<>();
        final ShutdownSequence sequence = sequence((drained, timeoutMs) ->
        {
            timeoutsAsked.add(timeoutMs);
            stepEntered.await(); // the drain is in its step: now the timeout passes
            return false;
        });
        blockingStep(sequence);
        final Future<Integer> main = threads.submit(sequence::awaitStopAndDrain);

        sequence.onStop("SIGTERM");

        assertThat(halted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        assertThat(timeoutsAsked).containsExactly(30_000L);
        assertThat(exits.get(0))
            .startsWith(ShutdownSequence.EXIT_FORCED + " forced exit (code 3): the shutdown took longer than the drain " +
                "timeout (30000 ms)")
            .contains("not finished: closing the gateway (running for ");
        assertThat(main).isNotDone();
    }

    @Test
    void shouldNotForceAnExitOnceTheDrainHasFinished() throws Exception
    {
        final ShutdownSequence sequence = sequence(waitsForTheDrain()).step("closing the gateway", () -> ran.add("gateway"));
        final Future<Integer> main = threads.submit(sequence::awaitStopAndDrain);
        sequence.onStop("SIGTERM");
        assertThat(main.get(WAIT_S, TimeUnit.SECONDS)).isZero();

        sequence.onStop("SIGTERM");
        sequence.onStop("JVM shutdown"); // the exit that follows the drain runs the shutdown hook

        assertThat(exits).isEmpty();
        assertThat(ran).containsExactly("gateway");
    }

    @Test
    void shouldRunTheRemainingStepsAndExitOneWhenAStepFails() throws Exception
    {
        final ShutdownSequence sequence = sequence(waitsForTheDrain())
            .step("closing the gateway", () ->
            {
                throw new IllegalStateException("boom");
            })
            .step("releasing the lock", () -> ran.add("lock"));
        final Future<Integer> main = threads.submit(sequence::awaitStopAndDrain);

        sequence.onStop("SIGINT");

        assertThat(main.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(ShutdownSequence.EXIT_STEP_FAILED);
        assertThat(ran).containsExactly("lock");
        assertThat(exits).isEmpty();
    }

    @Test
    void shouldSayTheDrainHadNotStartedWhenForcedBeforeIt() throws Exception
    {
        final ShutdownSequence sequence = sequence((drained, timeoutMs) -> false)
            .step("closing the gateway", () -> ran.add("gateway"));

        sequence.onStop("SIGTERM"); // nobody drains: the timeout passes at once

        assertThat(exits).hasSize(1);
        assertThat(exits.get(0)).contains("not finished: the drain had not started: closing the gateway");
        assertThat(ran).isEmpty();
    }
}
