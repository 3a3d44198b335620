package dev.rollcall.gateway.cli;

import com.lmax.disruptor.WaitStrategy;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.WireLimits;
import dev.rollcall.gateway.admin.AdminServer;
import dev.rollcall.gateway.admin.Readiness;
import dev.rollcall.gateway.admin.RollcallMetrics;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.SecretException;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.Durability;
import dev.rollcall.journal.JournalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code rollcall serve}: the server on embedded defaults — journal in {@code ./data}, the
 * gateway on 127.0.0.1:{@value GatewayContext#DEFAULT_PORT}. Recovers an existing journal.
 * The token secret comes from {@code --secret-file}, else {@code ROLLCALL_SECRET}, else
 * {@code <data>/secret} (created with a random secret on first start). SIGTERM or Ctrl-C
 * closes it gracefully (clients told to reconnect later, ring drained, final snapshot) and
 * the process exits 0.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Runs the Rollcall server: the core, its journal and the gateway.")
public final class ServeCommand implements Callable<Integer>
{
    static final String SECRET_FILE = "secret";

    private static volatile int exitStatus;

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
        description = "Journal directory (default: ${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    private String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + GatewayContext.DEFAULT_PORT,
        description = "TCP port (default: ${DEFAULT-VALUE}; 0 for any free port).")
    private int port;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "-1",
        description = "Admin HTTP port on the --bind address: /metrics (Prometheus), /health/live, /health/ready " +
            "(default: ${DEFAULT-VALUE}, off; 0 for any free port).")
    private int adminPort;

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

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
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
        final byte[] secret;
        try
        {
            Files.createDirectories(data);
            secret = loadOrCreateSecret(secretFile, data, System::getenv);
        }
        catch (final IOException | SecretException ex)
        {
            err.println("serve: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }

        if (adminPort < -1 || adminPort > 65535)
        {
            err.println("serve: bad --admin-port " + adminPort + ": use -1 (off), 0 (any free port) or 1-65535");
            return TokenCommand.EXIT_USAGE;
        }
        // the admin port opens before recovery, so an orchestrator sees "not ready" while the journal recovers
        final Readiness readiness = new Readiness();
        final RollcallMetrics metrics = new RollcallMetrics(readiness);
        final AdminServer admin;
        try
        {
            admin = adminPort < 0 ? null : AdminServer.start(new InetSocketAddress(bind, adminPort), readiness, metrics);
        }
        catch (final IOException ex)
        {
            err.println("serve: cannot open --admin-port " + adminPort + " on " + bind + ": " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        if (null != admin)
        {
            out.println("rollcall: admin on " + admin.address().getHostString() + ":" + admin.address().getPort() +
                " (/metrics, /health/live, /health/ready)");
            out.flush();
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
            .authenticator(new HmacTokenAuthenticator(secret));
        if (null != threads)
        {
            ctx.threads(threads);
        }
        final Gateway gateway;
        try
        {
            ctx.conclude();
            gateway = Gateway.launch(coreContext(graceMs, strategy, pipelineLayout).journal(ChronicleJournal.open(journal)), ctx);
        }
        catch (final IOException | RuntimeException ex)
        {
            err.println("serve: cannot start: " + ex.getMessage());
            if (null != admin)
            {
                admin.close();
            }
            return 1;
        }
        metrics.gateway(gateway, data.resolve("journal"));
        readiness.ready();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            readiness.stopping();
            gateway.close();
            stopped.countDown();
            out.println("rollcall: stopped");
            out.flush();
            Runtime.getRuntime().halt(exitStatus);
        }, "rollcall-shutdown"));
        out.println("rollcall: listening on " + gateway.address().getHostString() + ":" + gateway.port() +
            " (protocol v1, journal " + data.resolve("journal") + ", " +
            gateway.rollcall().listClientIds().length + " clients recovered)");
        if (null != gateway.webSocketAddress())
        {
            out.println("rollcall: WebSocket on ws://" + gateway.webSocketAddress().getHostString() + ":" +
                gateway.webSocketAddress().getPort() + webSocketPath + " (rollcall.json.v1, rollcall.binary.v1); " +
                "example page at http://" + gateway.webSocketAddress().getHostString() + ":" +
                gateway.webSocketAddress().getPort() + "/");
            out.println("rollcall: dashboard at http://" + gateway.webSocketAddress().getHostString() + ":" +
                gateway.webSocketAddress().getPort() + "/dashboard#token=TOKEN (TOKEN from ./rollcall token --observer)");
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        final PipelineLayout running = gateway.rollcall().context().layout();
        final String core = running == PipelineLayout.INVOKED ?
            "core invoked (on gateway thread 0, no stage thread)" :
            "core " + running.name().toLowerCase(Locale.ROOT) + " (" + running.stageThreads() +
            " stage thread" + (running.stageThreads() == 1 ? "" : "s") + ", wait " + waitStrategy + ")";
        out.println("rollcall: threads for " + cores + " cores: " + core + ", " + ctx.threads() + " gateway thread" +
            (ctx.threads() == 1 ? "" : "s") + ", 1 clock thread (parked until a countdown is due), 1 snapshot writer" +
            (null == admin ? "" : ", 1 admin thread (blocked in accept until a request)"));
        out.flush();
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
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

    /**
     * @param status the exit status the shutdown hook ends the process with.
     */
    static void exitStatus(final int status)
    {
        exitStatus = status;
    }
}
