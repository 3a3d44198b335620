package dev.rollcall.client;

import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;

import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One TCP connection of a {@link Session}: a non-blocking {@link SocketChannel} registered with the session's
 * {@link IoLoop}, an inbound buffer split into frames and decoded on the loop thread, and an outbound buffer that
 * any thread appends frames to under the session's lock.
 *
 * <p>Inbound backpressure: before decoding a {@code DISPATCH} the connection asks the session whether the event
 * buffer has room; when it has not, the connection stops reading (no {@code OP_READ} interest, undecoded bytes
 * kept) until the buffer has drained, so the socket's receive buffer, then the server's send buffer, fill up.
 */
final class Connection implements IoLoop.Selectable
{
    /** Framing of one client frame: encodes it with the writer and returns its total length. */
    interface FrameEncoder
    {
        /**
         * Encodes one frame.
         *
         * @param writer the writer, positioned at the end of the outbound buffer
         * @return the frame's total length
         */
        int encode(FrameWriter writer);
    }

    private static final int INITIAL_IN = 16 * 1024;
    private static final int MAX_IN = Protocol.HEADER_LENGTH + Protocol.MAX_SERVER_FRAME_SIZE;
    private static final int INITIAL_OUT = 4 * 1024;
    private static final int MAX_OUT = 4 * 1024 * 1024;

    private final Session session;
    private final IoLoop loop;
    private final SocketChannel channel;
    private final ServerFrameAdapter adapter;
    private SelectionKey key;
    private ByteBuffer in = ByteBuffer.allocateDirect(INITIAL_IN).order(ByteOrder.LITTLE_ENDIAN);
    // guarded by the session's lock
    private ByteBuffer out = ByteBuffer.allocateDirect(INITIAL_OUT);
    private final FrameWriter writer = new FrameWriter(out);
    private boolean writeInterestPosted;
    // loop thread only
    private boolean readPaused;
    private volatile boolean closed;

    Connection(final Session session, final IoLoop loop, final SocketChannel channel, final ServerFrameHandler handler)
    {
        this.session = session;
        this.loop = loop;
        this.channel = channel;
        this.adapter = new ServerFrameAdapter(handler);
    }

