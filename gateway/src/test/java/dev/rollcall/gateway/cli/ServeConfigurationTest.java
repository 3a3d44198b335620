package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code serve}'s effective settings: precedence (flags, environment, file, defaults), where each
 * value came from, and every refusal naming the key, the value and what is allowed.
 */
class ServeConfigurationTest
{
    private static final String SECRET = "configuration-test-secret-0123456789";

    @TempDir
    Path dir;

    @Test
    void shouldTakeEveryDefaultWhenNothingIsGiven()
    {
        final ServeConfiguration configuration = ServeConfiguration.resolve(Map.of(), null, Map.of());

        for (final Setting setting : ServeSettings.ALL)
        {
            assertThat(configuration.source(setting)).as(setting.name()).isEqualTo("default");
        }
        assertThat(configuration.configFile()).isNull();
        assertThat(configuration.path(ServeSettings.DATA)).isEqualTo(Path.of("data"));
        assertThat(configuration.intValue(ServeSettings.PORT)).isEqualTo(7450);
        assertThat(configuration.intValue(ServeSettings.WS_PORT)).isEqualTo(7451);
        assertThat(configuration.durationMs(ServeSettings.GRACE)).isEqualTo(300_000);
        assertThat(configuration.string(ServeSettings.LAYOUT)).isEqualTo("auto");
        assertThat(configuration.list(ServeSettings.WS_ORIGIN)).isEmpty();
        assertThat(configuration.booleanValue(ServeSettings.SYNC)).isFalse();
        assertThat(configuration.path(ServeSettings.SECRET_FILE)).isNull();
        assertThat(configuration.string(ServeSettings.SECRET)).isNull();
        assertThat(configuration.adminPort()).isEqualTo(-1);
        assertThat(configuration.logLevel()).isEqualTo("info");
        assertThat(configuration.drainTimeoutMs()).isEqualTo(30_000);
    }

    @Test
    void shouldTakeFlagsOverEnvironmentOverFileOverDefaults() throws Exception
    {
        final Path file = write("rollcall.conf",
            "# ports",
            "port = 1111",
            "grace = 11s",
            "heartbeat = 1.5s",
            "ws-origin = https://a.example, https://b.example");

        final ServeConfiguration configuration = ServeConfiguration.resolve(
            Map.of(ServeSettings.PORT, "3333"),
            file,
            Map.of("ROLLCALL_PORT", "2222", "ROLLCALL_GRACE", "0", "ROLLCALL_RATE_LIMIT", "500"));

        assertThat(configuration.intValue(ServeSettings.PORT)).isEqualTo(3333);
        assertThat(configuration.source(ServeSettings.PORT)).isEqualTo("flag --port");
        assertThat(configuration.durationMs(ServeSettings.GRACE)).isZero();
        assertThat(configuration.source(ServeSettings.GRACE)).isEqualTo("env ROLLCALL_GRACE");
        assertThat(configuration.intValue(ServeSettings.RATE_LIMIT)).isEqualTo(500);
        assertThat(configuration.source(ServeSettings.RATE_LIMIT)).isEqualTo("env ROLLCALL_RATE_LIMIT");
        assertThat(configuration.durationMs(ServeSettings.HEARTBEAT)).isEqualTo(1_500);
        assertThat(configuration.source(ServeSettings.HEARTBEAT)).isEqualTo("file " + file + ":4");
        assertThat(configuration.list(ServeSettings.WS_ORIGIN)).containsExactly("https://a.example", "https://b.example");
        assertThat(configuration.source(ServeSettings.WS_ORIGIN)).isEqualTo("file " + file + ":5");
        assertThat(configuration.durationMs(ServeSettings.RATE_WINDOW)).isEqualTo(60_000);
        assertThat(configuration.source(ServeSettings.RATE_WINDOW)).isEqualTo("default");
        assertThat(configuration.configFile()).isEqualTo(file);
    }

    @Test
    void shouldFindTheFileThroughRollcallConfigUnlessConfigIsGiven() throws Exception
    {
        final Path fromEnv = write("env.conf", "port = 1001");
        final Path fromFlag = write("flag.conf", "port = 1002");

        final ServeConfiguration byEnv = ServeConfiguration.resolve(Map.of(), null, Map.of("ROLLCALL_CONFIG", fromEnv.toString()));
        final ServeConfiguration byFlag = ServeConfiguration.resolve(Map.of(), fromFlag, Map.of("ROLLCALL_CONFIG", fromEnv.toString()));

        assertThat(byEnv.intValue(ServeSettings.PORT)).isEqualTo(1001);
        assertThat(byFlag.intValue(ServeSettings.PORT)).isEqualTo(1002);
        final StringWriter printed = new StringWriter();
        byEnv.print(new PrintWriter(printed));
        assertThat(printed.toString()).contains("# config file: " + fromEnv + " (env ROLLCALL_CONFIG)");
    }

