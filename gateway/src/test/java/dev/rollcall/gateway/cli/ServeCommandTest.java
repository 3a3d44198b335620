package dev.rollcall.gateway.cli;

import dev.rollcall.core.InMemoryJournal;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollcall serve}'s update limit flags: shown with their defaults, checked, and carried to
 * the core's logic.
 */
class ServeCommandTest
{
    private static final String EMOJI = "\uD83D\uDE00"; // 4 UTF-8 bytes

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new RollcallCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldShowTheLimitFlagsWithTheirDefaultsInHelp()
    {
        assertThat(run("serve", "--help")).isZero();

        final String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help)
            .contains("--max-attributes=N Attributes a client may hold (default: 16).")
            .contains("--max-attribute-key-bytes=N UTF-8 bytes in an attribute key (default: 32).")
            .contains("--max-attribute-value-bytes=N UTF-8 bytes in a string attribute value (default: 256).")
            .contains("--max-reason-bytes=N UTF-8 bytes in an update's reason.")
            .contains("never to stored values (default: 128).");
    }

    @Test
    void shouldCarryTheLimitFlagsToTheLogic() throws Exception
    {
        final CommandLine commandLine = new CommandLine(new ServeCommand(Map.of()));
        commandLine.parseArgs("--max-attributes", "2", "--max-attribute-key-bytes", "4", "--max-attribute-value-bytes", "8",
            "--max-reason-bytes", "8");
        final ServeCommand serve = commandLine.getCommand();
        serve.resolveConfiguration();

        try (Rollcall rollcall = Rollcall.launch(serve.coreContext(60_000, WaitStrategies.byName("parking"), PipelineLayout.SERIAL)
            .journal(new InMemoryJournal()).tickIntervalMs(0)))
        {
            assertThat(rollcall.context().limits()).isEqualTo(new Limits(2, 4, 8, 8));
            assertThat(rollcall.context().gracePeriodMs()).isEqualTo(60_000);
            assertThat(await(rollcall.connectUser(1, 1))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.updateClient(1, new Changes().afk(true), EMOJI.repeat(2)))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.updateClient(1, new Changes().afk(false), EMOJI + "éé" + "a")))
                .isEqualTo(Result.REASON_TOO_LONG);
            assertThat(await(rollcall.updateClient(1, new Changes().attribute("ééa", 1), ""))).isEqualTo(Result.VALUE_TOO_LARGE);
            assertThat(await(rollcall.updateClient(1, new Changes().attribute("éé", EMOJI + "éé"), ""))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.updateClient(1, new Changes().attribute("k", "éééé" + "a"), "")))
                .isEqualTo(Result.VALUE_TOO_LARGE);
            assertThat(await(rollcall.updateClient(1, new Changes().attribute("a", 1).attribute("b", 2), "")))
                .isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        }
    }

    @Test
    void shouldDefaultToTheCoresDefaultLimits()
    {
        final CommandLine commandLine = new CommandLine(new ServeCommand(Map.of()));
        commandLine.parseArgs();
        final ServeCommand serve = commandLine.getCommand();
        serve.resolveConfiguration();

        assertThat(serve.coreContext(1, null, null).limits()).isEqualTo(Limits.DEFAULT);
    }

    @Test
    void shouldRefuseANegativeLimitBeforeStarting()
    {
        final Path data = dir.resolve("data");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--max-reason-bytes", "-1"))
            .isEqualTo(TokenCommand.EXIT_USAGE);

        assertThat(err.toString()).contains("max-reason-bytes = '-1' (flag --max-reason-bytes): out of range; " +
            "allowed: an integer 0..");
        assertThat(Files.exists(data)).as("nothing started").isFalse();
    }

    @Test
    void shouldRefuseAClusterNodeThatIsNotOneOfTheMembersBeforeStarting()
    {
        final Path data = dir.resolve("data");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--cluster-node", "3",
            "--cluster-members", "127.0.0.1,127.0.0.1")).isEqualTo(TokenCommand.EXIT_USAGE);

        assertThat(err.toString()).contains("cluster-node 3 is not one of the 2 cluster-members [127.0.0.1, 127.0.0.1]");
        assertThat(Files.exists(data)).as("nothing started").isFalse();
    }

    @Test
    void shouldRefuseAClusterNodeWithAStageThreadLayoutBeforeStarting()
    {
        final Path data = dir.resolve("data");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--cluster-node", "1",
            "--cluster-members", "127.0.0.1", "--layout", "serial")).isEqualTo(TokenCommand.EXIT_USAGE);

        assertThat(err.toString()).contains("layout serial cannot run a cluster node");
        assertThat(Files.exists(data)).as("nothing started").isFalse();
    }

    @Test
    void shouldRefuseAnUnknownClusterThreadingBeforeStarting()
    {
        final Path data = dir.resolve("data");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--cluster-node", "1",
            "--cluster-members", "127.0.0.1", "--cluster-threads", "pooled")).isEqualTo(TokenCommand.EXIT_USAGE);

        assertThat(err.toString()).contains("cluster-threads").contains("pooled").contains("dedicated, shared");
        assertThat(Files.exists(data)).as("nothing started").isFalse();
    }

    @Test
    void shouldSayTheClusterModuleIsMissingWhenItIsNotOnTheClassPath()
    {
        final Path data = dir.resolve("data");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--ws-port", "-1", "--cluster-node", "1",
            "--cluster-members", "127.0.0.1")).isEqualTo(1);

        assertThat(err.toString()).contains("cluster mode needs the rollcall-cluster module on the class path");
    }

    @Test
    void shouldRefuseLimitsTheWireCannotCarryBeforeStarting()
    {
        final Path data = dir.resolve("data");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--max-attributes", "256"))
            .isEqualTo(TokenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("max-attributes = '256'").contains("allowed: an integer 0..255 (the wire's count)");

        assertThat(run("serve", "--data", data.toString(), "--port", "0", "--max-attributes", "255",
            "--max-attribute-key-bytes", "255", "--max-attribute-value-bytes", "65535")).isEqualTo(TokenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("exceed what the protocol can carry").contains("more than a server frame");
        assertThat(Files.exists(data)).as("nothing started").isFalse();
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }
}
