package dev.rollcall.gateway;

import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real gateway for tests in other packages (the Java client's end-to-end tests in
 * {@code dev.rollcall.gateway.client}): the public face of {@link TestGateway} (127.0.0.1, any free port unless the
 * settings say otherwise, two threads, the fixed HMAC secret).
 */
public final class EndToEndGateway implements AutoCloseable
{
    private final TestGateway server;

    private EndToEndGateway(final TestGateway server)
    {
        this.server = server;
    }

    /**
     * Starts a gateway with the default settings.
     *
     * @return the running gateway
     * @throws IOException when the port cannot be bound
     */
    public static EndToEndGateway start() throws IOException
    {
        return start(ctx -> { }, core -> { });
    }

    /**
     * Starts a gateway.
     *
     * @param settings     changes to the gateway's settings (applied after the test defaults)
     * @param coreSettings changes to the core's settings (grace period, journal, limits...)
     * @return the running gateway
     * @throws IOException when the port cannot be bound
     */
    public static EndToEndGateway start(
        final Consumer<GatewayContext> settings, final Consumer<RollcallContext> coreSettings) throws IOException
    {
        return new EndToEndGateway(new TestGateway(settings, coreSettings));
    }

    /**
     * The gateway itself (counters, the core's read model).
     *
     * @return the gateway
     */
    public Gateway gateway()
    {
        return server.gateway;
    }

    /**
     * The port it listens on (127.0.0.1).
     *
     * @return the port
     */
    public int port()
    {
        return server.gateway.port();
    }

    /**
     * The unexpected errors the gateway and its core reported so far.
     *
     * @return a copy
     */
    public List<Throwable> errors()
    {
        return new ArrayList<>(server.errors);
    }

    /**
     * A user token valid for an hour, signed with the test secret.
     *
     * @param userId the user
     * @return the token
     */
    public static String token(final long userId)
    {
        return TestGateway.token(userId);
    }

    /**
     * A service token valid for an hour, signed with the test secret.
     *
     * @param userId the service's user
     * @return the token
     */
    public static String serviceToken(final long userId)
    {
        return TestGateway.serviceToken(userId);
    }

    /**
     * Opens a raw connection that identifies as a user and then sends nothing at all (no heartbeats): a zombie.
     *
     * @param userId the user
     * @return the connection, after {@code READY}
     * @throws Exception when the connection fails or {@code READY} does not come within 10 s
     */
    public SilentConnection identifyAndStaySilent(final long userId) throws Exception
    {
        final RawClient raw = new RawClient(server.address());
        raw.next(RawClient.Hello.class);
        raw.writer().identify(Protocol.VERSION, TestGateway.token(userId), new Changes(), false, 0, 0);
        raw.flush();
        return new SilentConnection(raw, raw.next(RawClient.Ready.class).sessionId());
    }

    /**
     * Stops the gateway (clients get {@code SERVER_SHUTTING_DOWN}) and its core.
     */
    @Override
    public void close()
    {
        server.close();
    }

    /** A raw connection that never sends a frame after its {@code IDENTIFY}. */
    public static final class SilentConnection implements AutoCloseable
    {
        private final RawClient raw;
        private final long sessionId;

        private SilentConnection(final RawClient raw, final long sessionId)
        {
            this.raw = raw;
            this.sessionId = sessionId;
        }

        /**
         * The session id from {@code READY}.
         *
         * @return the session id
         */
        public long sessionId()
        {
            return sessionId;
        }

        /**
         * Reads until the server closes the connection (each frame within 10 s).
         *
         * @return what the server sent before closing, one line per frame other than {@code DISPATCH}: e.g.
         *     {@code "ERROR 4009"}, {@code "CLOSE 4009"}
         * @throws InterruptedException when interrupted
         */
        public List<String> framesUntilClosed() throws InterruptedException
        {
            final List<String> seen = new ArrayList<>();
            for (final RawClient.Frame frame : raw.untilClosed())
            {
                if (frame instanceof RawClient.ErrorFrame error)
                {
                    seen.add("ERROR " + error.code());
                }
                else if (frame instanceof RawClient.CloseFrame close)
                {
                    seen.add("CLOSE " + close.code());
                }
                else if (!(frame instanceof RawClient.Dispatch))
                {
                    seen.add(frame.toString());
                }
            }
            return seen;
        }

        /**
         * Closes the socket.
         *
         * @throws IOException when closing fails
         */
        @Override
        public void close() throws IOException
        {
            raw.close();
        }
    }
}
