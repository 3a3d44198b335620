package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;

import java.util.concurrent.CompletableFuture;

/**
 * One preallocated ring slot: the input a producer published, and what the stages add to
 * it (journaled flag, result, outbox) on its way to the fan-out.
 */
final class RingEvent
{
    /**
     * The most inputs a stage handles as one batch (one journal document, one wake-up of the
     * next stage, one fan-out pass) even when more are available: a batch's slots then stay in
     * cache between the stage's passes over them, and the next stage starts sooner. Measured in
     * docs/BENCHMARKS.md (issue 10): without the cap, batches of up to the ring's 65,536 slots
     * made the serial layout three times slower than the same work in batches of 256. Applied by
     * the stage threads' batch processors and by {@link Rollcall#invoke()}.
     */
    static final int MAX_BATCH = 256;


    final Input input = new Input();
    final Outbox outbox = new Outbox();

    // Set by the producer.
    CommandCallback callback;
    long correlationId;
    CompletableFuture<Result> future;
    Mailbox mailbox;
    CompletableFuture<Long> snapshotFuture;

    // Set by the logic stage for TAKE_SNAPSHOT: the inputs it had applied.
    long snapshotPosition;

    // Set by the journal stage.
    boolean journaled;

    // Set by the logic stage.
    Result result;

    Input prepare(final int type, final long time)
    {
        clearSlot();
        return input.set(type, time);
    }

    private void clearSlot()
    {
        callback = null;
        correlationId = 0;
        future = null;
        mailbox = null;
        snapshotFuture = null;
        journaled = false;
        result = null;
    }

    /**
     * Fill this slot with a command, as a producer publishes it.
     */
    void command(
        final int type,
        final long time,
        final long userId,
        final long connectionId,
        final long subscriberId,
        final long lobbyId,
        final long value,
        final Changes changes,
        final String reason,
        final CommandCallback callback,
        final long correlationId,
        final CompletableFuture<Result> future)
    {
        clearSlot();
        input.command(type, time, userId, connectionId, subscriberId, lobbyId, value, changes, reason);
        this.callback = callback;
        this.correlationId = correlationId;
        this.future = future;
    }

    void release()
    {
        callback = null;
        future = null;
        mailbox = null;
        snapshotFuture = null;
    }
}
