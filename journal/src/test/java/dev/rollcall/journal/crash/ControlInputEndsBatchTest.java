package dev.rollcall.journal.crash;

import dev.rollcall.core.Limits;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalSettings;
import net.openhft.chronicle.core.time.TimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression test, the deterministic form of what {@link CrashRecoveryTest} found: when the last
 * event of a Disruptor batch was a control input (TAKE_SNAPSHOT, ATTACH_MAILBOX, DETACH_MAILBOX),
 * the journal stage never told the journal that the batch ended, so {@link ChronicleJournal}
 * kept the batch's state inputs in memory while the pipeline acknowledged them and (for
 * TAKE_SNAPSHOT) snapshotted them. A crash before the next batch lost acknowledged commands; a
 * graceful close whose final snapshot ended such a batch left a snapshot ahead of the queue, and
 * the journal no longer recovered. Fixed by {@code Journal.endOfBatch()}.
 * <p>
 * To line the batch up, the clock Chronicle consults when it writes a document blocks the
 * journal thread in the middle of writing command A; command B and a control input are
 * published behind it; once released, the journal stage gets the batch [B, control].
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = PipelineLayout.class, names = {"SERIAL", "PARALLEL"}) // INVOKED needs an invoking thread
class ControlInputEndsBatchTest
{
    @Parameter
    PipelineLayout layout;

    private static final long TIMEOUT_S = 10;

    @TempDir
    Path dir;

    private final GatedClock clock = new GatedClock();

    private Rollcall launch()
    {
        return Rollcall.launch(new RollcallContext()
            .journal(ChronicleJournal.open(new JournalSettings(dir).timeProvider(clock)))
            .layout(layout).tickIntervalMs(0).snapshotIntervalMs(0).snapshotEveryInputs(0));
    }

    @Test
    void shouldHaveJournaledACommandOnceAcknowledgedWhenAMailboxIsOpenedRightAfterIt() throws Exception
    {
        try (Rollcall rollcall = launch())
        {
            clock.arm();
            rollcall.subscribeToClient(1, 1); // A: the journal thread blocks writing it
            clock.awaitBlocked();
            final CompletableFuture<Result> b = rollcall.connectUser(7, 70);
            rollcall.openMailbox(99); // ATTACH_MAILBOX, behind B in the same batch
            clock.release();
            assertThat(b.get(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo(Result.APPLIED);

            // acknowledged means journaled: a crash now must not lose it; recover what the disk holds
            final PresenceStateMachine onDisk = new PresenceStateMachine(Limits.DEFAULT);
            try (ChronicleJournal reopened = ChronicleJournal.open(dir))
            {
                reopened.recover(onDisk);
            }
            assertThat(onDisk.client(7)).as("the acknowledged connectUser(7) is in the queue").isNotNull();
        }
    }

    @Test
    void shouldRecoverAfterACloseWhoseFinalSnapshotEndsABatch() throws Exception
    {
        final Rollcall rollcall = launch();
        clock.arm();
        rollcall.subscribeToClient(1, 1); // A: the journal thread blocks writing it
        clock.awaitBlocked();
        final CompletableFuture<Result> b = rollcall.connectUser(7, 70);
        final Thread closer = new Thread(rollcall::close, "closer");
        closer.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!rollcall.isClosed() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait(); // once isClosed(), close() has published its TAKE_SNAPSHOT, behind B
        }
        assertThat(rollcall.isClosed()).isTrue();
        clock.release();
        closer.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        assertThat(closer.isAlive()).as("close() finished").isFalse();
        assertThat(b).isCompletedWithValue(Result.APPLIED);

        final PresenceStateMachine recovered = new PresenceStateMachine(Limits.DEFAULT);
        try (ChronicleJournal reopened = ChronicleJournal.open(dir))
        {
            reopened.recover(recovered);
        }
        assertThat(recovered.client(7)).as("the acknowledged connectUser(7) after a graceful close").isNotNull();
    }

    /** The wall clock, except that once armed it blocks the journal thread's next reading until released. */
    private static final class GatedClock implements TimeProvider
    {
        private final CountDownLatch blocked = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile boolean armed;

        void arm()
        {
            armed = true;
        }

        void awaitBlocked() throws InterruptedException
        {
            assertThat(blocked.await(TIMEOUT_S, TimeUnit.SECONDS)).as("the journal thread reached the gate").isTrue();
        }

        void release()
        {
            gate.countDown();
        }

        @Override
        public long currentTimeMillis()
        {
            final String thread = Thread.currentThread().getName();
            if (armed && ("rollcall-journal".equals(thread) || "rollcall-pipeline".equals(thread)))
            {
                armed = false;
                blocked.countDown();
                try
                {
                    if (!gate.await(TIMEOUT_S, TimeUnit.SECONDS))
                    {
                        throw new IllegalStateException("gate never opened");
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
            }
            return System.currentTimeMillis();
        }
    }
}
