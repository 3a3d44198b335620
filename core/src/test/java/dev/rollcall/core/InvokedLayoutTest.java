package dev.rollcall.core;

import dev.rollcall.model.Result;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Layout INVOKED: no stage thread; the embedding's thread runs the pipeline with
 * {@link Rollcall#invoke()}. Commands published on other threads wait for it and wake it; the
 * invoking thread's own commands never wait for itself, even on a full ring; callbacks run
 * inside invoke and may not publish; close drains what was published.
 */
class InvokedLayoutTest
{
    private static RollcallContext ctx(final ConcurrentLinkedQueue<Throwable> errors)
    {
        return new RollcallContext().layout(PipelineLayout.INVOKED).ringSize(16).tickIntervalMs(0)
            .errorHandler(errors::add);
    }

    @Test
    void shouldDoNothingUntilInvokedAndThenAnswerInOrder() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final InMemoryJournal journal = new InMemoryJournal();
        try (Rollcall rollcall = Rollcall.launch(ctx(errors).journal(journal)))
        {
            final int journaledAtLaunch = journal.size();
            final CompletableFuture<Result> connect = rollcall.connectUser(7, 70);
            assertThat(rollcall.hasPendingInputs()).isTrue();
            assertThat(connect).isNotDone();
            assertThat(journal.size()).as("nothing journaled before invoke").isEqualTo(journaledAtLaunch);
            assertThat(rollcall.getClient(7)).isNull();

            assertThat(rollcall.invoke()).isEqualTo(1);
            assertThat(connect.getNow(null)).isEqualTo(Result.APPLIED);
            assertThat(journal.size()).isEqualTo(journaledAtLaunch + 1);
            assertThat(rollcall.getClient(7)).isNotNull();
            assertThat(rollcall.hasPendingInputs()).isFalse();
            assertThat(rollcall.invoke()).isZero();
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldInvokeItselfWhenItsOwnPublishFindsTheRingFull() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (Rollcall rollcall = Rollcall.launch(ctx(errors)))
        {
            rollcall.invoke(); // this thread is the invoking thread
            final List<CompletableFuture<Result>> results = new ArrayList<>();
            for (int u = 1; u <= 100; u++) // a ring of 16: publishing must invoke to make room
            {
                results.add(rollcall.connectUser(u, 1));
            }
            while (rollcall.invoke() > 0)
            {
                Thread.onSpinWait();
            }
            for (final CompletableFuture<Result> result : results)
            {
                assertThat(result.getNow(null)).isEqualTo(Result.APPLIED);
            }
            assertThat(rollcall.listClientIds()).hasSize(100);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldWakeTheInvokerWhenAnotherThreadPublishes() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final AtomicInteger wakes = new AtomicInteger();
        final Rollcall rollcall = Rollcall.launch(ctx(errors));
        rollcall.invokerWaker(wakes::incrementAndGet);
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread invoker = new Thread(() ->
        {
            while (running.get())
            {
                if (0 == rollcall.invoke())
                {
                    Thread.onSpinWait();
                }
            }
        }, "invoker");
        invoker.start();
        try
        {
            final List<CompletableFuture<Result>> results = new ArrayList<>();
            for (int u = 1; u <= 200; u++) // many more than the ring holds: producers wait for the invoker
            {
                results.add(rollcall.connectUser(u, 1));
            }
            for (final CompletableFuture<Result> result : results)
            {
                assertThat(result.get(10, SECONDS)).isEqualTo(Result.APPLIED);
            }
            assertThat(wakes.get()).as("every publish signals the invoker").isGreaterThanOrEqualTo(200);
        }
        finally
        {
            running.set(false);
            invoker.join();
            rollcall.close();
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldRefuseAPublishFromInsideACallbackAndDrainOnClose() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final Rollcall rollcall = Rollcall.launch(ctx(errors));
        final CompletableFuture<Throwable> refused = new CompletableFuture<>();
        rollcall.connectUser(1, 1, (correlationId, result) ->
        {
            try
            {
                rollcall.connectUser(2, 1);
                refused.complete(null);
            }
            catch (final IllegalStateException ex)
            {
                refused.complete(ex);
            }
        }, 0);
        rollcall.invoke();
        assertThat(refused.getNow(null)).isInstanceOf(IllegalStateException.class);

        final CompletableFuture<Result> pending = rollcall.connectUser(3, 1);
        rollcall.close(); // nobody invokes any more: close drains on this thread
        assertThat(pending.getNow(null)).isEqualTo(Result.APPLIED);
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldRefuseInvokeInAnotherLayout()
    {
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext().layout(PipelineLayout.SERIAL).tickIntervalMs(0)))
        {
            assertThatThrownBy(rollcall::invoke).isInstanceOf(IllegalStateException.class);
            assertThat(rollcall.hasPendingInputs()).isFalse();
        }
    }
}
