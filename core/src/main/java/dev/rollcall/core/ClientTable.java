package dev.rollcall.core;

import dev.rollcall.model.FieldTable;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The live clients by user id. Owned by the business-logic thread alone; never shared.
 * Destroyed clients go back to a pool so that churn does not allocate in steady state.
 */
final class ClientTable
{
    private static final int MAX_POOLED = 4096;

    private final Long2ObjectHashMap<ClientState> clients = new Long2ObjectHashMap<>();
    private final ArrayDeque<ClientState> pool = new ArrayDeque<>();
    private final long[] defaults = new long[FieldTable.MAX_FIELDS];

    ClientTable(final FieldTable table)
    {
        for (int number = 0; number < table.count(); number++)
        {
            defaults[number] = table.field(number).defaultValue();
        }
    }

    /**
     * @return every scalar field's default, by field number.
     */
    long[] defaults()
    {
        return defaults;
    }

    ClientState get(final long userId)
    {
        return clients.get(userId);
    }

    ClientState create(final long userId)
    {
        ClientState client = pool.pollFirst();
        if (null == client)
        {
            client = new ClientState();
        }
        client.reset(userId, defaults);
        clients.put(userId, client);
        return client;
    }

    void remove(final ClientState client)
    {
        clients.remove(client.userId);
        if (pool.size() < MAX_POOLED)
        {
            pool.addFirst(client);
        }
    }

    /**
     * @return the user ids of the live clients, ascending: the deterministic order for work
     * that must not depend on the map's history (snapshots, the restart's reset). Allocates.
     */
    long[] sortedUserIds()
    {
        final long[] userIds = new long[clients.size()];
        int n = 0;
        for (final ClientState client : clients.values())
        {
            userIds[n++] = client.userId;
        }
        Arrays.sort(userIds);
        return userIds;
    }

    int size()
    {
        return clients.size();
    }

    /**
     * @return the live clients, for snapshots and tests (iterating allocates nothing).
     */
    Long2ObjectHashMap<ClientState>.ValueCollection values()
    {
        return clients.values();
    }
}
