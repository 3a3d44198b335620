package dev.rollcall.core;

import org.agrona.DirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * A flyweight over one delivered event in a {@link Mailbox}. Valid only during the
 * {@link PresenceEventHandler#onEvent(PresenceEvent)} call that received it; copy what you
 * need to keep. Reading the fixed fields allocates nothing; {@link #reason()} and
 * {@link #changes()} decode on demand.
 */
public final class PresenceEvent
{
    private final Changes changes = new Changes();
    private DirectBuffer buffer;
    private int offset;
    private EventType type;
    private boolean changesDecoded;

    /**
     * Point this flyweight at an encoded event (e.g. one an {@link EventSink} copied).
     *
     * @param type   the event type.
     * @param buffer holding the event.
     * @param offset where it starts.
     * @return this.
     */
    public PresenceEvent wrap(final EventType type, final DirectBuffer buffer, final int offset)
    {
        this.type = type;
        this.buffer = buffer;
        this.offset = offset;
        changesDecoded = false;
        return this;
    }

    /** @return the event type. */
    public EventType type()
    {
        return type;
    }

    /** @return the client's user id. */
    public long userId()
    {
        return buffer.getLong(offset + EventCodec.USER_ID_OFFSET, ORDER);
    }

    /** @return the client's update id after the change. */
    public long updateId()
    {
        return buffer.getLong(offset + EventCodec.UPDATE_ID_OFFSET, ORDER);
    }

    /** @return the lobby of a lobby-topic event, 0 for client-topic events. */
    public long lobbyId()
    {
        return buffer.getLong(offset + EventCodec.LOBBY_ID_OFFSET, ORDER);
    }

    /** @return the event time in epoch millis (the deadline, for a grace expiry). */
    public long time()
    {
        return buffer.getLong(offset + EventCodec.TIME_OFFSET, ORDER);
    }

    /** @return the update's reason, or null when not caused by an update. Allocates. */
    public String reason()
    {
        return CodecUtil.getString(buffer, offset + EventCodec.REASON_OFFSET);
    }

    /** @return the changed fields (or the full state; see {@link EventType}). Reused. */
    public Changes changes()
    {
        if (!changesDecoded)
        {
            final int reasonOffset = offset + EventCodec.REASON_OFFSET;
            ChangesCodec.decode(buffer, reasonOffset + CodecUtil.stringLength(buffer, reasonOffset), changes);
            changesDecoded = true;
        }
        return changes;
    }

    @Override
    public String toString()
    {
        return type + "{userId=" + userId() + ", updateId=" + updateId() + ", lobbyId=" + lobbyId() +
            ", time=" + time() + ", reason=" + reason() + ", changes=" + changes() + '}';
    }
}
