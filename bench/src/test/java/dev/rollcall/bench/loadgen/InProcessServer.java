package dev.rollcall.bench.loadgen;

import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real gateway in this process for the load generator's tests: 127.0.0.1, any free port (and any free
 * WebSocket port), two threads, no journal, a known secret, the rate limit raised out of the way (unless given) and a
 * short heartbeat interval (so a run sees heartbeats, and would be closed as a zombie without them).
 */
final class InProcessServer implements AutoCloseable
{
    static final byte[] SECRET = "rollcall-loadgen-test-secret-0123".getBytes(StandardCharsets.US_ASCII);
    static final int HEARTBEAT_INTERVAL_MS = 400;

    final Gateway gateway;
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    InProcessServer() throws IOException
    {
        this(10_000_000, 1_000);
    }

    /**
     * @param rateLimitCommands frames per window per connection.
     * @param rateLimitWindowMs the window.
     */
    InProcessServer(final int rateLimitCommands, final int rateLimitWindowMs) throws IOException
    {
        gateway = Gateway.launch(
            new RollcallContext().errorHandler(errors::add),
            new GatewayContext()
                .port(0)
                .webSocketPort(0)
                .threads(2)
                .heartbeatIntervalMs(HEARTBEAT_INTERVAL_MS)
                .heartbeatMarginMs(400)
                .rateLimitCommands(rateLimitCommands)
                .rateLimitWindowMs(rateLimitWindowMs)
                .authenticator(new HmacTokenAuthenticator(SECRET))
                .errorHandler(errors::add));
    }

    int port()
    {
        return gateway.port();
    }

    int webSocketPort()
    {
        return gateway.webSocketAddress().getPort();
    }

    @Override
    public void close()
    {
        gateway.close();
    }
}
