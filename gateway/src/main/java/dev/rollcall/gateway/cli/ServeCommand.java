package dev.rollcall.gateway.cli;

import com.lmax.disruptor.WaitStrategy;
import dev.rollcall.core.CountersFileDescriptor;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.WaitStrategies;
import dev.rollcall.gateway.ClusterHost;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.admin.AdminServer;
import dev.rollcall.gateway.admin.Readiness;
import dev.rollcall.gateway.admin.RollcallMetrics;
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
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code rollcall serve}: the server on embedded defaults — data directory {@code ./data} (the
 * journal in {@code ./data/journal}), the gateway on 127.0.0.1:{@value GatewayContext#DEFAULT_PORT}.
 * Recovers an existing journal.
 * The token secret comes from {@code --secret-file}, else {@code ROLLCALL_SECRET}, else
 * {@code <data>/secret} (created with a random secret on first start). It holds
 * {@code <data>/rollcall.lock} ({@link DataDirectoryLock}) while it runs: a second server on the
 * same directory exits 2. SIGTERM or Ctrl-C closes it gracefully (clients told to reconnect later,
 * ring drained, final snapshot) and the process exits 0; a second one, or a drain longer than
 * {@code drain-timeout}, forces the exit with code 3 ({@link ShutdownSequence}). The log
 * ({@link LogSettings}) goes to stdout, one line per lifecycle step.
 * <p>
 * Its settings ({@link ServeSettings}) come from flags, the environment ({@code ROLLCALL_<KEY>})
 * and a configuration file ({@code --config} or {@code ROLLCALL_CONFIG}), in that precedence,
 * else their defaults ({@link ServeConfiguration}); a bad one, a port in use or an unwritable data
 * directory ({@link StartupChecks}) stops it before anything starts, with exit code 2.
 * {@code --print-config} prints them and exits.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    abbreviateSynopsis = true,
    description = "Runs the Rollcall server: the core, its journal and the gateway.",
    modelTransformer = ServeOptions.class)
