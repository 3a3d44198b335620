package dev.rollcall.gateway.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The pages the gateway serves to a plain HTTP GET on its WebSocket port, so a browser can load a
 * page from the same origin as the WebSocket it opens (Chromium refuses a WebSocket from a
 * {@code data:} page). Plain files from the classpath, no build step.
 */
public final class WebPages
{
    private static final Map<String, byte[]> BUILT_IN = Map.of(
        "/", load("index.html"));

    private WebPages()
    {
    }

    /**
     * @return the built-in pages: {@code /}, the browser example (identify with a token from the
     * address's {@code ?token=}, set a status, watch what arrives).
     */
    public static Map<String, byte[]> builtIn()
    {
        return BUILT_IN;
    }

    private static byte[] load(final String name)
    {
        try (InputStream in = WebPages.class.getResourceAsStream("/dev/rollcall/gateway/web/" + name))
        {
            if (null == in)
            {
                throw new IllegalStateException("missing resource dev/rollcall/gateway/web/" + name);
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
