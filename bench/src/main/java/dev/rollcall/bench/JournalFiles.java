package dev.rollcall.bench;

import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.journal.ChronicleJournal;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * Writes the journals that the replay and recovery benchmarks read.
 */
final class JournalFiles
{
    /** Users of the written workload. */
    static final int USERS = 100_000;
    /** Inputs per batch (one queue document each). */
    static final int BATCH = 64;
    private static final long SEED = 2026;

    private JournalFiles()
    {
    }

    /**
     * Write {@code inputs} inputs of a {@value #USERS}-user {@link Workload} through a
     * {@link ChronicleJournal}, in batches of {@value #BATCH}, optionally with a snapshot.
     *
     * @param directory  an empty or absent journal directory.
     * @param inputs     how many inputs.
     * @param snapshotAt when positive, the position at which to hand the journal a snapshot of
     *                   the state (the inputs are applied to a state machine up to there).
     * @return the payload bytes of the inputs written (without framing).
     */
    static long write(final Path directory, final long inputs, final long snapshotAt)
    {
        return write(directory, inputs, snapshotAt, USERS);
    }

    /**
     * As {@link #write(Path, long, long)}, over another number of users.
     *
     * @param directory  an empty or absent journal directory.
     * @param inputs     how many inputs.
     * @param snapshotAt when positive, the position of a snapshot.
     * @param users      user ids are 1..users.
     * @return the payload bytes of the inputs written (without framing).
     */
    static long write(final Path directory, final long inputs, final long snapshotAt, final int users)
    {
        final Workload workload = new Workload(users, SEED);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Workload.MAX_LENGTH]);
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        final ExpandableDirectByteBuffer snapshot = new ExpandableDirectByteBuffer(1 << 20);
        long bytes = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(directory))
        {
            journal.recover(new PresenceStateMachine(Limits.DEFAULT));
            for (long n = 1; n <= inputs; n++)
            {
                final int length = workload.next(buffer, 0);
                bytes += length;
                journal.append(buffer, 0, length, n, n % BATCH == 0 || n == inputs);
                if (n <= snapshotAt)
                {
                    state.apply(buffer, 0, length);
                    if (n == snapshotAt)
                    {
                        final int snapshotLength = state.takeSnapshot(snapshot);
                        // written (and fsynced) before onSnapshot returns
                        journal.onSnapshot(snapshot, snapshotLength, state.position());
                    }
                }
            }
        }
        return bytes;
    }
}