    @Test
    void shouldRefuseAnUnknownKeyInTheFileNamingItsLine() throws Exception
    {
        final Path file = write("rollcall.conf", "port = 7450", "prot = 7451");

        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(), file, Map.of()))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("unknown key prot = '7451' (file " + file + ":2): not a setting, did you mean port?; " +
                "allowed keys: data, bind, port, ws-port,")
            .hasMessageEndingWith("log-level, drain-timeout");
    }

    @Test
    void shouldRefuseAnUnknownRollcallVariable()
    {
        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(), null, Map.of("ROLLCALL_WS_PROT", "7451")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("unknown environment variable ROLLCALL_WS_PROT = '7451' (env ROLLCALL_WS_PROT): not a " +
                "setting, did you mean ROLLCALL_WS_PORT?; allowed: ROLLCALL_CONFIG and ROLLCALL_<KEY> for the keys data, bind,")
            .hasMessageEndingWith("(KEY in capitals, - as _)");
    }

    @Test
    void shouldAcceptTheProjectsOwnVariablesAndIgnoreOthers() throws Exception
    {
        final Path file = write("rollcall.conf", "threads = 1");
        final Map<String, String> environment = new HashMap<>();
        environment.put("ROLLCALL_CONFIG", file.toString());
        environment.put("ROLLCALL_SECRET", SECRET);
        environment.put("ROLLCALL_MAX_CONNECTIONS_PER_ADDRESS", "7");
        environment.put("ROLLCALLER", "not ours");
        environment.put("MY_ROLLCALL_PORT", "not ours");
        environment.put("rollcall_port", "not ours: names are case-sensitive");

        final ServeConfiguration configuration = ServeConfiguration.resolve(Map.of(), null, environment);

        assertThat(configuration.string(ServeSettings.SECRET)).isEqualTo(SECRET);
        assertThat(configuration.intValue(ServeSettings.MAX_CONNECTIONS_PER_ADDRESS)).isEqualTo(7);
        assertThat(configuration.intValue(ServeSettings.THREADS)).isEqualTo(1);
        assertThat(configuration.intValue(ServeSettings.PORT)).isEqualTo(7450);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port|abc|not an integer; allowed: an integer 0..65535 (0 = any free port)",
        "port|65536|out of range; allowed: an integer 0..65535 (0 = any free port)",
        "port|7450.0|not an integer",
        "ws-port|-2|out of range; allowed: an integer -1..65535 (-1 = none, 0 = any free port)",
        "admin-port|70000|out of range; allowed: an integer -1..65535 (-1 = off, 0 = any free port)",
        "threads|65|out of range; allowed: an integer 0..64 (0 = the core budget's choice)",
        "rate-limit|10|out of range; allowed: an integer 11..2147483647 (more than the 10 kept for heartbeat, identify and resume)",
        "max-connections|0|out of range; allowed: an integer 1..2147483647",
        "grace|-1s|negative: a duration is 0 or more; allowed: a duration 0 or more: a number and a unit ms, s, m, h or d",
        "grace|soon|not a duration",
        "grace|1.5ms|finer than a millisecond",
        "heartbeat|0|0 is not allowed here; allowed: a duration more than 0, at most 24d:",
        "heartbeat|25d|too long; allowed: a duration more than 0, at most 24d:",
        "drain-timeout|0s|0 is not allowed here; allowed: a duration more than 0:",
        "layout|fast|not one of the choices; allowed: one of auto, invoked, serial, parallel",
        "wait-strategy|spin|not one of the choices; allowed: one of parking, blocking, sleeping, yielding, busy-spin",
        "log-level|loud|not one of the choices; allowed: one of error, warn, info, debug, trace",
        "sync|yes|not a boolean; allowed: true or false",
        "ws-path|rollcall|not allowed; allowed: a path starting with /, without spaces or ?",
        "ws-origin|https://a,,https://b|an empty item; allowed: a comma-separated list of origins without spaces",
        "bind|''|empty; allowed: an IP address or host name of this machine",
        "data|''|empty; allowed: a file system path"})
    void shouldRefuseABadValueNamingTheKeyTheValueAndWhatIsAllowed(final String key, final String value, final String problem)
    {
        final Setting setting = ServeSettings.byName(key);

        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(), null, Map.of(setting.envName(), value)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith(key + " = '" + value + "' (env " + setting.envName() + "): " + problem);
    }

    @Test
    void shouldNeverShowASecretInAMessage() throws Exception
    {
        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(), null, Map.of("ROLLCALL_SECRET", "too-short")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("secret = '********' (env ROLLCALL_SECRET): too short; allowed: text of at least 16 bytes " +
                "(make one with ./rollcall token --new-secret)");
        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(), null, Map.of("ROLLCALL_SECRT", SECRET)))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("ROLLCALL_SECRT = '********'")
            .hasMessageNotContaining(SECRET);
        final Path file = write("rollcall.conf", "token-secret = " + SECRET);
        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(), file, Map.of()))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("token-secret = '********'")
            .hasMessageNotContaining(SECRET);
    }

    @Test
    void shouldRefuseTwoSettingsOnOnePort()
    {
        assertThatThrownBy(() -> ServeConfiguration.resolve(Map.of(ServeSettings.ADMIN_PORT, "7451"), null, Map.of()))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("admin-port = '7451' (flag --admin-port): the same port as ws-port (default); " +
                "allowed: a port no other setting uses");
        assertThat(ServeConfiguration.resolve(Map.of(ServeSettings.PORT, "0", ServeSettings.WS_PORT, "0"), null, Map.of())
            .intValue(ServeSettings.PORT)).as("any free port twice is fine").isZero();
    }

    @Test
    void shouldRefuseUpdateLimitsTheWireCannotCarry()
    {
        final Map<Setting, String> flags = Map.of(ServeSettings.MAX_ATTRIBUTES, "255",
            ServeSettings.MAX_ATTRIBUTE_KEY_BYTES, "255", ServeSettings.MAX_ATTRIBUTE_VALUE_BYTES, "65535");

        assertThatThrownBy(() -> ServeConfiguration.resolve(flags, null, Map.of()))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("max-attributes, max-attribute-key-bytes, max-attribute-value-bytes, max-reason-bytes = " +
                "255, 255, 65535, 128: exceed what the protocol can carry: a full state at these limits takes up to")
            .hasMessageEndingWith("allowed: update limits whose largest full state fits a server frame (docs/protocol.md, \"Limits\")");
    }

    @Test
    void shouldPrintEveryValueWithWhereItCameFromAndTheSecretMasked() throws Exception
    {
        final Path file = write("rollcall.conf", "grace = 1.5s", "secret = " + SECRET);
        final ServeConfiguration configuration = ServeConfiguration.resolve(Map.of(ServeSettings.PORT, "0"), file,
            Map.of("ROLLCALL_LOG_LEVEL", "debug"));

        final StringWriter printed = new StringWriter();
        configuration.print(new PrintWriter(printed));

        final String text = printed.toString();
        assertThat(text).doesNotContain(SECRET);
        assertThat(text).containsPattern("(?m)^# config file: " + Pattern.quote(file.toString()) + " \\(flag --config\\)$");
        assertThat(text).containsPattern("(?m)^port +0 +flag --port$");
        assertThat(text).containsPattern("(?m)^log-level +debug +env ROLLCALL_LOG_LEVEL$");
        assertThat(text).containsPattern("(?m)^grace +1\\.5s +file " + Pattern.quote(file.toString()) + ":1$");
        assertThat(text).containsPattern("(?m)^secret +\\*{8} +file .*:2$");
        assertThat(text).containsPattern("(?m)^ws-origin +\\(none\\) +default$");
        assertThat(text).containsPattern("(?m)^# token secret: secret \\(file .*:2\\)$");
        for (final Setting setting : ServeSettings.ALL)
        {
            assertThat(text).containsPattern("(?m)^" + setting.name() + " ");
        }
    }

    @Test
    void shouldReadTheFlagsOffTheCommandLineJoiningARepeatedList()
    {
        final CommandLine commandLine = new CommandLine(new ServeCommand(Map.of()));

        commandLine.parseArgs("--ws-origin", "https://a", "--ws-origin=https://b,https://c", "--sync", "--grace", "0",
            "--max-attributes=3");
        assertThat(ServeOptions.given(commandLine.getParseResult())).isEqualTo(Map.of(
            ServeSettings.WS_ORIGIN, "https://a,https://b,https://c",
            ServeSettings.SYNC, "true",
            ServeSettings.GRACE, "0",
            ServeSettings.MAX_ATTRIBUTES, "3"));

        commandLine.parseArgs("--sync=false");
        assertThat(ServeOptions.given(commandLine.getParseResult())).isEqualTo(Map.of(ServeSettings.SYNC, "false"));
    }

    @Test
    void shouldOfferNoSecretFlag()
    {
        final CommandLine commandLine = new CommandLine(new ServeCommand(Map.of()));

        assertThatThrownBy(() -> commandLine.parseArgs("--secret", SECRET)).isInstanceOf(CommandLine.UnmatchedArgumentException.class);
        assertThat(commandLine.getCommandSpec().findOption("--secret-file")).isNotNull();
    }

    @Test
    void shouldExposeTheReservedSettingsToServe()
    {
        final CommandLine commandLine = new CommandLine(new ServeCommand(Map.of("ROLLCALL_DRAIN_TIMEOUT", "2.5s")));
        commandLine.parseArgs("--admin-port", "0", "--log-level", "DEBUG");
        final ServeCommand serve = commandLine.getCommand();

        serve.resolveConfiguration();

        assertThat(serve.configuration().adminPort()).isZero();
        assertThat(serve.configuration().logLevel()).isEqualTo("debug");
        assertThat(serve.configuration().drainTimeoutMs()).isEqualTo(2_500);
    }

    private Path write(final String name, final String... lines) throws Exception
    {
        return Files.write(dir.resolve(name), List.of(lines));
    }
}
