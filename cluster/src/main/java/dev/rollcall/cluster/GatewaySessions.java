package dev.rollcall.cluster;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * The service's record of the gateways' cluster sessions, part of the replicated state: which
 * node each session speaks for (from its {@link IngressDescriptor#HELLO}), the last message
 * sequence applied for each (so a re-sent message is applied once), and each node's current
 * session (so only its end loses the node's connections). Encoded into the service's snapshots
 * in ascending order, so that replicas write the same bytes whatever their maps' history.
 */
final class GatewaySessions
{
    private final Long2LongHashMap lastSequence = new Long2LongHashMap(0);
    private final Long2LongHashMap sessionNode = new Long2LongHashMap(0);
    private final Long2LongHashMap nodeSession = new Long2LongHashMap(0);

    /**
     * @return true when this session's message of this sequence was applied already.
     */
    boolean isDuplicate(final long sessionId, final long sequence)
    {
        return sequence <= lastSequence.get(sessionId);
    }

    /**
     * @return true when this is the session's next message (the one after the last applied; a HELLO
     * is a session's first): anything further is a gap, refused until the missing ones arrive.
     */
    boolean isNext(final long sessionId, final long sequence)
    {
        return sequence == lastSequence.get(sessionId) + 1;
    }

    /** The session's message of this sequence is applied (or refused: it is not looked at again). */
    void applied(final long sessionId, final long sequence)
    {
        lastSequence.put(sessionId, sequence);
    }

    /**
     * @return the node the session speaks for, or 0 before its HELLO.
     */
    long nodeOf(final long sessionId)
    {
        return sessionNode.get(sessionId);
    }

    /**
     * The session's HELLO: it speaks for the node from now on, and is the node's current session.
     */
    void hello(final long sessionId, final long node)
    {
        sessionNode.put(sessionId, node);
        nodeSession.put(node, sessionId);
    }

    /**
     * The session ended.
     *
     * @return the node whose connections are lost now (the session was its current one), else 0.
     */
    long close(final long sessionId)
    {
        lastSequence.remove(sessionId);
        final long node = sessionNode.remove(sessionId);
        if (node > 0 && nodeSession.get(node) == sessionId)
        {
            nodeSession.remove(node);
            return node;
        }
        return 0;
    }

    /**
     * <pre>
     *  int32 sessions, then per session ascending: int64 id, int64 node, int64 lastSequence
     *  int32 nodes, then per node ascending: int64 node, int64 sessionId
     * </pre>
     *
     * @return the offset after the encoding.
     */
    int encode(final MutableDirectBuffer buffer, final int offset)
    {
        int at = offset;
        final long[] sessions = sortedKeys(lastSequence, sessionNode);
        buffer.putInt(at, sessions.length, IngressDescriptor.ORDER);
        at += Integer.BYTES;
        for (final long sessionId : sessions)
        {
            buffer.putLong(at, sessionId, IngressDescriptor.ORDER);
            buffer.putLong(at + 8, sessionNode.get(sessionId), IngressDescriptor.ORDER);
            buffer.putLong(at + 16, lastSequence.get(sessionId), IngressDescriptor.ORDER);
            at += 24;
        }
        final long[] nodes = sortedKeys(nodeSession, nodeSession);
        buffer.putInt(at, nodes.length, IngressDescriptor.ORDER);
        at += Integer.BYTES;
        for (final long node : nodes)
        {
            buffer.putLong(at, node, IngressDescriptor.ORDER);
            buffer.putLong(at + 8, nodeSession.get(node), IngressDescriptor.ORDER);
            at += 16;
        }
        return at;
    }

    /**
     * Restore from {@link #encode}'s bytes (into an empty record).
     *
     * @return the offset after the encoding.
     * @throws IllegalStateException naming the offset when the bytes end early.
     */
    int decode(final DirectBuffer buffer, final int offset, final int limit)
    {
        int at = offset;
        final int sessions = count(buffer, at, limit, 24);
        at += Integer.BYTES;
        for (int i = 0; i < sessions; i++)
        {
            final long sessionId = buffer.getLong(at, IngressDescriptor.ORDER);
            final long node = buffer.getLong(at + 8, IngressDescriptor.ORDER);
            final long sequence = buffer.getLong(at + 16, IngressDescriptor.ORDER);
            if (sequence > 0)
            {
                lastSequence.put(sessionId, sequence);
            }
            if (node > 0)
            {
                sessionNode.put(sessionId, node);
            }
            at += 24;
        }
        final int nodes = count(buffer, at, limit, 16);
        at += Integer.BYTES;
        for (int i = 0; i < nodes; i++)
        {
            nodeSession.put(buffer.getLong(at, IngressDescriptor.ORDER), buffer.getLong(at + 8, IngressDescriptor.ORDER));
            at += 16;
        }
        return at;
    }

    private static int count(final DirectBuffer buffer, final int at, final int limit, final int entryLength)
    {
        if (at + Integer.BYTES > limit)
        {
            throw new IllegalStateException("the gateway sessions' record ends at offset " + at + " of " + limit);
        }
        final int count = buffer.getInt(at, IngressDescriptor.ORDER);
        if (count < 0 || at + Integer.BYTES + (long)count * entryLength > limit)
        {
            throw new IllegalStateException("the gateway sessions' record at offset " + at + " claims " + count +
                " entries of " + entryLength + " bytes, beyond its end at " + limit);
        }
        return count;
    }

    private static long[] sortedKeys(final Long2LongHashMap first, final Long2LongHashMap second)
    {
        final Long2LongHashMap keys = new Long2LongHashMap(0);
        for (final Long2LongHashMap map : new Long2LongHashMap[]{first, second})
        {
            for (final Long2LongHashMap.KeyIterator it = map.keySet().iterator(); it.hasNext(); )
            {
                keys.put(it.nextValue(), 1);
            }
        }
        final long[] sorted = new long[keys.size()];
        int i = 0;
        for (final Long2LongHashMap.KeyIterator it = keys.keySet().iterator(); it.hasNext(); )
        {
            sorted[i++] = it.nextValue();
        }
        Arrays.sort(sorted);
        return sorted;
    }
}
