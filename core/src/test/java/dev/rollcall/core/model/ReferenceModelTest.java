package dev.rollcall.core.model;

import static dev.rollcall.core.model.ModelChanges.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Checks the reference model itself against examples worked out by hand from docs/PRESENCE-RULES.md. */
class ReferenceModelTest {

    private static final long GRACE = 1000;

    // grace 1000 ms, at most 3 attributes, keys up to 8 UTF-8 bytes, string values up to 10, reasons up to 16
    private final ReferenceModel model = new ReferenceModel(GRACE, 3, 8, 10, 16);

    private List<ModelDelivery> to(long subscriberId) {
        return model.deliveries().stream().filter(d -> d.subscriberId() == subscriberId).collect(Collectors.toList());
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> m = new TreeMap<>();
        m.put("status", "ONLINE");
        m.put("afk", false);
        m.put("inGame", false);
        m.put("partyId", 0L);
        m.putAll(defaultLobbyFields());
        return m;
    }

    private static Map<String, Object> defaultLobbyFields() {
        Map<String, Object> m = new TreeMap<>();
        m.put("lobbyId", 0L);
        m.put("ready", false);
        m.put("player", false);
        m.put("playerNumber", 0);
        m.put("teamNumber", 0);
        m.put("teamColour", 0);
        m.put("sync", 0);
        m.put("lobbyHost", false);
        return m;
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... keyValues) {
        Map<String, Object> m = new TreeMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static ModelDelivery ev(long sub, String type, long user, long updateId, long lobby,
                                    Map<String, Object> changes, String reason, long time) {
        return new ModelDelivery(sub, type, user, updateId, lobby, changes, reason, time);
    }

    @Test
    void shouldCreateClientWithFullStateAndUpdateIdOne() {
        assertThat(model.subscribeToClient(10, 1, 1)).isEqualTo("APPLIED"); // the user itself
        assertThat(model.subscribeToClient(10, 2, 1)).isEqualTo("APPLIED");

        assertThat(model.connectUser(100, 1, 11)).isEqualTo("APPLIED");

        assertThat(to(1)).containsExactly(ev(1, "CLIENT_CONNECTED", 1, 1, 0, defaults(), null, 100));
        assertThat(to(2)).containsExactly(ev(2, "CLIENT_CONNECTED", 1, 1, 0, defaults(), null, 100));
        ModelClient c = model.client(1);
        assertThat(c.connected()).isTrue();
        assertThat(c.lastDisconnected()).isZero();
        assertThat(c.connectionIds()).containsExactly(11L);
        assertThat(c.updateId()).isEqualTo(1);
        assertThat(c.fields()).isEqualTo(defaults());
        assertThat(model.clientIds()).containsExactly(1L);
    }

    @Test
    void shouldAttachAndDetachSecondConnectionSilently() {
        model.subscribeToClient(0, 2, 1);
        model.connectUser(100, 1, 11);

        assertThat(model.connectUser(110, 1, 12)).isEqualTo("APPLIED");
        assertThat(model.connectUser(120, 1, 12)).isEqualTo("UNCHANGED");
        assertThat(model.connectionLost(130, 1, 11)).isEqualTo("APPLIED");
        assertThat(model.connectionLost(140, 1, 11)).isEqualTo("UNKNOWN_CONNECTION");
        assertThat(model.connectionLost(140, 7, 11)).isEqualTo("UNKNOWN_CLIENT");

        assertThat(to(2)).hasSize(1);
        assertThat(model.client(1).updateId()).isEqualTo(1);
        assertThat(model.client(1).connectionIds()).containsExactly(12L);
        assertThat(model.client(1).connected()).isTrue();
    }

    @Test
    void shouldReconnectWithinGraceWithEmptyChangesAndCancelTheCountdown() {
        model.subscribeToClient(0, 2, 1);
        model.connectUser(100, 1, 11);

        assertThat(model.connectionLost(200, 1, 11)).isEqualTo("APPLIED");
        assertThat(model.client(1).connected()).isFalse();
        assertThat(model.client(1).lastDisconnected()).isEqualTo(200);
        assertThat(model.connectUser(1199, 1, 12)).isEqualTo("APPLIED"); // deadline is 1200
        assertThat(model.tick(10_000)).isEqualTo("APPLIED");

        assertThat(to(2)).containsExactly(
                ev(2, "CLIENT_CONNECTED", 1, 1, 0, defaults(), null, 100),
                ev(2, "CLIENT_DISCONNECTED", 1, 2, 0, Map.of(), null, 200),
                ev(2, "CLIENT_CONNECTED", 1, 3, 0, Map.of(), null, 1199));
        assertThat(model.client(1).connected()).isTrue();
        assertThat(model.client(1).lastDisconnected()).isEqualTo(200);
        assertThat(model.client(1).updateId()).isEqualTo(3);
    }

    @Test
    void shouldExpireAtExactlyTheDeadlineBeforeAReconnectInTheSameInput() {
        model.subscribeToClient(0, 9, 1);
        model.connectUser(100, 1, 11);
        model.connectionLost(200, 1, 11); // deadline 1200

        model.tick(1199);
        assertThat(model.client(1)).isNotNull();
        assertThat(model.connectUser(1200, 1, 11)).isEqualTo("APPLIED");

        assertThat(to(9)).containsExactly(
                ev(9, "CLIENT_CONNECTED", 1, 1, 0, defaults(), null, 100),
                ev(9, "CLIENT_DISCONNECTED", 1, 2, 0, Map.of(), null, 200),
                ev(9, "CLIENT_DESTROYED", 1, 3, 0, Map.of(), null, 1200),
                ev(9, "CLIENT_CONNECTED", 1, 1, 0, defaults(), null, 1200));
        assertThat(model.client(1).updateId()).isEqualTo(1);
    }

    @Test
    void shouldExpireInDeadlineThenUserIdOrderWithTheDeadlineAsTime() {
        for (long user = 1; user <= 3; user++) {
            model.subscribeToClient(0, 9, user);
            model.connectUser(100, user, 10 + user);
        }
        model.connectionLost(300, 2, 12); // deadline 1300
        model.connectionLost(300, 1, 11); // deadline 1300
        model.connectionLost(250, 3, 13); // now stays 300: deadline 1300, lastDisconnected 300
        model.setGracePeriod(300, 500);   // running countdowns keep their deadline
        model.connectUser(301, 4, 14);
        model.connectionLost(310, 4, 14); // deadline 810

        // an input that fails validation still advances time and runs expiries
        assertThat(model.connectUser(5000, 0, 1)).isEqualTo("INVALID_VALUE");

        List<ModelDelivery> destroyed = to(9).stream().filter(d -> d.type().equals("CLIENT_DESTROYED"))
                .collect(Collectors.toList());
        assertThat(destroyed).containsExactly(
                ev(9, "CLIENT_DESTROYED", 1, 3, 0, Map.of(), null, 1300),
                ev(9, "CLIENT_DESTROYED", 2, 3, 0, Map.of(), null, 1300),
                ev(9, "CLIENT_DESTROYED", 3, 3, 0, Map.of(), null, 1300));
        assertThat(model.clientIds()).isEmpty();
    }

    @Test
    void shouldDestroyAtOnceWithGraceZero() {
        assertThat(model.setGracePeriod(0, -1)).isEqualTo("INVALID_VALUE");
        assertThat(model.setGracePeriod(0, 0)).isEqualTo("APPLIED");
        model.subscribeToClient(0, 2, 1);
        model.connectUser(100, 1, 11);

        assertThat(model.connectionLost(200, 1, 11)).isEqualTo("APPLIED");

        assertThat(to(2)).containsExactly(
                ev(2, "CLIENT_CONNECTED", 1, 1, 0, defaults(), null, 100),
                ev(2, "CLIENT_DESTROYED", 1, 2, 0, Map.of(), null, 200));
        assertThat(model.client(1)).isNull();
    }

    @Test
    void shouldEmitCloseDirectivesInConnectionOrderThenDestroy() {
        model.connectUser(100, 1, 30);
        model.connectUser(100, 1, 10);
        model.connectUser(100, 1, 20);
        model.updateClientInLobby(100, 1, ModelChanges.of().set("lobbyId", 50L), "join");
        model.subscribeToClient(150, 2, 1);
        model.subscribeToLobby(150, 2, 50);

        assertThat(model.disconnectUser(200, 1)).isEqualTo("APPLIED");
        assertThat(model.disconnectUser(300, 1)).isEqualTo("UNKNOWN_CLIENT");
        assertThat(model.disconnectUser(300, -1)).isEqualTo("INVALID_VALUE");

        assertThat(model.directives()).containsExactly(
                new ModelDirective(1, 10, "DISCONNECTED_BY_SERVER"),
                new ModelDirective(1, 20, "DISCONNECTED_BY_SERVER"),
                new ModelDirective(1, 30, "DISCONNECTED_BY_SERVER"));
        assertThat(to(2)).containsExactly(
                ev(2, "CLIENT_DESTROYED", 1, 3, 0, Map.of(), null, 200),
                ev(2, "LEFT_LOBBY", 1, 3, 50, Map.of(), null, 200));
        assertThat(model.client(1)).isNull();
    }

    @Test
    void shouldShowAnInvisibleClientAsAbsentToOthersOnly() {
        for (long sub : new long[] {1, 2}) {
            model.subscribeToClient(0, sub, 1);
            model.subscribeToLobby(0, sub, 50);
        }
        model.connectUser(100, 1, 11);
        model.updateClientInLobby(110, 1, ModelChanges.of().set("lobbyId", 50L), "join"); // updateId 2
        int seen1 = to(1).size();
        int seen2 = to(2).size();

        model.updateClient(200, 1, ModelChanges.of().set("status", "INVISIBLE"), "hide");  // 3
        model.updateClient(300, 1, ModelChanges.of().set("afk", true), null);              // 4
        model.connectionLost(400, 1, 11);                                                   // 5
        model.updateClientFull(500, 1, ModelChanges.of().set("status", "IDLE"), "show");    // 6

        Map<String, Object> lobby50 = with(defaultLobbyFields(), "lobbyId", 50L);
        assertThat(to(1).subList(seen1, to(1).size())).containsExactly(
                ev(1, "CLIENT_UPDATED", 1, 3, 0, Map.of("status", "INVISIBLE"), "hide", 200),
                ev(1, "CLIENT_UPDATED", 1, 4, 0, Map.of("afk", true), "", 300),
                ev(1, "CLIENT_DISCONNECTED", 1, 5, 0, Map.of(), null, 400),
                ev(1, "CLIENT_UPDATED", 1, 6, 0, Map.of("status", "IDLE"), "show", 500));
        assertThat(to(2).subList(seen2, to(2).size())).containsExactly(
                ev(2, "CLIENT_DESTROYED", 1, 3, 0, Map.of(), null, 200),
                ev(2, "LEFT_LOBBY", 1, 3, 50, Map.of(), "hide", 200),
                ev(2, "CLIENT_DISCONNECTED", 1, 6, 0,
                        with(defaults(), "status", "IDLE", "afk", true, "lobbyId", 50L), null, 500),
                ev(2, "JOINED_LOBBY", 1, 6, 50, lobby50, "show", 500));
    }

    @Test
    void shouldJoinChangeSwitchAndLeaveLobbies() {
        model.subscribeToClient(0, 2, 1);
        model.subscribeToLobby(0, 2, 50);
        model.subscribeToLobby(0, 2, 60);
        model.connectUser(100, 1, 11);

        model.updateClientInLobby(200, 1, ModelChanges.of().set("lobbyId", 50L).set("player", true), "a"); // 2
        model.updateClientInLobby(300, 1, ModelChanges.of().set("ready", true), "b");                      // 3
        model.updateClient(400, 1, ModelChanges.of().set("inGame", true), "c");                            // 4
        model.updateClientFull(500, 1, ModelChanges.of().set("lobbyId", 60L).set("teamNumber", 2)
                .set("partyId", 7L), "d");                                                                 // 5
        model.updateClientInLobby(600, 1, ModelChanges.of().set("lobbyId", 0L), "e");                      // 6

        Map<String, Object> in50 = with(defaultLobbyFields(), "lobbyId", 50L, "player", true);
        Map<String, Object> in60 = with(defaultLobbyFields(), "lobbyId", 60L, "player", true, "ready", true,
                "teamNumber", 2);
        assertThat(to(2).subList(1, to(2).size())).containsExactly(
                ev(2, "CLIENT_UPDATED", 1, 2, 0, Map.of("lobbyId", 50L, "player", true), "a", 200),
                ev(2, "JOINED_LOBBY", 1, 2, 50, in50, "a", 200),
                ev(2, "CLIENT_UPDATED", 1, 3, 0, Map.of("ready", true), "b", 300),
                ev(2, "LOBBY_CLIENT_CHANGE", 1, 3, 50, Map.of("ready", true), "b", 300),
                ev(2, "CLIENT_UPDATED", 1, 4, 0, Map.of("inGame", true), "c", 400),
                ev(2, "CLIENT_UPDATED", 1, 5, 0, Map.of("lobbyId", 60L, "teamNumber", 2, "partyId", 7L), "d", 500),
                ev(2, "LEFT_LOBBY", 1, 5, 50, Map.of(), "d", 500),
                ev(2, "JOINED_LOBBY", 1, 5, 60, in60, "d", 500),
                ev(2, "CLIENT_UPDATED", 1, 6, 0, Map.of("lobbyId", 0L), "e", 600),
                ev(2, "LEFT_LOBBY", 1, 6, 60, Map.of(), "e", 600));
    }

    @Test
    void shouldRejectInPrecedenceOrderAndChangeNothing() {
        model.subscribeToClient(0, 2, 1);
        model.connectUser(100, 1, 11);
        String longReason = "x".repeat(17);
        ModelChanges everythingWrong = ModelChanges.of().set("attributes.waytoolongkey", "v")
                .set("attributes.b", null).set("ready", true).set("status", null);

        assertThat(model.updateClient(110, 0, everythingWrong, longReason)).isEqualTo("INVALID_VALUE");
        assertThat(model.updateClient(110, 5, everythingWrong, longReason)).isEqualTo("UNKNOWN_CLIENT");
        assertThat(model.updateClient(110, 1, everythingWrong, longReason)).isEqualTo("REASON_TOO_LONG");
        assertThat(model.updateClient(110, 1, everythingWrong, "x".repeat(16))).isEqualTo("FIELD_NOT_ALLOWED");
        assertThat(model.updateClientInLobby(110, 1, ModelChanges.of().set("afk", true), null))
                .isEqualTo("FIELD_NOT_ALLOWED");
        assertThat(model.updateClientInLobby(110, 1, ModelChanges.of().set("attributes.a", 1L), null))
                .isEqualTo("FIELD_NOT_ALLOWED");
        // fields (table order) before attributes, whatever the order given
        assertThat(model.updateClientFull(110, 1, everythingWrong, null)).isEqualTo("INVALID_VALUE");
        // attributes in the order given: too long first, then a null value
        assertThat(model.updateClient(110, 1, ModelChanges.of().set("attributes.a", "12345678901")
                .set("attributes.b", null), null)).isEqualTo("VALUE_TOO_LARGE");
        assertThat(model.updateClient(110, 1, ModelChanges.of().set("attributes.waytoolongkey", 1L), null))
                .isEqualTo("VALUE_TOO_LARGE");
        assertThat(model.updateClient(110, 1, ModelChanges.of().set("attributes.", "v"), null))
                .isEqualTo("INVALID_VALUE");
        // value checks before the attribute count
        ModelChanges four = ModelChanges.of().set("attributes.a", 1L).set("attributes.b", 2L)
                .set("attributes.c", 3L).set("attributes.d", 4L);
        assertThat(model.updateClient(110, 1, four, null)).isEqualTo("TOO_MANY_ATTRIBUTES");
        assertThat(model.updateClient(110, 1, four.set("attributes.e", "12345678901"), null))
                .isEqualTo("VALUE_TOO_LARGE");
        // wrong types and ranges
        for (ModelChanges bad : List.of(ModelChanges.of().set("status", "AWAY"), ModelChanges.of().set("afk", "yes"),
                ModelChanges.of().set("partyId", -1L), ModelChanges.of().set("partyId", 1),
                ModelChanges.of().set("lobbyId", -1L), ModelChanges.of().set("playerNumber", -1),
                ModelChanges.of().set("teamNumber", 2L), ModelChanges.of().set("sync", null),
                ModelChanges.of().set("attributes.a", 1))) {
            assertThat(model.updateClientFull(110, 1, bad, null)).as(bad.toString()).isEqualTo("INVALID_VALUE");
        }
        assertThat(model.updateClientFull(110, 1, ModelChanges.of().set("teamColour", -5).set("sync", -1), null))
                .isEqualTo("APPLIED");
        assertThatThrownBy(() -> model.updateClient(110, 1, ModelChanges.of().set("colour", "red"), null))
                .isInstanceOf(IllegalArgumentException.class);
        // other commands' identifier checks
        assertThat(model.connectUser(110, 1, 0)).isEqualTo("INVALID_VALUE");
        assertThat(model.connectionLost(110, 0, 11)).isEqualTo("INVALID_VALUE");
        assertThat(model.subscribeToClient(110, 0, 1)).isEqualTo("INVALID_VALUE");
        assertThat(model.subscribeToLobby(110, 2, 0)).isEqualTo("INVALID_VALUE");
        assertThat(model.removeSubscriber(110, -3)).isEqualTo("INVALID_VALUE");

        assertThat(model.client(1).updateId()).isEqualTo(2); // only the one APPLIED update
        assertThat(to(2)).hasSize(2);
    }

    @Test
    void shouldDiffAttributes() {
        model.subscribeToClient(0, 2, 1);
        model.connectUser(100, 1, 11);

        assertThat(model.updateClient(200, 1, ModelChanges.of().set("attributes.colour", "red")
                .set("attributes.level", 7L), "r")).isEqualTo("APPLIED");                              // 2
        assertThat(model.updateClient(210, 1, ModelChanges.of().set("attributes.colour", "red"), "r"))
                .isEqualTo("UNCHANGED");
        assertThat(model.updateClient(220, 1, ModelChanges.of().set("attributes.gone", REMOVE), "r"))
                .isEqualTo("UNCHANGED");
        assertThat(model.updateClient(230, 1, ModelChanges.of().set("attributes.level", "7")
                .set("attributes.colour", "blue").set("attributes.colour", "red"), "r")).isEqualTo("APPLIED"); // 3
        assertThat(model.updateClient(240, 1, ModelChanges.of().set("attributes.x", 1L), "r")).isEqualTo("APPLIED");
        assertThat(model.updateClient(250, 1, ModelChanges.of().set("attributes.y", 1L), "r"))
                .isEqualTo("TOO_MANY_ATTRIBUTES");
        // remove one, add one: still 3
        assertThat(model.updateClient(260, 1, ModelChanges.of().set("attributes.y", 1L)
                .set("attributes.colour", REMOVE), "r")).isEqualTo("APPLIED");                         // 5

        assertThat(to(2).subList(1, to(2).size())).containsExactly(
                ev(2, "CLIENT_UPDATED", 1, 2, 0, Map.of("attributes.colour", "red", "attributes.level", 7L), "r", 200),
                ev(2, "CLIENT_UPDATED", 1, 3, 0, Map.of("attributes.level", "7"), "r", 230),
                ev(2, "CLIENT_UPDATED", 1, 4, 0, Map.of("attributes.x", 1L), "r", 240),
                ev(2, "CLIENT_UPDATED", 1, 5, 0, Map.of("attributes.y", 1L, "attributes.colour", REMOVE), "r", 260));
        assertThat(model.client(1).fields()).isEqualTo(
                with(defaults(), "attributes.level", "7", "attributes.x", 1L, "attributes.y", 1L));
    }

    @Test
    void shouldRemoveTheSubscriptionsOfADestroyedClientOnlyWhenDestroyed() {
        model.connectUser(100, 1, 11);
        model.connectUser(100, 2, 21);
        model.subscribeToClient(100, 1, 2);
        model.subscribeToClient(100, 1, 1);
        model.subscribeToLobby(100, 1, 50);

        model.connectionLost(200, 1, 11);
        model.connectUser(300, 1, 12); // reconnect within grace: subscriptions survive
        assertThat(model.clientSubscriptionsOf(1)).containsExactly(1L, 2L);
        model.connectionLost(400, 1, 12); // deadline 1400
        model.tick(1400);

        assertThat(model.clientSubscriptionsOf(1)).isEmpty();
        assertThat(model.lobbySubscriptionsOf(1)).isEmpty();
        assertThat(to(1)).last().isEqualTo(ev(1, "CLIENT_DESTROYED", 1, 5, 0, Map.of(), null, 1400));
        int seen = to(1).size();
        model.updateClient(1500, 2, ModelChanges.of().set("afk", true), null);
        assertThat(to(1)).hasSize(seen);
        assertThat(model.removeSubscriber(1500, 1)).isEqualTo("UNCHANGED");
    }

    @Test
    void shouldReportUnchangedUpdatesAndSubscriptionsWithoutEmitting() {
        assertThat(model.subscribeToClient(0, 2, 1)).isEqualTo("APPLIED"); // before the client exists
        assertThat(model.subscribeToClient(0, 2, 1)).isEqualTo("UNCHANGED");
        assertThat(model.unsubscribeFromLobby(0, 2, 50)).isEqualTo("UNCHANGED");
        model.connectUser(100, 1, 11);

        assertThat(model.updateClient(200, 1, ModelChanges.of(), "r")).isEqualTo("UNCHANGED");
        assertThat(model.updateClientFull(200, 1, ModelChanges.of().set("status", "ONLINE").set("lobbyId", 0L)
                .set("sync", 0), "r")).isEqualTo("UNCHANGED");
        assertThat(model.updateClient(200, 1, ModelChanges.of().set("afk", true).set("afk", false), "r"))
                .isEqualTo("UNCHANGED");

        assertThat(to(2)).hasSize(1);
        assertThat(model.client(1).updateId()).isEqualTo(1);
        assertThat(model.unsubscribeFromClient(200, 2, 1)).isEqualTo("APPLIED");
        assertThat(model.removeSubscriber(200, 2)).isEqualTo("UNCHANGED");
    }

    @Test
    void shouldNeverMoveTimeBackwards() {
        model.subscribeToClient(0, 2, 1);
        model.connectUser(500, 1, 11);
        model.updateClient(400, 1, ModelChanges.of().set("inGame", true), null);

        assertThat(to(2)).extracting(ModelDelivery::time).containsExactly(500L, 500L);
        assertThat(model.now()).isEqualTo(500);
    }

    @Test
    void shouldCountLimitsInUtf8BytesAndChangeThemOnlyForLaterInputs() {
        model.connectUser(1, 1, 1);
        String emoji = "\uD83D\uDE00";
        assertThat(model.updateClient(2, 1, ModelChanges.of().set("afk", true), emoji.repeat(5)))
            .as("10 chars, 20 bytes").isEqualTo(ReferenceModel.REASON_TOO_LONG);
        assertThat(model.updateClient(2, 1, ModelChanges.of().set("afk", true), emoji.repeat(4))).isEqualTo(ReferenceModel.APPLIED);
        assertThat(model.updateClient(3, 1, ModelChanges.of().set("attributes.\u00e9\u00e9\u00e9\u00e9\u00e9", 1L), ""))
            .as("5 chars, 10 bytes").isEqualTo(ReferenceModel.VALUE_TOO_LARGE);
        assertThat(model.updateClient(3, 1, ModelChanges.of().set("attributes.abcdefgh", "\u00e9".repeat(5))
            .set("attributes.b", 1L).set("attributes.c", 1L), "")).isEqualTo(ReferenceModel.APPLIED);

        assertThat(model.setLimits(4, 1, -1, 2, 2)).isEqualTo(ReferenceModel.INVALID_VALUE);
        assertThat(model.limits()).containsExactly(3, 8, 10, 16);
        assertThat(model.setLimits(4, 1, 2, 2, 2)).isEqualTo(ReferenceModel.APPLIED);
        assertThat(model.client(1).fields()).as("stored values stay").containsKey("attributes.abcdefgh");
        assertThat(model.updateClient(5, 1, ModelChanges.of().set("attributes.abcdefgh", REMOVE), ""))
            .as("a held key may always be removed").isEqualTo(ReferenceModel.APPLIED);
        assertThat(model.updateClient(6, 1, ModelChanges.of().set("attributes.b", 2L), ""))
            .as("two attributes over a limit of one: no growth").isEqualTo(ReferenceModel.APPLIED);
        assertThat(model.updateClient(7, 1, ModelChanges.of().set("attributes.d", 2L), ""))
            .isEqualTo(ReferenceModel.TOO_MANY_ATTRIBUTES);
        assertThat(model.updateClient(8, 1, ModelChanges.of().set("afk", false), "abc")).isEqualTo(ReferenceModel.REASON_TOO_LONG);
    }
}
