package dev.rollcall.bench.loadgen;

import dev.rollcall.gateway.auth.SecretException;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.gateway.cli.Durations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code rollcall loadgen}: drives a running Rollcall server (or, with {@code --target redis}, a Redis
 * server, through the same connections, threads, windows and pacing) on this machine over the binary
 * protocol on TCP, or ({@code --transport ws-binary|ws-json}) over WebSocket with binary or JSON messages,
 * with many connections (NIO, a few selector threads), measures identify, update →
 * RESULT and update → delivery latencies, prints a summary and writes reports ({@code .hgrm}
 * files, an SVG percentile plot, {@code summary.json}) into {@code --out}. It stops by itself:
 * connect phase (bounded), warmup, measured duration (at most 10 minutes), a short drain, then
 * every connection is closed.
 * <pre>
 *   rollcall loadgen --connections 10000 --duration 30s [--update-rate 50000] [--server-pid PID]
 * </pre>
 * Exit status: 0 for a clean run, 1 when connections failed or were lost, the server refused
 * something, or the run could not be completed, 2 for a usage or configuration error.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    version = "rollcall loadgen 0.1.0",
    description = {
        "Drives a running Rollcall server on this machine (loopback only) with many connections and reports " +
        "throughput and latency percentiles.",
        "Users are --first-user-id .. +N-1; tokens are minted with the server's secret.",
        "--transport ws-binary or ws-json runs the same workload over WebSocket (--ws-port, path /rollcall), so the " +
        "three transports compare; the reports name the transport they measured.",
        "With --target redis it drives a Redis server instead, with the same connections, threads, windows, " +
        "pacing, phases and watcher share: each update is one command (--redis-workload), each watcher a " +
        "connection of its own SUBSCRIBEd to presence:<user> for the users it would watch (its --watch-users and " +
        "every user of its --watch-lobbies). No secret is needed." },
    footer = {"", "DURATION: " + Durations.SYNTAX + "."})
public final class LoadgenCommand implements Callable<Integer>
{
    static final int EXIT_OK = 0;
    static final int EXIT_UNCLEAN = 1;
    static final int EXIT_USAGE = 2;
    /** System property naming the project root, under which the default {@code --out} lies (the launcher sets it). */
    static final String ROOT_PROPERTY = "rollcall.root";

    private final Function<String, String> env;

    @Spec
    private CommandSpec spec;

    @Option(names = "--target", paramLabel = "SERVER", defaultValue = "rollcall",
        description = "The server driven: rollcall (the binary protocol) or redis (RESP2) (default: ${DEFAULT-VALUE}).")
    private String target;

    @Option(names = "--redis-workload", paramLabel = "WORKLOAD", defaultValue = "presence",
        description = "With --target redis, what one update is: presence = EVALSHA of a script doing " +
            "SET presence:<user> <value> EX 30 + PUBLISH presence:<user> <value> (loaded with SCRIPT LOAD), " +
            "watchers SUBSCRIBEd; set = a plain SET presence:<user> <value>, no watchers (default: ${DEFAULT-VALUE}).")
    private String redisWorkload;

    @Option(names = "--transport", paramLabel = "TRANSPORT", defaultValue = "tcp",
        description = "How Rollcall is spoken to: tcp (the binary protocol on --port), ws-binary (its frames in " +
            "binary WebSocket messages, subprotocol rollcall.binary.v1, on --ws-port) or ws-json (one JSON text " +
            "message per frame, rollcall.json.v1, on --ws-port) (default: ${DEFAULT-VALUE}).")
    private String transport;

