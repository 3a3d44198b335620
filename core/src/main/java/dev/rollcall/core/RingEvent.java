package dev.rollcall.core;

import org.agrona.ExpandableDirectByteBuffer;

import java.util.concurrent.CompletableFuture;

/**
 * One preallocated ring slot: the input a producer published, and what the stages add to
 * it (journaled flag, result, outbox) on its way to the fan-out.
 */
final class RingEvent
{
    final Input input = new Input();
    final Outbox outbox = new Outbox();

    // Set by the producer.
    CommandCallback callback;
    long correlationId;
    CompletableFuture<Result> future;
    Mailbox mailbox;
    CompletableFuture<Long> snapshotFuture;

    // Set by the logic stage for TAKE_SNAPSHOT.
    ExpandableDirectByteBuffer snapshot;
    int snapshotLength;
    long snapshotPosition;

    // Set by the journal stage.
    boolean journaled;

    // Set by the logic stage.
    Result result;

    Input prepare(final int type, final long time)
    {
        callback = null;
        correlationId = 0;
        future = null;
        mailbox = null;
        snapshotFuture = null;
        snapshot = null;
        journaled = false;
        result = null;
        return input.set(type, time);
    }

    void release()
    {
        callback = null;
        future = null;
        mailbox = null;
        snapshotFuture = null;
        snapshot = null;
    }
}
