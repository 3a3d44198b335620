package dev.rollcall.bench;

import java.util.SplittableRandom;

/**
 * What one cache miss costs on this machine: the floor under any replay whose inputs address
 * clients at random. A {@code main()} program, not a JMH benchmark (it measures a latency of
 * the hardware, not of Rollcall's code):
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.rollcall.bench.MemoryLatency
 * </pre>
 * For working sets from 1 MiB to 256 MiB it reports, in nanoseconds per load:
 * <ul>
 *   <li><b>dependent</b>: a pointer chase through a random cycle of 64-byte lines (each load's
 *   address comes from the previous load, as a hash index cell leads to a client object and
 *   the client to its out-of-line attributes): the latency of one miss;</li>
 *   <li><b>independent</b>: loads at random lines whose addresses are known in advance (as the
 *   clients of a batch of journaled inputs are): what the memory system sustains when misses
 *   overlap.</li>
 * </ul>
 * Replay's working set at 100,000 users is about 20 MB of client objects, extras and index.
 */
public final class MemoryLatency
{
    private static final int LINE_LONGS = 8;
    private static final long LOADS = 20_000_000;

    private MemoryLatency()
    {
    }

    /**
     * Measure and print.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        System.out.println("working set   dependent ns/load   independent ns/load");
        for (int mib = 1; mib <= 256; mib *= 2)
        {
            final int lines = mib * (1 << 20) / 64;
            final long[] memory = new long[lines * LINE_LONGS];
            final int[] order = shuffled(lines, new SplittableRandom(mib));
            for (int i = 0; i < lines; i++)
            {
                memory[order[i] * LINE_LONGS] = order[(i + 1) % lines] * (long)LINE_LONGS;
            }
            double dependent = Double.MAX_VALUE;
            double independent = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++)
            {
                dependent = Math.min(dependent, chase(memory));
                independent = Math.min(independent, gather(memory, order));
            }
            System.out.printf("%6d MiB   %17.1f   %19.1f%n", mib, dependent, independent);
        }
    }

    private static int[] shuffled(final int n, final SplittableRandom random)
    {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static double chase(final long[] memory)
    {
        long at = 0;
        final long start = System.nanoTime();
        for (long i = 0; i < LOADS; i++)
        {
            at = memory[(int)at];
        }
        final long elapsed = System.nanoTime() - start;
        if (at < 0)
        {
            System.out.println(at);
        }
        return (double)elapsed / LOADS;
    }

    private static double gather(final long[] memory, final int[] order)
    {
        long sum = 0;
        final int n = order.length;
        final long start = System.nanoTime();
        for (long i = 0; i < LOADS; i++)
        {
            sum += memory[order[(int)(i % n)] * LINE_LONGS];
        }
        final long elapsed = System.nanoTime() - start;
        if (sum == 42)
        {
            System.out.println(sum);
        }
        return (double)elapsed / LOADS;
    }
}
