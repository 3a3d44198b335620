package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub with a direct executor: every signal is delivered before the call that causes it returns. */
@Timeout(30)
class EventHubTest
{
    private static PresenceDispatch event(final long seq, final int shard)
    {
        return new PresenceDispatch(seq, EventType.CLIENT_UPDATED, seq, seq, 0, seq, null, new Changes(), shard);
    }

    @Test
    void shouldBeFullUntilTheSlowestSubscriberHasConsumed()
    {
        final EventHub hub = new EventHub(4, Runnable::run, new int[] {-1});
        final TestSubscriber fast = new TestSubscriber(Long.MAX_VALUE);
        final TestSubscriber slow = new TestSubscriber(0);
        hub.publisher(EventHub.ALL).subscribe(fast);
        hub.publisher(EventHub.ALL).subscribe(slow);
        for (int seq = 1; seq <= 4; seq++)
        {
            assertThat(hub.hasSpace()).isTrue();
            hub.publish(event(seq, -1));
        }
        assertThat(hub.hasSpace()).isFalse();
        assertThat(fast.received).hasValue(4);
        final AtomicInteger woken = new AtomicInteger();
        hub.awaitSpace(woken::incrementAndGet);
        assertThat(woken).hasValue(0);

        slow.request(1);

        assertThat(woken).hasValue(1);
        assertThat(hub.hasSpace()).isTrue();
        assertThat(slow.drained()).extracting(PresenceDispatch::seq).containsExactly(1L);
    }

    @Test
    void shouldLetAFilteredSubscriberSkipOtherShardsWithoutDemand()
    {
        final EventHub hub = new EventHub(8, Runnable::run, new int[] {0, 1});
        final TestSubscriber shard1 = new TestSubscriber(0);
        hub.publisher(1).subscribe(shard1);
        final TestSubscriber other = new TestSubscriber(Long.MAX_VALUE);
        hub.publisher(EventHub.ALL).subscribe(other);

        hub.publish(event(1, 0));
        hub.publish(event(1, 1));
        hub.publish(event(2, 0));
        shard1.request(5);

        assertThat(shard1.drained()).extracting(PresenceDispatch::shardId).containsExactly(1);
        assertThat(other.drained()).hasSize(3);

        hub.sourceDone(1, null);
        assertThat(shard1.terminated).isCompleted();
        assertThat(other.terminated).isNotDone();
        hub.sourceDone(0, null);
        assertThat(other.terminated).isCompleted();
    }

    @Test
    void shouldDeliverTerminalSignalsAfterTheBufferedEvents()
    {
        final EventHub hub = new EventHub(8, Runnable::run, new int[] {-1});
        final TestSubscriber subscriber = new TestSubscriber(0);
        hub.publisher(EventHub.ALL).subscribe(subscriber);
        hub.publish(event(1, -1));
        hub.publish(event(2, -1));
        hub.sourceDone(-1, new RollcallException(4018, "kicked"));

        subscriber.request(1);
        assertThat(subscriber.terminated).isNotDone();
        subscriber.request(1);

        assertThat(subscriber.drained()).hasSize(2);
        assertThat(subscriber.terminated).isCompletedExceptionally();
        final TestSubscriber late = new TestSubscriber(0);
        hub.publisher(EventHub.ALL).subscribe(late);
        assertThat(late.terminated).isCompletedExceptionally();
    }

    @Test
    void shouldKeepUndeliveredEventsOfACancelledSubscriberForTheNextOne()
    {
        final EventHub hub = new EventHub(8, Runnable::run, new int[] {-1});
        final TestSubscriber first = new TestSubscriber(1);
        hub.publisher(EventHub.ALL).subscribe(first);
        hub.publish(event(1, -1));
        hub.publish(event(2, -1));
        first.cancel();
        hub.publish(event(3, -1));

        final TestSubscriber next = new TestSubscriber(Long.MAX_VALUE);
        hub.publisher(EventHub.ALL).subscribe(next);

        assertThat(first.drained()).extracting(PresenceDispatch::seq).containsExactly(1L);
        assertThat(next.drained()).extracting(PresenceDispatch::seq).containsExactly(2L, 3L);
    }

    @Test
    void shouldDeliverEveryEventInOrderUnderRandomDemand()
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final EventHub hub = new EventHub(1 + random.nextInt(16), Runnable::run, new int[] {-1});
        final TestSubscriber a = new TestSubscriber(0);
        final TestSubscriber b = new TestSubscriber(0);
        hub.publisher(EventHub.ALL).subscribe(a);
        hub.publisher(EventHub.ALL).subscribe(b);
        long next = 1;
        while (next <= 1_000)
        {
            if (hub.hasSpace() && random.nextBoolean())
            {
                hub.publish(event(next++, -1));
            }
            else
            {
                (random.nextBoolean() ? a : b).request(1 + random.nextInt(4));
            }
        }
        a.request(Long.MAX_VALUE);
        b.request(Long.MAX_VALUE);

        for (final TestSubscriber subscriber : new TestSubscriber[] {a, b})
        {
            final long[] seqs = subscriber.drained().stream().mapToLong(PresenceDispatch::seq).toArray();
            assertThat(seqs).as("seed %d", seed).hasSize(1_000);
            for (int i = 0; i < seqs.length; i++)
            {
                assertThat(seqs[i]).as("seed %d", seed).isEqualTo(i + 1);
            }
        }
    }
}
