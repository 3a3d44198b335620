package dev.rollcall.gateway.cli;

import dev.rollcall.journal.DataDirectoryLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real launcher's lifecycle (README, "Logs, lifecycle and the data directory"): one server per
 * data directory, a lock left by a SIGKILL taken over, SIGTERM's drain and exit 0, and the log's
 * lifecycle lines in order. A forced exit (second SIGTERM, drain timeout) needs a drain that cannot
 * finish, which a real server cannot be made to do deterministically: {@link ShutdownSequenceTest}
 * tests that logic.
 */
class LifecycleIT
{
    @TempDir
    Path data;

    @Test
    void shouldRefuseASecondServerOnTheSameDataDirectoryWhileTheFirstKeepsServing() throws Exception
    {
        try (ServerProcess first = ServerProcess.serve(data))
        {
            final int port = first.awaitListening();

            // the same port too, as a second start of the same configuration would: the lock speaks first
            try (ServerProcess second = ServerProcess.serveOn(data, port))
            {
                assertThat(second.awaitExit()).as("the second server's exit code; output:%n%s", second.output()).isEqualTo(2);
                assertThat(second.output())
                    .contains("serve: data directory " + data.toAbsolutePath() + " is in use by another Rollcall server (pid " +
                        first.pid() + ", started ")
                    .contains("lock file " + data.resolve(DataDirectoryLock.FILE_NAME).toAbsolutePath())
                    .doesNotContain("listening on", "Exception");
            }

            assertThat(first.process().isAlive()).isTrue();
            ServerProcess.identify(data, port, 42);
            assertThat(DataDirectoryLock.readHolder(data).pid()).isEqualTo(first.pid());

            first.sigterm();
            assertThat(first.awaitExit()).as("output:%n%s", first.output()).isZero();
        }
        assertThat(data.resolve(DataDirectoryLock.FILE_NAME)).as("a clean stop empties the lock file").isEmptyFile();
    }

    @Test
    void shouldTakeOverTheLockOfAServerKilledWithSigkill() throws Exception
    {
        final long killedPid;
        try (ServerProcess killed = ServerProcess.serve(data))
        {
            ServerProcess.identify(data, killed.awaitListening(), 7);
            killedPid = killed.pid();
            killed.sigkill(); // SIGKILL: no drain, no snapshot, the lock file stays
            assertThat(killed.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(DataDirectoryLock.readHolder(data).pid()).as("the killed server's pid stays in the file").isEqualTo(killedPid);

        try (ServerProcess next = ServerProcess.serve(data))
        {
            next.await(Pattern.compile("took over the stale lock " + Pattern.quote(
                data.resolve(DataDirectoryLock.FILE_NAME).toAbsolutePath().toString()) + ": its holder \\(pid " + killedPid + ","));
            final int port = next.awaitListening();
            ServerProcess.identify(data, port, 7);
            assertThat(DataDirectoryLock.readHolder(data).pid()).isEqualTo(next.pid());

            next.sigterm();
            assertThat(next.awaitExit()).as("output:%n%s", next.output()).isZero();
        }
    }

    @Test
    void shouldLogTheLifecycleStepsInOrderAndStopWithExitZeroOnSigterm() throws Exception
    {
        try (ServerProcess first = ServerProcess.serve(data, "--drain-timeout", "60s"))
        {
            ServerProcess.identify(data, first.awaitListening(), 42);
            first.sigterm();
            assertThat(first.awaitExit()).as("output:%n%s", first.output()).isZero();
            assertInOrder(first.lines(),
                "INFO rollcall - starting \\(pid " + first.pid() + "\\): data directory " + Pattern.quote(data.toAbsolutePath().toString()),
                "INFO ChronicleJournal - recovering from the journal in .* \\(no snapshot\\)",
                "INFO ChronicleJournal - recovered 0 inputs from .* in \\d+ ms",
                "INFO rollcall - listening on 127\\.0\\.0\\.1:\\d+ ",
                "INFO rollcall - shutting down on SIGTERM: ",
                "INFO ChronicleJournal - snapshot taken: \\d+ inputs in .*snapshot-\\d+\\.rcs \\(\\d+ bytes, \\d+ ms\\)",
                "INFO rollcall - stopped in \\d+ ms$");
        }
        final long snapshots;
        try (var files = Files.list(data.resolve("journal").resolve("snapshots")))
        {
            snapshots = files.count();
        }
        assertThat(snapshots).as("the final snapshot").isPositive();

        // the next start recovers from that snapshot
        try (ServerProcess second = ServerProcess.serve(data))
        {
            second.awaitListening();
            second.sigterm();
            assertThat(second.awaitExit()).as("output:%n%s", second.output()).isZero();
            assertInOrder(second.lines(),
                "INFO rollcall - starting ",
                "INFO ChronicleJournal - recovering \\d+ inputs from snapshot .*snapshot-\\d+\\.rcs \\(loaded in \\d+ ms\\), " +
                    "then the journal in .* after input \\d+",
                "INFO ChronicleJournal - recovered \\d+ inputs from .* in \\d+ ms",
                "INFO rollcall - listening on ",
                "INFO rollcall - shutting down on SIGTERM: ",
                "INFO rollcall - stopped in ");
            assertThat(second.output()).doesNotContain("WARN", "ERROR", "Chronicle core loaded");
        }
    }

    @Test
    void shouldRefuseABadLogLevelAndDrainTimeoutWithExitTwo() throws Exception
    {
        for (final List<String> options : List.of(List.of("--log-level", "loud"), List.of("--drain-timeout", "soon")))
        {
            try (ServerProcess server = ServerProcess.serve(data, options.toArray(new String[0])))
            {
                assertThat(server.awaitExit()).as("%s: output:%n%s", options, server.output()).isEqualTo(2);
                assertThat(server.output()).as("%s", options)
                    .contains("serve: " + options.get(0).substring(2) + " = '" + options.get(1) + "' (flag " + options.get(0) + ")");
            }
        }
        assertThat(data.resolve(DataDirectoryLock.FILE_NAME)).as("refused before the lock").doesNotExist();
    }

    /**
     * Each pattern is found in a later line than the one before.
     */
    private static void assertInOrder(final List<String> lines, final String... patterns)
    {
        int from = 0;
        for (final String pattern : patterns)
        {
            final Pattern compiled = Pattern.compile(pattern);
            int found = -1;
            for (int i = from; i < lines.size() && found < 0; i++)
            {
                if (compiled.matcher(lines.get(i)).find())
                {
                    found = i;
                }
            }
            assertThat(found).as("a line matching /%s/ after line %d of:%n%s", pattern, from, String.join("\n", lines))
                .isGreaterThanOrEqualTo(0);
            from = found + 1;
        }
    }
}
