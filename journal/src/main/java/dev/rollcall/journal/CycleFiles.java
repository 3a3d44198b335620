package dev.rollcall.journal;

import net.openhft.chronicle.queue.impl.StoreFileListener;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Remembers which file holds which Chronicle cycle, as the queue acquires them, so that error
 * messages can name the file and retention can delete whole cycles.
 */
final class CycleFiles implements StoreFileListener
{
    private final ConcurrentSkipListMap<Integer, File> files = new ConcurrentSkipListMap<>();

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
     * @return the file of a cycle, or a description when it was never acquired.
     */
    String describe(final int cycle)
    {
        final File file = files.get(cycle);
        return null == file ? "cycle " + cycle : file.getPath();
    }

    File file(final int cycle)
    {
        return files.get(cycle);
    }

    void forget(final int cycle)
    {
        files.remove(cycle);
    }

    Map<Integer, File> known()
    {
        return files;
    }
}
