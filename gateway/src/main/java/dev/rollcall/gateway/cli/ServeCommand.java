package dev.rollcall.gateway.cli;

import com.lmax.disruptor.WaitStrategy;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.WireLimits;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.SecretException;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.DataDirectoryLock;
import dev.rollcall.journal.DataDirectoryLockedException;
import dev.rollcall.journal.Durability;
import dev.rollcall.journal.JournalSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rollcall serve}: the server on embedded defaults — data directory {@code ./data} (the
 * journal in {@code ./data/journal}), the gateway on 127.0.0.1:{@value GatewayContext#DEFAULT_PORT}.
 * Recovers an existing journal.
 * The token secret comes from {@code --secret-file}, else {@code ROLLCALL_SECRET}, else
 * {@code <data>/secret} (created with a random secret on first start). It holds
 * {@code <data>/rollcall.lock} ({@link DataDirectoryLock}) while it runs: a second server on the
 * same directory exits 2. SIGTERM or Ctrl-C closes it gracefully (clients told to reconnect later,
 * ring drained, final snapshot) and the process exits 0; a second one, or a drain longer than
 * {@code --drain-timeout}, forces the exit with code 3 ({@link ShutdownSequence}). The log
 * ({@link LogSettings}) goes to stdout, one line per lifecycle step.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Runs the Rollcall server: the core, its journal and the gateway.")
public final class ServeCommand implements Callable<Integer>
{
    static final String SECRET_FILE = "secret";

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
        description = "Data directory: the journal in DIR/journal, the secret, the lock DIR/rollcall.lock " +
            "(default: ${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    private String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + GatewayContext.DEFAULT_PORT,
        description = "TCP port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    private int port;

    @Option(names = "--ws-port", paramLabel = "PORT", defaultValue = "" + GatewayContext.DEFAULT_WEBSOCKET_PORT,
        description = "WebSocket port for browsers (subprotocols rollcall.json.v1 and rollcall.binary.v1; " +
            "default: ${DEFAULT-VALUE}; 0 for any free port, -1 for none).")
    private int webSocketPort;

    @Option(names = "--ws-path", paramLabel = "PATH", defaultValue = GatewayContext.DEFAULT_WEBSOCKET_PATH,
        description = "Path WebSocket clients connect to (default: ${DEFAULT-VALUE}).")
    private String webSocketPath;

    @Option(names = "--ws-origin", paramLabel = "ORIGIN",
        description = "An Origin browsers may connect from, e.g. https://game.example (repeat for several; default: any).")
    private List<String> webSocketOrigins = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
        description = "Gateway selector threads (default: the cores the core's stages leave, at least 1; 1 on 2 cores).")
    private Integer threads;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "300s",
        description = "Grace period after a user's last connection drops (default: ${DEFAULT-VALUE}).")
    private String grace;

    @Option(names = "--max-attributes", paramLabel = "N",
        description = "Attributes a client may hold (default: ${DEFAULT-VALUE}; at most 255, the wire's count).")
    private int maxAttributes = Limits.DEFAULT.maxAttributes();

    @Option(names = "--max-attribute-key-bytes", paramLabel = "N",
        description = "UTF-8 bytes in an attribute key (default: ${DEFAULT-VALUE}).")
    private int maxAttributeKeyBytes = Limits.DEFAULT.maxAttributeKeyBytes();

    @Option(names = "--max-attribute-value-bytes", paramLabel = "N",
        description = "UTF-8 bytes in a string attribute value (default: ${DEFAULT-VALUE}).")
    private int maxAttributeValueBytes = Limits.DEFAULT.maxAttributeValueBytes();

    @Option(names = "--max-reason-bytes", paramLabel = "N",
        description = "UTF-8 bytes in an update's reason (default: ${DEFAULT-VALUE}). The four update limits are " +
            "journaled at start-up and apply to updates from then on, never to stored values.")
    private int maxReasonBytes = Limits.DEFAULT.maxReasonBytes();

    @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "30s",
        description = "Heartbeat interval told to clients (default: ${DEFAULT-VALUE}).")
    private String heartbeat;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "120",
        description = "Frames a connection may send per rate window (default: ${DEFAULT-VALUE}).")
    private int rateLimit;

    @Option(names = "--rate-window", paramLabel = "DURATION", defaultValue = "60s",
        description = "The rate limit's window (default: ${DEFAULT-VALUE}).")
    private String rateWindow;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "100000",
        description = "Connections the server holds at most (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "30000",
        description = "Connections one source address may hold (default: ${DEFAULT-VALUE}).")
    private int maxConnectionsPerAddress;

    @Option(names = "--wait-strategy", paramLabel = "NAME", defaultValue = "parking",
        description = "How the core's stage threads wait: " + WaitStrategies.NAMES + " (default: ${DEFAULT-VALUE}; " +
            "docs/BENCHMARKS.md compares them).")
    private String waitStrategy;

    @Option(names = "--layout", paramLabel = "LAYOUT",
        description = "The core's stage threads: invoked (no stage thread: gateway thread 0 journals, applies and " +
            "fans out in its duty cycle), serial (journal, logic and fan-out on one thread) or parallel (journal || " +
            "logic, then fan-out: three threads) (default: invoked up to 2 cores, serial below 8, else parallel).")
    private String layout;

    @Option(names = "--secret-file", paramLabel = "PATH", description = "File holding the token secret.")
    private Path secretFile;

    @Option(names = "--sync", description = "Sync the journal to disk after every batch (slower; survives power loss).")
    private boolean sync;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
        description = "Log level: " + LogSettings.LEVEL_NAMES + " (default: ${DEFAULT-VALUE}; Chronicle's own logs stay " +
            "at warn). The log goes to stdout.")
    private String logLevel;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s",
        description = "How long SIGTERM may take to close connections, drain and take the final snapshot before the " +
            "exit is forced with code 3, as a second SIGTERM forces it (default: ${DEFAULT-VALUE}).")
    private String drainTimeout;

    @Override
    public Integer call()
    {
        final PrintWriter err = spec.commandLine().getErr();
        try
        {
            LogSettings.server(logLevel); // before the first logger: slf4j-simple reads its settings once
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("serve: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        final long drainTimeoutMs = TokenCommand.parseTtlMs(drainTimeout);
        if (drainTimeoutMs <= 0)
        {
            err.println("serve: bad --drain-timeout '" + drainTimeout + "': use a positive duration (e.g. 30s, 2m)");
            return TokenCommand.EXIT_USAGE;
        }
        final long graceMs = TokenCommand.parseTtlMs(grace);
        final long heartbeatMs = TokenCommand.parseTtlMs(heartbeat);
        final long rateWindowMs = TokenCommand.parseTtlMs(rateWindow);
        if (graceMs <= 0 || heartbeatMs <= 0 || heartbeatMs > Integer.MAX_VALUE || rateWindowMs <= 0 ||
            rateWindowMs > Integer.MAX_VALUE)
        {
            err.println("serve: bad --grace, --heartbeat or --rate-window: use a positive number with s, m, h or d (e.g. 30s, 5m)");
            return TokenCommand.EXIT_USAGE;
        }
        if (maxAttributes < 0 || maxAttributeKeyBytes < 0 || maxAttributeValueBytes < 0 || maxReasonBytes < 0)
        {
            err.println("serve: bad --max-attributes, --max-attribute-key-bytes, --max-attribute-value-bytes or " +
                "--max-reason-bytes: use a number >= 0");
            return TokenCommand.EXIT_USAGE;
        }
        final String beyondTheWire = WireLimits.problem(limits());
        if (null != beyondTheWire)
        {
            err.println("serve: the --max-* update limits exceed what the protocol can carry: " + beyondTheWire);
            return TokenCommand.EXIT_USAGE;
        }
        final WaitStrategy strategy;
        final PipelineLayout pipelineLayout;
        try
        {
            strategy = WaitStrategies.byName(waitStrategy);
            // null: the gateway picks the server's layout for this machine (PipelineLayout.forServer)
            pipelineLayout = null == layout ? null : PipelineLayout.valueOf(layout.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("serve: " + (ex.getMessage().startsWith("unknown wait strategy") ? "bad --wait-strategy: " +
                ex.getMessage() : "bad --layout '" + layout + "': use invoked, serial or parallel"));
            return TokenCommand.EXIT_USAGE;
        }
        final Logger log = LoggerFactory.getLogger("rollcall");
        final DataDirectoryLock lock;
        try
        {
            Files.createDirectories(data);
            log.info("starting (pid {}): data directory {}", ProcessHandle.current().pid(), data.toAbsolutePath());
            lock = DataDirectoryLock.acquire(data); // before anything in the directory is touched
        }
        catch (final IOException | DataDirectoryLockedException ex)
        {
            err.println("serve: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        final byte[] secret;
        try
        {
            secret = loadOrCreateSecret(secretFile, data, System::getenv);
        }
        catch (final IOException | SecretException ex)
        {
            err.println("serve: " + ex.getMessage());
            closeQuietly(lock);
            return TokenCommand.EXIT_USAGE;
        }

        final JournalSettings journal = new JournalSettings(data.resolve("journal"));
        if (sync)
        {
            journal.durability(Durability.SYNC_BATCH);
        }
        final GatewayContext ctx = new GatewayContext()
            .bindAddress(bind)
            .port(port)
            .webSocketPort(webSocketPort)
            .webSocketPath(webSocketPath)
            .webSocketOrigins(new HashSet<>(webSocketOrigins))
            .heartbeatIntervalMs((int)heartbeatMs)
            .rateLimitCommands(rateLimit)
            .rateLimitWindowMs((int)rateWindowMs)
            .maxConnections(maxConnections)
            .maxConnectionsPerAddress(maxConnectionsPerAddress)
            .authenticator(new HmacTokenAuthenticator(secret))
            .errorHandler(new LoggingErrorHandler(LoggerFactory.getLogger("rollcall.gateway"), "gateway"));
        if (null != threads)
        {
            ctx.threads(threads);
        }
        final Gateway gateway;
        try
        {
            ctx.conclude();
            gateway = Gateway.launch(coreContext(graceMs, strategy, pipelineLayout)
                .errorHandler(new LoggingErrorHandler(LoggerFactory.getLogger("rollcall.core"), "core"))
                .journal(ChronicleJournal.open(journal)), ctx);
        }
        catch (final IOException | RuntimeException ex)
        {
            err.println("serve: cannot start: " + ex.getMessage());
            closeQuietly(lock);
            return 1;
        }
        final ShutdownSequence shutdown = new ShutdownSequence(drainTimeoutMs, log)
            .progress(new DrainProgress(gateway))
            .step("closing the gateway (clients told SERVER_SHUTTING_DOWN, ring drained, final snapshot, journal closed)",
                gateway::close)
            .step("releasing the data-directory lock " + lock.file(), lock::close);
        StopSignals.install(shutdown::onStop);
        log.info("listening on " + gateway.address().getHostString() + ":" + gateway.port() +
            " (protocol v1, journal " + data.resolve("journal") + ", " +
            gateway.rollcall().listClientIds().length + " clients recovered)");
        if (null != gateway.webSocketAddress())
        {
            log.info("WebSocket on ws://" + gateway.webSocketAddress().getHostString() + ":" +
                gateway.webSocketAddress().getPort() + webSocketPath + " (rollcall.json.v1, rollcall.binary.v1); " +
                "example page at http://" + gateway.webSocketAddress().getHostString() + ":" +
                gateway.webSocketAddress().getPort() + "/");
            log.info("dashboard at http://" + gateway.webSocketAddress().getHostString() + ":" +
                gateway.webSocketAddress().getPort() + "/dashboard#token=TOKEN (TOKEN from ./rollcall token --observer)");
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        final PipelineLayout running = gateway.rollcall().context().layout();
        final String core = running == PipelineLayout.INVOKED ?
            "core invoked (on gateway thread 0, no stage thread)" :
            "core " + running.name().toLowerCase(Locale.ROOT) + " (" + running.stageThreads() +
            " stage thread" + (running.stageThreads() == 1 ? "" : "s") + ", wait " + waitStrategy + ")";
        log.info("threads for " + cores + " cores: " + core + ", " + ctx.threads() + " gateway thread" +
            (ctx.threads() == 1 ? "" : "s") + ", 1 clock thread (parked until a countdown is due), 1 snapshot writer");
        try
        {
            return shutdown.awaitStopAndDrain();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return ShutdownSequence.EXIT_STEP_FAILED;
        }
    }

    private static void closeQuietly(final DataDirectoryLock lock)
    {
        try
        {
            lock.close();
        }
        catch (final IOException ignore)
        {
            // the process is about to exit, which releases the lock anyway
        }
    }

    /**
     * The core's settings from the flags; the caller adds the journal.
     *
     * @param graceMs        the parsed {@code --grace}.
     * @param strategy       the parsed {@code --wait-strategy}.
     * @param pipelineLayout the parsed {@code --layout}, null for the gateway's choice.
     * @return a new context.
     */
    RollcallContext coreContext(final long graceMs, final WaitStrategy strategy, final PipelineLayout pipelineLayout)
    {
        return new RollcallContext().gracePeriodMs(graceMs).waitStrategy(strategy).layout(pipelineLayout).limits(limits());
    }

    private Limits limits()
    {
        return new Limits(maxAttributes, maxAttributeKeyBytes, maxAttributeValueBytes, maxReasonBytes);
    }

    /**
     * The secret: the given file, else {@code ROLLCALL_SECRET}, else {@code <data>/secret},
     * written with a new random secret (owner-only permissions where supported) if absent.
     */
    static byte[] loadOrCreateSecret(final Path secretFile, final Path data, final java.util.function.Function<String, String> env)
        throws IOException
    {
        if (null != secretFile || null != env.apply(Secrets.ENV_VAR))
        {
            return Secrets.load(secretFile, env);
        }
        final Path file = data.resolve(SECRET_FILE);
        if (!Files.exists(file))
        {
            final Path temporary = data.resolve(SECRET_FILE + ".tmp");
            Files.writeString(temporary, Secrets.generate() + "\n");
            try
            {
                Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            catch (final UnsupportedOperationException ignore)
            {
                // not a POSIX file system
            }
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Secrets.load(file, env);
    }
}
