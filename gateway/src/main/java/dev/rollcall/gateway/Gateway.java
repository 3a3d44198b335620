package dev.rollcall.gateway;

import dev.rollcall.core.ConnectionIds;
import dev.rollcall.core.PipelineLayout;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.core.RollcallCounters;
import dev.rollcall.protocol.ErrorCode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The Rollcall server: a {@link Rollcall} core behind N selector threads speaking the
 * built-in protocol (docs/protocol.md) or a custom {@link ConnectionHandler}.
 * <pre>{@code
 * try (Gateway gateway = Gateway.launch(
 *     new RollcallContext().journal(ChronicleJournal.open(Path.of("data"))),
 *     new GatewayContext().authenticator(new HmacTokenAuthenticator(secret))))
 * {
 *     ...
 * }
 * }</pre>
 * Thread 0 accepts and spreads new connections over the threads; a connection moves to its
 * user's home thread when it identifies, so every session of a user lives on one thread and
 * the core's events are routed to one inbox per thread.
 */
public final class Gateway implements AutoCloseable
{
    private final GatewayContext ctx;
    private final Rollcall rollcall;
    private final ServerSocketChannel server;
    private final ServerSocketChannel webSocketServer;
    private final GatewayAgent[] agents;
    private final AgentRunner[] runners;
    private final ConnectionLimits limits;
    private final InetSocketAddress address;
    private final InetSocketAddress webSocketAddress;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final UpdateLatencies updateLatencies;

