package dev.rollcall.core;

import dev.rollcall.model.EventType;
import dev.rollcall.model.Status;
import dev.rollcall.model.wire.EventDescriptor;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's events in their one encoded form (the model's {@link EventDescriptor}: the body of the
 * wire's DISPATCH), read back by {@link PresenceEvent}.
 */
class EventCodecTest
{
    private static OutEvent event()
    {
        final OutEvent event = new OutEvent();
        event.type = EventType.CLIENT_UPDATED;
        event.userId = 7;
        event.updateId = 12;
        event.lobbyId = 0;
        event.time = 1_700_000_000_000L;
        event.reason = "in-match";
        event.changes.status(Status.DND).attribute("map", "harbour").attribute("rank", 12).removeAttribute("old");
        return event;
    }

    @Test
    void shouldLayTheEventOutAsTheDescriptorSays()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final int length = new EventCodec().encode(buffer, event());

        assertThat(buffer.getLong(EventDescriptor.SEQ_OFFSET, CodecUtil.ORDER)).isZero();
        assertThat(buffer.getByte(EventDescriptor.TYPE_OFFSET)).isEqualTo((byte)EventType.CLIENT_UPDATED.code());
        assertThat(buffer.getLong(EventDescriptor.USER_ID_OFFSET, CodecUtil.ORDER)).isEqualTo(7);
        assertThat(buffer.getLong(EventDescriptor.UPDATE_ID_OFFSET, CodecUtil.ORDER)).isEqualTo(12);
        assertThat(buffer.getLong(EventDescriptor.TIME_OFFSET, CodecUtil.ORDER)).isEqualTo(1_700_000_000_000L);
        assertThat(buffer.getShort(EventDescriptor.REASON_OFFSET, CodecUtil.ORDER)).isEqualTo((short)"in-match".length());

        final PresenceEvent known = new PresenceEvent().wrap(EventType.CLIENT_UPDATED, buffer, 0, length);
        final PresenceEvent unknown = new PresenceEvent().wrap(EventType.CLIENT_UPDATED, buffer, 0);
        assertThat(unknown.length()).isEqualTo(known.length()).isEqualTo(length);
        assertThat(known.userId()).isEqualTo(7);
        assertThat(known.updateId()).isEqualTo(12);
        assertThat(known.time()).isEqualTo(1_700_000_000_000L);
        assertThat(known.reason()).isEqualTo("in-match");
        assertThat(known.changes()).isEqualTo(event().changes);
        assertThat(known.buffer()).isSameAs(buffer);
        assertThat(known.offset()).isZero();
    }

    @Test
    void shouldReadEventsAtAnyOffset()
    {
        final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(16);
        final OutEvent event = event();
        event.reason = null;
        final int length = new EventCodec().encode(scratch, event);
        final UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(length + 13));
        copy.putBytes(13, scratch, 0, length);

        final PresenceEvent read = new PresenceEvent().wrap(EventType.CLIENT_UPDATED, copy, 13, length);
        assertThat(read.reason()).isNull();
        assertThat(read.changes()).isEqualTo(event.changes);
        assertThat(read.toString()).contains("userId=7", "reason=null", "status=DND");
    }

    @Test
    void shouldDecodeEventsAlikeWithAndWithoutTheCache()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(256));
        new EventCodec().encode(buffer, event());

        final PresenceEvent plain = new PresenceEvent().wrap(EventType.CLIENT_UPDATED, buffer, 0);
        final PresenceEvent cached = new PresenceEvent().cacheStrings().wrap(EventType.CLIENT_UPDATED, buffer, 0);
        assertThat(cached.toString()).isEqualTo(plain.toString());
        final String reason = cached.reason();
        final String key = cached.changes().attributeKey(0);
        cached.wrap(EventType.CLIENT_UPDATED, buffer, 0);
        assertThat(cached.reason()).isSameAs(reason);
        assertThat(cached.changes().attributeKey(0)).isSameAs(key);
        assertThat(cached.changes().attributeString(0)).isEqualTo("harbour");
        assertThat(cached.changes().attributeLong(1)).isEqualTo(12);
    }
}
