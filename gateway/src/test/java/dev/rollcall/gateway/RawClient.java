package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client speaking the wire protocol by hand: sends any frame or raw bytes, and
 * decodes what the server sends into records read by a background thread.
 */
final class RawClient implements AutoCloseable
{
    sealed interface Frame permits Hello, Ready, HeartbeatAck, Resumed, InvalidSession, ResultFrame, ErrorFrame,
        Dispatch, CloseFrame, Clients, ClientIds, Stats, Eof
    {
    }

    record Hello(int version, int heartbeatIntervalMs, int maxFrameSize, int rateLimitCommands, int rateLimitWindowMs,
        int identifyTimeoutMs) implements Frame
    {
    }

    record Ready(long sessionId, long userId, long seq) implements Frame
    {
    }

    record HeartbeatAck(long seq) implements Frame
    {
    }

    record Resumed(long seq) implements Frame
    {
    }

    record InvalidSession(boolean resumable) implements Frame
    {
    }

    record ResultFrame(long requestId, Result result) implements Frame
    {
    }

    record ErrorFrame(long requestId, int code, String message) implements Frame
    {
    }

    record Dispatch(long seq, EventType type, long userId, long updateId, long lobbyId, long time, String reason,
        Changes changes) implements Frame
    {
    }

    record CloseFrame(int code, String message) implements Frame
    {
    }

    record Clients(long requestId, List<ClientView> clients) implements Frame
    {
    }

    record ClientIds(long requestId, long nextCursor, long[] ids) implements Frame
    {
    }

    /** {@code STATS}: the counters by name, in the server's order. */
    record Stats(long requestId, long nowMs, long gracePeriodMs, java.util.Map<String, Long> counters) implements Frame
    {
    }

    /** The server closed the connection (or the read failed). */
    record Eof() implements Frame
    {
    }

    private final SocketChannel channel;
    private final ServerFrameQueue frames = new ServerFrameQueue();
    private final ByteBuffer out = ByteBuffer.allocate(1 << 20);
    private final FrameWriter writer = new FrameWriter(out);
    private final Thread reader;

    RawClient(final InetSocketAddress address) throws IOException
    {
        channel = SocketChannel.open(address);
        reader = new Thread(this::readLoop, "raw-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop()
    {
        final ByteBuffer in = ByteBuffer.allocate(2 << 20);
        final ServerFrameAdapter adapter = new ServerFrameAdapter(frames.decoder());
        try
        {
            while (true)
            {
                if (channel.read(in) < 0)
                {
                    break;
                }
                in.flip();
                int length;
                while ((length = FrameSplitter.nextFrame(in, 2 << 20)) > 0)
                {
                    adapter.decode(in, length);
                }
                in.compact();
            }
        }
        catch (final IOException | ProtocolException ex)
        {
            // end of stream
        }
        frames.eof();
    }

    /** @return the writer, cleared: write one or more frames, then {@link #flush()}. */
    FrameWriter writer()
    {
        return writer;
    }

    /** Send what the writer holds. */
    RawClient flush() throws IOException
    {
        out.flip();
        while (out.hasRemaining())
        {
            channel.write(out);
        }
        out.clear();
        return this;
    }

    /** Send raw bytes. */
    RawClient sendRaw(final byte[] bytes) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
        return this;
    }

    /** @return the next frame, or fail after 10 s. */
    Frame next() throws InterruptedException
    {
        return frames.next();
    }

    /** @return the next frame of the type, skipping others (e.g. dispatches), or fail after 10 s. */
    <T extends Frame> T next(final Class<T> type) throws InterruptedException
    {
        return frames.next(type);
    }

    /** @return frames received so far and not taken. */
    List<Frame> drain()
    {
        return frames.drain();
    }

    /** Read until the server closes; @return every frame before the end. */
    List<Frame> untilClosed() throws InterruptedException
    {
        return frames.untilClosed();
    }

    SocketChannel channel()
    {
        return channel;
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
