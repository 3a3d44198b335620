package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.gateway.websocket.WebSocketFrames;
import dev.rollcall.model.Result;

import java.nio.ByteBuffer;

/**
 * Calls a connection's handler for one gateway thread: each call catches what the handler
 * throws, counts it and reports it, and (but for the calls made while the connection is going
 * away) closes that connection, so one broken handler never stops the thread.
 * <p>
 * Used only by its gateway thread.
 */
final class HandlerInvoker
{
    private final GatewayAgent agent;
    private final GatewayContext ctx;
    private final GatewayCounters counters;

    HandlerInvoker(final GatewayAgent agent, final GatewayContext ctx, final GatewayCounters counters)
    {
        this.agent = agent;
        this.ctx = ctx;
        this.counters = counters;
    }

    void callOpen(final GatewayConnection connection)
    {
        try
        {
            connection.handler.onOpen(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callData(final GatewayConnection connection, final ByteBuffer buffer)
    {
        try
        {
            connection.handler.onData(connection, buffer);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callBound(final GatewayConnection connection)
    {
        try
        {
            connection.handler.onBound(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callMalformedInput(final GatewayConnection connection, final int code, final String message)
    {
        try
        {
            connection.handler.onMalformedInput(connection, code, message);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callTimeout(final GatewayConnection connection)
    {
        if (null != connection.transport && connection.transport.isHandshaking())
        {
            connection.close(); // no upgrade request within the identify timeout
            return;
        }
        try
        {
            connection.handler.onTimeout(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callResult(final GatewayConnection connection, final long tag, final Result result)
    {
        try
        {
            connection.handler.onResult(connection, tag, result);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callEvent(final GatewayConnection connection, final PresenceEvent presenceEvent)
    {
        try
        {
            connection.handler.onEvent(connection, presenceEvent);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callDisconnectedByServer(final GatewayConnection connection)
    {
        try
        {
            connection.handler.onDisconnectedByServer(connection);
        }
        catch (final Throwable ex)
        {
            handlerError(connection, ex);
        }
    }

    void callRefused(final GatewayConnection connection, final Refusal refusal)
    {
        try
        {
            connection.handler.onRefused(connection, refusal);
        }
        catch (final Throwable ex)
        {
            countError(connection, ex);
        }
    }

    void callShutdown(final GatewayConnection connection)
    {
        if (null != connection.transport)
        {
            if (connection.transport.isHandshaking())
            {
                return; // the handler never opened
            }
            connection.transport.closeCode(WebSocketFrames.CLOSE_GOING_AWAY);
        }
        try
        {
            connection.handler.onShutdown(connection);
        }
        catch (final Throwable ex)
        {
            countError(connection, ex);
        }
    }

    void callClose(final GatewayConnection connection)
    {
        if (null == connection.handler)
        {
            return;
        }
        try
        {
            connection.handler.onClose(connection);
        }
        catch (final Throwable ex)
        {
            countError(connection, ex);
        }
    }

    /**
     * A handler failed: count it, report it and close its connection.
     */
    void handlerError(final GatewayConnection connection, final Throwable ex)
    {
        countError(connection, ex);
        agent.closeNow(connection);
    }

    /**
     * A handler failed where its connection is not closed for it (it is going away already): count
     * it and report it, naming the connection ({@link ConnectionException}).
     */
    void countError(final GatewayConnection connection, final Throwable ex)
    {
        countError(new ConnectionException(connection, ex));
    }

    /**
     * A handler or an event endpoint failed where its connection is not closed for it (it is
     * going away already, or the endpoint is not a connection): count it and report it.
     */
    void countError(final Throwable ex)
    {
        counters.increment(GatewayCounter.HANDLER_ERRORS);
        ctx.errorHandler().onError(ex);
    }
}
