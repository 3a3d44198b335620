package dev.rollcall.journal.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code journal}: offline tools over a Rollcall journal ({@code inspect}, {@code replay},
 * {@code tail}), given the server's data directory (the journal is in {@code DIR/journal}) or the
 * journal directory itself. They only read and never take the data directory's lock
 * ({@code DataDirectoryLock}): a live Rollcall may keep writing meanwhile.
 * Exit codes: 0 done, 2 a usage error or a journal that cannot be read (missing, not a
 * journal, corrupt), with the reason on stderr.
 */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    version = "rollcall journal tools",
    description = {"Inspect, replay and tail a Rollcall journal, read-only.",
        "A live server may keep writing meanwhile.",
        "DIR is the server's data directory (its journal is in DIR/journal) or the journal directory itself."},
    subcommands = {InspectCommand.class, ReplayCommand.class, TailCommand.class, CommandLine.HelpCommand.class})
public final class JournalCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    /**
     * Without a subcommand: print the usage, exit code 2.
     */
    @Override
    public Integer call()
    {
        spec.commandLine().getErr().println("journal: a subcommand is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return JournalSubcommand.EXIT_ERROR;
    }

    /**
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new JournalCommand()).execute(args));
    }
}
