package dev.rollcall.client;

import java.util.Map;

/**
 * The server's counters, as {@link RollcallClient#stats()} received them in a {@code STATS} answer
 * (docs/protocol.md, "Observers"). Immutable.
 *
 * @param nowMs         the server's clock when it answered (epoch ms)
 * @param gracePeriodMs how long the server keeps a disconnected client before destroying it
 * @param counters      the counters by name ({@code core_...}, {@code gateway_...}, {@code gateway_errors_...}),
 *                      in the order the server sent them; unmodifiable
 */
public record ServerStats(long nowMs, long gracePeriodMs, Map<String, Long> counters)
{
    /**
     * One counter.
     *
     * @param name         the counter's name, e.g. {@code core_commands_refused}
     * @param missingValue what to return when the server sent no counter of that name
     * @return its value, or {@code missingValue}
     */
    public long counter(final String name, final long missingValue)
    {
        final Long value = counters.get(name);
        return null == value ? missingValue : value;
    }
}
