package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test client on a non-blocking socket driven by the calling thread, unlike {@link RawClient}
 * (whose reader thread always reads): bytes are written and the server's frames read only
 * while the test waits in {@link #next}, so a test can stop reading (a slow consumer), bind a
 * local address or shrink the receive buffer before connecting, and pour many bytes in while
 * the server answers without either side blocking. Frames decode to {@link RawClient}'s
 * records; a frame the codec cannot decode fails the test (the server must never send one).
 * Not thread-safe.
 */
final class WireClient implements AutoCloseable
{
    static final long DEFAULT_WAIT_MS = 10_000;
    private static final int MAX_INPUT = 2 << 20;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_INPUT);
    private final ByteBuffer scratch = ByteBuffer.allocate(1 << 20);
    private final FrameWriter writer = new FrameWriter(scratch);
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private final ArrayDeque<RawClient.Frame> frames = new ArrayDeque<>();
    private final ServerFrameAdapter adapter = new ServerFrameAdapter(new Decoder());
    private boolean eof;
    private boolean eofTaken;
    private boolean writeFailed;
    private long bytesRead;
    private int incompleteBytesAtEof;

    private WireClient(final SocketChannel channel) throws IOException
    {
        this.channel = channel;
        this.selector = Selector.open();
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    /**
     * Connect from any local address with the default receive buffer.
     */
    static WireClient connect(final InetSocketAddress server) throws IOException
    {
        return connect(server, null, 0);
    }

    /**
     * @param server             where to connect.
     * @param localAddress       the local address to bind before connecting, or null for any.
     * @param receiveBufferBytes SO_RCVBUF set before connecting, or 0 for the default.
     */
    static WireClient connect(final InetSocketAddress server, final InetAddress localAddress, final int receiveBufferBytes)
        throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        try
        {
            if (receiveBufferBytes > 0)
            {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            }
            if (null != localAddress)
            {
                channel.bind(new InetSocketAddress(localAddress, 0));
            }
            channel.connect(server);
            channel.configureBlocking(false);
            return new WireClient(channel);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    SocketChannel channel()
    {
        return channel;
    }

    /** @return the writer, cleared: write one or more frames, then {@link #flush()}. */
    FrameWriter writer()
    {
        return writer;
    }

    /** Queue what the writer holds and write as much as the socket takes now. */
    WireClient flush() throws IOException
    {
        scratch.flip();
        final byte[] bytes = new byte[scratch.remaining()];
        scratch.get(bytes);
        scratch.clear();
        return send(bytes);
    }

    /** Queue bytes (not copied) and write as much as the socket takes now. */
    WireClient send(final byte[] bytes) throws IOException
    {
        if (bytes.length > 0 && !writeFailed && !eof)
        {
            pending.add(ByteBuffer.wrap(bytes));
            writePending();
        }
        return this;
    }

    /** @return true when bytes are queued and not written yet. */
    boolean hasPendingOutput()
    {
        return !pending.isEmpty();
    }

    /** @return true if a write failed (the server closed or reset the connection). */
    boolean writeFailed()
    {
        return writeFailed;
    }

    /** @return bytes read from the socket so far. */
    long bytesRead()
    {
        return bytesRead;
    }

    /**
     * @return bytes of an incomplete frame left when the server closed (it should close only
     * after whole frames, unless its linger ran out).
     */
    int incompleteBytesAtEof()
    {
        return incompleteBytesAtEof;
    }

    /** Half-close: the server reads end of stream after the queued bytes are written. */
    void shutdownOutputAfterPending(final long timeoutMs) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!pending.isEmpty() && !writeFailed && !eof && System.nanoTime() - deadline < 0)
        {
            pump(deadline);
        }
        if (!writeFailed && !eof)
        {
            try
            {
                channel.shutdownOutput();
            }
            catch (final IOException ex)
            {
                writeFailed = true;
            }
        }
    }

    /**
     * @return the next frame ({@link RawClient.Eof} once the server closed, and from then on),
     * or null after {@code timeoutMs}; writes queued bytes meanwhile.
     */
    RawClient.Frame poll(final long timeoutMs) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final RawClient.Frame frame = frames.poll();
            if (null != frame)
            {
                if (frame instanceof RawClient.Eof)
                {
                    eofTaken = true;
                }
                return frame;
            }
            if (eofTaken)
            {
                return new RawClient.Eof();
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return null;
            }
            pump(deadline);
        }
    }

    /** @return the next frame, or fail after 10 s. */
    RawClient.Frame next() throws IOException
    {
        final RawClient.Frame frame = poll(DEFAULT_WAIT_MS);
        if (null == frame)
        {
            throw new AssertionError("no frame from the server within " + DEFAULT_WAIT_MS + " ms");
        }
        return frame;
    }

    /** @return the next frame of the type, skipping others, or fail after 10 s. */
    <T extends RawClient.Frame> T next(final Class<T> type) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEFAULT_WAIT_MS);
        final List<RawClient.Frame> skipped = new ArrayList<>();
        while (true)
        {
            final RawClient.Frame frame = poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (null == frame)
            {
                throw new AssertionError("no " + type.getSimpleName() + " within " + DEFAULT_WAIT_MS + " ms; skipped " +
                    ServerFrames.brief(skipped));
            }
            if (type.isInstance(frame))
            {
                return type.cast(frame);
            }
            if (frame instanceof RawClient.Eof)
            {
                throw new AssertionError("connection closed before a " + type.getSimpleName() + "; skipped " +
                    ServerFrames.brief(skipped));
            }
            skipped.add(frame);
        }
    }

    /** Read until the server closes; @return every frame before the end. Fails after {@code timeoutMs}. */
    List<RawClient.Frame> untilClosed(final long timeoutMs) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final List<RawClient.Frame> list = new ArrayList<>();
        while (true)
        {
            final RawClient.Frame frame = poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (null == frame)
            {
                throw new AssertionError("the server did not close within " + timeoutMs + " ms; got " +
                    ServerFrames.brief(list));
            }
            if (frame instanceof RawClient.Eof)
            {
                return list;
            }
            list.add(frame);
        }
    }

    /** @return frames decoded so far and not taken (reads what the socket holds now). */
    List<RawClient.Frame> drain() throws IOException
    {
        pump(System.nanoTime());
        final List<RawClient.Frame> list = new ArrayList<>(frames);
        frames.clear();
        return list;
    }

    private void pump(final long deadline) throws IOException
    {
        if (eof)
        {
            return;
        }
        final boolean writing = !pending.isEmpty() && !writeFailed;
        key.interestOps(SelectionKey.OP_READ | (writing ? SelectionKey.OP_WRITE : 0));
        final long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMs <= 0)
        {
            selector.selectNow();
        }
        else
        {
            selector.select(waitMs);
        }
        selector.selectedKeys().clear();
        if (writing)
        {
            writePending();
        }
        read();
    }

    private void writePending()
    {
        try
        {
            while (!pending.isEmpty())
            {
                final ByteBuffer head = pending.peek();
                channel.write(head);
                if (head.hasRemaining())
                {
                    return;
                }
                pending.poll();
            }
        }
        catch (final IOException ex)
        {
            writeFailed = true;
            pending.clear();
        }
    }

    private void read()
    {
        int read;
        do
        {
            try
            {
                read = channel.read(in);
            }
            catch (final IOException ex)
            {
                read = -1;
            }
            if (read > 0)
            {
                bytesRead += read;
                decode();
            }
        }
        while (read > 0);
        if (read < 0)
        {
            incompleteBytesAtEof = in.position();
            eof = true;
            pending.clear();
            frames.add(new RawClient.Eof());
        }
    }

    private void decode()
    {
        in.flip();
        try
        {
            int length;
            while ((length = FrameSplitter.nextFrame(in, Protocol.MAX_SERVER_FRAME_SIZE)) > 0)
            {
                adapter.decode(in, length);
            }
        }
        catch (final ProtocolException ex)
        {
            throw new AssertionError("the server sent a frame the codec refuses: " + ex, ex);
        }
        in.compact();
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            selector.close();
        }
        finally
        {
            channel.close();
        }
    }

    /** Close with a reset (SO_LINGER 0) instead of a FIN. */
    void abort() throws IOException
    {
        try
        {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        finally
        {
            close();
        }
    }

    private final class Decoder implements ServerFrameHandler
    {
        @Override
        public void onHello(final int protocolVersion, final int heartbeatIntervalMs, final int maxFrameSize,
            final int rateLimitCommands, final int rateLimitWindowMs, final int identifyTimeoutMs)
        {
            frames.add(new RawClient.Hello(protocolVersion, heartbeatIntervalMs, maxFrameSize, rateLimitCommands,
                rateLimitWindowMs, identifyTimeoutMs));
        }

        @Override
        public void onReady(final long sessionId, final long userId, final long seq)
        {
            frames.add(new RawClient.Ready(sessionId, userId, seq));
        }

        @Override
        public void onHeartbeatAck(final long seq)
        {
            frames.add(new RawClient.HeartbeatAck(seq));
        }

        @Override
        public void onResumed(final long seq)
        {
            frames.add(new RawClient.Resumed(seq));
        }

        @Override
        public void onInvalidSession(final boolean resumable)
        {
            frames.add(new RawClient.InvalidSession(resumable));
        }

        @Override
        public void onResult(final long requestId, final Result result)
        {
            frames.add(new RawClient.ResultFrame(requestId, result));
        }

        @Override
        public void onError(final long requestId, final int code, final String message)
        {
            frames.add(new RawClient.ErrorFrame(requestId, code, message));
        }

        @Override
        public void onDispatch(final long seq, final EventType type, final long userId, final long updateId,
            final long lobbyId, final long time, final String reason, final Changes changes)
        {
            frames.add(new RawClient.Dispatch(seq, type, userId, updateId, lobbyId, time, reason,
                new Changes().copyFrom(changes)));
        }

        @Override
        public void onClose(final int code, final String message)
        {
            frames.add(new RawClient.CloseFrame(code, message));
        }

        @Override
        public void onClients(final long requestId, final ClientView[] clients, final int count)
        {
            final List<ClientView> copies = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                copies.add(new ClientView().copyFrom(clients[i]));
            }
            frames.add(new RawClient.Clients(requestId, copies));
        }

        @Override
        public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
        {
            frames.add(new RawClient.ClientIds(requestId, nextCursor, Arrays.copyOf(ids, count)));
        }
    }
}
