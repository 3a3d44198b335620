package dev.rollcall.bench.cluster;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.cluster.cli.NodeProcesses;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.gateway.auth.Secrets;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Leader kill → clients served again, over rounds, on a 3-node loopback cluster of real node
 * processes ({@link NodeProcesses}): a client on a surviving node keeps 16 updates in flight; the
 * leader's process is SIGKILLed; the figure is the time from the kill to the end of the longest
 * pause in acknowledgements after it. Each round restarts the killed node and waits for it to be
 * ready before the next kill.
 * <pre>
 * java ... dev.rollcall.bench.cluster.FailoverBench [ROUNDS] [OUT_FILE]
 * java -Drollcall.cluster.aeronTimeouts=true ...            the baseline: Aeron's own timeouts
 * java -Drollcall.bench.clusterThreads=shared ...           nodes with cluster-threads = shared
 * </pre>
 */
public final class FailoverBench
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The nodes' {@code cluster-threads}: {@code -Drollcall.bench.clusterThreads=shared}; dedicated unless set. */
    private static final String THREADS_PROP = "rollcall.bench.clusterThreads";
    private static final int IN_FLIGHT = 16;

    private FailoverBench()
    {
    }

    /**
     * @param args rounds (default 5), then the file to append the result line to (optional).
     * @throws Exception when the cluster does not come up or a round fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final Path data = Files.createTempDirectory("failover-bench");
        final int size = 3;
        final String threads = System.getProperty(THREADS_PROP, "dedicated");
        final NodeProcesses nodes = NodeProcesses.onFreePorts(size, data,
            List.of("--rate-limit", "100000000", "--grace", "300s", "--cluster-threads", threads),
            new PrintStream(PrintStream.nullOutputStream()));
        final boolean aeronTimeouts = Boolean.getBoolean("rollcall.cluster.aeronTimeouts");
        final String mode = (aeronTimeouts ? "Aeron's timeouts" : "Rollcall's timeouts") + ", cluster-threads " + threads;
        // Aeron's own timeouts: a restarted node waits for its peers up to its 60 s start-up canvass
        final Duration restartWait = aeronTimeouts ? Duration.ofSeconds(120) : WAIT;
        final double[] millis = new double[rounds];
        final long[] failed = new long[rounds];
        try
        {
            nodes.startAll();
            final HmacTokens tokens = new HmacTokens(Secrets.load(nodes.secret()));
            for (int node = 1; node <= size; node++)
            {
                final int n = node;
                await("node " + node + " ready", () -> nodes.isReady(n));
            }
            for (int round = 0; round < rounds; round++)
            {
                await("a leader", () -> nodes.leader() > 0);
                final int leader = nodes.leader();
                final int writerNode = leader % size + 1;
                final long[] failures = {0};
                millis[round] = round(nodes, tokens, leader, writerNode, round, failures);
                failed[round] = failures[0];
                System.out.printf("round %d (%s): leader node %d killed, clients on node %d served again after %.0f ms, " +
                    "%d updates failed%n", round + 1, mode, leader, writerNode, millis[round], failures[0]);
                // the killed leader, and any node that stopped itself meanwhile (its session lost): all started
                // before waiting for any, as one alone may not make a majority
                final List<Integer> restarted = new ArrayList<>();
                for (int node = 1; node <= size; node++)
                {
                    if (!nodes.process(node).isAlive())
                    {
                        nodes.start(node);
                        restarted.add(node);
                    }
                }
                for (final int node : restarted)
                {
                    await("node " + node + " ready again", () -> nodes.isReady(node), restartWait);
                }
            }
        }
        finally
        {
            nodes.close();
        }
        final double[] sorted = millis.clone();
        Arrays.sort(sorted);
        final String line = String.format("failover (%s), %d rounds: median %.0f ms, max %.0f ms, each %s; " +
            "updates failed on the surviving node: %s", mode, rounds, sorted[rounds / 2], sorted[rounds - 1],
            Arrays.toString(Arrays.stream(millis).mapToLong(Math::round).toArray()), Arrays.toString(failed));
        System.out.println(line);
        if (args.length > 1)
        {
            Files.writeString(Path.of(args[1]), line + System.lineSeparator(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        }
    }

    private static double round(
        final NodeProcesses nodes, final HmacTokens tokens, final int leader, final int writerNode, final int round,
        final long[] failures)
        throws Exception
    {
        final RollcallClient.Builder builder = RollcallClient.builder()
            .host("127.0.0.1")
            .port(nodes.gatewayPort(writerNode))
            .token(tokens.mint(1000 + round, Role.USER, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)))
            .heartbeatJitter(false)
            .requestTimeout(WAIT);
        try (RollcallClient client = builder.connect())
        {
            final Semaphore window = new Semaphore(IN_FLIGHT);
            final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
            final AtomicLong failed = new AtomicLong();
            long killedAt = 0;
            final long start = System.nanoTime();
            long sent = 0;
            while (true)
            {
                final long now = System.nanoTime();
                if (0 == killedAt && now - start > TimeUnit.SECONDS.toNanos(1))
                {
                    killedAt = System.nanoTime();
                    nodes.kill(leader);
                }
                if (0 != killedAt && now - killedAt > TimeUnit.SECONDS.toNanos(
                    Boolean.getBoolean("rollcall.cluster.aeronTimeouts") ? 20 : 4))
                {
                    break;
                }
                if (!window.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                {
                    throw new IllegalStateException("no update acknowledged for " + WAIT);
                }
                client.update(new Changes().partyId(++sent), null).whenComplete((result, failure) ->
                {
                    if (Result.APPLIED == result)
                    {
                        acks.add(System.nanoTime());
                    }
                    else
                    {
                        failed.incrementAndGet();
                    }
                    window.release();
                });
            }
            failures[0] = failed.get();
            final List<Long> times = new ArrayList<>(acks);
            times.sort(Long::compare);
            long previous = killedAt;
            long pauseEnd = killedAt;
            long longest = 0;
            for (final long at : times)
            {
                if (at > killedAt)
                {
                    if (at - previous > longest)
                    {
                        longest = at - previous;
                        pauseEnd = at;
                    }
                    previous = at;
                }
            }
            // no acknowledgement after the kill at all: the clients were not served again within the round
            return pauseEnd == killedAt ? Double.NaN : (pauseEnd - killedAt) / 1e6;
        }
    }

    private static void await(final String what, final BooleanSupplier condition)
    {
        await(what, condition, WAIT);
    }

    private static void await(final String what, final BooleanSupplier condition, final Duration wait)
    {
        final long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
