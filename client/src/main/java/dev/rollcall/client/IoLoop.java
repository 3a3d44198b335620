package dev.rollcall.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The I/O thread of a client (or of all the shards of a {@link ShardedClient}): one {@link Selector}, a queue of
 * tasks posted by other threads and a queue of timers. Everything that owns a socket runs on it; the thread is
 * started by the first {@link #execute} and ends after {@link #shutdown}.
 */
final class IoLoop implements Runnable
{
    /** Something registered with the selector (the attachment of its key). */
    interface Selectable
    {
        /**
         * The key is ready; handle its ready operations. Must not throw.
         *
         * @param key the selected key
         */
        void onSelected(SelectionKey key);
    }

    /** A scheduled action; loop thread only. */
    static final class Timer
    {
        private final long deadline;
        private final long order;
        private final Runnable action;
        private boolean cancelled;

        private Timer(final long deadline, final long order, final Runnable action)
        {
            this.deadline = deadline;
            this.order = order;
            this.action = action;
        }

        /** Cancels the timer (no effect when it has run). */
        void cancel()
        {
            cancelled = true;
        }
    }

    private final ThreadFactory threadFactory;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
        (a, b) -> a.deadline != b.deadline ? Long.compare(a.deadline, b.deadline) : Long.compare(a.order, b.order));
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private Thread thread;
    private boolean started;
    private boolean running = true;
    private long timerOrder;

    IoLoop(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a selector", ex);
        }
    }

    Selector selector()
    {
        return selector;
    }

    boolean inLoop()
    {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs a task on the loop thread (later, even when called from it), starting the thread if needed.
     *
     * @param task the task
     */
    void execute(final Runnable task)
    {
        tasks.add(task);
        ensureStarted();
        if (!inLoop())
        {
            selector.wakeup();
        }
    }

    /**
     * Schedules an action on the loop thread. Loop thread only.
     *
     * @param delayNanos the delay
     * @param action     the action
     * @return the timer, to cancel it
     */
    Timer schedule(final long delayNanos, final Runnable action)
    {
        final Timer timer = new Timer(System.nanoTime() + Math.max(0, delayNanos), timerOrder++, action);
        timers.add(timer);
        return timer;
    }

    /** Stops the loop after the tasks already posted; closes the selector. */
    void shutdown()
    {
        execute(() -> running = false);
    }

    /**
     * Completes when the loop thread has ended.
     *
     * @return the future
     */
    CompletableFuture<Void> terminated()
    {
        return terminated;
    }

    private synchronized void ensureStarted()
    {
        if (!started)
        {
            started = true;
            thread = threadFactory.newThread(this);
            thread.start();
        }
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                runTasks();
                final long timeoutNanos = runTimers();
                if (!running)
                {
                    break;
                }
                if (!tasks.isEmpty())
                {
                    selector.selectNow();
                }
                else if (timeoutNanos < 0)
                {
                    selector.select();
                }
                else
                {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999)));
                }
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid())
                    {
                        ((Selectable)key.attachment()).onSelected(key);
                    }
                }
            }
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            report(ex);
        }
        finally
        {
            for (final SelectionKey key : selector.keys())
            {
                closeQuietly(key);
            }
            try
            {
                selector.close();
            }
            catch (final IOException ex)
            {
                report(ex);
            }
            terminated.complete(null);
        }
    }

    private void runTasks()
    {
        Runnable task;
        while ((task = tasks.poll()) != null)
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException | Error ex)
            {
                report(ex);
            }
        }
    }

    /** Runs the due timers; returns the nanoseconds until the next one, or -1 when there is none. */
    private long runTimers()
    {
        while (true)
        {
            final Timer next = timers.peek();
            if (next == null)
            {
                return -1;
            }
            if (next.cancelled)
            {
                timers.poll();
                continue;
            }
            final long wait = next.deadline - System.nanoTime();
            if (wait > 0)
            {
                return wait;
            }
            timers.poll();
            try
            {
                next.action.run();
            }
            catch (final RuntimeException | Error ex)
            {
                report(ex);
            }
        }
    }

    private static void closeQuietly(final SelectionKey key)
    {
        try
        {
            key.channel().close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }

    private void report(final Throwable ex)
    {
        final Thread current = Thread.currentThread();
        current.getUncaughtExceptionHandler().uncaughtException(current, ex);
    }
}
