package dev.rollcall.journal.crash;

import dev.rollcall.model.Changes;
import dev.rollcall.core.ClientInfo;
import dev.rollcall.model.Field;
import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Limits;
import dev.rollcall.core.ModelAdapter;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.model.Result;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.model.ModelChanges;
import dev.rollcall.core.model.ModelClient;
import dev.rollcall.core.model.ReferenceModel;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalDirectory;
import dev.rollcall.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Crash recovery with a real process death: a child JVM ({@link CrashWorker}) runs Rollcall on
 * a Chronicle journal under a seeded random load and is killed with SIGKILL after a random
 * number of acknowledged commands; the journal is then recovered in this JVM and checked:
 * <ol>
 *   <li>every acknowledged command is in the journal, in order, with the acknowledged result,
 *       and nothing but sent commands follows it (acknowledged ⊆ journaled ⊆ sent);</li>
 *   <li>the recovered state (newest snapshot + replayed tail) reflects the acknowledged
 *       commands, judged from the worker's output alone (existence, connections, partyId lower
 *       bounds, lobby), allowing for the commands in flight that may or may not be journaled;</li>
 *   <li>the recovered state equals the reference model run over every input of the journal,
 *       client by client, and equals a full replay of the journal byte for byte.</li>
 * </ol>
 * Then the next round restarts the child on the same directory: recovery after recovery, and
 * a CONNECTIONS_RESET per restart accumulates in the journal. Seeded: rerun a failure with
 * {@code -Drollcall.crash.seed=<seed>}.
 */
class CrashRecoveryTest
{
    private static final String SEED_PROPERTY = "rollcall.crash.seed";
    private static final long SNAPSHOT_EVERY_INPUTS = 200;
    private static final int MIN_ACKS = 50;
    private static final int MAX_ACKS = 3000;
    /** From the start of a child to the target acknowledgement count. */
    private static final long ROUND_TIMEOUT_MS = 30_000;
    private static final long EXIT_TIMEOUT_MS = 10_000;
    /** How often the last round looks for a snapshot on disk while it waits for one. */
    private static final long SNAPSHOT_POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    /** Before every n-th round a {@link TornWriter} is killed in the middle of a document. */
    private static final int TEAR_EVERY_ROUNDS = 3;
    /** Up to more than a whole batch (256 KiB). */
    private static final int TEAR_MAX_BYTES = 300 * 1024;

