package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientFrameAdapter;
import dev.rollcall.protocol.ClientFrameHandler;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A scripted Rollcall server for tests, driven by the test thread: no threads of its own. Every wait is bounded by
 * {@link #TIMEOUT}; a missing connection or frame fails the test with an {@link AssertionError}.
 */
final class FakeServer implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String TOKEN = "token-1";

    private final ServerSocketChannel server;
    private final Selector acceptSelector;
    private final List<Connection> connections = new ArrayList<>();
    private int sendBufferSize;

    FakeServer()
    {
        try
        {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            acceptSelector = Selector.open();
            server.register(acceptSelector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    int port()
    {
        return server.socket().getLocalPort();
    }

    /** A client builder pointed at this server, with fast, deterministic timings. */
    RollcallClient.Builder clientBuilder()
    {
        return RollcallClient.builder()
            .host("127.0.0.1")
            .port(port())
            .token(TOKEN)
            .heartbeatJitter(false)
            .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .resumeRetryDelay(Duration.ofMillis(5))
            .connectTimeout(TIMEOUT)
            .handshakeTimeout(TIMEOUT);
    }

    /** Sets SO_SNDBUF of the connections accepted from now on. */
    void sendBufferSize(final int bytes)
    {
        this.sendBufferSize = bytes;
    }

    /** Waits for the next connection. */
    Connection accept()
    {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try
        {
            while (true)
            {
                final SocketChannel channel = server.accept();
                if (channel != null)
                {
                    acceptSelector.selectedKeys().clear();
                    if (sendBufferSize > 0)
                    {
                        channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferSize);
                    }
                    final Connection connection = new Connection(channel);
                    connections.add(connection);
                    return connection;
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    throw new AssertionError("no connection within " + TIMEOUT);
                }
                acceptSelector.select(Math.max(1, left / 1_000_000));
                acceptSelector.selectedKeys().clear();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Accepts a connection and runs HELLO / IDENTIFY / READY. */
    Connection acceptAndIdentify(final long sessionId, final long userId)
    {
        final Connection connection = accept();
        connection.hello(30_000);
        connection.expect(Identify.class);
        connection.ready(sessionId, userId, 0);
        return connection;
    }

    @Override
    public void close()
    {
        for (final Connection connection : connections)
        {
            connection.close();
        }
        try
        {
            acceptSelector.close();
            server.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // what clients send

    /** A decoded client frame. */
    interface Frame
    {
    }

    record Identify(int version, String token, Changes presence, boolean sharded, int shardId, int shardCount)
        implements Frame
    {
    }

    record Resume(String token, long sessionId, long lastSeq) implements Frame
    {
    }

    record Heartbeat(long lastSeq) implements Frame
    {
    }

    record Update(long requestId, int group, String reason, Changes changes) implements Frame
    {
    }

    record Subscribe(long requestId, boolean subscribe, long[] clientIds, long[] lobbyIds) implements Frame
    {
    }

    record GetClients(long requestId, long[] userIds) implements Frame
    {
    }

    record ListClientIds(long requestId, long afterUserId, int limit) implements Frame
    {
    }

    record GetStats(long requestId) implements Frame
    {
    }

    /** One accepted connection: non-blocking, read and written by the test thread with deadlines. */
    static final class Connection implements AutoCloseable, ClientFrameHandler
    {
        private final SocketChannel channel;
        private final Selector selector;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final ClientFrameAdapter adapter = new ClientFrameAdapter(this);
        private final ArrayDeque<Frame> frames = new ArrayDeque<>();
        private ByteBuffer out = ByteBuffer.allocate(1 << 16);
        private final FrameWriter writer = new FrameWriter(out);
        private boolean eof;

        Connection(final SocketChannel channel) throws IOException
        {
            this.channel = channel;
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        }

        // -------------------------------------------------------------------------------------------------------
        // writing

        /** Encodes one frame and writes it all (waiting for the socket, bounded). */
        Connection send(final ToIntFunction<FrameWriter> frame)
        {
            encode(frame);
            flush();
            return this;
        }

        /** Encodes one frame into the unsent bytes, without writing. */
        void encode(final ToIntFunction<FrameWriter> frame)
        {
            while (true)
            {
                try
                {
                    frame.applyAsInt(writer);
                    return;
                }
                catch (final BufferOverflowException ex)
                {
                    final ByteBuffer bigger = ByteBuffer.allocate(out.capacity() * 2);
                    out.flip();
                    bigger.put(out);
                    out = bigger;
                    writer.wrap(out);
                }
            }
        }

        /** One non-blocking write of the unsent bytes; returns the bytes written (0: the socket is full). */
        int writeSome()
        {
            out.flip();
            try
            {
                return channel.write(out);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            finally
            {
                out.compact();
            }
        }

        /** Whether bytes are waiting to be written. */
        boolean hasUnsent()
        {
            return out.position() > 0;
        }

        /** Writes every unsent byte, waiting for the socket (bounded). */
        void flush()
        {
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            try (Selector writeSelector = Selector.open())
            {
                final SocketChannel writable = channel;
                final SelectionKey key = writable.register(writeSelector, SelectionKey.OP_WRITE);
                while (hasUnsent())
                {
                    if (writeSome() == 0)
                    {
                        final long left = deadline - System.nanoTime();
                        if (left <= 0)
                        {
                            throw new AssertionError("could not write within " + TIMEOUT);
                        }
                        writeSelector.select(Math.max(1, left / 1_000_000));
                        writeSelector.selectedKeys().clear();
                    }
                }
                key.cancel();
                writeSelector.selectNow();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        Connection hello(final int heartbeatIntervalMs)
        {
            return send(w -> w.hello(Protocol.VERSION, heartbeatIntervalMs, Protocol.DEFAULT_MAX_FRAME_SIZE, 120,
                60_000, 10_000));
        }

        Connection ready(final long sessionId, final long userId, final long seq)
        {
            return send(w -> w.ready(sessionId, userId, seq));
        }

        Connection dispatch(final long seq, final long userId)
        {
            return send(w -> w.dispatch(seq, EventType.CLIENT_UPDATED, userId, seq * 10, 0, 1_000 + seq, "r" + seq,
                new Changes().sync((int)seq)));
        }

        Connection result(final long requestId, final Result result)
        {
            return send(w -> w.result(requestId, result));
        }

        Connection closeWith(final int code, final String message)
        {
            return send(w -> w.close(code, message));
        }

        // -------------------------------------------------------------------------------------------------------
        // reading

        /** The next frame of the given type; heartbeats in between are skipped, anything else fails. */
        <T extends Frame> T expect(final Class<T> type)
        {
            while (true)
            {
                final Frame frame = next();
                if (type.isInstance(frame))
                {
                    return type.cast(frame);
                }
                if (!(frame instanceof Heartbeat))
                {
                    throw new AssertionError("expected " + type.getSimpleName() + ", got " + frame);
                }
            }
        }

        /** The next frame, whatever it is. */
        Frame next()
        {
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (frames.isEmpty())
            {
                if (eof)
                {
                    throw new AssertionError("connection closed by the client while waiting for a frame");
                }
                readSome(deadline);
            }
            return frames.poll();
        }

        /** Waits until the client closes the connection (frames received meanwhile are dropped). */
        void awaitClosedByClient()
        {
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!eof)
            {
                readSome(deadline);
                frames.clear();
            }
        }

        private void readSome(final long deadline)
        {
            try
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    throw new AssertionError("nothing from the client within " + TIMEOUT + " (frames: " + frames + ")");
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                final int read;
                try
                {
                    read = channel.read(in);
                }
                catch (final IOException ex)
                {
                    eof = true;
                    return;
                }
                if (read < 0)
                {
                    eof = true;
                    return;
                }
                in.flip();
                try
                {
                    while (true)
                    {
                        final int length = FrameSplitter.nextFrame(in, Protocol.MAX_SERVER_FRAME_SIZE);
                        if (length == 0)
                        {
                            break;
                        }
                        adapter.decode(in, length);
                    }
                }
                catch (final ProtocolException ex)
                {
                    throw new AssertionError("client sent a bad frame: " + ex, ex);
                }
                finally
                {
                    in.compact();
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void close()
        {
            try
            {
                selector.close();
                channel.close();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void onIdentify(
            final int protocolVersion,
            final String token,
            final Changes presence,
            final boolean sharded,
            final int shardId,
            final int shardCount)
        {
            frames.add(new Identify(protocolVersion, token, new Changes().copyFrom(presence), sharded, shardId,
                shardCount));
        }

        @Override
        public void onResume(final String token, final long sessionId, final long lastSeq)
        {
            frames.add(new Resume(token, sessionId, lastSeq));
        }

        @Override
        public void onHeartbeat(final long lastSeq)
        {
            frames.add(new Heartbeat(lastSeq));
        }

        @Override
        public void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
        {
            frames.add(new Update(requestId, group, reason, new Changes().copyFrom(changes)));
        }

        @Override
        public void onSubscribe(
            final long requestId,
            final boolean subscribe,
            final long[] clientIds,
            final int clientCount,
            final long[] lobbyIds,
            final int lobbyCount)
        {
            frames.add(new Subscribe(requestId, subscribe, Arrays.copyOf(clientIds, clientCount),
                Arrays.copyOf(lobbyIds, lobbyCount)));
        }

        @Override
        public void onGetClients(final long requestId, final long[] userIds, final int count)
        {
            frames.add(new GetClients(requestId, Arrays.copyOf(userIds, count)));
        }

        @Override
        public void onListClientIds(final long requestId, final long afterUserId, final int limit)
        {
            frames.add(new ListClientIds(requestId, afterUserId, limit));
        }

        @Override
        public void onGetStats(final long requestId)
        {
            frames.add(new GetStats(requestId));
        }
    }
}