    private Gateway(
        final RollcallContext rollcallCtx, final GatewayContext ctx, final Function<RollcallContext, Rollcall> coreLauncher)
        throws IOException
    {
        this.ctx = ctx.conclude();
        if (null != rollcallCtx.limits())
        {
            WireLimits.check(rollcallCtx.limits());
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        if (null == rollcallCtx.layout())
        {
            rollcallCtx.layout(PipelineLayout.forServer(cores));
        }
        if (0 == ctx.threads())
        {
            ctx.threads(rollcallCtx.layout().coresLeft(cores));
        }
        // room for every thread's counters beside the core's, in the same counters file
        final int countersNeeded = RollcallCounters.COUNTERS_ALLOCATED + ctx.threads() * GatewayCounters.COUNTERS_PER_THREAD;
        if (rollcallCtx.countersCapacity() < countersNeeded)
        {
            rollcallCtx.countersCapacity(countersNeeded);
        }
        final CoreRouter router = new CoreRouter();
        rollcallCtx.eventSink(router).connectionDirectiveHandler(router).firehose(true);
        limits = new ConnectionLimits(ctx.maxConnections(), ctx.maxConnectionsPerAddress());
        server = ServerSocketChannel.open();
        webSocketServer = ctx.webSocketPort() < 0 ? null : ServerSocketChannel.open();
        GatewayAgent[] created = null;
        Rollcall core = null;
        try
        {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(ctx.bindAddress(), ctx.port()), 1024);
            server.configureBlocking(false);
            address = (InetSocketAddress)server.getLocalAddress();
            if (null != webSocketServer)
            {
                webSocketServer.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                webSocketServer.bind(new InetSocketAddress(ctx.bindAddress(), ctx.webSocketPort()), 1024);
                webSocketServer.configureBlocking(false);
                webSocketAddress = (InetSocketAddress)webSocketServer.getLocalAddress();
            }
            else
            {
                webSocketAddress = null;
            }
            core = coreLauncher.apply(rollcallCtx);
            // ids under this node's number: a cluster tells a lost node's connections by it
            final AtomicLong connectionIds = new AtomicLong(ConnectionIds.of(rollcallCtx.node(), 0));
            created = new GatewayAgent[ctx.threads()];
            for (int i = 0; i < created.length; i++)
            {
                created[i] = new GatewayAgent(i, ctx, core, router, limits, connectionIds, i == 0 ? server : null, i == 0 ? webSocketServer : null);
            }
            for (final GatewayAgent agent : created)
            {
                agent.agents(created);
            }
            router.agents(created);
            if (rollcallCtx.layout() == PipelineLayout.INVOKED && null == rollcallCtx.sequencer())
            {
                // thread 0 runs the pipeline in its duty cycle; a publish from elsewhere wakes it
                created[0].invokesCore();
                core.invokerWaker(created[0]::wake);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(server);
            CloseHelper.quietClose(webSocketServer);
            CloseHelper.quietClose(core);
            throw ex;
        }
        rollcall = core;
        agents = created;
        updateLatencies = new UpdateLatencies(created);
        runners = new AgentRunner[agents.length];
        for (int i = 0; i < agents.length; i++)
        {
            final IdleStrategy idle = null == ctx.idleStrategy() ?
                new SelectorIdleStrategy(agents[i]) : ctx.idleStrategy().get();
            runners[i] = new AgentRunner(idle, ctx.errorHandler(), null, agents[i]);
            final Thread thread = new Thread(runners[i], agents[i].roleName());
            thread.setDaemon(false);
            thread.start();
        }
    }

    /**
     * Start the core with the gateway's event routing plugged in (this sets the context's
     * event sink, directive handler and firehose), then listen.
     *
     * @param rollcallCtx the core's settings (journal, grace period, ...).
     * @param ctx         the gateway's settings.
     * @return the running gateway.
     * @throws IOException if the port cannot be bound.
     */
    public static Gateway launch(final RollcallContext rollcallCtx, final GatewayContext ctx) throws IOException
    {
        return new Gateway(rollcallCtx, ctx, Rollcall::launch);
    }

    /**
     * As {@link #launch(RollcallContext, GatewayContext)}, with the core launched by someone else
     * from the context the gateway has prepared: a cluster node's service launches it on the thread
     * that applies the log. With a {@link RollcallContext#sequencer() sequencer} no gateway thread
     * invokes the core (the log's thread does); the gateway still closes it last.
     *
     * @param rollcallCtx  the core's settings.
     * @param ctx          the gateway's settings.
     * @param coreLauncher launches the core from the prepared settings and returns it running.
     * @return the running gateway.
     * @throws IOException if the port cannot be bound.
     */
    public static Gateway launch(
        final RollcallContext rollcallCtx, final GatewayContext ctx, final Function<RollcallContext, Rollcall> coreLauncher)
        throws IOException
    {
        return new Gateway(rollcallCtx, ctx, coreLauncher);
    }

    /** @return the address the gateway listens on (with the real port when 0 was asked). */
    public InetSocketAddress address()
    {
        return address;
    }

    /** @return the port the gateway listens on. */
    public int port()
    {
        return address.getPort();
    }

    /**
     * @return the address WebSocket clients connect to (with the real port when 0 was asked),
     * or null when {@link GatewayContext#webSocketPort()} is -1.
     */
    public InetSocketAddress webSocketAddress()
    {
        return webSocketAddress;
    }

    /** @return the core. */
    public Rollcall rollcall()
    {
        return rollcall;
    }

    /** @return the settings. */
    public GatewayContext context()
    {
        return ctx;
    }

    /**
     * @param counter what.
     * @return its value summed over the threads.
     */
    public long counter(final GatewayCounter counter)
    {
        return agents[0].gatewayCounter(counter); // summed over every thread
    }

    /**
     * @param code an error or close code.
     * @return how many times it was sent.
     */
    public long errorCount(final ErrorCode code)
    {
        return agents[0].gatewayErrorCount(code); // summed over every thread
    }

    /** @return the gateway threads ({@code rollcall-gateway-0} to {@code -N-1}). */
    public int threads()
    {
        return agents.length;
    }

    /**
     * Any thread.
     *
     * @param thread 0 to {@link #threads()} - 1.
     * @return the bytes waiting in that thread's inbox from the core (events, results, directives
     * it has not read yet); an inbox that fills up overflows ({@link GatewayCounter#INBOX_OVERRUNS}).
     */
    public int inboxDepthBytes(final int thread)
    {
        return agents[thread].inbox().size();
    }

    /** @return the capacity of each gateway thread's inbox, in bytes. */
    public int inboxCapacityBytes()
    {
        return agents[0].inbox().capacity();
    }

    /** @return the latencies of the updates published through this gateway. */
    public UpdateLatencies updateLatencies()
    {
        return updateLatencies;
    }

    /** @return connections open now (admitted ones). */
    public int openConnections()
    {
        return limits.open();
    }

    /**
     * Stop accepting, tell every client the server is going ({@code SERVER_SHUTTING_DOWN},
     * they may reconnect later or elsewhere), stop the threads, then close the core: it drains
     * the ring and takes a final snapshot. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        CloseHelper.quietClose(server);
        CloseHelper.quietClose(webSocketServer);
        for (final GatewayAgent agent : agents)
        {
            agent.stopping();
        }
        // thread 0 last: in the invoked layout it runs the pipeline the others' last commands need
        for (int i = runners.length - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(runners[i]);
        }
        rollcall.close();
    }
}
