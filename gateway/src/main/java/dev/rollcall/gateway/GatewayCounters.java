package dev.rollcall.gateway;

import dev.rollcall.protocol.ErrorCode;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.Locale;

/**
 * Counters of one gateway thread, in the core's counters manager (the server's counters file,
 * {@code ./rollcall stat}): one Agrona counter per (thread, {@link GatewayCounter}) with type id
 * {@link #COUNTER_TYPE_ID}, and one per (thread, {@link ErrorCode}) with type id
 * {@link #ERROR_TYPE_ID}; key: the thread's index (int) then the counter's ordinal or the error's
 * code (int); label {@code gateway: <name>: rollcall-gateway-N}, as Aeron names a counter and then
 * what it belongs to. Written only by that thread (a plain load and a release store, no lock, no
 * allocation), read from anywhere; {@link Gateway} sums them.
 */
final class GatewayCounters
{
    /** Type id of a {@link GatewayCounter} of one thread in a counters file. */
    static final int COUNTER_TYPE_ID = 101;
    /** Type id of an {@link ErrorCode} count of one thread in a counters file. */
    static final int ERROR_TYPE_ID = 102;

    private static final GatewayCounter[] COUNTERS = GatewayCounter.values();
    private static final ErrorCode[] CODES = ErrorCode.values();

    /** Counters each gateway thread allocates. */
    static final int COUNTERS_PER_THREAD = COUNTERS.length + CODES.length;

    private final AtomicCounter[] values = new AtomicCounter[COUNTERS.length];
    private final AtomicCounter[] errors = new AtomicCounter[CODES.length];

    /**
     * @param manager    where to allocate (at start-up).
     * @param index      the thread's index.
     * @param threadName the thread's name, for the labels.
     */
    GatewayCounters(final CountersManager manager, final int index, final String threadName)
    {
        for (final GatewayCounter counter : COUNTERS)
        {
            values[counter.ordinal()] = manager.newCounter(
                "gateway: " + words(counter.name()) + ": " + threadName, COUNTER_TYPE_ID,
                key ->
                {
                    key.putInt(0, index);
                    key.putInt(4, counter.ordinal());
                });
        }
        for (final ErrorCode code : CODES)
        {
            errors[code.ordinal()] = manager.newCounter(
                "gateway: errors " + words(code.name()) + " (" + code.code() + "): " + threadName, ERROR_TYPE_ID,
                key ->
                {
                    key.putInt(0, index);
                    key.putInt(4, code.code());
                });
        }
    }

    private static String words(final String name)
    {
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    void add(final GatewayCounter counter, final long delta)
    {
        values[counter.ordinal()].getAndAddRelease(delta);
    }

    void increment(final GatewayCounter counter)
    {
        values[counter.ordinal()].incrementRelease();
    }

    void error(final ErrorCode code)
    {
        errors[code.ordinal()].incrementRelease();
        increment(GatewayCounter.PROTOCOL_ERRORS);
    }

    long get(final GatewayCounter counter)
    {
        return values[counter.ordinal()].get();
    }

    long errors(final ErrorCode code)
    {
        return errors[code.ordinal()].get();
    }
}
