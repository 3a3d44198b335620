package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./rollcall serve}'s configuration through the real launcher: flags beat the environment,
 * which beats the file, which beats the defaults ({@code --print-config} shows it), and every
 * refusal — an unknown key or variable, a bad value, a port in use, an unwritable data directory —
 * exits 2 before anything starts, with one message naming the key, the value and what is allowed.
 */
class ServeConfigurationIT
{
    private static final Path ROOT = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** The launcher's exit code and output. */
    private record Run(int exitCode, String out, List<String> messages)
    {
    }

    @Test
    void shouldTakeFlagsOverEnvironmentOverFileOverDefaults() throws Exception
    {
        final Path data = dir.resolve("data");
        final Path file = write("rollcall.conf",
            "# precedence",
            "data = " + data,
            "port = 1111",
            "grace = 11s",
            "heartbeat = 1.5s",
            "secret = file-secret-0123456789abcdef");

        final Run run = run(Map.of("ROLLCALL_CONFIG", file.toString(), "ROLLCALL_PORT", "2222", "ROLLCALL_GRACE", "0"),
            "serve", "--port", "3333", "--print-config");

        assertThat(run.exitCode()).as("output:\n%s%s", run.out(), run.messages()).isZero();
        assertThat(run.messages()).isEmpty();
        final String quotedFile = Pattern.quote(file.toString());
        assertThat(run.out())
            .containsPattern("(?m)^# config file: " + quotedFile + " \\(env ROLLCALL_CONFIG\\)$")
            .containsPattern("(?m)^port +3333 +flag --port$")
            .containsPattern("(?m)^grace +0 +env ROLLCALL_GRACE$")
            .containsPattern("(?m)^heartbeat +1\\.5s +file " + quotedFile + ":5$")
            .containsPattern("(?m)^data +" + Pattern.quote(data.toString()) + " +file " + quotedFile + ":2$")
            .containsPattern("(?m)^rate-window +60s +default$")
            .containsPattern("(?m)^secret +\\*{8} +file " + quotedFile + ":6$")
            .doesNotContain("file-secret-0123456789abcdef")
            .doesNotContain("listening on");
        assertThat(data).as("--print-config starts nothing").doesNotExist();
    }

    @Test
    void shouldRefuseAnUnknownKeyInTheFile() throws Exception
    {
        final Path file = write("rollcall.conf", "port = 0", "prot = 7451");

        assertRefused(run(Map.of(), "serve", "--config", file.toString(), "--data", dir.resolve("data").toString()),
            "serve: unknown key prot = '7451' (file " + file + ":2): not a setting, did you mean port?; allowed keys: data, bind,");
    }

    @Test
    void shouldRefuseAnUnknownRollcallVariable() throws Exception
    {
        assertRefused(run(Map.of("ROLLCALL_GRACE_PERIOD", "5s"), "serve", "--data", dir.resolve("data").toString()),
            "serve: unknown environment variable ROLLCALL_GRACE_PERIOD = '5s' (env ROLLCALL_GRACE_PERIOD): not a setting; " +
            "allowed: ROLLCALL_CONFIG and ROLLCALL_<KEY> for the keys data, bind,");
    }

    @Test
    void shouldRefuseAValueOfTheWrongType() throws Exception
    {
        assertRefused(run(Map.of(), "serve", "--port", "seventy", "--data", dir.resolve("data").toString()),
            "serve: port = 'seventy' (flag --port): not an integer; allowed: an integer 0..65535 (0 = any free port)");
    }

    @Test
    void shouldRefuseAValueOutOfRange() throws Exception
    {
        assertRefused(run(Map.of("ROLLCALL_WS_PORT", "70000"), "serve", "--data", dir.resolve("data").toString()),
            "serve: ws-port = '70000' (env ROLLCALL_WS_PORT): out of range; allowed: an integer -1..65535 " +
            "(-1 = none, 0 = any free port)");
    }

