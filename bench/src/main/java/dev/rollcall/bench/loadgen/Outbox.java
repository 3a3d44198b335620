package dev.rollcall.bench.loadgen;

import dev.rollcall.protocol.FrameWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;

/**
 * What one selector thread writes to its connections: frames for one connection at a time are
 * staged in the thread's buffer and written with one {@code write} when the thread moves on to
 * another connection or {@link #flush()}es; bytes the socket does not take wait in the
 * connection's own buffer (allocated then, grown when needed) until it is writable again, and
 * later frames queue behind them.
 */
final class Outbox
{
    /** Room kept free for one frame (the server's default maxFrameSize). */
    static final int FRAME_ROOM = 4096;
    /**
     * Room kept free for one WebSocket message: its header and a JSON message, which may take more than its frame
     * (a long {@code subscribe}).
     */
    static final int MESSAGE_ROOM = 8192;
    private static final int BUFFER_BYTES = 64 * 1024;

    /**
     * Told when a write fails (the connection is then to be closed).
     */
    interface WriteFailure
    {
        /**
         * @param c  the connection.
         * @param ex what failed.
         */
        void onWriteFailed(LoadConnection c, IOException ex);
    }

    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final FrameWriter writer = new FrameWriter(out);
    private final LoadStats stats;
    private final WriteFailure failure;
    private final int room;
    private LoadConnection staging;
    private ByteBuffer stageBuffer;

    /**
     * @param stats   counts the bytes written.
     * @param failure told of failed writes.
     */
    Outbox(final LoadStats stats, final WriteFailure failure)
    {
        this(stats, failure, FRAME_ROOM);
    }

    /**
     * @param stats   counts the bytes written.
     * @param failure told of failed writes.
     * @param room    bytes kept free for what is written next ({@link #FRAME_ROOM} or {@link #MESSAGE_ROOM}).
     */
    Outbox(final LoadStats stats, final WriteFailure failure, final int room)
    {
        this.stats = stats;
        this.failure = failure;
        this.room = room;
    }

    /**
     * @param c a connection.
     * @return the writer, positioned to append to what {@code c} is about to send (its unwritten bytes if any,
     *         else the thread's buffer), with room for one frame.
     */
    FrameWriter writerFor(final LoadConnection c)
    {
        stage(c);
        return writer;
    }

    /**
     * The same staging as {@link #writerFor} for bytes encoded another way (RESP commands to Redis, WebSocket
     * messages).
     *
     * @param c a connection.
     * @return the buffer to append to at its position, with the room the outbox keeps.
     */
    ByteBuffer bufferFor(final LoadConnection c)
    {
        stage(c);
        return stageBuffer;
    }

    /**
     * @return the frame writer, wrapped around the buffer the last {@link #bufferFor} or {@link #writerFor} staged
     *         (for a frame written inside a WebSocket message begun in that buffer).
     */
    FrameWriter writer()
    {
        return writer;
    }

    private void stage(final LoadConnection c)
    {
        if (staging != c)
        {
            flush();
            staging = c;
            if (c.hasPendingOut())
            {
                stageBuffer = c.pendingOut;
            }
            else
            {
                out.clear();
                stageBuffer = out;
            }
            writer.wrap(stageBuffer);
        }
        if (stageBuffer.remaining() < room)
        {
            if (stageBuffer == out)
            {
                flush();
                stage(c);
                return;
            }
            c.growPendingOut(room);
            stageBuffer = c.pendingOut;
            writer.wrap(stageBuffer);
        }
    }

    /**
     * Write what is staged for the current connection (a closed connection's frames are dropped).
     */
    void flush()
    {
        final LoadConnection c = staging;
        if (null == c)
        {
            return;
        }
        staging = null;
        if (c.state == LoadConnection.CLOSED)
        {
            return;
        }
        if (stageBuffer != out)
        {
            writePending(c);
            return;
        }
        out.flip();
        if (!out.hasRemaining())
        {
            return;
        }
        try
        {
            stats.bytesSent += c.channel.write(out);
        }
        catch (final IOException ex)
        {
            failure.onWriteFailed(c, ex);
            return;
        }
        if (out.hasRemaining())
        {
            c.appendPendingOut(out);
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        out.clear();
    }

    /**
     * Write a connection's waiting bytes (it became writable); stop watching for writability once they are out.
     *
     * @param c the connection.
     */
    void writePending(final LoadConnection c)
    {
        final ByteBuffer pendingOut = c.pendingOut;
        if (null == pendingOut || c.state == LoadConnection.CLOSED)
        {
            return;
        }
        pendingOut.flip();
        try
        {
            stats.bytesSent += c.channel.write(pendingOut);
        }
        catch (final IOException ex)
        {
            pendingOut.clear();
            failure.onWriteFailed(c, ex);
            return;
        }
        pendingOut.compact();
        c.key.interestOps(0 == pendingOut.position() ?
            SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
}
