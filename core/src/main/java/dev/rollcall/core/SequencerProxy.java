package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sequenced {@link Rollcall}'s commands on their way to the {@link Sequencer}: each is encoded
 * by {@link InputCodec} in the issuing thread's own scratch and offered with the correlation id
 * that finds its result's receiver again when the log hands it back ({@link #callback},
 * {@link #takeFuture}). A full sequencer is retried with a backoff on the issuing thread: the
 * backpressure of a full ring, moved to the sequencer.
 */
final class SequencerProxy
{
    private final Sequencer sequencer;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final AtomicLong futureIds = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<Result>> futures = new ConcurrentHashMap<>();
    private volatile CommandCallback callback;

    SequencerProxy(final Sequencer sequencer)
    {
        this.sequencer = sequencer;
    }

    void offer(
        final int type,
        final long userId,
        final long connectionId,
        final long subscriberId,
        final long lobbyId,
        final long value,
        final Changes changes,
        final String reason,
        final Limits limits,
        final CommandCallback callback,
        final long correlationId,
        final CompletableFuture<Result> future)
    {
        final Scratch scratch = this.scratch.get();
        final Input input = scratch.input.command(type, 0, userId, connectionId, subscriberId, lobbyId, value, changes,
            reason);
        if (null != limits)
        {
            input.limits(limits);
        }
        final long wireCorrelationId;
        if (null != future)
        {
            wireCorrelationId = -futureIds.incrementAndGet();
            futures.put(wireCorrelationId, future);
        }
        else if (null != callback)
        {
            if (correlationId <= 0)
            {
                throw new IllegalArgumentException("a sequenced command's correlation id must be > 0: " + correlationId);
            }
            register(callback);
            wireCorrelationId = correlationId;
        }
        else
        {
            wireCorrelationId = 0;
        }
        final int length = InputCodec.encode(scratch.buffer, 0, input);
        final IdleStrategy idle = scratch.idle;
        idle.reset();
        try
        {
            while (!sequencer.offer(scratch.buffer, 0, length, wireCorrelationId))
            {
                idle.idle();
            }
        }
        catch (final RuntimeException ex)
        {
            // refused for good (too long for the log): its future will never be answered through the log
            if (wireCorrelationId < 0)
            {
                futures.remove(wireCorrelationId);
            }
            throw ex;
        }
    }

    /**
     * @return the callback that receives the results of commands with this correlation id (> 0).
     */
    CommandCallback callback()
    {
        return callback;
    }

    /**
     * @return the future of a command issued on this node with this correlation id (< 0), forgotten
     * now, or null.
     */
    CompletableFuture<Result> takeFuture(final long correlationId)
    {
        return futures.remove(correlationId);
    }

    private void register(final CommandCallback callback)
    {
        final CommandCallback registered = this.callback;
        if (registered != callback)
        {
            if (null != registered)
            {
                throw new IllegalStateException("a sequenced Rollcall takes one CommandCallback for all its commands " +
                    "(its correlation ids travel through the log, the callback cannot)");
            }
            this.callback = callback;
        }
    }

    private static final class Scratch
    {
        final Input input = new Input();
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    }
}
