package dev.rollcall.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The output side of one gateway thread: the connections that queued bytes this cycle, written
 * in one batch at the end of the cycle (several frames per system call), and the pool of output
 * buffers, so an idle connection holds none. A flushed connection that is closing is half-closed
 * ({@link GatewayAgent#halfClose}). Used by its gateway thread only.
 */
final class SocketWriter
{
    private static final int POOLED_BUFFER = 16 * 1024;
    private static final int MAX_POOLED = 256;

    private final GatewayAgent agent;
    private final GatewayCounters counters;
    private final List<GatewayConnection> dirty = new ArrayList<>();
    private final ArrayDeque<ByteBuffer> bufferPool = new ArrayDeque<>();

    SocketWriter(final GatewayAgent agent, final GatewayCounters counters)
    {
        this.agent = agent;
        this.counters = counters;
    }

    /**
     * The connection has output to write this cycle.
     */
    void markDirty(final GatewayConnection connection)
    {
        connection.dirty = true;
        dirty.add(connection);
    }

    /**
     * Write what each connection marked since the last call queued: one write call each.
     *
     * @return the connections flushed.
     */
    int flushDirty()
    {
        final int count = dirty.size();
        for (int i = 0; i < count; i++)
        {
            final GatewayConnection connection = dirty.get(i);
            connection.dirty = false;
            if (connection.agent == agent && !connection.isChannelClosed() && !connection.migrating)
            {
                flush(connection);
            }
        }
        GatewayAgent.dropFirst(dirty, count);
        return count;
    }

    /**
     * Write what the connection queued now (one write call); release the buffer once empty, and
     * half-close a closing connection whose output is all written.
     */
    void flush(final GatewayConnection connection)
    {
        if (connection.isChannelClosed())
        {
            return;
        }
        final ByteBuffer output = connection.output;
        if (null != output)
        {
            if (output.position() > 0 && !write(connection, output))
            {
                output.clear();
                agent.closeNow(connection);
                return;
            }
            if (output.position() == 0)
            {
                connection.output = null;
                releaseBuffer(output);
            }
        }
        if (null == connection.output && connection.isClosing())
        {
            agent.halfClose(connection);
            return;
        }
        if (!connection.migrating && null != connection.key && connection.key.isValid())
        {
            connection.key.interestOps(GatewayAgent.interestOf(connection));
        }
    }

    /**
     * Write what is queued for the connection now, before its queue is judged full: one
     * cycle can deliver many events to a connection whose socket has room. Never closes
     * (a failed write is found again by the next flush).
     */
    void writeThrough(final GatewayConnection connection)
    {
        final ByteBuffer output = connection.output;
        if (null == output || output.position() == 0 || connection.isChannelClosed())
        {
            return;
        }
        write(connection, output);
    }

    /**
     * One write call of the queued bytes; what is left stays queued.
     *
     * @return false if the socket failed.
     */
    private boolean write(final GatewayConnection connection, final ByteBuffer output)
    {
        output.flip();
        try
        {
            final int written = connection.channel().write(output);
            if (written > 0)
            {
                connection.madeProgress(agent.nowMs());
            }
            counters.add(GatewayCounter.BYTES_WRITTEN, written);
            counters.increment(GatewayCounter.WRITE_CALLS);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
        finally
        {
            output.compact();
        }
    }

    /**
     * @return an output buffer of at least {@code required} bytes: a pooled one when that is enough.
     */
    ByteBuffer acquireBuffer(final int required)
    {
        if (required <= POOLED_BUFFER)
        {
            final ByteBuffer pooled = bufferPool.poll();
            return null != pooled ? pooled : ByteBuffer.allocateDirect(POOLED_BUFFER);
        }
        return ByteBuffer.allocateDirect(required);
    }

    /**
     * A flushed or closed connection's output buffer goes back to the pool (if pooled-sized and the pool has room).
     */
    void releaseBuffer(final ByteBuffer buffer)
    {
        if (buffer.capacity() == POOLED_BUFFER && bufferPool.size() < MAX_POOLED)
        {
            buffer.clear();
            bufferPool.push(buffer);
        }
    }
}
