package dev.rollcall.core;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.Arrays;

/**
 * Who watches which topic: subscribers of each client topic (by user id) and of each lobby
 * topic (by lobby id), with the reverse index so that a subscriber can be removed in one go.
 * Owned by the business-logic thread alone.
 */
final class Subscriptions
{
    private final Long2ObjectHashMap<LongHashSet> clientTopics = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongHashSet> lobbyTopics = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongHashSet> clientsBySubscriber = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongHashSet> lobbiesBySubscriber = new Long2ObjectHashMap<>();

    /**
     * @return the subscribers of a client topic, or null when there are none. Do not keep.
     */
    LongHashSet clientSubscribers(final long userId)
    {
        return clientTopics.get(userId);
    }

    /**
     * @return the subscribers of a lobby topic, or null when there are none. Do not keep.
     */
    LongHashSet lobbySubscribers(final long lobbyId)
    {
        return lobbyTopics.get(lobbyId);
    }

    boolean subscribeClient(final long subscriberId, final long userId)
    {
        return add(clientTopics, userId, subscriberId) && add(clientsBySubscriber, subscriberId, userId);
    }

    boolean unsubscribeClient(final long subscriberId, final long userId)
    {
        return remove(clientTopics, userId, subscriberId) && remove(clientsBySubscriber, subscriberId, userId);
    }

    boolean subscribeLobby(final long subscriberId, final long lobbyId)
    {
        return add(lobbyTopics, lobbyId, subscriberId) && add(lobbiesBySubscriber, subscriberId, lobbyId);
    }

    boolean unsubscribeLobby(final long subscriberId, final long lobbyId)
    {
        return remove(lobbyTopics, lobbyId, subscriberId) && remove(lobbiesBySubscriber, subscriberId, lobbyId);
    }

    /**
     * @return true when the subscriber held any subscription.
     */
    boolean removeSubscriber(final long subscriberId)
    {
        final LongHashSet clients = clientsBySubscriber.remove(subscriberId);
        final LongHashSet lobbies = lobbiesBySubscriber.remove(subscriberId);
        if (null != clients)
        {
            final LongHashSet.LongIterator it = clients.iterator();
            while (it.hasNext())
            {
                remove(clientTopics, it.nextValue(), subscriberId);
            }
        }
        if (null != lobbies)
        {
            final LongHashSet.LongIterator it = lobbies.iterator();
            while (it.hasNext())
            {
                remove(lobbyTopics, it.nextValue(), subscriberId);
            }
        }
        return null != clients || null != lobbies;
    }

    boolean isSubscribedToClient(final long subscriberId, final long userId)
    {
        final LongHashSet set = clientTopics.get(userId);
        return null != set && set.contains(subscriberId);
    }

    boolean isSubscribedToLobby(final long subscriberId, final long lobbyId)
    {
        final LongHashSet set = lobbyTopics.get(lobbyId);
        return null != set && set.contains(subscriberId);
    }

    int subscriptionCount()
    {
        int count = 0;
        for (final LongHashSet set : clientsBySubscriber.values())
        {
            count += set.size();
        }
        for (final LongHashSet set : lobbiesBySubscriber.values())
        {
            count += set.size();
        }
        return count;
    }

    /**
     * @return every (subscriber, user) client subscription as consecutive pairs, sorted.
     */
    long[] clientSubscriptionPairs()
    {
        return sortedPairs(clientsBySubscriber);
    }

    /**
     * @return every (subscriber, lobby) lobby subscription as consecutive pairs, sorted.
     */
    long[] lobbySubscriptionPairs()
    {
        return sortedPairs(lobbiesBySubscriber);
    }

    private static long[] sortedPairs(final Long2ObjectHashMap<LongHashSet> bySubscriber)
    {
        final long[] subscribers = new long[bySubscriber.size()];
        int n = 0;
        final Long2ObjectHashMap<LongHashSet>.KeyIterator keys = bySubscriber.keySet().iterator();
        while (keys.hasNext())
        {
            subscribers[n++] = keys.nextLong();
        }
        Arrays.sort(subscribers);
        int total = 0;
        for (final long subscriber : subscribers)
        {
            total += bySubscriber.get(subscriber).size();
        }
        final long[] pairs = new long[total * 2];
        int p = 0;
        for (final long subscriber : subscribers)
        {
            final LongHashSet set = bySubscriber.get(subscriber);
            final long[] topics = new long[set.size()];
            final LongHashSet.LongIterator it = set.iterator();
            for (int i = 0; it.hasNext(); i++)
            {
                topics[i] = it.nextValue();
            }
            Arrays.sort(topics);
            for (final long topic : topics)
            {
                pairs[p++] = subscriber;
                pairs[p++] = topic;
            }
        }
        return pairs;
    }

    private static boolean add(final Long2ObjectHashMap<LongHashSet> index, final long key, final long member)
    {
        LongHashSet set = index.get(key);
        if (null == set)
        {
            set = new LongHashSet();
            index.put(key, set);
        }
        return set.add(member);
    }

    private static boolean remove(final Long2ObjectHashMap<LongHashSet> index, final long key, final long member)
    {
        final LongHashSet set = index.get(key);
        if (null == set || !set.remove(member))
        {
            return false;
        }
        if (set.isEmpty())
        {
            index.remove(key);
        }
        return true;
    }
}
