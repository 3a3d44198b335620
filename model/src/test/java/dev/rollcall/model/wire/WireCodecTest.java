package dev.rollcall.model.wire;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import org.junit.jupiter.api.Test;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one encoding of {@code changes} and event bodies: what {@link WireEncoder} writes,
 * {@link WireDecoder} reads back, for the presence table and for a table with one more field.
 */
class WireCodecTest
{
    private static final Field MOOD = new Field(13, "mood", FieldGroup.STANDARD, FieldKind.INT32, 0, 100, 0,
        "how the player feels, 0..100");
    private static final FieldTable WITH_MOOD = FieldTable.PRESENCE.with(MOOD);

    private final ByteBuffer bytes = ByteBuffer.allocate(1024);
    private final NioWireBuffer buffer = new NioWireBuffer(bytes);

    private static Changes everyField()
    {
        return new Changes()
            .status(Status.INVISIBLE)
            .afk(true)
            .inGame(false)
            .partyId(Long.MAX_VALUE)
            .attribute("map", "h\u00e4rbour")
            .attribute("elo", -12L)
            .removeAttribute("old")
            .lobbyId(42)
            .ready(true)
            .player(false)
            .playerNumber(3)
            .teamNumber(1)
            .teamColour(0xFF00FF)
            .sync(Integer.MIN_VALUE)
            .lobbyHost(true);
    }

    @Test
    void shouldRoundTripEveryPresenceField()
    {
        final Changes changes = everyField();
        final int end = new WireEncoder().putChanges(buffer, 3, changes);

        final WireDecoder decoder = new WireDecoder().wrap(buffer, 3, end);
        assertThat(decoder.changes(new Changes())).isEqualTo(changes);
        assertThat(decoder.position()).isEqualTo(end);
        assertThat(Short.toUnsignedInt(buffer.getShort(3))).isEqualTo(0x1FFF);
    }

