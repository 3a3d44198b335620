package dev.rollcall.core;

import dev.rollcall.model.FieldTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GraceTimers} against a {@link TreeSet} ordered by (deadline, userId).
 */
class GraceTimersTest
{
    private record Entry(long deadline, long userId)
    {
    }

    private static final Comparator<Entry> ORDER =
        Comparator.comparingLong(Entry::deadline).thenComparingLong(Entry::userId);

    private final GraceTimers timers = new GraceTimers();

    @Test
    void shouldPollInSameOrderAsReferenceOnRandomOperations()
    {
        final SplittableRandom master = new SplittableRandom(0x6EACE);
        for (int run = 0; run < 200; run++)
        {
            final long seed = master.nextLong();
            runRandom(seed, 1 + (run % 5) * 30, 600);
        }
    }

    private static void runRandom(final long seed, final int clientCount, final int steps)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final GraceTimers timers = new GraceTimers();
        final ClientState[] clients = new ClientState[clientCount];
        final List<Long> userIds = new ArrayList<>();
        for (long userId = 1; userId <= 3L * clientCount; userId++)
        {
            userIds.add(userId);
        }
        for (int i = userIds.size() - 1; i > 0; i--)
        {
            Collections.swap(userIds, i, random.nextInt(i + 1));
        }
        for (int i = 0; i < clientCount; i++)
        {
            clients[i] = client(userIds.get(i));
        }
        final TreeSet<Entry> reference = new TreeSet<>(ORDER);
        final Map<ClientState, Entry> scheduled = new HashMap<>();
        final long deadlineSpread = 1 + random.nextInt(50);

        for (int step = 0; step < steps; step++)
        {
            final String description = "seed=" + seed + " clients=" + clientCount + " step=" + step;
            final int roll = random.nextInt(10);
            if (roll < 5)
            {
                final ClientState client = clients[random.nextInt(clientCount)];
                final long deadline = random.nextLong(deadlineSpread) - deadlineSpread / 2;
                timers.schedule(client, deadline);
                final Entry old = scheduled.put(client, new Entry(deadline, client.userId));
                if (null != old)
                {
                    reference.remove(old);
                }
                reference.add(new Entry(deadline, client.userId));
            }
            else if (roll < 7)
            {
                final ClientState client = clients[random.nextInt(clientCount)];
                timers.cancel(client);
                final Entry old = scheduled.remove(client);
                if (null != old)
                {
                    reference.remove(old);
                }
                assertThat(client.timerIndex).as(description).isEqualTo(-1);
            }
            else if (!reference.isEmpty())
            {
                final Entry expected = reference.pollFirst();
                assertThat(timers.earliestDeadline()).as(description).isEqualTo(expected.deadline());
                final long deadlineOfPolled = timers.earliestDeadline();
                final ClientState polled = timers.pollEarliest();
                assertThat(new Entry(deadlineOfPolled, polled.userId)).as(description).isEqualTo(expected);
                assertThat(polled.timerIndex).as(description).isEqualTo(-1);
                scheduled.remove(polled);
            }
            assertThat(timers.size()).as(description).isEqualTo(reference.size());
            assertThat(timers.isEmpty()).as(description).isEqualTo(reference.isEmpty());
            if (!reference.isEmpty())
            {
                assertThat(timers.earliestDeadline()).as(description).isEqualTo(reference.first().deadline());
            }
        }

        final List<Entry> drained = new ArrayList<>();
        while (!timers.isEmpty())
        {
            final long deadlineOfPolled = timers.earliestDeadline();
            final ClientState polled = timers.pollEarliest();
            drained.add(new Entry(deadlineOfPolled, polled.userId));
        }
        assertThat(drained).as("seed=" + seed + " drain").containsExactlyElementsOf(reference);
    }

    @Test
    void shouldOrderEqualDeadlinesByUserId()
    {
        final long[] userIds = {5, 3, 9, 1, 7, 2};
        for (final long userId : userIds)
        {
            timers.schedule(client(userId), 100);
        }
        timers.schedule(client(8), 99);

        assertThat(drain()).containsExactly(8L, 1L, 2L, 3L, 5L, 7L, 9L);
    }

    @Test
    void shouldIgnoreCancelOfUnscheduledClient()
    {
        final ClientState never = client(1);
        final ClientState other = client(2);
        timers.schedule(other, 10);

        timers.cancel(never);
        assertThat(timers.size()).isEqualTo(1);
        assertThat(never.timerIndex).isEqualTo(-1);

        timers.cancel(other);
        timers.cancel(other);
        assertThat(timers.isEmpty()).isTrue();
        assertThat(other.timerIndex).isEqualTo(-1);

        timers.schedule(other, 20);
        assertThat(timers.pollEarliest()).isSameAs(other);
        timers.cancel(other);
        assertThat(timers.isEmpty()).isTrue();
    }

    @Test
    void shouldReplaceDeadlineWhenRescheduled()
    {
        final ClientState a = client(1);
        final ClientState b = client(2);
        timers.schedule(a, 100);
        timers.schedule(a, 50);
        assertThat(timers.size()).isEqualTo(1);
        assertThat(timers.earliestDeadline()).isEqualTo(50);

        timers.schedule(b, 200);
        timers.schedule(a, 500);
        assertThat(timers.size()).isEqualTo(2);
        assertThat(timers.earliestDeadline()).isEqualTo(200);
        assertThat(timers.deadline(a)).isEqualTo(500);
        assertThat(timers.pollEarliest()).isSameAs(b);
        assertThat(timers.pollEarliest()).isSameAs(a);
        assertThat(timers.isEmpty()).isTrue();
    }

    @Test
    void shouldGrowBeyondInitialCapacity()
    {
        for (long userId = 300; userId > 0; userId--)
        {
            timers.schedule(client(userId), 1000 - userId % 10);
        }
        assertThat(timers.size()).isEqualTo(300);

        final List<Long> order = drain();
        assertThat(order).hasSize(300);
        assertThat(order.get(0)).isEqualTo(9L);
        assertThat(order.get(299)).isEqualTo(300L);
    }

    private List<Long> drain()
    {
        final List<Long> order = new ArrayList<>();
        while (!timers.isEmpty())
        {
            order.add(timers.pollEarliest().userId);
        }
        return order;
    }

    private static ClientState client(final long userId)
    {
        final ClientState client = new ClientState();
        client.reset(userId, FieldLayout.PRESENCE);
        return client;
    }
}
