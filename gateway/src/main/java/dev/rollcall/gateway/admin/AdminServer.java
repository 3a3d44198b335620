package dev.rollcall.gateway.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The admin port: a small HTTP/1.1 server for operators and orchestrators, on its own thread
 * ({@code rollcall-admin}), never the core's or a gateway thread.
 * <pre>
 *  GET /metrics        200, Prometheus text format 0.0.4 ({@link RollcallMetrics})
 *  GET /health/live    200 while the process serves HTTP
 *  GET /health/ready   200 once recovered and listening ({@link Readiness}), else 503
 *  HEAD of each: the same status and headers, no body
 * </pre>
 * One request per connection ({@code Connection: close}), served one at a time: the thread blocks
 * in {@code accept} while nobody asks (it never spins), reads a request head of at most
 * {@value #MAX_HEAD_BYTES} bytes within {@value #READ_DEADLINE_MS} ms (a slower or larger one is
 * answered 408 or 431 and closed: one stuck client cannot hold the port), answers and closes.
 * Anything else is refused with a status that says why (400, 404, 405). The buffers are made once;
 * a scrape reuses them.
 * <p>
 * Why not the JDK's {@code com.sun.net.httpserver}: it runs a dispatcher thread and a timer thread
 * that wakes every 10 s beside its executor, and its request heads are read on the executor thread
 * without a deadline by default, so with one executor thread one slow client would stall the port.
 */
public final class AdminServer implements AutoCloseable
{
    /** The thread's name. */
    public static final String THREAD_NAME = "rollcall-admin";
    static final int MAX_HEAD_BYTES = 8192;
    static final int READ_DEADLINE_MS = 1_000;
    /** After a failed accept (e.g. no file descriptor left): wait this long rather than spin. */
    private static final long ACCEPT_BACKOFF_MS = 50;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final String TEXT = "text/plain; charset=utf-8";

    private final ServerSocket server;
    private final Readiness readiness;
    private final RollcallMetrics metrics;
    private final Thread thread;
    /** The connection being served, for {@link #close()}. */
    private volatile Socket serving;
    private final long readDeadlineMs;
    private final byte[] head = new byte[MAX_HEAD_BYTES];
    private final StringBuilder body = new StringBuilder(64 * 1024);
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
    private ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
    private volatile boolean closed;