    @Option(names = "--ws-port", paramLabel = "PORT",
        description = "The server's WebSocket port, for --transport ws-binary and ws-json (default: 7451).")
    private Integer webSocketPort;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "The server's address; must be a loopback address (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT",
        description = "The server's port (default: 7450, or 6379 with --target redis).")
    private Integer port;

    @Option(names = "--other-ports", paramLabel = "PORT", split = ",",
        description = "More nodes of a cluster (./rollcall cluster): connection i goes to the i mod N-th node, and " +
            "watchers watch only users on other nodes, so every timed delivery crosses nodes.")
    private int[] otherPorts = new int[0];

    @Option(names = "--secret-file", paramLabel = "PATH", description = "File holding the server's token secret.")
    private Path secretFile;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
        description = "Without --secret-file or ROLLCALL_SECRET: use the secret `serve` keeps in DIR/secret " +
            "(default: ${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1000",
        description = "Connections, one user each (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--source-addresses", paramLabel = "K",
        description = "Spread connections over local addresses 127.0.0.1..127.0.0.K (default: one per 28,000 " +
            "connections).")
    private Integer sourceAddresses;

    @Option(names = "--threads", paramLabel = "T", description = "Selector threads (default: min(2, cores)).")
    private Integer threads;

    @Option(names = "--identify-rate", paramLabel = "PER_S", defaultValue = "0",
        description = "Identifies per second while connecting; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    private double identifyRate;

    @Option(names = "--update-rate", paramLabel = "PER_S", defaultValue = "0",
        description = "Updates per second over all connections; 0 = as fast as possible with --window in flight " +
            "per connection (default: ${DEFAULT-VALUE}).")
    private double updateRate;

    @Option(names = "--window", paramLabel = "W", defaultValue = "4",
        description = "Updates in flight per connection (default: ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--subscribers", paramLabel = "FRACTION", defaultValue = "0.2",
        description = "Share of connections that watch others (default: ${DEFAULT-VALUE}).")
    private double subscribers;

    @Option(names = "--watch-users", paramLabel = "K", defaultValue = "4",
        description = "Random other users each watcher subscribes to (default: ${DEFAULT-VALUE}).")
    private int watchUsers;

    @Option(names = "--watch-lobbies", paramLabel = "K", defaultValue = "1",
        description = "Random lobbies each watcher subscribes to; against Redis, the channels of all their users " +
            "(default: ${DEFAULT-VALUE}).")
    private int watchLobbies;

    @Option(names = "--lobby-size", paramLabel = "N", defaultValue = "20",
        description = "Users per lobby (default: ${DEFAULT-VALUE}).")
    private int lobbySize;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s",
        description = "Measured duration, at most 10m (default: ${DEFAULT-VALUE}).")
    private String duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s",
        description = "Updates before measuring (default: ${DEFAULT-VALUE}).")
    private String warmup;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "60s",
        description = "Longest connect phase; connections not ready by then fail (default: ${DEFAULT-VALUE}).")
    private String connectTimeout;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "3s",
        description = "After the measured part, how long outstanding updates may wait for their RESULT before they " +
            "count as lost; a lagging cluster node may answer late (default: ${DEFAULT-VALUE}).")
    private String drain;

    @Option(names = "--first-user-id", paramLabel = "ID", defaultValue = "1000000",
        description = "The first user id (default: ${DEFAULT-VALUE}).")
    private long firstUserId;

    @Option(names = "--seed", paramLabel = "SEED", description = "Random seed (default: from the clock).")
    private Long seed;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Where the reports go (default: bench/target/loadgen/<timestamp> under the project root " +
            "given by -Drollcall.root, else under the working directory).")
    private Path out;

    @Option(names = "--server-pid", paramLabel = "PID",
        description = "The server's process id: report syscalls per event from /proc/PID/io and microseconds of " +
            "server CPU per update from /proc/PID/stat (utime + stime over the measured part).")
    private Long serverPid;

    /**
     * Creates the command reading the process environment.
     */
    public LoadgenCommand()
    {
        this(System::getenv);
    }

    LoadgenCommand(final Function<String, String> env)
    {
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * Runs the load and reports.
     *
     * @return the exit status: 0 clean, 1 unclean run, 2 usage error.
     */
    @Override
    public Integer call()
    {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter stderr = spec.commandLine().getErr();
        try
        {
            return run(stdout, stderr);
        }
        finally
        {
            stdout.flush();
            stderr.flush();
        }
    }

    private int run(final PrintWriter stdout, final PrintWriter stderr)
    {
        final LoadSettings settings;
        try
        {
            settings = settings();
        }
        catch (final IllegalArgumentException ex)
        {
            stderr.println("loadgen: " + ex.getMessage());
            return EXIT_USAGE;
        }
        byte[] secret = null;
        if (!settings.redis())
        {
            try
            {
                secret = secret();
            }
            catch (final SecretException ex)
            {
                stderr.println("loadgen: " + ex.getMessage() + "; or --data DIR holding the server's secret file");
                return EXIT_USAGE;
            }
        }
        final Path reports = null != out ? out : defaultOut(System.getProperty(ROOT_PROPERTY));
        try
        {
            Files.createDirectories(reports);
        }
        catch (final IOException ex)
        {
            stderr.println("loadgen: cannot create --out " + reports + ": " + ex.getMessage());
            return EXIT_USAGE;
        }

        final LoadResult result;
        try
        {
            result = new LoadRun(settings, secret).progress(stderr).run();
        }
        catch (final IOException | RuntimeException ex)
        {
            stderr.println("loadgen: the run failed: " + ex);
            return EXIT_UNCLEAN;
        }
        stdout.print(LoadReports.summary(result));
        try
        {
            LoadReports.write(result, reports);
            stdout.println("reports: " + reports.toAbsolutePath().normalize());
        }
        catch (final IOException ex)
        {
            stderr.println("loadgen: cannot write the reports into " + reports + ": " + ex.getMessage());
            return EXIT_UNCLEAN;
        }
        return result.isClean() ? EXIT_OK : EXIT_UNCLEAN;
    }

    private LoadSettings settings()
    {
        final LoadSettings.Builder builder = LoadSettings.builder()
            .target(LoadTarget.parse(target))
            .redisWorkload(RedisWorkload.parse(redisWorkload))
            .transport(LoadTransport.parse(transport))
            .host(host)
            .connections(connections)
            .identifyRate(identifyRate)
            .updateRate(updateRate)
            .window(window)
            .subscriberFraction(subscribers)
            .watchUsers(watchUsers)
            .watchLobbies(watchLobbies)
            .lobbySize(lobbySize)
            .durationMs(duration("--duration", duration))
            .warmupMs(duration("--warmup", warmup))
            .connectTimeoutMs(duration("--connect-timeout", connectTimeout))
            .drainMs(duration("--drain", drain))
            .firstUserId(firstUserId);
        if (null != port)
        {
            if (port < 1 || port > 65535)
            {
                throw new IllegalArgumentException("--port must be 1..65535");
            }
            builder.port(port);
        }
        builder.otherPorts(otherPorts);
        if (null != webSocketPort)
        {
            if (webSocketPort < 1 || webSocketPort > 65535)
            {
                throw new IllegalArgumentException("--ws-port must be 1..65535");
            }
            builder.webSocketPort(webSocketPort);
        }
        if (null != sourceAddresses)
        {
            if (sourceAddresses < 1)
            {
                throw new IllegalArgumentException("--source-addresses must be 1..254");
            }
            builder.sourceAddresses(sourceAddresses);
        }
        if (null != threads)
        {
            builder.threads(threads);
        }
        if (null != seed)
        {
            builder.seed(seed);
        }
        if (null != serverPid)
        {
            if (serverPid <= 0)
            {
                throw new IllegalArgumentException("--server-pid must be > 0");
            }
            builder.serverPid(serverPid);
        }
        return builder.build();
    }

    /**
     * @param root the project's root directory, or null for the working directory.
     * @return {@code <root>/bench/target/loadgen/<yyyyMMdd-HHmmss>}.
     */
    static Path defaultOut(final String root)
    {
        return Path.of(null == root ? "." : root, "bench", "target", "loadgen",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).normalize();
    }

    private static long duration(final String option, final String text)
    {
        try
        {
            return Durations.parseMs(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration (" + ex.getMessage() + ")", ex);
        }
    }

    private byte[] secret()
    {
        final Path serverSecret = data.resolve("secret");
        if (null == secretFile && null == env.apply(Secrets.ENV_VAR) && Files.isRegularFile(serverSecret))
        {
            return Secrets.load(serverSecret, env);
        }
        return Secrets.load(secretFile, env);
    }

    /**
     * @param args the command line.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new LoadgenCommand()).execute(args));
    }
}
