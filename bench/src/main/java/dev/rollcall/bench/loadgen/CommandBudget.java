package dev.rollcall.bench.loadgen;

/**
 * How many commands a connection may send without tripping the server's rate limit
 * (docs/protocol.md, "Rate limiting"), from the limits HELLO gives.
 * <p>
 * The server counts every frame of a connection in a window of {@code rateLimitWindowMs} (a new
 * window starts with the first frame after the previous one ended) and refuses a command when
 * the window already holds {@code rateLimitCommands - rateLimitReserved} frames. HELLO does not
 * tell {@code rateLimitReserved}: the protocol's default, {@value #ASSUMED_RESERVED}, is assumed.
 * Heartbeats and the identify count too, so the budget is
 * <pre>
 *   commands per window = rateLimitCommands - reserved - (heartbeats per window + 2) - 1 identify - 2 spare
 * </pre>
 * spent through a token bucket (refilled continuously, holding at most {@link #burst()}), so any
 * span of one window holds at most the budget, however the server's windows fall.
 */
final class CommandBudget
{
    /** {@code rateLimitReserved} assumed (the protocol's default; HELLO does not carry it). */
    static final int ASSUMED_RESERVED = 10;
    private static final int SPARE = 2;

    private final int commandsPerWindow;
    private final double burst;
    private final double tokensPerNano;

    /**
     * @param rateLimitCommands   frames per window, from HELLO.
     * @param rateLimitWindowMs   the window, from HELLO.
     * @param heartbeatIntervalMs the heartbeat interval, from HELLO.
     * @param window              commands the generator wants to send at once.
     */
    CommandBudget(final int rateLimitCommands, final int rateLimitWindowMs, final int heartbeatIntervalMs, final int window)
    {
        final long heartbeats = rateLimitWindowMs / Math.max(1, heartbeatIntervalMs) + 2;
        final long budget = (rateLimitCommands & 0xFFFFFFFFL) - ASSUMED_RESERVED - heartbeats - 1 - SPARE;
        commandsPerWindow = (int)Math.max(0, Math.min(Integer.MAX_VALUE, budget));
        if (commandsPerWindow <= 1)
        {
            burst = commandsPerWindow;
            tokensPerNano = 0;
        }
        else
        {
            burst = Math.max(1, Math.min(window, commandsPerWindow / 4));
            tokensPerNano = (commandsPerWindow - burst) / (Math.max(1, rateLimitWindowMs & 0xFFFFFFFFL) * 1_000_000.0);
        }
    }

    /** @return commands a connection may send per window. */
    int commandsPerWindow()
    {
        return commandsPerWindow;
    }

    /** @return tokens the bucket holds at most (and starts with). */
    double burst()
    {
        return burst;
    }

    /** @return tokens added per nanosecond. */
    double tokensPerNano()
    {
        return tokensPerNano;
    }

    /** @return the sustained commands per second one connection may send. */
    double commandsPerSecond()
    {
        return tokensPerNano * 1e9;
    }
}
