package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The live clients: the one copy of the presence state, written by the business-logic thread and
 * read by the queries of any thread (there is no second "read model"). Clients sit in an
 * open-addressing table: a cell is a reference to the client beside an {@code int} tag of the
 * user id's hash, in two arrays read at the same index (the key is the client's own user id, so
 * a cell costs 8 bytes and no boxed keys; the tag means a probe rarely touches a client that is
 * not the one sought, and the logic thread loads a cell's tag and client together, so its
 * lookup is one memory round trip for the cell and one for the client; a reader on another
 * thread loads the tag first, with acquire, then the client).
 * <p>
 * <b>Readers.</b> A query finds a client through the index without locks, copies it under the
 * client's sequence lock ({@link ClientState}), and returns the copy only once the journal holds
 * the input that last wrote it (the <em>published position</em>, compared with the journal's
 * progress): so a query never reveals an unjournaled input (rule 3), and once a command's result
 * is delivered every later query sees it. Structural changes of the index (removal, growth) are
 * bracketed by a modification count; a reader that finds nothing while it moved looks again.
 * Readers never block the writer; a reader copies first and then may wait (spin, yield, park)
 * for the journal to hold the write it copied: a fixed target, one journal batch away.
 * <p>
 * <b>Writer.</b> The logic opens a write section on a client before it changes it
 * ({@link #touch}) and closes every open section at the end of the input ({@link #publish}).
 * Destroyed clients go back to a pool so that churn does not allocate in steady state.
 */
final class ClientTable
{
    private static final VarHandle INT_ARRAY = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle CLIENT_ARRAY = MethodHandles.arrayElementVarHandle(ClientState[].class);
    private static final VarHandle MOD_COUNT;
    private static final int MAX_POOLED = 4096;
    private static final int EMPTY = 0;
    private static final int TOMBSTONE = -1;
    private static final int MAX_CELLS = 1 << 30;
    /** Clients a table holds at most (three quarters of the largest index). */
    static final int MAX_CLIENTS = MAX_CELLS / 4 * 3 - 1;
    private static final int SPINS_BEFORE_YIELD = 1_000;
    private static final int YIELDS_BEFORE_PARK = 100;
    private static final long PARK_NANOS = 50_000;

    static
    {
        try
        {
            MOD_COUNT = MethodHandles.lookup().findVarHandle(ClientTable.class, "modCount", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The cells: tags and clients side by side, published together. */
    private static final class Storage
    {
        /** {@link #EMPTY}, {@link #TOMBSTONE}, or the tag of the user id of the client in the same cell. */
        final int[] tags;
        final ClientState[] clients;

        Storage(final int capacity)
        {
            tags = new int[capacity];
            clients = new ClientState[capacity];
        }
    }

    private final FieldLayout layout;
    private final ArrayDeque<ClientState> pool = new ArrayDeque<>();
    private ClientState[] touched = new ClientState[8];
    private int touchedCount;
    private volatile Storage storage = new Storage(16);
    private volatile int size;
    private int tombstones;
    @SuppressWarnings("unused") // through MOD_COUNT
    private volatile long modCount;
    /** The published position of the last removal. */
    private volatile long removalPosition;

    ClientTable(final FieldTable table)
    {
        this.layout = new FieldLayout(table);
    }

    FieldLayout layout()
    {
        return layout;
    }

    // ---------------------------------------------------------------- writer (logic thread)

    ClientState get(final long userId)
    {
        final Storage s = storage;
        final int[] tags = s.tags;
        final ClientState[] clients = s.clients;
        final int mask = tags.length - 1;
        final int hash = hash(userId);
        final int tag = tag(hash);
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            final int cell = tags[i];
            final ClientState client = clients[i]; // not dependent on the tag's load: both are in flight at once
            if (cell == tag && client.userId == userId)
            {
                return client;
            }
            if (cell == EMPTY)
            {
                return null;
            }
        }
    }

    /**
     * Create a client with every field at its default, inside an open write section.
     */
    ClientState create(final long userId, final long position)
    {
        ClientState client = pool.pollFirst();
        if (null == client)
        {
            client = new ClientState();
        }
        touch(client);
        client.reset(userId, layout);
        client.createdPosition = position;
        ensureCapacity();
        final Storage s = storage;
        final int[] tags = s.tags;
        final int mask = tags.length - 1;
        final int hash = hash(userId);
        int i = hash & mask;
        while (tags[i] > 0)
        {
            i = (i + 1) & mask;
        }
        if (tags[i] == TOMBSTONE)
        {
            tombstones--;
        }
        CLIENT_ARRAY.setRelease(s.clients, i, client); // before the tag: a reader that sees the tag sees the client
        INT_ARRAY.setRelease(tags, i, tag(hash));
        size++;
        return client;
    }

    /**
     * Remove a client (in an open write section: its user id becomes 0 for readers that still hold it).
     *
     * @param position the published position of the input that removes it.
     */
    void remove(final ClientState client, final long position)
    {
        final Storage s = storage;
        final int cell = cellOf(s, client.userId);
        removalPosition = position; // before the cell goes: a reader that misses the client sees it
        beginStructuralChange();
        INT_ARRAY.setRelease(s.tags, cell, TOMBSTONE);
        CLIENT_ARRAY.setRelease(s.clients, cell, null);
        tombstones++;
        size--;
        touch(client);
        client.userId = 0;
        endStructuralChange();
        if (pool.size() < MAX_POOLED)
        {
            pool.addFirst(client);
        }
    }

    /**
     * Open a write section on a client about to change; closed by {@link #publish}.
     */
    void touch(final ClientState client)
    {
        if (client.beginWrite())
        {
            if (touchedCount == touched.length)
            {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = client;
        }
    }

    /**
     * Close every open write section: the clients written by the input at this published
     * position become readable once the journal holds it.
     */
    void publish(final long position)
    {
        for (int i = 0; i < touchedCount; i++)
        {
            touched[i].endWrite(position);
            touched[i] = null;
        }
        touchedCount = 0;
    }

    /**
     * @return the user ids of the live clients, ascending: the deterministic order for work
     * that must not depend on the table's history (snapshots, the restart's reset). Allocates.
     */
    long[] sortedUserIds()
    {
        final ClientState[] clients = storage.clients;
        final long[] userIds = new long[size];
        int count = 0;
        for (final ClientState client : clients)
        {
            if (null != client)
            {
                userIds[count++] = client.userId;
            }
        }
        Arrays.sort(userIds);
        return userIds;
    }

    int size()
    {
        return size;
    }

    /**
     * @return the cells' count: {@link #slot} takes 0 to this - 1 (writer only).
     */
    int slotCount()
    {
        return storage.clients.length;
    }

    /**
     * @param index 0..{@link #slotCount()}-1 (writer only).
     * @return the client in that cell, or null (the order is not meaningful).
     */
    ClientState slot(final int index)
    {
        return storage.clients[index];
    }

    // ---------------------------------------------------------------- readers (any thread)

    /**
     * A consistent copy of one client, as of an input the journal holds. The reader takes a copy
     * as soon as it can (the client is not being written), notes the published position of the
     * write it copied, and waits only until the journal holds that position: a bounded wait (one
     * journal batch), however busy the client is meanwhile. A client created by an input the
     * journal does not hold yet is absent at once; an absence caused by a removal the journal
     * does not hold yet is answered once it does.
     *
     * @param userId  the user.
     * @param journal the journal's progress.
     * @return the copy, or null when absent.
     * @throws IllegalStateException when the journal failed before holding what the client shows
     *                               (its outcome is unknown; see {@code Result.JOURNAL_FAILED}).
     */
    ClientInfo read(final long userId, final JournalProgress journal)
    {
        int attempts = 0;
        while (true)
        {
            final long mods = (long)MOD_COUNT.getAcquire(this);
            if ((mods & 1) != 0)
            {
                attempts = backOff(attempts);
                continue;
            }
            final ClientState client = find(userId);
            if (null == client)
            {
                final long removal = removalPosition;
                if ((long)MOD_COUNT.getAcquire(this) == mods)
                {
                    awaitJournaled(journal, removal);
                    return null;
                }
            }
            else
            {
                final long before = client.versionAcquire();
                if (!ClientState.isWriting(before))
                {
                    final long created = client.createdPosition;
                    final ClientInfo copy = copyOrNull(client, userId);
                    final long removal = removalPosition;
                    VarHandle.loadLoadFence();
                    if (client.versionOpaque() == before && (long)MOD_COUNT.getAcquire(this) == mods)
                    {
                        if (null == copy)
                        {
                            attempts = backOff(attempts);
                            continue; // cannot happen with both stamps unchanged; look again rather than guess
                        }
                        if (created > journal.journaledPosition() && removal <= journal.journaledPosition())
                        {
                            return null; // created by an input the journal does not hold yet
                        }
                        awaitJournaled(journal, Math.max(ClientState.positionOf(before), removal));
                        return copy;
                    }
                }
            }
            attempts = backOff(attempts);
        }
    }

    /**
     * @param journal the journal's progress.
     * @return the user ids of the clients the journal holds, ascending. Per-client consistent,
     * not one atomic cut across clients; a client present throughout the call is listed.
     * @throws IllegalStateException when the journal failed before holding a removal the list reflects.
     */
    long[] readUserIds(final JournalProgress journal)
    {
        // clients never move within a storage; one that grows is a copy, and the old one keeps every client it held
        final ClientState[] clients = storage.clients;
        final long[] ids = new long[clients.length];
        int count = 0;
        for (int i = 0; i < clients.length; i++)
        {
            final ClientState client = (ClientState)CLIENT_ARRAY.getAcquire(clients, i);
            if (null == client)
            {
                continue;
            }
            final long userId = readUserId(client, journal);
            if (userId > 0)
            {
                ids[count++] = userId;
            }
        }
        awaitJournaled(journal, removalPosition);
        final long[] sorted = Arrays.copyOf(ids, count);
        Arrays.sort(sorted);
        int unique = 0;
        for (int i = 0; i < count; i++)
        {
            if (unique == 0 || sorted[unique - 1] != sorted[i])
            {
                sorted[unique++] = sorted[i];
            }
        }
        return unique == count ? sorted : Arrays.copyOf(sorted, unique);
    }

    /**
     * @return the client's user id, or 0 when removed or when the journal does not hold its creation.
     */
    private static long readUserId(final ClientState client, final JournalProgress journal)
    {
        int attempts = 0;
        while (true)
        {
            final long before = client.versionAcquire();
            if (!ClientState.isWriting(before))
            {
                final long userId = client.userId;
                final long created = client.createdPosition;
                VarHandle.loadLoadFence();
                if (client.versionOpaque() == before)
                {
                    return created > journal.journaledPosition() ? 0 : userId;
                }
            }
            attempts = backOff(attempts);
        }
    }

    /**
     * Wait (spin, yield, then park briefly) until the journal holds a position: a fixed target,
     * reached within a journal batch while the journal works.
     */
    private static void awaitJournaled(final JournalProgress journal, final long position)
    {
        int attempts = 0;
        while (journal.journaledPosition() < position)
        {
            if (journal.hasFailed())
            {
                throw new IllegalStateException("the journal failed before holding input " + position +
                    ": what a query would show is not journaled (its outcome is unknown)");
            }
            attempts = backOff(attempts);
        }
    }

    private ClientState find(final long userId)
    {
        final Storage s = storage;
        final int[] tags = s.tags;
        final int mask = tags.length - 1;
        final int hash = hash(userId);
        final int tag = tag(hash);
        for (int i = hash & mask, probes = 0; probes < tags.length; i = (i + 1) & mask, probes++)
        {
            final int cell = (int)INT_ARRAY.getAcquire(tags, i);
            if (cell == EMPTY)
            {
                return null;
            }
            if (cell == tag)
            {
                final ClientState client = (ClientState)CLIENT_ARRAY.getAcquire(s.clients, i);
                if (null != client && client.userId == userId)
                {
                    return client;
                }
            }
        }
        return null;
    }

    /**
     * Writer side (or a state nobody writes any more).
     *
     * @return a copy of a client.
     */
    ClientInfo info(final ClientState client)
    {
        return copyOrNull(client, client.userId);
    }

    /**
     * Copy a client that may be written meanwhile: every index is bounded (the caller validates the
     * version and retries).
     */
    private ClientInfo copyOrNull(final ClientState c, final long userId)
    {
        try
        {
            if (c.userId != userId)
            {
                return null;
            }
            final int connectionCount = Math.max(0, c.connectionCount);
            final List<Long> connectionIds = new ArrayList<>(Math.min(connectionCount, 64));
            for (int i = 0; i < connectionCount; i++)
            {
                connectionIds.add(c.connection(i));
            }
            return new ClientInfo(c.userId, c.connected, c.lastDisconnected, connectionIds, c.updateId, fullState(c, new Changes()));
        }
        catch (final IndexOutOfBoundsException | NullPointerException torn)
        {
            return null; // arrays replaced under us: the version check fails and the caller retries
        }
    }

    /**
     * @return {@code into}, holding every field of the client (the attributes only when it has some).
     */
    Changes fullState(final ClientState c, final Changes into)
    {
        final FieldTable table = layout.table();
        for (int number = 0; number < table.count(); number++)
        {
            final Field field = table.field(number);
            if (field.kind().isScalar())
            {
                into.set(field, layout.get(c, number));
            }
        }
        c.attributes().appendTo(into);
        return into;
    }

    private static int backOff(final int attempts)
    {
        if (attempts < SPINS_BEFORE_YIELD)
        {
            Thread.onSpinWait();
        }
        else if (attempts < SPINS_BEFORE_YIELD + YIELDS_BEFORE_PARK)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(PARK_NANOS);
        }
        return attempts + 1;
    }

    // ---------------------------------------------------------------- index upkeep

    private static int cellOf(final Storage s, final long userId)
    {
        final int[] tags = s.tags;
        final int mask = tags.length - 1;
        final int hash = hash(userId);
        final int tag = tag(hash);
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            final int cell = tags[i];
            if (cell == EMPTY)
            {
                throw new IllegalStateException("user " + userId + " is not in the table");
            }
            if (cell == tag && s.clients[i].userId == userId)
            {
                return i;
            }
        }
    }

    private void ensureCapacity()
    {
        final Storage s = storage;
        final int n = size;
        if (n >= MAX_CLIENTS)
        {
            throw new IllegalStateException("a client table holds at most " + MAX_CLIENTS + " clients");
        }
        if ((n + 1 + tombstones) * 4L <= s.tags.length * 3L)
        {
            return;
        }
        // at most three quarters full (tombstones count), at least three eighths once grown
        final int capacity = (n + 1) * 4L > s.tags.length * 3L / 2 && s.tags.length < MAX_CELLS ?
            s.tags.length * 2 : s.tags.length; // else the same size, without the tombstones
        final Storage grown = new Storage(capacity);
        final int mask = capacity - 1;
        for (final ClientState client : s.clients)
        {
            if (null != client)
            {
                final int hash = hash(client.userId);
                int i = hash & mask;
                while (grown.tags[i] != EMPTY)
                {
                    i = (i + 1) & mask;
                }
                grown.clients[i] = client;
                grown.tags[i] = tag(hash);
            }
        }
        beginStructuralChange();
        storage = grown;
        tombstones = 0;
        endStructuralChange();
    }

    private void beginStructuralChange()
    {
        MOD_COUNT.setRelease(this, (long)MOD_COUNT.getOpaque(this) + 1);
        VarHandle.storeStoreFence();
    }

    private void endStructuralChange()
    {
        MOD_COUNT.setRelease(this, (long)MOD_COUNT.getOpaque(this) + 1);
    }

    private static int hash(final long userId)
    {
        final long h = userId * 0x9E3779B97F4A7C15L;
        return (int)(h ^ (h >>> 32));
    }

    /**
     * @return the cell's tag of a hash: positive, so never {@link #EMPTY} or {@link #TOMBSTONE}.
     */
    private static int tag(final int hash)
    {
        return (hash >>> 1) | 1;
    }
}
