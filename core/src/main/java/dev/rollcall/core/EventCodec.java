package dev.rollcall.core;

import dev.rollcall.model.EventType;
import org.agrona.MutableDirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * The layout of a delivered event in a {@link Mailbox}; the message type id is the
 * {@link EventType} ordinal + 1.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        User id (int64)                        |
 *  +---------------------------------------------------------------+
 *  |                       Update id (int64)                       |
 *  +---------------------------------------------------------------+
 *  |                 Lobby id (int64, 0 if none)                   |
 *  +---------------------------------------------------------------+
 *  |                   Time, epoch millis (int64)                  |
 *  +---------------------------------------------------------------+
 *  |  Reason (string) ...  then changes ({@link ChangesCodec}) ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class EventCodec
{
    static final int USER_ID_OFFSET = 0;
    static final int UPDATE_ID_OFFSET = 8;
    static final int LOBBY_ID_OFFSET = 16;
    static final int TIME_OFFSET = 24;
    static final int REASON_OFFSET = 32;

    private EventCodec()
    {
    }

    static int typeId(final EventType type)
    {
        return type.ordinal() + 1;
    }

    /**
     * @return the encoded length.
     */
    static int encode(final MutableDirectBuffer buffer, final OutEvent event)
    {
        buffer.putLong(USER_ID_OFFSET, event.userId, ORDER);
        buffer.putLong(UPDATE_ID_OFFSET, event.updateId, ORDER);
        buffer.putLong(LOBBY_ID_OFFSET, event.lobbyId, ORDER);
        buffer.putLong(TIME_OFFSET, event.time, ORDER);
        final int changesOffset = CodecUtil.putString(buffer, REASON_OFFSET, event.reason);
        return ChangesCodec.encode(buffer, changesOffset, event.changes);
    }
}
