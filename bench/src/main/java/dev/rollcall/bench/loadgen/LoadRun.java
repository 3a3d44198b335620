package dev.rollcall.bench.loadgen;

import dev.rollcall.gateway.cli.Durations;
import dev.rollcall.gateway.auth.HmacTokens;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One bounded run of the load generator against a running server (docs/protocol.md), on
 * {@code settings.threads()} selector threads:
 * <pre>
 *   connect   open every connection (paced), HELLO → IDENTIFY → READY, watchers SUBSCRIBE;
 *             ends when all are ready or failed, or at the connect timeout
 *   warmup    updates flow (as fast as the window allows, or at the update rate); histograms then reset
 *   measured  updates flow for the duration; counters are taken at both ends
 *   drain     no new updates; outstanding RESULTs get up to {@code --drain} (3 s)
 *   close     every connection is closed
 * </pre>
 * Against Redis the connect phase is each command connection's handshake ({@code SCRIPT LOAD} or {@code PING})
 * and each watcher connection's {@code SUBSCRIBE}; the other phases are the same (see {@link LoadWorker}). Over
 * WebSocket ({@link LoadSettings#transport()}) each connection first upgrades, on the WebSocket port.
 * With {@code --server-pid} the server's syscalls ({@code /proc/<pid>/io}) and CPU time
 * ({@code /proc/<pid>/stat}) are read when the measured part starts and ends.
 * <p>
 * Heartbeats (Rollcall) go at 70..90 % of the interval HELLO gives, throughout. A hard deadline (connect
 * timeout + warmup + duration + drain + 10 s) stops the threads if they have not stopped by
 * themselves.
 * <pre>{@code
 * LoadResult result = new LoadRun(LoadSettings.builder().port(7450).connections(10_000).build(), secret).run();
 * System.out.print(LoadReports.summary(result));
 * }</pre>
 */
public final class LoadRun
{
    private static final long HARD_DEADLINE_SLACK_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long TOKEN_VALIDITY_MS = TimeUnit.HOURS.toMillis(1);

    private final LoadSettings settings;
    private final HmacTokens tokens;
    private PrintWriter progress;

    /**
     * @param settings what to do.
     * @param secret   the server's token secret (tokens are minted for each user); null against Redis.
     * @throws IllegalArgumentException if the secret is too short, or missing against Rollcall.
     */
    public LoadRun(final LoadSettings settings, final byte[] secret)
    {
        if (null == secret && !settings.redis())
        {
            throw new IllegalArgumentException("a Rollcall server needs its token secret");
        }
        this.settings = settings;
        this.tokens = null == secret ? null : new HmacTokens(secret);
    }

    /**
     * @param progress where to print a line per phase, or null for silence (the default).
     * @return this.
     */
    public LoadRun progress(final PrintWriter progress)
    {
        this.progress = progress;
        return this;
    }

    /**
     * Run it: blocks until every connection is closed (or the hard deadline passed).
     *
     * @return what was measured.
     * @throws IOException if a selector cannot be opened.
     */
    public LoadResult run() throws IOException
    {
        final List<String> warnings = new ArrayList<>();
        final long openFiles = OpenFilesLimit.soft();
        if (openFiles > 0 && settings.connections() + OpenFilesLimit.SPARE_DESCRIPTORS > openFiles)
        {
            warnings.add("the open files limit (" + openFiles + ") is below connections + " +
                OpenFilesLimit.SPARE_DESCRIPTORS + ": connections will fail with 'Too many open files' " +
                "(raise it with ulimit -n)");
        }
        // Opened before the connections take the file descriptors.
        final ProcIo serverIo = 0 == settings.serverPid() ? null : ProcIo.open(settings.serverPid());
        final ProcStat serverStat = 0 == settings.serverPid() ? null : ProcStat.open(settings.serverPid());
        try
        {
            return run(warnings, serverIo, serverStat);
        }
        finally
        {
            if (null != serverIo)
            {
                serverIo.close();
            }
            if (null != serverStat)
            {
                serverStat.close();
            }
        }
    }

    private LoadResult run(final List<String> warnings, final ProcIo serverIo, final ProcStat serverStat)
        throws IOException
    {
        final long startedAtMs = System.currentTimeMillis();
        final long origin = System.nanoTime();
        final int threads = Math.min(settings.threads(), settings.connections());
        final RunControl control = new RunControl(origin, threads);
        final LoadConnection[][] slices = plan(threads);
        int plannedWatchers = 0;
        for (final LoadConnection[] slice : slices)
        {
            for (final LoadConnection c : slice)
            {
                plannedWatchers += c.isWatcher() ? 1 : 0;
            }
        }
        final InetAddress host = settings.hostAddress();
        final InetSocketAddress[] remotes = new InetSocketAddress[settings.nodes()];
        for (int node = 0; node < remotes.length; node++)
        {
            remotes[node] = new InetSocketAddress(host, settings.connectPort(node));
        }
        final InetSocketAddress[] sources = sources(host);
        final long tokenExpiresAtMs = startedAtMs + TOKEN_VALIDITY_MS + settings.connectTimeoutMs() +
            settings.warmupMs() + settings.durationMs();

        final LoadWorker[] workers = new LoadWorker[threads];
        final Thread[] threadsRunning = new Thread[threads];
        try
        {
            for (int i = 0; i < threads; i++)
            {
                workers[i] = new LoadWorker(i, settings, control, slices[i], tokens, tokenExpiresAtMs, remotes, sources,
                    threads);
            }
        }
        catch (final IOException ex)
        {
            for (final LoadWorker worker : workers)
            {
                if (null != worker)
                {
                    worker.closeSelector();
                }
            }
            throw ex;
        }
        for (final String warning : warnings)
        {
            say("loadgen: WARNING: %s", warning);
        }
        say("loadgen: connecting %d connections to %s %s:%d over %s from %d source address(es) on %d thread(s), " +
            "%d watchers%s...", settings.connections(), targetName(settings), host.getHostAddress(),
            settings.connectPort(), transportName(settings),
            null == sources ? 1 : sources.length, threads, plannedWatchers,
            settings.redis() && plannedWatchers > 0 ? " (on connections of their own)" : "");
        for (int i = 0; i < threads; i++)
        {
            threadsRunning[i] = new Thread(workers[i], workers[i].name());
            threadsRunning[i].setDaemon(true);
            threadsRunning[i].start();
        }

        final List<String> problems = new ArrayList<>();
        final long connectStart = System.nanoTime();
        boolean interrupted = !await(control, settings.connectTimeoutMs() + 2_000);
        final long connectEnd = System.nanoTime();
        int ready = 0;
        for (final LoadWorker worker : workers)
        {
            ready += worker.readyAtConnected;
        }
        say("loadgen: %d of %d connections ready in %.2f s", ready, planned(slices),
            (connectEnd - connectStart) / 1e9);

        long syscallsStart = -1;
        long syscallsEnd = -1;
        long cpuTicksStart = -1;
        long cpuTicksEnd = -1;
        final long updatesStart = System.nanoTime();
        final long warmupEnd = updatesStart + TimeUnit.MILLISECONDS.toNanos(settings.warmupMs());
        final long measureEnd = warmupEnd + TimeUnit.MILLISECONDS.toNanos(settings.durationMs());
        if (0 == ready || interrupted)
        {
            control.abort = true;
            if (0 == ready)
            {
                problems.add("no connection got ready: nothing to measure");
            }
        }
        else
        {
            control.updatesStartNanos = updatesStart;
            for (final LoadWorker worker : workers)
            {
                worker.wakeup();
            }
            if (settings.warmupMs() > 0)
            {
                say("loadgen: warming up for %s...", Durations.format(settings.warmupMs()));
            }
            interrupted = !sleepUntil(warmupEnd);
            syscallsStart = null == serverIo ? -1 : serverIo.syscalls();
            cpuTicksStart = null == serverStat ? -1 : serverStat.cpuTicks();
            say("loadgen: measuring for %s...", Durations.format(settings.durationMs()));
            interrupted = interrupted || !sleepUntil(measureEnd);
            syscallsEnd = null == serverIo ? -1 : serverIo.syscalls();
            cpuTicksEnd = null == serverStat ? -1 : serverStat.cpuTicks();
            if (interrupted)
            {
                control.abort = true;
            }
        }

        final long hardDeadline = Math.max(System.nanoTime(), measureEnd) +
            TimeUnit.MILLISECONDS.toNanos(settings.drainMs()) + HARD_DEADLINE_SLACK_NANOS;
        join(threadsRunning, hardDeadline);
        boolean alive = false;
        for (final Thread thread : threadsRunning)
        {
            alive |= thread.isAlive();
        }
        if (alive)
        {
            control.abort = true;
            for (final LoadWorker worker : workers)
            {
                worker.wakeup();
            }
            join(threadsRunning, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            for (final Thread thread : threadsRunning)
            {
                if (thread.isAlive())
                {
                    problems.add(thread.getName() + " did not stop by the hard deadline");
                }
            }
        }
        if (interrupted)
        {
            problems.add("interrupted");
        }
        final ServerCpu cpu = serverCpu(cpuTicksStart, cpuTicksEnd);
        return result(startedAtMs, threads, plannedWatchers, (connectEnd - connectStart) / 1e9, workers, problems,
            warnings, syscallsStart, syscallsEnd, cpu, threadsRunning);
    }

    private ServerCpu serverCpu(final long ticksStart, final long ticksEnd)
    {
        if (0 == settings.serverPid())
        {
            return new ServerCpu(-1, "unavailable (no --server-pid)");
        }
        if (ticksStart < 0 || ticksEnd < 0)
        {
            return new ServerCpu(-1, "unavailable (/proc/" + settings.serverPid() + "/stat not readable, or no " +
                "measured part)");
        }
        return new ServerCpu(ticksEnd - ticksStart, "utime + stime delta of pid " + settings.serverPid() +
            " (all its threads) over the measured part, " + ProcStat.TICKS_PER_SECOND + " ticks/s, / updates " +
            "acked in it; resolution one tick (" + (long)ProcStat.MICROS_PER_TICK + " us)");
    }

    private LoadResult result(final long startedAtMs, final int threads, final int plannedWatchers,
        final double connectSeconds, final LoadWorker[] workers, final List<String> problems,
        final List<String> warnings, final long syscallsStart,
        final long syscallsEnd, final ServerCpu cpu, final Thread[] threadsRunning)
    {
        final LoadStats totals = new LoadStats();
        final LoadStats measured = new LoadStats();
        final Histogram identify = new Histogram(1, LoadWorker.HISTOGRAM_MAX_NANOS, 3);
        final Histogram result = new Histogram(1, LoadWorker.HISTOGRAM_MAX_NANOS, 3);
        final Histogram delivery = new Histogram(1, LoadWorker.HISTOGRAM_MAX_NANOS, 3);
        ServerHello hello = null;
        CommandBudget budget = null;
        for (int i = 0; i < workers.length; i++)
        {
            final LoadWorker worker = workers[i];
            if (threadsRunning[i].isAlive())
            {
                continue;
            }
            if (null != worker.failure)
            {
                problems.add(worker.name() + " failed: " + worker.failure);
            }
            totals.plus(worker.stats);
            measured.plus(worker.measuredEnd).minus(worker.measuredStart);
            identify.add(worker.identifyLatency);
            result.add(worker.resultLatency);
            delivery.add(worker.deliveryLatency);
            if (null == hello)
            {
                hello = worker.hello;
                budget = worker.budget;
            }
        }
        final long syscallsDelta;
        final String note;
        if (0 == settings.serverPid())
        {
            syscallsDelta = -1;
            note = "unavailable (no --server-pid)";
        }
        else if (syscallsStart < 0 || syscallsEnd < 0)
        {
            syscallsDelta = -1;
            note = "unavailable (/proc/" + settings.serverPid() + "/io not readable, or no measured part)";
        }
        else
        {
            syscallsDelta = syscallsEnd - syscallsStart;
            note = "approximation: (syscr + syscw) delta of pid " + settings.serverPid() +
                " over the measured part / (updates acked + dispatches) in it; counts every read/write syscall of " +
                "the process";
        }
        final double measuredSeconds = settings.durationMs() / 1000.0;
        return new LoadResult(settings, startedAtMs, threads, plannedWatchers, connectSeconds, measuredSeconds, totals,
            measured, identify, result, delivery, hello, budget, syscallsDelta, note, cpu, problems, warnings);
    }

    /**
     * @param threads workers.
     * @return each worker's connections: connection i goes to worker i % threads (against Redis, a watcher's own
     *         connection goes with it, after the command connections).
     */
    LoadConnection[][] plan(final int threads)
    {
        final int n = settings.connections();
        final SplittableRandom random = new SplittableRandom(settings.seed());
        final LoadConnection[][] slices = new LoadConnection[threads][];
        final List<List<LoadConnection>> subscribers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            slices[t] = new LoadConnection[(n - t + threads - 1) / threads];
            subscribers.add(new ArrayList<>());
        }
        int nextIndex = n;
        final int lobbies = settings.lobbies();
        for (int i = 0; i < n; i++)
        {
            long[] users = null;
            long[] watchedLobbies = null;
            if (settings.isWatcher(i))
            {
                users = settings.nodes() == 1 ? distinct(random, Math.min(settings.watchUsers(), n - 1), n, i) :
                    onOtherNodes(random, Math.min(settings.watchUsers(), n - (n + settings.nodes() - 1) / settings.nodes()),
                        n, i, settings.nodes());
                watchedLobbies = new long[Math.min(settings.watchLobbies(), lobbies)];
                final long[] picked = distinct(random, watchedLobbies.length, lobbies, -1);
                for (int j = 0; j < picked.length; j++)
                {
                    watchedLobbies[j] = settings.lobbyOf((int)picked[j] * settings.lobbySize());
                }
                for (int j = 0; j < users.length; j++)
                {
                    users[j] += settings.firstUserId();
                }
            }
            if (!settings.redis())
            {
                slices[i % threads][i / threads] = new LoadConnection(i, settings.firstUserId() + i,
                    settings.lobbyOf(i), users, watchedLobbies, settings.window());
                continue;
            }
            slices[i % threads][i / threads] = new LoadConnection(i, settings.firstUserId() + i, settings.lobbyOf(i),
                null, null, settings.window());
            if (null != users && settings.watching())
            {
                final long[] channels = channels(users, picked(watchedLobbies));
                if (channels.length > 0)
                {
                    subscribers.get(i % threads).add(new LoadConnection(nextIndex++, settings.firstUserId() + i,
                        settings.lobbyOf(i), channels, new long[0], 1, true));
                }
            }
        }
        for (int t = 0; t < threads; t++)
        {
            final List<LoadConnection> extra = subscribers.get(t);
            if (!extra.isEmpty())
            {
                final LoadConnection[] all = Arrays.copyOf(slices[t], slices[t].length + extra.size());
                for (int j = 0; j < extra.size(); j++)
                {
                    all[slices[t].length + j] = extra.get(j);
                }
                slices[t] = all;
            }
        }
        return slices;
    }

    /** @return connections planned, watcher connections of their own included. */
    private static int planned(final LoadConnection[][] slices)
    {
        int planned = 0;
        for (final LoadConnection[] slice : slices)
        {
            planned += slice.length;
        }
        return planned;
    }

    /** @return the lobby indexes of lobby ids. */
    private int[] picked(final long[] lobbyIds)
    {
        final int[] picked = new int[lobbyIds.length];
        for (int j = 0; j < lobbyIds.length; j++)
        {
            picked[j] = (int)(lobbyIds[j] - settings.firstUserId());
        }
        return picked;
    }

    /**
     * @return the users a Rollcall watcher of {@code users} and of the lobbies {@code lobbyIndexes} hears about,
     *         each once, ascending: the channels its Redis twin subscribes to.
     */
    private long[] channels(final long[] users, final int[] lobbyIndexes)
    {
        final TreeSet<Long> channels = new TreeSet<>();
        for (final long user : users)
        {
            channels.add(user);
        }
        for (final int lobby : lobbyIndexes)
        {
            final int first = lobby * settings.lobbySize();
            final int end = (int)Math.min(settings.connections(), (long)first + settings.lobbySize());
            for (int i = first; i < end; i++)
            {
                channels.add(settings.firstUserId() + i);
            }
        }
        final long[] ids = new long[channels.size()];
        int j = 0;
        for (final Long id : channels)
        {
            ids[j++] = id;
        }
        return ids;
    }

    /** @return how the server is spoken to, e.g. "WebSocket rollcall.json.v1" or "RESP2 over TCP". */
    static String transportName(final LoadSettings settings)
    {
        return settings.redis() ? "RESP2 over TCP" : settings.transport().description();
    }

    /** @return "Rollcall" or "Redis (presence)". */
    static String targetName(final LoadSettings settings)
    {
        return settings.redis() ? "Redis (" + settings.redisWorkload().cliName() + ")" : "Rollcall";
    }

    /**
     * The server's CPU time over the measured part.
     *
     * @param ticks {@code utime + stime} delta, -1 when unavailable.
     * @param note  how it was measured, or why it is unavailable.
     */
    record ServerCpu(long ticks, String note)
    {
    }

    /**
     * @return {@code count} distinct numbers of {@code 0..bound-1}, none equal to {@code excluded}.
     */
    private static long[] distinct(final SplittableRandom random, final int count, final int bound, final int excluded)
    {
        final long[] picked = new long[count];
        int filled = 0;
        while (filled < count)
        {
            final int candidate = random.nextInt(bound);
            boolean fresh = candidate != excluded;
            for (int j = 0; j < filled && fresh; j++)
            {
                fresh = picked[j] != candidate;
            }
            if (fresh)
            {
                picked[filled++] = candidate;
            }
        }
        return picked;
    }

    /**
     * @return {@code count} distinct connection indexes below {@code bound} whose node ({@code index mod nodes}) is not
     * {@code index}'s.
     */
    private static long[] onOtherNodes(
        final SplittableRandom random, final int count, final int bound, final int index, final int nodes)
    {
        final long[] picked = new long[count];
        int filled = 0;
        while (filled < count)
        {
            final int candidate = random.nextInt(bound);
            boolean fresh = candidate % nodes != index % nodes;
            for (int j = 0; j < filled && fresh; j++)
            {
                fresh = picked[j] != candidate;
            }
            if (fresh)
            {
                picked[filled++] = candidate;
            }
        }
        return picked;
    }

    private InetSocketAddress[] sources(final InetAddress host)
    {
        if (settings.sourceAddresses() <= 1 || !(host instanceof Inet4Address))
        {
            return null;
        }
        final InetSocketAddress[] sources = new InetSocketAddress[settings.sourceAddresses()];
        for (int k = 0; k < sources.length; k++)
        {
            sources[k] = new InetSocketAddress("127.0.0." + (k + 1), 0);
        }
        return sources;
    }

    private static boolean await(final RunControl control, final long timeoutMs)
    {
        try
        {
            control.connected.await(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean sleepUntil(final long deadlineNanos)
    {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0)
        {
            try
            {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void join(final Thread[] threads, final long deadlineNanos)
    {
        for (final Thread thread : threads)
        {
            final long left = deadlineNanos - System.nanoTime();
            if (left <= 0)
            {
                return;
            }
            try
            {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void say(final String format, final Object... args)
    {
        if (null != progress)
        {
            progress.println(String.format(Locale.ROOT, format, args));
            progress.flush();
        }
    }
}