public final class ServeCommand implements Callable<Integer>
{
    static final String SECRET_FILE = "secret";

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "PATH",
        description = "Configuration file of key = value lines (default: " + ServeConfiguration.CONFIG_ENV + ", else none).")
    private Path config;

    @Option(names = "--print-config",
        description = "Print every effective setting (secrets masked) and where it came from, then exit without starting.")
    private boolean printConfig;

    private final Map<String, String> environment;
    private ServeConfiguration configuration;

    // The settings, from the configuration (ServeSettings defines them; ServeOptions makes the flags).
    private Path data;
    private String bind;
    private int port;
    private int adminPort;
    private int webSocketPort;
    private String webSocketPath;
    private List<String> webSocketOrigins;
    private Integer threads;
    private long graceMs;
    private int maxAttributes;
    private int maxAttributeKeyBytes;
    private int maxAttributeValueBytes;
    private int maxReasonBytes;
    private long heartbeatMs;
    private int rateLimit;
    private long rateWindowMs;
    private int maxConnections;
    private int maxConnectionsPerAddress;
    private String waitStrategy;
    private String layout;
    private Path secretFile;
    private boolean sync;
    private String logLevel;
    private long drainTimeoutMs;
    private int clusterNode;
    private List<String> clusterMembers;
    private int clusterPortBase;
    private ClusterHost.Threading clusterThreads;

    /**
     * Creates the command reading the process environment.
     */
    public ServeCommand()
    {
        this(System.getenv());
    }

    /**
     * @param environment the environment the settings' variables come from.
     */
    ServeCommand(final Map<String, String> environment)
    {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Resolves the effective settings from the parsed flags, the environment, the configuration
     * file and the defaults, and takes them.
     *
     * @return the settings; also {@link #configuration()}.
     * @throws ConfigurationException naming the key, the value and what is allowed.
     */
    ServeConfiguration resolveConfiguration()
    {
        final ServeConfiguration resolved = ServeConfiguration.resolve(
            ServeOptions.given(spec.commandLine().getParseResult()), config, environment);
        data = resolved.path(ServeSettings.DATA);
        bind = resolved.string(ServeSettings.BIND);
        port = resolved.intValue(ServeSettings.PORT);
        webSocketPort = resolved.intValue(ServeSettings.WS_PORT);
        webSocketPath = resolved.string(ServeSettings.WS_PATH);
        webSocketOrigins = resolved.list(ServeSettings.WS_ORIGIN);
        threads = 0 == resolved.intValue(ServeSettings.THREADS) ? null : resolved.intValue(ServeSettings.THREADS);
        graceMs = resolved.durationMs(ServeSettings.GRACE);
        maxAttributes = resolved.intValue(ServeSettings.MAX_ATTRIBUTES);
        maxAttributeKeyBytes = resolved.intValue(ServeSettings.MAX_ATTRIBUTE_KEY_BYTES);
        maxAttributeValueBytes = resolved.intValue(ServeSettings.MAX_ATTRIBUTE_VALUE_BYTES);
        maxReasonBytes = resolved.intValue(ServeSettings.MAX_REASON_BYTES);
        heartbeatMs = resolved.durationMs(ServeSettings.HEARTBEAT);
        rateLimit = resolved.intValue(ServeSettings.RATE_LIMIT);
        rateWindowMs = resolved.durationMs(ServeSettings.RATE_WINDOW);
        maxConnections = resolved.intValue(ServeSettings.MAX_CONNECTIONS);
        maxConnectionsPerAddress = resolved.intValue(ServeSettings.MAX_CONNECTIONS_PER_ADDRESS);
        waitStrategy = resolved.string(ServeSettings.WAIT_STRATEGY);
        layout = "auto".equals(resolved.string(ServeSettings.LAYOUT)) ? null : resolved.string(ServeSettings.LAYOUT);
        secretFile = resolved.path(ServeSettings.SECRET_FILE);
        sync = resolved.booleanValue(ServeSettings.SYNC);
        logLevel = resolved.logLevel();
        adminPort = resolved.adminPort();
        drainTimeoutMs = resolved.drainTimeoutMs();
        clusterNode = resolved.intValue(ServeSettings.CLUSTER_NODE);
        clusterMembers = resolved.list(ServeSettings.CLUSTER_MEMBERS);
        clusterPortBase = resolved.intValue(ServeSettings.CLUSTER_PORT_BASE);
        clusterThreads = ClusterHost.Threading.valueOf(
            resolved.string(ServeSettings.CLUSTER_THREADS).toUpperCase(Locale.ROOT));
        if (clusterNode > clusterMembers.size())
        {
            throw new ConfigurationException("cluster-node " + clusterNode + " is not one of the " +
                clusterMembers.size() + " cluster-members " + clusterMembers + " (node N is the N-th)");
        }
        if (clusterNode > 0 && null != layout && !"invoked".equals(layout))
        {
            throw new ConfigurationException("layout " + layout + " cannot run a cluster node: its core runs on the " +
                "thread that applies the cluster's log (layout invoked)");
        }
        configuration = resolved;
        return resolved;
    }

    /**
     * @return the effective settings once {@link #call()} (or {@link #resolveConfiguration()})
     * resolved them, else null: {@code adminPort()}, {@code logLevel()}, {@code drainTimeoutMs()},
     * or any setting by {@link ServeSettings}' constants.
     */
    ServeConfiguration configuration()
    {
        return configuration;
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try
        {
            resolveConfiguration();
            if (printConfig)
            {
                configuration.print(out);
                return 0;
            }
        }
        catch (final ConfigurationException ex)
        {
            err.println("serve: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        // validated by the configuration: the names are known; a null layout ("auto"): the gateway picks the
        // server's layout for this machine (PipelineLayout.forServer)
        final WaitStrategy strategy = WaitStrategies.byName(waitStrategy);
        final PipelineLayout pipelineLayout = null == layout ? null : PipelineLayout.valueOf(layout.toUpperCase(Locale.ROOT));
        LogSettings.server(logLevel); // before the first logger: slf4j-simple reads its settings once
        final Logger log = LoggerFactory.getLogger("rollcall");
        // the lock first: a second server on a data directory in use is refused for that (not for its
        // ports, which the first one holds too), before it touches anything in the directory
        final DataDirectoryLock lock;
        try
        {
            Files.createDirectories(data);
            lock = DataDirectoryLock.acquire(data);
        }
        catch (final DataDirectoryLockedException ex)
        {
            err.println("serve: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        catch (final IOException ex)
        {
            try
            {
                StartupChecks.dataDirectory(configuration); // says it as a setting's refusal
            }
            catch (final ConfigurationException refusal)
            {
                err.println("serve: " + refusal.getMessage());
                return TokenCommand.EXIT_USAGE;
            }
            err.println("serve: " + ex.getMessage());
            return TokenCommand.EXIT_USAGE;
        }
        try
        {
            StartupChecks.check(configuration);
        }
        catch (final ConfigurationException ex)
        {
            err.println("serve: " + ex.getMessage());
            closeQuietly(lock);
            return TokenCommand.EXIT_USAGE;
        }
        log.info("starting (pid {}): data directory {}", ProcessHandle.current().pid(), data.toAbsolutePath());
        final byte[] secret;
        try
        {
            secret = loadOrCreateSecret(secretFile, data, name -> Secrets.ENV_VAR.equals(name) ?
                configuration.string(ServeSettings.SECRET) : null);
        }
        catch (final IOException | SecretException ex)
        {
            err.println("serve: " + ex.getMessage());
            closeQuietly(lock);
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
            err.println("serve: cannot open admin-port " + adminPort + " on " + bind + ": " + ex.getMessage());
            closeQuietly(lock);
            return TokenCommand.EXIT_USAGE;
        }
        if (null != admin)
        {
            log.info("admin on " + admin.address().getHostString() + ":" + admin.address().getPort() +
                " (/metrics, /health/live, /health/ready)");
        }

        final JournalSettings journal = new JournalSettings(data.resolve("journal"));
        if (sync)
        {
            journal.durability(Durability.SYNC_BATCH);
        }
        final GatewayContext ctx;
        try
        {
            ctx = gatewayContext(secret);
        }
        catch (final RuntimeException ex)
        {
            err.println("serve: cannot start: " + ex.getMessage());
            if (null != admin)
            {
                admin.close();
            }
            closeQuietly(lock);
            return 1;
        }
        final Gateway gateway;
        ChronicleJournal opened = null;
        ClusterHost cluster = null;
        final AtomicReference<Runnable> sessionLost = new AtomicReference<>(() -> System.exit(ShutdownSequence.EXIT_FAILED));
        try
        {
            ctx.conclude();
            final RollcallContext coreCtx = coreContext(graceMs, strategy, pipelineLayout)
                .errorHandler(new LoggingErrorHandler(LoggerFactory.getLogger("rollcall.core"), "core"))
                .countersFile(data.resolve(CountersFileDescriptor.FILE_NAME));
            if (clusterNode > 0)
            {
                // the cluster's log is the journal; the core runs on the thread that applies it
                log.info("joining the cluster as node {} of {}", clusterNode, clusterMembers);
                cluster = ClusterHost.open(clusterNode, clusterMembers, clusterPortBase, clusterThreads, sync, data,
                    new LoggingErrorHandler(LoggerFactory.getLogger("rollcall.cluster"), "cluster"));
                // from now on: the role, the leader and the results owed matter most while the node catches up
                metrics.cluster(cluster);
                // before the node joins: a session lost at any time from then on stops the server
                cluster.onSessionLost(() -> sessionLost.get().run());
                gateway = Gateway.launch(coreCtx.layout(PipelineLayout.INVOKED), ctx, cluster::launchCore);
                try
                {
                    cluster.start(gateway);
                }
                catch (final RuntimeException ex)
                {
                    cluster.leave();
                    gateway.close();
                    throw ex;
                }
            }
            else
            {
                opened = ChronicleJournal.open(journal);
                gateway = Gateway.launch(coreCtx.journal(opened), ctx);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            err.println("serve: cannot start: " + ex.getMessage());
            closeQuietly(opened);
            if (null != cluster)
            {
                cluster.close();
            }
            if (null != admin)
            {
                admin.close();
            }
            closeQuietly(lock);
            return 1;
        }
        metrics.gateway(gateway, null == cluster ? data.resolve("journal") : data.resolve("archive"));
        final ShutdownSequence shutdown = new ShutdownSequence(drainTimeoutMs, log)
            .progress(new DrainProgress(gateway))
            .step("no longer ready (/health/ready answers 503)", readiness::stopping);
        if (null != cluster)
        {
            final ClusterHost host = cluster;
            shutdown.step("leaving the cluster (this node's session closes: every node loses its connections, whose " +
                "clients reconnect to another node within grace)", host::leave)
                .step("closing the gateway (clients told SERVER_SHUTTING_DOWN)", gateway::close)
                .step("closing the media driver and the archive", host::close);
            // on a thread of its own: the drain stops the cluster client's thread, which must not wait for itself
            sessionLost.set(() -> new Thread(() -> shutdown.onFailure("the cluster closed this node's session"),
                "rollcall-session-lost").start());
        }
        else
        {
            shutdown.step("closing the gateway (clients told SERVER_SHUTTING_DOWN, ring drained, final snapshot, " +
                "journal closed)", gateway::close);
        }
        if (null != admin)
        {
            shutdown.step("closing the admin port", admin::close);
        }
        shutdown.step("releasing the data-directory lock " + lock.file(), lock::close);
        StopSignals.install(shutdown::onStop);
        readiness.ready(); // only once a stop would drain
        log.info("listening on " + gateway.address().getHostString() + ":" + gateway.port() +
            " (protocol v1, " + (null == cluster ? "journal " + data.resolve("journal") : cluster.describe()) + ", " +
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
        final String core = null != cluster ?
            "core on the cluster's service thread (it applies the log), " + cluster.describeThreads() :
            running == PipelineLayout.INVOKED ?
            "core invoked (on gateway thread 0, no stage thread)" :
            "core " + running.name().toLowerCase(Locale.ROOT) + " (" + running.stageThreads() +
            " stage thread" + (running.stageThreads() == 1 ? "" : "s") + ", wait " + waitStrategy + ")";
        log.info("threads for " + cores + " cores: " + core + ", " + ctx.threads() + " gateway thread" +
            (ctx.threads() == 1 ? "" : "s") + ", 1 clock thread (parked until a countdown is due)" +
            (null == cluster ? ", 1 snapshot writer" : "") +
            (null == admin ? "" : ", 1 admin thread (blocked in accept until a request)"));
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

    /**
     * The gateway's settings from the configuration.
     *
     * @param secret the token secret.
     * @return a new context, not concluded.
     */
    private GatewayContext gatewayContext(final byte[] secret)
    {
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
        return ctx;
    }

    private static void closeQuietly(final ChronicleJournal journal)
    {
        if (null == journal)
        {
            return;
        }
        try
        {
            journal.close();
        }
        catch (final RuntimeException ignore)
        {
            // failing to start anyway
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
