package dev.rollcall.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest
{
    private static final String FILE_SECRET = "file-secret-0123456789";
    private static final String ENV_SECRET = "env-secret-0123456789";
    private static final Function<String, String> NO_ENV = name -> null;

    @TempDir
    Path dir;

    @Test
    void shouldPreferTheSecretFileOverTheEnvironment() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("secret"), FILE_SECRET);

        assertThat(Secrets.load(file, env(ENV_SECRET))).isEqualTo(bytes(FILE_SECRET));
    }

    @Test
    void shouldTrimTheSecretFile() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("secret"), "  " + FILE_SECRET + "\r\n\n");

        assertThat(Secrets.load(file, NO_ENV)).isEqualTo(bytes(FILE_SECRET));
    }

    @Test
    void shouldUseTheEnvironmentWithoutAFile()
    {
        assertThat(Secrets.load(null, env(ENV_SECRET + "\n"))).isEqualTo(bytes(ENV_SECRET));
    }

    @Test
    void shouldLookUpRollcallSecret()
    {
        final Map<String, String> environment = Map.of("ROLLCALL_SECRET", ENV_SECRET, "OTHER", "x".repeat(40));

        assertThat(Secrets.load(null, environment::get)).isEqualTo(bytes(ENV_SECRET));
    }

    @Test
    void shouldExplainHowToSetASecretWhenThereIsNone()
    {
        assertThatThrownBy(() -> Secrets.load(null, NO_ENV))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining("ROLLCALL_SECRET")
            .hasMessageContaining("--secret-file")
            .hasMessageContaining("--new-secret");
    }

    @Test
    void shouldNotFallBackToTheEnvironmentWhenTheFileIsMissing()
    {
        final Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> Secrets.load(missing, env(ENV_SECRET)))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining(missing.toString())
            .hasMessageContaining("no such file");
    }

    @Test
    void shouldRejectAShortSecretFile() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("secret"), "fifteen-bytes-x\n");

        assertThatThrownBy(() -> Secrets.load(file, env(ENV_SECRET)))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining("too short")
            .hasMessageContaining("16");
    }

    @Test
    void shouldRejectAnEmptySecretFile() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("secret"), " \n");

        assertThatThrownBy(() -> Secrets.load(file, NO_ENV))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining("empty");
    }

    @Test
    void shouldRejectAShortOrBlankEnvironmentSecret()
    {
        assertThatThrownBy(() -> Secrets.load(null, env("short")))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining("ROLLCALL_SECRET")
            .hasMessageContaining("too short");
        assertThatThrownBy(() -> Secrets.load(null, env("   ")))
            .isInstanceOf(SecretException.class)
            .hasMessageContaining("ROLLCALL_SECRET is empty");
    }

    @Test
    void shouldAcceptExactly16Bytes()
    {
        assertThat(Secrets.load(null, env("0123456789abcdef"))).hasSize(16);
    }

    @Test
    void shouldCountBytesNotCharacters()
    {
        final String eightEuros = "\u20ac".repeat(8);

        assertThat(Secrets.load(null, env(eightEuros))).hasSize(24);
        assertThatThrownBy(() -> Secrets.load(null, env("\u20ac".repeat(5)))).isInstanceOf(SecretException.class);
    }

    @Test
    void shouldGenerateRandomBase64UrlSecretsOf32Bytes()
    {
        final String first = Secrets.generate();
        final String second = Secrets.generate();

        assertThat(first).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(first)).hasSize(32);
        assertThat(second).isNotEqualTo(first);
        assertThat(Secrets.load(null, env(first))).isEqualTo(bytes(first));
    }

    private static Function<String, String> env(final String secret)
    {
        return name -> "ROLLCALL_SECRET".equals(name) ? secret : null;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
