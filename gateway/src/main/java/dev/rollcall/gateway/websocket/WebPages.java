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
    /** The WebSocket path as the built-in pages spell it (a JavaScript string), rewritten by {@link #forPath}. */
    private static final String DEFAULT_PATH_LITERAL = "\"/rollcall\"";
    private static final byte[] EXAMPLE = load("index.html");
    private static final byte[] DASHBOARD = load("dashboard.html");
    private static final Map<String, byte[]> BUILT_IN = Map.of("/", EXAMPLE, "/dashboard", DASHBOARD);

    private WebPages()
    {
    }

    /**
     * @return the built-in pages: {@code /}, the browser example (identify with a token from the
     * address's {@code ?token=}, set a status, watch what arrives), and {@code /dashboard}, the live
     * dashboard (an observer's view of every client, lobby and rate, with a token from the
     * address's {@code #token=}).
     */
    public static Map<String, byte[]> builtIn()
    {
        return BUILT_IN;
    }

    /**
     * @param pages         the pages served.
     * @param webSocketPath where the WebSocket is.
     * @return the pages, with the built-in ones (those still served at their own path) connecting to
     * that path.
     */
    public static Map<String, byte[]> forPath(final Map<String, byte[]> pages, final String webSocketPath)
    {
        final String literal = javaScriptString(webSocketPath);
        if (DEFAULT_PATH_LITERAL.equals(literal))
        {
            return pages;
        }
        HashMap<String, byte[]> adjusted = null;
        for (final Map.Entry<String, byte[]> page : BUILT_IN.entrySet())
        {
            if (pages.get(page.getKey()) == page.getValue())
            {
                if (null == adjusted)
                {
                    adjusted = new HashMap<>(pages);
                }
                adjusted.put(page.getKey(), new String(page.getValue(), StandardCharsets.UTF_8)
                    .replace(DEFAULT_PATH_LITERAL, literal).getBytes(StandardCharsets.UTF_8));
            }
        }
        return null == adjusted ? pages : Map.copyOf(adjusted);
    }

    /**
     * @return the text as a JavaScript string literal that is safe inside a {@code <script>}: quotes and
     * backslashes escaped, and {@code <} too, so that no {@code </script>} can end the script.
     */
    static String javaScriptString(final String text)
    {
        final StringBuilder literal = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                literal.append('\\').append(c);
            }
            else if (c < 0x20 || c == '<' || c == 0x2028 || c == 0x2029)
            {
                literal.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                literal.append(c);
            }
        }
        return literal.append('"').toString();
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
