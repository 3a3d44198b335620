package dev.rollcall.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.SecretException;
import dev.rollcall.gateway.auth.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rollcall token}: mints an HMAC token for a user (or a service, or an observer) with the
 * server's secret ({@code --secret-file}, else {@code ROLLCALL_SECRET}, else the {@code data/secret}
 * that {@code serve} created), or generates a new secret.
 * <pre>
 *   rollcall token --user ID [--ttl 24h] [--service] [--secret-file PATH]
 *   rollcall token --observer [--user ID] [--ttl 24h] [--secret-file PATH]
 *   rollcall token --new-secret
 * </pre>
 * An observer token still names a user id, since sessions are keyed by user id; it creates no
 * client, so any id will do: {@value #OBSERVER_USER_ID} unless {@code --user} gives one.
 * Prints one line on stdout and exits 0; on an error prints a message on stderr and exits 2.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
        "Mints a signed token for a user, a service or an observer.",
        "The secret: --secret-file, else ROLLCALL_SECRET, else DIR/secret (the one serve created).",
        "With --new-secret, prints a freshly generated secret instead." })
public final class TokenCommand implements Callable<Integer>
{
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;

    /** The user id of an observer token minted without {@code --user}. */
    static final long OBSERVER_USER_ID = 1;

    private final Map<String, String> environment;
    private final Function<String, String> env;
    private final LongSupplier clock;

    @Spec
    private CommandSpec spec;

    @Option(names = "--user", paramLabel = "ID",
        description = "The user id (> 0) the token names (with --observer: optional, default " + OBSERVER_USER_ID + ").")
    private String user;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        defaultValue = "24h",
        description = "How long the token is valid, more than 0: " + Durations.SYNTAX + " (default: ${DEFAULT-VALUE}).")
    private String ttl;

    @Option(names = "--service", description = "Mint a service token (may open firehose shards).")
    private boolean service;

    @Option(names = "--observer",
        description = "Mint an observer token (sees every client and the server's counters, changes nothing: the dashboard's).")
    private boolean observer;

    @Option(names = "--secret-file", paramLabel = "PATH", description = "Read the secret from this file instead of ROLLCALL_SECRET.")
    private Path secretFile;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Without --secret-file or ROLLCALL_SECRET: use the secret `serve` keeps in DIR/secret (default: the " +
            "server's data setting: ROLLCALL_DATA, else --config's file, else data).")
    private Path data;

    @Option(names = "--config", paramLabel = "PATH",
        description = "The server's configuration file, for its data, secret-file and secret settings (default: " +
            "ROLLCALL_CONFIG, else none).")
    private Path config;

    @Option(names = "--new-secret", description = "Print a newly generated random secret and exit.")
    private boolean newSecret;

    /**
     * Creates the command using the process environment and the system clock.
     */
    public TokenCommand()
    {
        this(System.getenv(), System::currentTimeMillis);
    }

    TokenCommand(final Map<String, String> environment, final LongSupplier clock)
    {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.env = this.environment::get;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs the command.
     *
     * @return {@code 0} on success, {@code 2} on a usage or configuration error.
     */
    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try
        {
            return run(out, err);
        }
        finally
        {
            out.flush();
            err.flush();
        }
    }

    private int run(final PrintWriter out, final PrintWriter err)
    {
        if (newSecret)
        {
            out.println(Secrets.generate());
            return EXIT_OK;
        }
        if (service && observer)
        {
            return fail(err, "--service and --observer cannot go together: a token has one role");
        }
        if (user == null && !observer)
        {
            return fail(err, "missing --user ID (a user id > 0)");
        }
        final long userId = user == null ? OBSERVER_USER_ID : parseUserId(user);
        if (userId <= 0)
        {
            return fail(err, "bad --user '" + user + "': expected a user id > 0");
        }
        final long ttlMs;
        try
        {
            ttlMs = Durations.parseMs(ttl);
        }
        catch (final IllegalArgumentException ex)
        {
            return fail(err, "bad --ttl '" + ttl + "': " + ex.getMessage());
        }
        if (0 == ttlMs)
        {
            return fail(err, "bad --ttl '" + ttl + "': a token valid for 0 is never valid; use a duration more than 0");
        }
        final long now = clock.getAsLong();
        if (ttlMs > Long.MAX_VALUE - now)
        {
            return fail(err, "bad --ttl '" + ttl + "': too long");
        }

        final byte[] secret;
        try
        {
            // the server's settings, as serve resolves them: a secret from the environment or its file
            final ServeConfiguration server = ServerSettings.of(config, environment);
            final Path dataDirectory = null != data ? data : server.path(ServeSettings.DATA);
            final Path file = null != secretFile ? secretFile : server.path(ServeSettings.SECRET_FILE);
            final Function<String, String> secretSource = name -> Secrets.ENV_VAR.equals(name) ?
                server.string(ServeSettings.SECRET) : env.apply(name);
            final Path serverSecret = dataDirectory.resolve(ServeCommand.SECRET_FILE);
            secret = null == file && null == secretSource.apply(Secrets.ENV_VAR) && java.nio.file.Files.isRegularFile(serverSecret) ?
                Secrets.load(serverSecret, secretSource) : Secrets.load(file, secretSource);
        }
        catch (final SecretException | ConfigurationException ex)
        {
            return fail(err, ex.getMessage());
        }
        final Role role = observer ? Role.OBSERVER : service ? Role.SERVICE : Role.USER;
        final String token = new HmacTokens(secret).mint(userId, role, now + ttlMs);
        out.println(token);
        return EXIT_OK;
    }

    private int fail(final PrintWriter err, final String message)
    {
        err.println("rollcall token: " + message);
        return EXIT_USAGE;
    }

    /**
     * @return the user id, or {@code 0} if the text is not a decimal {@code long}.
     */
    static long parseUserId(final String text)
    {
        try
        {
            return Long.parseLong(text.strip());
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }
}
