package dev.rollcall.journal.crash;

import dev.rollcall.journal.JournalDirectory;
import dev.rollcall.journal.JournalSettings;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Run in a child JVM by {@link CrashRecoveryTest} and killed with SIGKILL while it is in the
 * middle of writing a journal document: the deterministic version of a writer killed mid-write.
 * It opens the journal's queue, starts a document, writes {@code length} bytes of it (the start
 * of a batch, then garbage), prints {@code HOLDING} and waits to be killed, leaving an incomplete
 * document header and the queue's write lock held by a dead process.
 * <p>
 * Arguments: journal directory, length, seed.
 */
public final class TornWriter
{
    private TornWriter()
    {
    }

    /**
     * @param args journal directory, length, seed.
     */
    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final int length = Integer.parseInt(args[1]);
        final SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));

        final JournalSettings settings = new JournalSettings(directory);
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder
            .binary(JournalDirectory.open(directory).queue().toFile())
            .rollCycle(settings.rollCycle())
            .build();
        final ExcerptAppender appender = queue.createAppender();
        final DocumentContext document = appender.writingDocument();
        final Bytes<?> bytes = document.wire().bytes();
        bytes.write(new byte[]{'R', 'C', 'J', 'B', 1, 0, 0, 0});
        for (int i = 8; i < length; i++)
        {
            bytes.writeByte((byte)random.nextInt(256));
        }
        System.out.println("HOLDING " + length + " bytes of an unfinished document");
        System.out.flush();
        while (true)
        {
            LockSupport.park();
        }
    }
}
