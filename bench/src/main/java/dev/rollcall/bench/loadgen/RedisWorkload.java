package dev.rollcall.bench.loadgen;

/**
 * What one update is when the load generator drives Redis ({@link LoadTarget#REDIS}). Keys and channels are
 * {@code presence:<userId>}; the value carries the sender's stamp ({@link RedisPublisher#VALUE_LENGTH} bytes).
 */
public enum RedisWorkload
{
    /**
     * One {@code EVALSHA} of {@link RedisPublisher#PRESENCE_SCRIPT}: {@code SET presence:<user> <value> EX 30} then
     * {@code PUBLISH presence:<user> <value>}, Rollcall's update + fan-out in one round trip. Each connection loads
     * the script ({@code SCRIPT LOAD}) as its handshake; watchers get the messages.
     */
    PRESENCE("presence"),
    /**
     * A plain {@code SET presence:<user> <value>}: the raw store, nobody told. No watcher connections are opened;
     * each connection's handshake is a {@code PING}.
     */
    SET("set");

    private final String cliName;

    RedisWorkload(final String cliName)
    {
        this.cliName = cliName;
    }

    /** @return the name on the command line ({@code presence}, {@code set}). */
    public String cliName()
    {
        return cliName;
    }

    /** @return true when updates are published to watchers. */
    public boolean publishes()
    {
        return this == PRESENCE;
    }

    /**
     * @param text a name on the command line.
     * @return the workload.
     * @throws IllegalArgumentException when it names none.
     */
    public static RedisWorkload parse(final String text)
    {
        for (final RedisWorkload workload : values())
        {
            if (workload.cliName.equals(text))
            {
                return workload;
            }
        }
        throw new IllegalArgumentException("--redis-workload must be presence or set, not '" + text + "'");
    }
}
