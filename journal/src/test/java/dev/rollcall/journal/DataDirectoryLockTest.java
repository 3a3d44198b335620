package dev.rollcall.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DataDirectoryLock} on real files, with a second process ({@link LockHolderMain}) holding
 * the lock where another holder is needed: the lock is the kernel's, per process.
 */
class DataDirectoryLockTest
{
    private static final long CHILD_TIMEOUT_MS = 60_000;

    @TempDir
    Path data;

    @Test
    void shouldWriteTheHoldersPidAndStartIntoTheLockFile() throws IOException
    {
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data))
        {
            assertThat(lock.file()).isEqualTo(data.resolve(DataDirectoryLock.FILE_NAME).toAbsolutePath());
            assertThat(lock.takenOverFrom()).isNull();
            final List<String> lines = Files.readAllLines(lock.file());
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("pid=" + ProcessHandle.current().pid());
            assertThat(lines.get(1)).startsWith("started=");
            assertThat(DataDirectoryLock.readHolder(data)).isEqualTo(lock.holder());
            assertThat(lock.holder().pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void shouldRefuseASecondLockInTheSameProcessNamingDirectoryAndPid() throws IOException
    {
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data))
        {
            assertThat(lock.directory()).isEqualTo(data.toAbsolutePath());
            assertThatThrownBy(() -> DataDirectoryLock.acquire(data))
                .isInstanceOf(DataDirectoryLockedException.class)
                .hasMessageContaining("data directory " + data.toAbsolutePath())
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
            // the same directory by another name is the same directory
            assertThatThrownBy(() -> DataDirectoryLock.acquire(data.resolve(".")))
                .isInstanceOf(DataDirectoryLockedException.class);
        }
    }

    @Test
    void shouldEmptyTheFileAndReleaseTheLockOnClose() throws IOException
    {
        final DataDirectoryLock first = DataDirectoryLock.acquire(data);
        first.close();
        first.close();

        assertThat(data.resolve(DataDirectoryLock.FILE_NAME)).exists().isEmptyFile();
        assertThat(DataDirectoryLock.readHolder(data)).isNull();
        try (DataDirectoryLock again = DataDirectoryLock.acquire(data))
        {
            assertThat(again.takenOverFrom()).as("a clean stop leaves no stale lock").isNull();
        }
    }

    @Test
    void shouldTakeOverAStaleLockFileNamingItsHolder() throws IOException
    {
        Files.writeString(data.resolve(DataDirectoryLock.FILE_NAME), "pid=999999999\nstarted=2026-01-02T03:04:05Z\n");

        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data))
        {
            assertThat(lock.takenOverFrom()).isEqualTo(new DataDirectoryLock.Holder(999_999_999L, "2026-01-02T03:04:05Z"));
            assertThat(Files.readAllLines(lock.file()).get(0)).isEqualTo("pid=" + ProcessHandle.current().pid());
        }
    }

    @Test
    void shouldTakeOverALockFileItCannotParse() throws IOException
    {
        Files.writeString(data.resolve(DataDirectoryLock.FILE_NAME), "garbage\n");

        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data))
        {
            assertThat(lock.takenOverFrom().pid()).isEqualTo(-1);
            assertThat(lock.takenOverFrom().describe()).contains("pid unknown");
        }
    }

    @Test
    void shouldFailNamingTheFileWhenTheDirectoryIsMissing()
    {
        final Path missing = data.resolve("nowhere");

        assertThatThrownBy(() -> DataDirectoryLock.acquire(missing))
            .isInstanceOf(IOException.class)
            .hasMessageContaining(missing.resolve(DataDirectoryLock.FILE_NAME).toAbsolutePath().toString());
        assertThat(missing).doesNotExist();
    }

    @Test
    void shouldRefuseWhileAnotherProcessHoldsTheLockAndTakeItOnceThatProcessIsKilled() throws Exception
    {
        final Process holder = startHolder();
        try
        {
            final long holderPid = awaitLocked(holder);

            assertThatThrownBy(() -> DataDirectoryLock.acquire(data))
                .isInstanceOf(DataDirectoryLockedException.class)
                .hasMessageContaining("data directory " + data.toAbsolutePath() + " is in use by another Rollcall server")
                .hasMessageContaining("pid " + holderPid)
                .satisfies(ex -> assertThat(((DataDirectoryLockedException)ex).holder().pid()).isEqualTo(holderPid));
            assertThat(DataDirectoryLock.readHolder(data).pid()).isEqualTo(holderPid);

            // SIGKILL: the kernel drops the lock, the file keeps the dead holder's pid
            assertThat(holder.toHandle().destroyForcibly()).isTrue();
            assertThat(holder.waitFor(CHILD_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(DataDirectoryLock.readHolder(data).pid()).isEqualTo(holderPid);

            try (DataDirectoryLock lock = DataDirectoryLock.acquire(data))
            {
                assertThat(lock.takenOverFrom().pid()).isEqualTo(holderPid);
                assertThat(DataDirectoryLock.readHolder(data).pid()).isEqualTo(ProcessHandle.current().pid());
            }
        }
        finally
        {
            holder.destroyForcibly();
            holder.waitFor(CHILD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void shouldBeFreeForAnotherProcessOnceTheHolderClosesIt() throws Exception
    {
        final Process holder = startHolder();
        try
        {
            awaitLocked(holder);
            holder.getOutputStream().close(); // the holder closes its lock and exits at the end of its stdin
            assertThat(holder.waitFor(CHILD_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(holder.exitValue()).isZero();

            try (DataDirectoryLock lock = DataDirectoryLock.acquire(data))
            {
                assertThat(lock.takenOverFrom()).isNull();
            }
        }
        finally
        {
            holder.destroyForcibly();
            holder.waitFor(CHILD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private Process startHolder() throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LockHolderMain.class.getName());
        command.add(data.toString());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** @return the holder's pid, once it says it holds the lock. */
    private static long awaitLocked(final Process holder) throws IOException
    {
        final BufferedReader in = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        final String line = in.readLine();
        assertThat(line).as("the holder's first line").isEqualTo("locked " + holder.pid());
        return holder.pid();
    }
}
