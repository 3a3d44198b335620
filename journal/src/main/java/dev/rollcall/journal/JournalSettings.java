package dev.rollcall.journal;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;

/**
 * Settings of a {@link ChronicleJournal}: fluent setters with defaults.
 */
public final class JournalSettings
{
    private final Path directory;
    private RollCycle rollCycle = RollCycles.FAST_DAILY;
    private Durability durability = Durability.MEMORY_MAPPED;
    private int snapshotsToKeep = 3;
    private TimeProvider timeProvider = SystemTimeProvider.INSTANCE;

    /**
     * @param directory the journal directory (created when absent).
     */
    public JournalSettings(final Path directory)
    {
        this.directory = directory;
    }

    /** @return the journal directory. */
    public Path directory()
    {
        return directory;
    }

    /** @return how often the queue starts a new file; default daily. */
    public RollCycle rollCycle()
    {
        return rollCycle;
    }

    /**
     * @param rollCycle how often the queue starts a new file. Retention deletes whole files, so
     *                  shorter cycles free disk sooner.
     * @return this.
     */
    public JournalSettings rollCycle(final RollCycle rollCycle)
    {
        this.rollCycle = rollCycle;
        return this;
    }

    /** @return the durability of an acknowledged input. */
    public Durability durability()
    {
        return durability;
    }

    /** @param durability of an acknowledged input. @return this. */
    public JournalSettings durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    /** @return how many snapshots are kept. */
    public int snapshotsToKeep()
    {
        return snapshotsToKeep;
    }

    /**
     * @param snapshotsToKeep the newest K snapshots are kept ({@code >= 1}); queue files wholly
     *                        older than the oldest kept snapshot are deleted.
     * @return this.
     */
    public JournalSettings snapshotsToKeep(final int snapshotsToKeep)
    {
        if (snapshotsToKeep < 1)
        {
            throw new IllegalArgumentException("snapshotsToKeep must be >= 1: " + snapshotsToKeep);
        }
        this.snapshotsToKeep = snapshotsToKeep;
        return this;
    }

    /** @return the clock Chronicle uses to pick the cycle of a write. */
    public TimeProvider timeProvider()
    {
        return timeProvider;
    }

    /** @param timeProvider the clock for cycles (tests roll cycles with a settable one). @return this. */
    public JournalSettings timeProvider(final TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        return this;
    }
}
