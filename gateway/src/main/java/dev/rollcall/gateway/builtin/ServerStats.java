package dev.rollcall.gateway.builtin;

import dev.rollcall.core.Counter;
import dev.rollcall.core.RollcallCounters;
import dev.rollcall.gateway.Connection;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.protocol.ErrorCode;

import java.util.Locale;

/**
 * The counters a {@code STATS} answer carries (docs/protocol.md, "Observers"), by name: every core
 * {@link Counter} as {@code core_<name>}, every {@link GatewayCounter} as {@code gateway_<name>},
 * and every {@link ErrorCode} sent as {@code gateway_errors_<name>}, names in lower case. The
 * names are made once; a thread's values are read into its own array.
 */
final class ServerStats
{
    private static final Counter[] CORE = Counter.values();
    private static final GatewayCounter[] GATEWAY = GatewayCounter.values();
    private static final ErrorCode[] ERRORS = ErrorCode.values();
    /** Every counter's name, in the order {@link #fill} writes the values. */
    static final String[] NAMES = names();

    private final long[] values = new long[NAMES.length];

    private static String[] names()
    {
        final String[] names = new String[CORE.length + GATEWAY.length + ERRORS.length];
        int i = 0;
        for (final Counter counter : CORE)
        {
            names[i++] = "core_" + counter.name().toLowerCase(Locale.ROOT);
        }
        for (final GatewayCounter counter : GATEWAY)
        {
            names[i++] = "gateway_" + counter.name().toLowerCase(Locale.ROOT);
        }
        for (final ErrorCode code : ERRORS)
        {
            names[i++] = "gateway_errors_" + code.name().toLowerCase(Locale.ROOT);
        }
        return names;
    }

    /**
     * Read every counter now.
     *
     * @param connection the asking connection (its gateway and core).
     * @return how many values were written ({@code NAMES.length}).
     */
    int fill(final Connection connection)
    {
        final RollcallCounters core = connection.rollcall().counters();
        int i = 0;
        for (final Counter counter : CORE)
        {
            values[i++] = core.get(counter);
        }
        for (final GatewayCounter counter : GATEWAY)
        {
            values[i++] = connection.gatewayCounter(counter);
        }
        for (final ErrorCode code : ERRORS)
        {
            values[i++] = connection.gatewayErrorCount(code);
        }
        return i;
    }

    long[] values()
    {
        return values;
    }
}
