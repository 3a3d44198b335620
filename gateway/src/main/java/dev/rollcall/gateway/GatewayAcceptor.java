package dev.rollcall.gateway;

import dev.rollcall.gateway.builtin.BuiltInProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings connections into one gateway thread: on thread 0 it owns the listeners, accepts,
 * checks the connection limits and hands each admitted connection to the next thread in turn;
 * on every thread it opens the new connections it is given (registers them and makes their
 * handler).
 * <p>
 * Used only by its gateway thread; only thread 0's has listeners.
 */
final class GatewayAcceptor
{
    private static final int ACCEPTS_PER_CYCLE = 256;
    /** The attachment of the WebSocket listener's key (the binary listener's is null). */
    private static final Object WEBSOCKET_LISTENER = new Object();

    private final GatewayAgent agent;
    private final GatewayContext ctx;
    private final ConnectionLimits limits;
    private final AtomicLong connectionIds;
    private final GatewayCounters counters;
    private final HandlerInvoker handlers;
    private final ConnectionHandlerFactory handlerFactory;
    private final ServerSocketChannel server;
    private final ServerSocketChannel webSocketServer;
    private GatewayAgent[] agents;
    private int nextAgent;

    GatewayAcceptor(
        final GatewayAgent agent,
        final GatewayContext ctx,
        final ConnectionLimits limits,
        final AtomicLong connectionIds,
        final GatewayCounters counters,
        final HandlerInvoker handlers,
        final Selector selector,
        final ServerSocketChannel server,
        final ServerSocketChannel webSocketServer) throws IOException
    {
        this.agent = agent;
        this.ctx = ctx;
        this.limits = limits;
        this.connectionIds = connectionIds;
        this.counters = counters;
        this.handlers = handlers;
        this.handlerFactory = null == ctx.handlerFactory() ? BuiltInProtocol.FACTORY : ctx.handlerFactory();
        this.server = server;
        this.webSocketServer = webSocketServer;
        if (null != server)
        {
            server.register(selector, SelectionKey.OP_ACCEPT);
        }
        if (null != webSocketServer)
        {
            webSocketServer.register(selector, SelectionKey.OP_ACCEPT, WEBSOCKET_LISTENER);
        }
    }

    void agents(final GatewayAgent[] agents)
    {
        this.agents = agents;
    }

    /**
     * A listener's key is ready: accept what is waiting on it, a bounded number.
     *
     * @param attachment the key's attachment (null for the binary listener).
     */
    void accept(final Object attachment)
    {
        if (attachment == WEBSOCKET_LISTENER)
        {
            accept(webSocketServer, true);
        }
        else
        {
            accept(server, false);
        }
    }

    private void accept(final ServerSocketChannel server, final boolean webSocket)
    {
        for (int i = 0; i < ACCEPTS_PER_CYCLE; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = server.accept();
            }
            catch (final IOException ex)
            {
                if (server.isOpen())
                {
                    ctx.errorHandler().onError(ex);
                }
                return;
            }
            if (null == channel)
            {
                return;
            }
            final InetSocketAddress remote;
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                remote = (InetSocketAddress)channel.getRemoteAddress();
            }
            catch (final IOException ex)
            {
                closeQuietly(channel);
                continue;
            }
            final GatewayConnection connection = new GatewayConnection(
                connectionIds.incrementAndGet(), channel, remote, agent);
            if (webSocket)
            {
                connection.transport = new WebSocketTransport();
            }
            counters.increment(GatewayCounter.CONNECTIONS_ACCEPTED);
            final Refusal refusal = limits.tryAcquire(remote.getAddress());
            if (null != refusal)
            {
                counters.increment(GatewayCounter.CONNECTIONS_REFUSED);
                if (open(connection, false))
                {
                    connection.refuse(refusal);
                }
                continue;
            }
            connection.admitted(true);
            final GatewayAgent target = agents[nextAgent];
            nextAgent = (nextAgent + 1) % agents.length;
            if (target == agent)
            {
                open(connection, true);
            }
            else
            {
                target.handoff(connection);
            }
        }
    }

    /**
     * Register a new connection and make its handler; {@code onOpen} only for an admitted one
     * (a refused one hears only its refusal).
     *
     * @return false if the connection could not be opened (it is closed).
     */
    boolean open(final GatewayConnection connection, final boolean admitted)
    {
        connection.agent = agent;
        if (!agent.attach(connection, SelectionKey.OP_READ))
        {
            connection.closeChannel();
            return false;
        }
        try
        {
            connection.handler = handlerFactory.newHandler(connection);
        }
        catch (final Throwable ex)
        {
            handlers.handlerError(connection, ex);
            return false;
        }
        if (admitted)
        {
            if (null != connection.transport)
            {
                connection.timeout(ctx.identifyTimeoutMs()); // the handler opens once the handshake is answered
            }
            else
            {
                handlers.callOpen(connection);
            }
        }
        return !connection.isClosed();
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // nothing to do
        }
    }
}
