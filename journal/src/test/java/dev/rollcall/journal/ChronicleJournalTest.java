package dev.rollcall.journal;

import dev.rollcall.model.Changes;
import dev.rollcall.core.ClientInfo;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Chronicle journal under a real pipeline, with real queue files on disk.
 */
class ChronicleJournalTest
{
    private static final long GRACE = 60_000;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    @TempDir
    Path dir;

    private RollcallContext ctx(final ChronicleJournal journal)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(GRACE).journal(journal);
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRecoverEveryAcknowledgedChangeAfterARestart() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            for (long user = 1; user <= 100; user++)
            {
                assertThat(await(rollcall.connectUser(user, 1))).isEqualTo(Result.APPLIED);
                assertThat(await(rollcall.updateClient(user, new Changes().status(Status.IDLE).partyId(user), "p")))
                    .isEqualTo(Result.APPLIED);
            }
            await(rollcall.subscribeToClient(500, 7));
        }

        clock.addAndGet(5_000);
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            assertThat(rollcall.listClientIds()).hasSize(100);
            final ClientInfo seven = rollcall.getClient(7);
            assertThat(seven.partyId()).isEqualTo(7);
            assertThat(seven.status()).isEqualTo(Status.IDLE);
            assertThat(seven.connected()).isFalse();
            assertThat(seven.lastDisconnected()).isEqualTo(clock.get());
            assertThat(await(rollcall.subscribeToClient(500, 7))).as("subscription recovered").isEqualTo(Result.UNCHANGED);
        }
    }

    @Test
    void shouldRebuildTheSameStateFromFullReplayAsTheLiveSnapshot() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(ctx(ChronicleJournal.open(dir))))
        {
            for (long user = 1; user <= 50; user++)
            {
                rollcall.connectUser(user, user);
                rollcall.updateClientFull(user, new Changes().lobbyId(user % 3).attribute("k", user), null);
            }
            await(rollcall.connectionLost(3, 3));
        }
        // the close snapshot covers everything; a full replay of the queue must give the same bytes
        final JournalDirectory layout = JournalDirectory.open(dir);
        final SnapshotStore store = new SnapshotStore(layout);
        assertThat(store.list()).hasSize(1);
        final PresenceStateMachine fromSnapshot = new PresenceStateMachine(Limits.DEFAULT);
        store.loadNewest(fromSnapshot);

        final PresenceStateMachine replayed = new PresenceStateMachine(Limits.DEFAULT);
        try (ChronicleJournal journal = ChronicleJournal.open(dir))
        {
            journal.reader().read(0, (number, buffer, offset, length) -> replayed.apply(buffer, offset, length), null);
        }
        assertThat(bytes(replayed)).isEqualTo(bytes(fromSnapshot));
        assertThat(replayed.clientCount()).isEqualTo(50);
    }

    static byte[] bytes(final PresenceStateMachine state)
    {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        final int length = state.takeSnapshot(buffer);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
