package dev.rollcall.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.Function;

/**
 * Finds the token secret shared by the server and {@code rollcall token}: the contents of a
 * secret file if one is given, else the {@value #ENV_VAR} environment variable. The secret is
 * the UTF-8 bytes of the text with leading and trailing whitespace removed; it must be at least
 * {@value #MIN_SECRET_BYTES} bytes. Use {@link #generate()} to make a good one.
 */
public final class Secrets
{
    /**
     * The environment variable holding the secret when no secret file is given.
     */
    public static final String ENV_VAR = "ROLLCALL_SECRET";

    /**
     * The minimum secret length in bytes.
     */
    public static final int MIN_SECRET_BYTES = 16;

    private static final int GENERATED_SECRET_BYTES = 32;
    private static final String HOW_TO =
        "set " + ENV_VAR + " or pass --secret-file PATH (a secret of at least " + MIN_SECRET_BYTES +
        " bytes; generate one with `rollcall token --new-secret`)";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets()
    {
    }

    /**
     * Loads the secret from {@code secretFile} if not null (the environment is then not
     * consulted), else from the {@value #ENV_VAR} environment variable.
     *
     * @param secretFile a file holding the secret, or null.
     * @param env        looks up an environment variable, returning null if unset (e.g.
     *                   {@code System::getenv}).
     * @return the secret bytes, at least {@value #MIN_SECRET_BYTES} long.
     * @throws SecretException if there is no secret, it cannot be read, or it is too short.
     */
    public static byte[] load(final Path secretFile, final Function<String, String> env)
    {
        Objects.requireNonNull(env, "env");
        if (secretFile != null)
        {
            final String text;
            try
            {
                text = Files.readString(secretFile, StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new SecretException("cannot read secret file " + secretFile + ": " + describe(ex), ex);
            }
            return validated(text, "secret file " + secretFile);
        }
        final String value = env.apply(ENV_VAR);
        if (value == null)
        {
            throw new SecretException("no token secret: " + HOW_TO);
        }
        return validated(value, ENV_VAR);
    }

    /**
     * Loads the secret as {@link #load(Path, Function)} does, from the process environment.
     *
     * @param secretFile a file holding the secret, or null.
     * @return the secret bytes, at least {@value #MIN_SECRET_BYTES} long.
     * @throws SecretException if there is no secret, it cannot be read, or it is too short.
     */
    public static byte[] load(final Path secretFile)
    {
        return load(secretFile, System::getenv);
    }

    /**
     * Generates a new random secret: 32 bytes from
     * {@link SecureRandom}, as unpadded base64url text (43 characters), ready to be stored in a
     * secret file or in {@value #ENV_VAR}.
     *
     * @return the secret text.
     */
    public static String generate()
    {
        final byte[] bytes = new byte[GENERATED_SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64Url.encode(bytes);
    }

    private static String describe(final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file";
        }
        if (ex instanceof AccessDeniedException)
        {
            return "access denied";
        }
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    private static byte[] validated(final String text, final String source)
    {
        final byte[] secret = text.strip().getBytes(StandardCharsets.UTF_8);
        if (secret.length == 0)
        {
            throw new SecretException(source + " is empty: " + HOW_TO);
        }
        if (secret.length < MIN_SECRET_BYTES)
        {
            throw new SecretException(
                source + " is too short (" + secret.length + " bytes, at least " + MIN_SECRET_BYTES +
                " needed): " + HOW_TO);
        }
        return secret;
    }
}
