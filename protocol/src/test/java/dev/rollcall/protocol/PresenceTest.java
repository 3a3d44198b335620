package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PresenceTest
{
    @Test
    void shouldSetMaskBitsAndKeepAttributeEntriesInOrder()
    {
        final Presence presence = new Presence().afk(false).lobbyHost(true).attribute("a", 1L).attribute("a", "x")
            .removeAttribute("b");
        assertThat(presence.mask()).isEqualTo((1 << Presence.AFK) | (1 << Presence.LOBBY_HOST) | (1 << Presence.ATTRIBUTES));
        assertThat(presence.has(Presence.AFK)).isTrue();
        assertThat(presence.has(Presence.STATUS)).isFalse();
        assertThat(presence.attributeCount()).isEqualTo(3);
        assertThat(presence.attributeKey(1)).isEqualTo("a");
        assertThat(presence.attributeString(1)).isEqualTo("x");
        assertThat(presence.attributeKind(2)).isEqualTo(Presence.ATTRIBUTE_REMOVE);
        assertThat(presence.toString()).isEqualTo("Presence{afk=false, attributes=[a=1, a=\"x\", b removed], lobbyHost=true}");
    }

    @Test
    void shouldCompareSetFieldsOnly()
    {
        final Presence a = new Presence().teamNumber(4).attribute("k", "v");
        final Presence b = new Presence().teamNumber(4).attribute("k", "v");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new Presence().teamNumber(4).attribute("k", "w"));
        assertThat(a).isNotEqualTo(new Presence().teamNumber(4));
        assertThat(new Presence().sync(0)).isNotEqualTo(new Presence());
        assertThat(new Presence().copyFrom(a)).isEqualTo(a);
        assertThat(b.clear()).isEqualTo(new Presence()).hasSameHashCodeAs(new Presence());
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.attributeCount()).isZero();
        assertThat(b.status()).isNull();
    }
}
