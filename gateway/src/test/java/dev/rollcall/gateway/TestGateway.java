package dev.rollcall.gateway;

import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.auth.HmacTokenAuthenticator;
import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A gateway on 127.0.0.1 (any free port, two threads so connections migrate) with a fixed
 * token secret, for tests.
 */
final class TestGateway implements AutoCloseable
{
    static final byte[] SECRET = "rollcall-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    static final HmacTokens TOKENS = new HmacTokens(SECRET);

    final Gateway gateway;
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

    TestGateway() throws IOException
    {
        this(ctx -> { }, core -> { });
    }

    TestGateway(final Consumer<GatewayContext> settings, final Consumer<RollcallContext> coreSettings) throws IOException
    {
        final GatewayContext ctx = new GatewayContext()
            .port(0)
            .threads(2)
            .authenticator(new HmacTokenAuthenticator(SECRET))
            .errorHandler(errors::add);
        settings.accept(ctx);
        final RollcallContext core = new RollcallContext().errorHandler(errors::add);
        coreSettings.accept(core);
        gateway = Gateway.launch(core, ctx);
    }

    InetSocketAddress address()
    {
        return new InetSocketAddress("127.0.0.1", gateway.port());
    }

    static String token(final long userId)
    {
        return TOKENS.mint(userId, Role.USER, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    }

    static String serviceToken(final long userId)
    {
        return TOKENS.mint(userId, Role.SERVICE, System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    }

    /**
     * Connect, read HELLO, identify, wait for READY.
     */
    RawClient identify(final long userId, final Changes presence) throws Exception
    {
        final RawClient client = new RawClient(address());
        client.next(RawClient.Hello.class);
        client.writer().identify(Protocol.VERSION, token(userId), presence, false, 0, 0);
        client.flush();
        client.next(RawClient.Ready.class);
        return client;
    }

    /**
     * Wait (up to 10 s) until the core says the user's client is connected, or not.
     */
    void awaitConnected(final long userId, final boolean connected)
    {
        Await.until("user " + userId + " connected=" + connected, () ->
            null != gateway.rollcall().getClient(userId) && gateway.rollcall().getClient(userId).connected() == connected);
    }

    @Override
    public void close()
    {
        gateway.close();
    }
}
