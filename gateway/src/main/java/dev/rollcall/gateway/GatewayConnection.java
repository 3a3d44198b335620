package dev.rollcall.gateway;

import dev.rollcall.gateway.websocket.WebSocketFrames;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.core.Rollcall;
import dev.rollcall.protocol.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One TCP connection, owned by one {@link GatewayAgent} at a time (it moves once, to its
 * user's home thread, on {@link #bind}). Buffers are held only while bytes wait: an idle
 * connection keeps no input or output buffer.
 */
final class GatewayConnection implements Connection, EventEndpoint
{
    private static final int RESERVE_FOR_GOODBYE = 1024;
    /** A closing connection whose peer keeps reading lingers at most this many {@code lingerMs} in all. */
    static final int MAX_LINGERS = 30;

    private final long id;
    private final SocketChannel channel;
    private final InetSocketAddress remoteAddress;
    ConnectionHandler handler;
    GatewayAgent agent;
    /** RFC 6455 framing for a connection that came in on the WebSocket port, else null. */
    WebSocketTransport transport;
    SelectionKey key;

    private long userId;
    private boolean events;
    boolean bindPending;
    boolean migrating;
    /** Closed for the handler; the socket is half-closed and read until the peer closes ({@link GatewayAgent}). */
    boolean draining;
    private boolean suspended;
    private boolean closing;
    private boolean closed;
    private boolean admitted;
    private boolean refusing;
    private boolean refused;
    private long lingerDeadline;
    private long closingSince;
    long timeoutDeadline;
    ByteBuffer input;
    ByteBuffer output;
    boolean dirty;
    boolean inputPending;

    GatewayConnection(
        final long id,
        final SocketChannel channel,
        final InetSocketAddress remoteAddress,
        final GatewayAgent agent)
    {
        this.id = id;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.agent = agent;
    }

    SocketChannel channel()
    {
        return channel;
    }

    void admitted(final boolean admitted)
    {
        this.admitted = admitted;
    }

    boolean events()
    {
        return events;
    }

    boolean isSuspended()
    {
        return suspended;
    }

    boolean isClosing()
    {
        return closing;
    }

    long lingerDeadline()
    {
        return lingerDeadline;
    }

    /**
     * All written and half-closed: the peer gets at least a linger from now to close its side.
     *
     * @param now the gateway's clock.
     */
    void draining(final long now)
    {
        lingerDeadline = Math.max(lingerDeadline, now + agent.context().lingerMs());
    }

    /**
     * A closing connection's peer took more bytes: its linger starts again, so a peer that reads
     * slowly but steadily receives what was queued and the goodbye after it, up to
     * {@link #MAX_LINGERS} lingers in all; one that stops reading is closed a linger later.
     *
     * @param now the gateway's clock.
     */
    void madeProgress(final long now)
    {
        if (closing && !closed)
        {
            final long lingerMs = agent.context().lingerMs();
            lingerDeadline = Math.max(lingerDeadline, Math.min(now + lingerMs, closingSince + MAX_LINGERS * lingerMs));
        }
    }

    @Override
    public long id()
    {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        return remoteAddress;
    }

    @Override
    public long userId()
    {
        return userId;
    }

    @Override
    public long nowMs()
    {
        return agent.nowMs();
    }

    @Override
    public GatewayContext context()
    {
        return agent.context();
    }

    @Override
    public Rollcall rollcall()
    {
        return agent.rollcall();
    }

    @Override
    public boolean isClosed()
    {
        return closing || closed;
    }

    @Override
    public boolean isInputSuspended()
    {
        return suspended || closing || closed;
    }

    @Override
    public boolean isShuttingDown()
    {
        return agent.isShuttingDown();
    }

    @Override
    public <T> T perThread(final PerThread<T> resource)
    {
        return agent.perThread(resource);
    }

    @Override
    public SessionService sessions()
    {
        return agent.sessions;
    }

    @Override
    public void count(final GatewayCounter counter)
    {
        agent.counters().increment(counter);
    }

    @Override
    public long gatewayCounter(final GatewayCounter counter)
    {
        return agent.gatewayCounter(counter);
    }

    @Override
    public long gatewayErrorCount(final ErrorCode code)
    {
        return agent.gatewayErrorCount(code);
    }

    @Override
    public void countError(final ErrorCode code)
    {
        agent.counters().error(code);
    }

    @Override
    public boolean send(final ByteBuffer bytes)
    {
        return null == transport ? queueFrame(-1, bytes, false) : transport.send(this, bytes);
    }

    /**
     * Queue bytes as they are ({@code opcode} -1) or as one WebSocket frame.
     *
     * @param opcode  the frame's opcode, or -1 for no framing.
     * @param bytes   the payload, from position to limit; consumed.
     * @param goodbye true for a closing message, which may use the reserve above the outbound limit.
     * @return false if the connection is closed or was just closed as a slow consumer.
     */
    boolean queueFrame(final int opcode, final ByteBuffer bytes, final boolean goodbye)
    {
        if (closed || (closing && !refusing && !goodbye))
        {
            return false;
        }
        final int payload = bytes.remaining();
        final int length = payload + (opcode < 0 ? 0 : WebSocketFrames.serverHeaderLength(payload));
        final int limit = agent.context().maxOutboundBytes() + (refusing || goodbye ? RESERVE_FOR_GOODBYE : 0);
        int queued = null == output ? 0 : output.position();
        if ((long)queued + length > limit && queued > 0 && !migrating)
        {
            agent.writer.writeThrough(this);
            queued = null == output ? 0 : output.position();
        }
        if ((long)queued + length > limit)
        {
            if (!refusing)
            {
                agent.counters().increment(GatewayCounter.SLOW_CONSUMERS);
                refuse(Refusal.SLOW_CONSUMER);
            }
            return false;
        }
        ensureOutput(queued + length);
        if (opcode >= 0)
        {
            WebSocketFrames.putServerHeader(output, opcode, payload);
        }
        output.put(bytes);
        if (!dirty)
        {
            dirty = true;
            agent.writer.markDirty(this);
        }
        return true;
    }

    private void ensureOutput(final int required)
    {
        if (null == output)
        {
            output = agent.writer.acquireBuffer(required);
        }
        else if (output.capacity() < required)
        {
            final int capacity = Math.min(
                Math.max(required, output.capacity() * 2), agent.context().maxOutboundBytes() + RESERVE_FOR_GOODBYE);
            final ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(capacity, required));
            output.flip();
            bigger.put(output);
            agent.writer.releaseBuffer(output);
            output = bigger;
        }
    }

    /**
     * Tell the handler why, then close.
     */
    void refuse(final Refusal refusal)
    {
        if (refused || closed)
        {
            return;
        }
        refused = true;
        refusing = true;
        if (null != transport && transport.isHandshaking())
        {
            transport.refuseBeforeHandshake(this, refusal); // an HTTP answer: the handler never opened
        }
        else
        {
            if (null != transport)
            {
                transport.closeCode(WebSocketTransport.closeCodeOf(refusal));
            }
            agent.handlers().callRefused(this, refusal);
        }
        close();
        refusing = false;
    }

    @Override
    public void close()
    {
        if (closing || closed)
        {
            return;
        }
        if (null != transport)
        {
            transport.onClosing(this);
        }
        closing = true;
        suspended = true;
        closingSince = agent.nowMs();
        lingerDeadline = closingSince + agent.context().lingerMs();
        if (!migrating && !bindPending)
        {
            agent.interestChanged(this);
        }
        if (!dirty)
        {
            agent.writer.markDirty(this);
        }
    }

    /**
     * Close the socket and notify the handler (once).
     */
    void closeChannel()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        closing = true;
        if (null != key)
        {
            key.cancel();
        }
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        if (admitted)
        {
            agent.limits().release(remoteAddress.getAddress());
        }
        if (null != output)
        {
            agent.writer.releaseBuffer(output);
            output = null;
        }
        input = null;
    }

    boolean isChannelClosed()
    {
        return closed;
    }

    @Override
    public void closeCode(final int code)
    {
        if (null != transport)
        {
            transport.applicationCloseCode(code);
        }
    }

    @Override
    public void timeout(final long delayMs)
    {
        timeoutDeadline = delayMs <= 0 ? 0 : agent.nowMs() + delayMs;
    }

    @Override
    public void suspendInput(final boolean suspended)
    {
        if (closing || closed)
        {
            return;
        }
        this.suspended = suspended;
        if (!migrating && !bindPending)
        {
            agent.interestChanged(this);
        }
    }

    @Override
    public void bind(final long userId, final boolean events)
    {
        if (userId <= 0)
        {
            throw new IllegalArgumentException("userId must be > 0: " + userId);
        }
        if (this.userId != 0)
        {
            throw new IllegalStateException("already bound to " + this.userId);
        }
        this.userId = userId;
        this.events = events;
        bindPending = true;
    }

    @Override
    public void connectUser(final long connectionId, final long tag)
    {
        requireBound();
        agent.coreProxy().connectUser(this, connectionId, tag);
    }

    @Override
    public void connectUser(final long connectionId, final Changes presence, final String reason, final long tag)
    {
        requireBound();
        agent.coreProxy().connectUser(this, connectionId, presence, reason, tag);
    }

    @Override
    public void connectionLost(final long connectionId)
    {
        requireBound();
        agent.coreProxy().connectionLost(userId, connectionId);
    }

    @Override
    public void update(final FieldGroup group, final Changes changes, final String reason, final long tag)
    {
        requireBound();
        agent.coreProxy().update(this, group, changes, reason, tag);
    }

    @Override
    public void subscription(final int type, final long targetId, final long tag)
    {
        requireBound();
        agent.coreProxy().subscription(this, type, targetId, tag);
    }

    private void requireBound()
    {
        if (userId == 0 || bindPending || migrating)
        {
            throw new IllegalStateException("bind the connection first and wait for onBound");
        }
    }

    @Override
    public void onEvent(final PresenceEvent event)
    {
        if (!closing && !closed)
        {
            agent.handlers().callEvent(this, event);
        }
    }

    @Override
    public String toString()
    {
        return "connection " + id + " from " + remoteAddress + (userId == 0 ? "" : " (user " + userId + ")");
    }
}
