package dev.rollcall.journal.tools;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.journal.JournalDirectory;
import dev.rollcall.journal.JournalReader;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code journal inspect DIR}: what a journal holds, read without changing anything.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
        "Summarise what a journal holds.",
        "Inputs counted by type, first and last input (number and time), queue documents, queue files and their",
        "sizes, total size, snapshots (valid, or why not) and torn records ignored."})
final class InspectCommand extends JournalSubcommand
{
    private static final int TYPES = InputType.LAST_STATE_INPUT + 1;

    @Override
    int run(final JournalDirectory journal) throws IOException
    {
        final long[] perType = new long[TYPES];
        final long[] firstTime = {Long.MIN_VALUE};
        final long[] lastTime = {Long.MIN_VALUE};
        long firstInput = 0;
        long lastInput = 0;
        long documents = 0;
        final List<String> warnings = new ArrayList<>();

        if (hasQueue(journal))
        {
            final Input input = new Input();
            final Progress progress = Progress.onTerminal(err(), "inputs read");
            final long[] inputs = {0};
            try (JournalReader reader = JournalReader.open(journal);
                 JournalReader.Follower follower = reader.follow(0))
            {
                follower.poll((number, buffer, offset, length) ->
                {
                    InputCodec.decode(buffer, offset, length, input);
                    perType[input.type()]++;
                    if (firstTime[0] == Long.MIN_VALUE)
                    {
                        firstTime[0] = input.time();
                    }
                    lastTime[0] = input.time();
                    progress.update(++inputs[0]);
                }, null);
                follower.finish();
                firstInput = follower.firstInput();
                lastInput = follower.lastInput();
                documents = follower.documents();
                warnings.addAll(follower.warnings());
            }
            finally
            {
                progress.clear();
            }
        }

        final PrintWriter out = out();
        out.println("journal:        " + journal.root().toAbsolutePath());
        long total = 0;
        for (final long count : perType)
        {
            total += count;
        }
        out.println("inputs:         " + total);
        for (int type = 0; type < TYPES; type++)
        {
            if (perType[type] > 0)
            {
                out.printf("  %-24s %d%n", InputType.name(type) + ":", perType[type]);
            }
        }
        if (total > 0)
        {
            out.println("first input:    #" + firstInput + " at " + Format.timeAndEpoch(firstTime[0]));
            out.println("last input:     #" + lastInput + " at " + Format.timeAndEpoch(lastTime[0]));
        }
        out.println("documents:      " + documents);

        out.println("queue files:" + (hasQueue(journal) ? "" : "    none (no queue directory)"));
        long queueBytes = 0;
        for (final Path file : files(journal.queue()))
        {
            final long size = size(file);
            if (size < 0)
            {
                continue;
            }
            queueBytes += size;
            out.printf("  %-24s %s%n", file.getFileName(), Format.bytes(size));
        }
        out.println("queue size:     " + Format.bytes(queueBytes));

        final List<SnapshotFiles.Snapshot> snapshots = SnapshotFiles.list(journal);
        out.println("snapshots:" + (snapshots.isEmpty() ? "      none" : ""));
        for (final SnapshotFiles.Snapshot snapshot : snapshots)
        {
            final String verdict;
            if (!snapshot.valid())
            {
                verdict = "INVALID: " + snapshot.problem();
            }
            else if (total > 0 && snapshot.position() > lastInput)
            {
                verdict = "valid, but beyond the journal's last input #" + lastInput;
            }
            else
            {
                verdict = "valid";
            }
            out.printf("  %s  position %d  %s  %s%n", snapshot.file().getFileName(), snapshot.position(),
                snapshot.size() < 0 ? "?" : Format.bytes(snapshot.size()), verdict);
        }
        out.println("total size:     " + Format.bytes(totalSize(journal.root())));

        out.println("warnings:" + (warnings.isEmpty() ? "       none" : "       " + warnings.size()));
        for (final String warning : warnings)
        {
            out.println("  " + warning);
        }
        out.flush();
        return 0;
    }

    private static List<Path> files(final Path directory) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        if (Files.isDirectory(directory))
        {
            try (Stream<Path> entries = Files.list(directory))
            {
                entries.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    /**
     * @return the file's size, or -1 when it was deleted meanwhile (retention in a live journal).
     */
    private static long size(final Path file) throws IOException
    {
        try
        {
            return Files.size(file);
        }
        catch (final NoSuchFileException ex)
        {
            return -1;
        }
    }

    private static long totalSize(final Path root) throws IOException
    {
        try (Stream<Path> entries = Files.walk(root))
        {
            long total = 0;
            for (final Path file : (Iterable<Path>)entries.filter(Files::isRegularFile)::iterator)
            {
                total += Math.max(0, size(file));
            }
            return total;
        }
    }
}
