package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;

/**
 * One session of the {@link SessionTable}: a user's numbered event stream, which outlives its
 * connection for the resume window. Lives on the user's home thread; registered there for
 * the user's events (and the firehose, for a shard) whether attached or not.
 */
final class Session implements EventSession, EventEndpoint
{
    private final long sessionId;
    private final long userId;
    private final long connectionId;
    private final SessionTable table;
    /** Made at the first event: an idle session that never had one holds none. */
    private ResumeBuffer buffer;
    private final EventEndpoint firehose;
    private final boolean presence;
    private SessionListener listener;
    private boolean live;
    private long seq;
    private long detachedAt;
    private boolean valid = true;

    Session(
        final SessionTable table,
        final long sessionId,
        final long userId,
        final long connectionId,
        final int shardId,
        final int shardCount,
        final boolean presence)
    {
        this.table = table;
        this.presence = presence;
        this.sessionId = sessionId;
        this.userId = userId;
        this.connectionId = connectionId;
        this.firehose = shardCount > 0 ? event -> onFirehoseEvent(event, shardId, shardCount) : null;
    }

    EventEndpoint firehoseEndpoint()
    {
        return firehose;
    }

    @Override
    public long id()
    {
        return sessionId;
    }

    @Override
    public long userId()
    {
        return userId;
    }

    @Override
    public long connectionId()
    {
        return connectionId;
    }

    @Override
    public boolean hasPresence()
    {
        return presence;
    }

    @Override
    public long seq()
    {
        return seq;
    }

    @Override
    public boolean isValid()
    {
        return valid;
    }

    void invalidate()
    {
        valid = false;
        listener = null;
        live = false;
    }

    SessionListener listener()
    {
        return listener;
    }

    @Override
    public boolean isAttached()
    {
        return null != listener;
    }

    long detachedAt()
    {
        return detachedAt;
    }

    private ResumeBuffer buffer()
    {
        return null == buffer ? ResumeBuffer.EMPTY : buffer;
    }

    @Override
    public void attach(final SessionListener listener)
    {
        if (!valid || (null != this.listener && this.listener != listener))
        {
            throw new IllegalStateException(valid ? this + " is attached to another listener" : this + " was destroyed");
        }
        this.listener = listener;
        live = false;
    }

    @Override
    public void goLive()
    {
        live = true;
    }

    @Override
    public void detach(final SessionListener listener, final long nowMs)
    {
        if (this.listener != listener)
        {
            return;
        }
        this.listener = null;
        live = false;
        detachedAt = nowMs;
    }

    @Override
    public void acknowledge(final long lastSeq)
    {
        if (null != buffer)
        {
            buffer.acknowledge(Math.min(lastSeq, seq));
        }
    }

    @Override
    public boolean canReplayAfter(final long lastSeq)
    {
        return buffer().canReplayAfter(lastSeq);
    }

    @Override
    public int bytesAfter(final long lastSeq)
    {
        return buffer().bytesAfter(lastSeq);
    }

    @Override
    public boolean replayAfter(final long lastSeq)
    {
        return null == buffer || null == listener || buffer.replayAfter(lastSeq, this, listener);
    }

    @Override
    public void destroy()
    {
        table.destroy(this);
    }

    @Override
    public void onEvent(final PresenceEvent event)
    {
        dispatch(event);
    }

    /** A shard's session: every event of a user in the shard (Discord's rule: (userId >> 22) % count). */
    private void onFirehoseEvent(final PresenceEvent event, final int shardId, final int shardCount)
    {
        if (Math.floorMod(event.userId() >> 22, shardCount) == shardId)
        {
            dispatch(event);
        }
    }

    private void dispatch(final PresenceEvent event)
    {
        if (!valid)
        {
            return; // destroyed while an event was being delivered: its endpoints go after the event
        }
        final long seq = ++this.seq;
        final PresenceEvent numbered = table.number(seq, event);
        if (null == buffer)
        {
            buffer = table.newResumeBuffer();
        }
        buffer.append(seq, numbered);
        if (live && null != listener)
        {
            listener.onSessionEvent(this, seq, numbered);
        }
    }

    @Override
    public String toString()
    {
        return "session " + sessionId + " of user " + userId;
    }
}
