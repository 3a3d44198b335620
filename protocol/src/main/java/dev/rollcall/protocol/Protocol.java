package dev.rollcall.protocol;

import dev.rollcall.model.wire.WireDescriptor;

/**
 * Constants of the Rollcall wire protocol, version 1 (docs/protocol.md).
 *
 * <p>Every frame, in both directions:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |          Length of op + body, int32 little-endian             |
 * +---------------+-----------------------------------------------+
 * |    Op (u8)    |  Body ...
 * +---------------+
 * </pre>
 * Server → client ops are {@code 0x01..0x1F}, client → server ops {@code 0x20..0x2F}. The presence values
 * the bodies carry (fields, statuses, event types, results) are defined once, in the {@code model} module
 * ({@link dev.rollcall.model.FieldTable}, {@link dev.rollcall.model.Status}, {@link dev.rollcall.model.EventType},
 * {@link dev.rollcall.model.Result}), and so is the encoding of strings, {@code changes} and the
 * {@code DISPATCH} body ({@link WireDescriptor}, {@link dev.rollcall.model.wire.EventDescriptor}).
 */
public final class Protocol
{
    /** The protocol version spoken by this codec. */
    public static final int VERSION = 1;
    /** Bytes of the frame header: the int32 little-endian length of op + body. */
    public static final int HEADER_LENGTH = 4;
    /** Offset of the body in a frame: after the length and the op byte. */
    public static final int BODY_OFFSET = HEADER_LENGTH + 1;
    /** The server's default {@code maxFrameSize} (largest {@code length} of a client frame). */
    public static final int DEFAULT_MAX_FRAME_SIZE = 4096;
    /** The largest {@code length} of a server frame (1 MiB). */
    public static final int MAX_SERVER_FRAME_SIZE = 1 << 20;
    /** The largest id count of {@code GET_CLIENTS} (and so of a {@code CLIENTS} answer). */
    public static final int MAX_GET_CLIENTS = 256;
    /** The largest {@code limit} of {@code LIST_CLIENT_IDS} (and so count of a {@code CLIENT_IDS} answer). */
    public static final int MAX_LIST_LIMIT = 1024;
    /** The largest {@code shardCount} of a sharded {@code IDENTIFY}. */
    public static final int MAX_SHARD_COUNT = 4096;
    /** The largest UTF-8 byte count of a {@code string}. */
    public static final int MAX_STRING_BYTES = WireDescriptor.MAX_STRING_BYTES;
    /** The largest UTF-8 byte count of a non-null {@code nstring} ({@code 0xFFFF} means null). */
    public static final int MAX_NSTRING_BYTES = WireDescriptor.MAX_NSTRING_BYTES;
    /** The {@code nstring} byte count that means null. */
    public static final int NULL_STRING_LENGTH = WireDescriptor.NULL_STRING_LENGTH;
    /** {@link FrameWriter#error} and {@link FrameWriter#close} truncate messages to this many UTF-8 bytes. */
    public static final int MAX_MESSAGE_BYTES = 1000;
    /** The largest attribute count in a {@code changes} value. */
    public static final int MAX_ATTRIBUTES = WireDescriptor.MAX_ATTRIBUTES;

    /** Server → client: {@code HELLO}. */
    public static final int HELLO = 0x01;
    /** Server → client: {@code READY}. */
    public static final int READY = 0x02;
    /** Server → client: {@code HEARTBEAT_ACK}. */
    public static final int HEARTBEAT_ACK = 0x03;
    /** Server → client: {@code RESUMED}. */
    public static final int RESUMED = 0x04;
    /** Server → client: {@code INVALID_SESSION}. */
    public static final int INVALID_SESSION = 0x05;
    /** Server → client: {@code RESULT}. */
    public static final int RESULT = 0x06;
    /** Server → client: {@code ERROR}. */
    public static final int ERROR = 0x07;
    /** Server → client: {@code DISPATCH}. */
    public static final int DISPATCH = 0x08;
    /** Server → client: {@code CLOSE}. */
    public static final int CLOSE = 0x09;
    /** Server → client: {@code CLIENTS}. */
    public static final int CLIENTS = 0x0A;
    /** Server → client: {@code CLIENT_IDS}. */
    public static final int CLIENT_IDS = 0x0B;
    /** Server → client: {@code STATS} (to an observer). */
    public static final int STATS = 0x0C;

    /** Client → server: {@code IDENTIFY}. */
    public static final int IDENTIFY = 0x20;
    /** Client → server: {@code RESUME}. */
    public static final int RESUME = 0x21;
    /** Client → server: {@code HEARTBEAT}. */
    public static final int HEARTBEAT = 0x22;
    /** Client → server: {@code UPDATE}. */
    public static final int UPDATE = 0x23;
    /** Client → server: {@code SUBSCRIBE}. */
    public static final int SUBSCRIBE = 0x24;
    /** Client → server: {@code UNSUBSCRIBE}. */
    public static final int UNSUBSCRIBE = 0x25;
    /** Client → server: {@code GET_CLIENTS}. */
    public static final int GET_CLIENTS = 0x26;
    /** Client → server: {@code LIST_CLIENT_IDS}. */
    public static final int LIST_CLIENT_IDS = 0x27;
    /** Client → server: {@code GET_STATS} (observers only). */
    public static final int GET_STATS = 0x28;

    /** {@code UPDATE.group}: {@code update_client} (standard fields). */
    public static final int GROUP_STANDARD = 1;
    /** {@code UPDATE.group}: {@code update_client_in_lobby} (lobby fields). */
    public static final int GROUP_LOBBY = 2;
    /** {@code UPDATE.group}: {@code update_client_full} (any field). */
    public static final int GROUP_FULL = 3;

    private Protocol()
    {
    }

    /**
     * The name of an op.
     *
     * @param op the op byte
     * @return its name, e.g. {@code "HELLO"}, or {@code "UNKNOWN(0x2f)"} for an op not in the tables
     */
    public static String opName(final int op)
    {
        switch (op)
        {
            case HELLO: return "HELLO";
            case READY: return "READY";
            case HEARTBEAT_ACK: return "HEARTBEAT_ACK";
            case RESUMED: return "RESUMED";
            case INVALID_SESSION: return "INVALID_SESSION";
            case RESULT: return "RESULT";
            case ERROR: return "ERROR";
            case DISPATCH: return "DISPATCH";
            case CLOSE: return "CLOSE";
            case CLIENTS: return "CLIENTS";
            case CLIENT_IDS: return "CLIENT_IDS";
            case STATS: return "STATS";
            case IDENTIFY: return "IDENTIFY";
            case RESUME: return "RESUME";
            case HEARTBEAT: return "HEARTBEAT";
            case UPDATE: return "UPDATE";
            case SUBSCRIBE: return "SUBSCRIBE";
            case UNSUBSCRIBE: return "UNSUBSCRIBE";
            case GET_CLIENTS: return "GET_CLIENTS";
            case LIST_CLIENT_IDS: return "LIST_CLIENT_IDS";
            case GET_STATS: return "GET_STATS";
            default: return "UNKNOWN(0x" + Integer.toHexString(op) + ")";
        }
    }
}
