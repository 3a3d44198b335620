package dev.rollcall.core;

import dev.rollcall.model.Result;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core's counters on a counters file: written by one thread, read by a reader over a mapping
 * of its own (as {@code ./rollcall stat} reads a server's), with a header that tells a running
 * owner from a stopped or killed one.
 */
class CountersFileTest
{
    private static final int WRITES = 200_000;

    @TempDir
    Path dir;

    @Test
    void shouldShowOneWritersCountsToAReaderOverASeparateMapping() throws Exception
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        final CountersFile file = CountersFile.create(path, 64);
        final RollcallCounters counters = new RollcallCounters(file.manager());
        final CountersFileReader reader = CountersFileReader.open(path);
        final int inputs = counterId(reader, RollcallCounters.COUNTER_TYPE_ID, Counter.INPUTS_PROCESSED.ordinal());
        final int refused = counterId(reader, RollcallCounters.COUNTER_TYPE_ID, Counter.COMMANDS_REFUSED.ordinal());
        final int unknown = counterId(reader, RollcallCounters.RESULT_TYPE_ID, Result.UNKNOWN_CLIENT.code());

        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread writer = new Thread(() ->
        {
            for (int i = 0; i < WRITES; i++)
            {
                counters.add(Counter.INPUTS_PROCESSED, 1);
                counters.recordResult(0 == (i & 1) ? Result.APPLIED : Result.UNKNOWN_CLIENT);
            }
        }, "counters-writer");
        writer.setUncaughtExceptionHandler((thread, ex) -> failure.set(ex));
        writer.start();
        long previous = 0;
        final List<Long> seen = new ArrayList<>();
        while (writer.isAlive())
        {
            final long value = reader.counters().getCounterValue(inputs);
            assertThat(value).as("a single writer's counter never goes back").isGreaterThanOrEqualTo(previous);
            previous = value;
            if (seen.size() < 1000)
            {
                seen.add(value);
            }
        }
        writer.join();

        assertThat(failure.get()).isNull();
        final CountersReader values = reader.counters();
        assertThat(values.getCounterValue(inputs)).isEqualTo(WRITES);
        assertThat(values.getCounterValue(unknown)).isEqualTo(WRITES / 2);
        assertThat(values.getCounterValue(refused)).isEqualTo(WRITES / 2);
        assertThat(counters.get(Counter.INPUTS_PROCESSED)).isEqualTo(WRITES);
        assertThat(counters.results(Result.APPLIED)).isEqualTo(WRITES / 2);
        assertThat(seen).isSorted();
    }

    @Test
    void shouldLabelEveryCoreCounterForAReader()
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        new RollcallCounters(CountersFile.create(path, RollcallCounters.COUNTERS_ALLOCATED).manager());

        final List<String> labels = new ArrayList<>();
        CountersFileReader.open(path).counters().forEach((counterId, label) -> labels.add(label));

        assertThat(labels).hasSize(RollcallCounters.COUNTERS_ALLOCATED)
            .contains("core: inputs processed", "core: handler errors", "core: mailbox overflows",
                "core: results applied", "core: results unknown client", "core: results journal failed");
    }

    @Test
    void shouldCountWithoutAllocating()
    {
        final RollcallCounters counters =
            new RollcallCounters(CountersFile.create(dir.resolve(CountersFileDescriptor.FILE_NAME), 64).manager());
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                counters.add(Counter.EVENTS_DELIVERED, 3);
                counters.recordResult(0 == (i & 1) ? Result.APPLIED : Result.INVALID_VALUE);
                counters.increment(Counter.HANDLER_ERRORS);
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(counters.get(Counter.EVENTS_DELIVERED)).isEqualTo(2 * 3 * 20_000);
        // less than a byte per count (a few hundred bytes of JIT or bookkeeping noise may show up once)
        assertThat(allocated).as("bytes allocated by 80,000 counts").isLessThan(20_000);
    }

    @Test
    void shouldRefuseAFileNoServerWrote() throws Exception
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        assertThatThrownBy(() -> CountersFileReader.open(path))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no counters file at " + path)
            .hasMessageContaining("no Rollcall server has run on this data directory");

        Files.write(path, new byte[10]);
        assertThatThrownBy(() -> CountersFileReader.open(path)).hasMessageContaining("is not ready: it has 10 bytes");

        Files.write(path, new byte[CountersFileDescriptor.fileLength(4)]);
        assertThatThrownBy(() -> CountersFileReader.open(path)).hasMessageContaining("is not ready: its version is 0");

        CountersFile.create(path, 4);
        putInt(path, CountersFileDescriptor.VERSION_OFFSET, SemanticVersion.compose(2, 0, 0));
        assertThatThrownBy(() -> CountersFileReader.open(path))
            .hasMessageContaining("has counters layout 2.0.0; this tool reads 1.x");

        CountersFile.create(path, 4);
        putInt(path, CountersFileDescriptor.VALUES_LENGTH_OFFSET, 1 << 20);
        assertThatThrownBy(() -> CountersFileReader.open(path)).hasMessageContaining("is corrupt");
    }

    @Test
    void shouldTellARunningOwnerFromAStoppedOneAndAKilledOne() throws Exception
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        final CountersFile file = CountersFile.create(path, 4);
        final CountersFileReader reader = CountersFileReader.open(path);
        assertThat(reader.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(reader.version()).isEqualTo(CountersFileDescriptor.LAYOUT_VERSION);
        assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.RUNNING);

        file.close();
        assertThat(reader.closedMs()).isPositive();
        assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.STOPPED);

        // killed: the pid of a process that has ended, and no "closed at"
        putLong(path, CountersFileDescriptor.CLOSED_OFFSET, 0);
        putLong(path, CountersFileDescriptor.PID_OFFSET, endedPid());
        assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.STALE);

        // a pid reused by another process: alive, but it started at another time
        putLong(path, CountersFileDescriptor.PID_OFFSET, ProcessHandle.current().pid());
        putLong(path, CountersFileDescriptor.PROCESS_START_OFFSET,
            CountersFileReader.startMs(ProcessHandle.current()) - TimeUnit.HOURS.toMillis(1));
        assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.STALE);
    }

    @Test
    void shouldRefuseToReplaceTheFileOfAnotherRunningProcessButReplaceAStaleOne() throws Exception
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        CountersFile.create(path, 4);
        final Process other = new ProcessBuilder("sleep", "60").start();
        try
        {
            putLong(path, CountersFileDescriptor.PID_OFFSET, other.pid());
            putLong(path, CountersFileDescriptor.PROCESS_START_OFFSET, CountersFileReader.startMs(other.toHandle()));

            assertThatThrownBy(() -> CountersFile.create(path, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to a running server (pid " + other.pid() + ")");
        }
        finally
        {
            other.destroyForcibly().waitFor();
        }

        final CountersFile replaced = CountersFile.create(path, 8);
        replaced.manager().newCounter("mine");
        final CountersFileReader reader = CountersFileReader.open(path);
        assertThat(reader.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(reader.counters().maxCounterId()).isEqualTo(7);
        assertThat(reader.counters().getCounterLabel(0)).isEqualTo("mine");
    }

    @Test
    void shouldKeepAnEmbeddedRollcallsCountersInItsFileOrInMemory() throws Exception
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        final CountersFileReader reader;
        final int inputs;
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext().countersFile(path)))
        {
            assertThat(rollcall.connectUser(42, 1).get(10, TimeUnit.SECONDS)).isEqualTo(Result.APPLIED);
            assertThat(rollcall.connectUser(0, 1).get(10, TimeUnit.SECONDS)).isEqualTo(Result.INVALID_VALUE);
            reader = CountersFileReader.open(path);
            assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.RUNNING);
            inputs = counterId(reader, RollcallCounters.COUNTER_TYPE_ID, Counter.INPUTS_PROCESSED.ordinal());
        }
        // closed: every input was processed, and the file says the owner stopped
        assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.STOPPED);
        final long processed = reader.counters().getCounterValue(inputs);
        assertThat(processed).isGreaterThanOrEqualTo(4); // limits, grace, two connects
        assertThat(reader.counters().getCounterValue(
            counterId(reader, RollcallCounters.RESULT_TYPE_ID, Result.INVALID_VALUE.code()))).isEqualTo(1);

        try (Rollcall rollcall = Rollcall.launch(new RollcallContext()))
        {
            assertThat(rollcall.connectUser(42, 1).get(10, TimeUnit.SECONDS)).isEqualTo(Result.APPLIED);
            rollcall.countersManager().forEach((counterId, label) -> assertThat(label).startsWith("core: "));
            assertThat(rollcall.counters().results(Result.APPLIED)).isGreaterThanOrEqualTo(1);
        }
        assertThat(CountersFileReader.open(path).counters().getCounterValue(inputs))
            .as("an embedded Rollcall without a counters file leaves the file alone").isEqualTo(processed);
    }

    private static int counterId(final CountersFileReader reader, final int typeId, final int key)
    {
        final int[] found = {CountersReader.NULL_COUNTER_ID};
        reader.counters().forEach((counterId, type, keyBuffer, label) ->
        {
            if (type == typeId && keyBuffer.getInt(0) == key)
            {
                found[0] = counterId;
            }
        });
        assertThat(found[0]).as("counter of type %d and key %d", typeId, key).isNotEqualTo(CountersReader.NULL_COUNTER_ID);
        return found[0];
    }

    private static long endedPid() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    private static void putInt(final Path path, final int offset, final int value) throws Exception
    {
        map(path).putIntVolatile(offset, value);
    }

    private static void putLong(final Path path, final int offset, final long value) throws Exception
    {
        map(path).putLongVolatile(offset, value);
    }

    private static UnsafeBuffer map(final Path path) throws Exception
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, CountersFileDescriptor.HEADER_LENGTH);
            return new UnsafeBuffer(mapped);
        }
    }
}
