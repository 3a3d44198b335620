package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-only figures the admin port's {@code /metrics} reads from {@link Rollcall} on another
 * thread: client counts without listing clients, inputs applied by type, the ring's free slots, the
 * journal's lag, recovery time and the last snapshot's time, size and build time.
 */
class ObservabilityTest
{
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private RollcallContext ctx(final InMemoryJournal journal)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(10_000).journal(journal);
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldCountClientsConnectedAndInGraceWithoutListingThem() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(ctx(new InMemoryJournal())))
        {
            assertThat(rollcall.clientCount()).isZero();
            assertThat(rollcall.clientsInGrace()).isZero();
            await(rollcall.connectUser(1, 11));
            await(rollcall.connectUser(2, 21));
            await(rollcall.connectUser(3, 31));
            await(rollcall.connectionLost(2, 21));
            await(rollcall.connectionLost(3, 31));
            assertThat(rollcall.clientCount()).isEqualTo(3);
            assertThat(rollcall.clientsInGrace()).isEqualTo(2);

            await(rollcall.connectUser(2, 22)); // back within grace
            assertThat(rollcall.clientsInGrace()).isEqualTo(1);
            await(rollcall.disconnectUser(3)); // destroyed at once: its countdown goes too
            assertThat(rollcall.clientCount()).isEqualTo(2);
            assertThat(rollcall.clientsInGrace()).isZero();

            clock.addAndGet(10_000);
            await(rollcall.connectionLost(1, 11));
            clock.addAndGet(10_001);
            rollcall.tick();
            await(rollcall.setGracePeriod(10_000)); // behind the tick: the countdown has expired
            assertThat(rollcall.clientCount()).isEqualTo(1);
            assertThat(rollcall.clientsInGrace()).isZero();
        }
    }

    @Test
    void shouldCountInputsAppliedByType() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(ctx(new InMemoryJournal())))
        {
            await(rollcall.connectUser(1, 11));
            await(rollcall.updateClient(1, new Changes().afk(true), "away"));
            await(rollcall.updateClient(1, new Changes().partyId(-1), "refused, still applied"));
            await(rollcall.updateClientInLobby(7, new Changes().lobbyId(3), "unknown client"));
            final RollcallCounters counters = rollcall.counters();
            assertThat(counters.inputsApplied(InputType.SET_LIMITS)).as("journaled at launch").isEqualTo(1);
            assertThat(counters.inputsApplied(InputType.SET_GRACE_PERIOD)).as("journaled at launch").isEqualTo(1);
            assertThat(counters.inputsApplied(InputType.CONNECT_USER)).isEqualTo(1);
            assertThat(counters.inputsApplied(InputType.UPDATE_CLIENT)).isEqualTo(2);
            assertThat(counters.inputsApplied(InputType.UPDATE_CLIENT_IN_LOBBY)).isEqualTo(1);
            assertThat(counters.inputsApplied(InputType.TICK)).isZero();
            assertThat(counters.inputsApplied(0)).as("not an input type").isZero();
            assertThat(counters.inputsApplied(InputType.TAKE_SNAPSHOT)).as("a control input").isZero();
            long sum = 0;
            for (int type = InputType.TICK; type <= InputType.LAST_STATE_INPUT; type++)
            {
                sum += counters.inputsApplied(type);
            }
            assertThat(sum).isEqualTo(counters.get(Counter.INPUTS_PROCESSED));
        }
    }

    @Test
    void shouldShowAnIdleRingFreeAndTheJournalCaughtUp() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(ctx(new InMemoryJournal())))
        {
            await(rollcall.connectUser(1, 11));
            // the result completes in the fan-out, just before the fan-out's sequence frees the slot
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rollcall.ringRemainingCapacity() < rollcall.context().ringSize() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertThat(rollcall.ringRemainingCapacity()).isEqualTo(rollcall.context().ringSize());
            assertThat(rollcall.journalLag()).isZero();
        }
    }

    @Test
    void shouldTimeRecoveryAndReportTheLastSnapshot() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal(true);
        try (Rollcall rollcall = Rollcall.launch(ctx(journal)))
        {
            assertThat(rollcall.lastSnapshotEpochMs()).as("none stored yet in this run").isZero();
            assertThat(rollcall.lastSnapshotBytes()).isZero();
            for (int user = 1; user <= 100; user++)
            {
                await(rollcall.connectUser(user, user));
            }
            final long before = System.currentTimeMillis();
            rollcall.takeSnapshot().get(10, TimeUnit.SECONDS);
            assertThat(rollcall.lastSnapshotEpochMs()).isBetween(before, System.currentTimeMillis());
            assertThat(rollcall.lastSnapshotBytes()).isGreaterThan(100);
            assertThat(rollcall.lastSnapshotBuildNanos()).isPositive();
        }
        try (Rollcall rollcall = Rollcall.launch(ctx(journal)))
        {
            assertThat(rollcall.recoveryNanos()).as("the snapshot loaded, the inputs after it replayed").isPositive();
            assertThat(rollcall.clientCount()).isEqualTo(100);
            assertThat(rollcall.clientsInGrace()).as("connections do not survive a restart").isEqualTo(100);
        }
    }

    @Test
    void shouldPublishTheGraceCountOnEveryChangeOfTheHeap()
    {
        final GraceTimers timers = new GraceTimers();
        final ClientState[] clients = new ClientState[5];
        for (int i = 0; i < clients.length; i++)
        {
            clients[i] = new ClientState();
            clients[i].userId = i + 1;
            timers.schedule(clients[i], 100 - i);
            assertThat(timers.publishedSize()).isEqualTo(i + 1);
        }
        timers.schedule(clients[0], 50); // rescheduled: still one countdown
        assertThat(timers.publishedSize()).isEqualTo(5);
        timers.cancel(clients[2]);
        assertThat(timers.publishedSize()).isEqualTo(4);
        timers.cancel(clients[2]);
        assertThat(timers.publishedSize()).as("cancelling twice changes nothing").isEqualTo(4);
        timers.pollEarliest();
        assertThat(timers.publishedSize()).isEqualTo(3).isEqualTo(timers.size());
    }
}
