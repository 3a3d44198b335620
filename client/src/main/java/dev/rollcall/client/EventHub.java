package dev.rollcall.client;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The bounded event buffer between the I/O thread (the producer: {@link #hasSpace()} then {@link #publish}) and
 * the {@link Flow} subscribers, each with its own demand and cursor.
 *
 * <pre>
 *   head                      min cursor                    tail
 *    |  retained, undelivered   |                             |
 *    v                          v                             v
 *  [ e e e e e e e e e e e e e e e e e e e e e e e e e e e ][ free ... ]   capacity = tail - head + free
 * </pre>
 *
 * <ul>
 * <li>An event is kept until every current subscriber has passed it ({@code head = min(cursor)}); while there is no
 * subscriber nothing is dropped: the events are retained for the next one.</li>
 * <li>A subscriber arriving when there is no other starts at {@code head} (it receives the retained events); one
 * arriving while others are subscribed starts at {@code tail} (only new events).</li>
 * <li>When the buffer is full the producer stops reading its socket and registers a space waiter
 * ({@link #awaitSpace}); waiters run, under the lock, when a quarter of the buffer is free again: they must only
 * post work to another thread.</li>
 * <li>A subscription may filter on a shard ({@code filter >= 0}): it skips the other shards' events without using
 * its demand.</li>
 * <li>Sources (the connections feeding the hub, keyed by shard id, -1 when not sharded) end with
 * {@link #sourceDone}: an error on any source is delivered to every subscriber; completion when every source is
 * done (or, to a filtered subscriber, when its shard is). Terminal signals come after the events buffered
 * before them.</li>
 * </ul>
 */
final class EventHub
{
    static final int ALL = -1;

    private static final HubSubscription[] NONE = new HubSubscription[0];

    private final PresenceDispatch[] ring;
    private final int capacity;
    private final int wakeThreshold;
    private final Executor executor;
    private final ArrayList<HubSubscription> subscriptions = new ArrayList<>();
    private final ArrayList<Runnable> spaceWaiters = new ArrayList<>();
    private final BitSet openSources = new BitSet();
    private HubSubscription[] snapshot = NONE;
    private long head;
    private long tail;
    private Throwable error;
    private boolean complete;

    /**
     * A hub.
     *
     * @param capacity   the number of events buffered at most
     * @param executor   runs the subscribers' deliveries
     * @param sourceKeys the sources (shard ids, or {@code -1})
     */
    EventHub(final int capacity, final Executor executor, final int[] sourceKeys)
    {
        this.capacity = capacity;
        this.wakeThreshold = Math.max(1, capacity / 4);
        this.ring = new PresenceDispatch[capacity];
        this.executor = executor;
        for (final int key : sourceKeys)
        {
            openSources.set(key + 1);
        }
    }

    Executor executor()
    {
        return executor;
    }

    /**
     * A publisher of this hub's events.
     *
     * @param filter a shard id to receive only that shard's events, or {@link #ALL}
     * @return the publisher
     */
    Flow.Publisher<PresenceDispatch> publisher(final int filter)
    {
        return subscriber -> subscribe(subscriber, filter);
    }

    /**
     * Whether an event can be published now. Producer side.
     *
     * @return true when the buffer is not full
     */
    synchronized boolean hasSpace()
    {
        return tail - head < capacity;
    }

    /**
     * Appends an event; call only after {@link #hasSpace()} returned true (one producer thread).
     *
     * @param event the event
     */
    void publish(final PresenceDispatch event)
    {
        final HubSubscription[] toSignal;
        synchronized (this)
        {
            if (tail - head >= capacity)
            {
                throw new IllegalStateException("event buffer full");
            }
            ring[index(tail)] = event;
            tail++;
            toSignal = snapshot;
        }
        for (final HubSubscription subscription : toSignal)
        {
            if (subscription.wants(event))
            {
                subscription.signal();
            }
        }
    }

    /**
     * Runs {@code waiter} once there is room again (immediately, on this thread, when there is already).
     *
     * @param waiter a non-blocking action (it may run under the hub's lock)
     */
    void awaitSpace(final Runnable waiter)
    {
        synchronized (this)
        {
            if (capacity - (tail - head) < wakeThreshold)
            {
                spaceWaiters.add(waiter);
                return;
            }
        }
        waiter.run();
    }

    /**
     * A source ended.
     *
     * @param key   its key (shard id or -1)
     * @param cause null when it closed normally, else the failure (delivered to every subscriber)
     */
    void sourceDone(final int key, final Throwable cause)
    {
        final HubSubscription[] toSignal;
        synchronized (this)
        {
            openSources.clear(key + 1);
            if (cause != null && error == null && !complete)
            {
                error = cause;
            }
            if (openSources.isEmpty() && error == null)
            {
                complete = true;
            }
            toSignal = snapshot;
        }
        for (final HubSubscription subscription : toSignal)
        {
            subscription.signal();
        }
    }

    private void subscribe(final Flow.Subscriber<? super PresenceDispatch> subscriber, final int filter)
    {
        final HubSubscription subscription =
            new HubSubscription(this, Objects.requireNonNull(subscriber, "subscriber"), filter);
        synchronized (this)
        {
            subscription.cursor = subscriptions.isEmpty() ? head : tail;
            subscriptions.add(subscription);
            snapshot = subscriptions.toArray(NONE);
        }
        subscription.signal();
    }

    synchronized void request(final HubSubscription subscription, final long n)
    {
        if (n <= 0)
        {
            subscription.badRequest = true;
            subscription.badRequestValue = n;
        }
        else
        {
            final long demand = subscription.demand + n;
            subscription.demand = demand < 0 ? Long.MAX_VALUE : demand;
        }
    }

    synchronized void cancel(final HubSubscription subscription)
    {
        if (!subscription.cancelled)
        {
            subscription.cancelled = true;
            remove(subscription);
        }
    }

    /**
     * The next signal for a subscription: a {@link PresenceDispatch} (demand used), a {@link Terminal} (the
     * subscription is removed), or null when there is nothing to deliver now.
     */
    synchronized Object next(final HubSubscription subscription)
    {
        if (subscription.cancelled)
        {
            return null;
        }
        if (subscription.badRequest)
        {
            subscription.cancelled = true;
            remove(subscription);
            return new Terminal(new IllegalArgumentException(
                "non-positive request " + subscription.badRequestValue + " (Reactive Streams rule 3.9)"));
        }
        PresenceDispatch found = null;
        boolean moved = false;
        while (subscription.cursor < tail)
        {
            final PresenceDispatch event = ring[index(subscription.cursor)];
            if (!subscription.matches(event))
            {
                subscription.cursor++;
                moved = true;
                continue;
            }
            if (subscription.demand > 0)
            {
                subscription.cursor++;
                moved = true;
                if (subscription.demand != Long.MAX_VALUE)
                {
                    subscription.demand--;
                }
                found = event;
            }
            break;
        }
        if (moved)
        {
            advanceHead();
        }
        if (found != null)
        {
            return found;
        }
        if (subscription.cursor == tail)
        {
            final boolean ended = error != null || complete ||
                (subscription.filter != ALL && !openSources.get(subscription.filter + 1));
            if (ended)
            {
                subscription.cancelled = true;
                remove(subscription);
                return new Terminal(error);
            }
        }
        return null;
    }

    private void remove(final HubSubscription subscription)
    {
        subscriptions.remove(subscription);
        snapshot = subscriptions.toArray(NONE);
        advanceHead();
    }

    private void advanceHead()
    {
        if (subscriptions.isEmpty())
        {
            return;
        }
        long min = Long.MAX_VALUE;
        for (int i = 0, n = subscriptions.size(); i < n; i++)
        {
            min = Math.min(min, subscriptions.get(i).cursor);
        }
        while (head < min)
        {
            ring[index(head)] = null;
            head++;
        }
        if (!spaceWaiters.isEmpty() && capacity - (tail - head) >= wakeThreshold)
        {
            for (int i = 0, n = spaceWaiters.size(); i < n; i++)
            {
                spaceWaiters.get(i).run();
            }
            spaceWaiters.clear();
        }
    }

    private int index(final long position)
    {
        return (int)(position % capacity);
    }

    /** A terminal signal: onComplete when {@code error} is null, else onError. */
    record Terminal(Throwable error)
    {
    }
}
