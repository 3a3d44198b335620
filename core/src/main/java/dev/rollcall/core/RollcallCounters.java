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
 * {@code core: results <name>}); refusals are also counted in {@link Counter#COMMANDS_REFUSED}.
 * <p>
 * Writers: the rare counts, some of them made by several threads (handler errors, journal
 * failures, mailbox overflows, snapshots stored and failed), take an atomic add; the fan-out
 * thread's counters (inputs and commands processed, commands refused, results, events delivered
 * and undeliverable, directives) are single-writer: a plain load and a release store, as Aeron
 * counts.
 */
public final class RollcallCounters
{
    /** Type id of a {@link Counter} in a counters file. */
    public static final int COUNTER_TYPE_ID = 1;
    /** Type id of a per-{@link Result} count in a counters file. */
    public static final int RESULT_TYPE_ID = 2;

    private static final Counter[] COUNTERS = Counter.values();
    private static final Result[] RESULTS = Result.values();

    /** How many counters a {@code RollcallCounters} allocates. */
    public static final int COUNTERS_ALLOCATED = COUNTERS.length + RESULTS.length;

    private final AtomicCounter[] counters = new AtomicCounter[COUNTERS.length];
    private final AtomicCounter[] results = new AtomicCounter[RESULTS.length];

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
