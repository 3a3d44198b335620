package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import org.agrona.collections.Long2ObjectHashMap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read model behind the queries: a copy of every client, written only by the fan-out
 * thread from the images the business logic emits, read by any thread without locks.
 * <p>
 * Each entry is guarded by a sequence lock: the writer makes the version odd, copies, makes
 * it even; a reader copies optimistically and retries if the version moved. Readers never
 * block the writer and never see a half-written client.
 * <p>
 * Consistency: the fan-out applies an input's images only after the journal holds the
 * input, so a query never reveals an unjournaled change. A single-client read is a
 * consistent image as of some input already applied; once a command's result has been
 * delivered, every later query sees its effect (read-your-writes). Reads of several clients
 * ({@link #ids()}, lists) are per-client consistent but not one atomic cut across clients.
 * The writer allocates only when a client appears (its entry and the index node).
 */
final class ClientDirectory
{
    private static final VarHandle VERSION;

    static
    {
        try
        {
            VERSION = MethodHandles.lookup().findVarHandle(Entry.class, "version", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    static final class Entry
    {
        @SuppressWarnings("unused")
        private long version;
        private boolean removed;
        private final ClientState state = new ClientState();

        private void write(final ClientState image, final boolean remove)
        {
            final long v = (long)VERSION.getOpaque(this);
            VERSION.setOpaque(this, v + 1);
            VarHandle.storeStoreFence();
            if (remove)
            {
                removed = true;
            }
            else
            {
                state.copyFrom(image);
            }
            VERSION.setRelease(this, v + 2);
        }

        ClientInfo read()
        {
            while (true)
            {
                final long before = (long)VERSION.getAcquire(this);
                if ((before & 1) == 0)
                {
                    final boolean wasRemoved = removed;
                    ClientInfo info = null;
                    try
                    {
                        info = wasRemoved ? null : copy(state);
                    }
                    catch (final RuntimeException torn)
                    {
                        // a torn read of arrays being replaced: the version check below retries
                    }
                    VarHandle.loadLoadFence();
                    if ((long)VERSION.getOpaque(this) == before && (wasRemoved || null != info))
                    {
                        return info;
                    }
                }
                Thread.onSpinWait();
            }
        }

        /**
         * Copy a client into an immutable {@link ClientInfo}; tolerates a torn source by
         * bounding every index (the caller validates the version and retries).
         */
        static ClientInfo copy(final ClientState s)
        {
            final long[] connections = s.connections;
            final int connectionCount = Math.min(s.connectionCount, connections.length);
            final List<Long> connectionIds = new ArrayList<>(connectionCount);
            for (int i = 0; i < connectionCount; i++)
            {
                connectionIds.add(connections[i]);
            }
            final AttributeMap a = s.attributes;
            final String[] keys = a.keys;
            final byte[] kinds = a.kinds;
            final String[] strings = a.strings;
            final long[] longs = a.longs;
            final int count = Math.min(a.count, Math.min(keys.length, Math.min(kinds.length, Math.min(strings.length, longs.length))));
            final Changes presence = new Changes();
            final FieldTable table = FieldTable.PRESENCE;
            for (int number = 0; number < table.count(); number++)
            {
                final Field field = table.field(number);
                if (field.kind().isScalar())
                {
                    presence.set(field, s.values[number]);
                }
            }
            for (int i = 0; i < count; i++)
            {
                presence.addAttribute(keys[i], kinds[i], strings[i], longs[i]);
            }
            return new ClientInfo(s.userId, s.connected, s.lastDisconnected, connectionIds, s.updateId, presence);
        }
    }

    private final ConcurrentHashMap<Long, Entry> readerIndex = new ConcurrentHashMap<>();
    private final Long2ObjectHashMap<Entry> writerIndex = new Long2ObjectHashMap<>();

    /**
     * Writer only: store a client image.
     */
    void apply(final ClientState image)
    {
        Entry entry = writerIndex.get(image.userId);
        if (null == entry)
        {
            entry = new Entry();
            entry.write(image, false);
            writerIndex.put(image.userId, entry);
            readerIndex.put(image.userId, entry);
        }
        else
        {
            entry.write(image, false);
        }
    }

    /**
     * Writer only: forget a client.
     */
    void remove(final long userId)
    {
        final Entry entry = writerIndex.remove(userId);
        if (null != entry)
        {
            readerIndex.remove(userId, entry);
            entry.write(null, true);
        }
    }

    /**
     * Any thread.
     *
     * @return a copy of the client, or null when absent.
     */
    ClientInfo get(final long userId)
    {
        final Entry entry = readerIndex.get(userId);
        return null == entry ? null : entry.read();
    }

    /**
     * Any thread.
     *
     * @return the user ids of the clients, ascending.
     */
    long[] ids()
    {
        final long[] ids = readerIndex.keySet().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(ids);
        return ids;
    }
}
