package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One entry in the field table is all a new field needs: a throw-away field added to a copy of
 * the presence table flows through validation, diff, apply, events, the journal's input codec and
 * the snapshot codec with no other code (the wire side has its own test in protocol).
 */
class NewFieldTest
{
    private static final Field MOOD = new Field(
        FieldTable.PRESENCE.count(), "mood", FieldGroup.STANDARD, FieldKind.INT32, 0, 100, 50, "how the user feels");
    private static final FieldTable TABLE = FieldTable.PRESENCE.with(MOOD);
    private static final long USER = 7;
    private static final long WATCHER = 9;

    private final PresenceLogic logic = new PresenceLogic(TABLE, Limits.DEFAULT, 60_000);
    private final Outbox out = new Outbox();
    private final Input input = new Input();

    @Test
    void shouldValidateDiffApplyAndEmitANewField()
    {
        apply(input.set(InputType.SUBSCRIBE_CLIENT, 1).subscriberId(WATCHER).userId(USER));
        apply(input.set(InputType.CONNECT_USER, 2).userId(USER).connectionId(1));
        assertThat(out.event(0).changes.get(MOOD)).as("full state carries the default").isEqualTo(50);
        assertThat(logic.clients().layout().get(logic.client(USER), MOOD.number())).isEqualTo(50);

        input.set(InputType.UPDATE_CLIENT, 3).userId(USER).changes().set(MOOD, 80);
        assertThat(apply(input)).isEqualTo(Result.APPLIED);
        assertThat(out.event(0).type).isEqualTo(EventType.CLIENT_UPDATED);
        assertThat(out.event(0).changes).isEqualTo(new Changes().set(MOOD, 80));
        assertThat(logic.clients().layout().get(logic.client(USER), MOOD.number())).isEqualTo(80);

        input.set(InputType.UPDATE_CLIENT, 4).userId(USER).changes().set(MOOD, 80);
        assertThat(apply(input)).isEqualTo(Result.UNCHANGED);
        // the new field shares a packed word with the status: the rules must read the status through this table's layout
        input.set(InputType.UPDATE_CLIENT, 5).userId(USER).changes().set(MOOD, Status.INVISIBLE.code());
        assertThat(apply(input)).isEqualTo(Result.APPLIED);
        assertThat(out.event(0).type).as("the watcher still sees the client").isEqualTo(EventType.CLIENT_UPDATED);
        input.set(InputType.UPDATE_CLIENT, 5).userId(USER).changes().set(MOOD, 101);
        assertThat(apply(input)).as("the table's bounds").isEqualTo(Result.INVALID_VALUE);
        input.set(InputType.UPDATE_CLIENT_IN_LOBBY, 6).userId(USER).changes().set(MOOD, 10);
        assertThat(apply(input)).as("the table's group").isEqualTo(Result.FIELD_NOT_ALLOWED);
    }

    @Test
    void shouldJournalANewField()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        input.set(InputType.UPDATE_CLIENT, 3).userId(USER).reason("mood").changes().set(MOOD, 33).afk(true);
        final int length = InputCodec.encode(buffer, 0, input, TABLE);

        final Input decoded = new Input();
        InputCodec.decode(buffer, 0, length, decoded, TABLE);
        assertThat(decoded.changes()).isEqualTo(input.changes());
        assertThatThrownBy(() -> InputCodec.decode(buffer, 0, length, new Input()))
            .as("a journal written with a field this build does not know").hasMessageContaining("unknown field bits");
    }

    @Test
    void shouldSnapshotANewFieldByteForByte()
    {
        apply(input.set(InputType.CONNECT_USER, 2).userId(USER).connectionId(1));
        input.set(InputType.UPDATE_CLIENT, 3).userId(USER).changes().set(MOOD, 12);
        apply(input);

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = SnapshotCodec.encode(buffer, logic);
        final PresenceLogic loaded = new PresenceLogic(TABLE, Limits.DEFAULT, 60_000);
        SnapshotCodec.decode(buffer, 0, length, loaded);
        assertThat(loaded.clients().layout().get(loaded.client(USER), MOOD.number())).isEqualTo(12);

        final ExpandableArrayBuffer again = new ExpandableArrayBuffer();
        assertThat(SnapshotCodec.encode(again, loaded)).isEqualTo(length);
        for (int i = 0; i < length; i++)
        {
            assertThat(again.getByte(i)).as("byte %d", i).isEqualTo(buffer.getByte(i));
        }
    }

    @Test
    void shouldPackTheNewFieldBesideThePresenceFields()
    {
        assertThat(FieldLayout.PRESENCE.wordCount()).isEqualTo(FieldLayout.INLINE_WORDS);
        assertThat(logic.clients().layout().wordCount()).as("mood fits the inline words").isEqualTo(FieldLayout.INLINE_WORDS);
    }

    private Result apply(final Input in)
    {
        final Result result = logic.apply(in, out);
        in.changes().clear();
        in.reason(null);
        return result;
    }
}
