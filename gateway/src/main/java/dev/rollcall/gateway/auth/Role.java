package dev.rollcall.gateway.auth;

/**
 * What an authenticated connection may do: a {@link #USER} acts as itself; a {@link #SERVICE}
 * may, in addition, open firehose shards; an {@link #OBSERVER} watches everything and changes
 * nothing (see the "Auth", "Firehose shards" and "Observers" sections of protocol.md). Each role
 * has the {@link #code()} that stands for it in a token: this enum is the one definition of
 * those codes.
 */
public enum Role
{
    /**
     * An end user: acts only as itself. Code {@code 0}.
     */
    USER(0),

    /**
     * A backend service: may identify with {@code sharded = true}. Code {@code 1}.
     */
    SERVICE(1),

    /**
     * A watcher of the whole server (the dashboard): its session receives every client event,
     * its queries see invisible clients, it may ask for the server's counters, and it may not
     * update, subscribe or unsubscribe; it has no presence. Code {@code 2}.
     */
    OBSERVER(2);

    private static final Role[] BY_CODE = new Role[3];

    static
    {
        for (final Role role : values())
        {
            BY_CODE[role.code] = role;
        }
    }

    private final int code;

    Role(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code of this role in a token (a {@code u8}).
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a role code from a token.
     * @return the role with that code, or null if no role has it.
     */
    public static Role fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
