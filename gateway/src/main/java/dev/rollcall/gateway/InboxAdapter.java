package dev.rollcall.gateway;

import dev.rollcall.core.EventSink;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one gateway thread's inbox: the events, command results and close directives the
 * core's fan-out thread wrote to it, decoded and handed to the endpoints, handlers and sessions
 * of this thread; a command's result goes to the connection and tag that the {@link CoreProxy}
 * remembered for it.
 * <p>
 * Used only by its gateway thread (the core's fan-out thread writes the inbox, never this).
 */
final class InboxAdapter implements MessageHandler
{
    private static final int READS_PER_CYCLE = 4096;

    private final GatewayAgent agent;
    private final OneToOneRingBuffer inbox;
    private final EndpointRegistry registry;
    private final SessionTable sessions;
    private final HandlerInvoker handlers;
    private final GatewayContext ctx;
    private final GatewayCounters counters;
    private final PresenceEvent event = new PresenceEvent().cacheStrings();
    private final List<GatewayConnection> disconnected = new ArrayList<>();
    private long eventGeneration;

    InboxAdapter(
        final GatewayAgent agent,
        final OneToOneRingBuffer inbox,
        final EndpointRegistry registry,
        final SessionTable sessions,
        final HandlerInvoker handlers,
        final GatewayContext ctx,
        final GatewayCounters counters)
    {
        this.agent = agent;
        this.inbox = inbox;
        this.registry = registry;
        this.sessions = sessions;
        this.handlers = handlers;
        this.ctx = ctx;
        this.counters = counters;
    }

    /**
     * Deliver what is in the inbox, a bounded number of messages.
     *
     * @return the messages read.
     */
    int receive()
    {
        return inbox.read(this, READS_PER_CYCLE);
    }

    /** @return changes whenever the event flyweight is pointed at another event. */
    long eventGeneration()
    {
        return eventGeneration;
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case InboxDescriptor.EVENT -> onEventMessage(buffer, offset, length);
            case InboxDescriptor.RESULT -> onResultMessage(
                buffer.getLong(offset + InboxDescriptor.CORRELATION_OFFSET),
                buffer.getInt(offset + InboxDescriptor.RESULT_OFFSET));
            case InboxDescriptor.DIRECTIVE -> onDirective(
                buffer.getLong(offset + InboxDescriptor.USER_OFFSET),
                buffer.getLong(offset + InboxDescriptor.CONNECTION_OFFSET));
            default -> ctx.errorHandler().onError(new IllegalStateException("unknown inbox message " + type));
        }
    }

    private void onEventMessage(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final EventType type = EventType.fromCode(buffer.getInt(offset + InboxDescriptor.EVENT_TYPE_OFFSET));
        final int count = buffer.getInt(offset + InboxDescriptor.RECIPIENT_COUNT_OFFSET);
        final int eventOffset = InboxDescriptor.RECIPIENTS_OFFSET + count * Long.BYTES;
        event.wrap(type, buffer, offset + eventOffset, length - eventOffset);
        eventGeneration++;
        counters.increment(GatewayCounter.EVENTS_ROUTED);
        sessions.beginDelivery();
        try
        {
            for (int i = 0; i < count; i++)
            {
                deliverTo(buffer.getLong(offset + InboxDescriptor.RECIPIENTS_OFFSET + i * Long.BYTES), type);
            }
        }
        finally
        {
            sessions.endDelivery();
        }
    }

    /*
     * The lists' sizes are read at each step: an endpoint that leaves during delivery (a
     * connection a handler's throw closed) must not make the walk fail; sessions leave only after
     * the event (SessionTable.beginDelivery).
     */
    private void deliverTo(final long recipient, final EventType type)
    {
        if (recipient == EventSink.FIREHOSE)
        {
            if (type == EventType.CLIENT_DESTROYED)
            {
                sessions.onClientDestroyed(event.userId());
            }
            for (int f = 0; f < registry.firehoseCount(); f++)
            {
                deliver(registry.firehose(f));
            }
            return;
        }
        final Object target = registry.endpointsOf(recipient);
        if (target instanceof EndpointRegistry.EndpointList list)
        {
            for (int e = 0; e < list.size(); e++)
            {
                deliver(list.get(e));
            }
        }
        else if (null != target)
        {
            deliver((EventEndpoint)target);
        }
    }

    private void deliver(final EventEndpoint endpoint)
    {
        try
        {
            endpoint.onEvent(event);
        }
        catch (final Throwable ex)
        {
            if (endpoint instanceof GatewayConnection)
            {
                handlers.countError((GatewayConnection)endpoint, ex);
            }
            else
            {
                handlers.countError(ex);
            }
        }
    }

    private void onResultMessage(final long correlationId, final int result)
    {
        final GatewayConnection connection = agent.coreProxy().takeConnection(correlationId);
        final long tag = agent.coreProxy().takeTag(correlationId);
        final long updateStartNs = agent.latency().onResult(correlationId);
        if (null != connection && connection.agent == agent && !connection.isChannelClosed() && !connection.draining)
        {
            handlers.callResult(connection, tag, Result.fromCode(result));
            if (updateStartNs != UpdateLatency.NOT_SAMPLED)
            {
                agent.latency().onAnswered(updateStartNs);
            }
        }
    }

    private void onDirective(final long userId, final long connectionId)
    {
        sessions.onDisconnectedByServer(userId, connectionId);
        disconnected.clear();
        final Object target = registry.endpointsOf(userId);
        if (target instanceof EndpointRegistry.EndpointList list)
        {
            for (int e = 0, n = list.size(); e < n; e++)
            {
                if (list.get(e) instanceof GatewayConnection connection && connection.id() == connectionId)
                {
                    disconnected.add(connection);
                }
            }
        }
        else if (target instanceof GatewayConnection connection && connection.id() == connectionId)
        {
            disconnected.add(connection);
        }
        for (int i = 0, n = disconnected.size(); i < n; i++)
        {
            handlers.callDisconnectedByServer(disconnected.get(i));
        }
        disconnected.clear();
    }
}
