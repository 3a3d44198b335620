package dev.rollcall.journal.tools;

import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.journal.JournalCorruptException;
import dev.rollcall.journal.JournalDirectory;
import dev.rollcall.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code journal replay DIR [--to N]}: rebuild the presence state offline, as recovery would,
 * and summarise it.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Rebuild the state offline and summarise it.",
        "Loads the newest valid snapshot (at or before --to), applies the inputs after it (up to --to), and prints",
        "the state's position, time, grace period, limits and counts, with the replay duration and rate.",
        "The update limits are journaled (SET_LIMITS at every launch): the --max-* options only matter for inputs",
        "before a journal's first SET_LIMITS (journals written before limits were journaled) and after a",
        "version-1 snapshot; give them the limits that journal was written with."})
final class ReplayCommand extends JournalSubcommand
{
    @Option(names = "--to", paramLabel = "N", description = "stop after input N (default: the end of the journal)")
    Long to;

    @Option(names = "--max-attributes", paramLabel = "N", description = "update limit (default: ${DEFAULT-VALUE})")
    int maxAttributes = Limits.DEFAULT.maxAttributes();

    @Option(names = "--max-attribute-key-bytes", paramLabel = "N", description = "update limit (default: ${DEFAULT-VALUE})")
    int maxAttributeKeyBytes = Limits.DEFAULT.maxAttributeKeyBytes();

    @Option(names = "--max-attribute-value-bytes", paramLabel = "N", description = "update limit (default: ${DEFAULT-VALUE})")
    int maxAttributeValueBytes = Limits.DEFAULT.maxAttributeValueBytes();

    @Option(names = "--max-reason-bytes", paramLabel = "N", description = "update limit (default: ${DEFAULT-VALUE})")
    int maxReasonBytes = Limits.DEFAULT.maxReasonBytes();

    /** Thrown by the visitor to stop reading once input --to is applied. */
    private static final class Reached extends RuntimeException
    {
        Reached()
        {
            super(null, null, false, false);
        }
    }

    @Override
    int run(final JournalDirectory journal) throws IOException
    {
        if (null != to && to < 0)
        {
            return fail("--to must be >= 0: " + to);
        }
        if (maxAttributes < 0 || maxAttributeKeyBytes < 0 || maxAttributeValueBytes < 0 || maxReasonBytes < 0)
        {
            return fail("the --max-* limits must be >= 0");
        }
        final long limit = null == to ? Long.MAX_VALUE : to;
        final PresenceStateMachine state = new PresenceStateMachine(
            new Limits(maxAttributes, maxAttributeKeyBytes, maxAttributeValueBytes, maxReasonBytes));

        final long started = System.nanoTime();
        final SnapshotFiles.Snapshot snapshot = loadSnapshot(journal, state, limit);
        final long fromSnapshot = state.position();
        final long loaded = System.nanoTime();

        final Progress progress = Progress.onTerminal(err(), "inputs replayed");
        final long[] replayed = {0};
        boolean reached = fromSnapshot >= limit;
        long last = fromSnapshot;
        int warnings = 0;
        if (!reached && hasQueue(journal))
        {
            try (JournalReader reader = JournalReader.open(journal))
            {
                try
                {
                    last = reader.read(fromSnapshot, (number, buffer, offset, length) ->
                    {
                        if (number > limit)
                        {
                            throw new Reached();
                        }
                        state.apply(buffer, offset, length);
                        progress.update(++replayed[0]);
                    }, null);
                }
                catch (final Reached ex)
                {
                    reached = true;
                }
                finally
                {
                    progress.clear();
                }
                warnings = reader.warnings();
            }
        }
        final long finished = System.nanoTime();
        if (null != to && !reached && state.position() < to)
        {
            return fail("--to " + to + " is beyond the end of the journal: its last input is #" + Math.max(last, state.position()));
        }

        final PrintWriter out = out();
        row(out, "journal", journal.root().toAbsolutePath());
        row(out, "snapshot", null == snapshot ? "none (replayed from the first input)" :
            snapshot.file().getFileName() + " (position " + snapshot.position() + ", loaded in " + millis(loaded - started) + ")");
        final double seconds = (finished - loaded) / 1e9;
        row(out, "replayed", replayed[0] == 0 ? "0 inputs (" + millis(finished - loaded) + " reading the journal)" :
            String.format(Locale.ROOT, "%d inputs in %s (%,.0f inputs/s)",
                replayed[0], millis(finished - loaded), seconds > 0 ? replayed[0] / seconds : 0.0));
        row(out, "position", state.position());
        row(out, "now", state.position() == 0 ? "-" : Format.timeAndEpoch(state.now()));
        row(out, "grace period", state.gracePeriodMs() + " ms");
        final Limits limits = state.limits();
        row(out, "limits", limits.maxAttributes() + " attributes, " + limits.maxAttributeKeyBytes() + "-byte keys, " +
            limits.maxAttributeValueBytes() + "-byte values, " + limits.maxReasonBytes() + "-byte reasons");
        row(out, "clients", state.clientCount());
        row(out, "connected", state.connectedCount());
        row(out, "in lobbies", state.inLobbyCount());
        row(out, "countdowns", state.countdownCount());
        row(out, "subscriptions", state.subscriptionCount());
        if (warnings > 0)
        {
            row(out, "warnings", warnings + " torn record(s) ignored (see the log above; 'journal inspect' lists them)");
        }
        out.flush();
        return 0;
    }

    /**
     * Load the newest valid snapshot at or before {@code limit} into the empty state.
     *
     * @return the snapshot loaded, or null when none.
     */
    private SnapshotFiles.Snapshot loadSnapshot(final JournalDirectory journal, final PresenceStateMachine state, final long limit)
        throws IOException
    {
        for (final SnapshotFiles.Snapshot snapshot : SnapshotFiles.list(journal))
        {
            if (snapshot.position() > limit)
            {
                continue;
            }
            if (!snapshot.valid())
            {
                err().println("journal replay: skipping snapshot " + snapshot.file() + ": " + snapshot.problem());
                continue;
            }
            final byte[] bytes = Files.readAllBytes(snapshot.file());
            final String problem = SnapshotFiles.check(snapshot.file(), bytes);
            if (null != problem)
            {
                err().println("journal replay: skipping snapshot " + snapshot.file() + ": " + problem);
                continue;
            }
            try
            {
                state.loadSnapshot(new UnsafeBuffer(bytes), 0, bytes.length);
            }
            catch (final IllegalStateException ex)
            {
                throw new JournalCorruptException("snapshot " + snapshot.file() + " passed its checksum but cannot be loaded: " +
                    ex.getMessage(), ex);
            }
            return snapshot;
        }
        return null;
    }

    private static void row(final PrintWriter out, final String key, final Object value)
    {
        out.printf("%-15s %s%n", key + ":", value);
    }

    private static String millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }
}
