package dev.rollcall.bench.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadgenPartsTest
{
    @Test
    void shouldBudgetCommandsUnderTheDefaultRateLimit()
    {
        final CommandBudget budget = new CommandBudget(120, 60_000, 30_000, 4);

        // 120 frames - 10 reserved - (2 + 2) heartbeats - 1 identify - 2 spare
        assertThat(budget.commandsPerWindow()).isEqualTo(103);
        assertThat(budget.burst()).isEqualTo(4.0);
        assertThat(budget.commandsPerSecond()).isBetween(1.6, 1.7);
        assertThat(new CommandBudget(10, 60_000, 1_000, 4).commandsPerWindow()).isZero();
    }

    @Test
    void shouldNeverSendMoreThanTheBudgetInAnyWindow()
    {
        final CommandBudget budget = new CommandBudget(120, 60_000, 30_000, 8);
        final LoadConnection connection = new LoadConnection(0, 1, 1, null, null, 8);
        connection.budget(budget, 0);
        final long window = TimeUnit.SECONDS.toNanos(60);
        final long step = TimeUnit.MILLISECONDS.toNanos(10);
        final long[] sent = new long[10_000];
        int count = 0;
        for (long now = 0; now < 3 * window && count < sent.length; now += step)
        {
            while (connection.takeToken(now))
            {
                sent[count++] = now;
            }
        }
        int first = 0;
        for (int last = 0; last < count; last++)
        {
            while (sent[last] - sent[first] >= window)
            {
                first++;
            }
            assertThat(last - first + 1).as("commands in the window ending at %d ns", sent[last])
                .isLessThanOrEqualTo(budget.commandsPerWindow());
        }
        assertThat(count).isGreaterThan(2 * budget.commandsPerWindow());
    }

    @Test
    void shouldResumeConnectionsWaitingForATokenWhenItIsDue()
    {
        final long ms = TimeUnit.MILLISECONDS.toNanos(1);
        final TokenWheel wheel = new TokenWheel();
        final LoadConnection soon = new LoadConnection(0, 1, 1, null, null, 4);
        final LoadConnection later = new LoadConnection(1, 2, 1, null, null, 4);
        final LoadConnection far = new LoadConnection(2, 3, 1, null, null, 4);
        final long start = 10_000 * ms;
        wheel.add(later, start, start + 5 * ms);
        wheel.add(soon, start, start + 2 * ms + 1);
        wheel.add(soon, start, start + 2 * ms + 1);
        wheel.add(far, start, start + 5_000 * ms);

        assertThat(wheel.size()).isEqualTo(3);
        assertThat(wheel.poll(start + 2 * ms)).isNull();
        assertThat(wheel.poll(start + 3 * ms)).isSameAs(soon);
        assertThat(wheel.poll(start + 3 * ms)).isNull();
        assertThat(wheel.poll(start + 6 * ms)).isSameAs(later);
        assertThat(wheel.poll(start + 500 * ms)).isNull();
        assertThat(wheel.poll(start + 1_023 * ms)).isSameAs(far);
        assertThat(wheel.size()).isZero();
        assertThat(soon.waiting || later.waiting || far.waiting).isFalse();
    }

    @Test
    void shouldCarryAStampInTheLobbyFieldsWithATeamColourThatAlwaysChanges()
    {
        final long[] stamps = {1, 0xFFFF_FFFFL, 0x1_0000_0000L, 1_800_000_000_000L, Long.MAX_VALUE};
        for (final long stamp : stamps)
        {
            for (int parity = 0; parity <= 1; parity++)
            {
                assertThat(LoadWorker.stampOf((int)stamp, LoadWorker.teamColour(stamp, parity))).isEqualTo(stamp);
            }
        }
        final LoadConnection connection = new LoadConnection(0, 1, 1, null, null, 4);
        int previous = 0;
        for (int i = 0; i < 4; i++)
        {
            final int colour = LoadWorker.teamColour(1_000 + i, connection.nextParity());
            assertThat(colour).isNotEqualTo(previous);
            previous = colour;
        }
    }

    @Test
    void shouldReadSyscallCountsInTheFormatOfProcPidIoAgainAndAgain(@TempDir final Path dir) throws Exception
    {
        final Path io = dir.resolve("io");
        Files.writeString(io, "rchar: 100\nwchar: 200\nsyscr: 7\nsyscw: 5\nread_bytes: 0\nwrite_bytes: 0\n");

        try (ProcIo procIo = ProcIo.open(io))
        {
            assertThat(procIo.syscalls()).isEqualTo(12);
            Files.writeString(io, "rchar: 100\nwchar: 200\nsyscr: 70\nsyscw: 50\n");
            assertThat(procIo.syscalls()).isEqualTo(120);
        }
        assertThat(ProcIo.open(dir.resolve("absent"))).isNull();
        assertThat(ProcIo.parse("rchar: 100\n")).isEqualTo(-1);
        try (ProcIo self = ProcIo.open(ProcessHandle.current().pid()))
        {
            if (null != self)
            {
                final long before = self.syscalls();
                assertThat(before).isPositive();
                assertThat(self.syscalls()).isGreaterThan(before);
            }
        }
    }

    @Test
    void shouldReadCpuTicksInTheFormatOfProcPidStatWhateverTheCommandName(@TempDir final Path dir) throws Exception
    {
        final Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (redis-server) S 1 4242 4242 0 -1 4194560 519 0 0 0 120 35 0 0 20 0 5 0 " +
            "1000 10000000 2000 18446744073709551615 1 1 0 0 0 0 0 4097 17642 0 0 0 17 1 0 0 0 0 0\n");

        try (ProcStat procStat = ProcStat.open(stat))
        {
            assertThat(procStat.cpuTicks()).isEqualTo(155);
            Files.writeString(stat, "4242 (a (b) c) R 1 4242 4242 0 -1 4194560 519 0 0 0 1000 500 0 0 20 0 5 0\n");
            assertThat(procStat.cpuTicks()).isEqualTo(1_500);
        }
        assertThat(ProcStat.open(dir.resolve("absent"))).isNull();
        assertThat(ProcStat.parse("4242 (x) S 1 2 3\n")).isEqualTo(-1);
        assertThat(ProcStat.parse("no parenthesis")).isEqualTo(-1);
        try (ProcStat self = ProcStat.open(ProcessHandle.current().pid()))
        {
            if (null != self)
            {
                assertThat(self.cpuTicks()).isPositive();
            }
        }
    }

    @Test
    void shouldSubscribeRedisWatchersToTheUsersRollcallWatchersWatchOnConnectionsOfTheirOwn()
    {
        final LoadSettings.Builder builder = LoadSettings.builder().connections(50).subscriberFraction(0.2)
            .watchUsers(4).watchLobbies(2).lobbySize(8).seed(7);
        final LoadConnection[][] rollcall = new LoadRun(builder.build(), InProcessServer.SECRET).plan(2);
        final LoadConnection[][] redis = new LoadRun(builder.target(LoadTarget.REDIS).build(), null).plan(2);
        final LoadConnection[][] set = new LoadRun(builder.redisWorkload(RedisWorkload.SET).build(), null).plan(2);

        for (int t = 0; t < 2; t++)
        {
            final List<LoadConnection> watchers = new ArrayList<>();
            for (final LoadConnection c : rollcall[t])
            {
                if (c.isWatcher())
                {
                    watchers.add(c);
                }
            }
            assertThat(redis[t]).hasSize(rollcall[t].length + watchers.size());
            assertThat(set[t]).hasSize(rollcall[t].length);
            for (int i = 0; i < rollcall[t].length; i++)
            {
                assertThat(redis[t][i].userId).isEqualTo(rollcall[t][i].userId);
                assertThat(redis[t][i].isWatcher() || redis[t][i].subscriberOnly).isFalse();
            }
            for (int w = 0; w < watchers.size(); w++)
            {
                final LoadConnection watcher = watchers.get(w);
                final LoadConnection subscriber = redis[t][rollcall[t].length + w];
                final TreeSet<Long> expected = new TreeSet<>();
                for (final long user : watcher.watchedUsers)
                {
                    expected.add(user);
                }
                for (final long lobby : watcher.watchedLobbies)
                {
                    for (int i = 0; i < 50; i++)
                    {
                        if (builder.build().lobbyOf(i) == lobby)
                        {
                            expected.add(builder.build().firstUserId() + i);
                        }
                    }
                }
                assertThat(subscriber.subscriberOnly).isTrue();
                assertThat(subscriber.isWatcher()).isTrue();
                assertThat(subscriber.userId).isEqualTo(watcher.userId);
                assertThat(subscriber.index).isGreaterThanOrEqualTo(50);
                assertThat(subscriber.watchedUsers).containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
            }
        }
    }

    @Test
    void shouldReadBackTheCurveOfAnHgrmFileTheReportsWrite()
    {
        final Histogram nanos = new Histogram(1, LoadWorker.HISTOGRAM_MAX_NANOS, 3);
        for (long v = 1; v <= 10_000; v++)
        {
            nanos.recordValue(v * 1_000);
        }

        final PercentilePlot.Series curve = HgrmPlot.parse(LoadReports.hgrm(nanos), "run");

        assertThat(curve.name()).isEqualTo("run (10,000)");
        assertThat(curve.percentiles()[0]).isZero();
        assertThat(curve.percentiles()[curve.percentiles().length - 1]).isEqualTo(100.0);
        assertThat(curve.valuesMicros()[curve.valuesMicros().length - 1]).isCloseTo(10_000, within(10.0));
        assertThat(HgrmPlot.parse("#[No values recorded]\n", "none").percentiles()).isEmpty();
    }

    @Test
    void shouldReadTheOpenFilesLimit()
    {
        assertThat(OpenFilesLimit.parse("Limit                     Soft Limit           Hard Limit           Units\n" +
            "Max cpu time              unlimited            unlimited            seconds\n" +
            "Max open files            20000                40000                files\n")).isEqualTo(20_000);
        assertThat(OpenFilesLimit.parse("Max open files            unlimited            unlimited            files\n"))
            .isEqualTo(-1);
        assertThat(OpenFilesLimit.parse("")).isEqualTo(-1);
    }

    @Test
    void shouldSpreadWatchersEvenly()
    {
        final LoadSettings settings = LoadSettings.builder().connections(50).subscriberFraction(0.2).build();
        int watchers = 0;
        for (int i = 0; i < 50; i++)
        {
            watchers += settings.isWatcher(i) ? 1 : 0;
        }
        assertThat(watchers).isEqualTo(10);
        assertThat(settings.isWatcher(4)).isTrue();
        assertThat(settings.isWatcher(0)).isFalse();
        assertThat(settings.lobbies()).isEqualTo(3);
        assertThat(settings.lobbyOf(19)).isEqualTo(settings.firstUserId());
        assertThat(settings.lobbyOf(20)).isEqualTo(settings.firstUserId() + 1);
    }
}
