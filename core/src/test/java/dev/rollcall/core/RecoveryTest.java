package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import dev.rollcall.model.Result;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restart through the journal SPI with {@link InMemoryJournal}: snapshot at close, recovery at
 * launch, connections reset, countdowns kept exactly; and snapshot + tail = full replay, byte
 * for byte.
 */
class RecoveryTest
{
    private static final long GRACE = 10_000;
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private RollcallContext ctx(final InMemoryJournal journal)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(GRACE).journal(journal);
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRecoverStateAndTreatEveryLiveConnectionAsLostAtRestart() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal();
        final long start = clock.get();
        try (Rollcall rollcall = Rollcall.launch(ctx(journal)))
        {
            await(rollcall.connectUser(1, 11));
            await(rollcall.connectUser(1, 12));
            await(rollcall.connectUser(2, 21));
            await(rollcall.updateClientFull(2, new Changes().status(Status.DND).lobbyId(7).attribute("mmr", 1500), "x"));
            await(rollcall.connectUser(3, 31));
            await(rollcall.subscribeToClient(100, 1));
            clock.addAndGet(1_000);
            await(rollcall.connectionLost(3, 31)); // in grace since start + 1000
        }
        assertThat(journal.snapshotPosition()).as("snapshot taken at close").isEqualTo(journal.size());

