package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots built by the snapshot thread from the journal ({@link SnapshotWriter}), with
 * {@link InMemoryJournal}: the same bytes the live logic would have encoded, requests that
 * coalesce while a build runs, a failing build that fails only its futures, and journals that
 * store no snapshots. The Chronicle journal's side is tested in the journal module.
 */
class SnapshotWriterTest
{
    private static final long GRACE = 5_000;
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private RollcallContext ctx(final Journal journal, final ConcurrentLinkedQueue<Throwable> errors)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(GRACE).journal(journal)
            .snapshotIntervalMs(0).snapshotEveryInputs(0).errorHandler(errors::add);
    }

    private static <T> T await(final CompletableFuture<T> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldBuildTheSameBytesAsTheLiveLogicWouldHaveEncodedAtThatPosition() throws Exception
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final InMemoryJournal journal = new InMemoryJournal();
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors).layout(PipelineLayout.INVOKED)))
        {
            drain(rollcall);
            for (int round = 0; round < 4; round++)
            {
                for (int i = 0, n = 100 + random.nextInt(400); i < n; i++)
                {
                    randomInput(rollcall, random);
                }
                drain(rollcall);
                final CompletableFuture<Long> snapshot = rollcall.takeSnapshot();
                drain(rollcall);
                final long position = rollcall.logic().appliedInputs();
                final byte[] live = encode(rollcall.logic());
                // inputs keep flowing while the snapshot thread builds
                for (int i = 0; i < 200; i++)
                {
                    randomInput(rollcall, random);
                }
                drain(rollcall);

                assertThat(await(snapshot)).as("seed=%d round %d", seed, round).isEqualTo(position);
                assertThat(journal.snapshotPosition()).isEqualTo(position);
                assertThat(journal.snapshot()).as("seed=%d round %d: replica vs live bytes", seed, round).isEqualTo(live);
            }
        }
        assertThat(errors).as("seed=%d", seed).isEmpty();
    }

    @Test
    void shouldCoalesceRequestsThatArriveWhileASnapshotIsBeingBuilt() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final GatedJournal journal = new GatedJournal();
        journal.gate = new CountDownLatch(1);
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors)))
        {
            await(rollcall.connectUser(1, 1));
            final CompletableFuture<Long> first = rollcall.takeSnapshot();
            assertThat(journal.entered.await(10, TimeUnit.SECONDS)).as("the first build started").isTrue();

            await(rollcall.connectUser(2, 1));
            final CompletableFuture<Long> second = rollcall.takeSnapshot();
            await(rollcall.connectUser(3, 1));
            final CompletableFuture<Long> third = rollcall.takeSnapshot();
            await(rollcall.connectUser(4, 1)); // in ring order after the third request: both were handed over
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();

            journal.gate.countDown();
            final long firstPosition = await(first);
            final long thirdPosition = await(third);
            assertThat(await(second)).as("served by the same, later build").isEqualTo(thirdPosition);
            assertThat(thirdPosition).isGreaterThan(firstPosition).isEqualTo(journal.delegate.size() - 1);
            assertThat(journal.rebuilds.get()).as("one build for the two waiting requests").isEqualTo(2);
            assertThat(journal.delegate.snapshotPosition()).isEqualTo(thirdPosition);

            assertThat(await(rollcall.takeSnapshot())).isEqualTo(thirdPosition + 1);
            assertThat(await(rollcall.takeSnapshot())).as("nothing new: the stored one").isEqualTo(thirdPosition + 1);
            assertThat(journal.rebuilds.get()).isEqualTo(3);
            assertThat(rollcall.counters().get(Counter.SNAPSHOTS_STORED)).isEqualTo(3);
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldFailTheSnapshotButNotThePipelineWhenTheReplicaFails() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final GatedJournal journal = new GatedJournal();
        journal.failure = new IllegalStateException("replica broke");
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors)))
        {
            await(rollcall.connectUser(1, 1));
            final long position = journal.delegate.size();
            final CompletableFuture<Long> snapshot = rollcall.takeSnapshot();
            assertThatThrownBy(() -> await(snapshot))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("the snapshot at position " + position + " could not be taken")
                .hasMessageContaining("replica broke");
            assertThat(rollcall.counters().get(Counter.SNAPSHOT_FAILURES)).isEqualTo(1);
            assertThat(errors).hasSize(1);
            assertThat(errors.peek()).hasMessageContaining("position " + position);
            assertThat(rollcall.counters().get(Counter.HANDLER_ERRORS)).as("the pipeline saw nothing").isZero();

            assertThat(await(rollcall.connectUser(2, 1))).isEqualTo(Result.APPLIED);
            assertThat(rollcall.getClient(2)).isNotNull();
            journal.failure = null;
            assertThat(await(rollcall.takeSnapshot())).as("the next request tries again").isEqualTo(position + 1);
            assertThat(journal.delegate.snapshotPosition()).isEqualTo(position + 1);
        }
        assertThat(journal.delegate.snapshotPosition()).as("and close took its final one").isEqualTo(journal.delegate.size());
    }

    @Test
    void shouldCompleteWithThePositionAndBuildNothingWhenTheJournalStoresNoSnapshots() throws Exception
    {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final InMemoryJournal journal = new InMemoryJournal(false);
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors)))
        {
            await(rollcall.connectUser(1, 1));
            assertThat(await(rollcall.takeSnapshot())).isEqualTo(journal.size());
        }
        assertThat(journal.snapshot()).isNull();
        assertThat(errors).isEmpty();
    }

    private void randomInput(final Rollcall rollcall, final SplittableRandom random)
    {
        final long user = 1 + random.nextInt(40);
        switch (random.nextInt(9))
        {
            case 0, 1 -> rollcall.connectUser(user, 1 + random.nextInt(3));
            case 2 -> rollcall.connectionLost(user, 1 + random.nextInt(3));
            case 3 -> rollcall.updateClient(user, new Changes().afk(random.nextBoolean())
                .attribute("k" + random.nextInt(3), random.nextInt(5)), "r" + random.nextInt(3));
            case 4 -> rollcall.updateClientFull(user, new Changes().lobbyId(random.nextInt(3)).status(Status.DND), null);
            case 5 -> rollcall.subscribeToClient(1 + random.nextInt(40), user);
            case 6 -> rollcall.subscribeToLobby(1 + random.nextInt(40), 1 + random.nextInt(3));
            case 7 -> rollcall.setLimits(new Limits(1 + random.nextInt(3), 32, 256, 128));
            default ->
            {
                clock.addAndGet(random.nextInt(3_000));
                rollcall.tick();
            }
        }
    }

    private static void drain(final Rollcall rollcall)
    {
        while (rollcall.invoke() > 0)
        {
            Thread.onSpinWait();
        }
    }

    private static byte[] encode(final PresenceLogic logic)
    {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        final int length = SnapshotCodec.encode(buffer, logic);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /**
     * An {@link InMemoryJournal} whose rebuilds can be held at a gate or made to fail.
     */
    private static final class GatedJournal implements Journal
    {
        final InMemoryJournal delegate = new InMemoryJournal();
        final AtomicInteger rebuilds = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate;
        volatile RuntimeException failure;

        @Override
        public void append(
            final DirectBuffer buffer, final int offset, final int length, final long sequence, final boolean endOfBatch)
        {
            delegate.append(buffer, offset, length, sequence, endOfBatch);
        }

        @Override
        public void recover(final PresenceStateMachine state)
        {
            delegate.recover(state);
        }

        @Override
        public boolean storesSnapshots()
        {
            return true;
        }

        @Override
        public void rebuild(final PresenceStateMachine state, final long position)
        {
            rebuilds.incrementAndGet();
            entered.countDown();
            final CountDownLatch latch = gate;
            if (null != latch)
            {
                try
                {
                    latch.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
            final RuntimeException toThrow = failure;
            if (null != toThrow)
            {
                throw toThrow;
            }
            delegate.rebuild(state, position);
        }

        @Override
        public void onSnapshot(final DirectBuffer snapshot, final int length, final long position)
        {
            delegate.onSnapshot(snapshot, length, position);
        }
    }
}