    /** Kept when a test fails: the journal and every child's output are the evidence. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRecoverEveryAcknowledgedCommandAfterEachKill() throws Exception
    {
        crashLoop(3, 50_000);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void shouldRecoverEveryAcknowledgedCommandAfterManyKills() throws Exception
    {
        crashLoop(25, 15 * 60_000);
    }

    private void crashLoop(final int rounds, final long budgetMs) throws Exception
    {
        final long seed = null != System.getProperty(SEED_PROPERTY) ?
            Long.parseLong(System.getProperty(SEED_PROPERTY)) : ThreadLocalRandom.current().nextLong();
        System.out.printf("CrashRecoveryTest: %d rounds, seed=%d (rerun with -D%s=%d)%n", rounds, seed, SEED_PROPERTY, seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        final Path journal = tmp.resolve("journal");
        final History history = new History();
        final long started = System.nanoTime();
        long lastSnapshotPosition = 0;
        for (int round = 1; round <= rounds; round++)
        {
            final String context = "seed=" + seed + " round=" + round;
            final long workerSeed = random.nextLong();
            final int target = MIN_ACKS + random.nextInt(MAX_ACKS - MIN_ACKS + 1);
            final long roundStarted = System.nanoTime();
            if (round % TEAR_EVERY_ROUNDS == 0)
            {
                tearAndCheck(journal, random.nextLong(), 16 + random.nextInt(TEAR_MAX_BYTES), round, history, deadline, context);
            }
            // the run must recover from a snapshot at least once; a slow disk (fsync) can leave every
            // snapshot unfinished at the kill, so the last round runs on until one is on disk
            final boolean untilSnapshot = round == rounds && 0 == history.snapshotsSeen;
            final WorkerRun run = runWorker(journal, workerSeed, target, untilSnapshot, round, deadline, context);
            final Verified verified = verify(journal, run, history, round, context);
            System.out.printf("  round %2d: target %4d acks, got %4d acked / %4d sent, %4d journaled of them; " +
                    "child ready in %4d ms; journal %6d inputs, %d torn records ignored; recovered from snapshot %d " +
                    "(+%d replayed) in %3d ms; round %5d ms%n",
                round, target, run.acks.size(), run.sent.size(), verified.journaledCommands, run.readyMs,
                verified.inputs, verified.warnings, verified.snapshotPosition, verified.inputs - verified.snapshotPosition,
                verified.recoveryMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStarted));
            for (final String warning : warnings(tmp.resolve("worker-" + round + ".stderr")))
            {
                System.out.println("    worker: " + warning);
            }
            history.after(verified);
            lastSnapshotPosition = verified.snapshotPosition;
        }
        System.out.printf("CrashRecoveryTest: %d rounds in %d ms, %d snapshots written, seed=%d%n", rounds,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), history.snapshotsSeen, seed);
        assertThat(lastSnapshotPosition).as("seed=%d: the last recovery started from a snapshot", seed).isPositive();
    }

    // ------------------------------------------------------------------ the child

    private WorkerRun runWorker(
        final Path journal, final long workerSeed, final int target, final boolean untilSnapshot, final int round,
        final long deadline, final String context) throws Exception
    {
        final Path stderr = tmp.resolve("worker-" + round + ".stderr");
        final long started = System.nanoTime();
        final Process process = startChild(CrashWorker.class, stderr,
            journal.toString(), Long.toString(workerSeed), Long.toString(SNAPSHOT_EVERY_INPUTS));
        try
        {
            final LineReader lines = new LineReader(process.getInputStream(), "crash-worker-" + round + "-stdout");
            final WorkerRun run = new WorkerRun(context, stderr, started);
            final long roundDeadline = Math.min(deadline, started + TimeUnit.MILLISECONDS.toNanos(ROUND_TIMEOUT_MS));
            long nextPollNs = System.nanoTime();
            boolean snapshotSeen = !untilSnapshot;
            while (run.ackLines < target || !snapshotSeen)
            {
                if (System.nanoTime() - roundDeadline >= 0)
                {
                    fail("%s: %d of %d acknowledgements%s within the time allowed; worker stderr:%n%s", context,
                        run.ackLines, target, snapshotSeen ? "" : " and a snapshot on disk", tail(stderr));
                }
                if (!snapshotSeen && run.ackLines >= target && System.nanoTime() - nextPollNs >= 0)
                {
                    // at most once a poll interval: the child is busy snapshotting on a loaded box
                    snapshotSeen = snapshotsOnDisk(journal) > 0;
                    nextPollNs = System.nanoTime() + SNAPSHOT_POLL_NS;
                    continue;
                }
                final Line line = lines.next(Math.min(roundDeadline, System.nanoTime() + SNAPSHOT_POLL_NS));
                if (null == line)
                {
                    continue;
                }
                if (line.eof())
                {
                    fail("%s: the worker ended (exit %s) after %d of %d acknowledgements; stderr:%n%s",
                        context, exitOf(process), run.ackLines, target, tail(stderr));
                }
                run.collect(line.text());
            }

            kill(process, context);

            // everything the worker wrote before it died: acknowledgements up to the kill
            final long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_TIMEOUT_MS);
            while (true)
            {
                final Line line = lines.next(drainDeadline);
                assertThat(line).as("%s: the dead worker's output ends", context).isNotNull();
                if (line.eof())
                {
                    break;
                }
                run.collect(line.text());
            }
            run.parse();
            return run;
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Start a main class of this test in a child JVM like this one: same java binary, class
     * path and module/system-property flags.
     */
    private static Process startChild(final Class<?> mainClass, final Path stderr, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        return process;
    }

