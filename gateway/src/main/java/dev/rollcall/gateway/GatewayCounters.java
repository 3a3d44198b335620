package dev.rollcall.gateway;

import dev.rollcall.protocol.ErrorCode;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one gateway thread: written only by that thread (ordered writes), read from
 * anywhere; {@link Gateway} sums them.
 */
final class GatewayCounters
{
    private static final GatewayCounter[] COUNTERS = GatewayCounter.values();
    private static final ErrorCode[] CODES = ErrorCode.values();

    private final AtomicLongArray values = new AtomicLongArray(COUNTERS.length);
    private final AtomicLongArray errors = new AtomicLongArray(CODES.length);

    void add(final GatewayCounter counter, final long delta)
    {
        final int i = counter.ordinal();
        values.lazySet(i, values.get(i) + delta);
    }

    void increment(final GatewayCounter counter)
    {
        add(counter, 1);
    }

    void error(final ErrorCode code)
    {
        final int i = code.ordinal();
        errors.lazySet(i, errors.get(i) + 1);
        increment(GatewayCounter.PROTOCOL_ERRORS);
    }

    long get(final GatewayCounter counter)
    {
        return values.get(counter.ordinal());
    }

    long errors(final ErrorCode code)
    {
        return errors.get(code.ordinal());
    }
}
