package dev.rollcall.gateway.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server's side of the RFC 6455 opening handshake: read an HTTP/1.1 upgrade request, check
 * it, and answer {@code 101 Switching Protocols} or the HTTP status that says what was wrong.
 * Runs once per connection, so it may allocate.
 * <pre>
 *   status  when
 *   101     a valid upgrade offering a subprotocol the server speaks
 *   200     a plain GET (no upgrade) of one of the pages served beside the WebSocket
 *   400     malformed request line or header, no Host, no "Connection: Upgrade", a key that is
 *           not 16 bytes of base64, no subprotocol the server speaks (the body names them)
 *   403     an Origin outside the allowed ones (when some are configured)
 *   404     another path
 *   405     a method other than GET
 *   426     not an upgrade to "websocket", or a Sec-WebSocket-Version other than 13
 *   431     no end of headers within the size limit ({@link #tooLarge})
 * </pre>
 */
public final class WebSocketHandshake
{
    /** The GUID RFC 6455 appends to the client's key. */
    private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final int status;
    private final String subprotocol;
    private final byte[] response;
    private final String reason;

    private WebSocketHandshake(final int status, final String subprotocol, final byte[] response, final String reason)
    {
        this.status = status;
        this.subprotocol = subprotocol;
        this.response = response;
        this.reason = reason;
    }

    /** @return the HTTP status answered: 101 when the connection is now a WebSocket. */
    public int status()
    {
        return status;
    }

    /** @return true when the connection is now a WebSocket. */
    public boolean accepted()
    {
        return status == 101;
    }

    /** @return the subprotocol chosen, or null when refused. */
    public String subprotocol()
    {
        return subprotocol;
    }

    /** @return the whole HTTP response to send. */
    public byte[] response()
    {
        return response;
    }

    /** @return why it was refused (also the response's body), or null when accepted. */
    public String reason()
    {
        return reason;
    }

    /**
     * Find the end of an HTTP request's headers.
     *
     * @param bytes the bytes received, read with absolute indexes.
     * @param from  the request's first index.
     * @param to    one past the last byte received.
     * @return the index just after the blank line ending the headers, or -1 if it has not arrived.
     */
    public static int findEnd(final ByteBuffer bytes, final int from, final int to)
    {
        for (int i = from + 3; i < to; i++)
        {
            if (bytes.get(i) == '\n' && bytes.get(i - 1) == '\r' && bytes.get(i - 2) == '\n' && bytes.get(i - 3) == '\r')
            {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The answer to headers longer than the limit.
     *
     * @param limit the limit, in bytes.
     * @return a 431 refusal.
     */
    public static WebSocketHandshake tooLarge(final int limit)
    {
        return refuse(431, "Request Header Fields Too Large", "request headers longer than " + limit + " bytes", "");
    }

    /**
     * The answer to a connection the gateway refuses before reading its request (a limit).
     *
     * @param reason what was refused, for the body.
     * @return a 503 refusal.
     */
    public static WebSocketHandshake unavailable(final String reason)
    {
        return refuse(503, "Service Unavailable", reason, "");
    }

    /**
     * Check an upgrade request and make the answer.
     *
     * @param request      the request's bytes, up to and including the blank line.
     * @param path         the path WebSocket connections must ask for (a query string is ignored).
     * @param origins      the allowed {@code Origin} values (scheme://host[:port], compared
     *                     ignoring case); empty allows any. A request without {@code Origin} (not
     *                     from a browser) is allowed.
     * @param subprotocols the subprotocols the server speaks; the first of the client's list
     *                     that is among them is chosen.
     * @param pages        what a plain GET (no upgrade) may fetch, by path: answered 200 and closed.
     * @return the outcome.
     */
    public static WebSocketHandshake accept(
        final byte[] request, final String path, final Set<String> origins, final List<String> subprotocols,
        final Map<String, byte[]> pages)
    {
        final String[] lines = new String(request, StandardCharsets.ISO_8859_1).split("\r\n", -1);
        final String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1."))
        {
            return badRequest("malformed request line");
        }
        if (!"GET".equals(requestLine[0]))
        {
            return refuse(405, "Method Not Allowed", "only GET upgrades to a WebSocket", "Allow: GET\r\n");
        }
        if ("HTTP/1.0".equals(requestLine[2]))
        {
            return badRequest("a WebSocket upgrade needs HTTP/1.1");
        }
        final int query = requestLine[1].indexOf('?');
        final String target = query < 0 ? requestLine[1] : requestLine[1].substring(0, query);
        String host = null;
        String upgrade = null;
        String connection = null;
        String key = null;
        String version = null;
        String origin = null;
        final StringBuilder offered = new StringBuilder();
        for (int i = 1; i < lines.length; i++)
        {
            final String line = lines[i];
            if (line.isEmpty())
            {
                continue;
            }
            final int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ')
            {
                return badRequest("malformed header line");
            }
            final String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).trim();
            switch (name)
            {
                case "host" -> host = value;
                case "upgrade" -> upgrade = value;
                case "connection" -> connection = null == connection ? value : connection + "," + value;
                case "sec-websocket-key" -> key = value;
                case "sec-websocket-version" -> version = value;
                case "origin" -> origin = value;
                case "sec-websocket-protocol" -> offered.append(offered.length() == 0 ? "" : ",").append(value);
                default ->
                {
                }
            }
        }
        if (null == host || host.isEmpty())
        {
            return badRequest("no Host header");
        }
        if (null == upgrade && pages.containsKey(target))
        {
            return page(target, pages.get(target));
        }
        if (!target.equals(path))
        {
            return refuse(404, "Not Found", "no WebSocket at " + target + "; it is at " + path, "");
        }
        if (null == upgrade || !hasToken(upgrade, "websocket"))
        {
            return refuse(426, "Upgrade Required", "this port speaks WebSocket: send Upgrade: websocket",
                "Upgrade: websocket\r\nConnection: Upgrade\r\n");
        }
        if (null == connection || !hasToken(connection, "upgrade"))
        {
            return badRequest("no Connection: Upgrade header");
        }
        if (!"13".equals(version))
        {
            // a 426 must name the protocol to upgrade to (RFC 7231 section 6.5.15), as the one above does
            return refuse(426, "Upgrade Required", "Sec-WebSocket-Version must be 13, not " + version,
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
        }
        if (null == key || !isKey(key))
        {
            return badRequest("Sec-WebSocket-Key must be 16 bytes in base64");
        }
        if (!origins.isEmpty() && null != origin && !containsIgnoreCase(origins, origin))
        {
            return refuse(403, "Forbidden", "origin " + origin + " is not allowed", "");
        }
        String chosen = null;
        for (final String candidate : offered.toString().split(","))
        {
            final String trimmed = candidate.trim();
            if (subprotocols.contains(trimmed))
            {
                chosen = trimmed;
                break;
            }
        }
        if (null == chosen)
        {
            return badRequest("offer one of these subprotocols in Sec-WebSocket-Protocol: " + String.join(", ", subprotocols));
        }
        final String response = "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n" +
            "Sec-WebSocket-Protocol: " + chosen + "\r\n" +
            "\r\n";
        return new WebSocketHandshake(101, chosen, response.getBytes(StandardCharsets.ISO_8859_1), null);
    }

    /**
     * @param key a client's {@code Sec-WebSocket-Key}.
     * @return its {@code Sec-WebSocket-Accept}: base64 of SHA-1 of the key and RFC 6455's GUID.
     */
    public static String acceptKey(final String key)
    {
        try
        {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + KEY_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", ex);
        }
    }

    private static boolean isKey(final String key)
    {
        try
        {
            return Base64.getDecoder().decode(key).length == 16;
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }

    private static boolean hasToken(final String value, final String token)
    {
        for (final String part : value.split(","))
        {
            if (part.trim().equalsIgnoreCase(token))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return true if one of the values is the origin, ignoring case and a trailing slash
     * ({@code https://Game.example/} is {@code https://game.example}).
     */
    private static boolean containsIgnoreCase(final Set<String> values, final String value)
    {
        final String origin = withoutTrailingSlash(value);
        for (final String candidate : values)
        {
            if (withoutTrailingSlash(candidate).equalsIgnoreCase(origin))
            {
                return true;
            }
        }
        return false;
    }

    private static WebSocketHandshake page(final String target, final byte[] body)
    {
        final String type = target.endsWith(".js") ? "text/javascript; charset=utf-8" :
            target.endsWith(".css") ? "text/css; charset=utf-8" : target.endsWith(".png") ? "image/png" :
            "text/html; charset=utf-8";
        final byte[] head = ("HTTP/1.1 200 OK\r\n" +
            "Content-Type: " + type + "\r\n" +
            "Content-Length: " + body.length + "\r\n" +
            "Cache-Control: no-store\r\n" +
            "Connection: close\r\n" +
            "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        final byte[] response = new byte[head.length + body.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        return new WebSocketHandshake(200, null, response, null);
    }

    private static String withoutTrailingSlash(final String origin)
    {
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }

    private static WebSocketHandshake badRequest(final String reason)
    {
        return refuse(400, "Bad Request", reason, "");
    }

    private static WebSocketHandshake refuse(final int status, final String phrase, final String reason, final String headers)
    {
        final byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        final String head = "HTTP/1.1 " + status + " " + phrase + "\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: " + body.length + "\r\n" +
            "Connection: close\r\n" +
            headers +
            "\r\n";
        final byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        final byte[] response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        return new WebSocketHandshake(status, null, response, reason);
    }
}
