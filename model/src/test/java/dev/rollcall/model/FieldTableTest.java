package dev.rollcall.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldTableTest
{
    @Test
    void shouldNumberThePresenceFieldsInOrderWithOneAttributesField()
    {
        final FieldTable table = FieldTable.PRESENCE;
        assertThat(table.count()).isEqualTo(13);
        for (int number = 0; number < table.count(); number++)
        {
            assertThat(table.field(number).number()).isEqualTo(number);
            assertThat(table.byName(table.field(number).name())).isSameAs(table.field(number));
        }
        assertThat(table.attributesNumber()).isEqualTo(Field.ATTRIBUTES.number());
        assertThat(table.standardMask() & table.lobbyMask()).isZero();
        assertThat(table.allMask()).isEqualTo(0x1FFF);
        assertThat(table.scalarMask()).isEqualTo(0x1FFF & ~Field.ATTRIBUTES.bit());
    }

    @Test
    void shouldRefuseTablesThatAreNotNumberedInOrder()
    {
        assertThatThrownBy(() -> new FieldTable(Field.AFK)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected 0");
        assertThatThrownBy(() -> FieldTable.PRESENCE.with(Field.bool(13, "afk", FieldGroup.STANDARD, "twice")))
            .hasMessageContaining("two fields named afk");
        assertThatThrownBy(() -> FieldTable.PRESENCE.with(
            new Field(13, "more", FieldGroup.STANDARD, FieldKind.ATTRIBUTES, 0, 0, 0, "a second map")))
            .hasMessageContaining("at most one attributes field");
    }

    @Test
    void shouldRefuseFieldsWhoseBoundsCannotBeEncoded()
    {
        assertThatThrownBy(() -> new Field(13, "big", FieldGroup.LOBBY, FieldKind.INT32, 0, Long.MAX_VALUE, 0, "too big"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("representable as INT32");
        assertThatThrownBy(() -> new Field(13, "odd", FieldGroup.LOBBY, FieldKind.INT32, 5, 10, 0, "default outside"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Field(FieldTable.MAX_FIELDS, "late", FieldGroup.LOBBY, FieldKind.INT32, 0, 1, 0, "x"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldGiveEveryVocabularyItsCodesWithoutGaps()
    {
        for (final Status status : Status.values())
        {
            assertThat(Status.fromCode(status.code())).isSameAs(status);
        }
        for (final EventType type : EventType.values())
        {
            assertThat(EventType.fromCode(type.code())).isSameAs(type);
        }
        for (final Result result : Result.values())
        {
            assertThat(Result.fromCode(result.code())).isSameAs(result);
        }
        assertThat(Status.fromCode(-1)).isNull();
        assertThat(EventType.fromCode(EventType.count())).isNull();
        assertThat(Result.fromCode(Result.count())).isNull();
    }
}
