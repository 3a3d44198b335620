package dev.rollcall.core;

import dev.rollcall.model.EventType;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.model.wire.WireEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Makes the one encoded form of an event, once, on the fan-out thread: the layout of the model's
 * {@link EventDescriptor}, which is byte for byte the body of the wire's {@code DISPATCH} frame
 * (docs/protocol.md) with a seq of 0. The same bytes are copied into every recipient's {@link Mailbox}
 * (message type id: the {@link EventType} code + 1) and handed to the {@link EventSink}, so an
 * embedding server sends them on as they are. Read them with {@link PresenceEvent}. Not the journal's
 * format: events are not journaled.
 */
final class EventCodec
{
    private final DirectWireBuffer wire = new DirectWireBuffer();
    private final WireEncoder encoder = new WireEncoder();

    static int typeId(final EventType type)
    {
        return type.code() + 1;
    }

    static EventType type(final int typeId)
    {
        return EventType.fromCode(typeId - 1);
    }

    /**
     * @return the encoded length.
     * @throws IllegalArgumentException when the event holds what the wire cannot carry (e.g. more than 255
     *                                  attribute changes, a string over 65,535 UTF-8 bytes).
     */
    int encode(final MutableDirectBuffer buffer, final OutEvent event)
    {
        return encoder.putEvent(
            wire.wrap(buffer), 0, 0, event.type, event.userId, event.updateId, event.lobbyId, event.time, event.reason,
            event.changes);
    }
}
