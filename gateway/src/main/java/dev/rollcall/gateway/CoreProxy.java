package dev.rollcall.gateway;

import dev.rollcall.core.InputType;
import dev.rollcall.core.Rollcall;
import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldGroup;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * One gateway thread's commands toward the core: each is published on the core's ring (through
 * {@link Rollcall}) with a correlation id naming this thread in its top byte, so the core's
 * fan-out routes its result back to this thread's inbox, where the {@link InboxAdapter} asks
 * which connection and tag it was for. An update's publication is also timed ({@link UpdateLatency}).
 * Used by its gateway thread only.
 */
final class CoreProxy
{
    private final Rollcall rollcall;
    private final CoreRouter router;
    private final UpdateLatency latency;
    private final long correlationPrefix;
    private final Long2ObjectHashMap<GatewayConnection> pendingConnection = new Long2ObjectHashMap<>();
    private final Long2LongHashMap pendingTag = new Long2LongHashMap(0);
    private long nextCorrelation = 1;

    CoreProxy(final int agentIndex, final Rollcall rollcall, final CoreRouter router, final UpdateLatency latency)
    {
        this.rollcall = rollcall;
        this.router = router;
        this.latency = latency;
        this.correlationPrefix = (long)agentIndex << 56;
    }

    /**
     * @return the thread that issued the command of this correlation id.
     */
    static int agentOf(final long correlationId)
    {
        return (int)(correlationId >>> 56);
    }

    void connectUser(final GatewayConnection connection, final long connectionId, final long tag)
    {
        rollcall.connectUser(connection.userId(), connectionId, router, correlate(connection, tag));
    }

    void connectUser(
        final GatewayConnection connection, final long connectionId, final Changes presence, final String reason,
        final long tag)
    {
        rollcall.connectUser(connection.userId(), connectionId, presence, reason, router, correlate(connection, tag));
    }

    /** No result is asked for. */
    void connectionLost(final long userId, final long connectionId)
    {
        rollcall.connectionLost(userId, connectionId, null, 0);
    }

    void update(
        final GatewayConnection connection, final FieldGroup group, final Changes changes, final String reason,
        final long tag)
    {
        final long correlationId = correlate(connection, tag);
        latency.onPublished(correlationId);
        rollcall.update(group, connection.userId(), changes, reason, router, correlationId);
    }

    /**
     * @param type one of {@code InputType}'s four subscription types.
     */
    void subscription(final GatewayConnection connection, final int type, final long targetId, final long tag)
    {
        final boolean lobby = type == InputType.SUBSCRIBE_LOBBY || type == InputType.UNSUBSCRIBE_LOBBY;
        if (!lobby && type != InputType.SUBSCRIBE_CLIENT && type != InputType.UNSUBSCRIBE_CLIENT)
        {
            throw new IllegalArgumentException("not a subscription type: " + type);
        }
        rollcall.subscription(type, connection.userId(), lobby ? 0 : targetId, lobby ? targetId : 0,
            router, correlate(connection, tag));
    }

    /**
     * @return the connection that issued the command of this correlation id (forgotten now), or null.
     */
    GatewayConnection takeConnection(final long correlationId)
    {
        return pendingConnection.remove(correlationId);
    }

    /**
     * @return the tag given with the command of this correlation id (forgotten now), or 0.
     */
    long takeTag(final long correlationId)
    {
        return pendingTag.remove(correlationId);
    }

    private long correlate(final GatewayConnection connection, final long tag)
    {
        final long correlationId = correlationPrefix | (nextCorrelation++ & 0x00FF_FFFF_FFFF_FFFFL);
        pendingConnection.put(correlationId, connection);
        pendingTag.put(correlationId, tag);
        return correlationId;
    }
}
