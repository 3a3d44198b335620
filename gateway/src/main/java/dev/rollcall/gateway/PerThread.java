package dev.rollcall.gateway;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A resource a protocol keeps once per gateway thread (decoders, encoders, answer buffers), so
 * a connection holds only its own state: {@link Connection#perThread(PerThread)} returns the
 * instance of the thread the connection is on, made on first use there. Keep one
 * {@code PerThread} per kind of resource, as a constant.
 *
 * @param <T> the resource.
 */
public final class PerThread<T>
{
    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

    private final int index = NEXT_INDEX.getAndIncrement();
    private final Supplier<T> maker;

    /**
     * @param maker makes one thread's instance, on that thread.
     */
    public PerThread(final Supplier<T> maker)
    {
        this.maker = maker;
    }

    int index()
    {
        return index;
    }

    T make()
    {
        return maker.get();
    }
}
