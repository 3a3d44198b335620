package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.Status;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One client of the {@link ClientTable}, packed: the connection bookkeeping, the first
 * connection id inline, the scalar presence fields in {@link FieldLayout#INLINE_WORDS} words,
 * and everything rarer (attributes, further connections, words of a larger table) out of line
 * in {@link ClientExtras}, created only when needed. 120 bytes of heap for an idle client.
 * <p>
 * Written only by the business-logic thread, inside a write section ({@link #beginWrite()} /
 * {@link #endWrite(long)}); read by any thread through {@link ClientTable#read}, which retries a
 * read that overlapped a write (a sequence lock) and waits until the input that last wrote the
 * client is journaled. The {@link #version} word carries both:
 * <pre>
 *   63                                 16 15                     1  0
 *  +-------------------------------------+------------------------+--+
 *  |   published position of the write   |  writes at that position|W |   W = 1 while writing
 *  +-------------------------------------+------------------------+--+
 * </pre>
 */
final class ClientState
{
    private static final VarHandle VERSION;

    static
    {
        try
        {
            VERSION = MethodHandles.lookup().findVarHandle(ClientState.class, "version", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static final long WRITING = 1;
    private static final int POSITION_SHIFT = 16;
    private static final long WRITES_MASK = (1L << POSITION_SHIFT) - 2;

    @SuppressWarnings("unused") // through VERSION
    private long version;
    long userId;
    /** The published position of the input that created the client (0 when recovered). */
    long createdPosition;
    long lastDisconnected;
    long updateId;
    /** The lowest live connection id (when {@link #connectionCount} > 0); the rest are in {@link #extras}. */
    long connection0;
    private long w0;
    private long w1;
    private long w2;
    private long w3;
    private long w4;
    int connectionCount;
    /** Position in the {@link GraceTimers} heap, or -1 when no countdown runs. */
    int timerIndex = -1;
    boolean connected;
    ClientExtras extras;
    /**
     * The subscribers of this client's topic, as {@link Subscriptions} holds them (or an emptied
     * set it has let go of), so emitting an event needs no map lookup; refreshed when the client
     * is created and when a subscription to it is added.
     */
    org.agrona.collections.LongHashSet watchers;

    void reset(final long userId, final FieldLayout layout)
    {
        this.userId = userId;
        connected = false;
        lastDisconnected = 0;
        updateId = 0;
        connectionCount = 0;
        connection0 = 0;
        timerIndex = -1;
        watchers = null;
        if (null != extras)
        {
            extras.clear();
        }
        layout.reset(this);
    }

    // ---------------------------------------------------------------- write sections (logic thread)

    /**
     * @return true when this call opened the section (it was not already open).
     */
    boolean beginWrite()
    {
        final long v = (long)VERSION.getOpaque(this);
        if ((v & WRITING) != 0)
        {
            return false;
        }
        VERSION.setOpaque(this, v | WRITING);
        VarHandle.storeStoreFence();
        return true;
    }

    /**
     * Close the write section: readers may now read what was written, once the journal holds
     * {@code position}.
     *
     * @param position the published position (see {@link ClientTable}) of the input that wrote.
     */
    void endWrite(final long position)
    {
        final long v = (long)VERSION.getOpaque(this);
        final long writes = position == v >>> POSITION_SHIFT ? (v + 2) & WRITES_MASK : 0;
        VERSION.setRelease(this, (position << POSITION_SHIFT) | writes);
    }

    long versionAcquire()
    {
        return (long)VERSION.getAcquire(this);
    }

    long versionOpaque()
    {
        return (long)VERSION.getOpaque(this);
    }

    static boolean isWriting(final long version)
    {
        return (version & WRITING) != 0;
    }

    static long positionOf(final long version)
    {
        return version >>> POSITION_SHIFT;
    }

    // ---------------------------------------------------------------- packed words

    long word(final int index)
    {
        return switch (index)
        {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            case 3 -> w3;
            case 4 -> w4;
            default -> null == extras || null == extras.words ? 0 : extras.words[index - FieldLayout.INLINE_WORDS];
        };
    }

    void word(final int index, final long value)
    {
        switch (index)
        {
            case 0 -> w0 = value;
            case 1 -> w1 = value;
            case 2 -> w2 = value;
            case 3 -> w3 = value;
            case 4 -> w4 = value;
            default -> extras().words(index - FieldLayout.INLINE_WORDS + 1)[index - FieldLayout.INLINE_WORDS] = value;
        }
    }

    void clearWords(final int count)
    {
        w0 = 0;
        w1 = 0;
        w2 = 0;
        w3 = 0;
        w4 = 0;
        if (count > FieldLayout.INLINE_WORDS || (null != extras && null != extras.words))
        {
            java.util.Arrays.fill(extras().words(count - FieldLayout.INLINE_WORDS), 0);
        }
    }

    /**
     * @return a scalar field, for a client of the presence table's layout (tests and tools; the
     * logic reads through its own {@link FieldLayout}, whose table may have more fields).
     */
    long get(final Field field)
    {
        return FieldLayout.PRESENCE.get(this, field.number());
    }

    /**
     * @return the status, for a client of the presence table's layout (tests and tools).
     */
    Status status()
    {
        return Status.fromCode(get(Field.STATUS));
    }

    // ---------------------------------------------------------------- out of line

    ClientExtras extras()
    {
        ClientExtras e = extras;
        if (null == e)
        {
            e = new ClientExtras();
            extras = e;
        }
        return e;
    }

    /**
     * @return the attributes, read-only when the client has none ({@link AttributeMap#EMPTY}).
     */
    AttributeMap attributes()
    {
        final ClientExtras e = extras;
        return null == e ? AttributeMap.EMPTY : e;
    }

    /**
     * @return the attributes, to change them (created when absent).
     */
    AttributeMap attributesForWrite()
    {
        return extras();
    }

    // ---------------------------------------------------------------- connections, ascending

    long connection(final int index)
    {
        return index == 0 ? connection0 : extras.connections[index - 1];
    }

    int indexOfConnection(final long connectionId)
    {
        for (int i = 0; i < connectionCount; i++)
        {
            final long c = connection(i);
            if (c == connectionId)
            {
                return i;
            }
            if (c > connectionId)
            {
                return -i - 1;
            }
        }
        return -connectionCount - 1;
    }

    /**
     * @return false when the connection was already attached.
     */
    boolean addConnection(final long connectionId)
    {
        final int found = indexOfConnection(connectionId);
        if (found >= 0)
        {
            return false;
        }
        final int insertAt = -found - 1;
        if (connectionCount > 0)
        {
            final long[] more = extras().connections(connectionCount);
            // shift the tail (virtual index i lives at more[i - 1] for i >= 1) one place up
            for (int i = connectionCount; i > insertAt; i--)
            {
                final long previous = i - 1 == 0 ? connection0 : more[i - 2];
                more[i - 1] = previous;
            }
        }
        if (insertAt == 0)
        {
            connection0 = connectionId;
        }
        else
        {
            extras.connections[insertAt - 1] = connectionId;
        }
        connectionCount++;
        return true;
    }

    /**
     * @return false when the connection was not attached.
     */
    boolean removeConnection(final long connectionId)
    {
        final int found = indexOfConnection(connectionId);
        if (found < 0)
        {
            return false;
        }
        for (int i = found; i < connectionCount - 1; i++)
        {
            final long next = extras.connections[i];
            if (i == 0)
            {
                connection0 = next;
            }
            else
            {
                extras.connections[i - 1] = next;
            }
        }
        connectionCount--;
        return true;
    }

    /**
     * Forget every connection.
     */
    void clearConnections()
    {
        connectionCount = 0;
    }
}
