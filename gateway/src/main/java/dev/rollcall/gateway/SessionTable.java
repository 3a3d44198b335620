package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.protocol.Protocol;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@link SessionService} of one gateway thread (the home thread of its sessions' users):
 * creation with unguessable ids, lookup for resume, expiry after the resume window, and the
 * copy of an event shared by every session of this thread that receives it: the core's bytes
 * copied once per event, each session then writing only its seq.
 */
final class SessionTable implements SessionService
{
    private static final long EXPIRY_SCAN_MS = 250;

    private final GatewayAgent agent;
    private final Long2ObjectHashMap<Session> byId = new Long2ObjectHashMap<>();
    private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    private final List<Session> scratch = new ArrayList<>();
    /** Destroyed while an event was being delivered: taken out of the registry once it has gone. */
    private final List<Session> deferred = new ArrayList<>();
    private boolean delivering;
    private final UnsafeBuffer copy = new UnsafeBuffer(new byte[Protocol.MAX_SERVER_FRAME_SIZE]);
    private final PresenceEvent numbered = new PresenceEvent().cacheStrings();
    private PresenceEvent copiedEvent;
    private long copiedGeneration = -1;
    private long nextExpiryScan;

    SessionTable(final GatewayAgent agent)
    {
        this.agent = agent;
    }

    int size()
    {
        return byId.size();
    }

    @Override
    public EventSession open(
        final Connection connection, final SessionListener listener, final int shardId, final int shardCount)
    {
        requireBoundHere(connection);
        if (shardCount < 0 || (shardCount > 0 && (shardId < 0 || shardId >= shardCount)))
        {
            throw new IllegalArgumentException("shard [" + shardId + ", " + shardCount + "] is out of range");
        }
        final Session session = create(connection.userId(), connection.id(), shardId, shardCount, true);
        session.attach(listener);
        return session;
    }

    @Override
    public EventSession openWatcher(final Connection connection, final SessionListener listener)
    {
        requireBoundHere(connection);
        final Session session = create(connection.userId(), connection.id(), 0, 1, false);
        session.attach(listener);
        return session;
    }

    /**
     * A session lives on its user's home thread: open it once the connection is bound and there.
     */
    private void requireBoundHere(final Connection connection)
    {
        final GatewayConnection c = (GatewayConnection)connection;
        if (c.userId() <= 0 || c.bindPending || c.migrating || c.agent != agent)
        {
            throw new IllegalStateException("open a session from onBound or later, on the connection's own thread");
        }
    }

    @Override
    public EventSession find(final Connection connection, final long sessionId)
    {
        final Session session = byId.get(sessionId);
        return null == session || !session.isValid() || session.userId() != connection.userId() ? null : session;
    }

    private Session create(
        final long userId, final long connectionId, final int shardId, final int shardCount, final boolean presence)
    {
        long sessionId;
        do
        {
            sessionId = random.nextLong() & Long.MAX_VALUE;
        }
        while (sessionId == 0 || byId.containsKey(sessionId));
        final Session session = new Session(this, sessionId, userId, connectionId, shardId, shardCount, presence);
        byId.put(sessionId, session);
        if (presence)
        {
            agent.registry().register(userId, session); // a watcher's user receives nothing as a subscriber
        }
        if (null != session.firehoseEndpoint())
        {
            agent.registry().registerFirehose(session.firehoseEndpoint());
        }
        return session;
    }

    void destroy(final Session session)
    {
        if (!session.isValid())
        {
            return;
        }
        session.invalidate();
        byId.remove(session.id());
        if (delivering)
        {
            deferred.add(session); // the registry's lists are being walked: they change after the event
            return;
        }
        unregister(session);
    }

    /**
     * An event is being handed to this thread's endpoints: a session destroyed meanwhile (by a
     * listener, or by the event itself) receives nothing more, and leaves the registry after.
     */
    void beginDelivery()
    {
        delivering = true;
    }

    /**
     * The event has gone to every endpoint: the sessions destroyed meanwhile leave the registry.
     */
    void endDelivery()
    {
        delivering = false;
        for (int i = 0, n = deferred.size(); i < n; i++)
        {
            unregister(deferred.get(i));
        }
        deferred.clear();
    }

    private void unregister(final Session session)
    {
        if (session.hasPresence())
        {
            agent.registry().unregister(session.userId(), session);
        }
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
            if (!session.isAttached() && now - session.detachedAt() >= window)
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
     * The core destroyed the user on purpose: its session for that connection ends, and its
     * listener is told.
     */
    void onDisconnectedByServer(final long userId, final long connectionId)
    {
        final Session session = sessionOf(userId, connectionId);
        if (null == session)
        {
            return;
        }
        final SessionListener listener = session.listener();
        destroy(session);
        if (null != listener)
        {
            try
            {
                listener.onSessionDisconnectedByServer(session);
            }
            catch (final Throwable ex)
            {
                agent.handlers().countError(ex);
            }
        }
    }

    private Session sessionOf(final long userId, final long connectionId)
    {
        final Object target = agent.registry().endpointsOf(userId);
        if (target instanceof EndpointRegistry.EndpointList list)
        {
            for (int i = 0, n = list.size(); i < n; i++)
            {
                if (list.get(i) instanceof Session session && session.connectionId() == connectionId)
                {
                    return session;
                }
            }
        }
        else if (target instanceof Session session && session.connectionId() == connectionId)
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
     * The event as one session numbers it: the core's bytes, copied once per event and per
     * thread, with the session's seq written in ({@link EventDescriptor#SEQ_OFFSET}).
     *
     * @return a flyweight over this thread's copy, valid until the next call.
     * @throws IllegalStateException when the event is longer than the largest server frame.
     */
    PresenceEvent number(final long seq, final PresenceEvent event)
    {
        final long generation = agent.inboxAdapter().eventGeneration();
        if (event != copiedEvent || generation != copiedGeneration)
        {
            final int length = event.length();
            if (length >= Protocol.MAX_SERVER_FRAME_SIZE)
            {
                throw new IllegalStateException(
                    "an event of " + length + " bytes does not fit a DISPATCH frame; not dispatched");
            }
            event.buffer().getBytes(event.offset(), copy, 0, length);
            numbered.wrap(event.type(), copy, 0, length);
            copiedEvent = event;
            copiedGeneration = generation;
        }
        copy.putLong(EventDescriptor.SEQ_OFFSET, seq, ByteOrder.LITTLE_ENDIAN);
        agent.counters().increment(GatewayCounter.EVENTS_DISPATCHED);
        return numbered;
    }
}
