package dev.rollcall.core;

/**
 * Receives a command's result, on the fan-out thread, once the journal holds the command.
 * Keep it short: it runs on the pipeline. Passing the same instance with different
 * correlation ids makes commands allocation-free.
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
