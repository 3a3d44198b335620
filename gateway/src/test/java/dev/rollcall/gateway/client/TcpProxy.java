package dev.rollcall.gateway.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between a client and the gateway, driven by the test: it can cut every relayed connection (a network
 * drop: both ends see the connection end) and hold new connections (accepted, but not relayed to the gateway until
 * {@link #release()}), so the test decides when a reconnecting client gets through. End of stream is relayed as a
 * half-close, so the last frames a side sent (a {@code CLOSE}) reach the other before its end. Blocking sockets, two
 * daemon threads per relayed connection.
 *
 * <pre>
 *  client ──► [proxy port] ──hold?──► gateway
 *         ◄──               ◄──────
 * </pre>
 */
final class TcpProxy implements AutoCloseable
{
    private static final long HOLD_LIMIT_MS = 30_000;

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private volatile boolean closed;

    TcpProxy(final int upstreamPort) throws IOException
    {
        this.upstream = new InetSocketAddress("127.0.0.1", upstreamPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port clients connect to. */
    int port()
    {
        return server.getLocalPort();
    }

    /** Connections accepted from now on wait (connected, silent) until {@link #release()}. */
    void hold()
    {
        gate = new CompletableFuture<>();
    }

    /** Lets the held connections (and new ones) through to the gateway. */
    void release()
    {
        gate.complete(null);
    }

    /** Closes every relayed connection now, on both sides. */
    void cut()
    {
        for (final Socket socket : sockets)
        {
            closeQuietly(socket);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        release();
        closeQuietly(server);
        cut();
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final Socket client = server.accept();
                client.setTcpNoDelay(true);
                sockets.add(client);
                start("tcp-proxy-open", () -> open(client));
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void open(final Socket client)
    {
        try
        {
            gate.get(HOLD_LIMIT_MS, TimeUnit.MILLISECONDS);
            final Socket gateway = new Socket();
            sockets.add(gateway);
            gateway.setTcpNoDelay(true);
            gateway.connect(upstream, (int)E2e.TIMEOUT.toMillis());
            if (closed || client.isClosed())
            {
                closeQuietly(gateway);
                closeQuietly(client);
                return;
            }
            final AtomicInteger ended = new AtomicInteger();
            start("tcp-proxy-up", () -> relay(client, gateway, ended));
            relay(gateway, client, ended);
        }
        catch (final IOException | ExecutionException | TimeoutException ex)
        {
            closeQuietly(client);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            closeQuietly(client);
        }
    }

    /**
     * Copies from one socket to the other until this direction ends (end of stream, or a failure reading or
     * writing), then half-closes the other side; the two sockets are closed when both directions have ended.
     */
    private void relay(final Socket from, final Socket to, final AtomicInteger ended)
    {
        final byte[] buffer = new byte[16 * 1024];
        try
        {
            final InputStream in = from.getInputStream();
            final OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0)
            {
                out.write(buffer, 0, read);
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            // this direction has ended
        }
        try
        {
            to.shutdownOutput();
        }
        catch (final IOException ex)
        {
            // already closed
        }
        if (ended.incrementAndGet() == 2)
        {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void start(final String name, final Runnable task)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(final Closeable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
        if (closeable instanceof Socket)
        {
            sockets.remove(closeable);
        }
    }
}
