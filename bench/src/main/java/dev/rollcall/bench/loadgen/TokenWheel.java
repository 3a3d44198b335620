package dev.rollcall.bench.loadgen;

/**
 * Connections waiting for a command token (the server's rate limit), by the millisecond their
 * next token is due: a hashed wheel of 1 ms slots over one second, each slot an intrusive list
 * through {@link LoadConnection#nextWaiting}, so waiting allocates nothing. A wait beyond the
 * wheel's horizon is filed at the horizon; the connection is filed again if it is still short.
 * Connections then resume one by one as their tokens come due, not all at the next tick.
 */
final class TokenWheel
{
    private static final int SLOTS = 1024;
    private static final long NANOS_PER_SLOT = 1_000_000;

    private final LoadConnection[] slots = new LoadConnection[SLOTS];
    private long cursor = Long.MIN_VALUE;
    private int size;

    /** @return connections waiting. */
    int size()
    {
        return size;
    }

    /**
     * File a connection (once: a connection already waiting stays where it is).
     *
     * @param c       the connection.
     * @param nowNanos  nanoTime now.
     * @param dueNanos when its next token is due.
     */
    void add(final LoadConnection c, final long nowNanos, final long dueNanos)
    {
        if (c.waiting)
        {
            return;
        }
        if (Long.MIN_VALUE == cursor)
        {
            cursor = Math.floorDiv(nowNanos, NANOS_PER_SLOT);
        }
        final long tick = Math.min(cursor + SLOTS - 1, Math.max(cursor + 1, Math.floorDiv(dueNanos, NANOS_PER_SLOT) + 1));
        final int slot = (int)(tick & (SLOTS - 1));
        c.waiting = true;
        c.nextWaiting = slots[slot];
        slots[slot] = c;
        size++;
    }

    /**
     * Take the next connection whose slot has come, or null when none is due at {@code nowNanos}.
     * Call until null; slots are taken in order.
     *
     * @param nowNanos nanoTime now.
     * @return a due connection (no longer waiting), or null.
     */
    LoadConnection poll(final long nowNanos)
    {
        if (0 == size)
        {
            cursor = Math.floorDiv(nowNanos, NANOS_PER_SLOT);
            return null;
        }
        final long now = Math.floorDiv(nowNanos, NANOS_PER_SLOT);
        while (cursor <= now)
        {
            final int slot = (int)(cursor & (SLOTS - 1));
            final LoadConnection head = slots[slot];
            if (null != head)
            {
                slots[slot] = head.nextWaiting;
                head.nextWaiting = null;
                head.waiting = false;
                size--;
                return head;
            }
            if (cursor == now)
            {
                return null;
            }
            cursor++;
        }
        return null;
    }
}
