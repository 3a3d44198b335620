package dev.rollcall.gateway.client;

import dev.rollcall.client.ConnectionListener;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.client.RollcallException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records a client's connection callbacks ("identified ID" / "resumed ID", disconnect causes, server errors). */
final class ConnectionLog implements ConnectionListener
{
    final List<String> readies = new CopyOnWriteArrayList<>();
    final List<Throwable> disconnects = new CopyOnWriteArrayList<>();
    final List<RollcallException> serverErrors = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<String> readyQueue = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Throwable> disconnectQueue = new LinkedBlockingQueue<>();

    @Override
    public void onReady(final RollcallClient client, final long sessionId, final boolean resumed)
    {
        final String ready = (resumed ? "resumed " : "identified ") + sessionId;
        readies.add(ready);
        readyQueue.add(ready);
    }

    @Override
    public void onDisconnected(final RollcallClient client, final Throwable cause)
    {
        disconnects.add(cause);
        disconnectQueue.add(cause);
    }

    @Override
    public void onServerError(final RollcallClient client, final RollcallException error)
    {
        serverErrors.add(error);
    }

    /** The next ready callback not taken yet (the first one is the initial identify). */
    String nextReady()
    {
        return poll(readyQueue, "onReady");
    }

    /** The next disconnect callback not taken yet. */
    Throwable nextDisconnect()
    {
        return poll(disconnectQueue, "onDisconnected");
    }

    private static <T> T poll(final LinkedBlockingQueue<T> queue, final String what)
    {
        try
        {
            final T value = queue.poll(E2e.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (value == null)
            {
                throw new AssertionError("no " + what + " within " + E2e.TIMEOUT);
            }
            return value;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
