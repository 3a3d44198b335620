package dev.rollcall.core;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wait strategy's contract: it returns once the awaited sequence has come, whether it was
 * spinning, yielding or parked when it came (no lost wake-up), and an alert wakes a parked
 * waiter. Parking "at once" (no spin, no yield) sends every hand-off through the park/signal
 * protocol.
 */
class ParkingWaitStrategyTest
{
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop()
    {
        executor.shutdownNow();
    }

    @ParameterizedTest(name = "spin {0}, yield {1}")
    @CsvSource({"0, 0", "1, 0", "0, 1", "100, 10"})
    void shouldHandEveryValueBetweenTwoThreadsWithoutLosingAWakeUp(final int spin, final int yield) throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(spin, yield);
        final Sequence ping = new Sequence(-1);
        final Sequence pong = new Sequence(-1);
        final Barrier barrier = new Barrier(strategy);
        final int rounds = 20_000;

        final Future<?> echo = executor.submit(() ->
        {
            for (long i = 0; i < rounds; i++)
            {
                strategy.waitFor(i, ping, ping, barrier);
                pong.set(i);
                strategy.signalAllWhenBlocking();
            }
            return null;
        });
        for (long i = 0; i < rounds; i++)
        {
            ping.set(i);
            strategy.signalAllWhenBlocking();
            assertThat(strategy.waitFor(i, pong, pong, barrier)).isGreaterThanOrEqualTo(i);
        }
        echo.get(30, SECONDS);
        assertThat(pong.get()).isEqualTo(rounds - 1);
    }

    @Test
    void shouldWaitOnTheDependentSequenceNotTheCursor() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(0, 0);
        final Sequence cursor = new Sequence(10);
        final Sequence dependent = new Sequence(-1);
        final Barrier barrier = new Barrier(strategy);
        final CompletableFuture<Long> waited = new CompletableFuture<>();
        final Thread waiter = new Thread(() ->
        {
            try
            {
                waited.complete(strategy.waitFor(3, cursor, dependent, barrier));
            }
            catch (final Throwable ex)
            {
                waited.completeExceptionally(ex);
            }
        });
        waiter.start();
        awaitParked(waiter);
        assertThat(waited).isNotDone();

        dependent.set(2);
        strategy.signalAllWhenBlocking();
        awaitParked(waiter);
        assertThat(waited).isNotDone();

        dependent.set(5);
        strategy.signalAllWhenBlocking();
        assertThat(waited.get(10, SECONDS)).isEqualTo(5);
    }

    @Test
    void shouldWakeAParkedWaiterWhenAlerted() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(0, 0);
        final Sequence sequence = new Sequence(-1);
        final Barrier barrier = new Barrier(strategy);
        final CompletableFuture<Long> waited = new CompletableFuture<>();
        final Thread waiter = new Thread(() ->
        {
            try
            {
                waited.complete(strategy.waitFor(0, sequence, sequence, barrier));
            }
            catch (final Throwable ex)
            {
                waited.completeExceptionally(ex);
            }
        });
        waiter.start();
        awaitParked(waiter);

        barrier.alert();
        assertThatThrownBy(() -> waited.get(10, SECONDS)).hasCauseInstanceOf(AlertException.class);
    }

    @Test
    void shouldRefuseNegativeTries()
    {
        assertThatThrownBy(() -> new ParkingWaitStrategy(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParkingWaitStrategy(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitParked(final Thread thread)
    {
        final long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING || LockSupport.getBlocker(thread) == null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("the waiter did not park: " + thread.getState());
            }
            Thread.onSpinWait();
        }
    }

    /** The part of a sequence barrier a wait strategy uses: the alert. */
    private static final class Barrier implements SequenceBarrier
    {
        private final ParkingWaitStrategy strategy;
        private volatile boolean alerted;

        Barrier(final ParkingWaitStrategy strategy)
        {
            this.strategy = strategy;
        }

        @Override
        public long waitFor(final long sequence)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCursor()
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAlerted()
        {
            return alerted;
        }

        @Override
        public void alert()
        {
            alerted = true;
            strategy.signalAllWhenBlocking();
        }

        @Override
        public void clearAlert()
        {
            alerted = false;
        }

        @Override
        public void checkAlert() throws AlertException
        {
            if (alerted)
            {
                throw AlertException.INSTANCE;
            }
        }
    }
}
