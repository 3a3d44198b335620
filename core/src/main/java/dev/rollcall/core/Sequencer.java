package dev.rollcall.core;

import org.agrona.DirectBuffer;

/**
 * Where a {@link Rollcall}'s commands go to be put in order when something outside the process
 * orders them: Aeron Cluster's ingress in the {@code cluster} module. With a sequencer
 * ({@link RollcallContext#sequencer(Sequencer)}) a command is not published on the local ring:
 * it is encoded by {@link InputCodec} and offered here, and it reaches the logic only when the
 * sequenced log hands it back through {@link Rollcall#applySequenced}, on every replica, with the
 * log's time.
 * <p>
 * Called on the thread that issued the command (any thread; gateway threads concurrently), so an
 * implementation must be thread safe and must not keep the buffer past the call.
 */
@FunctionalInterface
public interface Sequencer
{
    /**
     * Offer one command for ordering.
     *
     * @param input         the command encoded by {@link InputCodec}; its time is 0 (the log's time
     *                      replaces it).
     * @param offset        of the command.
     * @param length        of the command.
     * @param correlationId to come back with the command on this node ({@link Rollcall#applySequenced}):
     *                      {@code > 0} for a {@link CommandCallback}'s, {@code < 0} for a future's,
     *                      0 when no result is wanted.
     * @return false when the command cannot be taken now (full): the caller retries.
     */
    boolean offer(DirectBuffer input, int offset, int length, long correlationId);
}
