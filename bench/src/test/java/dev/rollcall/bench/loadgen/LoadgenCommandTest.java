package dev.rollcall.bench.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadgenCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldRefuseANonLoopbackHost()
    {
        final int status = execute("--host", "192.0.2.10", "--duration", "1s");

        assertThat(status).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("192.0.2.10").contains("not a loopback address");
        assertThat(out.toString()).isEmpty();
        assertThatThrownBy(() -> LoadSettings.builder().host("10.1.2.3").build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a loopback address");
    }

    @Test
    void shouldAcceptLoopbackAddressesOnly()
    {
        assertThat(LoadSettings.builder().host("127.0.0.1").build().hostAddress().isLoopbackAddress()).isTrue();
        assertThat(LoadSettings.builder().host("127.3.2.1").build().hostAddress().isLoopbackAddress()).isTrue();
        assertThat(LoadSettings.builder().host("::1").build().hostAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> LoadSettings.builder().host("0.0.0.0").build())
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseADurationBeyondTenMinutesOrNotADuration()
    {
        assertThat(execute("--duration", "11m")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--duration must be 1ms..10m");
        assertThat(execute("--warmup", "soon")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--warmup 'soon' is not a duration");
        assertThat(execute("--drain", "11m")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--drain must be 0..10m");
    }

    @Test
    void shouldSpreadConnectionsOverEnoughSourceAddressesByDefault()
    {
        assertThat(LoadSettings.builder().connections(1_000).build().sourceAddresses()).isEqualTo(1);
        assertThat(LoadSettings.builder().connections(28_000).build().sourceAddresses()).isEqualTo(1);
        assertThat(LoadSettings.builder().connections(28_001).build().sourceAddresses()).isEqualTo(2);
        assertThat(LoadSettings.builder().connections(100_000).build().sourceAddresses()).isEqualTo(4);
    }

    @Test
    void shouldRefuseToRunWithoutASecret(@TempDir final Path dir)
    {
        final int status = execute("--data", dir.toString(), "--duration", "1s");

        assertThat(status).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("no token secret").contains("--data DIR");
    }

    @Test
    @Timeout(60)
    void shouldRunAgainstAServerWithTheSecretOfItsDataDirectoryAndWriteTheReports(@TempDir final Path dir)
        throws Exception
    {
        final Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("secret"), new String(InProcessServer.SECRET, StandardCharsets.US_ASCII) + "\n");
        final Path reports = dir.resolve("reports");
        try (InProcessServer server = new InProcessServer())
        {
            final int status = execute("--port", Integer.toString(server.port()), "--data", data.toString(),
                "--connections", "10", "--threads", "1", "--warmup", "0", "--duration", "500ms", "--seed", "42",
                "--drain", "7s", "--out", reports.toString());

            assertThat(status).as(out + "\n" + err).isEqualTo(LoadgenCommand.EXIT_OK);
            assertThat(Files.readString(reports.resolve(LoadReports.SUMMARY_JSON))).containsPattern("\"drainMs\": *7000");
            assertThat(out.toString()).contains("connect: 10 ok, 0 failed").contains("clean run: yes")
                .contains("p99.9").contains("reports: ");
            assertThat(err.toString()).contains("loadgen: 10 of 10 connections ready");
            assertThat(reports.resolve(LoadReports.SUMMARY_JSON)).exists();
            assertThat(reports.resolve(LoadReports.PLOT_SVG)).exists();
            assertThat(reports.resolve(LoadReports.RESULT_HGRM)).exists();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws-binary", "ws-json"})
    @Timeout(60)
    void shouldRunOverWebSocketAndNameTheTransportInTheReports(final String transport, @TempDir final Path dir)
        throws Exception
    {
        final Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("secret"), new String(InProcessServer.SECRET, StandardCharsets.US_ASCII) + "\n");
        final Path reports = dir.resolve("reports");
        try (InProcessServer server = new InProcessServer())
        {
            final int status = execute("--transport", transport, "--ws-port", Integer.toString(server.webSocketPort()),
                "--data", data.toString(), "--connections", "10", "--threads", "1", "--warmup", "0",
                "--duration", "500ms", "--seed", "42", "--out", reports.toString());

            assertThat(status).as(out + "\n" + err).isEqualTo(LoadgenCommand.EXIT_OK);
            assertThat(out.toString()).contains(":" + server.webSocketPort() + " over " +
                LoadTransport.parse(transport).description()).contains("over " + transport)
                .contains("connect: 10 ok, 0 failed").contains("clean run: yes");
            assertThat(err.toString()).contains("over " + LoadTransport.parse(transport).description());
            assertThat(Files.readString(reports.resolve(LoadReports.SUMMARY_JSON)))
                .contains("\"transport\": \"" + transport + "\"");
        }
    }

    @Test
    void shouldRefuseAnUnknownTransportOrWebSocketAgainstRedis()
    {
        assertThat(execute("--transport", "quic")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--transport must be tcp, ws-binary or ws-json, not 'quic'");
        assertThat(execute("--target", "redis", "--transport", "ws-json")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--transport ws-json drives Rollcall only");
        assertThat(execute("--transport", "ws-binary", "--ws-port", "0")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--ws-port must be 1..65535");
        assertThat(LoadSettings.builder().build().transport()).isEqualTo(LoadTransport.TCP);
        assertThat(LoadSettings.builder().build().connectPort()).isEqualTo(7450);
        assertThat(LoadSettings.builder().transport(LoadTransport.WS_JSON).build().connectPort()).isEqualTo(7451);
    }

    @Test
    void shouldPutTheReportsUnderTheProjectRootByDefault()
    {
        assertThat(LoadgenCommand.defaultOut("/repo")).startsWithRaw(Path.of("/repo/bench/target/loadgen"));
        assertThat(LoadgenCommand.defaultOut(null)).startsWithRaw(Path.of("bench/target/loadgen"));
    }

    @Test
    void shouldDescribeItsOptions()
    {
        assertThat(execute("--help")).isEqualTo(LoadgenCommand.EXIT_OK);
        assertThat(out.toString()).contains("Usage: loadgen", "--host", "--port", "--secret-file", "--data",
            "--connections", "--source-addresses", "--threads", "--identify-rate", "--update-rate", "--window",
            "--subscribers", "--duration", "--warmup", "--first-user-id", "--out", "--server-pid", "--target",
            "--redis-workload", "--transport", "--ws-port");
        assertThat(out.toString().replaceAll("\\s+", " "))
            .contains("rollcall (the binary protocol) or redis (RESP2) (default: rollcall)")
            .contains("EVALSHA").contains("(default: presence)").contains("6379 with --target redis")
            .contains("/proc/PID/stat").contains("ws-binary").contains("rollcall.json.v1").contains("(default: tcp)")
            .contains("(default: 7451)");
    }

    @Test
    void shouldRefuseAnUnknownTargetOrRedisWorkload()
    {
        assertThat(execute("--target", "memcached")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--target must be rollcall or redis, not 'memcached'");
        assertThat(execute("--target", "redis", "--redis-workload", "get")).isEqualTo(LoadgenCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--redis-workload must be presence or set, not 'get'");
        assertThat(LoadSettings.builder().target(LoadTarget.REDIS).build().port()).isEqualTo(6379);
        assertThat(LoadSettings.builder().build().port()).isEqualTo(7450);
    }

    private int execute(final String... args)
    {
        final CommandLine command = new CommandLine(new LoadgenCommand(name -> null));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }
}
