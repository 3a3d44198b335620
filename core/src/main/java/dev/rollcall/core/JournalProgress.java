package dev.rollcall.core;

/**
 * How far the journal is, for readers of the {@link ClientTable}: what a query may reveal.
 */
interface JournalProgress
{
    /** A journal that holds everything (a state machine outside a pipeline, a replica). */
    JournalProgress ALL = new JournalProgress()
    {
        @Override
        public long journaledPosition()
        {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean hasFailed()
        {
            return false;
        }
    };

    /**
     * Any thread.
     *
     * @return the published position (ring sequence + 1) up to which the journal holds every input.
     */
    long journaledPosition();

    /**
     * Any thread.
     *
     * @return true once the journal has failed: the position will not move again.
     */
    boolean hasFailed();
}
