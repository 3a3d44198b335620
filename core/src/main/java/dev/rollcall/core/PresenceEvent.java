package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.model.wire.WireDecoder;
import org.agrona.DirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * A flyweight over one delivered event in a {@link Mailbox} (or as an {@link EventSink} received it).
 * Valid only during the {@link PresenceEventHandler#onEvent(PresenceEvent)} call that received it; copy
 * what you need to keep. The event is in the model's {@link EventDescriptor} layout, the body of the wire's
 * {@code DISPATCH} frame, so its bytes ({@link #buffer()}, {@link #offset()}, {@link #length()}) can be sent
 * to a client as they are. Reading the fixed fields allocates nothing; {@link #reason()} and
 * {@link #changes()} decode on demand (strings are UTF-8 there: a lone surrogate in a value the core was given
 * reads back as {@code '?'}), allocating their strings unless the flyweight {@link #cacheStrings() caches}
 * them.
 */
public final class PresenceEvent
{
    private final Changes changes = new Changes();
    private final DirectWireBuffer wire = new DirectWireBuffer();
    private WireDecoder decoder = new WireDecoder();
    private boolean cachesStrings;
    private DirectBuffer buffer;
    private int offset;
    private int limit;
    private int length;
    private EventType type;
    private boolean changesDecoded;

    /**
     * Decode the reason and the attribute keys and string values through a cache this
     * flyweight owns (2,048 strings of up to 64 UTF-8 bytes, fixed memory), so values seen recently
     * come back as the same {@code String} and a steady stream of events allocates nothing;
     * a new value allocates its string once. Call before the first event, on the thread that
     * reads the events (the cache is not thread-safe).
     *
     * @return this.
     */
    public PresenceEvent cacheStrings()
    {
        if (!cachesStrings)
        {
            decoder = new WireDecoder(FieldTable.PRESENCE, true);
            cachesStrings = true;
        }
        return this;
    }

    /**
     * Point this flyweight at an encoded event whose length is not known: reads stop at the buffer's
     * capacity, and {@link #length()} decodes the event to find its end.
     *
     * @param type   the event type.
     * @param buffer holding the event.
     * @param offset where it starts.
     * @return this.
     */
    public PresenceEvent wrap(final EventType type, final DirectBuffer buffer, final int offset)
    {
        return wrap(type, buffer, offset, -1);
    }

    /**
     * Point this flyweight at an encoded event (e.g. one an {@link EventSink} received).
     *
     * @param type   the event type.
     * @param buffer holding the event.
     * @param offset where it starts.
     * @param length its length in bytes, or -1 when not known.
     * @return this.
     */
    public PresenceEvent wrap(final EventType type, final DirectBuffer buffer, final int offset, final int length)
    {
        this.type = type;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.limit = length < 0 ? buffer.capacity() : offset + length;
        wire.wrap(buffer);
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
        return buffer.getLong(offset + EventDescriptor.USER_ID_OFFSET, ORDER);
    }

    /** @return the client's update id after the change. */
    public long updateId()
    {
        return buffer.getLong(offset + EventDescriptor.UPDATE_ID_OFFSET, ORDER);
    }

    /** @return the lobby of a lobby-topic event, 0 for client-topic events. */
    public long lobbyId()
    {
        return buffer.getLong(offset + EventDescriptor.LOBBY_ID_OFFSET, ORDER);
    }

    /** @return the event time in epoch millis (the deadline, for a grace expiry). */
    public long time()
    {
        return buffer.getLong(offset + EventDescriptor.TIME_OFFSET, ORDER);
    }

    /**
     * @return the update's reason, or null when not caused by an update. Allocates, unless
     * {@link #cacheStrings()} was called and the reason was seen recently.
     */
    public String reason()
    {
        return decoder.wrap(wire, offset + EventDescriptor.REASON_OFFSET, limit).nullableString();
    }

    /** @return the changed fields (or the full state; see {@link EventType}). Reused. */
    public Changes changes()
    {
        if (!changesDecoded)
        {
            decoder.wrap(wire, offset + EventDescriptor.REASON_OFFSET, limit).skipNullableString();
            decoder.changes(changes);
            if (length < 0)
            {
                length = decoder.position() - offset;
            }
            changesDecoded = true;
        }
        return changes;
    }

    /** @return the buffer holding the encoded event. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** @return where the encoded event starts in {@link #buffer()}. */
    public int offset()
    {
        return offset;
    }

    /**
     * @return the length of the encoded event in bytes (found by decoding it when it was not given to
     * {@link #wrap(EventType, DirectBuffer, int, int)}).
     */
    public int length()
    {
        if (length < 0)
        {
            changes();
        }
        return length;
    }

    @Override
    public String toString()
    {
        return type + "{userId=" + userId() + ", updateId=" + updateId() + ", lobbyId=" + lobbyId() +
            ", time=" + time() + ", reason=" + reason() + ", changes=" + changes() + '}';
    }
}
