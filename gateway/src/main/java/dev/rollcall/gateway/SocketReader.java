package dev.rollcall.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The input side of one gateway thread: reads a ready socket into the thread's one read buffer,
 * behind the partial unit the connection kept from last time, and offers it to the connection's
 * transport or handler; keeps what the handler left (a partial frame) aside, and offers kept
 * input again when the connection can take it (input resumed, or the connection moved here).
 * Used by its gateway thread only.
 */
final class SocketReader
{
    private final GatewayAgent agent;
    private final HandlerInvoker handlers;
    private final GatewayCounters counters;
    private final ByteBuffer readBuffer;
    private final List<GatewayConnection> pendingInput = new ArrayList<>();

    SocketReader(
        final GatewayAgent agent, final HandlerInvoker handlers, final GatewayCounters counters, final ByteBuffer readBuffer)
    {
        this.agent = agent;
        this.handlers = handlers;
        this.counters = counters;
        this.readBuffer = readBuffer;
    }

    /**
     * The connection has kept input it could take now: offer it in this cycle.
     */
    void offerLater(final GatewayConnection connection)
    {
        pendingInput.add(connection);
    }

    /**
     * The connection leaves this thread: nothing is offered to it here.
     */
    void forget(final GatewayConnection connection)
    {
        pendingInput.remove(connection);
    }

    /**
     * The socket is readable: read into the thread's buffer behind what the connection kept, and offer it.
     */
    void onReadable(final GatewayConnection connection)
    {
        final ByteBuffer buffer = readBuffer;
        buffer.clear();
        if (null != connection.input)
        {
            connection.input.flip();
            buffer.put(connection.input);
            connection.input = null;
        }
        final int read = read(connection, buffer);
        if (read < 0)
        {
            agent.closeNow(connection);
            return;
        }
        counters.add(GatewayCounter.BYTES_READ, read);
        buffer.flip();
        deliverInput(connection, buffer);
    }

    /**
     * Offer kept input again to the connections that can take it now (resumed, or moved here).
     *
     * @return the connections offered input.
     */
    int processPendingInput()
    {
        final int count = pendingInput.size();
        if (count == 0)
        {
            return 0;
        }
        for (int i = 0; i < count; i++)
        {
            final GatewayConnection connection = pendingInput.get(i);
            if (connection.agent != agent || connection.isClosed() || connection.isSuspended() ||
                connection.migrating || null == connection.input)
            {
                continue;
            }
            final ByteBuffer buffer = readBuffer;
            buffer.clear();
            connection.input.flip();
            buffer.put(connection.input);
            connection.input = null;
            buffer.flip();
            deliverInput(connection, buffer);
        }
        GatewayAgent.dropFirst(pendingInput, count);
        return count;
    }

    private void deliverInput(final GatewayConnection connection, final ByteBuffer buffer)
    {
        if (null != connection.transport)
        {
            connection.transport.onInput(connection, buffer);
        }
        else if (buffer.hasRemaining())
        {
            handlers.callData(connection, buffer);
        }
        if (connection.isClosed())
        {
            return;
        }
        if (buffer.hasRemaining())
        {
            if (buffer.position() == 0 && buffer.limit() == buffer.capacity())
            {
                handlers.handlerError(connection, new IllegalStateException(
                    "handler consumed nothing of a full input buffer (" + buffer.capacity() + " bytes)"));
                return;
            }
            final ByteBuffer keep = ByteBuffer.allocate(Math.max(256, buffer.remaining()));
            keep.put(buffer);
            connection.input = keep;
        }
        if (connection.bindPending)
        {
            agent.afterBind(connection);
        }
    }

    /**
     * A half-closed connection: read and drop what the peer still sends.
     */
    void discardInput(final GatewayConnection connection)
    {
        readBuffer.clear();
        if (read(connection, readBuffer) < 0)
        {
            connection.closeChannel();
        }
    }

    /**
     * @return the bytes read into the buffer, or -1 at the end of the stream or on an error.
     */
    private static int read(final GatewayConnection connection, final ByteBuffer buffer)
    {
        try
        {
            return connection.channel().read(buffer);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
