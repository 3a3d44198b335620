package dev.rollcall.gateway.cli;

import dev.rollcall.journal.tools.JournalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code rollcall}: the command line — {@code serve}, {@code stat}, {@code token}, {@code journal}; the
 * launcher script runs {@code loadgen} from the bench module, so the help lists it in its footer.
 */
@Command(
    name = "rollcall",
    mixinStandardHelpOptions = true,
    version = "rollcall 0.1.0",
    description = "Rollcall: event-sourced client presence.",
    footer = {
        "  loadgen  Drives a running server with simulated clients and reports latencies",
        "             (the bench module: through the ./rollcall launcher only).",
        "",
        "Each command's --help shows its options and their defaults.", ""},
    subcommands = {ServeCommand.class, StatCommand.class, TokenCommand.class, JournalCommand.class,
        CommandLine.HelpCommand.class})
public final class RollcallCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    /**
     * Without a subcommand: print the usage, exit code 2.
     */
    @Override
    public Integer call()
    {
        spec.commandLine().getErr().println("rollcall: a command is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /**
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        LogSettings.defaults(); // before anything logs; serve refines them
        System.exit(new CommandLine(new RollcallCommand()).execute(args));
    }
}