    private static void kill(final Process process, final String context) throws InterruptedException
    {
        // SIGKILL on Linux. Through the handle: Process.destroyForcibly() also closes the stdout
        // pipe at once, losing the lines still in it (the last commands sent and acknowledged).
        assertThat(process.toHandle().destroyForcibly()).as("%s: SIGKILL sent", context).isTrue();
        assertThat(process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("%s: killed child exits", context).isTrue();
        assertThat(process.isAlive()).as("%s: killed child is dead", context).isFalse();
        assertThat(process.exitValue()).as("%s: child died of SIGKILL", context).isEqualTo(SIGKILL_EXIT_CODE);
    }

    /**
     * Kill a writer in the middle of a document, then check the journal still recovers to
     * exactly the state the last round verified (the unfinished document is not an input).
     * The next round's child must append after it.
     */
    private void tearAndCheck(
        final Path journal, final long seed, final int length, final int round, final History history, final long deadline,
        final String context) throws Exception
    {
        final Path stderr = tmp.resolve("torn-writer-" + round + ".stderr");
        final long started = System.nanoTime();
        final Process process = startChild(TornWriter.class, stderr, journal.toString(), Integer.toString(length), Long.toString(seed));
        try
        {
            final LineReader lines = new LineReader(process.getInputStream(), "torn-writer-" + round + "-stdout");
            final long holdDeadline = Math.min(deadline, started + TimeUnit.MILLISECONDS.toNanos(ROUND_TIMEOUT_MS));
            while (true)
            {
                final Line line = lines.next(holdDeadline);
                if (null == line || line.eof())
                {
                    fail("%s: the torn writer did not start a document (%s); stderr:%n%s",
                        context, null == line ? "timed out" : "exit " + exitOf(process), tail(stderr));
                }
                if (line.text().startsWith("HOLDING"))
                {
                    break;
                }
            }
            kill(process, context + " torn writer");
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }

        final PresenceStateMachine recovered = new PresenceStateMachine(Limits.DEFAULT);
        final long last;
        final int warnings;
        try (ChronicleJournal chronicle = ChronicleJournal.open(journal))
        {
            chronicle.recover(recovered);
        }
        try (JournalReader reader = JournalReader.open(JournalDirectory.open(journal)))
        {
            last = reader.read(0, null, null);
            warnings = reader.warnings();
        }
        assertThat(last).as("%s: after a torn write of %d bytes, the journal's last input", context, length)
            .isEqualTo(history.inputs);
        assertThat(snapshotBytes(recovered)).as("%s: after a torn write of %d bytes, the recovered state", context, length)
            .isEqualTo(history.state);
        System.out.printf("  before round %2d: writer killed %d bytes into a document; journal still ends at input %d, " +
            "%d torn records ignored, state unchanged%n", round, length, last, warnings);
    }

    /**
     * The flags this JVM runs with that the child needs too: module access for Chronicle and
     * Agrona, and system properties.
     */
    private static List<String> jvmFlags()
    {
        final List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        final List<String> flags = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++)
        {
            final String argument = arguments.get(i);
            if (argument.startsWith("-D"))
            {
                flags.add(argument);
            }
            else if (argument.startsWith("--add-exports") || argument.startsWith("--add-opens") ||
                argument.startsWith("--enable-native-access") || argument.startsWith("--sun-misc-unsafe-memory-access"))
            {
                flags.add(argument);
                if (!argument.contains("=") && i + 1 < arguments.size())
                {
                    flags.add(arguments.get(++i)); // "--add-opens x/y=z" given as two arguments
                }
            }
        }
        // small and quick to start: the worker only needs a few thousand commands
        flags.add("-Xmx256m");
        flags.add("-XX:+UseSerialGC");
        flags.add("-XX:TieredStopAtLevel=1");
        return flags;
    }

