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
     * From now on another thread calls {@link #append} (layout {@link PipelineLayout#INVOKED}: the
     * launching thread during start-up, then the invoking thread, then the closing thread), never
     * two at once: an appender that checks its owning thread forgets the old one here.
     */
    default void appendingThreadChanged()
    {
    }

    /**
     * The pipeline's batch ended on an input that is not journaled (a control input), so no
     * {@link #append} carried {@code endOfBatch = true}: make every input appended so far as
     * durable as an end of batch would, before returning. Called on the journal thread.
     */
    default void endOfBatch()
    {
    }

    /**
     * Rebuild the state this journal holds, once, at launch, before the pipeline starts:
     * typically load the newest valid snapshot and replay the inputs after its position.
     * After it, {@code state.position()} must equal the number of inputs in the journal, and
     * the next {@link #append} is input number {@code state.position() + 1}. Fail (throw) on
     * corruption rather than start on a partial state.
     *
     * @param state an empty state machine to fill.
     */
    default void recover(final PresenceStateMachine state)
    {
    }

    /**
     * @return true when this journal stores snapshots; then the pipeline takes them
     * periodically and at close and hands them to {@link #onSnapshot}.
     */
    default boolean storesSnapshots()
    {
        return false;
    }

    /**
     * A snapshot of the state after the first {@code position} inputs, every one of which this
     * journal has already accepted. Called on the fan-out thread: do not block; hand the
     * buffer (now owned by the journal) to a writer thread.
     *
     * @param snapshot bytes in {@link SnapshotCodec} layout, from offset 0.
     * @param length   of the snapshot.
     * @param position inputs covered.
     */
    default void onSnapshot(final DirectBuffer snapshot, final int length, final long position)
    {
    }

    /**
     * Release resources; called once after the pipeline has drained.
     */
    @Override
    default void close()
    {
    }
}
