package dev.rollcall.journal;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.StoreFileListener;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which file holds which Chronicle cycle: learned from the queue as it acquires stores, and
 * otherwise computed the way Chronicle names them (the roll cycle's date format, UTC, from
 * the queue's epoch, plus ".cq4"). Error messages name the file; retention deletes it.
 */
final class CycleFiles implements StoreFileListener
{
    private final ConcurrentSkipListMap<Integer, File> files = new ConcurrentSkipListMap<>();
    private Path directory;
    private RollCycle rollCycle;
    private long epoch;
    private DateTimeFormatter formatter;

    /**
     * Complete with what the queue knows once it is built.
     */
    void queue(final Path directory, final RollCycle rollCycle, final long epoch)
    {
        this.directory = directory;
        this.rollCycle = rollCycle;
        this.epoch = epoch;
        this.formatter = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
    }

    @Override
    public void onAcquired(final int cycle, final File file)
    {
        files.put(cycle, file);
    }

    @Override
    public void onReleased(final int cycle, final File file)
    {
        files.put(cycle, file);
    }

    /**
     * @return the file of a cycle, or null when unknown and not computable.
     */
    File file(final int cycle)
    {
        final File known = files.get(cycle);
        if (null != known || null == formatter)
        {
            return known;
        }
        final long start = epoch + (long)cycle * rollCycle.lengthInMillis();
        return directory.resolve(formatter.format(Instant.ofEpochMilli(start)) + ".cq4").toFile();
    }

    /**
     * @return the path of a cycle's file, for messages.
     */
    String describe(final int cycle)
    {
        final File file = file(cycle);
        return null == file ? "cycle " + cycle : file.getPath();
    }

    void forget(final int cycle)
    {
        files.remove(cycle);
    }
}