        clock.addAndGet(2_000);
        final long restart = clock.get();
        try (Rollcall rollcall = Rollcall.launch(ctx(journal)))
        {
            final Mailbox watcher = rollcall.openMailbox(100);
            await(rollcall.connectUser(1, 13)); // user 1 comes back within grace

            final ClientInfo one = rollcall.getClient(1);
            assertThat(one.connected()).isTrue();
            assertThat(one.connectionIds()).containsExactly(13L);
            assertThat(one.lastDisconnected()).isEqualTo(restart);

            final ClientInfo two = rollcall.getClient(2);
            assertThat(two.connected()).isFalse();
            assertThat(two.lastDisconnected()).isEqualTo(restart);
            assertThat(two.status()).isEqualTo(Status.DND);
            assertThat(two.lobbyId()).isEqualTo(7);
            assertThat(two.attributes()).containsEntry("mmr", 1500L);
            assertThat(two.updateId()).isEqualTo(3);

            final ClientInfo three = rollcall.getClient(3);
            assertThat(three.lastDisconnected()).as("an earlier countdown keeps its start").isEqualTo(start + 1_000);

            final List<String> seen = new ArrayList<>();
            watcher.poll(event -> seen.add(event.type() + "@" + event.userId()), 10);
            assertThat(seen).as("the subscription survived the restart").containsExactly("CLIENT_CONNECTED@1");

            // user 3's countdown expires exactly at its original deadline, user 2's at restart + grace
            clock.set(start + 1_000 + GRACE - 1);
            rollcall.tick();
            await(rollcall.setGracePeriod(GRACE));
            assertThat(rollcall.getClient(3)).isNotNull();
            clock.set(start + 1_000 + GRACE);
            rollcall.tick();
            await(rollcall.setGracePeriod(GRACE));
            assertThat(rollcall.getClient(3)).isNull();
            assertThat(rollcall.getClient(2)).isNotNull();
            clock.set(restart + GRACE);
            rollcall.tick();
            await(rollcall.setGracePeriod(GRACE));
            assertThat(rollcall.getClient(2)).isNull();
            assertThat(rollcall.listClientIds()).containsExactly(1L);
        }
    }

    @Test
    void shouldRebuildTheSameBytesFromSnapshotPlusTailAsFromFullReplay() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal();
        final SplittableRandom random = new SplittableRandom(42);
        byte[] midSnapshot = null;
        long midPosition = 0;
        try (Rollcall rollcall = Rollcall.launch(ctx(journal)))
        {
            for (int i = 0; i < 2_000; i++)
            {
                final long user = 1 + random.nextInt(50);
                switch (random.nextInt(5))
                {
                    case 0 -> rollcall.connectUser(user, 1 + random.nextInt(3));
                    case 1 -> rollcall.connectionLost(user, 1 + random.nextInt(3));
                    case 2 -> rollcall.updateClient(user, new Changes().afk(random.nextBoolean())
                        .attribute("k" + random.nextInt(3), random.nextInt(5)), "r");
                    case 3 -> rollcall.subscribeToClient(1 + random.nextInt(50), user);
                    default -> clock.addAndGet(random.nextInt(3_000));
                }
                if (i == 1_000)
                {
                    midPosition = rollcall.takeSnapshot().get(10, TimeUnit.SECONDS);
                    midSnapshot = journal.snapshot();
                }
            }
            await(rollcall.setGracePeriod(GRACE));
        }
        assertThat(midSnapshot).isNotNull();
        assertThat(midPosition).isBetween(1L, (long)journal.size());

        final PresenceStateMachine fromSnapshot = new PresenceStateMachine(Limits.DEFAULT);
        fromSnapshot.loadSnapshot(new UnsafeBuffer(midSnapshot), 0, midSnapshot.length);
        final PresenceStateMachine full = new PresenceStateMachine(Limits.DEFAULT);
        final PresenceStateMachine fullAgain = new PresenceStateMachine(Limits.DEFAULT);
        final long[] number = {0};
        final long skip = midPosition;
        journal.replay(input ->
        {
            number[0]++;
            full.apply(input);
            fullAgain.apply(input);
            if (number[0] > skip)
            {
                fromSnapshot.apply(input);
            }
        });

        final byte[] a = snapshotBytes(full);
        assertThat(a).as("replaying the same journal twice gives byte-identical snapshots").isEqualTo(snapshotBytes(fullAgain));
        assertThat(snapshotBytes(fromSnapshot)).as("snapshot + tail = full replay").isEqualTo(a);
        assertThat(a).as("and equals the snapshot taken live at close").isEqualTo(journal.snapshot());
        assertThat(full.clientCount()).isPositive();
    }

    @Test
    void shouldStartTheResetCountdownsWithTheNewRunsGracePeriod() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal();
        try (Rollcall rollcall = Rollcall.launch(ctx(journal).gracePeriodMs(0)))
        {
            await(rollcall.connectUser(1, 1));
        }
        try (Rollcall rollcall = Rollcall.launch(ctx(journal).gracePeriodMs(600_000)))
        {
            final ClientInfo one = rollcall.getClient(1);
            assertThat(one).as("not destroyed by the previous run's grace of 0").isNotNull();
            assertThat(one.connected()).isFalse();
            assertThat(await(rollcall.connectUser(1, 2))).isEqualTo(Result.APPLIED);
            assertThat(rollcall.getClient(1).connected()).isTrue();
        }
    }

    @Test
    void shouldJournalTheConfiguredLimitsAtEveryLaunchAndSetLimitsThroughThePipeline() throws Exception
    {
        final InMemoryJournal journal = new InMemoryJournal();
        try (Rollcall rollcall = Rollcall.launch(ctx(journal).limits(new Limits(16, 32, 256, 4))))
        {
            await(rollcall.connectUser(1, 1));
            assertThat(await(rollcall.updateClient(1, new Changes().afk(true), "éé" + "a"))).isEqualTo(Result.REASON_TOO_LONG);
            assertThat(await(rollcall.setLimits(new Limits(16, 32, 256, 6)))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.updateClient(1, new Changes().afk(true), "éé" + "a"))).isEqualTo(Result.APPLIED);
        }
        try (Rollcall rollcall = Rollcall.launch(ctx(journal).limits(new Limits(16, 32, 256, 2))))
        {
            assertThat(await(rollcall.updateClient(1, new Changes().afk(false), "éa")))
                .as("the limits this launch was configured with, not the recovered ones").isEqualTo(Result.REASON_TOO_LONG);
            assertThat(await(rollcall.updateClient(1, new Changes().afk(false), "é"))).isEqualTo(Result.APPLIED);
        }

        final PresenceStateMachine replayed = new PresenceStateMachine(Limits.DEFAULT);
        final List<String> journaled = new ArrayList<>();
        journal.replay(input ->
        {
            journaled.add(InputType.name(input.type()) +
                (input.type() == InputType.SET_LIMITS ? "(" + input.maxReasonBytes() + ")" : ""));
            replayed.apply(input);
        });
        assertThat(journaled).as("each launch's limits first, then its grace; and the change in between").containsExactly(
            "SET_LIMITS(4)", "SET_GRACE_PERIOD", "CONNECT_USER", "UPDATE_CLIENT", "SET_LIMITS(6)", "UPDATE_CLIENT",
            "SET_LIMITS(2)", "SET_GRACE_PERIOD", "CONNECTIONS_RESET", "UPDATE_CLIENT", "UPDATE_CLIENT");
        assertThat(replayed.limits()).isEqualTo(new Limits(16, 32, 256, 2));
        assertThatThrownBy(() -> new RollcallContext().limits(null).conclude()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseToLoadACorruptSnapshotNamingTheProblem()
    {
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        final Input input = new Input();
        state.apply(input.set(InputType.CONNECT_USER, 5).userId(1).connectionId(1));
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        final int length = state.takeSnapshot(buffer);
        buffer.putByte(20, (byte)(buffer.getByte(20) ^ 1));

        final PresenceStateMachine target = new PresenceStateMachine(Limits.DEFAULT);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.loadSnapshot(buffer, 0, length))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("checksum mismatch");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.loadSnapshot(buffer, 0, length - 3))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("END mark");
        assertThat(target.clientCount()).isZero();
    }

    @Test
    void shouldRefuseCommandsFromTheFanOutThreadInsteadOfDeadlocking() throws Exception
    {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (Rollcall rollcall = Rollcall.launch(ctx(new InMemoryJournal(false)).ringSize(4)))
        {
            final java.util.concurrent.CountDownLatch called = new java.util.concurrent.CountDownLatch(1);
            // a callback always runs on the fan-out thread
            rollcall.connectUser(1, 1, (correlationId, result) ->
            {
                try
                {
                    for (int i = 0; i < 16; i++)
                    {
                        rollcall.connectUser(2, 10 + i);
                    }
                }
                catch (final IllegalStateException ex)
                {
                    thrown.set(ex);
                }
                called.countDown();
            }, 7);
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("fan-out thread");
            assertThat(await(rollcall.connectUser(3, 1))).as("the pipeline still runs").isEqualTo(Result.APPLIED);
        }
    }

    private static byte[] snapshotBytes(final PresenceStateMachine state)
    {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
        final int length = state.takeSnapshot(buffer);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
