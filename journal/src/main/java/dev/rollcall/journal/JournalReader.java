package dev.rollcall.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Reads the journal's documents in order, verifies each ({@link BatchDescriptor}: magic,
 * version, CRC, consecutive input numbers) and hands out the inputs. The rules for damage:
 * <ul>
 *   <li>a bad document that is the last one is a torn write from a crash: ignored with a
 *       warning;</li>
 *   <li>a bad document followed by a good one that starts at the same input number is a torn
 *       write that the restarted writer superseded: ignored with a warning;</li>
 *   <li>any other bad document, or a gap in the input numbers, is corruption in the middle of
 *       the journal: {@link JournalCorruptException} naming the file and index.</li>
 * </ul>
 * Not thread safe.
 * <p>
 * Tools open their own reader with {@link #open(JournalDirectory)}, which owns its queue
 * ({@link #close()} it), and may read incrementally, past the end repeatedly, with
 * {@link #follow(long)}. The snapshot thread reads a range with {@link #read(long, long, InputVisitor)}
 * while the journal thread appends to the same queue (a reader per call: its own tailer).
 */
public final class JournalReader implements AutoCloseable
{
    /** Receives inputs. */
    @FunctionalInterface
    public interface InputVisitor
    {
        /**
         * @param number the input's number (1-based, consecutive).
         * @param buffer holding the input in the core's InputCodec layout; valid during the call.
         * @param offset of the input.
         * @param length of the input.
         */
        void onInput(long number, DirectBuffer buffer, int offset, int length);

    }

    /** Receives document headers, for inspection. */
    @FunctionalInterface
    public interface DocumentVisitor
    {
        /**
         * @param index      Chronicle index of the document.
         * @param firstInput number of its first input.
         * @param inputs     how many inputs it holds.
         * @param bytes      payload length.
         */
        void onDocument(long index, long firstInput, int inputs, int bytes);
    }

    private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);

    private final SingleChronicleQueue queue;
    private final CycleFiles files;
    private final CRC32 crc = new CRC32();
    private byte[] payload = new byte[64 * 1024];
    private final UnsafeBuffer payloadBuffer = new UnsafeBuffer(payload);
    private int warnings;
    /** First input number in the header of the record being loaded, -1 when the header is unreadable. */
    private long badRecordFirst = -1;
    private final boolean ownsQueue;

    JournalReader(final SingleChronicleQueue queue, final CycleFiles files)
    {
        this(queue, files, false);
    }

    private JournalReader(final SingleChronicleQueue queue, final CycleFiles files, final boolean ownsQueue)
    {
        this.queue = queue;
        this.files = files;
        this.ownsQueue = ownsQueue;
    }

    /**
     * Open a reader with its own queue over a journal directory, for tools. It never appends;
     * a live Rollcall may keep writing to the journal meanwhile. Close it to release the queue.
     *
     * @param directory a journal directory ({@link JournalDirectory#open}).
     * @return a reader that owns its queue.
     */
    public static JournalReader open(final JournalDirectory directory)
    {
        final CycleFiles cycleFiles = new CycleFiles();
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory.queue().toFile())
            .storeFileListener(cycleFiles)
            .build();
        // the roll cycle is the one the queue's metadata holds, whatever the builder's default
        cycleFiles.queue(directory.queue(), queue.rollCycle(), queue.epoch());
        return new JournalReader(queue, cycleFiles, true);
    }

    /**
     * Close the queue when this reader opened it ({@link #open(JournalDirectory)}); a reader over
     * a journal's own queue leaves it open. Close {@link Follower}s first.
     */
    @Override
    public void close()
    {
        if (ownsQueue)
        {
            queue.close();
        }
    }

    /**
     * @return warnings logged (torn records ignored) by the last read.
     */
    public int warnings()
    {
        return warnings;
    }

    /**
     * Read every input with a number greater than {@code after}.
     *
     * @param after   inputs up to this number are skipped (a snapshot's position; 0 for all).
     * @param inputs  receives the inputs, or null.
     * @param headers receives every good document's header, or null.
     * @return the number of the last input in the journal, or {@code after} when it holds
     * none past it (e.g. every cycle was removed by retention).
     * @throws JournalCorruptException on corruption in the middle or a gap.
     */
    public long read(final long after, final InputVisitor inputs, final DocumentVisitor headers)
    {
        try (Follower follower = new Follower(after, Long.MAX_VALUE, true))
        {
            follower.poll(inputs, headers);
            follower.finish();
            warnings = follower.warnings().size();
            for (final String warning : follower.warnings())
            {
                LOG.warn(warning);
            }
            return Math.max(after, follower.lastInput());
        }
    }

    /**
     * Read the inputs numbered above {@code after} up to {@code upTo}, and not one beyond: what a
     * replica rebuilding the state at {@code upTo} needs while the journal thread may be appending
     * past it. Documents are verified as by {@link #read(long, InputVisitor, DocumentVisitor)} up to
     * the one that holds input {@code upTo}; nothing after it is read.
     *
     * @param after  inputs up to this number are skipped (the position of the state replayed onto).
     * @param upTo   the last input to read; the journal must hold it.
     * @param inputs receives the inputs.
     * @return {@code upTo}.
     * @throws JournalCorruptException naming the file and index on corruption before {@code upTo},
     *                                 a gap, inputs missing at the start, or a journal that ends
     *                                 before {@code upTo}.
     */
    public long read(final long after, final long upTo, final InputVisitor inputs)
    {
        try (Follower follower = new Follower(after, upTo, true))
        {
            follower.poll(inputs, null);
            if (follower.lastInput() < upTo)
            {
                if (!follower.badIndexes.isEmpty())
                {
                    throw corrupt(follower.badIndexes.get(0), follower.badReasons.get(0) + "; input " + upTo +
                        " was journaled after it");
                }
                throw new JournalCorruptException("the journal in " + queue.file() + " ends at input " +
                    Math.max(after, follower.lastInput()) + " but input " + upTo + " was wanted");
            }
            warnings = follower.warnings().size();
            for (final String warning : follower.warnings())
            {
                LOG.warn(warning);
            }
            return upTo;
        }
    }

    private void visit(
        final InputVisitor visitor, final long first, final int count, final int length, final long after,
        final long upTo, final long index, final int cycle)
    {
        int p = BatchDescriptor.HEADER_LENGTH;
        final int end = BatchDescriptor.HEADER_LENGTH + length;
        for (int i = 0; i < count && first + i <= upTo; i++)
        {
            if (p + 4 > end)
            {
                throw new JournalCorruptException("document at index 0x" + Long.toHexString(index) + " in " +
                    files.describe(cycle) + " declares " + count + " inputs but holds " + i);
            }
            final int inputLength = payloadBuffer.getInt(p, LITTLE_ENDIAN);
            if (inputLength < 0 || p + 4 + inputLength > end)
            {
                throw new JournalCorruptException("input " + (first + i) + " at index 0x" + Long.toHexString(index) + " in " +
                    files.describe(cycle) + " has length " + inputLength + " past its document");
            }
            final long number = first + i;
            if (number > after)
            {
                try
                {
                    visitor.onInput(number, payloadBuffer, p + 4, inputLength);
                }
                catch (final IllegalStateException ex)
                {
                    throw new JournalCorruptException("input " + number + " at index 0x" + Long.toHexString(index) + " in " +
                        files.describe(cycle) + " cannot be decoded: " + ex.getMessage(), ex);
                }
            }
            p += 4 + inputLength;
        }
    }

    /**
     * Copy a document into the payload buffer and verify it.
     *
     * @return null when good, else what is wrong.
     */
    /**
     * Copy a document into the payload buffer and verify it. Every document is checked, also
     * those a snapshot already covers: corruption anywhere in the middle stops start-up.
     *
     * @return null when good, else what is wrong.
     */
    private String load(final Bytes<?> bytes)
    {
        final long available = bytes.readRemaining();
        if (available < BatchDescriptor.HEADER_LENGTH)
        {
            return "a " + available + "-byte record is shorter than a batch header";
        }
        if (available > Integer.MAX_VALUE - 8)
        {
            return "a record of " + available + " bytes is larger than any batch";
        }
        final int size = (int)available;
        if (payload.length < size)
        {
            payload = new byte[Math.max(size, payload.length * 2)];
            payloadBuffer.wrap(payload);
        }
        badRecordFirst = -1;
        bytes.read(payload, 0, BatchDescriptor.HEADER_LENGTH);
        final int magic = payloadBuffer.getInt(0, LITTLE_ENDIAN);
        if (magic != BatchDescriptor.MAGIC)
        {
            return "bad magic 0x" + Integer.toHexString(magic);
        }
        final short version = payloadBuffer.getShort(4, LITTLE_ENDIAN);
        if (version != BatchDescriptor.VERSION)
        {
            return "unknown batch version " + version;
        }
        badRecordFirst = payloadBuffer.getLong(8, LITTLE_ENDIAN);
        final int length = payloadBuffer.getInt(20, LITTLE_ENDIAN);
        if (length < 0 || BatchDescriptor.HEADER_LENGTH + length != size)
        {
            return "payload length " + length + " does not match the record size " + size;
        }
        final int count = payloadBuffer.getInt(16, LITTLE_ENDIAN);
        if (count < 0)
        {
            return "negative input count";
        }
        bytes.read(payload, BatchDescriptor.HEADER_LENGTH, length);
        crc.reset();
        crc.update(payload, BatchDescriptor.HEADER_LENGTH, length);
        final int stored = payloadBuffer.getInt(24, LITTLE_ENDIAN);
        if ((int)crc.getValue() != stored)
        {
            return "payload checksum mismatch (stored 0x" + Integer.toHexString(stored) + ", computed 0x" +
                Integer.toHexString((int)crc.getValue()) + ")";
        }
        return null;
    }

    private JournalCorruptException corrupt(final long index, final String reason)
    {
        final int cycle = queue.rollCycle().toCycle(index);
        return new JournalCorruptException("corrupt journal record in the middle of " + files.describe(cycle) +
            " at index 0x" + Long.toHexString(index) + " (cycle " + cycle + ", sequence " +
            queue.rollCycle().toSequenceNumber(index) + "): " + reason);
    }

    /**
     * Start an incremental read: each {@link Follower#poll} reads the documents appended since
     * the previous poll, so a tool can follow a journal that is being written. The documents
     * are verified as by {@link #read}; since the end of a followed journal is not final, a bad
     * document stays pending until the next good one shows whether a restarted writer
     * superseded it (a warning) or it is corruption in the middle (an exception), or until
     * {@link Follower#finish()} declares the end. Unlike {@link #read}, inputs missing before the
     * first document (removed by retention) are not an error: a follower shows what there is.
     *
     * @param after inputs up to this number are skipped (0 for all).
     * @return the follower; close it before this reader.
     */
    public Follower follow(final long after)
    {
        return new Follower(after, Long.MAX_VALUE, false);
    }

    /**
     * An incremental read that keeps its tailer open ({@link #follow(long)}). Shares the reader's
     * buffers: use one follower or read at a time. Warnings are collected, not logged: the
     * caller reports them.
     */
    public final class Follower implements AutoCloseable
    {
        private final long after;
        private final long upTo;
        private final boolean strictStart;
        private final ExcerptTailer tailer;
        private final List<String> warningMessages = new ArrayList<>();
        private long expected = -1;
        private long firstInput;
        private long lastInput;
        private long documents;
        /** Bad records not yet judged: torn (superseded or last) or corrupt; index and reason. */
        private final List<Long> badIndexes = new ArrayList<>();
        private final List<String> badReasons = new ArrayList<>();
        private long firstBadStart = -1;

        private Follower(final long after, final long upTo, final boolean strictStart)
        {
            this.after = after;
            this.upTo = upTo;
            this.strictStart = strictStart;
            tailer = queue.createTailer();
        }

        /**
         * Read every document available now.
         *
         * @param inputs  receives the inputs numbered above {@code after}, or null.
         * @param headers receives every good document's header, or null.
         * @return how many inputs were handed to {@code inputs} (counted even when it is null).
         * @throws JournalCorruptException on corruption in the middle or a gap.
         */
        public long poll(final InputVisitor inputs, final DocumentVisitor headers)
        {
            long visited = 0;
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return visited;
                    }
                    final long index = dc.index();
                    final String problem = load(dc.wire().bytes());
                    if (null != problem)
                    {
                        // several torn records in a row are possible: crashes during successive first writes
                        if (badIndexes.isEmpty())
                        {
                            firstBadStart = badRecordFirst;
                        }
                        badIndexes.add(index);
                        badReasons.add(problem);
                        continue;
                    }

                    final long first = payloadBuffer.getLong(8, LITTLE_ENDIAN);
                    final int count = payloadBuffer.getInt(16, LITTLE_ENDIAN);
                    final int length = payloadBuffer.getInt(20, LITTLE_ENDIAN);
                    if (!badIndexes.isEmpty())
                    {
                        // a restarted writer numbers from the torn record's first input, so the good record
                        // that supersedes it starts where the torn one did (read from its header when the
                        // bad records come first); anything else is corruption in the middle
                        final long supersededStart = expected >= 0 ? expected : firstBadStart;
                        if (first != supersededStart)
                        {
                            throw corrupt(badIndexes.get(0), badReasons.get(0));
                        }
                        for (int i = 0; i < badIndexes.size(); i++)
                        {
                            warn(badIndexes.get(i), badReasons.get(i) + "; superseded by the document at index 0x" +
                                Long.toHexString(index));
                        }
                        badIndexes.clear();
                        badReasons.clear();
                    }
                    if (expected < 0 && strictStart && first > after + 1)
                    {
                        throw new JournalCorruptException("journal " + files.describe(tailer.cycle()) + " starts at input " +
                            first + " (index 0x" + Long.toHexString(index) + ") but the state to replay onto covers only " +
                            after + " inputs: inputs " + (after + 1) + ".." + (first - 1) + " are missing");
                    }
                    if (expected >= 0 && first != expected)
                    {
                        throw new JournalCorruptException("gap in journal " + files.describe(tailer.cycle()) + " at index 0x" +
                            Long.toHexString(index) + ": expected input " + expected + ", found " + first);
                    }
                    expected = first + count;
                    documents++;
                    if (count > 0)
                    {
                        if (firstInput == 0)
                        {
                            firstInput = first;
                        }
                        lastInput = first + count - 1;
                    }
                    if (null != headers)
                    {
                        headers.onDocument(index, first, count, length);
                    }
                    final long last = Math.min(first + count - 1, upTo);
                    if (last > after)
                    {
                        if (null != inputs)
                        {
                            visit(inputs, first, count, length, after, upTo, index, tailer.cycle());
                        }
                        visited += last - Math.max(after, first - 1);
                    }
                    if (lastInput >= upTo)
                    {
                        // a bounded read stops at the document that holds its last input
                        return visited;
                    }
                }
            }
        }

        /**
         * Declare that the journal ends here: a bad document pending at the end is a write torn
         * by a crash, added to the {@link #warnings()}.
         */
        public void finish()
        {
            for (int i = 0; i < badIndexes.size(); i++)
            {
                warn(badIndexes.get(i), badReasons.get(i) + "; it is the last record (a write torn by a crash)");
            }
            badIndexes.clear();
            badReasons.clear();
        }

        /** @return the number of the first input read, 0 when none yet. */
        public long firstInput()
        {
            return firstInput;
        }

        /** @return the number of the last input read, 0 when none yet. */
        public long lastInput()
        {
            return lastInput;
        }

        /** @return good documents read so far. */
        public long documents()
        {
            return documents;
        }

        /** @return the torn records ignored so far, one message each (file, index and why). */
        public List<String> warnings()
        {
            return Collections.unmodifiableList(warningMessages);
        }

        private void warn(final long index, final String reason)
        {
            final int cycle = queue.rollCycle().toCycle(index);
            warningMessages.add("ignoring journal record at index 0x" + Long.toHexString(index) + " in " +
                files.describe(cycle) + ": " + reason);
        }

        @Override
        public void close()
        {
            tailer.close();
        }
    }
}