    @Test
    void shouldRefuseANameNotAmongTheChoices() throws Exception
    {
        final Path file = write("rollcall.conf", "log-level = loud");

        assertRefused(run(Map.of(), "serve", "--config", file.toString(), "--data", dir.resolve("data").toString()),
            "serve: log-level = 'loud' (file " + file + ":1): not one of the choices; allowed: one of error, warn, info, " +
            "debug, trace");
    }

    @Test
    void shouldRefuseANegativeDurationAndAcceptZeroGrace() throws Exception
    {
        assertRefused(run(Map.of(), "serve", "--grace", "-5s", "--data", dir.resolve("data").toString()),
            "serve: grace = '-5s' (flag --grace): negative: a duration is 0 or more; allowed: a duration 0 or more: " +
            "a number and a unit ms, s, m, h or d (e.g. 250ms, 1.5s, 30s, 5m, 7d), or 0");

        final Run zero = run(Map.of(), "serve", "--grace", "0", "--heartbeat", "6000ms", "--rate-window", "1.5s", "--print-config");
        assertThat(zero.exitCode()).as("output:\n%s%s", zero.out(), zero.messages()).isZero();
        assertThat(zero.out()).containsPattern("(?m)^grace +0 +flag --grace$").containsPattern("(?m)^heartbeat +6000ms +flag");
    }

    @Test
    void shouldRefuseAPortInUse() throws Exception
    {
        final Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();

            assertRefused(run(Map.of(), "serve", "--port", Integer.toString(port), "--ws-port", "0", "--data", data.toString()),
                "serve: port = '" + port + "' (flag --port): 127.0.0.1:" + port + " is in use (another process listens on " +
                "it); allowed: a free port, or 0 for any free port");
        }
        // the data directory's lock is taken before the ports are checked (a second server on a directory
        // in use is refused for that), and released: nothing else started
        assertThat(data.resolve("journal")).as("nothing started").doesNotExist();
        assertThat(data.resolve("rollcall.lock")).as("the lock released").isEmptyFile();
    }

    @Test
    void shouldRefuseAnUnwritableDataDirectory() throws Exception
    {
        final Path file = Files.createFile(dir.resolve("file"));
        final Path data = file.resolve("data"); // under a regular file: no user can create it, root included

        assertRefused(run(Map.of("ROLLCALL_DATA", data.toString()), "serve", "--port", "0", "--ws-port", "0"),
            "serve: data = '" + data + "' (env ROLLCALL_DATA): cannot create the directory (" + file);
    }

    private static void assertRefused(final Run run, final String message)
    {
        assertThat(run.exitCode()).as("exit code; output:\n%s%s", run.out(), run.messages()).isEqualTo(2);
        assertThat(run.messages()).as("one message").hasSize(1);
        assertThat(run.messages().get(0)).startsWith(message);
        assertThat(run.out()).doesNotContain("listening on");
    }

    /**
     * Runs {@code ./rollcall} with the given {@code ROLLCALL_*} variables and no others.
     */
    private Run run(final Map<String, String> environment, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("rollcall").toString());
        command.addAll(List.of(args));
        final Path out = dir.resolve("out.txt");
        final Path err = dir.resolve("err.txt");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ROLLCALL_"));
        builder.environment().putAll(environment);
        final Process process = builder.start();
        try
        {
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        }
        finally
        {
            process.destroyForcibly();
        }
        // the launcher may build first: its lines (and Maven's colour codes) are not the command's
        final List<String> messages = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
            .map(line -> line.replaceAll("\u001B\\[[0-9;]*m", ""))
            .filter(line -> !line.startsWith("rollcall: building") && !line.isBlank())
            .collect(Collectors.toList());
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), messages);
    }

    private Path write(final String name, final String... lines) throws Exception
    {
        return Files.write(dir.resolve(name), List.of(lines));
    }
}