    @Test
    void shouldWriteTheDocumentedBytes()
    {
        bytes.order(ByteOrder.BIG_ENDIAN);
        final int end = new WireEncoder().putChanges(buffer.wrap(bytes), 0,
            new Changes().status(Status.IDLE).afk(true).partyId(0x0102).attribute("k", 7L));
        assertThat(end).isEqualTo(2 + 1 + 1 + 8 + 1 + 3 + 1 + 8);
        final byte[] written = new byte[end];
        bytes.get(0, written);
        assertThat(written).containsExactly(
            0x1B, 0x00,                     // mask: status, afk, partyId, attributes
            1,                              // IDLE
            1,                              // afk
            2, 1, 0, 0, 0, 0, 0, 0,         // partyId, little endian
            1, 1, 0, 'k', 2,                // one attribute: key "k", kind long
            7, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void shouldWriteAnEmptyAttributeListAsNoEntry()
    {
        final int end = new WireEncoder().putChanges(buffer, 0, new Changes().afk(false).touchAttributes());
        assertThat(end).isEqualTo(3);
        assertThat(new WireDecoder().wrap(buffer, 0, end).changes(new Changes())).isEqualTo(new Changes().afk(false));
    }

    @Test
    void shouldLayAnEventOutAsTheDescriptorSays()
    {
        final Changes changes = everyField();
        final int end = new WireEncoder().putEvent(
            buffer, 5, 9, EventType.LOBBY_CLIENT_CHANGE, 7, 8, 42, 1_700_000_000_000L, "in-match", changes);

        assertThat(buffer.getLong(5 + EventDescriptor.SEQ_OFFSET)).isEqualTo(9);
        assertThat(buffer.getByte(5 + EventDescriptor.TYPE_OFFSET)).isEqualTo((byte)EventType.LOBBY_CLIENT_CHANGE.code());
        assertThat(buffer.getLong(5 + EventDescriptor.USER_ID_OFFSET)).isEqualTo(7);
        assertThat(buffer.getLong(5 + EventDescriptor.UPDATE_ID_OFFSET)).isEqualTo(8);
        assertThat(buffer.getLong(5 + EventDescriptor.LOBBY_ID_OFFSET)).isEqualTo(42);
        assertThat(buffer.getLong(5 + EventDescriptor.TIME_OFFSET)).isEqualTo(1_700_000_000_000L);
        final WireDecoder decoder = new WireDecoder().wrap(buffer, 5 + EventDescriptor.REASON_OFFSET, end);
        assertThat(decoder.nullableString()).isEqualTo("in-match");
        assertThat(decoder.changes(new Changes())).isEqualTo(changes);
        assertThat(decoder.remaining()).isZero();

        final int shortest = new WireEncoder().putEvent(buffer, 0, 0, EventType.CLIENT_DESTROYED, 1, 2, 0, 3, null, null);
        assertThat(shortest).isEqualTo(EventDescriptor.MIN_LENGTH);
        decoder.wrap(buffer, EventDescriptor.REASON_OFFSET, shortest);
        decoder.skipNullableString();
        assertThat(decoder.changes(new Changes()).isEmpty()).isTrue();
    }

    @Test
    void shouldCarryAFieldAddedToTheTableWithNoOtherCode()
    {
        final Changes changes = new Changes().status(Status.DND).set(MOOD, 77).attribute("map", "dust");
        final WireEncoder encoder = new WireEncoder(WITH_MOOD);
        final WireDecoder decoder = new WireDecoder(WITH_MOOD, false);

        final int end = encoder.putChanges(buffer, 0, changes);
        assertThat(Short.toUnsignedInt(buffer.getShort(0))).isEqualTo(Field.STATUS.bit() | Field.ATTRIBUTES.bit() | MOOD.bit());
        assertThat(buffer.getInt(end - Integer.BYTES)).as("mood last, as an i32").isEqualTo(77);
        final Changes decoded = decoder.wrap(buffer, 0, end).changes(new Changes());
        assertThat(decoded).isEqualTo(changes);
        assertThat(decoded.get(MOOD)).isEqualTo(77);
        assertThatThrownBy(() -> new WireDecoder().wrap(buffer, 0, end).changes(new Changes()))
            .as("the presence table has no field 13").isInstanceOf(WireFormatException.class).hasMessageContaining("0x2011");
        assertThatThrownBy(() -> new WireEncoder().putChanges(buffer, 0, changes))
            .isInstanceOf(IllegalArgumentException.class);

        final int eventEnd = encoder.putEvent(buffer, 0, 0, EventType.CLIENT_UPDATED, 7, 1, 0, 2, "moody", changes);
        decoder.wrap(buffer, EventDescriptor.REASON_OFFSET, eventEnd);
        assertThat(decoder.nullableString()).isEqualTo("moody");
        assertThat(decoder.changes(new Changes()).get(MOOD)).isEqualTo(77);

    }

    @Test
    void shouldRefuseWhatTheEncodingCannotExpress()
    {
        final WireEncoder encoder = new WireEncoder();
        final Changes tooMany = new Changes();
        for (int i = 0; i <= WireDescriptor.MAX_ATTRIBUTES; i++)
        {
            tooMany.removeAttribute("k");
        }
        assertThatThrownBy(() -> encoder.putChanges(buffer, 0, tooMany)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.putChanges(buffer, 0, new Changes().status(null)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a status");
        assertThatThrownBy(() -> encoder.putChanges(buffer, 0, new Changes().attribute("k", (String)null)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attribute value is null");
        assertThatThrownBy(() -> encoder.putEvent(buffer, 0, 0, null, 0, 0, 0, 0, null, null))
            .isInstanceOf(IllegalArgumentException.class);
        final NioWireBuffer small = new NioWireBuffer(ByteBuffer.allocate(EventDescriptor.MIN_LENGTH - 1));
        assertThatThrownBy(() -> encoder.putEvent(small, 0, 0, EventType.CLIENT_UPDATED, 0, 0, 0, 0, null, null))
            .isInstanceOf(BufferOverflowException.class);
    }

    @Test
    void shouldRefuseMalformedChanges()
    {
        assertMalformed("truncated", 0x02, 0x00);                  // afk set, no value
        assertMalformed("bad bool", 0x02, 0x00, 2);
        assertMalformed("bad status", 0x01, 0x00, 4);
        assertMalformed("attribute count 0", 0x10, 0x00, 0);
        assertMalformed("attribute count 9", 0x10, 0x00, 9, 0, 0, 3);
        assertMalformed("bad attribute kind", 0x10, 0x00, 1, 0, 0, 4);
        assertMalformed("invalid UTF-8", 0x10, 0x00, 1, 1, 0, 0xC3, 3);
        assertMalformed("bits of no field", 0x00, 0x80);
    }

    private void assertMalformed(final String message, final int... encoded)
    {
        bytes.clear();
        for (final int b : encoded)
        {
            bytes.put((byte)b);
        }
        assertThatThrownBy(() -> new WireDecoder().wrap(buffer, 0, encoded.length).changes(new Changes()))
            .isInstanceOf(WireFormatException.class).hasMessageContaining(message);
    }
}
