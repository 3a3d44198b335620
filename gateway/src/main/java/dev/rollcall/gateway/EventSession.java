package dev.rollcall.gateway;

/**
 * One session of the {@link SessionService}: the events it numbered and keeps for a resume,
 * and the listener they go to. Use only on the thread of the connection that holds it.
 */
public interface EventSession
{
    /** @return the session's id: unguessable, {@code > 0}. */
    long id();

    /** @return the session's user. */
    long userId();

    /**
     * @return the core connection id the session stands for (the id of the connection that opened
     * it; for a watcher's session, which stands for no client, only that id).
     */
    long connectionId();

    /**
     * @return true if the session stands for its user's presence client (it ends when the core
     * destroys that client); false for a watcher's ({@link SessionService#openWatcher}).
     */
    boolean hasPresence();

    /** @return the seq of the latest event numbered (0 before the first). */
    long seq();

    /** @return false once destroyed (expired, client destroyed, or {@link #destroy()}). */
    boolean isValid();

    /** @return true while a listener is attached. */
    boolean isAttached();

    /**
     * Attach a listener (a resumed connection's handler); events are kept until {@link #goLive()}.
     *
     * @param listener the new owner.
     * @throws IllegalStateException if another listener is attached ({@link #isAttached()}) or the
     *                               session is no longer valid.
     */
    void attach(SessionListener listener);

    /** Events go to the attached listener as they come from now on. */
    void goLive();

    /**
     * The listener's connection is gone: the session waits for a resume (or expiry). Does
     * nothing unless {@code listener} is the one attached.
     *
     * @param listener the listener leaving.
     * @param nowMs    the gateway's clock ({@link Connection#nowMs()}).
     */
    void detach(SessionListener listener, long nowMs);

    /**
     * The peer has the events up to {@code lastSeq}: they need not be kept.
     *
     * @param lastSeq the highest seq received, {@code 0 <= lastSeq <= seq()}.
     */
    void acknowledge(long lastSeq);

    /**
     * @param lastSeq the highest seq the peer received.
     * @return true if every event after it is still kept (a resume from it can be served).
     */
    boolean canReplayAfter(long lastSeq);

    /**
     * @param lastSeq the highest seq the peer received.
     * @return the size of the events kept after it, in the core's encoding (the binary protocol's
     * {@code DISPATCH} bodies, about 5 bytes less per event than its frames; a text encoding such
     * as JSON is several times larger): what a resume would replay.
     */
    int bytesAfter(long lastSeq);

    /**
     * Hand every kept event after {@code lastSeq} to the attached listener, in order. Check
     * {@link #canReplayAfter} first, and again if events may have come since (between
     * {@link #attach} and now): events pushed out of the buffer are not replayed.
     *
     * @param lastSeq the highest seq the peer received.
     * @return false if the listener refused one (its connection closed).
     */
    boolean replayAfter(long lastSeq);

    /** End the session now: it is no longer found, receives nothing, and cannot be resumed. Idempotent. */
    void destroy();
}
