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
    final int shardId;
    final int shardCount;
    private final SessionTable table;
    private final ResumeBuffer buffer;
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
        final int shardCount,
        final int maxEvents,
        final int maxBytes)
    {
        this.table = table;
        this.sessionId = sessionId;
        this.userId = userId;
        this.connectionId = connectionId;
        this.shardId = shardId;
        this.shardCount = shardCount;
        this.buffer = new ResumeBuffer(maxEvents, maxBytes);
        this.firehose = shardCount > 0 ? this::onFirehoseEvent : null;
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

    ResumeBuffer buffer()
    {
        return buffer;
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

    private void onFirehoseEvent(final PresenceEvent event)
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
        buffer.acknowledge(Math.min(lastSeq, seq));
    }
}
