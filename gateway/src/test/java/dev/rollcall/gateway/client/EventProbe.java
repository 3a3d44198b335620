package dev.rollcall.gateway.client;

import dev.rollcall.client.PresenceDispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link Flow.Subscriber} of a client's events that asks for them explicitly: an initial {@code request(n)}, then
 * either nothing more (the test calls {@link #request}) or one more per event received ({@link #replenishing}).
 * Every wait is bounded by {@link E2e#TIMEOUT}.
 */
final class EventProbe implements Flow.Subscriber<PresenceDispatch>
{
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final LinkedBlockingQueue<PresenceDispatch> events = new LinkedBlockingQueue<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final AtomicLong received = new AtomicLong();
    private final long initialRequest;
    private final boolean replenish;
    private volatile Flow.Subscription subscription;

    private EventProbe(final long initialRequest, final boolean replenish)
    {
        this.initialRequest = initialRequest;
        this.replenish = replenish;
    }

    /** Requests {@code batch} at once, then one more for every event received: a reader that keeps up. */
    static EventProbe replenishing(final int batch)
    {
        return new EventProbe(batch, true);
    }

    /** Requests {@code n} at once (0: nothing) and then only what the test asks for with {@link #request}. */
    static EventProbe requesting(final long n)
    {
        return new EventProbe(n, false);
    }

    @Override
    public void onSubscribe(final Flow.Subscription s)
    {
        subscription = s;
        subscribed.countDown();
        if (initialRequest > 0)
        {
            s.request(initialRequest);
        }
    }

    @Override
    public void onNext(final PresenceDispatch event)
    {
        received.incrementAndGet();
        events.add(event);
        if (replenish)
        {
            subscription.request(1);
        }
    }

    @Override
    public void onError(final Throwable failure)
    {
        terminated.completeExceptionally(failure);
    }

    @Override
    public void onComplete()
    {
        terminated.complete(null);
    }

    /** Asks for {@code n} more events. */
    void request(final long n)
    {
        try
        {
            if (!subscribed.await(E2e.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError("onSubscribe not called within " + E2e.TIMEOUT);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        subscription.request(n);
    }

    /** How many events onNext received so far. */
    long received()
    {
        return received.get();
    }

    /** The next event, waiting at most {@link E2e#TIMEOUT}. */
    PresenceDispatch take()
    {
        try
        {
            final PresenceDispatch event = events.poll(E2e.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null)
            {
                throw new AssertionError("no event within " + E2e.TIMEOUT + " (received " + received + " so far)");
            }
            return event;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** The next {@code count} events. */
    List<PresenceDispatch> take(final int count)
    {
        final List<PresenceDispatch> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            taken.add(take());
        }
        return taken;
    }

    /** Events up to and including the first that matches (each within {@link E2e#TIMEOUT}). */
    List<PresenceDispatch> takeThrough(final Predicate<PresenceDispatch> last)
    {
        final List<PresenceDispatch> taken = new ArrayList<>();
        while (true)
        {
            final PresenceDispatch event = take();
            taken.add(event);
            if (last.test(event))
            {
                return taken;
            }
        }
    }

    /** The events received and not taken yet. */
    List<PresenceDispatch> drained()
    {
        final List<PresenceDispatch> list = new ArrayList<>();
        events.drainTo(list);
        return list;
    }
}
