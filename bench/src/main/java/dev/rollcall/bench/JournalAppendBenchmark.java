package dev.rollcall.bench;

import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.Durability;
import dev.rollcall.journal.JournalSettings;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Journal append rate: Rollcall's {@link ChronicleJournal#append} against the obvious raw
 * Chronicle Queue append of the same input bytes, in the same run.
 * <pre>
 *   rollcall:  benchmark thread ──► ChronicleJournal.append × B ──(endOfBatch)──► one document:
 *                                   header + CRC-32 + B length-prefixed inputs ──► mapped queue file
 *   baseline:  benchmark thread ──► appender.writingDocument() per input, the input's bytes ──► mapped queue file
 * </pre>
 * One op = one input; an invocation appends {@value #INPUTS_PER_INVOCATION} pre-encoded inputs
 * of the {@link Workload} mix (updates with two or three fields and a reason, connects,
 * connection losses, ticks; 81 bytes on average), so with B = 1, 16, 256 it ends 256, 16 or 1
 * batches. {@code durability} applies to the Rollcall side only: {@code SYNC_BATCH} syncs
 * (msync) at every batch end, so its rate is bounded by B / the disk's sync latency; its
 * trials take as long as the others (iterations are timed), the slowest invocation being
 * 256 syncs at B = 1.
 * Each trial writes into a fresh temporary directory, deleted at its end: 1 to 2 GB at memory
 * speed, which the page cache absorbs while the kernel writes it back. Every new page of the
 * mapped queue file is faulted in by the appending thread itself (no pretoucher), which is part
 * of what both sides measure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchFiles.QUIET_JOURNAL_LOG)
public class JournalAppendBenchmark
{
    static final int INPUTS_PER_INVOCATION = 256;
    private static final int DISTINCT_INPUTS = 4096;

    /**
     * The pre-encoded inputs, appended round-robin: {@value #DISTINCT_INPUTS} consecutive inputs
     * of a 10,000-user {@link Workload}, taken after its connect-heavy start.
     */
    @State(Scope.Thread)
    public static class Inputs
    {
        final byte[] bytes = new byte[DISTINCT_INPUTS * Workload.MAX_LENGTH];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int[] offsets = new int[DISTINCT_INPUTS];
        final int[] lengths = new int[DISTINCT_INPUTS];
        int next;

        /**
         * Encode the inputs.
         */
        @Setup(Level.Trial)
        public void encode()
        {
            final Workload workload = new Workload(10_000, 42);
            final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Workload.MAX_LENGTH]);
            for (int i = 0; i < 100_000; i++)
            {
                workload.next(scratch, 0);
            }
            int offset = 0;
            for (int i = 0; i < DISTINCT_INPUTS; i++)
            {
                offsets[i] = offset;
                lengths[i] = workload.next(buffer, offset);
                offset += lengths[i];
            }
        }

        /**
         * @return the index of the next input to append.
         */
        int next()
        {
            final int i = next;
            next = (i + 1) & (DISTINCT_INPUTS - 1);
            return i;
        }
    }

    /**
     * A recovered (empty) Rollcall journal in a fresh directory.
     */
    @State(Scope.Thread)
    public static class RollcallJournal
    {
        /** Inputs per batch: endOfBatch on every B-th input. */
        @Param({"1", "16", "256"})
        public int batch;

        /** Durability of the Rollcall journal. */
        @Param({"MEMORY_MAPPED", "SYNC_BATCH"})
        public Durability durability;

        Path directory;
        ChronicleJournal journal;
        long sequence;

        /**
         * Open and recover the journal (required before the first append).
         */
        @Setup(Level.Trial)
        public void open()
        {
            if (INPUTS_PER_INVOCATION % batch != 0)
            {
                throw new IllegalArgumentException("batch must divide " + INPUTS_PER_INVOCATION + ": " + batch);
            }
            directory = BenchFiles.createTempDirectory("rollcall-bench-append-");
            journal = ChronicleJournal.open(new JournalSettings(directory).durability(durability));
            journal.recover(new PresenceStateMachine(Limits.DEFAULT));
        }

        /**
         * Close the journal and delete its directory.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            journal.close();
            BenchFiles.deleteRecursively(directory);
        }
    }

    /**
     * A bare Chronicle Queue built like the journal's ({@code binary}, same roll cycle, no sync).
     */
    @State(Scope.Thread)
    public static class RawChronicle
    {
        Path directory;
        SingleChronicleQueue queue;
        ExcerptAppender appender;

        /**
         * Open the queue and its appender.
         */
        @Setup(Level.Trial)
        public void open()
        {
            directory = BenchFiles.createTempDirectory("rollcall-bench-raw-");
            queue = SingleChronicleQueueBuilder.binary(directory.toFile())
                .rollCycle(new JournalSettings(directory).rollCycle())
                .build();
            appender = queue.createAppender();
        }

        /**
         * Close the queue and delete its directory.
         */
        @TearDown(Level.Trial)
        public void close()
        {
            appender.close();
            queue.close();
            BenchFiles.deleteRecursively(directory);
        }
    }

    /**
     * Append {@value #INPUTS_PER_INVOCATION} inputs through Rollcall's journal, a batch end
     * every {@code batch} inputs.
     *
     * @param journal the journal.
     * @param inputs  the pre-encoded inputs.
     */
    @Benchmark
    @OperationsPerInvocation(INPUTS_PER_INVOCATION)
    public void rollcallAppend(final RollcallJournal journal, final Inputs inputs)
    {
        final ChronicleJournal chronicleJournal = journal.journal;
        final int batch = journal.batch;
        for (int i = 1; i <= INPUTS_PER_INVOCATION; i++)
        {
            final int input = inputs.next();
            chronicleJournal.append(inputs.buffer, inputs.offsets[input], inputs.lengths[input], journal.sequence++,
                i % batch == 0);
        }
    }

    /**
     * Baseline: append the same {@value #INPUTS_PER_INVOCATION} inputs to a bare queue, one
     * document each, no framing and no checksum.
     *
     * @param raw    the queue.
     * @param inputs the pre-encoded inputs.
     */
    @Benchmark
    @OperationsPerInvocation(INPUTS_PER_INVOCATION)
    public void baselineRawChronicle(final RawChronicle raw, final Inputs inputs)
    {
        final ExcerptAppender appender = raw.appender;
        for (int i = 0; i < INPUTS_PER_INVOCATION; i++)
        {
            final int input = inputs.next();
            try (DocumentContext dc = appender.writingDocument())
            {
                dc.wire().bytes().write(inputs.bytes, inputs.offsets[input], inputs.lengths[input]);
            }
        }
    }
}
