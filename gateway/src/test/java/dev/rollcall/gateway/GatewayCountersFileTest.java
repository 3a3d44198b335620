package dev.rollcall.gateway;

import dev.rollcall.core.CountersFile;
import dev.rollcall.core.CountersFileDescriptor;
import dev.rollcall.core.CountersFileReader;
import dev.rollcall.core.RollcallCounters;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's counters in the core's counters file: one counter per (thread, counter) and per
 * (thread, error code), labelled with the thread, that sum to what {@link Gateway#counter} and
 * {@link Gateway#errorCount} say.
 */
class GatewayCountersFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEachThreadsCountersInTheCountersFileLabelledWithTheThread() throws Exception
    {
        final Path path = dir.resolve(CountersFileDescriptor.FILE_NAME);
        final TestGateway server = new TestGateway(ctx -> ctx.threads(2), core -> core.countersFile(path));
        final CountersFileReader reader;
        try
        {
            try (RawClient client = server.identify(42, new Changes().afk(true)))
            {
                assertThat(client).isNotNull();
            }
            try (RawClient client = new RawClient(server.address()))
            {
                client.next(RawClient.Hello.class);
                client.writer().heartbeat(0);
                client.flush();
                client.untilClosed();
            }
            Await.until("both connections closed", () -> server.gateway.counter(GatewayCounter.CONNECTIONS_CLOSED) == 2);
            reader = CountersFileReader.open(path);
            assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.RUNNING);
        }
        finally
        {
            server.close();
        }
        assertThat(server.errors).isEmpty();
        assertThat(reader.ownerState()).isEqualTo(CountersFileReader.OwnerState.STOPPED);

        assertThat(server.gateway.counter(GatewayCounter.IDENTIFIES)).isEqualTo(1);
        assertThat(server.gateway.counter(GatewayCounter.CONNECTIONS_ACCEPTED)).isEqualTo(2);
        assertThat(server.gateway.errorCount(ErrorCode.NOT_IDENTIFIED)).isEqualTo(1);
        for (final GatewayCounter counter : GatewayCounter.values())
        {
            assertThat(sum(reader, GatewayCounters.COUNTER_TYPE_ID, counter.ordinal()))
                .as("%s summed over the threads in the file", counter).isEqualTo(server.gateway.counter(counter));
        }
        for (final ErrorCode code : ErrorCode.values())
        {
            assertThat(sum(reader, GatewayCounters.ERROR_TYPE_ID, code.code()))
                .as("%s summed over the threads in the file", code).isEqualTo(server.gateway.errorCount(code));
        }

        final List<String> labels = new ArrayList<>();
        reader.counters().forEach((counterId, label) -> labels.add(label));
        assertThat(labels).hasSize(RollcallCounters.COUNTERS_ALLOCATED + 2 * GatewayCounters.COUNTERS_PER_THREAD);
        for (int thread = 0; thread < 2; thread++)
        {
            final String name = "rollcall-gateway-" + thread;
            assertThat(labels.stream().filter(label -> label.endsWith(": " + name))).hasSize(GatewayCounters.COUNTERS_PER_THREAD);
            assertThat(labels).contains(
                "gateway: connections accepted: " + name,
                "gateway: identifies: " + name,
                "gateway: errors not identified (4003): " + name);
        }
    }

    @Test
    void shouldCountWithoutAllocating()
    {
        final GatewayCounters counters = new GatewayCounters(
            CountersFile.create(dir.resolve(CountersFileDescriptor.FILE_NAME), GatewayCounters.COUNTERS_PER_THREAD).manager(),
            0, "rollcall-gateway-0");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                counters.add(GatewayCounter.BYTES_READ, 100);
                counters.increment(GatewayCounter.FRAMES_RECEIVED);
                counters.error(ErrorCode.RATE_LIMITED);
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(counters.get(GatewayCounter.FRAMES_RECEIVED)).isEqualTo(40_000);
        assertThat(counters.get(GatewayCounter.PROTOCOL_ERRORS)).isEqualTo(40_000);
        assertThat(counters.errors(ErrorCode.RATE_LIMITED)).isEqualTo(40_000);
        // less than a byte per count (a few hundred bytes of JIT or bookkeeping noise may show up once)
        assertThat(allocated).as("bytes allocated by 60,000 counts").isLessThan(20_000);
    }

    private static long sum(final CountersFileReader reader, final int typeId, final int key)
    {
        final long[] sum = {0};
        final int[] threads = {0};
        reader.counters().forEach((counterId, type, keyBuffer, label) ->
        {
            if (type == typeId && keyBuffer.getInt(4) == key)
            {
                sum[0] += reader.counters().getCounterValue(counterId);
                threads[0]++;
            }
        });
        assertThat(threads[0]).as("one counter per thread of type %d and key %d", typeId, key).isEqualTo(2);
        return sum[0];
    }
}
