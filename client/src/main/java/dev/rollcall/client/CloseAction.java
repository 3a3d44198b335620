package dev.rollcall.client;

import dev.rollcall.protocol.ErrorCode;

/**
 * What a {@link RollcallClient} does when the server sends {@code CLOSE} after the client has been ready once (a
 * {@code CLOSE} before the first {@code READY} always fails the client).
 *
 * <p>The protocol's "resume" column ({@link ErrorCode#resumable()}) says whether the <em>session</em> survives the
 * close, not whether reconnecting makes sense: {@code SERVER_OVERLOADED} loses the session but a new connection
 * will be served, and {@code TOO_MANY_CONNECTIONS} refuses one connection attempt without touching the session.
 * Only the codes that will be refused the same way on every attempt (a bad or expired token, a protocol version or
 * shard the server does not accept) or that end the user on purpose are fatal.
 */
enum CloseAction
{
    /** Reconnect (after the backoff) and resume; the server answers {@code INVALID_SESSION} if the session is gone. */
    RESUME,
    /** The server dropped the session: reconnect (after the backoff) and identify afresh. */
    IDENTIFY,
    /** Retrying cannot help: the client fails. */
    FATAL;

    /**
     * The action for a {@code CLOSE} code.
     *
     * @param code the wire code
     * @return {@link #FATAL} for {@code AUTHENTICATION_FAILED}, {@code TOKEN_EXPIRED}, {@code UNSUPPORTED_VERSION},
     *     {@code INVALID_SHARD}, {@code SHARD_NOT_ALLOWED} and {@code DISCONNECTED_BY_SERVER}; {@link #IDENTIFY}
     *     for the other codes whose session cannot be resumed ({@code SERVER_OVERLOADED}); {@link #RESUME} for the
     *     resumable codes, for the codes that refuse a connection or a frame without a session
     *     ({@code NOT_IDENTIFIED}, {@code IDENTIFY_TIMEOUT}, {@code TOO_MANY_CONNECTIONS},
     *     {@code TOO_MANY_CONNECTIONS_FROM_ADDRESS}), for the codes that answer one request and are never close
     *     codes ({@code PRESENCE_REFUSED}, {@code ANSWER_TOO_LARGE}, {@code OBSERVER_READ_ONLY},
     *     {@code NOT_AN_OBSERVER}) and for codes this client does not know
     */
    static CloseAction of(final int code)
    {
        final ErrorCode errorCode = ErrorCode.fromCode(code);
        if (errorCode == null)
        {
            return RESUME;
        }
        return switch (errorCode)
        {
            case AUTHENTICATION_FAILED, TOKEN_EXPIRED, UNSUPPORTED_VERSION, INVALID_SHARD, SHARD_NOT_ALLOWED,
                DISCONNECTED_BY_SERVER -> FATAL;
            case NOT_IDENTIFIED, IDENTIFY_TIMEOUT, TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS_FROM_ADDRESS,
                PRESENCE_REFUSED, ANSWER_TOO_LARGE, OBSERVER_READ_ONLY, NOT_AN_OBSERVER -> RESUME;
            default -> errorCode.resumable() ? RESUME : IDENTIFY;
        };
    }
}
