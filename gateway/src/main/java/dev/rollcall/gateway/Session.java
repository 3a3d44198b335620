package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;

import java.nio.ByteBuffer;

/**
 * A session of the built-in protocol: a user's numbered event stream, which outlives its
 * connection for the resume window. Lives on the user's home thread; registered there for
 * the user's events (and the firehose, for a shard) whether attached or not.
 */
final class Session implements EventEndpoint
{
    final long sessionId;
    final long userId;
    final long connectionId;
    private final SessionTable table;
    /** Made at the first event: an idle session that never had one holds none. */
    private ResumeBuffer buffer;
    private final EventEndpoint firehose;
    private BinaryProtocolHandler attached;
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
        final int shardCount)
    {
        this.table = table;
        this.sessionId = sessionId;
        this.userId = userId;
        this.connectionId = connectionId;
        this.firehose = shardCount > 0 ? event -> onFirehoseEvent(event, shardId, shardCount) : null;
    }

    EventEndpoint firehoseEndpoint()
    {
        return firehose;
    }

    long seq()
    {
        return seq;
    }

    boolean isValid()
    {
        return valid;
    }

    void invalidate()
    {
        valid = false;
    }

    BinaryProtocolHandler attached()
    {
        return attached;
    }

    long detachedAt()
    {
        return detachedAt;
    }

    /**
     * @return the events kept for resume ({@link ResumeBuffer#EMPTY} before the first).
     */
    ResumeBuffer buffer()
    {
        return null == buffer ? ResumeBuffer.EMPTY : buffer;
    }

    /**
     * The handler owns the session now; events are buffered until {@link #goLive()}.
     */
    void attach(final BinaryProtocolHandler handler)
    {
        attached = handler;
        live = false;
    }

    /**
     * Events go to the attached connection as they come from now on.
     */
    void goLive()
    {
        live = true;
    }

    void detach(final long now)
    {
        attached = null;
        live = false;
        detachedAt = now;
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
        final ByteBuffer frame = table.encodeDispatch(++seq, event);
        final int start = frame.position();
        if (null == buffer)
        {
            buffer = table.newResumeBuffer();
        }
        buffer.append(frame);
        if (live && null != attached)
        {
            frame.position(start);
            attached.sendDispatch(frame);
        }
    }

    /**
     * Acknowledge events up to {@code lastSeq}.
     */
    void acknowledge(final long lastSeq)
    {
        if (null != buffer)
        {
            buffer.acknowledge(Math.min(lastSeq, seq));
        }
    }
}
