package dev.rollcall.gateway.cli;

import dev.rollcall.core.CountersFile;
import dev.rollcall.core.CountersFileDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollcall stat} over counters files written in this process: AeronStat's lines, the
 * owner's state, refusals, and {@code --watch}.
 */
class StatCommandTest
{
    @TempDir
    Path data;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldPrintEveryCounterWithItsIdValueAndLabel()
    {
        final CountersFile file = CountersFile.create(data.resolve(CountersFileDescriptor.FILE_NAME), 8);
        final AtomicCounter accepted = file.manager().newCounter("gateway: connections accepted: rollcall-gateway-0");
        final AtomicCounter bytes = file.manager().newCounter("gateway: bytes read: rollcall-gateway-0");
        accepted.incrementRelease();
        bytes.getAndAddRelease(1_234_567);

        assertThat(run("--data", data.toString())).isZero();

        assertThat(err.toString()).isEmpty();
        final String[] lines = out.toString().split(System.lineSeparator());
        assertThat(lines[0]).matches("\\d\\d:\\d\\d:\\d\\d - Rollcall stat: .*counters\\.dat \\(layout 1\\.0\\.0\\), pid " +
            ProcessHandle.current().pid() + ", started .*: running");
        assertThat(lines[1]).startsWith("=====");
        assertThat(lines[2]).isEqualTo("  0:                    1 - gateway: connections accepted: rollcall-gateway-0");
        assertThat(lines[3]).isEqualTo("  1:            1,234,567 - gateway: bytes read: rollcall-gateway-0");
        assertThat(lines[4]).isEqualTo("--");
        assertThat(lines).hasSize(5);
    }

    @Test
    void shouldFindTheServersDataDirectoryThroughItsConfigurationFile() throws Exception
    {
        final CountersFile file = CountersFile.create(data.resolve(CountersFileDescriptor.FILE_NAME), 8);
        file.manager().newCounter("core: inputs processed").incrementRelease();
        final Path config = Files.writeString(data.resolve("rollcall.conf"), "data = " + data + "\n");

        assertThat(run("--config", config.toString())).isZero();
        assertThat(out.toString()).contains(data.resolve(CountersFileDescriptor.FILE_NAME).toString())
            .contains("1 - core: inputs processed");
    }

    @Test
    void shouldSayTheServerStoppedOrWasKilled() throws Exception
    {
        final Path path = data.resolve(CountersFileDescriptor.FILE_NAME);
        final CountersFile file = CountersFile.create(path, 8);
        file.manager().newCounter("core: inputs processed");
        file.close();

        assertThat(run("--data", data.toString())).isZero();
        assertThat(out.toString()).contains(": stopped at ").contains("(final values)");

        out.getBuffer().setLength(0);
        final Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final UnsafeBuffer header = new UnsafeBuffer(
                channel.map(FileChannel.MapMode.READ_WRITE, 0, CountersFileDescriptor.HEADER_LENGTH));
            header.putLongVolatile(CountersFileDescriptor.CLOSED_OFFSET, 0);
            header.putLongVolatile(CountersFileDescriptor.PID_OFFSET, ended.pid());
        }
        assertThat(run("--data", data.toString())).isZero();
        assertThat(out.toString()).contains("pid " + ended.pid() + ", started ")
            .contains(": STALE: pid " + ended.pid() + " is not running and did not close the file (killed?)")
            .contains("- core: inputs processed");
    }

    @Test
    void shouldRefuseClearlyWhenNoServerWroteTheFile()
    {
        assertThat(run("--data", data.toString())).isEqualTo(StatCommand.EXIT_NO_COUNTERS);

        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("stat: no counters file at " + data.resolve("counters.dat"))
            .contains("no Rollcall server has run on this data directory");
    }

    @Test
    void shouldReprintWithWatchUntilTheCount()
    {
        final CountersFile file = CountersFile.create(data.resolve(CountersFileDescriptor.FILE_NAME), 8);
        file.manager().newCounter("core: inputs processed");

        assertThat(run("--data", data.toString(), "--watch", "--interval", "1s", "--count", "2")).isZero();

        assertThat(out.toString().split("Rollcall stat: ", -1)).hasSize(3);
        assertThat(out.toString().split(System.lineSeparator() + "--" + System.lineSeparator(), -1)).hasSize(3);
    }

    @Test
    void shouldRefuseABadIntervalOrCount()
    {
        assertThat(run("--data", data.toString(), "--watch", "--interval", "0s")).isEqualTo(TokenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("bad --interval '0s'");
        assertThat(run("--data", data.toString(), "--watch", "--count", "-1")).isEqualTo(TokenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("bad --count -1");
    }

    @Test
    void shouldBeListedAmongTheSubcommands()
    {
        final StringWriter usage = new StringWriter();
        new CommandLine(new RollcallCommand()).usage(new PrintWriter(usage));

        assertThat(usage.toString()).contains("stat").contains("like Aeron's AeronStat");
    }

    private int run(final String... args)
    {
        return new CommandLine(new StatCommand())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    }
}
