package dev.rollcall.core;

import org.agrona.DirectBuffer;

/**
 * The journal SPI: where the pipeline records every state input, in ring order, before
 * anything about it is revealed. Implemented outside {@code core} (Chronicle Queue in the
 * {@code journal} module); {@link InMemoryJournal} and {@link #NONE} live here.
 * <p>
 * Called on the journal thread only, in parallel with the business logic. Each input
 * arrives encoded by {@link InputCodec}. An implementation may batch until
 * {@code endOfBatch}: the fan-out only sees an input after the call for the end of its
 * batch has returned. Throwing is fatal: the input, the unconfirmed rest of its batch and
 * every later input are answered {@link Result#JOURNAL_FAILED}, never revealed, and the
 * journal is not called again ({@link Rollcall#isJournalFailed()}).
 */
public interface Journal extends AutoCloseable
{
    /** Records nothing; for embedded use where presence need not survive the process. */
    Journal NONE = (buffer, offset, length, sequence, endOfBatch) ->
    {
    };

    /**
     * Record one input.
     *
     * @param buffer     holding the encoded input; only valid during the call.
     * @param offset     of the input.
     * @param length     of the input.
     * @param sequence   its ring sequence (monotonic within one run).
     * @param endOfBatch true for the last input of the batch the pipeline is processing.
     */
    void append(DirectBuffer buffer, int offset, int length, long sequence, boolean endOfBatch);

    /**
     * Release resources; called once after the pipeline has drained.
     */
    @Override
    default void close()
    {
    }
}
