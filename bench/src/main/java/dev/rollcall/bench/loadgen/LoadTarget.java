package dev.rollcall.bench.loadgen;

/**
 * Which server a {@link LoadRun} drives: Rollcall over its binary protocol, or Redis over RESP2 with the same
 * connections, threads, windows, pacing and watcher share (see {@link RedisWorkload}).
 */
public enum LoadTarget
{
    /** A Rollcall server: HELLO → IDENTIFY → READY, UPDATE frames, watchers SUBSCRIBE to users and lobbies. */
    ROLLCALL("rollcall"),
    /** A Redis server: one command per update ({@link RedisWorkload}), watchers on their own SUBSCRIBE connections. */
    REDIS("redis");

    private final String cliName;

    LoadTarget(final String cliName)
    {
        this.cliName = cliName;
    }

    /** @return the name on the command line ({@code rollcall}, {@code redis}). */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @param text a name on the command line.
     * @return the target.
     * @throws IllegalArgumentException when it names none.
     */
    public static LoadTarget parse(final String text)
    {
        for (final LoadTarget target : values())
        {
            if (target.cliName.equals(text))
            {
                return target;
            }
        }
        throw new IllegalArgumentException("--target must be rollcall or redis, not '" + text + "'");
    }
}