    /**
     * Registers with the loop's selector. Loop thread.
     *
     * @param connected whether {@code connect} completed immediately
     * @throws IOException when the channel is closed
     */
    void register(final boolean connected) throws IOException
    {
        key = channel.register(loop.selector(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
    }

    boolean isClosed()
    {
        return closed;
    }

    boolean isReadPaused()
    {
        return readPaused;
    }

    @Override
    public void onSelected(final SelectionKey selected)
    {
        try
        {
            if (selected.isConnectable())
            {
                if (channel.finishConnect())
                {
                    selected.interestOps(SelectionKey.OP_READ);
                    session.onConnected(this);
                }
                return;
            }
            if (selected.isWritable())
            {
                flushFromLoop();
            }
            if (!closed && selected.isValid() && selected.isReadable())
            {
                read();
            }
        }
        catch (final IOException | ProtocolException ex)
        {
            session.connectionFailed(this, ex);
        }
        catch (final CancelledKeyException ex)
        {
            if (!closed)
            {
                session.connectionFailed(this, ex);
            }
        }
    }

    private void read() throws IOException, ProtocolException
    {
        if (readPaused)
        {
            setInterest(SelectionKey.OP_READ, false);
            return;
        }
        final int read = channel.read(in);
        if (read < 0)
        {
            throw new EOFException("connection closed by the server");
        }
        if (read > 0)
        {
            processInbound();
        }
    }

    /** Decodes every whole frame buffered, unless the event buffer is full. Loop thread. */
    private void processInbound() throws ProtocolException
    {
        in.flip();
        try
        {
            while (!closed)
            {
                final int length = FrameSplitter.nextFrame(in, Protocol.MAX_SERVER_FRAME_SIZE);
                if (length == 0)
                {
                    break;
                }
                final int op = in.get(in.position() + Protocol.HEADER_LENGTH) & 0xFF;
                if (op == Protocol.DISPATCH && !session.canPublish())
                {
                    pauseReading();
                    break;
                }
                adapter.decode(in, length);
            }
        }
        finally
        {
            in.compact();
        }
        if (!closed)
        {
            ensureInboundCapacity();
        }
    }

    private void ensureInboundCapacity()
    {
        if (in.position() < Protocol.HEADER_LENGTH)
        {
            return;
        }
        final long total = Protocol.HEADER_LENGTH + (long)in.getInt(0);
        if (total > in.capacity() && total <= MAX_IN)
        {
            final int capacity = (int)Math.max(total, Math.min((long)in.capacity() * 2, MAX_IN));
            final ByteBuffer bigger = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    private void pauseReading()
    {
        readPaused = true;
        setInterest(SelectionKey.OP_READ, false);
        session.onReadPaused();
        session.awaitSpace(() -> loop.execute(this::resumeReading));
    }

    private void resumeReading()
    {
        if (closed || !readPaused)
        {
            return;
        }
        readPaused = false;
        try
        {
            processInbound();
        }
        catch (final ProtocolException ex)
        {
            session.connectionFailed(this, ex);
            return;
        }
        if (!closed && !readPaused)
        {
            setInterest(SelectionKey.OP_READ, true);
        }
    }

    private void setInterest(final int op, final boolean on)
    {
        if (closed || !key.isValid())
        {
            return;
        }
        final int ops = key.interestOps();
        key.interestOps(on ? ops | op : ops & ~op);
    }

    /**
     * Appends one frame to the outbound buffer, growing it when needed. Caller holds the session's lock.
     *
     * @param encoder      encodes the frame
     * @param maxFrameSize the server's limit on {@code length}, or 0 for none
     * @throws IllegalArgumentException when the frame cannot be encoded or is larger than the server accepts
     * @throws RollcallException        when the outbound buffer is full (the server is not reading)
     */
    void append(final FrameEncoder encoder, final long maxFrameSize)
    {
        while (true)
        {
            final int length;
            try
            {
                length = encoder.encode(writer);
            }
            catch (final BufferOverflowException ex)
            {
                if (out.capacity() >= MAX_OUT)
                {
                    throw new RollcallException(
                        "outbound buffer full (" + out.position() + " bytes unsent): the server is not reading", null);
                }
                final ByteBuffer bigger = ByteBuffer.allocateDirect(Math.min(MAX_OUT, out.capacity() * 2));
                out.flip();
                bigger.put(out);
                out = bigger;
                writer.wrap(out);
                continue;
            }
            if (maxFrameSize > 0 && length - Protocol.HEADER_LENGTH > maxFrameSize)
            {
                out.position(out.position() - length);
                throw new IllegalArgumentException("frame of " + (length - Protocol.HEADER_LENGTH) +
                    " bytes (op + body) is larger than the server's maxFrameSize " + maxFrameSize);
            }
            return;
        }
    }

    /**
     * Writes what the socket takes now; when bytes remain, asks the loop to wait for {@code OP_WRITE}. Caller
     * holds the session's lock; any thread.
     *
     * @throws IOException when the write fails
     */
    void flush() throws IOException
    {
        if (closed)
        {
            return;
        }
        out.flip();
        try
        {
            channel.write(out);
        }
        finally
        {
            out.compact();
        }
        if (out.position() > 0)
        {
            if (loop.inLoop())
            {
                setInterest(SelectionKey.OP_WRITE, true);
            }
            else if (!writeInterestPosted)
            {
                writeInterestPosted = true;
                loop.execute(this::enableWriteInterest);
            }
        }
    }

    private void enableWriteInterest()
    {
        synchronized (session.lock)
        {
            writeInterestPosted = false;
            if (out.position() > 0)
            {
                setInterest(SelectionKey.OP_WRITE, true);
            }
        }
    }

    private void flushFromLoop() throws IOException
    {
        synchronized (session.lock)
        {
            flush();
            if (out.position() == 0)
            {
                setInterest(SelectionKey.OP_WRITE, false);
            }
        }
    }

    /** Closes the socket (idempotent). Loop thread. */
    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (key != null)
        {
            key.cancel();
        }
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }

    @Override
    public String toString()
    {
        return "Connection{" + channel + "}";
    }
}
