package dev.rollcall.journal.tools;

import dev.rollcall.model.Changes;
import dev.rollcall.core.ClientInfo;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Status;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalDirectory;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The journal tools against real Chronicle journals written by a real {@link Rollcall}.
 * <p>
 * The journal built by {@link #firstRun()} and {@link #secondRun()} holds, in order:
 * <pre>
 *   #1       SET_GRACE_PERIOD            (every launch)
 *   #2..#6   CONNECT_USER users 1..5
 *   #7..#9   UPDATE_CLIENT_FULL users 1..3 into lobbies 41..43
 *   #10      SUBSCRIBE_CLIENT 500 -> 1
 *   #11      CONNECTION_LOST user 2         -- close: snapshot at 11
 *   #12      SET_GRACE_PERIOD            (relaunch: the configured grace first)
 *   #13      CONNECTIONS_RESET              (relaunch that recovers clients)
 *   #14      CONNECT_USER user 6            -- close: snapshot at 14
 * </pre>
 */
class JournalCommandTest
{
    private static final long GRACE = 60_000;
    private static final long START = 1_700_000_000_000L;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LINE_NUMBER = Pattern.compile("(?m)^#(\\d+) ");

    private final AtomicLong clock = new AtomicLong(START);

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err)
    {
    }

    /** What the live instance showed just before its final close. */
    record LiveView(int clients, int connected, int inLobbies)
    {
    }

    private static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = new CommandLine(new JournalCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Rollcall launch()
    {
        return Rollcall.launch(new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(GRACE)
            .journal(ChronicleJournal.open(dir)));
    }

    private static void applied(final CompletableFuture<Result> future) throws Exception
    {
        assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(Result.APPLIED);
    }

    private void firstRun() throws Exception
    {
        try (Rollcall rollcall = launch())
        {
            for (long user = 1; user <= 5; user++)
            {
                clock.addAndGet(1_000);
                applied(rollcall.connectUser(user, 100 + user));
            }
            for (long user = 1; user <= 3; user++)
            {
                clock.addAndGet(1_000);
                applied(rollcall.updateClientFull(user, new Changes().lobbyId(40 + user).status(Status.IDLE), "join"));
            }
            clock.addAndGet(1_000);
            applied(rollcall.subscribeToClient(500, 1));
            clock.addAndGet(1_000);
            applied(rollcall.connectionLost(2, 102));
        }
    }

    private LiveView secondRun() throws Exception
    {
        clock.addAndGet(5_000);
        try (Rollcall rollcall = launch())
        {
            clock.addAndGet(1_000);
            applied(rollcall.connectUser(6, 106));
            return view(rollcall);
        }
    }

    private static LiveView view(final Rollcall rollcall)
    {
        final long[] ids = rollcall.listClientIds();
        int connected = 0;
        int inLobbies = 0;
        for (final long id : ids)
        {
            final ClientInfo client = rollcall.getClient(id);
            connected += client.connected() ? 1 : 0;
            inLobbies += client.lobbyId() != 0 ? 1 : 0;
        }
        return new LiveView(ids.length, connected, inLobbies);
    }

    private static List<Long> lineNumbers(final String out)
    {
        final Matcher matcher = LINE_NUMBER.matcher(out);
        final List<Long> numbers = new java.util.ArrayList<>();
        while (matcher.find())
        {
            numbers.add(Long.parseLong(matcher.group(1)));
        }
        return numbers;
    }

    private static List<Long> range(final long from, final long to)
    {
        return Stream.iterate(from, n -> n <= to, n -> n + 1).toList();
    }

    private static String field(final String out, final String key)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(key) + ":\\s+(.*)$").matcher(out);
        assertThat(matcher.find()).as("line '%s:' in%n%s", key, out).isTrue();
        return matcher.group(1).trim();
    }

    private Path cycleFile() throws IOException
    {
        try (Stream<Path> files = Files.list(dir.resolve("queue")))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    // ------------------------------------------------------------------------------------------ inspect

    @Test
    void shouldCountInputsPerTypeAndListFilesWhenInspecting() throws Exception
    {
        firstRun();
        secondRun();

        final Run inspect = run("inspect", dir.toString());

        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        final String out = inspect.out();
        assertThat(field(out, "inputs")).isEqualTo("16");
        assertThat(field(out, "  SET_LIMITS")).isEqualTo("2");
        assertThat(field(out, "  SET_GRACE_PERIOD")).isEqualTo("2");
        assertThat(field(out, "  CONNECT_USER")).isEqualTo("6");
        assertThat(field(out, "  UPDATE_CLIENT_FULL")).isEqualTo("3");
        assertThat(field(out, "  SUBSCRIBE_CLIENT")).isEqualTo("1");
        assertThat(field(out, "  CONNECTION_LOST")).isEqualTo("1");
        assertThat(field(out, "  CONNECTIONS_RESET")).isEqualTo("1");
        assertThat(out).doesNotContain("TICK", "DISCONNECT_USER", "UPDATE_CLIENT:");
        assertThat(field(out, "first input")).isEqualTo("#1 at 2023-11-14T22:13:20.000Z (1700000000000)");
        assertThat(field(out, "last input")).isEqualTo("#16 at " + Format.time(clock.get()) + " (" + clock.get() + ")");
        assertThat(Long.parseLong(field(out, "documents"))).isBetween(1L, 16L);
        assertThat(out).contains(cycleFile().getFileName().toString(), "metadata.cq4t", "queue size:", "total size:");
        assertThat(out).containsPattern("snapshot-0+12\\.rcs  position 12  \\d+ bytes.*  valid")
            .containsPattern("snapshot-0+16\\.rcs  position 16  \\d+ bytes.*  valid");
        assertThat(field(out, "warnings")).isEqualTo("none");
        assertThat(inspect.err()).isEmpty();
    }

    @Test
    void shouldReportAnInvalidSnapshotWithTheReason() throws Exception
    {
        firstRun();
        secondRun();
        final Path newest = JournalDirectory.open(dir).snapshotFile(16);
        final byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(newest, bytes);

        final Run inspect = run("inspect", dir.toString());

        assertThat(inspect.exitCode()).isZero();
        assertThat(inspect.out()).containsPattern("snapshot-0+16\\.rcs  position 16  .*INVALID: checksum mismatch")
            .containsPattern("snapshot-0+12\\.rcs  position 12  .*  valid");
    }

    @Test
    void shouldWarnAboutATornLastRecordAndOneSupersededByARestart() throws Exception
    {
        firstRun();
        appendGarbageDocument();

        final Run torn = run("inspect", dir.toString());
        assertThat(torn.exitCode()).as(torn.err()).isZero();
        assertThat(field(torn.out(), "inputs")).isEqualTo("12");
        assertThat(field(torn.out(), "warnings")).isEqualTo("1");
        assertThat(torn.out()).contains("it is the last record (a write torn by a crash)", ".cq4");

        secondRun();
        final Run superseded = run("inspect", dir.toString());
        assertThat(superseded.exitCode()).as(superseded.err()).isZero();
        assertThat(field(superseded.out(), "inputs")).isEqualTo("16");
        assertThat(field(superseded.out(), "warnings")).isEqualTo("1");
        assertThat(superseded.out()).contains("superseded by the document at index 0x");
    }

    private void appendGarbageDocument()
    {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("queue").toFile()).build();
             ExcerptAppender appender = queue.createAppender())
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                dc.wire().bytes().write("not a batch: torn".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ replay

    @Test
    void shouldReplayToTheSameStateAsTheLiveInstance() throws Exception
    {
        firstRun();
        final LiveView live = secondRun();

        final Run replay = run("replay", dir.toString());

        assertThat(replay.exitCode()).as(replay.err()).isZero();
        final String out = replay.out();
        assertThat(field(out, "position")).isEqualTo("16");
        assertThat(field(out, "snapshot")).startsWith(JournalDirectory.open(dir).snapshotFile(16).getFileName().toString());
        assertThat(field(out, "replayed")).startsWith("0 inputs (");
        assertThat(field(out, "clients")).isEqualTo(String.valueOf(live.clients())).isEqualTo("6");
        assertThat(field(out, "connected")).isEqualTo(String.valueOf(live.connected())).isEqualTo("1");
        assertThat(field(out, "in lobbies")).isEqualTo(String.valueOf(live.inLobbies())).isEqualTo("3");
        assertThat(field(out, "countdowns")).isEqualTo("5");
        assertThat(field(out, "subscriptions")).isEqualTo("1");
        assertThat(field(out, "grace period")).isEqualTo(GRACE + " ms");
        assertThat(field(out, "limits")).isEqualTo("16 attributes, 32-byte keys, 256-byte values, 128-byte reasons");
        assertThat(field(out, "now")).isEqualTo(Format.timeAndEpoch(clock.get()));
        assertThat(replay.err()).isEmpty();
    }

    @Test
    void shouldReplayTheWholeJournalWhenNoSnapshotIsValid() throws Exception
    {
        firstRun();
        final LiveView live = secondRun();
        for (final long position : new long[] {12, 16})
        {
            Files.writeString(JournalDirectory.open(dir).snapshotFile(position), "damaged");
        }

        final Run replay = run("replay", dir.toString());

        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(field(replay.out(), "snapshot")).startsWith("none");
        assertThat(field(replay.out(), "replayed")).startsWith("16 inputs in ");
        assertThat(field(replay.out(), "position")).isEqualTo("16");
        assertThat(field(replay.out(), "clients")).isEqualTo(String.valueOf(live.clients()));
        assertThat(field(replay.out(), "connected")).isEqualTo(String.valueOf(live.connected()));
        assertThat(field(replay.out(), "in lobbies")).isEqualTo(String.valueOf(live.inLobbies()));
        assertThat(replay.err()).contains("skipping snapshot", "snapshot too short");
    }

    @Test
    void shouldReplayToAnEarlierInput() throws Exception
    {
        firstRun();
        secondRun();

        final Run beforeUpdates = run("replay", dir.toString(), "--to", "7");
        assertThat(beforeUpdates.exitCode()).as(beforeUpdates.err()).isZero();
        assertThat(field(beforeUpdates.out(), "snapshot")).startsWith("none");
        assertThat(field(beforeUpdates.out(), "position")).isEqualTo("7");
        assertThat(field(beforeUpdates.out(), "clients")).isEqualTo("5");
        assertThat(field(beforeUpdates.out(), "connected")).isEqualTo("5");
        assertThat(field(beforeUpdates.out(), "in lobbies")).isEqualTo("0");
        assertThat(field(beforeUpdates.out(), "now")).isEqualTo(Format.timeAndEpoch(START + 5_000));

        final Run afterReset = run("replay", dir.toString(), "--to", "15");
        assertThat(afterReset.exitCode()).as(afterReset.err()).isZero();
        assertThat(field(afterReset.out(), "snapshot"))
            .startsWith(JournalDirectory.open(dir).snapshotFile(12).getFileName() + " (position 12");
        assertThat(field(afterReset.out(), "replayed")).startsWith("3 inputs in ");
        assertThat(field(afterReset.out(), "position")).isEqualTo("15");
        assertThat(field(afterReset.out(), "clients")).isEqualTo("5");
        assertThat(field(afterReset.out(), "connected")).isEqualTo("0");
        assertThat(field(afterReset.out(), "in lobbies")).isEqualTo("3");
        assertThat(field(afterReset.out(), "subscriptions")).isEqualTo("1");
    }

    @Test
    void shouldRefuseToReplayBeyondTheEnd() throws Exception
    {
        firstRun();

        final Run replay = run("replay", dir.toString(), "--to", "13");

        assertThat(replay.exitCode()).isEqualTo(2);
        assertThat(replay.err()).contains("--to 13 is beyond the end of the journal: its last input is #12");
        assertThat(replay.out()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ tail

    @Test
    void shouldPrintTheInputsFromTheGivenNumberInOrder() throws Exception
    {
        firstRun();
        secondRun();

        final Run tail = run("tail", dir.toString(), "--from", "11", "--no-follow");

        assertThat(tail.exitCode()).as(tail.err()).isZero();
        final List<String> lines = tail.out().lines().toList();
        assertThat(lineNumbers(tail.out())).containsExactlyElementsOf(range(11, 16));
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("#11 " + Format.time(START + 9_000) + " SUBSCRIBE_CLIENT subscriberId=500 userId=1");
        assertThat(lines.get(1)).isEqualTo("#12 " + Format.time(START + 10_000) + " CONNECTION_LOST userId=2 connectionId=102");
        assertThat(lines.get(2)).endsWith(" SET_LIMITS maxAttributes=16 maxAttributeKeyBytes=32 maxAttributeValueBytes=256 " +
            "maxReasonBytes=128");
        assertThat(lines.get(3)).endsWith(" SET_GRACE_PERIOD gracePeriodMs=" + GRACE);
        assertThat(lines.get(4)).endsWith(" CONNECTIONS_RESET");
        assertThat(lines.get(5)).endsWith(" CONNECT_USER userId=6 connectionId=106");
        assertThat(tail.err()).isEmpty();
    }

    @Test
    void shouldPrintUpdatesWithReasonAndChanges() throws Exception
    {
        firstRun();

        final Run tail = run("tail", dir.toString(), "--from", "8", "--no-follow");

        final List<String> lines = tail.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("#8 " + Format.time(START + 6_000) +
            " UPDATE_CLIENT_FULL userId=1 reason=\"join\" changes=" + new Changes().lobbyId(41).status(Status.IDLE));
        assertThat(lines.get(0)).contains("status=IDLE", "lobbyId=41");
    }

    @Test
    void shouldPrintTheLastTenInputsByDefaultWithoutFollowingWhenNotATerminal() throws Exception
    {
        firstRun();
        secondRun();

        // not a terminal under the test runner: no --follow means no following, so this returns
        final Run tail = assertTimeoutPreemptively(WAIT, () -> run("tail", dir.toString()));

        assertThat(tail.exitCode()).as(tail.err()).isZero();
        assertThat(lineNumbers(tail.out())).containsExactlyElementsOf(range(7, 16));
        assertThat(tail.out().lines()).hasSize(10);
    }

    @Test
    void shouldFollowInputsAppendedAfterItStarted() throws Exception
    {
        firstRun();
        final Capture out = new Capture();
        final StringWriter err = new StringWriter();
        final AtomicInteger exitCode = new AtomicInteger(-1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread follower = new Thread(() ->
        {
            try
            {
                exitCode.set(new CommandLine(new JournalCommand())
                    .setOut(new PrintWriter(out, true))
                    .setErr(new PrintWriter(err, true))
                    .execute("tail", dir.toString(), "--from", "3", "--follow"));
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, "journal-tail-follower");
        follower.setDaemon(true);
        follower.start();
        try
        {
            assertThat(out.awaitContains("#12 ", WAIT)).as("first run's inputs printed: %s %s", out, err).isTrue();

            secondRun();

            assertThat(out.awaitContains(" CONNECT_USER userId=6 connectionId=106", WAIT))
                .as("inputs appended by a second run printed: %s %s", out, err).isTrue();
        }
        finally
        {
            follower.interrupt();
            follower.join(WAIT.toMillis());
        }
        assertThat(follower.isAlive()).as("follower stops when interrupted").isFalse();
        assertThat(failure.get()).isNull();
        assertThat(exitCode.get()).as(err.toString()).isZero();
        assertThat(lineNumbers(out.toString())).containsExactlyElementsOf(range(3, 16));
        assertThat(out.toString().lines().toList().get(12)).endsWith(" CONNECTIONS_RESET");
    }

    @Test
    void shouldRefuseAFromBelowOne() throws Exception
    {
        firstRun();

        final Run tail = run("tail", dir.toString(), "--from", "0", "--no-follow");

        assertThat(tail.exitCode()).isEqualTo(2);
        assertThat(tail.err()).contains("--from must be >= 1");
    }

    // ------------------------------------------------------------------------------------------ empty

    @Test
    void shouldHandleAJournalWithoutInputs()
    {
        JournalDirectory.openOrCreate(dir);

        final Run inspect = run("inspect", dir.toString());
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        assertThat(field(inspect.out(), "inputs")).isEqualTo("0");
        assertThat(field(inspect.out(), "documents")).isEqualTo("0");
        assertThat(field(inspect.out(), "snapshots")).isEqualTo("none");
        assertThat(inspect.out()).doesNotContain("first input");

        final Run replay = run("replay", dir.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(field(replay.out(), "position")).isEqualTo("0");
        assertThat(field(replay.out(), "clients")).isEqualTo("0");

        final Run tail = run("tail", dir.toString(), "--no-follow");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        assertThat(tail.out()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ the directory given

    @Test
    void shouldReadTheSameJournalGivenTheServersDataDirectoryOrItsJournalDirectory() throws Exception
    {
        // laid out as `rollcall serve --data data` leaves it
        final Path data = dir.resolve("data");
        final Path journal = data.resolve(JournalDirectory.IN_DATA_DIRECTORY);
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext().tickIntervalMs(0).clock(clock::get)
            .gracePeriodMs(GRACE).journal(ChronicleJournal.open(journal))))
        {
            applied(rollcall.connectUser(1, 101));
        }
        Files.writeString(data.resolve("secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(data.resolve("rollcall.lock"), "");

        for (final List<String> command : List.of(List.of("inspect"), List.of("replay"), List.of("tail", "--no-follow")))
        {
            final Run viaData = run(withDirectory(command, data));
            final Run viaJournal = run(withDirectory(command, journal));
            assertThat(viaData.exitCode()).as("%s DATA: %s", command, viaData.err()).isZero();
            assertThat(withoutDurations(viaData.out())).as("%s", command).isEqualTo(withoutDurations(viaJournal.out()));
        }
        assertThat(field(run("inspect", data.toString()).out(), "journal")).isEqualTo(journal.toAbsolutePath().toString());
    }

    @Test
    void shouldNameBothPlacesItLookedInWhenADataDirectoryHoldsNoJournal() throws Exception
    {
        Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef\n");

        final Run run = run("inspect", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(dir.toAbsolutePath() + " is not a Rollcall journal directory (no rollcall-journal " +
            "file), nor a data directory with one in " + dir.resolve("journal").toAbsolutePath());
        assertNoStackTrace(run);
    }

    private static String withoutDurations(final String out)
    {
        return out.replaceAll("\\d+ ms", "N ms");
    }

    private static String[] withDirectory(final List<String> command, final Path directory)
    {
        final List<String> args = new java.util.ArrayList<>(command);
        args.add(1, directory.toString());
        return args.toArray(new String[0]);
    }

    // ------------------------------------------------------------------------------------------ errors

    @Test
    void shouldFailClearlyOnAMissingDirectory()
    {
        final Path missing = dir.resolve("nowhere");
        for (final String command : List.of("inspect", "replay", "tail"))
        {
            final Run run = run(command, missing.toString());
            assertThat(run.exitCode()).as(command).isEqualTo(2);
            assertThat(run.err()).as(command).contains("no journal directory at " + missing.toAbsolutePath());
            assertNoStackTrace(run);
            assertThat(missing).doesNotExist();
        }
    }

    @Test
    void shouldFailClearlyOnADirectoryThatIsNotAJournal() throws Exception
    {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        for (final String command : List.of("inspect", "replay", "tail"))
        {
            final Run run = run(command, dir.toString());
            assertThat(run.exitCode()).as(command).isEqualTo(2);
            assertThat(run.err()).as(command)
                .contains(dir.toAbsolutePath() + " is not a Rollcall journal directory (no rollcall-journal file)");
            assertNoStackTrace(run);
        }
        assertThat(dir.resolve("queue")).doesNotExist();
    }

    @Test
    void shouldFailClearlyOnACorruptJournalNamingFileAndIndex() throws Exception
    {
        firstRun();
        final Path file = cycleFile();
        corruptFirstDocumentPayload(file);

        for (final String[] args : List.of(
            new String[] {"inspect", dir.toString()},
            new String[] {"replay", dir.toString(), "--to", "5"},
            new String[] {"tail", dir.toString(), "--from", "1", "--no-follow"}))
        {
            final Run run = run(args);
            assertThat(run.exitCode()).as(Arrays.toString(args)).isEqualTo(2);
            assertThat(run.err()).as(Arrays.toString(args))
                .contains("corrupt journal record in the middle of " + file + " at index 0x", "payload checksum mismatch");
            assertNoStackTrace(run);
        }
    }

    @Test
    void shouldExitWithAUsageErrorWithoutASubcommand()
    {
        final Run run = run();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("a subcommand is required", "inspect", "replay", "tail");
    }

    private static void assertNoStackTrace(final Run run)
    {
        assertThat(run.err()).doesNotContain("\tat ", "Exception");
    }

    /**
     * Flip a byte inside the payload of the journal's first batch document (found by its magic),
     * so its checksum fails while later documents stay good: corruption in the middle.
     */
    private static void corruptFirstDocumentPayload(final Path file) throws IOException
    {
        final byte[] magic = "RCJB".getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer head = ByteBuffer.allocate((int)Math.min(channel.size(), 1 << 20));
            channel.read(head, 0);
            final byte[] bytes = head.array();
            int at = -1;
            for (int i = 0; i + magic.length <= bytes.length && at < 0; i++)
            {
                if (Arrays.equals(bytes, i, i + magic.length, magic, 0, magic.length))
                {
                    at = i;
                }
            }
            assertThat(at).as("a batch document in %s", file).isNotNegative();
            final int target = at + 28 + 4 + 16;
            channel.write(ByteBuffer.wrap(new byte[] {(byte)(bytes[target] ^ 0x5A)}), target);
        }
    }

    /** Collects what the follower prints and lets the test wait, with a deadline, for a text. */
    static final class Capture extends Writer
    {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(final char[] chars, final int offset, final int length)
        {
            text.append(chars, offset, length);
            notifyAll();
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }

        synchronized boolean awaitContains(final String wanted, final Duration timeout) throws InterruptedException
        {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (text.indexOf(wanted) < 0)
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        @Override
        public synchronized String toString()
        {
            return text.toString();
        }
    }
}
