package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import org.agrona.DirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * A flyweight over one delivered event in a {@link Mailbox}. Valid only during the
 * {@link PresenceEventHandler#onEvent(PresenceEvent)} call that received it; copy what you
 * need to keep. Reading the fixed fields allocates nothing; {@link #reason()} and
 * {@link #changes()} decode on demand, allocating their strings unless the flyweight
 * {@link #cacheStrings() caches} them.
 */
public final class PresenceEvent
{
    private final Changes changes = new Changes();
    private DirectBuffer buffer;
    private int offset;
    private EventType type;
    private boolean changesDecoded;
    private StringCache strings;

    /**
     * Decode the reason and the attribute keys and string values through a cache this
     * flyweight owns (2,048 strings of up to 64 chars, fixed memory), so values seen recently
     * come back as the same {@code String} and a steady stream of events allocates nothing;
     * a new value allocates its string once. Call before the first event, on the thread that
     * reads the events (the cache is not thread-safe).
     *
     * @return this.
     */
    public PresenceEvent cacheStrings()
    {
        if (null == strings)
        {
            strings = new StringCache(StringCache.DEFAULT_SETS, StringCache.DEFAULT_MAX_CHARS);
        }
        return this;
    }

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

    /**
     * @return the update's reason, or null when not caused by an update. Allocates, unless
     * {@link #cacheStrings()} was called and the reason was seen recently.
     */
    public String reason()
    {
        return CodecUtil.getString(buffer, offset + EventCodec.REASON_OFFSET, strings);
    }

    /** @return the changed fields (or the full state; see {@link EventType}). Reused. */
    public Changes changes()
    {
        if (!changesDecoded)
        {
            final int reasonOffset = offset + EventCodec.REASON_OFFSET;
            ChangesCodec.decode(buffer, reasonOffset + CodecUtil.stringLength(buffer, reasonOffset), changes, strings);
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
