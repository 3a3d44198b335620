package dev.rollcall.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangesTest
{
    @Test
    void shouldSetTypedAndGenericFieldsAlike()
    {
        final Changes typed = new Changes().status(Status.DND).afk(true).teamColour(-5).lobbyId(7);
        final Changes generic = new Changes().set(Field.STATUS, Status.DND.code()).set(Field.AFK, 1)
            .set(Field.TEAM_COLOUR, -5).set(Field.LOBBY_ID, 7);
        assertThat(typed).isEqualTo(generic).hasSameHashCodeAs(generic);
        assertThat(typed.mask()).isEqualTo(Field.STATUS.bit() | Field.AFK.bit() | Field.TEAM_COLOUR.bit() | Field.LOBBY_ID.bit());
        assertThat(typed.status()).isEqualTo(Status.DND);
        assertThat(typed.afk()).isTrue();
        assertThat(typed.teamColour()).isEqualTo(-5);
    }

    @Test
    void shouldRefuseValuesTheFieldsKindCannotCarry()
    {
        assertThatThrownBy(() -> new Changes().set(Field.PLAYER_NUMBER, 1L << 40))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("playerNumber");
        assertThatThrownBy(() -> new Changes().set(Field.AFK, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Changes().status(null).get(Field.STATUS)).isEqualTo(-1);
    }

    @Test
    void shouldCopyOnlyTheFieldsOfAMask()
    {
        final Changes all = new Changes().status(Status.IDLE).ready(true).teamNumber(3).attribute("k", "v");
        final Changes lobby = new Changes().copyFrom(all, FieldTable.PRESENCE.lobbyMask());
        assertThat(lobby).isEqualTo(new Changes().ready(true).teamNumber(3));
        assertThat(lobby.attributeCount()).isZero();
        assertThat(new Changes().copyFrom(all)).isEqualTo(all);
    }

    @Test
    void shouldForgetEverythingOnClear()
    {
        final Changes changes = new Changes().partyId(9).attribute("k", 1L);
        changes.clear();
        assertThat(changes.isEmpty()).isTrue();
        assertThat(changes.partyId()).isZero();
        assertThat(changes.attributeCount()).isZero();
        assertThat(changes).isEqualTo(new Changes());
    }
}
