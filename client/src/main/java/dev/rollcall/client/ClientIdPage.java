package dev.rollcall.client;

import java.util.Arrays;

/**
 * One page of {@link RollcallClient#listClientIds(long, int)}: user ids in ascending order. Immutable: the ids are
 * copied in and out.
 *
 * @param ids        the user ids of this page
 * @param nextCursor the {@code afterUserId} of the next page, or {@code 0} when there are no more
 */
public record ClientIdPage(long[] ids, long nextCursor)
{
    /**
     * A page; {@code ids} is copied.
     *
     * @param ids        the ids (not null)
     * @param nextCursor the next cursor, or 0
     */
    public ClientIdPage
    {
        ids = ids.clone();
    }

    /**
     * The user ids of this page.
     *
     * @return a copy of the ids
     */
    @Override
    public long[] ids()
    {
        return ids.clone();
    }

    /**
     * Whether more ids may follow.
     *
     * @return true when {@link #nextCursor()} is not 0
     */
    public boolean hasMore()
    {
        return nextCursor != 0;
    }

    @Override
    public boolean equals(final Object obj)
    {
        return obj instanceof ClientIdPage && nextCursor == ((ClientIdPage)obj).nextCursor &&
            Arrays.equals(ids, ((ClientIdPage)obj).ids);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(ids) + Long.hashCode(nextCursor);
    }

    @Override
    public String toString()
    {
        return "ClientIdPage[ids=" + Arrays.toString(ids) + ", nextCursor=" + nextCursor + "]";
    }
}
