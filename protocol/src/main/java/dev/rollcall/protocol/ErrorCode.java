package dev.rollcall.protocol;

/**
 * {@code ERROR.code} and {@code CLOSE.code}: the "Error and close codes" table of docs/protocol.md
 * (a {@code u16} on the wire).
 */
public enum ErrorCode
{
    /** 4000: a server bug handling this connection. */
    UNKNOWN_ERROR(4000, true, true),
    /** 4001: op not in the client table. */
    UNKNOWN_OP(4001, true, true),
    /** 4002: length &lt; 1, truncated or overlong body, bad bool / enum / UTF-8, mask bits 13..15. */
    MALFORMED_FRAME(4002, true, true),
    /** 4003: a command or heartbeat before {@code IDENTIFY}/{@code RESUME} succeeded. */
    NOT_IDENTIFIED(4003, true, false),
    /** 4004: malformed or forged token. */
    AUTHENTICATION_FAILED(4004, true, false),
    /** 4005: a second {@code IDENTIFY}/{@code RESUME} on one connection. */
    ALREADY_IDENTIFIED(4005, true, true),
    /** 4006: the token's expiry has passed. */
    TOKEN_EXPIRED(4006, true, false),
    /** 4008: more than {@code rateLimitCommands} frames in {@code rateLimitWindowMs}. */
    RATE_LIMITED(4008, true, true),
    /** 4009: no frame for {@code heartbeatIntervalMs + heartbeatMarginMs}. */
    SESSION_TIMED_OUT(4009, true, true),
    /** 4010: {@code length > maxFrameSize}. */
    FRAME_TOO_LARGE(4010, true, true),
    /** 4011: no {@code IDENTIFY}/{@code RESUME} within {@code identifyTimeoutMs}. */
    IDENTIFY_TIMEOUT(4011, true, false),
    /** 4012: {@code IDENTIFY.protocolVersion} is not 1. */
    UNSUPPORTED_VERSION(4012, true, false),
    /** 4013: shard id/count out of range. */
    INVALID_SHARD(4013, true, false),
    /** 4014: a token without the service role (a user or an observer) asked for a shard. */
    SHARD_NOT_ALLOWED(4014, true, false),
    /** 4015: the server holds {@code maxConnections}. */
    TOO_MANY_CONNECTIONS(4015, true, false),
    /** 4016: the source address holds {@code maxConnectionsPerAddress}. */
    TOO_MANY_CONNECTIONS_FROM_ADDRESS(4016, true, false),
    /** 4017: more than {@code maxOutboundBytes} waiting to be written to the connection. */
    SLOW_CONSUMER(4017, true, true),
    /** 4018: the user was disconnected on purpose ({@code disconnect_user}). */
    DISCONNECTED_BY_SERVER(4018, true, false),
    /** 4019: the server is stopping (sessions do not survive a restart). */
    SERVER_SHUTTING_DOWN(4019, true, true),
    /** 4020: the gateway thread holding the session fell behind the core. */
    SERVER_OVERLOADED(4020, true, false),
    /** 4021: the identify's initial presence was refused (not closing). */
    PRESENCE_REFUSED(4021, false, false),
    /** 4022: the answer to a query would exceed the largest server frame; ask for less (not closing). */
    ANSWER_TOO_LARGE(4022, false, false),
    /** 4023: a {@code HEARTBEAT}'s {@code lastSeq} is negative or beyond the last seq dispatched to the session. */
    INVALID_SEQ(4023, true, true),
    /** 4024: an observer sent {@code UPDATE}, {@code SUBSCRIBE} or {@code UNSUBSCRIBE} (not closing). */
    OBSERVER_READ_ONLY(4024, false, false),
    /** 4025: a {@code GET_STATS} from a session that is not an observer's (not closing). */
    NOT_AN_OBSERVER(4025, false, false);

    private static final int FIRST_CODE = 4000;
    private static final ErrorCode[] BY_CODE = new ErrorCode[32];

    static
    {
        for (final ErrorCode value : values())
        {
            BY_CODE[value.code - FIRST_CODE] = value;
        }
    }

    private final int code;
    private final boolean closes;
    private final boolean resumable;

    ErrorCode(final int code, final boolean closes, final boolean resumable)
    {
        this.code = code;
        this.closes = closes;
        this.resumable = resumable;
    }

    /**
     * The code on the wire.
     *
     * @return the numeric code, e.g. 4002
     */
    public int code()
    {
        return code;
    }

    /**
     * Whether the server closes the connection after this error (with a {@code CLOSE} of the same code).
     *
     * @return the table's "closes" column
     */
    public boolean closes()
    {
        return closes;
    }

    /**
     * Whether the session may be resumed afterwards.
     *
     * @return true when the table's "resume" column is "yes" or "yes*"
     */
    public boolean resumable()
    {
        return resumable;
    }

    /**
     * The error code with the given numeric code.
     *
     * @param code the numeric code
     * @return the error code, or null when unknown
     */
    public static ErrorCode fromCode(final int code)
    {
        final int index = code - FIRST_CODE;
        return index >= 0 && index < BY_CODE.length ? BY_CODE[index] : null;
    }
}
