package dev.rollcall.gateway;

import dev.rollcall.gateway.RawClient.ClientIds;
import dev.rollcall.gateway.RawClient.Clients;
import dev.rollcall.gateway.RawClient.CloseFrame;
import dev.rollcall.gateway.RawClient.Dispatch;
import dev.rollcall.gateway.RawClient.Eof;
import dev.rollcall.gateway.RawClient.ErrorFrame;
import dev.rollcall.gateway.RawClient.Frame;
import dev.rollcall.gateway.RawClient.HeartbeatAck;
import dev.rollcall.gateway.RawClient.Hello;
import dev.rollcall.gateway.RawClient.InvalidSession;
import dev.rollcall.gateway.RawClient.Ready;
import dev.rollcall.gateway.RawClient.ResultFrame;
import dev.rollcall.gateway.RawClient.Resumed;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ServerFrameHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server frames a test client received, decoded into {@link RawClient}'s records, for
 * the test thread to take; whatever carries them (a socket, a WebSocket) feeds {@link #decoder()}.
 */
final class ServerFrameQueue
{
    private final LinkedBlockingQueue<Frame> queue = new LinkedBlockingQueue<>();
    private final Decoder decoder = new Decoder();

    /** @return the handler a {@code ServerFrameAdapter} decodes into. */
    ServerFrameHandler decoder()
    {
        return decoder;
    }

    /** The server closed the connection (or the read failed). */
    void eof()
    {
        queue.add(new Eof());
    }

    /**
     * @return the next frame, or fail after 10 s.
     */
    Frame next() throws InterruptedException
    {
        final Frame frame = queue.poll(10, TimeUnit.SECONDS);
        if (null == frame)
        {
            throw new AssertionError("no frame from the server within 10 s");
        }
        return frame;
    }

    /**
     * @return the next frame of the type, skipping others (e.g. dispatches), or fail after 10 s.
     */
    <T extends Frame> T next(final Class<T> type) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        final List<Frame> skipped = new ArrayList<>();
        while (true)
        {
            final Frame frame = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (null == frame)
            {
                throw new AssertionError("no " + type.getSimpleName() + " within 10 s; skipped " + skipped);
            }
            if (type.isInstance(frame))
            {
                return type.cast(frame);
            }
            if (frame instanceof Eof)
            {
                throw new AssertionError("connection closed before a " + type.getSimpleName() + "; skipped " + skipped);
            }
            skipped.add(frame);
        }
    }

    /** @return frames received so far and not taken. */
    List<Frame> drain()
    {
        final List<Frame> list = new ArrayList<>();
        queue.drainTo(list);
        return list;
    }

    /** Read until the server closes; @return every frame before the end. */
    List<Frame> untilClosed() throws InterruptedException
    {
        final List<Frame> list = new ArrayList<>();
        while (true)
        {
            final Frame frame = next();
            if (frame instanceof Eof)
            {
                return list;
            }
            list.add(frame);
        }
    }

    private final class Decoder implements ServerFrameHandler
    {
        @Override
        public void onHello(final int protocolVersion, final int heartbeatIntervalMs, final int maxFrameSize,
            final int rateLimitCommands, final int rateLimitWindowMs, final int identifyTimeoutMs)
        {
            queue.add(new Hello(protocolVersion, heartbeatIntervalMs, maxFrameSize, rateLimitCommands,
                rateLimitWindowMs, identifyTimeoutMs));
        }

        @Override
        public void onReady(final long sessionId, final long userId, final long seq)
        {
            queue.add(new Ready(sessionId, userId, seq));
        }

        @Override
        public void onHeartbeatAck(final long seq)
        {
            queue.add(new HeartbeatAck(seq));
        }

        @Override
        public void onResumed(final long seq)
        {
            queue.add(new Resumed(seq));
        }

        @Override
        public void onInvalidSession(final boolean resumable)
        {
            queue.add(new InvalidSession(resumable));
        }

        @Override
        public void onResult(final long requestId, final Result result)
        {
            queue.add(new ResultFrame(requestId, result));
        }

        @Override
        public void onError(final long requestId, final int code, final String message)
        {
            queue.add(new ErrorFrame(requestId, code, message));
        }

        @Override
        public void onDispatch(final long seq, final EventType type, final long userId, final long updateId,
            final long lobbyId, final long time, final String reason, final Changes changes)
        {
            queue.add(new Dispatch(seq, type, userId, updateId, lobbyId, time, reason,
                new Changes().copyFrom(changes)));
        }

        @Override
        public void onClose(final int code, final String message)
        {
            queue.add(new CloseFrame(code, message));
        }

        @Override
        public void onClients(final long requestId, final ClientView[] clients, final int count)
        {
            final List<ClientView> copies = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                copies.add(new ClientView().copyFrom(clients[i]));
            }
            queue.add(new Clients(requestId, copies));
        }

        @Override
        public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
        {
            queue.add(new ClientIds(requestId, nextCursor, java.util.Arrays.copyOf(ids, count)));
        }

        @Override
        public void onStats(
            final long requestId, final long nowMs, final long gracePeriodMs, final String[] names, final long[] values,
            final int count)
        {
            final java.util.Map<String, Long> counters = new java.util.LinkedHashMap<>();
            for (int i = 0; i < count; i++)
            {
                counters.put(names[i], values[i]);
            }
            queue.add(new RawClient.Stats(requestId, nowMs, gracePeriodMs, counters));
        }
    }
}
