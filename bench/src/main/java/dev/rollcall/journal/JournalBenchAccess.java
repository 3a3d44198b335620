package dev.rollcall.journal;

/**
 * The benchmarks' way to a journal's own {@link JournalReader}, which the journal module keeps
 * package-private ({@code ChronicleJournal.reader()}). Lives in {@code dev.rollcall.journal}
 * inside the bench module, as {@code LogicBenchmark} does for the core, so the journal's main
 * code needs no public accessor for benchmarks.
 */
public final class JournalBenchAccess
{
    private JournalBenchAccess()
    {
    }

    /**
     * @param journal an open journal.
     * @return a reader over its queue, the one {@link ChronicleJournal#recover} uses; the queue
     * stays the journal's (close the journal, not the reader).
     */
    public static JournalReader reader(final ChronicleJournal journal)
    {
        return journal.reader();
    }
}
