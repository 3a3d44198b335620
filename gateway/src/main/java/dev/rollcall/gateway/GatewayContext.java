package dev.rollcall.gateway;

import dev.rollcall.gateway.auth.Authenticator;
import dev.rollcall.gateway.builtin.BuiltInProtocol;
import dev.rollcall.gateway.websocket.WebPages;
import dev.rollcall.protocol.Protocol;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The gateway's settings, with defaults (docs/protocol.md names the protocol ones). Fluent
 * setters; {@link #conclude()} checks them when the gateway starts.
 */
public final class GatewayContext
{
    /** Default port. */
    public static final int DEFAULT_PORT = 7450;
    /** The port {@code ./rollcall serve} gives WebSocket by default (off in an embedded gateway). */
    public static final int DEFAULT_WEBSOCKET_PORT = 7451;
    /** Where WebSocket clients connect. */
    public static final String DEFAULT_WEBSOCKET_PATH = "/rollcall";

    private String bindAddress = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int webSocketPort = -1;
    private String webSocketPath = DEFAULT_WEBSOCKET_PATH;
    private Set<String> webSocketOrigins = Set.of();
    private int webSocketMaxMessageBytes;
    private int webSocketMaxHeaderBytes = 8192;
    private int webSocketPingIntervalMs = 25_000;
    private Map<String, byte[]> webPages = WebPages.builtIn();
    private int threads;
    private Supplier<IdleStrategy> idleStrategy;
    private int heartbeatIntervalMs = 30_000;
    private int heartbeatMarginMs = 10_000;
    private int identifyTimeoutMs = 10_000;
    private int maxFrameSize = Protocol.DEFAULT_MAX_FRAME_SIZE;
    private int rateLimitCommands = 120;
    private int rateLimitWindowMs = 60_000;
    private int rateLimitReserved = 10;
    private int maxConnections = 100_000;
    private int maxConnectionsPerAddress = 30_000;
    private int maxOutboundBytes = 1 << 20;
    private int sessionBufferEvents = 1024;
    private int sessionBufferBytes = 256 * 1024;
    private int inboxBytes = 16 << 20;
    private int timerTickMs = 20;
    private int lingerMs = 1_000;
    private long resumeWindowMs = -1;
    private Authenticator authenticator;
    private ConnectionHandlerFactory handlerFactory;
    private ErrorHandler errorHandler = Throwable::printStackTrace;

    /**
     * Check the settings.
     *
     * @return this.
     * @throws IllegalStateException when a setting is out of range or the authenticator is missing.
     */
    public GatewayContext conclude()
    {
        require(port >= 0 && port <= 65535, "port");
        require(webSocketPort >= -1 && webSocketPort <= 65535, "webSocketPort (-1 for none, 0 for any free port)");
        require(null != webSocketPath && webSocketPath.startsWith("/") && webSocketPath.indexOf(' ') < 0 &&
            webSocketPath.indexOf('?') < 0, "webSocketPath (starts with /, no space or ?)");
        if (0 == webSocketMaxMessageBytes)
        {
            webSocketMaxMessageBytes = Math.min(4 * maxFrameSize, maxWebSocketMessageBytes()); // JSON says more than binary
        }
        require(webSocketMaxMessageBytes >= 125 && (null != handlerFactory || webSocketMaxMessageBytes <= maxWebSocketMessageBytes()),
            "webSocketMaxMessageBytes (125.." + maxWebSocketMessageBytes() + " with the built-in protocol: a JSON message must " +
            "fit a thread's read buffer)");
        require(webSocketMaxHeaderBytes >= 1024, "webSocketMaxHeaderBytes (>= 1024)");
        require(webSocketPingIntervalMs >= 0, "webSocketPingIntervalMs (>= 0)");
        webPages = WebPages.forPath(webPages, webSocketPath);
        require(threads >= 0 && threads <= 64, "threads (1..64, or 0 for the core budget's choice)");
        require(heartbeatIntervalMs > 0, "heartbeatIntervalMs");
        require(heartbeatMarginMs >= 0, "heartbeatMarginMs");
        require(identifyTimeoutMs > 0, "identifyTimeoutMs");
        require(maxFrameSize >= 64 && maxFrameSize <= Protocol.MAX_SERVER_FRAME_SIZE, "maxFrameSize (64..1 MiB)");
        require(rateLimitCommands > rateLimitReserved && rateLimitReserved >= 0, "rateLimitCommands > rateLimitReserved >= 0");
        require(rateLimitWindowMs > 0, "rateLimitWindowMs");
        require(maxConnections > 0 && maxConnectionsPerAddress > 0, "maxConnections");
        require(maxOutboundBytes >= 64 * 1024, "maxOutboundBytes (>= 64 KiB)");
        require(sessionBufferEvents >= 1, "sessionBufferEvents");
        require(sessionBufferBytes >= 4096, "sessionBufferBytes (>= 4096)");
        require(Integer.bitCount(inboxBytes) == 1 && inboxBytes >= (1 << 20), "inboxBytes (a power of two >= 1 MiB)");
        require(timerTickMs >= 1, "timerTickMs");
        require(lingerMs >= 0, "lingerMs");
        require(null != authenticator || null != handlerFactory, "authenticator (the built-in protocol needs one)");
        return this;
    }

    /**
     * @return the largest message a WebSocket client may be allowed: a whole JSON message waits in
     * the thread's read buffer ({@code max(64 KiB, 2 x maxFrameSize + 8)}) beside a frame header
     * and a control frame.
     */
    private int maxWebSocketMessageBytes()
    {
        return Math.max(64 * 1024, 2 * maxFrameSize + 8) - 256;
    }

    private static void require(final boolean ok, final String what)
    {
        if (!ok)
        {
            throw new IllegalStateException("invalid gateway setting: " + what);
        }
    }

    /** @return address to listen on; default 127.0.0.1. */
    public String bindAddress()
    {
        return bindAddress;
    }

    /** @param bindAddress address to listen on (0.0.0.0 for every interface). @return this. */
    public GatewayContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    /** @return the TCP port; default {@value #DEFAULT_PORT}, 0 for any free port. */
    public int port()
    {
        return port;
    }

    /** @param port the TCP port, 0 for any free port. @return this. */
    public GatewayContext port(final int port)
    {
        this.port = port;
        return this;
    }

    /**
     * @return the WebSocket port (RFC 6455, subprotocol {@code rollcall.binary.v1}: the binary
     * protocol's frames in binary messages); -1 (the default) for none, 0 for any free port.
     */
    public int webSocketPort()
    {
        return webSocketPort;
    }

    /** @param webSocketPort the WebSocket port; -1 for none, 0 for any free port. @return this. */
    public GatewayContext webSocketPort(final int webSocketPort)
    {
        this.webSocketPort = webSocketPort;
        return this;
    }

    /** @return the path WebSocket clients ask for; default {@value #DEFAULT_WEBSOCKET_PATH}. */
    public String webSocketPath()
    {
        return webSocketPath;
    }

    /** @param webSocketPath the path WebSocket clients ask for (a query string is ignored). @return this. */
    public GatewayContext webSocketPath(final String webSocketPath)
    {
        this.webSocketPath = webSocketPath;
        return this;
    }

    /**
     * @return the {@code Origin}s a browser may connect from (e.g. {@code https://game.example});
     * empty (the default) allows any. A request without {@code Origin} (not a browser) is allowed.
     */
    public Set<String> webSocketOrigins()
    {
        return webSocketOrigins;
    }

    /** @param webSocketOrigins the allowed {@code Origin}s; empty allows any. @return this. */
    public GatewayContext webSocketOrigins(final Set<String> webSocketOrigins)
    {
        this.webSocketOrigins = Set.copyOf(webSocketOrigins);
        return this;
    }

    /**
     * @return the largest WebSocket message a client may send (fragments summed), beyond which
     * it is closed with 1009; default (0 until launch) four times {@link #maxFrameSize()} (JSON
     * takes more bytes than binary to say the same), at most what a thread's read buffer holds.
     */
    public int webSocketMaxMessageBytes()
    {
        return webSocketMaxMessageBytes;
    }

    /** @param webSocketMaxMessageBytes the largest message a client may send. @return this. */
    public GatewayContext webSocketMaxMessageBytes(final int webSocketMaxMessageBytes)
    {
        this.webSocketMaxMessageBytes = webSocketMaxMessageBytes;
        return this;
    }

    /**
     * @return the pages a plain HTTP GET on the WebSocket port fetches, by path; by default the
     * built-in ones ({@link WebPages#builtIn()}: {@code /}, the browser example, and {@code /dashboard}).
     */
    public Map<String, byte[]> webPages()
    {
        return webPages;
    }

    /**
     * @param path    the page's path, starting with /.
     * @param content the page (its type follows the path's suffix: .js, .css, .png, else HTML).
     * @return this.
     */
    public GatewayContext webPage(final String path, final byte[] content)
    {
        final Map<String, byte[]> pages = new HashMap<>(webPages);
        pages.put(path, content.clone());
        webPages = Map.copyOf(pages);
        return this;
    }

    /**
     * @return how long a WebSocket peer may be silent before the server pings it (proxies and NATs
     * drop quiet connections); default 25 s; 0 for never.
     */
    public int webSocketPingIntervalMs()
    {
        return webSocketPingIntervalMs;
    }

    /** @param webSocketPingIntervalMs silence before a ping, 0 for never. @return this. */
    public GatewayContext webSocketPingIntervalMs(final int webSocketPingIntervalMs)
    {
        this.webSocketPingIntervalMs = webSocketPingIntervalMs;
        return this;
    }

    /** @return the most bytes an upgrade request's headers may take (then 431); default 8192. */
    public int webSocketMaxHeaderBytes()
    {
        return webSocketMaxHeaderBytes;
    }

    /** @param webSocketMaxHeaderBytes the most bytes an upgrade request's headers may take. @return this. */
    public GatewayContext webSocketMaxHeaderBytes(final int webSocketMaxHeaderBytes)
    {
        this.webSocketMaxHeaderBytes = webSocketMaxHeaderBytes;
        return this;
    }

    /**
     * @return selector threads; 0 (the default) until launch, which then picks the cores the
     * core's pipeline leaves ({@link dev.rollcall.core.PipelineLayout#coresLeft}): 1 on 2 cores.
     */
    public int threads()
    {
        return threads;
    }

    /** @param threads selector threads, or 0 for the core budget's choice. @return this. */
    public GatewayContext threads(final int threads)
    {
        this.threads = threads;
        return this;
    }

    /** @return the idle strategy supplier, or null for the default (sleep in {@code select}, woken by new events). */
    public Supplier<IdleStrategy> idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleStrategy one per selector thread, e.g. {@code BackoffIdleStrategy::new} on
     *                     dedicated cores; null (default) sleeps in {@code select} and is woken
     *                     by new events, which suits shared machines.
     * @return this.
     */
    public GatewayContext idleStrategy(final Supplier<IdleStrategy> idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /** @return heartbeat interval told to clients; default 30 s. */
    public int heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    /** @param heartbeatIntervalMs heartbeat interval told to clients. @return this. */
    public GatewayContext heartbeatIntervalMs(final int heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    /** @return grace on top of the interval before a silent connection is a zombie; default 10 s. */
    public int heartbeatMarginMs()
    {
        return heartbeatMarginMs;
    }

    /** @param heartbeatMarginMs grace on top of the heartbeat interval. @return this. */
    public GatewayContext heartbeatMarginMs(final int heartbeatMarginMs)
    {
        this.heartbeatMarginMs = heartbeatMarginMs;
        return this;
    }

    /** @return time allowed between accept and identify/resume; default 10 s. */
    public int identifyTimeoutMs()
    {
        return identifyTimeoutMs;
    }

    /** @param identifyTimeoutMs time allowed between accept and identify/resume. @return this. */
    public GatewayContext identifyTimeoutMs(final int identifyTimeoutMs)
    {
        this.identifyTimeoutMs = identifyTimeoutMs;
        return this;
    }

    /** @return largest frame accepted from a client; default 4096. */
    public int maxFrameSize()
    {
        return maxFrameSize;
    }

    /** @param maxFrameSize largest frame accepted from a client. @return this. */
    public GatewayContext maxFrameSize(final int maxFrameSize)
    {
        this.maxFrameSize = maxFrameSize;
        return this;
    }

    /**
     * @return frames allowed per window per connection; default 120. Heartbeats count too:
     * keep {@code rateLimitWindowMs / heartbeatIntervalMs} well below it.
     */
    public int rateLimitCommands()
    {
        return rateLimitCommands;
    }

    /** @param rateLimitCommands frames allowed per window per connection. @return this. */
    public GatewayContext rateLimitCommands(final int rateLimitCommands)
    {
        this.rateLimitCommands = rateLimitCommands;
        return this;
    }

    /** @return the rate limit's window; default 60 s. */
    public int rateLimitWindowMs()
    {
        return rateLimitWindowMs;
    }

    /** @param rateLimitWindowMs the rate limit's window. @return this. */
    public GatewayContext rateLimitWindowMs(final int rateLimitWindowMs)
    {
        this.rateLimitWindowMs = rateLimitWindowMs;
        return this;
    }

    /** @return slots of the window only heartbeat, identify and resume may use; default 10. */
    public int rateLimitReserved()
    {
        return rateLimitReserved;
    }

    /** @param rateLimitReserved slots reserved for heartbeat, identify and resume. @return this. */
    public GatewayContext rateLimitReserved(final int rateLimitReserved)
    {
        this.rateLimitReserved = rateLimitReserved;
        return this;
    }

    /** @return connections the gateway holds at most; default 100,000. */
    public int maxConnections()
    {
        return maxConnections;
    }

    /** @param maxConnections connections the gateway holds at most. @return this. */
    public GatewayContext maxConnections(final int maxConnections)
    {
        this.maxConnections = maxConnections;
        return this;
    }

    /** @return connections one source address may hold; default 30,000. */
    public int maxConnectionsPerAddress()
    {
        return maxConnectionsPerAddress;
    }

    /** @param maxConnectionsPerAddress connections one source address may hold. @return this. */
    public GatewayContext maxConnectionsPerAddress(final int maxConnectionsPerAddress)
    {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        return this;
    }

    /** @return bytes that may wait to be written to one connection before it is closed as slow; default 1 MiB. */
    public int maxOutboundBytes()
    {
        return maxOutboundBytes;
    }

    /** @param maxOutboundBytes bytes that may wait per connection. @return this. */
    public GatewayContext maxOutboundBytes(final int maxOutboundBytes)
    {
        this.maxOutboundBytes = maxOutboundBytes;
        return this;
    }

    /** @return events a session keeps for resume; default 1024. */
    public int sessionBufferEvents()
    {
        return sessionBufferEvents;
    }

    /** @param sessionBufferEvents events a session keeps for resume. @return this. */
    public GatewayContext sessionBufferEvents(final int sessionBufferEvents)
    {
        this.sessionBufferEvents = sessionBufferEvents;
        return this;
    }

    /**
     * @return bytes of events a session keeps for resume; default 256 KiB, and never more
     * than half of {@link #maxOutboundBytes()} (so a resume's replay always fits).
     */
    public int sessionBufferBytes()
    {
        return sessionBufferBytes;
    }

    /** @param sessionBufferBytes bytes of events a session keeps for resume. @return this. */
    public GatewayContext sessionBufferBytes(final int sessionBufferBytes)
    {
        this.sessionBufferBytes = sessionBufferBytes;
        return this;
    }

    /** @return bytes of each thread's inbox from the core; default 16 MiB. */
    public int inboxBytes()
    {
        return inboxBytes;
    }

    /** @param inboxBytes bytes of each thread's inbox from the core (power of two). @return this. */
    public GatewayContext inboxBytes(final int inboxBytes)
    {
        this.inboxBytes = inboxBytes;
        return this;
    }

    /** @return resolution of timeouts; default 20 ms. */
    public int timerTickMs()
    {
        return timerTickMs;
    }

    /** @param timerTickMs resolution of timeouts. @return this. */
    public GatewayContext timerTickMs(final int timerTickMs)
    {
        this.timerTickMs = timerTickMs;
        return this;
    }

    /** @return how long a closing connection may take to flush; default 1 s. */
    public int lingerMs()
    {
        return lingerMs;
    }

    /**
     * @param lingerMs how long a closing connection may go without the peer taking any of its
     *                 queued bytes before it is closed regardless (up to 30 lingers in all while
     *                 the peer keeps reading), and how long a half-closed one waits for the peer
     *                 to close; default 1 s.
     * @return this.
     */
    public GatewayContext lingerMs(final int lingerMs)
    {
        this.lingerMs = lingerMs;
        return this;
    }

    /** @return how long a detached session can be resumed; -1 (default) = the core's grace period. */
    public long resumeWindowMs()
    {
        return resumeWindowMs;
    }

    /** @param resumeWindowMs how long a detached session can be resumed; -1 = the grace period. @return this. */
    public GatewayContext resumeWindowMs(final long resumeWindowMs)
    {
        this.resumeWindowMs = resumeWindowMs;
        return this;
    }

    /** @return checks identify/resume tokens. */
    public Authenticator authenticator()
    {
        return authenticator;
    }

    /** @param authenticator checks identify/resume tokens. @return this. */
    public GatewayContext authenticator(final Authenticator authenticator)
    {
        this.authenticator = authenticator;
        return this;
    }

    /** @return makes connection handlers; null = the built-in binary protocol. */
    public ConnectionHandlerFactory handlerFactory()
    {
        return handlerFactory;
    }

    /** @return the protocol connections speak: {@link #handlerFactory()}, or the built-in one when that is null. */
    public ConnectionHandlerFactory protocol()
    {
        return null == handlerFactory ? BuiltInProtocol.FACTORY : handlerFactory;
    }

    /** @return the names of the WebSocket subprotocols {@link #protocol()} speaks, in its order. */
    List<String> subprotocolNames()
    {
        final List<WebSocketSubprotocol> subprotocols = protocol().webSocketSubprotocols();
        final String[] names = new String[subprotocols.size()];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = subprotocols.get(i).name();
        }
        return List.of(names);
    }

    /**
     * @param name a subprotocol's name, as agreed in a handshake.
     * @return the subprotocol of {@link #protocol()} with that name.
     */
    WebSocketSubprotocol subprotocol(final String name)
    {
        for (final WebSocketSubprotocol subprotocol : protocol().webSocketSubprotocols())
        {
            if (subprotocol.name().equals(name))
            {
                return subprotocol;
            }
        }
        throw new IllegalArgumentException("not a subprotocol of " + protocol() + ": " + name);
    }

    /** @param handlerFactory makes connection handlers; null = the built-in binary protocol. @return this. */
    public GatewayContext handlerFactory(final ConnectionHandlerFactory handlerFactory)
    {
        this.handlerFactory = handlerFactory;
        return this;
    }

    /** @return where unexpected errors go (after being counted). */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** @param errorHandler where unexpected errors go. @return this. */
    public GatewayContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }
}
