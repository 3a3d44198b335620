package dev.rollcall.model;

import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Builds the code → constant index of a vocabulary enum, refusing gaps and duplicates so that a
 * code, once given, means one thing.
 */
final class Codes
{
    private Codes()
    {
    }

    static <T> T[] index(final T[] values, final ToIntFunction<T> code, final IntFunction<T[]> newArray)
    {
        final T[] byCode = newArray.apply(values.length);
        for (final T value : values)
        {
            final int c = code.applyAsInt(value);
            if (c < 0 || c >= values.length || null != byCode[c])
            {
                throw new IllegalStateException("codes must be 0.." + (values.length - 1) + " without gaps or duplicates: " + value);
            }
            byCode[c] = value;
        }
        return byCode;
    }
}
