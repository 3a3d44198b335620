package dev.rollcall.core;

import org.agrona.DirectBuffer;

/**
 * The journal SPI: where the pipeline records every state input, in ring order, before
 * anything about it is revealed. Implemented outside {@code core} (Chronicle Queue in the
 * {@code journal} module); {@link InMemoryJournal} and {@link #NONE} live here.
 * <p>
 * {@link #append} is called on the journal thread only, in parallel with the business logic;
 * {@link #rebuild} and {@link #onSnapshot} on the pipeline's snapshot thread, while the journal
 * thread keeps appending (see {@link #storesSnapshots()}). Each input arrives encoded by
 * {@link InputCodec}. An implementation may batch until {@code endOfBatch}: the fan-out only
 * sees an input after the call for the end of its batch has returned. Throwing from
 * {@link #append} or {@link #endOfBatch()} is fatal: the input, the unconfirmed rest of its
 * batch and every later input are answered {@link Result#JOURNAL_FAILED}, never revealed, and
 * the journal is not called again ({@link Rollcall#isJournalFailed()}).
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
     * @return false when this journal keeps no inputs (it only {@link #recover recovers} a state, as
     * a cluster's service does from the cluster's own snapshot): then inputs are not even encoded for
     * it, as with {@link #NONE}.
     */
    default boolean recordsInputs()
    {
        return true;
    }

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
     * periodically and at close: it rebuilds the state at the snapshot's position on its snapshot
     * thread ({@link #rebuild}) and hands the encoded bytes to {@link #onSnapshot}.
     */
    default boolean storesSnapshots()
    {
        return false;
    }

    /**
     * Fill an empty state machine with the state after exactly the first {@code position}
     * inputs, as {@link #recover} does at launch but while the pipeline runs: typically load the
     * newest stored snapshot whose position is at most {@code position}, then apply the inputs
     * after it up to {@code position}, and not one beyond. Called on the pipeline's snapshot
     * thread, never the journal thread, while the journal thread keeps appending: every input up
     * to {@code position} was appended and its batch closed before this call, later ones may be
     * arriving. Throw, naming the file and position, when the journal is corrupt or does not hold
     * those inputs: the snapshot fails, the pipeline does not.
     *
     * @param state    an empty state machine to fill; it runs in replay mode.
     * @param position the inputs the state must cover.
     * @throws UnsupportedOperationException unless implemented; a journal that
     *                                       {@link #storesSnapshots() stores snapshots} must implement it.
     */
    default void rebuild(final PresenceStateMachine state, final long position)
    {
        throw new UnsupportedOperationException(getClass().getName() + " stores snapshots but cannot rebuild a state");
    }

    /**
     * Store a snapshot of the state after the first {@code position} inputs, every one of which
     * this journal has already accepted. Called on the pipeline's snapshot thread (never the
     * logic, journal or fan-out thread), one snapshot at a time: store it durably before
     * returning; it may block. Throw when it cannot be stored: the snapshot's future fails.
     *
     * @param snapshot bytes in {@link SnapshotCodec} layout, from offset 0; only valid during the call.
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
