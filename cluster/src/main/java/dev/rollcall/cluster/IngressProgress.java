package dev.rollcall.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the node's service replica and its {@link IngressAgent} share about the gateway's cluster
 * session: which session is this node's own (its commands' results are delivered here), and the
 * greatest of its message sequences the replica has applied (the agent forgets what it would
 * otherwise re-send after a leader change). Written by one thread each.
 */
final class IngressProgress
{
    /** No session yet. */
    static final long NO_SESSION = Long.MIN_VALUE;

    private volatile long sessionId = NO_SESSION;
    private final AtomicLong appliedSequence = new AtomicLong();

    /** @return this node's gateway session, or {@link #NO_SESSION}. */
    long sessionId()
    {
        return sessionId;
    }

    /** The agent: a new session, nothing of it applied yet. */
    void sessionId(final long sessionId)
    {
        appliedSequence.set(0);
        this.sessionId = sessionId;
    }

    /** @return the greatest sequence of this node's session that the replica has applied. */
    long appliedSequence()
    {
        return appliedSequence.get();
    }

    /** The replica (the service thread): it applied this sequence of this node's session. */
    void applied(final long sequence)
    {
        appliedSequence.lazySet(sequence);
    }
}
