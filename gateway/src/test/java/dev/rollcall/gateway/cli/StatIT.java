package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./rollcall stat} reads a running server's counters from outside its process: the real
 * {@code ./rollcall serve} on a temporary data directory, a client that identifies, then the real
 * {@code ./rollcall stat --data DIR} as a separate process; after SIGTERM it says the server stopped.
 */
class StatIT
{
    private static final Pattern COUNTER = Pattern.compile("^\\s*(\\d+):\\s+([0-9,]+) - (.*)$");

    private final Path root = Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();

    @Test
    void shouldPrintARunningServersCountersFromAnotherProcess(@TempDir final Path data) throws Exception
    {
        assertThat(rollcall("stat", "--data", data.toString()))
            .as("no server has run on the directory yet")
            .startsWith("exit 2\n").contains("stat: no counters file at ");

        try (ServerProcess server = ServerProcess.serve(data))
        {
            final int port = server.awaitListening();
            try (SocketChannel client = ServerProcess.identified(data, port, 42))
            {
                assertThat(client.isConnected()).isTrue();
                final String stat = rollcall("stat", "--data", data.toString());
                assertThat(stat).startsWith("exit 0\n").contains("Rollcall stat: ")
                    .contains("pid " + server.pid() + ", started ").contains(": running\n");
                final Map<String, Long> values = values(stat);
                assertThat(values.get("gateway: connections accepted: rollcall-gateway-0")).isGreaterThanOrEqualTo(1);
                assertThat(values.get("gateway: identifies: rollcall-gateway-0")).isEqualTo(1);
                assertThat(values.get("gateway: connections open: rollcall-gateway-0")).isEqualTo(1);
                assertThat(values.get("core: results applied")).as("limits, grace, the identify's connect").isGreaterThanOrEqualTo(3);
                assertThat(values.get("core: handler errors")).isZero();

                final String watched = rollcall("stat", "--data", data.toString(), "--watch", "--interval", "1s", "--count", "2");
                assertThat(watched).startsWith("exit 0\n");
                assertThat(watched.split("Rollcall stat: ", -1)).as("two prints").hasSize(3);
            }

            server.sigterm();
            assertThat(server.awaitExit()).as("output:%n%s", server.output()).isZero();
            final String stopped = rollcall("stat", "--data", data.toString());
            assertThat(stopped).startsWith("exit 0\n").contains(": stopped at ");
            assertThat(values(stopped).get("gateway: connections closed: rollcall-gateway-0")).isEqualTo(1);
        }
    }

    /**
     * Run {@code ./rollcall ARGS} to its end.
     *
     * @return "exit N", a newline, then its output (stdout and stderr).
     */
    private String rollcall(final String... args) throws Exception
    {
        final String[] command = new String[args.length + 1];
        command[0] = root.resolve("rollcall").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        final Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", String.join(" ", args)).isTrue();
        return "exit " + process.exitValue() + "\n" + output;
    }

    private static Map<String, Long> values(final String stat)
    {
        final Map<String, Long> values = new HashMap<>();
        for (final String line : stat.split("\n"))
        {
            final Matcher matcher = COUNTER.matcher(line);
            if (matcher.matches())
            {
                values.put(matcher.group(3), Long.parseLong(matcher.group(2).replace(",", "")));
            }
        }
        assertThat(values).as("counters in:\n%s", stat).isNotEmpty();
        return values;
    }
}
