package dev.rollcall.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records the signals of a {@link Flow} subscription; waits are bounded by {@link FakeServer#TIMEOUT}. */
final class TestSubscriber implements Flow.Subscriber<PresenceDispatch>
{
    final CompletableFuture<Void> terminated = new CompletableFuture<>();
    final AtomicInteger received = new AtomicInteger();
    private final LinkedBlockingQueue<PresenceDispatch> events = new LinkedBlockingQueue<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final long initialRequest;
    private volatile Flow.Subscription subscription;

    TestSubscriber(final long initialRequest)
    {
        this.initialRequest = initialRequest;
    }

    @Override
    public void onSubscribe(final Flow.Subscription subscription)
    {
        this.subscription = subscription;
        subscribed.countDown();
        if (initialRequest > 0)
        {
            subscription.request(initialRequest);
        }
    }

    @Override
    public void onNext(final PresenceDispatch item)
    {
        received.incrementAndGet();
        events.add(item);
    }

    @Override
    public void onError(final Throwable throwable)
    {
        terminated.completeExceptionally(throwable);
    }

    @Override
    public void onComplete()
    {
        terminated.complete(null);
    }

    void request(final long n)
    {
        awaitSubscribed().request(n);
    }

    void cancel()
    {
        awaitSubscribed().cancel();
    }

    Flow.Subscription awaitSubscribed()
    {
        try
        {
            if (!subscribed.await(FakeServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError("onSubscribe not called within " + FakeServer.TIMEOUT);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        return subscription;
    }

    PresenceDispatch take()
    {
        try
        {
            final PresenceDispatch event = events.poll(FakeServer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null)
            {
                throw new AssertionError("no event within " + FakeServer.TIMEOUT + " (received " + received + ")");
            }
            return event;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    List<PresenceDispatch> take(final int count)
    {
        final List<PresenceDispatch> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            taken.add(take());
        }
        return taken;
    }

    /** The events received and not taken yet. */
    List<PresenceDispatch> drained()
    {
        final List<PresenceDispatch> list = new ArrayList<>();
        events.drainTo(list);
        return list;
    }
}
