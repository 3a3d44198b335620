package dev.rollcall.journal.tools;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.journal.JournalDirectory;
import dev.rollcall.journal.JournalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code journal tail DIR [--from N] [--follow|--no-follow]}: print inputs one per line, and
 * with {@code --follow} keep printing them as a live Rollcall appends them, until interrupted.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
        "Print inputs one per line, and follow new ones.",
        "Format: #<number> <ISO time, UTC> <TYPE> key=value... Starts at input --from (default: the last " +
            TailCommand.DEFAULT_LINES + ");",
        "when following, keeps printing inputs as a running Rollcall appends them, until interrupted (Ctrl-C)."})
final class TailCommand extends JournalSubcommand
{
    static final int DEFAULT_LINES = 10;
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @Option(names = "--from", paramLabel = "N", description = "first input to print (default: the last " + DEFAULT_LINES + ")")
    Long from;

    @Option(names = "--follow", negatable = true,
        description = "keep printing new inputs as they arrive, until interrupted (default: on when stdout is a terminal)")
    Boolean follow;

    @Override
    int run(final JournalDirectory journal)
    {
        if (null != from && from < 1)
        {
            return fail("--from must be >= 1: " + from);
        }
        final boolean following = null != follow ? follow : Terminal.isInteractive();
        if (!hasQueue(journal))
        {
            if (following)
            {
                return fail("no queue directory in " + journal.root().toAbsolutePath() + " (a journal that never started)");
            }
            return 0;
        }

        final PrintWriter out = out();
        final Input input = new Input();
        final JournalReader.InputVisitor printer = (number, buffer, offset, length) ->
        {
            InputCodec.decode(buffer, offset, length, input);
            out.println(Format.input(number, input));
        };
        boolean interrupted = false;
        try (JournalReader reader = JournalReader.open(journal))
        {
            final long start = null != from ? from : Math.max(1, lastInput(reader) - DEFAULT_LINES + 1);
            try (JournalReader.Follower follower = reader.follow(start - 1))
            {
                follower.poll(printer, null);
                out.flush();
                if (!following)
                {
                    follower.finish();
                    report(follower.warnings(), 0);
                    return 0;
                }
                int warned = report(follower.warnings(), 0);
                while (!interrupted)
                {
                    if (Thread.interrupted())
                    {
                        interrupted = true;
                        break;
                    }
                    final long read;
                    try
                    {
                        read = follower.poll(printer, null);
                    }
                    catch (final RuntimeException ex)
                    {
                        if (Thread.interrupted())
                        {
                            // interrupted mid-read (Chronicle's file channels close on interrupt): just stop
                            interrupted = true;
                            break;
                        }
                        throw ex;
                    }
                    out.flush();
                    warned = report(follower.warnings(), warned);
                    if (read == 0)
                    {
                        LockSupport.parkNanos(this, IDLE_PARK_NS);
                    }
                }
                return 0;
            }
        }
        finally
        {
            out.flush();
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long lastInput(final JournalReader reader)
    {
        try (JournalReader.Follower scan = reader.follow(Long.MAX_VALUE))
        {
            scan.poll(null, null);
            return scan.lastInput();
        }
    }

    /**
     * Print the warnings not printed yet.
     *
     * @return how many are printed now in all.
     */
    private int report(final List<String> warnings, final int printed)
    {
        if (warnings.size() > printed)
        {
            for (int i = printed; i < warnings.size(); i++)
            {
                err().println("journal tail: warning: " + warnings.get(i));
            }
            err().flush();
        }
        return warnings.size();
    }
}