    private AdminServer(
        final ServerSocket server, final Readiness readiness, final RollcallMetrics metrics, final long readDeadlineMs)
    {
        this.server = server;
        this.readDeadlineMs = readDeadlineMs;
        this.readiness = readiness;
        this.metrics = metrics;
        thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * Bind and start serving.
     *
     * @param address   where to listen (port 0 for any free port).
     * @param readiness what {@code /health/ready} answers.
     * @param metrics   what {@code /metrics} shows.
     * @return the running server; {@link #close()} it.
     * @throws IOException when the address cannot be bound (e.g. the port is in use).
     */
    public static AdminServer start(final InetSocketAddress address, final Readiness readiness, final RollcallMetrics metrics)
        throws IOException
    {
        return start(address, readiness, metrics, READ_DEADLINE_MS);
    }

    /**
     * {@link #start(InetSocketAddress, Readiness, RollcallMetrics)} with another deadline for a request head.
     */
    static AdminServer start(
        final InetSocketAddress address, final Readiness readiness, final RollcallMetrics metrics, final long readDeadlineMs)
        throws IOException
    {
        final ServerSocket server = new ServerSocket();
        try
        {
            server.setReuseAddress(true);
            server.bind(address, 64);
        }
        catch (final IOException ex)
        {
            server.close();
            throw ex;
        }
        final AdminServer admin = new AdminServer(server, readiness, metrics, readDeadlineMs);
        admin.thread.start();
        return admin;
    }

    /** @return the address it listens on (with the real port when 0 was asked). */
    public InetSocketAddress address()
    {
        return (InetSocketAddress)server.getLocalSocketAddress();
    }

    /**
     * Stop listening, close the connection being served, and wait (up to 5 s) for the thread to
     * end. Idempotent.
     */
    @Override
    public void close()
    {
        closed = true;
        try
        {
            server.close();
            final Socket inFlight = serving;
            if (null != inFlight)
            {
                inFlight.close(); // a client that never finishes its request does not hold the drain
            }
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        if (Thread.currentThread() != thread)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        while (!closed)
        {
            final Socket socket;
            try
            {
                socket = server.accept();
            }
            catch (final IOException ex)
            {
                if (closed || server.isClosed())
                {
                    return;
                }
                backOff(); // accept failing (no file descriptor left, say): never spin on it
                continue;
            }
            serving = socket;
            try (socket)
            {
                serve(socket);
            }
            catch (final IOException ex)
            {
                if (closed || server.isClosed())
                {
                    return;
                }
                // one connection's failure (reset, timeout): serve the next
            }
            catch (final RuntimeException ex)
            {
                // a bug in answering must not stop the port: the next request tries again
            }
            finally
            {
                serving = null;
            }
        }
    }

    private static void backOff()
    {
        try
        {
            Thread.sleep(ACCEPT_BACKOFF_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(final Socket socket) throws IOException
    {
        socket.setTcpNoDelay(true);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readDeadlineMs);
        final InputStream in = socket.getInputStream();
        final OutputStream out = socket.getOutputStream();
        int length = 0;
        int end = -1;
        while (end < 0)
        {
            if (length == head.length)
            {
                respond(out, 431, "Request Header Fields Too Large", TEXT, "request head over " + MAX_HEAD_BYTES +
                    " bytes\n", true);
                return;
            }
            final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (leftMs <= 0)
            {
                respond(out, 408, "Request Timeout", TEXT, "request head not complete within " + readDeadlineMs +
                    " ms\n", true);
                return;
            }
            socket.setSoTimeout((int)leftMs);
            final int read;
            try
            {
                read = in.read(head, length, head.length - length);
            }
            catch (final SocketTimeoutException ex)
            {
                continue; // the deadline check answers 408
            }
            if (read < 0)
            {
                return; // the peer went away before a whole request
            }
            final int from = Math.max(0, length - HEAD_END.length + 1);
            length += read;
            end = indexOfHeadEnd(from, length);
        }
        handle(out, end);
        try
        {
            socket.shutdownOutput();
        }
        catch (final SocketException ignore)
        {
            // the peer is gone
        }
    }

    /**
     * Route the request whose head is {@code head[0..end)}.
     */
    private void handle(final OutputStream out, final int end) throws IOException
    {
        final int lineEnd = indexOf((byte)'\r', 0, end + 1); // the head's end is the request line's end when it is alone
        final int firstSpace = indexOf((byte)' ', 0, lineEnd);
        final int secondSpace = firstSpace < 0 ? -1 : indexOf((byte)' ', firstSpace + 1, lineEnd);
        if (firstSpace <= 0 || secondSpace < 0 || !startsWith("HTTP/1.", secondSpace + 1, lineEnd))
        {
            respond(out, 400, "Bad Request", TEXT, "expected a request line such as: GET /metrics HTTP/1.1\n", true);
            return;
        }
        final boolean get = matches("GET", 0, firstSpace);
        final boolean headOnly = matches("HEAD", 0, firstSpace);
        int pathEnd = indexOf((byte)'?', firstSpace + 1, secondSpace);
        if (pathEnd < 0)
        {
            pathEnd = secondSpace;
        }
        final int pathStart = firstSpace + 1;
        final String route;
        if (matches("/metrics", pathStart, pathEnd))
        {
            route = "/metrics";
        }
        else if (matches("/health/live", pathStart, pathEnd))
        {
            route = "/health/live";
        }
        else if (matches("/health/ready", pathStart, pathEnd))
        {
            route = "/health/ready";
        }
        else
        {
            respond(out, 404, "Not Found", TEXT, "not found; the admin port serves /metrics, /health/live and " +
                "/health/ready\n", !headOnly);
            return;
        }
        if (!get && !headOnly)
        {
            respond(out, 405, "Method Not Allowed", TEXT, route + " answers GET and HEAD\n", true);
            return;
        }
        switch (route)
        {
            case "/metrics" ->
            {
                body.setLength(0);
                try
                {
                    metrics.writeTo(body);
                }
                catch (final RuntimeException ex)
                {
                    respond(out, 500, "Internal Server Error", TEXT, "the metrics could not be read: " + ex + "\n", !headOnly);
                    return;
                }
                respond(out, 200, "OK", PrometheusText.CONTENT_TYPE, body, !headOnly);
            }
            case "/health/live" -> respond(out, 200, "OK", TEXT, "live\n", !headOnly);
            default ->
            {
                final Readiness.State state = readiness.state();
                if (state == Readiness.State.READY && metrics.journalFailed())
                {
                    respond(out, 503, "Service Unavailable", TEXT,
                        "not ready: the journal failed (every command is refused; see the log)\n", !headOnly);
                }
                else if (state == Readiness.State.READY)
                {
                    respond(out, 200, "OK", TEXT, "ready\n", !headOnly);
                }
                else
                {
                    respond(out, 503, "Service Unavailable", TEXT, state == Readiness.State.STARTING ?
                        "not ready: starting (recovering the journal)\n" : "not ready: shutting down\n", !headOnly);
                }
            }
        }
    }

    private void respond(
        final OutputStream out,
        final int status,
        final String reason,
        final String contentType,
        final CharSequence text,
        final boolean withBody) throws IOException
    {
        final int bodyLength = encode(text);
        final String headers = "HTTP/1.1 " + status + ' ' + reason + "\r\n" +
            "Content-Type: " + contentType + "\r\n" +
            "Content-Length: " + bodyLength + "\r\n" +
            (status == 405 ? "Allow: GET, HEAD\r\n" : "") +
            "Cache-Control: no-store\r\n" +
            "Connection: close\r\n\r\n";
        out.write(headers.getBytes(StandardCharsets.US_ASCII));
        if (withBody)
        {
            out.write(bytes.array(), 0, bodyLength);
        }
        out.flush();
    }

    /**
     * @return the UTF-8 length of {@code text}, now in {@link #bytes} from 0 (grown when needed).
     */
    private int encode(final CharSequence text)
    {
        while (true)
        {
            bytes.clear();
            utf8.reset();
            final CharBuffer chars = CharBuffer.wrap(text);
            final CoderResult result = utf8.encode(chars, bytes, true);
            if (!result.isOverflow() && !utf8.flush(bytes).isOverflow())
            {
                return bytes.position();
            }
            bytes = ByteBuffer.allocate(bytes.capacity() * 2);
        }
    }

    private int indexOfHeadEnd(final int from, final int to)
    {
        for (int i = from; i + HEAD_END.length <= to; i++)
        {
            if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(final byte b, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (head[i] == b)
            {
                return i;
            }
        }
        return -1;
    }

    private boolean matches(final String ascii, final int from, final int to)
    {
        return to - from == ascii.length() && startsWith(ascii, from, to);
    }

    private boolean startsWith(final String ascii, final int from, final int to)
    {
        if (to - from < ascii.length())
        {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++)
        {
            if (head[from + i] != ascii.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