    private static String exitOf(final Process process) throws InterruptedException
    {
        return process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS) ? Integer.toString(process.exitValue()) : "still running";
    }

    /** The child's log lines above INFO, a few. */
    private static List<String> warnings(final Path file) throws IOException
    {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8))
        {
            return lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception"))
                .limit(5).map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l).toList();
        }
    }

    private static String tail(final Path file)
    {
        try
        {
            final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(cannot read " + file + ": " + ex + ")";
        }
    }

    /** A line of the child's stdout, or the end of it. */
    private record Line(String text, boolean eof)
    {
    }

    /**
     * Reads the child's stdout on its own thread, so the test can wait for lines with a deadline.
     * Only complete lines count: a last line without a newline (the kill cut it) is dropped.
     */
    private static final class LineReader
    {
        private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();

        LineReader(final InputStream stream, final String name)
        {
            final Thread thread = new Thread(() -> read(stream), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void read(final InputStream stream)
        {
            final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            final byte[] chunk = new byte[64 * 1024];
            try (InputStream in = stream)
            {
                int read;
                while ((read = in.read(chunk)) >= 0)
                {
                    int start = 0;
                    for (int i = 0; i < read; i++)
                    {
                        if (chunk[i] == '\n')
                        {
                            line.write(chunk, start, i - start);
                            lines.add(new Line(line.toString(StandardCharsets.UTF_8), false));
                            line.reset();
                            start = i + 1;
                        }
                    }
                    line.write(chunk, start, read - start);
                }
            }
            catch (final IOException ex)
            {
                // the stream broke: treat as its end
            }
            lines.add(new Line(null, true));
        }

        /**
         * @return the next line or the end, or null when the deadline passed first.
         */
        Line next(final long deadlineNanos) throws InterruptedException
        {
            return lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** What one child printed. */
    private static final class WorkerRun
    {
        final String context;
        final Path stderr;
        final Path stdout;
        final long startedNanos;
        /** Lines are only collected while the child runs (cheap, so the kill follows the target closely). */
        final List<String> lines = new ArrayList<>();
        int ackLines;
        final List<CrashCommands.Command> sent = new ArrayList<>();
        final List<Ack> acks = new ArrayList<>();
        long readyClients = -1;
        long partyBase = -1;
        long readyMs = -1;

        WorkerRun(final String context, final Path stderr, final long startedNanos)
        {
            this.context = context;
            this.stderr = stderr;
            this.stdout = stderr.resolveSibling(stderr.getFileName().toString().replace(".stderr", ".stdout"));
            this.startedNanos = startedNanos;
        }

        void collect(final String line)
        {
            lines.add(line);
            if (line.startsWith("ACK "))
            {
                ackLines++;
            }
            else if (readyMs < 0 && line.startsWith("READY "))
            {
                readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
            }
        }

        /** Parse and check what the dead child printed. */
        void parse() throws IOException
        {
            Files.write(stdout, lines, StandardCharsets.UTF_8);
            for (final String line : lines)
            {
                if (line.startsWith("READY "))
                {
                    final String[] parts = line.split(" ");
                    readyClients = Long.parseLong(parts[1].substring("clients=".length()));
                    partyBase = Long.parseLong(parts[2].substring("partyBase=".length()));
                }
                else if (line.startsWith("SENT "))
                {
                    final String[] parts = line.split(" ", 3);
                    final long seq = Long.parseLong(parts[1]);
                    if (seq != sent.size() + 1)
                    {
                        fail("%s: SENT lines out of order: %s after %d", context, line, sent.size());
                    }
                    sent.add(CrashCommands.Command.parse(seq, parts[2]));
                }
                else if (line.startsWith("ACK "))
                {
                    final String[] parts = line.split(" ", 4);
                    final long seq = Long.parseLong(parts[1]);
                    if (seq != acks.size() + 1 || seq > sent.size() || !parts[3].equals(sent.get((int)seq - 1).text()))
                    {
                        fail("%s: ACK lines must acknowledge the sent commands in order: %s after %d acknowledged, %d sent",
                            context, line, acks.size(), sent.size());
                    }
                    if (parts[2].startsWith("EXCEPTION") || parts[2].equals(Result.JOURNAL_FAILED.name()) ||
                        parts[2].equals(Result.INTERNAL_ERROR.name()))
                    {
                        fail("%s: the worker's pipeline failed: %s%nworker stderr:%n%s", context, line, tail(stderr));
                    }
                    acks.add(new Ack(seq, parts[2], parts[3]));
                }
                // anything else (a library's banner) is not ours
            }
            assertThat(readyClients).as("%s: the worker printed READY", context).isNotNegative();
        }
    }

    private record Ack(long seq, String result, String text)
    {
    }

    // ------------------------------------------------------------------ verification

    /** What the rounds so far established. */
    private static final class History
    {
        int launches;
        int expectedResets;
        int clients;
        long maxPartyId;
        long snapshotsSeen;
        long inputs;
        byte[] state;

        void after(final Verified verified)
        {
            inputs = verified.inputs;
            state = verified.state;
            launches++;
            // the next launch publishes CONNECTIONS_RESET when it recovers any client
            expectedResets += verified.clients > 0 ? 1 : 0;
            clients = verified.clients;
            maxPartyId = verified.maxPartyId;
            snapshotsSeen = Math.max(snapshotsSeen, verified.snapshotsOnDisk);
        }
    }

    private record Verified(long inputs, int warnings, long snapshotPosition, long snapshotsOnDisk, long recoveryMs,
                            int journaledCommands, int clients, long maxPartyId, byte[] state)
    {
    }

    private Verified verify(
        final Path journal, final WorkerRun run, final History history, final int round, final String context)
        throws Exception
    {
        assertThat(run.readyClients).as("%s: the child recovered the clients the previous round verified", context)
            .isEqualTo(history.clients);
        assertThat(run.partyBase).as("%s: the child recovered the greatest partyId the previous round verified", context)
            .isEqualTo(history.maxPartyId);

        final PresenceStateMachine recovered = new PresenceStateMachine(Limits.DEFAULT);
        final JournalScan scan = new JournalScan(context);
        final long recoveryMs;
        final int warnings;
        final long last;
        try (ChronicleJournal chronicle = ChronicleJournal.open(journal))
        {
            final long started = System.nanoTime();
            chronicle.recover(recovered);
            recoveryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
        try (JournalReader reader = JournalReader.open(JournalDirectory.open(journal)))
        {
            last = reader.read(0, scan::onInput, null);
            warnings = reader.warnings();
        }
        final long snapshotPosition = newestSnapshot(journal, recovered.position());
        final long snapshotsOnDisk = snapshotsOnDisk(journal);

        // the journal's structure: one SET_GRACE_PERIOD per launch, a CONNECTIONS_RESET per launch onto clients
        assertThat(last).as("%s: last input number", context).isEqualTo(scan.count);
        assertThat(recovered.position()).as("%s: recovery covers the whole journal", context).isEqualTo(scan.count);
        assertThat(scan.launches).as("%s: SET_GRACE_PERIOD inputs (one per launch)", context).isEqualTo(round);
        assertThat(scan.resets).as("%s: CONNECTIONS_RESET inputs (one per launch onto a non-empty state)", context)
            .isEqualTo(history.expectedResets);

        // 1. acknowledged ⊆ journaled ⊆ sent, in order, with the acknowledged results
        final List<Journaled> segment = scan.segment;
        final String sizes = String.format("%d acknowledged, %d journaled, %d sent; output in %s, journal in %s",
            run.acks.size(), segment.size(), run.sent.size(), run.stdout, journal);
        for (int i = 0; i < Math.min(segment.size(), run.sent.size()); i++)
        {
            final Journaled journaled = segment.get(i);
            assertThat(journaled.text()).as("%s: journaled command %d of the round (input %d) is the %d-th sent (%s)",
                context, i + 1, journaled.number(), i + 1, sizes).isEqualTo(run.sent.get(i).text());
            if (i < run.acks.size())
            {
                assertThat(journaled.result()).as("%s: result of acknowledged command %d (input %d) %s on replay",
                    context, i + 1, journaled.number(), journaled.text()).isEqualTo(run.acks.get(i).result());
            }
        }
        assertThat(segment.size()).as("%s: commands of this round in the journal >= acknowledged (%s)", context, sizes)
            .isGreaterThanOrEqualTo(run.acks.size());
        assertThat(segment.size()).as("%s: commands of this round in the journal <= sent (%s); journaled beyond: %s",
            context, sizes, segment.subList(Math.min(run.sent.size(), segment.size()), segment.size()))
            .isLessThanOrEqualTo(run.sent.size());

        // 2. the recovered state reflects every acknowledged command, judged from the worker's output
        checkAcknowledged(recovered, run, context);

        // 3. the recovered state is the reference model's, and a full replay's, exactly
        assertThat(snapshotBytes(recovered)).as("%s: snapshot + tail recovery equals a full replay", context)
            .isEqualTo(snapshotBytes(scan.replayed));
        checkAgainstModel(recovered, scan.model, context);

        long maxPartyId = 0;
        for (long userId = 1; userId <= CrashCommands.USERS; userId++)
        {
            final ClientInfo client = recovered.client(userId);
            maxPartyId = null == client ? maxPartyId : Math.max(maxPartyId, client.partyId());
        }
        return new Verified(scan.count, warnings, snapshotPosition, snapshotsOnDisk, recoveryMs, segment.size(),
            recovered.clientCount(), maxPartyId, snapshotBytes(recovered));
    }

    private static long snapshotsOnDisk(final Path journal) throws IOException
    {
        final Path snapshots = JournalDirectory.open(journal).snapshots();
        if (!Files.isDirectory(snapshots))
        {
            return 0;
        }
        try (Stream<Path> files = Files.list(snapshots))
        {
            return files.filter(f -> JournalDirectory.snapshotPosition(f) >= 0).count();
        }
    }

    private static long newestSnapshot(final Path journal, final long atMost) throws IOException
    {
        try (Stream<Path> files = Files.list(JournalDirectory.open(journal).snapshots()))
        {
            return files.mapToLong(JournalDirectory::snapshotPosition).filter(p -> p >= 0 && p <= atMost).max().orElse(0);
        }
    }

    private static byte[] snapshotBytes(final PresenceStateMachine state)
    {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
        final int length = state.takeSnapshot(buffer);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /** A command of the current round as read back from the journal. */
    private record Journaled(long number, String text, String result)
    {
    }

    /**
     * Runs every journal input through the reference model and a fresh state machine (full
     * replay), checking they agree on every result, and collects the commands of the last launch.
     */
    private static final class JournalScan
    {
        final String context;
        final ReferenceModel model = new ReferenceModel(RollcallContext.DEFAULT_GRACE_PERIOD_MS,
            Limits.DEFAULT.maxAttributes(), Limits.DEFAULT.maxAttributeKeyBytes(),
            Limits.DEFAULT.maxAttributeValueBytes(), Limits.DEFAULT.maxReasonBytes());
        final PresenceStateMachine replayed = new PresenceStateMachine(Limits.DEFAULT);
        final Input input = new Input();
        final List<Journaled> segment = new ArrayList<>();
        long count;
        int launches;
        int resets;
        int previousType;

        JournalScan(final String context)
        {
            this.context = context;
        }

        void onInput(final long number, final DirectBuffer buffer, final int offset, final int length)
        {
            assertThat(number).as("%s: input numbers are consecutive from 1", context).isEqualTo(count + 1);
            count = number;
            InputCodec.decode(buffer, offset, length, input);
            final int type = input.type();
            if (type == InputType.CONNECTIONS_RESET)
            {
                assertThat(InputType.name(previousType)).as("%s: input %d before a CONNECTIONS_RESET", context, number)
                    .isEqualTo(InputType.name(InputType.SET_GRACE_PERIOD));
            }
            previousType = type;

            final String expected = applyToModel(model, input);
            final Result actual = replayed.apply(input);
            assertThat(actual.name()).as("%s: result of input %d %s: state machine vs reference model", context, number, input)
                .isEqualTo(expected);

            switch (type)
            {
                case InputType.TICK ->
                {
                }
                case InputType.SET_GRACE_PERIOD ->
                {
                    assertThat(input.value()).as("%s: grace of launch at input %d", context, number).isEqualTo(CrashCommands.GRACE_MS);
                    launches++;
                    segment.clear();
                }
                case InputType.CONNECTIONS_RESET -> resets++;
                case InputType.SET_LIMITS ->
                {
                    // journaled by every launch, before its grace period
                }
                default -> segment.add(new Journaled(number, CrashCommands.describe(input), actual.name()));
            }
        }
    }

    /** Apply a journal input to the reference model. */
    private static String applyToModel(final ReferenceModel model, final Input input)
    {
        final long time = input.time();
        return switch (input.type())
        {
            case InputType.TICK -> model.tick(time);
            case InputType.CONNECT_USER -> model.connectUser(time, input.userId(), input.connectionId());
            case InputType.CONNECTION_LOST -> model.connectionLost(time, input.userId(), input.connectionId());
            case InputType.DISCONNECT_USER -> model.disconnectUser(time, input.userId());
            case InputType.UPDATE_CLIENT -> model.updateClient(time, input.userId(), toModel(input.changes()), input.reason());
            case InputType.UPDATE_CLIENT_IN_LOBBY ->
                model.updateClientInLobby(time, input.userId(), toModel(input.changes()), input.reason());
            case InputType.UPDATE_CLIENT_FULL ->
                model.updateClientFull(time, input.userId(), toModel(input.changes()), input.reason());
            case InputType.SUBSCRIBE_CLIENT -> model.subscribeToClient(time, input.subscriberId(), input.userId());
            case InputType.UNSUBSCRIBE_CLIENT -> model.unsubscribeFromClient(time, input.subscriberId(), input.userId());
            case InputType.SUBSCRIBE_LOBBY -> model.subscribeToLobby(time, input.subscriberId(), input.lobbyId());
            case InputType.UNSUBSCRIBE_LOBBY -> model.unsubscribeFromLobby(time, input.subscriberId(), input.lobbyId());
            case InputType.REMOVE_SUBSCRIBER -> model.removeSubscriber(time, input.subscriberId());
            case InputType.SET_GRACE_PERIOD -> model.setGracePeriod(time, input.value());
            case InputType.SET_LIMITS -> model.setLimits(time, input.maxAttributes(), input.maxAttributeKeyBytes(),
                input.maxAttributeValueBytes(), input.maxReasonBytes());
            case InputType.CONNECTIONS_RESET -> connectionsReset(model, time);
            default -> throw new IllegalStateException("not a state input: " + input);
        };
    }

    /**
     * The model has no CONNECTIONS_RESET: by definition (PresenceLogic.connectionsReset) it is
     * connectionLost of every connection of every client, ascending user then connection id,
     * at the input's time.
     */
    private static String connectionsReset(final ReferenceModel model, final long time)
    {
        model.tick(time);
        for (final long userId : model.clientIds())
        {
            final ModelClient client = model.client(userId);
            if (null == client)
            {
                continue;
            }
            for (final long connectionId : client.connectionIds())
            {
                model.connectionLost(time, userId, connectionId);
            }
        }
        return ReferenceModel.APPLIED;
    }

    private static ModelChanges toModel(final Changes changes)
    {
        final ModelChanges model = ModelChanges.of();
        if (changes.has(Field.STATUS))
        {
            model.set("status", null == changes.status() ? null : changes.status().name());
        }
        if (changes.has(Field.AFK))
        {
            model.set("afk", changes.afk());
        }
        if (changes.has(Field.IN_GAME))
        {
            model.set("inGame", changes.inGame());
        }
        if (changes.has(Field.PARTY_ID))
        {
            model.set("partyId", changes.partyId());
        }
        if (changes.has(Field.LOBBY_ID))
        {
            model.set("lobbyId", changes.lobbyId());
        }
        if (changes.has(Field.READY))
        {
            model.set("ready", changes.ready());
        }
        if (changes.has(Field.PLAYER))
        {
            model.set("player", changes.player());
        }
        if (changes.has(Field.PLAYER_NUMBER))
        {
            model.set("playerNumber", changes.playerNumber());
        }
        if (changes.has(Field.TEAM_NUMBER))
        {
            model.set("teamNumber", changes.teamNumber());
        }
        if (changes.has(Field.TEAM_COLOUR))
        {
            model.set("teamColour", changes.teamColour());
        }
        if (changes.has(Field.SYNC))
        {
            model.set("sync", changes.sync());
        }
        if (changes.has(Field.LOBBY_HOST))
        {
            model.set("lobbyHost", changes.lobbyHost());
        }
        for (int i = 0; i < changes.attributeCount(); i++)
        {
            final String name = ReferenceModel.ATTRIBUTE_PREFIX + changes.attributeKey(i);
            switch (changes.attributeKind(i))
            {
                case Changes.ATTRIBUTE_STRING -> model.set(name, changes.attributeString(i));
                case Changes.ATTRIBUTE_LONG -> model.set(name, changes.attributeLong(i));
                case Changes.ATTRIBUTE_REMOVE -> model.set(name, ModelChanges.REMOVE);
                default -> throw new IllegalStateException("attribute kind " + changes.attributeKind(i));
            }
        }
        return model;
    }

    private static void checkAgainstModel(final PresenceStateMachine recovered, final ReferenceModel model, final String context)
    {
        final TreeSet<Long> userIds = new TreeSet<>(model.clientIds());
        for (long userId = 1; userId <= CrashCommands.USERS; userId++)
        {
            userIds.add(userId);
        }
        int connected = 0;
        int disconnected = 0;
        int inLobby = 0;
        for (final long userId : userIds)
        {
            final ModelClient expected = model.client(userId);
            assertThat(ModelAdapter.toModel(recovered.client(userId))).as("%s: recovered client %d vs reference model", context, userId)
                .isEqualTo(expected);
            if (null != expected)
            {
                connected += expected.connected() ? 1 : 0;
                disconnected += expected.connected() ? 0 : 1;
                inLobby += (Long)expected.fields().get("lobbyId") != 0 ? 1 : 0;
            }
        }
        int subscriptions = 0;
        for (long subscriberId = 1; subscriberId <= CrashCommands.SUBSCRIBERS; subscriberId++)
        {
            subscriptions += model.clientSubscriptionsOf(subscriberId).size() + model.lobbySubscriptionsOf(subscriberId).size();
        }
        assertThat(recovered.clientCount()).as("%s: clients", context).isEqualTo(model.clientIds().size());
        assertThat(recovered.connectedCount()).as("%s: connected clients", context).isEqualTo(connected);
        assertThat(recovered.countdownCount()).as("%s: grace countdowns (one per disconnected client)", context)
            .isEqualTo(disconnected);
        assertThat(recovered.inLobbyCount()).as("%s: clients in a lobby", context).isEqualTo(inLobby);
        assertThat(recovered.subscriptionCount()).as("%s: subscriptions", context).isEqualTo(subscriptions);
        assertThat(recovered.now()).as("%s: now", context).isEqualTo(model.now());
        assertThat(recovered.gracePeriodMs()).as("%s: grace period", context).isEqualTo(model.gracePeriod());
    }

    // ------------------------------------------------------------------ acknowledged ⇒ reflected

    /**
     * What the acknowledgements of this round say about one user. Connections start empty
     * (a launch resets them and connection ids are the run's sequence numbers); existence and
     * fields start unknown (they come from earlier rounds).
     */
    private static final class UserTrack
    {
        Boolean exists;
        final TreeSet<Long> connections = new TreeSet<>();
        long partyAtLeast;
        long partyExact = -1;
        long lobbyExact = -1;
        final StringBuilder story = new StringBuilder();

        void apply(final CrashCommands.Command command, final String result)
        {
            story.append(System.lineSeparator()).append("    ACK ").append(command.seq()).append(' ').append(result)
                .append(' ').append(command.text());
            final boolean applied = Result.APPLIED.name().equals(result);
            final boolean unknownClient = Result.UNKNOWN_CLIENT.name().equals(result);
            switch (command.type())
            {
                case "CONNECT_USER" ->
                {
                    if (applied && Boolean.FALSE.equals(exists))
                    {
                        partyExact = 0; // created with defaults
                        partyAtLeast = 0;
                        lobbyExact = 0;
                    }
                    exists = Boolean.TRUE;
                    connections.add(command.connection());
                }
                case "CONNECTION_LOST" ->
                {
                    if (unknownClient)
                    {
                        gone();
                    }
                    else
                    {
                        exists = Boolean.TRUE;
                        connections.remove(command.connection());
                    }
                }
                case "DISCONNECT_USER" -> gone();
                default -> // an update
                {
                    if (unknownClient)
                    {
                        gone();
                        return;
                    }
                    exists = Boolean.TRUE;
                    final boolean took = applied || Result.UNCHANGED.name().equals(result);
                    if (took && command.partyId() >= 0)
                    {
                        partyAtLeast = command.partyId();
                        partyExact = command.partyId();
                    }
                    if (took && command.lobbyField() >= 0)
                    {
                        lobbyExact = command.lobbyField();
                    }
                }
            }
        }

        private void gone()
        {
            exists = Boolean.FALSE;
            connections.clear();
            partyAtLeast = 0;
            partyExact = -1;
            lobbyExact = -1;
        }
    }

    private static void checkAcknowledged(final PresenceStateMachine recovered, final WorkerRun run, final String context)
    {
        for (long userId = 1; userId <= CrashCommands.USERS; userId++)
        {
            final UserTrack track = new UserTrack();
            for (final Ack ack : run.acks)
            {
                final CrashCommands.Command command = run.sent.get((int)ack.seq() - 1);
                if (command.touchesClient() && command.userId() == userId)
                {
                    track.apply(command, ack.result());
                }
            }
            // sent but not acknowledged: may or may not be in the journal
            final List<CrashCommands.Command> pending = new ArrayList<>();
            for (final CrashCommands.Command command : run.sent.subList(run.acks.size(), run.sent.size()))
            {
                if (command.touchesClient() && command.userId() == userId)
                {
                    pending.add(command);
                }
            }
            final boolean pendingDisconnect = pending.stream().anyMatch(c -> c.type().equals("DISCONNECT_USER"));
            final boolean pendingConnect = pending.stream().anyMatch(c -> c.type().equals("CONNECT_USER"));
            final ClientInfo actual = recovered.client(userId);
            final String what = String.format("%s: user %d, acknowledged:%s%n  in flight: %s%n  recovered: %s",
                context, userId, track.story, pending, actual);

            if (Boolean.TRUE.equals(track.exists) && !pendingDisconnect)
            {
                assertThat(actual).as("%s%n  => the client exists", what).isNotNull();
                assertThat(actual.partyId()).as("%s%n  => partyId >= the last acknowledged", what)
                    .isGreaterThanOrEqualTo(track.partyAtLeast);
                if (pending.isEmpty())
                {
                    assertThat(actual.connectionIds()).as("%s%n  => exactly the acknowledged connections", what)
                        .containsExactlyElementsOf(track.connections);
                    assertThat(actual.connected()).as("%s%n  => connected iff a connection is attached", what)
                        .isEqualTo(!track.connections.isEmpty());
                    if (track.partyExact >= 0)
                    {
                        assertThat(actual.partyId()).as("%s%n  => the acknowledged partyId", what).isEqualTo(track.partyExact);
                    }
                    if (track.lobbyExact >= 0)
                    {
                        assertThat(actual.lobbyId()).as("%s%n  => the acknowledged lobbyId", what).isEqualTo(track.lobbyExact);
                    }
                }
                else
                {
                    for (final long connectionId : track.connections)
                    {
                        final boolean mayBeLost = pending.stream()
                            .anyMatch(c -> c.type().equals("CONNECTION_LOST") && c.connection() == connectionId);
                        if (!mayBeLost)
                        {
                            assertThat(actual.connectionIds()).as("%s%n  => acknowledged connection %d attached", what, connectionId)
                                .contains(connectionId);
                        }
                    }
                    for (final long connectionId : actual.connectionIds())
                    {
                        final boolean mayBeNew = pending.stream()
                            .anyMatch(c -> c.type().equals("CONNECT_USER") && c.connection() == connectionId);
                        if (!mayBeNew)
                        {
                            assertThat(track.connections).as("%s%n  => connection %d was acknowledged", what, connectionId)
                                .contains(connectionId);
                        }
                    }
                }
            }
            if (Boolean.FALSE.equals(track.exists) && !pendingConnect)
            {
                assertThat(actual).as("%s%n  => the client does not exist", what).isNull();
            }
        }
    }
}
