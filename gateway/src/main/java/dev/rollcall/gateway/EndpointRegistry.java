package dev.rollcall.gateway;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Who on one gateway thread receives a user's events: the event endpoints (connections and
 * sessions) of each user whose home this thread is, and the firehose shards' endpoints.
 * <p>
 * Changed and read by its gateway thread only; the core's fan-out thread reads only
 * {@link #hasFirehose()}.
 */
final class EndpointRegistry
{
    private final Long2ObjectHashMap<Object> endpoints = new Long2ObjectHashMap<>();
    private final List<EventEndpoint> firehose = new ArrayList<>();
    private volatile int firehoseEndpoints;

    void register(final long userId, final EventEndpoint endpoint)
    {
        final Object existing = endpoints.get(userId);
        if (null == existing)
        {
            endpoints.put(userId, endpoint);
        }
        else if (existing instanceof EndpointList list)
        {
            list.add(endpoint);
        }
        else
        {
            final EndpointList list = new EndpointList();
            list.add((EventEndpoint)existing);
            list.add(endpoint);
            endpoints.put(userId, list);
        }
    }

    void unregister(final long userId, final EventEndpoint endpoint)
    {
        final Object existing = endpoints.get(userId);
        if (existing == endpoint)
        {
            endpoints.remove(userId);
        }
        else if (existing instanceof EndpointList list)
        {
            list.remove(endpoint);
            if (list.size() == 1)
            {
                endpoints.put(userId, list.get(0));
            }
        }
    }

    /**
     * @return the user's endpoint (an {@link EventEndpoint} or an {@link EndpointList}), or null.
     */
    Object endpointsOf(final long userId)
    {
        return endpoints.get(userId);
    }

    void registerFirehose(final EventEndpoint endpoint)
    {
        firehose.add(endpoint);
        firehoseEndpoints = firehose.size();
    }

    void unregisterFirehose(final EventEndpoint endpoint)
    {
        firehose.remove(endpoint);
        firehoseEndpoints = firehose.size();
    }

    /**
     * Any thread: the router asks it to know whether this thread wants firehose events.
     */
    boolean hasFirehose()
    {
        return firehoseEndpoints > 0;
    }

    int firehoseCount()
    {
        return firehose.size();
    }

    EventEndpoint firehose(final int i)
    {
        return firehose.get(i);
    }

    /** Several endpoints of one user on this thread. */
    static final class EndpointList extends ArrayList<EventEndpoint>
    {
        private static final long serialVersionUID = 1L;
    }
}
