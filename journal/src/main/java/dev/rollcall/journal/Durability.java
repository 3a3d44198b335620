package dev.rollcall.journal;

/**
 * What "journaled" means before an input is acknowledged or revealed.
 */
public enum Durability
{
    /**
     * Written into the memory-mapped queue file: survives a crash of the process (the kernel
     * holds the pages), not a power cut or kernel crash. The default; costs no syscall.
     */
    MEMORY_MAPPED,
    /**
     * Additionally synced to disk (msync) at every batch boundary, before the batch is
     * acknowledged: survives a power cut, at the cost of a sync per batch (see BENCHMARKS.md).
     */
    SYNC_BATCH
}
