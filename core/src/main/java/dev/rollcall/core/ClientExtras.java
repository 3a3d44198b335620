package dev.rollcall.core;

import java.util.Arrays;

/**
 * What most clients do not have, kept out of line so that an idle client stays small:
 * attributes (it is the client's {@link AttributeMap}), connections after the first, and packed
 * words past {@link FieldLayout#INLINE_WORDS}. Created on first need and kept with its client.
 */
final class ClientExtras extends AttributeMap
{
    /** Connection ids after {@link ClientState#connection0}, ascending. */
    long[] connections;
    long[] words;

    /**
     * @param required connections after the first that must fit.
     */
    long[] connections(final int required)
    {
        if (null == connections)
        {
            connections = new long[Math.max(2, required)];
        }
        else if (connections.length < required)
        {
            connections = Arrays.copyOf(connections, Math.max(required, connections.length * 2));
        }
        return connections;
    }

    long[] words(final int required)
    {
        if (null == words || words.length < required)
        {
            words = null == words ? new long[Math.max(1, required)] : Arrays.copyOf(words, required);
        }
        return words;
    }
}
