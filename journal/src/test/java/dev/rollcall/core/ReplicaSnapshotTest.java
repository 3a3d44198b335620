package dev.rollcall.core;

import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalDirectory;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot built by the snapshot thread from real Chronicle files (a transient replica fed from
 * the journal) against {@link SnapshotCodec#encode} of the live logic at the same position, both
 * driven by the same random inputs; and recovery from such a snapshot. Lives in
 * {@code dev.rollcall.core} to read the live logic, which it does on the invoking thread between
 * {@link Rollcall#invoke()} calls (layout {@link PipelineLayout#INVOKED}).
 */
class ReplicaSnapshotTest
{
    private static final long GRACE = 5_000;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    @TempDir
    Path dir;

    private RollcallContext ctx(final ChronicleJournal journal, final ConcurrentLinkedQueue<Throwable> errors)
    {
        return new RollcallContext().layout(PipelineLayout.INVOKED).tickIntervalMs(0).clock(clock::get)
            .gracePeriodMs(GRACE).journal(journal).snapshotIntervalMs(0).snapshotEveryInputs(0)
            .errorHandler(errors::add);
    }

    @Test
    void shouldStoreSnapshotsByteIdenticalToTheLiveLogicsAtTheSamePosition() throws Exception
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final ChronicleJournal journal = ChronicleJournal.open(dir);
        final byte[] liveAtEnd;
        final long endPosition;
        long lastReplicaPosition = 0;
        try (Rollcall rollcall = Rollcall.launch(ctx(journal, errors)))
        {
            drain(rollcall);
            // the first snapshot is replayed from the whole journal, the later ones from the previous snapshot
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0, n = 200 + random.nextInt(800); i < n; i++)
                {
                    randomInput(rollcall, random);
                }
                drain(rollcall);
                final CompletableFuture<Long> snapshot = rollcall.takeSnapshot();
                drain(rollcall);
                final long position = rollcall.logic().appliedInputs();
                final byte[] live = encode(rollcall.logic());
                // inputs keep flowing into the same queue while the snapshot thread reads it
                for (int i = 0; i < 300; i++)
                {
                    randomInput(rollcall, random);
                }
                drain(rollcall);

                assertThat(snapshot.get(30, TimeUnit.SECONDS)).as("seed=%d round %d", seed, round).isEqualTo(position);
                assertThat(Files.readAllBytes(journal.directory().snapshotFile(position)))
                    .as("seed=%d round %d: the stored replica snapshot vs the live logic's bytes", seed, round)
                    .isEqualTo(live);
                lastReplicaPosition = position;
            }
            for (int i = 0; i < 500; i++)
            {
                randomInput(rollcall, random);
            }
            drain(rollcall);
            endPosition = rollcall.logic().appliedInputs();
            liveAtEnd = encode(rollcall.logic());
        }
        assertThat(errors).as("seed=%d", seed).isEmpty();

        // close left a final snapshot, built the same way
        final JournalDirectory layout = JournalDirectory.open(dir);
        final Path finalSnapshot = layout.snapshotFile(endPosition);
        assertThat(Files.readAllBytes(finalSnapshot)).as("seed=%d: the snapshot of close", seed).isEqualTo(liveAtEnd);

        // without it, recovery starts from the last replica snapshot and replays the tail: the same state
        Files.delete(finalSnapshot);
        assertThat(layout.snapshotFile(lastReplicaPosition)).exists();
        final PresenceStateMachine recovered = new PresenceStateMachine(Limits.DEFAULT);
        try (ChronicleJournal reopened = ChronicleJournal.open(dir))
        {
            reopened.recover(recovered);
        }
        assertThat(recovered.position()).isEqualTo(endPosition);
        assertThat(encode(recovered.logic)).as("seed=%d: snapshot + tail vs the live state", seed).isEqualTo(liveAtEnd);
    }

    private void randomInput(final Rollcall rollcall, final SplittableRandom random)
    {
        final long user = 1 + random.nextInt(200);
        switch (random.nextInt(11))
        {
            case 0, 1, 2 -> rollcall.connectUser(user, 1 + random.nextInt(3));
            case 3 -> rollcall.connectionLost(user, 1 + random.nextInt(3));
            case 4 -> rollcall.updateClient(user, new Changes().afk(random.nextBoolean()).partyId(random.nextInt(9))
                .attribute("k" + random.nextInt(4), "v" + random.nextInt(5)), "r" + random.nextInt(3));
            case 5 -> rollcall.updateClientFull(user, new Changes().lobbyId(random.nextInt(4))
                .status(random.nextBoolean() ? Status.DND : Status.IDLE).attribute("mmr", random.nextInt(3000)), null);
            case 6 -> rollcall.subscribeToClient(1 + random.nextInt(200), user);
            case 7 -> rollcall.subscribeToLobby(1 + random.nextInt(200), 1 + random.nextInt(3));
            case 8 -> rollcall.disconnectUser(user);
            case 9 -> rollcall.setLimits(new Limits(2 + random.nextInt(4), 32, 256, 128)); // journaled too
            default ->
            {
                clock.addAndGet(random.nextInt(4_000));
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
}
