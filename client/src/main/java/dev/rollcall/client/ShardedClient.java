package dev.rollcall.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service's view of the firehose: one connection per shard, each identifying with
 * {@code sharded=true, shardId, shardCount} (a service token is needed), all on one I/O thread, their events merged
 * into one {@link Flow.Publisher}.
 *
 * <p>Built by {@link RollcallClient.Builder#buildSharded(int, String)}, which takes the shard count and the subset
 * of shards this process opens ({@link ShardSpec}: e.g. {@code "0..3, 8, 9"}); every shard identifies with the
 * builder's {@link RollcallClient.Builder#presence presence} or, when set, the
 * {@link RollcallClient.Builder#shardPresence shardPresence} function of its id.
 *
 * <ul>
 * <li>Each shard is a {@link RollcallClient} ({@link #shard(int)}): it resumes on its own after a drop, and its
 * {@link RollcallClient#events()} publishes that shard's events only.</li>
 * <li>{@link #events()} merges every shard's events: in order within a shard ({@link PresenceDispatch#shardId()}
 * says which; {@code seq} is per shard), interleaved as received across shards. The shards share one bounded event
 * buffer ({@link RollcallClient.Builder#eventBufferSize}): when it is full, every shard stops reading.</li>
 * <li>A fatal failure of any shard (e.g. {@code DISCONNECTED_BY_SERVER}, or a shard failing its first connection)
 * fails the whole sharded client: the other shards are closed, subscribers get {@code onError} and
 * {@link #closeFuture()} fails with that cause.</li>
 * <li>{@link #close()} closes every shard; the merged subscribers then get {@code onComplete}. Closing one shard
 * ({@code shard(id).close()}) completes that shard's own subscribers only.</li>
 * </ul>
 *
 * <pre>{@code
 * try (ShardedClient firehose = RollcallClient.builder()
 *         .port(7450).token(serviceToken)
 *         .shardPresence(shard -> new Changes().status(Status.INVISIBLE))
 *         .connectSharded(16, "0..3, 8"))
 * {
 *     firehose.events().subscribe(subscriber);
 * }
 * }</pre>
 */
public final class ShardedClient implements AutoCloseable
{
    private final int shardCount;
    private final int[] shardIds;
    private final RollcallClient[] byShard;
    private final List<RollcallClient> shards;
    private final IoLoop loop;
    private final Flow.Publisher<PresenceDispatch> events;
    private final AtomicInteger open;
    private final CompletableFuture<ShardedClient> started = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final AtomicInteger readyCount = new AtomicInteger();
    private final AtomicBoolean startCalled = new AtomicBoolean();
    private volatile Throwable failure;

    ShardedClient(final int shardCount, final ClientConfig[] configs, final IoLoop loop, final EventHub hub)
    {
        this.shardCount = shardCount;
        this.loop = loop;
        this.events = hub.publisher(EventHub.ALL);
        this.shardIds = new int[configs.length];
        this.byShard = new RollcallClient[shardCount];
        final List<RollcallClient> list = new ArrayList<>(configs.length);
        for (int i = 0; i < configs.length; i++)
        {
            final int shardId = configs[i].shardId();
            final RollcallClient client = new RollcallClient(configs[i], loop, false, hub, shardId, this::onShardEnded);
            shardIds[i] = shardId;
            byShard[shardId] = client;
            list.add(client);
        }
        this.shards = Collections.unmodifiableList(list);
        this.open = new AtomicInteger(configs.length);
    }

    /**
     * Connects every shard, once: later calls return the same future.
     *
     * @return completes with this when every shard is ready; fails with the first shard's failure (the others are
     *     then closed)
     */
    public CompletableFuture<ShardedClient> start()
    {
        if (!startCalled.compareAndSet(false, true))
        {
            return started;
        }
        for (final RollcallClient shard : shards)
        {
            shard.start().thenRun(() ->
            {
                if (readyCount.incrementAndGet() == shards.size())
                {
                    started.complete(this);
                }
            });
        }
        return started;
    }

    /**
     * The merged events of every shard; see {@link RollcallClient#events()} for the delivery and backpressure rules.
     *
     * @return the publisher
     */
    public Flow.Publisher<PresenceDispatch> events()
    {
        return events;
    }

    /**
     * The connection of one shard.
     *
     * @param shardId a shard this client opened
     * @return its client
     * @throws IllegalArgumentException when this client did not open that shard
     */
    public RollcallClient shard(final int shardId)
    {
        if (shardId < 0 || shardId >= shardCount || byShard[shardId] == null)
        {
            throw new IllegalArgumentException("shard " + shardId + " is not one of " + ShardSpec.format(shardIds));
        }
        return byShard[shardId];
    }

    /**
     * The shards this client opened.
     *
     * @return their ids, ascending (a copy)
     */
    public int[] shardIds()
    {
        return shardIds.clone();
    }

    /**
     * The service's shard count.
     *
     * @return the count every shard identified with
     */
    public int shardCount()
    {
        return shardCount;
    }

    /**
     * Every shard's connection.
     *
     * @return the clients, in ascending shard order (unmodifiable)
     */
    public List<RollcallClient> shards()
    {
        return shards;
    }

    /**
     * A future completed when every shard is ready (at once when they are now).
     *
     * @return the future; fails when a shard is closed or failed
     */
    public CompletableFuture<Void> whenReady()
    {
        final CompletableFuture<?>[] all = new CompletableFuture<?>[shards.size()];
        for (int i = 0; i < all.length; i++)
        {
            all[i] = shards.get(i).whenReady();
        }
        return CompletableFuture.allOf(all);
    }

    /**
     * A future completed when every shard has ended: normally after {@link #close()}, exceptionally with the first
     * fatal failure.
     *
     * @return the future
     */
    public CompletableFuture<Void> closeFuture()
    {
        return terminated;
    }

    /**
     * Closes every shard (no reconnect) and the I/O thread. Idempotent.
     */
    @Override
    public void close()
    {
        for (final RollcallClient shard : shards)
        {
            shard.close();
        }
        if (!loop.inLoop())
        {
            try
            {
                terminated.handle((value, error) -> null).get(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final ExecutionException | TimeoutException ignored)
            {
                // nothing more to do
            }
        }
    }

    /** A shard's session ended (I/O thread). */
    private void onShardEnded(final Session session, final Throwable cause)
    {
        if (cause != null && failure == null)
        {
            failure = cause;
            started.completeExceptionally(cause);
            for (final RollcallClient shard : shards)
            {
                shard.close();
            }
        }
        if (open.decrementAndGet() == 0)
        {
            started.completeExceptionally(new NotConnectedException(ConnectionState.CLOSED));
            loop.shutdown();
            if (failure != null)
            {
                terminated.completeExceptionally(failure);
            }
            else
            {
                terminated.complete(null);
            }
        }
    }

    @Override
    public String toString()
    {
        return "ShardedClient{shards " + ShardSpec.format(shardIds) + " of " + shardCount + "}";
    }
}
