package dev.rollcall.core;

import dev.rollcall.model.EventType;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;

/**
 * Receives every delivered event with its recipients, on the fan-out thread, once the journal
 * holds the input that caused it: the way an embedding server (the gateway) routes events to
 * its own connections instead of opening one {@link Mailbox} per subscriber.
 * <p>
 * Called once per event, after the event has been offered to the recipients' mailboxes (a
 * recipient may have both). The event is encoded once, in its wire form, and the same bytes go to
 * every mailbox and here: never decode and encode it again to send it. It must not block, must not publish into the ring (that throws
 * {@link IllegalStateException}) and must copy what it keeps: the buffer and the list are
 * reused for the next event.
 */
@FunctionalInterface
public interface EventSink
{
    /**
     * The recipient id standing for "the firehose": with {@link RollcallContext#firehose(boolean)}
     * on, every client-topic event of a user's own view (what the user itself would see) is
     * addressed to it as well. Subscriber ids are {@code > 0}, so it never clashes with one.
     */
    long FIREHOSE = 0;

    /** Discards every event. */
    EventSink NONE = (type, buffer, offset, length, recipients) ->
    {
    };

    /**
     * @param type       the event type.
     * @param buffer     the encoded event: the body of the wire's {@code DISPATCH} frame (docs/protocol.md), laid
     *                   out as the model's {@link dev.rollcall.model.wire.EventDescriptor} with a seq of 0, so it
     *                   can be sent on as it is; read it with
     *                   {@link PresenceEvent#wrap(EventType, DirectBuffer, int, int)}.
     * @param offset     where the event starts in the buffer.
     * @param length     its length in bytes.
     * @param recipients subscriber ids (and possibly {@link #FIREHOSE}), in no particular order; never empty.
     */
    void onEvent(EventType type, DirectBuffer buffer, int offset, int length, LongArrayList recipients);

    /**
     * The fan-out has handled the last input of a batch (its events, directives and results):
     * the place to wake consumers once per batch rather than once per event. Same thread and
     * rules as {@link #onEvent}.
     */
    default void onEndOfBatch()
    {
    }
}
