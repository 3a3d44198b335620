package dev.rollcall.client;

/**
 * The life cycle of a {@link RollcallClient}:
 *
 * <pre>
 *  NEW --start()--&gt; CONNECTING --READY--&gt; READY &lt;--RESUMED or READY-- RECONNECTING
 *                       |                   |  \___ drop (read error, EOF, heartbeat timeout, non-fatal CLOSE) _/^
 *                       |                   |
 *                       +--- failure -------+--- CLOSE with a fatal code ---&gt; FAILED
 *  any state --close()--&gt; CLOSED
 * </pre>
 *
 * A failure before the first {@code READY} (connection refused, handshake timeout, any {@code CLOSE}) fails the
 * client: the first connection is not retried. Which {@code CLOSE} codes are fatal afterwards, and which reconnect
 * to resume or to identify afresh: see {@link RollcallClient} ("Connection life cycle").
 */
public enum ConnectionState
{
    /** Built, {@link RollcallClient#start()} not called yet. */
    NEW,
    /** The first connection: connecting, then identifying. */
    CONNECTING,
    /** Identified (or resumed): commands may be sent. */
    READY,
    /** The connection dropped: waiting for the backoff, reconnecting, resuming (or identifying afresh). */
    RECONNECTING,
    /** Closed by {@link RollcallClient#close()} (terminal). */
    CLOSED,
    /** Closed by a fatal failure (terminal): see {@link RollcallClient#closeFuture()}. */
    FAILED;

    /**
     * Whether this state is final.
     *
     * @return true for {@link #CLOSED} and {@link #FAILED}
     */
    public boolean isTerminal()
    {
        return this == CLOSED || this == FAILED;
    }
}
