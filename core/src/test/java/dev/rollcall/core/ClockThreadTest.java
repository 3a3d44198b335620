package dev.rollcall.core;

import dev.rollcall.model.Result;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/**
 * The clock thread publishes a tick only when a grace countdown is due: an idle pipeline
 * journals nothing, and each due deadline costs exactly one journaled tick, stamped at or after
 * the deadline. The clock here stands still between steps while a countdown runs and the clock
 * thread looks at it every millisecond ({@code tickIntervalMs(1)}), so a thread that ticked by
 * interval would journal many ticks.
 */
class ClockThreadTest
{
    private static final long T0 = 1_000_000L;
    private static final long GRACE = 1_000;

    @Test
    void shouldJournalOneTickPerDueDeadlineAndNoneWhileNothingIsDue() throws Exception
    {
        final AtomicLong time = new AtomicLong(T0);
        final InMemoryJournal journal = new InMemoryJournal();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext()
            .tickIntervalMs(1).gracePeriodMs(GRACE).clock(time::get).journal(journal).errorHandler(errors::add)))
        {
            assertThat(rollcall.connectUser(1, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            assertThat(rollcall.connectUser(2, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            time.set(T0 + 100);
            assertThat(rollcall.connectionLost(1, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);  // due T0 + 1100
            time.set(T0 + 300);
            assertThat(rollcall.connectionLost(2, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);  // due T0 + 1300

            time.set(T0 + 1_099);
            assertThat(rollcall.getClient(1)).isNotNull();
            time.set(T0 + 1_100);
            awaitCondition("user 1 destroyed", () -> null == rollcall.getClient(1));
            assertThat(rollcall.getClient(2)).isNotNull();
            time.set(T0 + 50_000);
            awaitCondition("user 2 destroyed", () -> null == rollcall.getClient(2));
            // a command after both: everything before it is applied
            assertThat(rollcall.connectUser(3, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
        }

        final List<Long> ticks = new ArrayList<>();
        journal.replay(input ->
        {
            if (input.type == InputType.TICK)
            {
                ticks.add(input.time);
            }
        });
        assertThat(ticks).hasSize(2);
        assertThat(ticks.get(0)).isEqualTo(T0 + 1_100);
        assertThat(ticks.get(1)).isEqualTo(T0 + 50_000);
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldJournalNoTickWhenNoCountdownRuns() throws Exception
    {
        final AtomicLong time = new AtomicLong(T0);
        final InMemoryJournal journal = new InMemoryJournal();
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext()
            .tickIntervalMs(1).gracePeriodMs(GRACE).clock(time::get).journal(journal)))
        {
            assertThat(rollcall.connectUser(1, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            for (int i = 1; i <= 50; i++)
            {
                time.set(T0 + i * 3_600_000L);
                assertThat(rollcall.subscribeToClient(100 + i, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            }
        }
        final int[] ticks = new int[1];
        journal.replay(input -> ticks[0] += input.type == InputType.TICK ? 1 : 0);
        assertThat(ticks[0]).isZero();
    }

    @Test
    void shouldSnapshotByInputCountWhenTheFanOutWakesTheClockThread() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(true);
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext()
            .gracePeriodMs(GRACE).journal(journal).snapshotIntervalMs(0).snapshotEveryInputs(20)))
        {
            for (int u = 1; u <= 25; u++)
            {
                assertThat(rollcall.connectUser(u, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            }
            // the clock thread has nothing timed to wait for: only the fan-out's wake-up brings it
            awaitCondition("a snapshot by count", () -> journal.snapshotPosition() >= 20);
        }
    }

    @Test
    void shouldSnapshotByTimeOnlyAfterSomethingHappenedAndThenAtTheNextInput() throws Exception
    {
        final AtomicLong time = new AtomicLong(T0);
        final InMemoryJournal journal = new InMemoryJournal(true);
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext()
            .tickIntervalMs(1).gracePeriodMs(GRACE).clock(time::get).journal(journal)
            .snapshotIntervalMs(1_000).snapshotEveryInputs(0)))
        {
            assertThat(rollcall.connectUser(1, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            time.set(T0 + 1_000);
            awaitCondition("a snapshot by time", () -> journal.snapshotPosition() > 0);
            final long first = journal.snapshotPosition();

            // due again, but nothing happened since: an idle node takes no snapshot ...
            time.set(T0 + 2_500);
            assertThat(rollcall.subscribeToClient(100, 1).get(10, SECONDS)).isEqualTo(Result.APPLIED);
            // ... and the first input after it brings one, without waiting for another interval
            awaitCondition("a snapshot after the next input", () -> journal.snapshotPosition() > first);
        }
    }

    private static void awaitCondition(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}
