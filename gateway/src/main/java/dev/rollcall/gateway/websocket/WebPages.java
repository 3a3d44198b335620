package dev.rollcall.gateway.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The pages the gateway serves to a plain HTTP GET on its WebSocket port, so a browser can load a
 * page from the same origin as the WebSocket it opens (Chromium refuses a WebSocket from a
 * {@code data:} page). Plain files from the classpath, no build step.
 */
public final class WebPages
{
    private static final String EXAMPLE_PATH = "\"/rollcall\"";
    private static final byte[] EXAMPLE = load("index.html");
    private static final Map<String, byte[]> BUILT_IN = Map.of("/", EXAMPLE);

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

    /**
     * @param pages         the pages served.
     * @param webSocketPath where the WebSocket is.
     * @return the pages, with the built-in example connecting to that path.
     */
    public static Map<String, byte[]> forPath(final Map<String, byte[]> pages, final String webSocketPath)
    {
        if (pages.get("/") != EXAMPLE || EXAMPLE_PATH.equals("\"" + webSocketPath + "\""))
        {
            return pages;
        }
        final HashMap<String, byte[]> adjusted = new HashMap<>(pages);
        adjusted.put("/", new String(EXAMPLE, StandardCharsets.UTF_8)
            .replace(EXAMPLE_PATH, "\"" + webSocketPath + "\"").getBytes(StandardCharsets.UTF_8));
        return Map.copyOf(adjusted);
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
