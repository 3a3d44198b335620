package dev.rollcall.core;

import dev.rollcall.model.Result;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of the pipeline, readable from any thread. Refusals are also counted per
 * {@link Result}, and the state inputs past the fan-out per {@link InputType}.
 */
public final class RollcallCounters
{
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final AtomicLongArray results = new AtomicLongArray(Result.values().length);
    private final AtomicLongArray inputs = new AtomicLongArray(InputType.LAST_STATE_INPUT + 1);

    /**
     * @param counter which.
     * @return its value.
     */
    public long get(final Counter counter)
    {
        return counters.get(counter.ordinal());
    }

    /**
     * @param result which.
     * @return how many commands had this result.
     */
    public long results(final Result result)
    {
        return results.get(result.ordinal());
    }

    /**
     * @param type a state input type ({@link InputType#isStateInput}).
     * @return how many inputs of this type were applied (accepted or refused) and passed the
     * fan-out since launch; inputs replayed by recovery are not counted. 0 for any other type.
     */
    public long inputsApplied(final int type)
    {
        return InputType.isStateInput(type) ? inputs.get(type) : 0;
    }

    void increment(final Counter counter)
    {
        counters.incrementAndGet(counter.ordinal());
    }

    /**
     * Single-writer increment (the fan-out thread): no atomic read-modify-write needed.
     */
    void add(final Counter counter, final long delta)
    {
        final int index = counter.ordinal();
        counters.lazySet(index, counters.get(index) + delta);
    }

    /**
     * Single-writer (the fan-out thread): one more state input of this type applied.
     */
    void inputApplied(final int type)
    {
        inputs.lazySet(type, inputs.get(type) + 1);
    }

    void recordResult(final Result result)
    {
        final int index = result.ordinal();
        results.lazySet(index, results.get(index) + 1);
        if (!result.isAccepted())
        {
            add(Counter.COMMANDS_REFUSED, 1);
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("RollcallCounters{");
        for (final Counter counter : Counter.values())
        {
            sb.append(counter).append('=').append(get(counter)).append(", ");
        }
        sb.setLength(sb.length() - 2);
        return sb.append('}').toString();
    }
}
