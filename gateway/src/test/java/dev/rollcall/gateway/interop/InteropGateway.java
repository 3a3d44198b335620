package dev.rollcall.gateway.interop;

import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real gateway for the interop tests: bound to 127.0.0.1 on free TCP and WebSocket ports,
 * two threads, HMAC tokens from a fixed secret, and every error its handlers report kept.
 */
final class InteropGateway implements AutoCloseable
{
    private static final byte[] SECRET = "rollcall-interop-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final HmacTokens TOKENS = new HmacTokens(SECRET);

    final Gateway gateway;
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    InteropGateway() throws IOException
    {
        this(ctx -> { });
    }

    /** @param settings more gateway settings (pages, limits), applied after the defaults above. */
    InteropGateway(final Consumer<GatewayContext> settings) throws IOException
    {
        this(settings, core -> { });
    }

    /**
     * @param settings     more gateway settings (pages, limits), applied after the defaults above.
     * @param coreSettings core settings (the grace period), applied after the error handler.
     */
    InteropGateway(final Consumer<GatewayContext> settings, final Consumer<RollcallContext> coreSettings) throws IOException
    {
        final GatewayContext ctx = new GatewayContext()
            .bindAddress("127.0.0.1")
            .port(0)
            .webSocketPort(0)
            .threads(2)
            .authenticator(new HmacTokenAuthenticator(SECRET))
            .errorHandler(errors::add);
        settings.accept(ctx);
        final RollcallContext core = new RollcallContext().errorHandler(errors::add);
        coreSettings.accept(core);
        gateway = Gateway.launch(core, ctx);
    }

    /** @return {@code ws://127.0.0.1:PORT/rollcall}. */
    String webSocketUrl()
    {
        return "ws://127.0.0.1:" + gateway.webSocketAddress().getPort() + gateway.context().webSocketPath();
    }

    /** @return {@code http://127.0.0.1:PORT} + path: a page served on the WebSocket port. */
    String pageUrl(final String pathAndQuery)
    {
        return "http://127.0.0.1:" + gateway.webSocketAddress().getPort() + pathAndQuery;
    }

    /** @return a user token valid for an hour. */
    static String token(final long userId)
    {
        return TOKENS.mint(userId, Role.USER, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    }

    /** @return an observer token (the dashboard's) naming {@code userId}, valid for an hour. */
    static String observerToken(final long userId)
    {
        return TOKENS.mint(userId, Role.OBSERVER, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    }

    @Override
    public void close()
    {
        gateway.close();
    }
}
