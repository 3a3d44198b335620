package dev.rollcall.core;

import dev.rollcall.model.Result;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.Locale;

/**
 * Counters of the pipeline, readable from any thread, and from other processes when they live
 * in a counters file ({@link CountersFile}): one Agrona counter per {@link Counter} (type id
 * {@link #COUNTER_TYPE_ID}, key: the counter's ordinal as an int, label {@code core: <name>}) and
 * one per {@link Result} (type id {@link #RESULT_TYPE_ID}, key: the result's code, label
 * {@code core: results <name>}); refusals are also counted in {@link Counter#COMMANDS_REFUSED}; and
 * one per state {@link InputType} applied past the fan-out (type id {@link #INPUT_TYPE_ID}, key:
 * the type code, label {@code core: inputs applied <type>}).
 * <p>
 * Writers: the rare counts, some of them made by several threads (handler errors, journal
 * failures, mailbox overflows, snapshots stored and failed), take an atomic add; the fan-out
 * thread's counters (inputs and commands processed, inputs by type, commands refused, results,
 * events delivered and undeliverable, directives) are single-writer: a plain load and a release
 * store, as Aeron counts.
 */
public final class RollcallCounters
{
    /** Type id of a {@link Counter} in a counters file. */
    public static final int COUNTER_TYPE_ID = 1;
    /** Type id of a per-{@link Result} count in a counters file. */
    public static final int RESULT_TYPE_ID = 2;
    /** Type id of a per-{@link InputType} count of state inputs applied in a counters file. */
    public static final int INPUT_TYPE_ID = 3;
    private static final int INPUT_TYPES = InputType.LAST_STATE_INPUT + 1;

    private static final Counter[] COUNTERS = Counter.values();
    private static final Result[] RESULTS = Result.values();

    /** How many counters a {@code RollcallCounters} allocates. */
    public static final int COUNTERS_ALLOCATED = COUNTERS.length + RESULTS.length + INPUT_TYPES - InputType.TICK;

    private final AtomicCounter[] counters = new AtomicCounter[COUNTERS.length];
    private final AtomicCounter[] results = new AtomicCounter[RESULTS.length];
    private final AtomicCounter[] inputs = new AtomicCounter[INPUT_TYPES];

    /**
     * Counters of their own in memory (tests, benchmarks).
     */
    RollcallCounters()
    {
        this(CountersFile.inMemory(COUNTERS_ALLOCATED).manager());
    }

    /**
     * @param manager where to allocate the counters (from one thread, at start-up).
     */
    RollcallCounters(final CountersManager manager)
    {
        for (final Counter counter : COUNTERS)
        {
            counters[counter.ordinal()] = manager.newCounter(
                "core: " + words(counter.name()), COUNTER_TYPE_ID, key -> key.putInt(0, counter.ordinal()));
        }
        for (final Result result : RESULTS)
        {
            results[result.ordinal()] = manager.newCounter(
                "core: results " + words(result.name()), RESULT_TYPE_ID, key -> key.putInt(0, result.code()));
        }
        for (int type = InputType.TICK; type < INPUT_TYPES; type++)
        {
            final int code = type;
            inputs[type] = manager.newCounter(
                "core: inputs applied " + words(InputType.name(type)), INPUT_TYPE_ID, key -> key.putInt(0, code));
        }
    }

    /**
     * @param name an enum constant's name.
     * @return it in lower case with spaces for underscores.
     */
    static String words(final String name)
    {
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /**
     * @param counter which.
     * @return its value.
     */
    public long get(final Counter counter)
    {
        return counters[counter.ordinal()].get();
    }

    /**
     * @param result which.
     * @return how many commands had this result.
     */
    public long results(final Result result)
    {
        return results[result.ordinal()].get();
    }

    /**
     * @param type a state input type ({@link InputType#isStateInput}).
     * @return how many inputs of this type were applied (accepted or refused) and passed the
     * fan-out since launch; inputs replayed by recovery are not counted. 0 for any other type.
     */
    public long inputsApplied(final int type)
    {
        return InputType.isStateInput(type) ? inputs[type].get() : 0;
    }

    /**
     * Increment a counter several threads count (an atomic add).
     */
    void increment(final Counter counter)
    {
        counters[counter.ordinal()].increment();
    }

    /**
     * Single-writer add (the fan-out thread): a plain load and a release store.
     */
    void add(final Counter counter, final long delta)
    {
        counters[counter.ordinal()].getAndAddRelease(delta);
    }

    /**
     * Single-writer (the fan-out thread): one more state input of this type applied.
     */
    void inputApplied(final int type)
    {
        inputs[type].incrementRelease();
    }

    /**
     * Single-writer (the fan-out thread).
     */
    void recordResult(final Result result)
    {
        results[result.ordinal()].incrementRelease();
        if (!result.isAccepted())
        {
            add(Counter.COMMANDS_REFUSED, 1);
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("RollcallCounters{");
        for (final Counter counter : COUNTERS)
        {
            sb.append(counter).append('=').append(get(counter)).append(", ");
        }
        sb.setLength(sb.length() - 2);
        return sb.append('}').toString();
    }
}
