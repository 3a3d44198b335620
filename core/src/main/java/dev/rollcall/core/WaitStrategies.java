package dev.rollcall.core;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/**
 * The pipeline's wait strategies by name, for command lines and benchmarks: {@code parking}
 * (the default, {@link ParkingWaitStrategy}), {@code blocking}, {@code sleeping},
 * {@code yielding} and {@code busy-spin} (the Disruptor's own; the last two need a core per
 * stage).
 */
public final class WaitStrategies
{
    /** The names {@link #byName} accepts, the default first. */
    public static final String NAMES = "parking, blocking, sleeping, yielding, busy-spin";

    private WaitStrategies()
    {
    }

    /**
     * @param name one of {@link #NAMES}.
     * @return a new strategy of that name.
     * @throws IllegalArgumentException for any other name.
     */
    public static WaitStrategy byName(final String name)
    {
        return switch (name)
        {
            case "parking" -> new ParkingWaitStrategy();
            case "blocking" -> new BlockingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name + "': use " + NAMES);
        };
    }
}
