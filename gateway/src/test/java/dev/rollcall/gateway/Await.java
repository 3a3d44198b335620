package dev.rollcall.gateway;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition with a deadline, parking a millisecond between tries (for state the
 * server does not announce on the wire: counters, the core's view of a client).
 */
final class Await
{
    static final long DEFAULT_TIMEOUT_MS = 10_000;

    private Await()
    {
    }

    /** Wait until the condition holds, or fail after 10 s naming {@code what}. */
    static void until(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEFAULT_TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError("timed out after " + DEFAULT_TIMEOUT_MS + " ms waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
