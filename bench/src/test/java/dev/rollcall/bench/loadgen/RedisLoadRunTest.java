package dev.rollcall.bench.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator against a real {@code redis-server} (skipped when it is not installed, failed instead with
 * {@code CI=true}): each workload end to end, error replies, and the command line.
 */
class RedisLoadRunTest
{
    @Test
    @Timeout(60)
    void shouldDrivePresenceUpdatesThroughTheScriptAndTimeTheWatchersMessages(@TempDir final Path dir)
        throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        try (RedisServer redis = RedisServer.start(dir))
        {
            final LoadSettings settings = settings(redis, seed).redisWorkload(RedisWorkload.PRESENCE).build();

            final LoadResult result = new LoadRun(settings, null).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.plannedWatchers()).as(summary).isEqualTo(4);
            assertThat(result.connectionsOk()).as(summary).isEqualTo(20 + 4);
            assertThat(result.connectionsFailed()).as(summary).isZero();
            assertThat(result.connectionsLost()).as(summary).isZero();
            assertThat(result.connectionsClosedAtEnd()).as(summary).isEqualTo(24);
            assertThat(result.identifiesSent()).as(summary).isEqualTo(24);
            assertThat(result.subscribesOk()).as(summary).isEqualTo(4);
            assertThat(result.updatesSent()).as(summary).isPositive();
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.updatesLost()).as(summary).isZero();
            assertThat(result.updatesFailed()).as(summary).isZero();
            assertThat(result.unmatchedResults()).as(summary).isZero();
            assertThat(result.errors()).as(summary).isZero();
            assertThat(result.protocolProblems()).as(summary).isZero();
            assertThat(result.watchers()).as(summary).isEqualTo(4);
            assertThat(result.watchersWithoutDeliveries()).as(summary).isZero();
            assertThat(result.deliveries()).as(summary).isPositive().isEqualTo(result.dispatches());
            assertThat(result.deliveryLatencyNanos().getTotalCount()).as(summary).isPositive();
            assertThat(result.updateResultLatencyNanos().getTotalCount()).as(summary).isPositive();
            assertThat(result.identifyLatencyNanos().getTotalCount()).as(summary).isEqualTo(24);
            assertThat(result.heartbeatsSent()).as(summary).isZero();
            assertThat(result.isClean()).as(summary).isTrue();
            if (Files.isReadable(Path.of("/proc", Long.toString(redis.pid()), "stat")))
            {
                assertThat(result.serverCpuMicrosPerUpdate()).as(summary).isPresent();
                assertThat(result.serverCpuTicks()).as(summary).isGreaterThanOrEqualTo(0);
            }
            // the script stored the last value, with its expiry, and the watchers were subscribed
            final String value = redis.call("GET", "presence:" + settings.firstUserId());
            assertThat(value).as(summary).hasSize(RedisPublisher.VALUE_LENGTH).endsWith(";team=blue");
            assertThat(Long.parseLong(redis.call("TTL", "presence:" + settings.firstUserId()))).isBetween(1L, 30L);

            LoadReports.write(result, dir.resolve("reports"));
            assertThat(Files.readString(dir.resolve("reports").resolve(LoadReports.SUMMARY_JSON)))
                .contains("\"target\": \"redis\"")
                .contains("\"redisWorkload\": \"presence\"")
                .contains("\"serverCpuMicrosPerUpdate\"");
        }
    }

    @Test
    @Timeout(60)
    void shouldDrivePlainSetsWithoutWatchers(@TempDir final Path dir) throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        try (RedisServer redis = RedisServer.start(dir))
        {
            final LoadSettings settings = settings(redis, seed).redisWorkload(RedisWorkload.SET).updateRate(2_000)
                .build();

            final LoadResult result = new LoadRun(settings, null).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.plannedWatchers()).as(summary).isZero();
            assertThat(result.connectionsOk()).as(summary).isEqualTo(20);
            assertThat(result.updatesSent()).as(summary).isPositive();
            assertThat(result.updatesAcked()).as(summary).isEqualTo(result.updatesSent());
            assertThat(result.dispatches()).as(summary).isZero();
            assertThat(result.errors()).as(summary).isZero();
            assertThat(result.isClean()).as(summary).isTrue();
            assertThat(redis.call("GET", "presence:" + settings.firstUserId())).as(summary)
                .hasSize(RedisPublisher.VALUE_LENGTH);
            assertThat(redis.call("TTL", "presence:" + settings.firstUserId())).isEqualTo("-1");
        }
    }

    @Test
    @Timeout(60)
    void shouldCountErrorRepliesToUpdatesAndKeepTheWindowMoving(@TempDir final Path dir) throws Exception
    {
        final long seed = new SplittableRandom().nextLong();
        // a used memory above maxmemory, no eviction: every SET is refused with -OOM, PING still answers
        try (RedisServer redis = RedisServer.start(dir, "--maxmemory", "1", "--maxmemory-policy", "noeviction"))
        {
            final LoadSettings settings = settings(redis, seed).redisWorkload(RedisWorkload.SET).build();

            final LoadResult result = new LoadRun(settings, null).run();

            final String summary = "seed " + seed + "\n" + LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isEqualTo(20);
            assertThat(result.connectionsLost()).as(summary).isZero();
            assertThat(result.updatesAcked()).as(summary).isZero();
            // more than one window per connection: the refused updates left the window
            assertThat(result.updatesFailed()).as(summary).isGreaterThan(20 * 4).isEqualTo(result.updatesSent());
            assertThat(result.errors()).as(summary).isEqualTo(result.updatesFailed());
            assertThat(result.errorReplies()).as(summary).hasSize(1);
            assertThat(result.errorReplies().keySet().iterator().next()).as(summary).startsWith("OOM");
            assertThat(result.isClean()).as(summary).isFalse();
            assertThat(LoadReports.summary(result)).contains("error replies: OOM").contains("clean run: NO");
        }
    }

    @Test
    @Timeout(60)
    void shouldFailConnectionsWhoseHandshakeIsRefused(@TempDir final Path dir) throws Exception
    {
        try (RedisServer redis = RedisServer.start(dir, "--requirepass", "not-given"))
        {
            final LoadSettings settings = settings(redis, 1).connections(5).build();

            final LoadResult result = new LoadRun(settings, null).run();

            final String summary = LoadReports.summary(result);
            assertThat(result.connectionsOk()).as(summary).isZero();
            assertThat(result.connectionsFailed()).as(summary).isEqualTo(5 + 1);
            assertThat(result.errors()).as(summary).isEqualTo(6);
            assertThat(result.errorReplies().keySet()).as(summary).allMatch(text -> text.startsWith("NOAUTH"));
            assertThat(result.problems()).as(summary).containsExactly("no connection got ready: nothing to measure");
            assertThat(result.isClean()).as(summary).isFalse();
        }
    }

    @Test
    @Timeout(60)
    void shouldRunFromTheCommandLineWithoutASecret(@TempDir final Path dir) throws Exception
    {
        try (RedisServer redis = RedisServer.start(dir))
        {
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final CommandLine command = new CommandLine(new LoadgenCommand(name -> null));
            command.setOut(new PrintWriter(out, true));
            command.setErr(new PrintWriter(err, true));

            final int status = command.execute("--target", "redis", "--redis-workload", "presence",
                "--port", Integer.toString(redis.port), "--data", dir.resolve("no-data").toString(),
                "--connections", "10", "--threads", "1", "--warmup", "0", "--duration", "300ms",
                "--server-pid", Long.toString(redis.pid()), "--out", dir.resolve("reports").toString());

            assertThat(status).as(out + "\n" + err).isEqualTo(LoadgenCommand.EXIT_OK);
            assertThat(out.toString()).contains("Redis (presence)").contains("10 connections + 2 watcher connections")
                .contains("server CPU per update").contains("clean run: yes");
            assertThat(err.toString()).contains("12 of 12 connections ready");
            assertThat(dir.resolve("reports").resolve(LoadReports.PLOT_SVG)).exists();
        }
    }

    private static LoadSettings.Builder settings(final RedisServer redis, final long seed)
    {
        return LoadSettings.builder()
            .target(LoadTarget.REDIS)
            .port(redis.port)
            .connections(20)
            .threads(2)
            .subscriberFraction(0.2)
            .window(4)
            .warmupMs(100)
            .durationMs(500)
            .connectTimeoutMs(10_000)
            .seed(seed)
            .serverPid(redis.pid());
    }
}
