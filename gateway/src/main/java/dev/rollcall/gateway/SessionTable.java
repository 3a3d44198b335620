package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in protocol's sessions on one gateway thread (the home thread of their users):
 * creation with unguessable ids, lookup for resume, expiry after the resume window, and the
 * DISPATCH frame shared by every session that receives the same event: the core's bytes of the
 * event are its body as they are, so making the frame is a header and a copy, and each session
 * then patches only its seq.
 */
final class SessionTable
{
    private static final long EXPIRY_SCAN_MS = 250;

    private final GatewayAgent agent;
    private final Long2ObjectHashMap<Session> byId = new Long2ObjectHashMap<>();
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final List<Session> scratch = new ArrayList<>();
    private final ByteBuffer frame =
        ByteBuffer.allocate(Protocol.HEADER_LENGTH + Protocol.MAX_SERVER_FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private PresenceEvent encodedEvent;
    private long encodedGeneration = -1;
    private int encodedLength;
    private long nextExpiryScan;

    SessionTable(final GatewayAgent agent)
    {
        this.agent = agent;
    }

    int size()
    {
        return byId.size();
    }

    Session create(final long userId, final long connectionId, final int shardId, final int shardCount)
    {
        long sessionId;
        do
        {
            sessionId = random.nextLong() & Long.MAX_VALUE;
        }
        while (sessionId == 0 || byId.containsKey(sessionId));
        final Session session = new Session(this, sessionId, userId, connectionId, shardId, shardCount);
        byId.put(sessionId, session);
        agent.registry().register(userId, session);
        if (null != session.firehoseEndpoint())
        {
            agent.registry().registerFirehose(session.firehoseEndpoint());
        }
        return session;
    }

    Session get(final long sessionId)
    {
        return byId.get(sessionId);
    }

    void destroy(final Session session)
    {
        if (!session.isValid())
        {
            return;
        }
        session.invalidate();
        byId.remove(session.sessionId);
        agent.registry().unregister(session.userId, session);
        if (null != session.firehoseEndpoint())
        {
            agent.registry().unregisterFirehose(session.firehoseEndpoint());
        }
    }

    /**
     * A session's resume buffer, made at its first event.
     */
    ResumeBuffer newResumeBuffer()
    {
        final GatewayContext ctx = agent.context();
        return new ResumeBuffer(ctx.sessionBufferEvents(), Math.min(ctx.sessionBufferBytes(), ctx.maxOutboundBytes() / 2));
    }

    private long resumeWindowMs()
    {
        final long configured = agent.context().resumeWindowMs();
        return configured >= 0 ? configured : agent.rollcall().context().gracePeriodMs();
    }

    /**
     * Destroy sessions detached for longer than the resume window.
     */
    void expire(final long now)
    {
        if (now < nextExpiryScan || byId.isEmpty())
        {
            return;
        }
        nextExpiryScan = now + EXPIRY_SCAN_MS;
        final long window = resumeWindowMs();
        scratch.clear();
        for (final Session session : byId.values())
        {
            if (null == session.attached() && now - session.detachedAt() >= window)
            {
                scratch.add(session);
            }
        }
        for (int i = 0, n = scratch.size(); i < n; i++)
        {
            destroy(scratch.get(i));
        }
        scratch.clear();
    }

    /**
     * The core destroyed the user on purpose: its session for that connection ends, and the
     * connection attached to it is closed with DISCONNECTED_BY_SERVER.
     */
    void onDisconnectedByServer(final long userId, final long connectionId)
    {
        final Session session = sessionOf(userId, connectionId);
        if (null == session)
        {
            return;
        }
        final BinaryProtocolHandler handler = session.attached();
        destroy(session);
        if (null != handler)
        {
            handler.fail(0, ErrorCode.DISCONNECTED_BY_SERVER, "disconnected by the server");
        }
    }

    private Session sessionOf(final long userId, final long connectionId)
    {
        final Object target = agent.registry().endpointsOf(userId);
        if (target instanceof EndpointRegistry.EndpointList list)
        {
            for (int i = 0, n = list.size(); i < n; i++)
            {
                if (list.get(i) instanceof Session session && session.connectionId == connectionId)
                {
                    return session;
                }
            }
        }
        else if (target instanceof Session session && session.connectionId == connectionId)
        {
            return session;
        }
        return null;
    }

    /**
     * The user's client is gone (grace ended): none of its sessions can be resumed.
     */
    void onClientDestroyed(final long userId)
    {
        scratch.clear();
        final Object target = agent.registry().endpointsOf(userId);
        if (target instanceof EndpointRegistry.EndpointList list)
        {
            for (int i = 0, n = list.size(); i < n; i++)
            {
                if (list.get(i) instanceof Session session)
                {
                    scratch.add(session);
                }
            }
        }
        else if (target instanceof Session session)
        {
            scratch.add(session);
        }
        for (int i = 0, n = scratch.size(); i < n; i++)
        {
            destroy(scratch.get(i));
        }
        scratch.clear();
    }

    void invalidateAll()
    {
        scratch.clear();
        scratch.addAll(byId.values());
        for (int i = 0, n = scratch.size(); i < n; i++)
        {
            destroy(scratch.get(i));
        }
        scratch.clear();
    }

    /**
     * The DISPATCH frame for an event, made once per event and per thread: the frame header, then
     * the event's bytes as the core encoded them (the DISPATCH body, seq 0); only the seq differs
     * between the sessions that receive it.
     *
     * @return a buffer holding the frame between position and limit.
     * @throws IllegalStateException when the event is longer than the largest server frame.
     */
    ByteBuffer encodeDispatch(final long seq, final PresenceEvent event)
    {
        final long generation = agent.inboxAdapter().eventGeneration();
        if (event != encodedEvent || generation != encodedGeneration)
        {
            final int length = event.length();
            if (length >= Protocol.MAX_SERVER_FRAME_SIZE)
            {
                throw new IllegalStateException(
                    "an event of " + length + " bytes does not fit a DISPATCH frame; not dispatched");
            }
            frame.clear();
            frame.putInt(0, 1 + length);
            frame.put(Protocol.HEADER_LENGTH, (byte)Protocol.DISPATCH);
            event.buffer().getBytes(event.offset(), frame, Protocol.BODY_OFFSET, length);
            encodedLength = Protocol.BODY_OFFSET + length;
            encodedEvent = event;
            encodedGeneration = generation;
        }
        frame.putLong(ResumeBuffer.SEQ_OFFSET, seq);
        agent.counters().increment(GatewayCounter.EVENTS_DISPATCHED);
        frame.limit(encodedLength).position(0);
        return frame;
    }
}
