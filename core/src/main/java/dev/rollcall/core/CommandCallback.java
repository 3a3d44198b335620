package dev.rollcall.core;

import dev.rollcall.model.Result;

/**
 * Receives a command's result, on the fan-out thread, once the journal holds the command.
 * Keep it short: it runs on the pipeline. Passing the same instance with different
 * correlation ids makes commands allocation-free. It must not issue commands or close the
 * instance (that would wait for a ring slot only the fan-out can free, so it throws
 * {@link IllegalStateException}): hand such work to another thread. The same holds for
 * non-async continuations of the futures the command methods return.
 */
@FunctionalInterface
public interface CommandCallback
{
    /**
     * @param correlationId the id given with the command.
     * @param result        its result.
     */
    void onResult(long correlationId, Result result);
}
