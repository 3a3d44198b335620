package dev.rollcall.client;

import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscriber of an {@link EventHub}. Its signals are delivered by a drain task on the hub's executor, one task
 * at a time ({@code wip} counts the wake-ups), so they are serial and never reentrant: {@code onSubscribe} first,
 * then {@code onNext} within the demand, then at most one terminal signal. A subscriber throwing from a signal is
 * cancelled.
 */
final class HubSubscription implements Flow.Subscription, Runnable
{
    final int filter;
    // guarded by the hub's lock
    long cursor;
    volatile long demand;
    boolean badRequest;
    long badRequestValue;
    boolean cancelled;

    private final EventHub hub;
    private final Flow.Subscriber<? super PresenceDispatch> subscriber;
    private final AtomicInteger wip = new AtomicInteger();
    // drain thread only
    private boolean subscribed;
    private boolean done;

    HubSubscription(final EventHub hub, final Flow.Subscriber<? super PresenceDispatch> subscriber, final int filter)
    {
        this.hub = hub;
        this.subscriber = subscriber;
        this.filter = filter;
    }

    boolean matches(final PresenceDispatch event)
    {
        return filter == EventHub.ALL || event.shardId() == filter;
    }

    /** A cheap, racy hint that a new event is worth a drain (a request() signals by itself). */
    boolean wants(final PresenceDispatch event)
    {
        return demand > 0 || !matches(event);
    }

    @Override
    public void request(final long n)
    {
        hub.request(this, n);
        signal();
    }

    @Override
    public void cancel()
    {
        hub.cancel(this);
    }

    void signal()
    {
        if (wip.getAndIncrement() == 0)
        {
            try
            {
                hub.executor().execute(this);
            }
            catch (final RejectedExecutionException ex)
            {
                run();
            }
        }
    }

    @Override
    public void run()
    {
        int missed = 1;
        while (true)
        {
            if (!done)
            {
                drain();
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0)
            {
                return;
            }
        }
    }

    private void drain()
    {
        if (!subscribed)
        {
            subscribed = true;
            try
            {
                subscriber.onSubscribe(this);
            }
            catch (final RuntimeException | Error ex)
            {
                done = true;
                hub.cancel(this);
                return;
            }
        }
        while (true)
        {
            final Object next = hub.next(this);
            if (next == null)
            {
                return;
            }
            if (next instanceof EventHub.Terminal)
            {
                done = true;
                final Throwable error = ((EventHub.Terminal)next).error();
                try
                {
                    if (error == null)
                    {
                        subscriber.onComplete();
                    }
                    else
                    {
                        subscriber.onError(error);
                    }
                }
                catch (final RuntimeException | Error ignored)
                {
                    // the subscription has ended anyway
                }
                return;
            }
            try
            {
                subscriber.onNext((PresenceDispatch)next);
            }
            catch (final RuntimeException | Error ex)
            {
                done = true;
                hub.cancel(this);
                return;
            }
        }
    }
}
