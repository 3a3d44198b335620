package dev.rollcall.model.wire;

/**
 * The encoded form of one presence event: made once by the core's fan-out and copied as it is into
 * every recipient's output, never decoded and encoded again. It is, byte for byte, the body of the wire's
 * {@code DISPATCH} frame (docs/protocol.md), whose first field, the session's {@code seq}, the core
 * writes as 0 and the gateway patches per session.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Seq (i64, 0 from the core)                |
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  | Type (u8)     |  User id (i64) ...                            |
 *  +---------------+                                               |
 *  |               |  Update id (i64) ...                          |
 *  +---------------+                                               |
 *  |               |  Lobby id (i64, 0 if none) ...                |
 *  +---------------+                                               |
 *  |               |  Time, epoch millis (i64) ...                 |
 *  +---------------+                                               |
 *  |               |  Reason (nstring) ...  then changes ...
 *  +---------------+-----------------------------------------------+
 * </pre>
 * The type is the {@link dev.rollcall.model.EventType} code; the reason is null unless an update
 * caused the event; the changes are as in {@link WireDescriptor}. Every integer is little endian and
 * the fields are not aligned. Written by {@link WireEncoder#putEvent}; the fixed fields are read at these
 * offsets, the reason and changes with a {@link WireDecoder} from {@link #REASON_OFFSET}.
 */
public final class EventDescriptor
{
    /** Offset of the session's seq (i64). */
    public static final int SEQ_OFFSET = 0;
    /** Offset of the event type code (u8). */
    public static final int TYPE_OFFSET = SEQ_OFFSET + Long.BYTES;
    /** Offset of the user id (i64). */
    public static final int USER_ID_OFFSET = TYPE_OFFSET + Byte.BYTES;
    /** Offset of the update id (i64). */
    public static final int UPDATE_ID_OFFSET = USER_ID_OFFSET + Long.BYTES;
    /** Offset of the lobby id (i64). */
    public static final int LOBBY_ID_OFFSET = UPDATE_ID_OFFSET + Long.BYTES;
    /** Offset of the time (i64). */
    public static final int TIME_OFFSET = LOBBY_ID_OFFSET + Long.BYTES;
    /** Offset of the reason (nstring); the changes follow it. */
    public static final int REASON_OFFSET = TIME_OFFSET + Long.BYTES;
    /** The shortest event: a null reason and no changes. */
    public static final int MIN_LENGTH = REASON_OFFSET + Short.BYTES + WireDescriptor.MASK_LENGTH;

    private EventDescriptor()
    {
    }
}
