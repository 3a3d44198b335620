package dev.rollcall.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.rollcall.gateway.auth.AuthOutcome;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.Identity;
import dev.rollcall.gateway.auth.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class TokenCommandTest
{
    private static final long NOW = 1_700_000_000_000L;
    private static final String SECRET = "command-test-secret-0123456789";
    private static final Map<String, String> ENV = Map.of("ROLLCALL_SECRET", SECRET);
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldPrintATokenThatVerifiesWithTheSameSecret()
    {
        final int exitCode = run(ENV, "--user", "42");

        assertThat(exitCode).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).endsWith(System.lineSeparator());
        assertThat(out.toString().strip()).doesNotContain("\n").hasSize(68);
        assertThat(verify(SECRET).identity()).isEqualTo(new Identity(42, Role.USER, NOW + 24 * 3_600_000L));
    }

    @Test
    void shouldMintAServiceToken()
    {
        assertThat(run(ENV, "--user", "7", "--service")).isZero();

        assertThat(verify(SECRET).identity().role()).isEqualTo(Role.SERVICE);
    }

    @Test
    void shouldMintAnObserverTokenForUserOneWithoutUser()
    {
        assertThat(run(ENV, "--observer")).isZero();

        assertThat(err.toString()).isEmpty();
        assertThat(verify(SECRET).identity()).isEqualTo(new Identity(1, Role.OBSERVER, NOW + 24 * 3_600_000L));
    }

    @Test
    void shouldMintAnObserverTokenForTheUserGiven()
    {
        assertThat(run(ENV, "--observer", "--user", "900", "--ttl", "1h")).isZero();

        assertThat(verify(SECRET).identity()).isEqualTo(new Identity(900, Role.OBSERVER, NOW + 3_600_000L));
    }

    @Test
    void shouldRejectAnObserverTokenForABadUserId()
    {
        assertThat(run(ENV, "--observer", "--user", "0")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("--user");
    }

    @Test
    void shouldRefuseServiceAndObserverTogether()
    {
        assertThat(run(ENV, "--user", "7", "--service", "--observer")).isEqualTo(2);

        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("--service").contains("--observer").contains("one role");
    }

    @ParameterizedTest
    @CsvSource({"30m, 1800000", "3600s, 3600000", "24h, 86400000", "7d, 604800000", "1s, 1000", "1.5h, 5400000",
        "6000ms, 6000"})
    void shouldParseTtl(final String ttl, final long expectedMs)
    {
        assertThat(run(ENV, "--user", "42", "--ttl", ttl)).isZero();

        assertThat(verify(SECRET).identity().expiresAtEpochMs()).isEqualTo(NOW + expectedMs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0h", "0", "10", "h", "", "-5m", "5w", "1.5ms", "5 m", "5M", "99999999999999999d",
        "99999999999999999999999s", "106751991167d"})
    void shouldRejectABadTtl(final String ttl)
    {
        final int exitCode = run(ENV, "--user", "42", "--ttl", ttl);

        assertThat(exitCode).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("--ttl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "", "1e3", "9223372036854775808"})
    void shouldRejectABadUserId(final String user)
    {
        final int exitCode = run(ENV, "--user=" + user);

        assertThat(exitCode).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("--user");
    }

    @Test
    void shouldRequireAUser()
    {
        assertThat(run(ENV)).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("--user");
    }

    @Test
    void shouldExplainHowToSetASecretWhenThereIsNone()
    {
        final int exitCode = run(NO_ENV, "--user", "42");

        assertThat(exitCode).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("ROLLCALL_SECRET").contains("--secret-file");
    }

    @Test
    void shouldRejectAShortSecret()
    {
        assertThat(run(Map.of("ROLLCALL_SECRET", "too-short"), "--user", "42")).isEqualTo(2);
        assertThat(err.toString()).contains("too short");
    }

    @Test
    void shouldFindTheServersSecretThroughItsConfigurationFile() throws Exception
    {
        // serve configured by a file: its data directory (and so its secret) is where the file says
        final Path data = Files.createDirectories(dir.resolve("srv"));
        final String serverSecret = "the-server-s-own-secret-01234567";
        Files.writeString(data.resolve("secret"), serverSecret + "\n");
        final Path config = Files.writeString(dir.resolve("rollcall.conf"), "data = " + data + "\n");

        assertThat(run(NO_ENV, "--user", "42", "--config", config.toString())).isZero();
        assertThat(verify(serverSecret).isSuccess()).isTrue();

        out.getBuffer().setLength(0);
        assertThat(run(Map.of("ROLLCALL_CONFIG", config.toString()), "--user", "43")).isZero();
        assertThat(verify(serverSecret).identity().userId()).isEqualTo(43);

        out.getBuffer().setLength(0);
        assertThat(run(NO_ENV, "--user", "42", "--config", dir.resolve("missing.conf").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.conf");
    }

    @Test
    void shouldPreferTheSecretFile() throws Exception
    {
        final String fileSecret = "file-secret-for-the-command-0123";
        final Path file = Files.writeString(dir.resolve("secret"), fileSecret + "\n");

        assertThat(run(ENV, "--user", "42", "--secret-file", file.toString())).isZero();

        assertThat(verify(fileSecret).isSuccess()).isTrue();
        assertThat(verify(SECRET).isSuccess()).isFalse();
    }

    @Test
    void shouldFailOnAMissingSecretFile()
    {
        final Path missing = dir.resolve("missing");

        assertThat(run(ENV, "--user", "42", "--secret-file", missing.toString())).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains(missing.toString());
    }

    @Test
    void shouldPrintANewSecretUsableAsSecret()
    {
        assertThat(run(NO_ENV, "--new-secret")).isZero();

        final String secret = out.toString().strip();
        assertThat(secret).matches("[A-Za-z0-9_-]{43}");
        assertThat(err.toString()).isEmpty();

        out.getBuffer().setLength(0);
        assertThat(run(Map.of("ROLLCALL_SECRET", secret), "--user", "9")).isZero();
        assertThat(verify(secret).identity().userId()).isEqualTo(9);
    }

    @Test
    void shouldPrintHelp()
    {
        assertThat(run(NO_ENV, "--help")).isZero();

        assertThat(out.toString()).contains("--user", "--ttl", "--service", "--observer", "--secret-file", "--new-secret");
    }

    @Test
    void shouldRejectAnUnknownOption()
    {
        assertThat(run(ENV, "--user", "42", "--bogus")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldHaveAPublicNoArgConstructorForRegistration()
    {
        final CommandLine commandLine = new CommandLine(TokenCommand.class);

        assertThat(commandLine.getCommandName()).isEqualTo("token");
    }

    private int run(final Map<String, String> env, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new TokenCommand(env, () -> NOW));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private AuthOutcome verify(final String secret)
    {
        return new HmacTokenAuthenticator(secret.getBytes(StandardCharsets.UTF_8)).authenticate(out.toString().strip(), NOW);
    }
}
