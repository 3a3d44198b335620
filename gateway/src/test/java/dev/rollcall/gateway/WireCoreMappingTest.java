package dev.rollcall.gateway;

import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.CommandResult;
import dev.rollcall.protocol.EventKind;
import dev.rollcall.protocol.Presence;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol module mirrors a few core enums by ordinal (it has no dependency on the core);
 * this pins them together.
 */
class WireCoreMappingTest
{
    @Test
    void shouldMirrorTheCoresEnumsByOrdinal()
    {
        assertThat(names(EventKind.values())).containsExactly(names(EventType.values()));
        assertThat(names(CommandResult.values())).containsExactly(names(Result.values()));
        assertThat(names(Presence.Status.values())).containsExactly(names(Status.values()));
    }

    @Test
    void shouldNumberFieldsInTheCoresOrder()
    {
        final int[] wire = {Presence.STATUS, Presence.AFK, Presence.IN_GAME, Presence.PARTY_ID, Presence.ATTRIBUTES,
            Presence.LOBBY_ID, Presence.READY, Presence.PLAYER, Presence.PLAYER_NUMBER, Presence.TEAM_NUMBER,
            Presence.TEAM_COLOUR, Presence.SYNC, Presence.LOBBY_HOST};
        assertThat(FieldTable.PRESENCE.count()).isEqualTo(wire.length);
        for (int number = 0; number < wire.length; number++)
        {
            assertThat(wire[number]).isEqualTo(FieldTable.PRESENCE.field(number).number());
        }
        assertThat(Presence.ALL_MASK).isEqualTo(FieldTable.PRESENCE.allMask());
    }

    private static String[] names(final Enum<?>[] values)
    {
        final String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++)
        {
            names[i] = values[i].name();
        }
        return names;
    }
}
