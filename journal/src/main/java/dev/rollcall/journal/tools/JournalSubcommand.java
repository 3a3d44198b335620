package dev.rollcall.journal.tools;

import dev.rollcall.journal.JournalCorruptException;
import dev.rollcall.journal.JournalDirectory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What the subcommands share: the DIR parameter, opening it, and turning the ways a journal
 * cannot be read into a message on stderr and exit code {@value #EXIT_ERROR}, without a
 * stack trace.
 */
abstract class JournalSubcommand implements Callable<Integer>
{
    /** Exit code of a journal that cannot be read, or of a bad request. */
    static final int EXIT_ERROR = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR",
        description = "the server's data directory (its journal is in DIR/journal), or the journal directory itself")
    Path directory;

    @Override
    public final Integer call()
    {
        try
        {
            return run(JournalDirectory.openJournalOrDataDirectory(directory));
        }
        catch (final IllegalArgumentException | JournalCorruptException ex)
        {
            return fail(ex.getMessage());
        }
        catch (final UncheckedIOException ex)
        {
            return fail(ex.getMessage() + ": " + ex.getCause());
        }
        catch (final IOException ex)
        {
            return fail(ex.toString());
        }
    }

    /**
     * @param journal the opened directory.
     * @return the exit code.
     */
    abstract int run(JournalDirectory journal) throws IOException;

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    PrintWriter err()
    {
        return spec.commandLine().getErr();
    }

    /**
     * Report an error.
     *
     * @return {@link #EXIT_ERROR}.
     */
    int fail(final String message)
    {
        out().flush();
        err().println("journal " + spec.name() + ": " + message);
        err().flush();
        return EXIT_ERROR;
    }

    /**
     * @return true when the journal has a queue directory; the tools never create one.
     */
    static boolean hasQueue(final JournalDirectory journal)
    {
        return Files.isDirectory(journal.queue());
    }
}
