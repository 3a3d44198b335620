package dev.rollcall.gateway.auth;

/**
 * What an authenticated connection may do: a {@link #USER} acts as itself; a {@link #SERVICE}
 * may, in addition, open firehose shards (see the "Firehose shards" section of protocol.md).
 */
public enum Role
{
    /**
     * An end user: acts only as itself. Encoded as {@code 0} in a token.
     */
    USER,

    /**
     * A backend service: may identify with {@code sharded = true}. Encoded as {@code 1} in a token.
     */
    SERVICE
}
