package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One focused test per rule of docs/PRESENCE-RULES.md, driving {@link PresenceLogic} directly with
 * {@link Input}s and inspecting the {@link Result}, the {@link Outbox} and the client table.
 */
class PresenceLogicTest
{
    private static final long GRACE = 1_000;
    private static final long T0 = 1_000_000;
    private static final long USER = 1;
    private static final long OTHER_USER = 2;
    private static final long WATCHER = 100;
    private static final long LOBBY_WATCHER = 200;
    private static final long LOBBY = 7;
    private static final long OTHER_LOBBY = 8;

    private final Input input = new Input();
    private final Outbox out = new Outbox();
    private PresenceLogic logic = new PresenceLogic(Limits.DEFAULT, GRACE);

    // ------------------------------------------------------------------------------------------
    // connectUser
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldCreateClientOnFirstConnectWithUpdateIdOne()
    {
        subscribeToClient(T0, WATCHER, USER);

        assertThat(connect(T0 + 5, USER, 11)).isEqualTo(Result.APPLIED);

        final ClientState client = logic.client(USER);
        assertThat(client).isNotNull();
        assertThat(client.connected).isTrue();
        assertThat(client.updateId).isEqualTo(1);
        assertThat(client.lastDisconnected).isZero();
        assertThat(connectionsOf(client)).containsExactly(11L);
        assertThat(client.status()).isEqualTo(Status.ONLINE);
        assertThat(client.attributes().count).isZero();
        assertThat(client.get(Field.LOBBY_ID)).isZero();

        assertThat(out.eventCount()).isEqualTo(1);
        final OutEvent event = out.event(0);
        assertThat(event.type).isEqualTo(EventType.CLIENT_CONNECTED);
        assertThat(event.userId).isEqualTo(USER);
        assertThat(event.updateId).isEqualTo(1);
        assertThat(event.lobbyId).isZero();
        assertThat(event.time).isEqualTo(T0 + 5);
        assertThat(event.reason).isNull();
        assertThat(event.changes.toString()).isEqualTo(defaultFullState().toString());
        assertThat(event.recipients).containsExactly(WATCHER);

        assertThat(logic.client(USER).updateId).isEqualTo(1);
        assertThat(out.directiveCount()).isZero();
    }

    @Test
    void shouldAttachSecondConnectionWithoutEvent()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);

        assertThat(connect(T0 + 1, USER, 12)).isEqualTo(Result.APPLIED);

        assertThat(out.eventCount()).isZero();
        assertThat(connectionsOf(logic.client(USER))).containsExactly(11L, 12L);
        final ClientState client = logic.client(USER);
        assertThat(client.updateId).isEqualTo(1);
        assertThat(client.connected).isTrue();
        assertThat(connectionsOf(client)).containsExactly(11L, 12L);
    }

    @Test
    void shouldReturnUnchangedForAlreadyAttachedConnection()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);

        assertThat(connect(T0 + 1, USER, 11)).isEqualTo(Result.UNCHANGED);

        assertNothingEmitted();
        assertThat(logic.client(USER).updateId).isEqualTo(1);
        assertThat(connectionsOf(logic.client(USER))).containsExactly(11L);
    }

    // ------------------------------------------------------------------------------------------
    // connectUser with an initial presence
    // ------------------------------------------------------------------------------------------

    private Result connectWith(
        final long time, final long userId, final long connectionId, final Consumer<Changes> presence)
    {
        input.set(InputType.CONNECT_USER_WITH_PRESENCE, time).userId(userId).connectionId(connectionId).reason("identify");
        presence.accept(input.changes());
        return apply();
    }

    @Test
    void shouldCreateAClientWithItsPresenceInOneInput()
    {
        subscribeToClient(T0, WATCHER, USER);

        assertThat(connectWith(T0 + 1, USER, 11, c -> c.status(Status.IDLE).lobbyId(LOBBY))).isEqualTo(Result.APPLIED);

        final ClientState client = logic.client(USER);
        assertThat(client.updateId).isEqualTo(1);
        assertThat(client.status()).isEqualTo(Status.IDLE);
        assertThat(client.get(Field.LOBBY_ID)).isEqualTo(LOBBY);
        assertThat(out.eventCount()).isEqualTo(1);
        assertThat(out.event(0).type).isEqualTo(EventType.CLIENT_CONNECTED);
        assertThat(out.event(0).changes.status()).isEqualTo(Status.IDLE);
        assertThat(out.event(0).changes.lobbyId()).isEqualTo(LOBBY);
    }

    @Test
    void shouldNeverShowAUserWhoConnectsInvisible()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToClient(T0, USER, USER);

        assertThat(connectWith(T0 + 1, USER, 11, c -> c.status(Status.INVISIBLE))).isEqualTo(Result.APPLIED);

        assertThat(out.eventCount()).isEqualTo(1);
        assertThat(out.event(0).recipients).containsExactly(USER);
        assertThat(out.event(0).changes.status()).isEqualTo(Status.INVISIBLE);
    }

    @Test
    void shouldReconnectWithinGraceAndApplyThePresenceAsOneChange()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        lost(T0 + 1, USER, 11);

        assertThat(connectWith(T0 + 2, USER, 12, c -> c.afk(true))).isEqualTo(Result.APPLIED);

        final ClientState client = logic.client(USER);
        assertThat(client.connected).isTrue();
        assertThat(client.get(Field.AFK) != 0).isTrue();
        assertThat(client.updateId).isEqualTo(3);
        assertThat(out.eventCount()).isEqualTo(1);
        assertThat(out.event(0).type).isEqualTo(EventType.CLIENT_CONNECTED);
        assertThat(out.event(0).changes.afk()).isTrue();
        assertThat(tick(T0 + 2 + GRACE)).isEqualTo(Result.APPLIED);
        assertThat(logic.client(USER)).as("the countdown was cancelled").isNotNull();
    }

    @Test
    void shouldRefuseABadPresenceWithoutConnecting()
    {
        subscribeToClient(T0, WATCHER, USER);

        assertThat(connectWith(T0 + 1, USER, 11, c -> c.partyId(-1))).isEqualTo(Result.INVALID_VALUE);
        assertNothingEmitted();
        assertThat(logic.client(USER)).isNull();

        connect(T0 + 2, USER, 11);
        lost(T0 + 3, USER, 11);
        assertThat(connectWith(T0 + 4, USER, 12, c -> c.attribute("", "x"))).isEqualTo(Result.INVALID_VALUE);
        assertNothingEmitted();
        assertThat(logic.client(USER).connected).isFalse();
    }

    @Test
    void shouldAnswerUnchangedForAnAttachedConnectionAndASamePresence()
    {
        connectWith(T0, USER, 11, c -> c.afk(true));

        assertThat(connectWith(T0 + 1, USER, 11, c -> c.afk(true))).isEqualTo(Result.UNCHANGED);
        assertThat(connectWith(T0 + 2, USER, 12, c -> c.afk(true))).isEqualTo(Result.APPLIED);
        assertThat(out.eventCount()).isZero();
        assertThat(connectWith(T0 + 3, USER, 12, c -> c.afk(false))).isEqualTo(Result.APPLIED);
        assertThat(logic.client(USER).updateId).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------
    // connectionLost, grace
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseLossOfUnknownClientOrConnection()
    {
        assertThat(lost(T0, USER, 11)).isEqualTo(Result.UNKNOWN_CLIENT);
        assertNothingEmitted();

        connect(T0, USER, 11);
        assertThat(lost(T0 + 1, USER, 12)).isEqualTo(Result.UNKNOWN_CONNECTION);
        assertNothingEmitted();
        assertThat(logic.client(USER).connected).isTrue();
        assertThat(logic.client(USER).updateId).isEqualTo(1);
    }

    @Test
    void shouldStartGraceCountdownWhenLastConnectionLost()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        connect(T0, USER, 12);

        assertThat(lost(T0 + 1, USER, 11)).isEqualTo(Result.APPLIED);
        assertThat(out.eventCount()).isZero();
        assertThat(logic.client(USER).connected).isTrue();
        assertThat(logic.client(USER).updateId).isEqualTo(1);
        assertThat(logic.timers().isEmpty()).isTrue();

        assertThat(lost(T0 + 5, USER, 12)).isEqualTo(Result.APPLIED);
        final ClientState client = logic.client(USER);
        assertThat(client.connected).isFalse();
        assertThat(client.lastDisconnected).isEqualTo(T0 + 5);
        assertThat(client.updateId).isEqualTo(2);
        assertThat(client.connectionCount).isZero();
        assertThat(logic.timers().size()).isEqualTo(1);
        assertThat(logic.timers().earliestDeadline()).isEqualTo(T0 + 5 + GRACE);
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DISCONNECTED, USER, 2, 0, T0 + 5, null, new Changes()));
        assertThat(logic.client(USER).connected).isFalse();

        tick(T0 + 5 + GRACE - 1);
        assertThat(out.eventCount()).isZero();
        assertThat(logic.client(USER)).isNotNull();
    }

    @Test
    void shouldCancelCountdownOnReconnectWithinGrace()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        lost(T0 + 10, USER, 11);

        assertThat(connect(T0 + 10 + GRACE - 1, USER, 12)).isEqualTo(Result.APPLIED);

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_CONNECTED, USER, 3, 0, T0 + 10 + GRACE - 1, null, new Changes()));
        final ClientState client = logic.client(USER);
        assertThat(client.connected).isTrue();
        assertThat(client.updateId).isEqualTo(3);
        assertThat(client.lastDisconnected).isEqualTo(T0 + 10);
        assertThat(connectionsOf(client)).containsExactly(12L);
        assertThat(logic.timers().isEmpty()).isTrue();

        tick(T0 + 100 * GRACE);
        assertThat(out.eventCount()).isZero();
        assertThat(logic.client(USER)).isNotNull();
    }

    @Test
    void shouldDestroyAtExactDeadlineBeforeApplyingInput()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        lost(T0, USER, 11);
        final long deadline = T0 + GRACE;

        assertThat(connect(deadline, USER, 11)).isEqualTo(Result.APPLIED);

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 3, 0, deadline, null, new Changes()),
            event(EventType.CLIENT_CONNECTED, USER, 1, 0, deadline, null, defaultFullState()));
        final ClientState client = logic.client(USER);
        assertThat(client.updateId).isEqualTo(1);
        assertThat(client.lastDisconnected).isZero();
    }

    @Test
    void shouldStampExpiryWithDeadlineNotNow()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToLobby(T0, LOBBY_WATCHER, LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, "r", c -> c.lobbyId(LOBBY));
        lost(T0, USER, 11);
        final long deadline = T0 + GRACE;

        assertThat(tick(deadline + 500)).isEqualTo(Result.APPLIED);

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 4, 0, deadline, null, new Changes()));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(
            event(EventType.LEFT_LOBBY, USER, 4, LOBBY, deadline, null, new Changes()));
        assertThat(logic.client(USER)).isNull();
        assertThat(logic.now()).isEqualTo(deadline + 500);
    }

    @Test
    void shouldDestroyAtOnceWithZeroGrace()
    {
        logic = new PresenceLogic(Limits.DEFAULT, 0);
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);

        assertThat(lost(T0 + 3, USER, 11)).isEqualTo(Result.APPLIED);

        assertThat(logic.client(USER)).isNull();
        assertThat(logic.timers().isEmpty()).isTrue();
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 2, 0, T0 + 3, null, new Changes()));
        assertThat(out.directiveCount()).isZero();
    }

    @Test
    void shouldRejectNegativeGracePeriod()
    {
        assertThat(setGrace(T0, -1)).isEqualTo(Result.INVALID_VALUE);
        assertThat(logic.gracePeriodMs()).isEqualTo(GRACE);
        assertThat(setGrace(T0, 0)).isEqualTo(Result.APPLIED);
        assertThat(logic.gracePeriodMs()).isZero();
    }

    @Test
    void shouldKeepDeadlineOfRunningCountdownWhenGraceChanges()
    {
        connect(T0, USER, 11);
        connect(T0, OTHER_USER, 21);
        lost(T0, USER, 11);

        assertThat(setGrace(T0 + 1, 5 * GRACE)).isEqualTo(Result.APPLIED);
        lost(T0 + 2, OTHER_USER, 21);

        assertThat(logic.timers().deadline(logic.client(USER))).isEqualTo(T0 + GRACE);
        assertThat(logic.timers().deadline(logic.client(OTHER_USER))).isEqualTo(T0 + 2 + 5 * GRACE);

        tick(T0 + GRACE);
        assertThat(logic.client(USER)).isNull();
        assertThat(logic.client(OTHER_USER)).isNotNull();

        tick(T0 + 2 + 5 * GRACE - 1);
        assertThat(logic.client(OTHER_USER)).isNotNull();
        tick(T0 + 2 + 5 * GRACE);
        assertThat(logic.client(OTHER_USER)).isNull();
    }

    @Test
    void shouldNotExpireWithHugeGracePeriod()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        assertThat(setGrace(T0, Long.MAX_VALUE)).isEqualTo(Result.APPLIED);
        lost(T0 + 1, USER, 11);

        tick(T0 + 2);

        assertThat(seenBy(WATCHER)).isEmpty();
        assertThat(logic.client(USER)).isNotNull();
        assertThat(logic.client(USER).connected).isFalse();
    }

    // ------------------------------------------------------------------------------------------
    // time
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldNeverMoveTimeBackwards()
    {
        subscribeToClient(T0, WATCHER, USER);
        tick(T0 + 100);

        connect(T0, USER, 11);
        assertThat(logic.now()).isEqualTo(T0 + 100);
        assertThat(out.event(0).time).isEqualTo(T0 + 100);

        lost(T0 + 50, USER, 11);
        assertThat(logic.now()).isEqualTo(T0 + 100);
        assertThat(logic.client(USER).lastDisconnected).isEqualTo(T0 + 100);
        assertThat(logic.timers().deadline(logic.client(USER))).isEqualTo(T0 + 100 + GRACE);
        assertThat(out.event(0).time).isEqualTo(T0 + 100);

        tick(T0 + 100 + GRACE - 1);
        tick(T0);
        assertThat(logic.now()).isEqualTo(T0 + 100 + GRACE - 1);
        assertThat(logic.client(USER)).isNotNull();
    }

    @Test
    void shouldApplyTickAsTimeOnly()
    {
        connect(T0, USER, 11);

        assertThat(tick(T0 + 10)).isEqualTo(Result.APPLIED);

        assertNothingEmitted();
        assertThat(logic.now()).isEqualTo(T0 + 10);
        assertThat(logic.client(USER).updateId).isEqualTo(1);
    }

    @Test
    void shouldExpireInDeadlineThenUserIdOrder()
    {
        for (final long user : new long[]{3, 1, 2})
        {
            subscribeToClient(T0, WATCHER, user);
            connect(T0, user, 10 + user);
        }
        lost(T0, 3, 13);
        lost(T0 + 10, 2, 12);
        lost(T0 + 10, 1, 11);

        tick(T0 + 10 + GRACE + 50);

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, 3, 3, 0, T0 + GRACE, null, new Changes()),
            event(EventType.CLIENT_DESTROYED, 1, 3, 0, T0 + 10 + GRACE, null, new Changes()),
            event(EventType.CLIENT_DESTROYED, 2, 3, 0, T0 + 10 + GRACE, null, new Changes()));
        assertThat(logic.clients().size()).isZero();
    }

    @Test
    void shouldEmitExpiriesBeforeTheInputsOwnEvents()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToClient(T0, WATCHER, OTHER_USER);
        connect(T0, USER, 11);
        lost(T0, USER, 11);

        connect(T0 + GRACE + 1, OTHER_USER, 21);

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 3, 0, T0 + GRACE, null, new Changes()),
            event(EventType.CLIENT_CONNECTED, OTHER_USER, 1, 0, T0 + GRACE + 1, null, defaultFullState()));
    }

    // ------------------------------------------------------------------------------------------
    // disconnectUser
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldDisconnectUserWithDirectivesInAscendingOrder()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 30);
        connect(T0, USER, 10);
        connect(T0, USER, 20);

        assertThat(disconnect(T0 + 1, USER)).isEqualTo(Result.APPLIED);

        assertThat(out.directiveCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++)
        {
            assertThat(out.directiveUser(i)).isEqualTo(USER);
            assertThat(out.directiveConnection(i)).isEqualTo(10L * (i + 1));
        }
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 2, 0, T0 + 1, null, new Changes()));
        assertThat(logic.client(USER)).isNull();
        assertThat(logic.timers().isEmpty()).isTrue();
    }

    @Test
    void shouldDisconnectClientInGraceWithoutDirectives()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        lost(T0, USER, 11);

        assertThat(disconnect(T0 + 1, USER)).isEqualTo(Result.APPLIED);

        assertThat(out.directiveCount()).isZero();
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 3, 0, T0 + 1, null, new Changes()));
        assertThat(logic.client(USER)).isNull();
        assertThat(logic.timers().isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseDisconnectOfUnknownClient()
    {
        assertThat(disconnect(T0, USER)).isEqualTo(Result.UNKNOWN_CLIENT);
        assertNothingEmitted();
    }

    // ------------------------------------------------------------------------------------------
    // updates: validation
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseUpdateOfUnknownClientBeforeReasonCheck()
    {
        for (final int type : updateTypes())
        {
            assertThat(update(type, T0, USER, "x".repeat(1000), c -> c.afk(true)))
                .as(InputType.name(type)).isEqualTo(Result.UNKNOWN_CLIENT);
            assertNothingEmitted();
        }
    }

    @Test
    void shouldUpdateClientInGrace()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        lost(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0 + 1, USER, "r", c -> c.afk(true))).isEqualTo(Result.APPLIED);

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_UPDATED, USER, 3, 0, T0 + 1, "r", new Changes().afk(true)));
        assertThat(logic.client(USER).connected).isFalse();
    }

    static Stream<Arguments> fieldsOutsideGroup()
    {
        return Stream.of(
            Arguments.of("updateClient sets lobbyId", InputType.UPDATE_CLIENT, (Consumer<Changes>)c -> c.lobbyId(1)),
            Arguments.of("updateClient sets ready", InputType.UPDATE_CLIENT, (Consumer<Changes>)c -> c.ready(true)),
            Arguments.of("updateClient sets player", InputType.UPDATE_CLIENT, (Consumer<Changes>)c -> c.player(true)),
            Arguments.of("updateClient sets playerNumber", InputType.UPDATE_CLIENT,
                (Consumer<Changes>)c -> c.playerNumber(1)),
            Arguments.of("updateClient sets teamNumber", InputType.UPDATE_CLIENT, (Consumer<Changes>)c -> c.teamNumber(1)),
            Arguments.of("updateClient sets teamColour", InputType.UPDATE_CLIENT, (Consumer<Changes>)c -> c.teamColour(1)),
            Arguments.of("updateClient sets sync", InputType.UPDATE_CLIENT, (Consumer<Changes>)c -> c.sync(1)),
            Arguments.of("updateClient sets lobbyHost", InputType.UPDATE_CLIENT,
                (Consumer<Changes>)c -> c.lobbyHost(true)),
            Arguments.of("updateClient sets a lobby field and an invalid status", InputType.UPDATE_CLIENT,
                (Consumer<Changes>)c -> c.status(null).ready(true)),
            Arguments.of("updateClientInLobby sets status", InputType.UPDATE_CLIENT_IN_LOBBY,
                (Consumer<Changes>)c -> c.status(Status.DND)),
            Arguments.of("updateClientInLobby sets afk", InputType.UPDATE_CLIENT_IN_LOBBY,
                (Consumer<Changes>)c -> c.afk(true)),
            Arguments.of("updateClientInLobby sets inGame", InputType.UPDATE_CLIENT_IN_LOBBY,
                (Consumer<Changes>)c -> c.inGame(true)),
            Arguments.of("updateClientInLobby sets partyId", InputType.UPDATE_CLIENT_IN_LOBBY,
                (Consumer<Changes>)c -> c.partyId(1)),
            Arguments.of("updateClientInLobby sets an attribute", InputType.UPDATE_CLIENT_IN_LOBBY,
                (Consumer<Changes>)c -> c.attribute("k", 1)),
            Arguments.of("updateClientInLobby removes an attribute", InputType.UPDATE_CLIENT_IN_LOBBY,
                (Consumer<Changes>)c -> c.removeAttribute("k")),
            Arguments.of("updateClientInLobby sets a standard field and an invalid lobbyId",
                InputType.UPDATE_CLIENT_IN_LOBBY, (Consumer<Changes>)c -> c.lobbyId(-1).afk(true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsOutsideGroup")
    void shouldRejectFieldOutsideGroup(final String name, final int type, final Consumer<Changes> changes)
    {
        subscribeAll();
        connect(T0, USER, 11);

        assertThat(update(type, T0 + 1, USER, "r", changes)).isEqualTo(Result.FIELD_NOT_ALLOWED);

        assertNothingEmitted();
        assertThat(logic.client(USER).updateId).isEqualTo(1);
    }

    @Test
    void shouldAllowEveryFieldInFullUpdate()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);

        final Result result = update(InputType.UPDATE_CLIENT_FULL, T0 + 1, USER, "r", c -> c
            .status(Status.IDLE).afk(true).inGame(true).partyId(4).attribute("k", "v")
            .lobbyId(LOBBY).ready(true).player(true).playerNumber(2).teamNumber(3).teamColour(-5).sync(-1)
            .lobbyHost(true));

        assertThat(result).isEqualTo(Result.APPLIED);
        final ClientState client = logic.client(USER);
        assertThat(client.status()).isEqualTo(Status.IDLE);
        assertThat(client.get(Field.AFK) != 0).isTrue();
        assertThat(client.get(Field.IN_GAME) != 0).isTrue();
        assertThat(client.get(Field.PARTY_ID)).isEqualTo(4);
        assertThat(client.attributes().holds("k", Changes.ATTRIBUTE_STRING, "v", 0)).isTrue();
        assertThat(client.get(Field.LOBBY_ID)).isEqualTo(LOBBY);
        assertThat(client.get(Field.READY) != 0).isTrue();
        assertThat(client.get(Field.PLAYER) != 0).isTrue();
        assertThat(client.get(Field.PLAYER_NUMBER)).isEqualTo(2);
        assertThat(client.get(Field.TEAM_NUMBER)).isEqualTo(3);
        assertThat(client.get(Field.TEAM_COLOUR)).isEqualTo(-5);
        assertThat(client.get(Field.SYNC)).isEqualTo(-1);
        assertThat(client.get(Field.LOBBY_HOST) != 0).isTrue();
        assertThat(client.updateId).isEqualTo(2);
        assertThat(seenBy(WATCHER)).hasSize(1);
    }

    @Test
    void shouldAcceptStandardFieldsInUpdateClientAndLobbyFieldsInUpdateClientInLobby()
    {
        connect(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c
            .status(Status.DND).afk(true).inGame(true).partyId(9).attribute("k", 1).removeAttribute("z")))
            .isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c
            .lobbyId(3).ready(true).player(true).playerNumber(1).teamNumber(1).teamColour(1).sync(1).lobbyHost(true)))
            .isEqualTo(Result.APPLIED);
        assertThat(logic.client(USER).updateId).isEqualTo(3);
    }

    static Stream<Arguments> invalidValues()
    {
        final String longKey = "k".repeat(Limits.DEFAULT.maxAttributeKeyBytes() + 1);
        final String longValue = "v".repeat(Limits.DEFAULT.maxAttributeValueBytes() + 1);
        return Stream.of(
            Arguments.of("null status", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.status(null)),
            Arguments.of("negative partyId", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.partyId(-1)),
            Arguments.of("negative lobbyId", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.lobbyId(-1)),
            Arguments.of("negative playerNumber", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.playerNumber(-1)),
            Arguments.of("negative teamNumber", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.teamNumber(-1)),
            Arguments.of("Long.MIN_VALUE partyId", Result.INVALID_VALUE,
                (Consumer<Changes>)c -> c.partyId(Long.MIN_VALUE)),
            Arguments.of("Integer.MIN_VALUE playerNumber", Result.INVALID_VALUE,
                (Consumer<Changes>)c -> c.playerNumber(Integer.MIN_VALUE)),
            Arguments.of("empty attribute key", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.attribute("", "v")),
            Arguments.of("null attribute key", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.attribute(null, 1)),
            Arguments.of("empty key of a removal", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.removeAttribute("")),
            Arguments.of("null key of a removal", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.removeAttribute(null)),
            Arguments.of("null string value", Result.INVALID_VALUE, (Consumer<Changes>)c -> c.attribute("k", (String)null)),
            Arguments.of("too long key", Result.VALUE_TOO_LARGE, (Consumer<Changes>)c -> c.attribute(longKey, 1)),
            Arguments.of("too long key of a removal", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.removeAttribute(longKey)),
            Arguments.of("too long string value", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute("k", longValue)),
            Arguments.of("invalid field wins over a too long attribute given before it", Result.INVALID_VALUE,
                (Consumer<Changes>)c -> c.attribute(longKey, 1).teamNumber(-1)),
            Arguments.of("first failing attribute wins (too large, then invalid)", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute("k", longValue).attribute("", "v")),
            Arguments.of("first failing attribute wins (invalid, then too large)", Result.INVALID_VALUE,
                (Consumer<Changes>)c -> c.attribute("k", (String)null).attribute(longKey, "v")),
            Arguments.of("invalid value wins over too many attributes", Result.INVALID_VALUE,
                (Consumer<Changes>)c ->
                {
                    for (int i = 0; i <= Limits.DEFAULT.maxAttributes(); i++)
                    {
                        c.attribute("k" + i, i);
                    }
                    c.status(null);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidValues")
    void shouldRejectEachInvalidValue(final String name, final Result expected, final Consumer<Changes> changes)
    {
        subscribeAll();
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));

        assertThat(update(InputType.UPDATE_CLIENT_FULL, T0 + 1, USER, "r", c ->
        {
            c.afk(true).ready(true);
            changes.accept(c);
        })).isEqualTo(expected);

        assertNothingEmitted();
        final ClientState client = logic.client(USER);
        assertThat(client.updateId).isEqualTo(2);
        assertThat(client.get(Field.AFK) != 0).isFalse();
        assertThat(client.get(Field.READY) != 0).isFalse();
        assertThat(client.attributes().count).isZero();
    }

    @Test
    void shouldAcceptLimitValuesAndAnyIntForTeamColourAndSync()
    {
        connect(T0, USER, 11);
        final Limits limits = Limits.DEFAULT;

        assertThat(update(InputType.UPDATE_CLIENT_FULL, T0, USER, "r".repeat(limits.maxReasonBytes()), c -> c
            .partyId(0).lobbyId(0).playerNumber(0).teamNumber(0).teamColour(Integer.MIN_VALUE).sync(-1)
            .attribute("k".repeat(limits.maxAttributeKeyBytes()), "v".repeat(limits.maxAttributeValueBytes()))
            .attribute("n", Long.MIN_VALUE)
            .attribute("e", "")))
            .isEqualTo(Result.APPLIED);
        assertThat(logic.client(USER).get(Field.TEAM_COLOUR)).isEqualTo(Integer.MIN_VALUE);
        assertThat(logic.client(USER).get(Field.SYNC)).isEqualTo(-1);
        assertThat(logic.client(USER).attributes().count).isEqualTo(3);
    }

    @Test
    void shouldRejectTooLongReasonBeforeFieldChecks()
    {
        subscribeAll();
        connect(T0, USER, 11);
        final String tooLong = "r".repeat(Limits.DEFAULT.maxReasonBytes() + 1);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, tooLong, c -> c.status(null).ready(true)))
            .isEqualTo(Result.REASON_TOO_LONG);
        assertNothingEmitted();
        assertThat(update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, tooLong, c -> c.status(Status.IDLE)))
            .isEqualTo(Result.REASON_TOO_LONG);
        assertThat(update(InputType.UPDATE_CLIENT_FULL, T0, USER, tooLong, c -> c.afk(true)))
            .isEqualTo(Result.REASON_TOO_LONG);
        assertThat(update(InputType.UPDATE_CLIENT_FULL, T0, USER, tooLong, c -> { }))
            .isEqualTo(Result.REASON_TOO_LONG);
        assertNothingEmitted();
        assertThat(logic.client(USER).updateId).isEqualTo(1);

        final String atLimit = "r".repeat(Limits.DEFAULT.maxReasonBytes());
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, atLimit, c -> c.status(null).ready(true)))
            .isEqualTo(Result.FIELD_NOT_ALLOWED);
    }

    @Test
    void shouldRejectTooManyAttributesCountingRemovals()
    {
        logic = new PresenceLogic(new Limits(2, 8, 8, 16), GRACE);
        subscribeAll();
        connect(T0, USER, 11);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("a", 1).attribute("b", "x")))
            .isEqualTo(Result.APPLIED);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("c", 1)))
            .isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertNothingEmitted();
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.removeAttribute("zzz").attribute("c", 1)))
            .as("removing an absent key frees nothing").isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.removeAttribute("c").attribute("c", 1)))
            .as("the last occurrence of a key counts").isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertThat(logic.client(USER).updateId).isEqualTo(2);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("c", 1).removeAttribute("c")))
            .as("set then removed in one update: no net attribute").isEqualTo(Result.UNCHANGED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("c", 1).removeAttribute("a")))
            .as("a removal makes room").isEqualTo(Result.APPLIED);
        final ClientState client = logic.client(USER);
        assertThat(client.attributes().count).isEqualTo(2);
        assertThat(client.attributes().indexOf("a")).isNegative();
        assertThat(client.attributes().holds("b", Changes.ATTRIBUTE_STRING, "x", 0)).isTrue();
        assertThat(client.attributes().holds("c", Changes.ATTRIBUTE_LONG, null, 1)).isTrue();
        assertThat(client.updateId).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------------
    // limits: UTF-8 bytes, SET_LIMITS
    // ------------------------------------------------------------------------------------------

    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600: 2 chars, 4 UTF-8 bytes

    @Test
    void shouldAcceptThirtyTwoEmojiAndRefuseThirtyThreeAsA128ByteReason()
    {
        subscribeAll();
        connect(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, EMOJI.repeat(33), c -> c.afk(true)))
            .as("66 chars, 132 bytes").isEqualTo(Result.REASON_TOO_LONG);
        assertNothingEmitted();
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, EMOJI.repeat(32), c -> c.afk(true)))
            .as("64 chars, 128 bytes").isEqualTo(Result.APPLIED);
        assertThat(out.event(0).reason).isEqualTo(EMOJI.repeat(32));
    }

    @Test
    void shouldRefuse128AccentedLettersAsA128ByteReason()
    {
        connect(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "é".repeat(128), c -> c.afk(true)))
            .as("128 chars, 256 bytes").isEqualTo(Result.REASON_TOO_LONG);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "é".repeat(65), c -> c.afk(true)))
            .as("65 chars, 130 bytes").isEqualTo(Result.REASON_TOO_LONG);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "é".repeat(64), c -> c.afk(true)))
            .as("64 chars, 128 bytes").isEqualTo(Result.APPLIED);
    }

    @Test
    void shouldCountTheReasonOfAConnectWithPresenceInBytes()
    {
        input.set(InputType.CONNECT_USER_WITH_PRESENCE, T0).userId(USER).connectionId(11).reason(EMOJI.repeat(33));
        input.changes().afk(true);
        assertThat(apply()).isEqualTo(Result.REASON_TOO_LONG);
        assertThat(logic.client(USER)).isNull();

        input.set(InputType.CONNECT_USER_WITH_PRESENCE, T0).userId(USER).connectionId(11).reason(EMOJI.repeat(32));
        input.changes().afk(true);
        assertThat(apply()).isEqualTo(Result.APPLIED);
    }

    static Stream<Arguments> attributeSizes()
    {
        return Stream.of(
            Arguments.of("key of 16 'é' (32 bytes)", Result.APPLIED, (Consumer<Changes>)c -> c.attribute("é".repeat(16), 1)),
            Arguments.of("key of 17 'é' (34 bytes, 17 chars)", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute("é".repeat(17), 1)),
            Arguments.of("key of 8 emoji (32 bytes)", Result.APPLIED, (Consumer<Changes>)c -> c.attribute(EMOJI.repeat(8), 1)),
            Arguments.of("key of 9 emoji (36 bytes, 18 chars)", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute(EMOJI.repeat(9), 1)),
            Arguments.of("removal key of 17 'é'", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.removeAttribute("é".repeat(17))),
            Arguments.of("value of 128 'é' (256 bytes)", Result.APPLIED, (Consumer<Changes>)c -> c.attribute("k", "é".repeat(128))),
            Arguments.of("value of 129 'é' (258 bytes, 129 chars)", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute("k", "é".repeat(129))),
            Arguments.of("value of 64 emoji (256 bytes)", Result.APPLIED, (Consumer<Changes>)c -> c.attribute("k", EMOJI.repeat(64))),
            Arguments.of("value of 65 emoji (260 bytes, 130 chars)", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute("k", EMOJI.repeat(65))),
            Arguments.of("value of 85 '☃' and one 'a' (256 bytes)", Result.APPLIED,
                (Consumer<Changes>)c -> c.attribute("k", "☃".repeat(85) + "a")),
            Arguments.of("value of 86 '☃' (258 bytes, 86 chars)", Result.VALUE_TOO_LARGE,
                (Consumer<Changes>)c -> c.attribute("k", "☃".repeat(86))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeSizes")
    void shouldCountAttributeKeysAndStringValuesInUtf8Bytes(
        final String name, final Result expected, final Consumer<Changes> changes)
    {
        connect(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, changes)).isEqualTo(expected);
    }

    @Test
    void shouldCountAnUnpairedSurrogateAsThreeBytes()
    {
        logic = new PresenceLogic(new Limits(16, 32, 256, 3), GRACE);
        connect(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "a\uD800", c -> c.afk(true))).isEqualTo(Result.REASON_TOO_LONG);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "\uD800", c -> c.afk(true))).isEqualTo(Result.APPLIED);
    }

    @Test
    void shouldApplySetLimitsToTheInputsAfterIt()
    {
        connect(T0, USER, 11);

        assertThat(setLimits(T0, 2, 4, 8, 4)).isEqualTo(Result.APPLIED);
        assertNothingEmitted();
        assertThat(logic.limits()).isEqualTo(new Limits(2, 4, 8, 4));
        assertThat(logic.client(USER).updateId).as("a limit change is no client change").isEqualTo(1);

        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "éé" + "a", c -> c.afk(true))).isEqualTo(Result.REASON_TOO_LONG);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "éé", c -> c.afk(true))).isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("ééa", 1))).isEqualTo(Result.VALUE_TOO_LARGE);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("k", "éééé" + "a")))
            .isEqualTo(Result.VALUE_TOO_LARGE);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("a", 1).attribute("b", 2).attribute("c", 3)))
            .isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("éé", "éééé").attribute("b", 2)))
            .isEqualTo(Result.APPLIED);

        assertThat(setLimits(T0, 2, 4, 8, 4)).as("the same limits again").isEqualTo(Result.APPLIED);
        assertThat(setLimits(T0, 0, 0, 0, 0)).isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "", c -> c.afk(false))).as("an empty reason fits 0 bytes")
            .isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, "a", c -> c.afk(true))).isEqualTo(Result.REASON_TOO_LONG);
    }

    static Stream<Arguments> negativeLimits()
    {
        return Stream.of(
            Arguments.of(-1, 32, 256, 128), Arguments.of(16, -1, 256, 128), Arguments.of(16, 32, -1, 128),
            Arguments.of(16, 32, 256, -1), Arguments.of(Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE));
    }

    @ParameterizedTest
    @MethodSource("negativeLimits")
    void shouldRefuseANegativeLimitWithInvalidValueAndKeepTheLimits(
        final int maxAttributes, final int maxKeyBytes, final int maxValueBytes, final int maxReasonBytes)
    {
        setLimits(T0, 1, 2, 3, 4);

        assertThat(setLimits(T0 + 1, maxAttributes, maxKeyBytes, maxValueBytes, maxReasonBytes)).isEqualTo(Result.INVALID_VALUE);

        assertNothingEmitted();
        assertThat(logic.limits()).isEqualTo(new Limits(1, 2, 3, 4));
        assertThat(logic.now()).as("time still advances").isEqualTo(T0 + 1);
    }

    @Test
    void shouldNeverCheckStoredValuesAgainstLoweredLimits()
    {
        subscribeAll();
        connect(T0, USER, 11);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c
            .attribute("abcdef", "vvvvvvvv").attribute("a", 1).attribute("b", 2))).isEqualTo(Result.APPLIED);

        assertThat(setLimits(T0, 1, 2, 2, 16)).isEqualTo(Result.APPLIED);

        final ClientState client = logic.client(USER);
        assertThat(client.attributes().count).as("stored values stay").isEqualTo(3);
        assertThat(client.attributes().holds("abcdef", Changes.ATTRIBUTE_STRING, "vvvvvvvv", 0)).isTrue();
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("abcdef", "v")))
            .as("a new value under a key now too long").isEqualTo(Result.VALUE_TOO_LARGE);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.removeAttribute("abcdeg")))
            .as("removing a too long key it does not hold").isEqualTo(Result.VALUE_TOO_LARGE);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("a", 5)))
            .as("three attributes over a limit of one: changing one is no growth").isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("c", 5)))
            .as("a fourth one is").isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.removeAttribute("abcdef")))
            .as("a held key may always be removed").isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.removeAttribute("a").attribute("c", 1)))
            .as("replacing one of two over a limit of one").isEqualTo(Result.APPLIED);
        assertThat(update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.attribute("d", 1)))
            .isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertThat(logic.client(USER).attributes().count).isEqualTo(2);
    }

    @Test
    void shouldReplayJournaledSetLimitsToTheSameResultsWhateverTheConfiguredLimits()
    {
        final Input[] inputs = {
            new Input().set(InputType.CONNECT_USER, T0).userId(USER).connectionId(11),
            new Input().set(InputType.SET_LIMITS, T0 + 1).limits(16, 32, 256, 8),
            new Input().set(InputType.UPDATE_CLIENT, T0 + 2).userId(USER).reason(EMOJI.repeat(3)),
            new Input().set(InputType.UPDATE_CLIENT, T0 + 3).userId(USER).reason("éééé"),
            new Input().set(InputType.SET_LIMITS, T0 + 4).limits(16, -1, 256, 1000),
            new Input().set(InputType.UPDATE_CLIENT, T0 + 5).userId(USER).reason("é".repeat(5)),
            new Input().set(InputType.UPDATE_CLIENT, T0 + 6).userId(USER).reason("ok")};
        inputs[2].changes().afk(true);
        inputs[3].changes().afk(true);
        inputs[5].changes().inGame(true);
        inputs[6].changes().inGame(true);
        final ExpandableArrayBuffer journal = new ExpandableArrayBuffer();
        final int[] offsets = new int[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++)
        {
            offsets[i + 1] = offsets[i] + InputCodec.encode(journal, offsets[i], inputs[i]);
        }
        final List<Result> expected = List.of(Result.APPLIED, Result.APPLIED, Result.REASON_TOO_LONG, Result.APPLIED,
            Result.INVALID_VALUE, Result.REASON_TOO_LONG, Result.APPLIED);

        for (final Limits configured : new Limits[]{Limits.DEFAULT, new Limits(0, 0, 0, 0), new Limits(255, 65_535, 65_535, 65_534)})
        {
            final PresenceLogic replayed = new PresenceLogic(configured, GRACE);
            final List<Result> results = new ArrayList<>();
            final Input decoded = new Input();
            for (int i = 0; i < inputs.length; i++)
            {
                InputCodec.decode(journal, offsets[i], offsets[i + 1] - offsets[i], decoded);
                results.add(replayed.apply(decoded, out));
            }
            assertThat(results).as("replayed with %s configured", configured).isEqualTo(expected);
            assertThat(replayed.limits()).isEqualTo(new Limits(16, 32, 256, 8));
        }
    }

    // ------------------------------------------------------------------------------------------
    // updates: diff and events
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldEmitNothingForUnchangedUpdate()
    {
        subscribeAll();
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_FULL, T0, USER, null, c -> c.attribute("a", "x").attribute("n", 5).lobbyId(LOBBY));
        final long updateId = logic.client(USER).updateId;

        assertThat(update(InputType.UPDATE_CLIENT, T0 + 1, USER, "r", c -> { })).isEqualTo(Result.UNCHANGED);
        assertNothingEmitted();
        assertThat(update(InputType.UPDATE_CLIENT, T0 + 1, USER, "r", c -> c
            .status(Status.ONLINE).afk(false).inGame(false).partyId(0).attribute("a", "x").attribute("n", 5)
            .removeAttribute("absent"))).isEqualTo(Result.UNCHANGED);
        assertNothingEmitted();
        assertThat(update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 1, USER, "r", c -> c
            .lobbyId(LOBBY).ready(false).player(false).playerNumber(0).teamNumber(0).teamColour(0).sync(0)
            .lobbyHost(false))).isEqualTo(Result.UNCHANGED);
        assertNothingEmitted();
        assertThat(update(InputType.UPDATE_CLIENT, T0 + 1, USER, "r", c -> c.attribute("a", "y").attribute("a", "x")))
            .as("set twice, last value equals current").isEqualTo(Result.UNCHANGED);
        assertNothingEmitted();

        assertThat(logic.client(USER).updateId).isEqualTo(updateId);
    }

    @Test
    void shouldEmitOnlyTheDiff()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);

        assertThat(update(InputType.UPDATE_CLIENT, T0 + 1, USER, "because", c -> c
            .status(Status.ONLINE).afk(true).partyId(0).attribute("x", 1).attribute("s", "a").attribute("s", "b")))
            .isEqualTo(Result.APPLIED);
        assertThat(seenBy(WATCHER)).containsExactly(event(EventType.CLIENT_UPDATED, USER, 2, 0, T0 + 1, "because",
            new Changes().afk(true).attribute("x", 1).attribute("s", "b")));
        assertThat(logic.client(USER).attributes().holds("s", Changes.ATTRIBUTE_STRING, "b", 0)).isTrue();
        assertThat(logic.client(USER).updateId).isEqualTo(2);

        assertThat(update(InputType.UPDATE_CLIENT, T0 + 2, USER, null, c -> c
            .afk(true).attribute("x", "1").removeAttribute("s")))
            .isEqualTo(Result.APPLIED);
        assertThat(seenBy(WATCHER)).containsExactly(event(EventType.CLIENT_UPDATED, USER, 3, 0, T0 + 2, "",
            new Changes().attribute("x", "1").removeAttribute("s")));
        final OutEvent event = out.event(0);
        assertThat(event.changes.attributeCount()).isEqualTo(2);
        assertThat(event.changes.attributeKind(1)).isEqualTo(Changes.ATTRIBUTE_REMOVE);
        assertThat(event.changes.attributeKey(1)).isEqualTo("s");
        assertThat(event.changes.attributeString(1)).isNull();
        assertThat(logic.client(USER).attributes().count).isEqualTo(1);
    }

    @Test
    void shouldCountOneUpdateIdPerInput()
    {
        subscribeAll();
        subscribeToLobby(T0, WATCHER, OTHER_LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));

        update(InputType.UPDATE_CLIENT_FULL, T0, USER, "r", c -> c.lobbyId(OTHER_LOBBY).afk(true).ready(true));

        assertThat(out.eventCount()).isGreaterThan(1);
        for (int i = 0; i < out.eventCount(); i++)
        {
            assertThat(out.event(i).updateId).isEqualTo(3);
        }
        assertThat(logic.client(USER).updateId).isEqualTo(3);
    }

    // ------------------------------------------------------------------------------------------
    // views: invisibility
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldHideInvisibleClientFromOthersButNotSelf()
    {
        subscribeToClient(T0, USER, USER);
        subscribeToClient(T0, WATCHER, USER);
        subscribeToLobby(T0, LOBBY_WATCHER, LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));

        update(InputType.UPDATE_CLIENT, T0 + 1, USER, "hide", c -> c.status(Status.INVISIBLE));
        assertThat(seenBy(USER)).containsExactly(
            event(EventType.CLIENT_UPDATED, USER, 3, 0, T0 + 1, "hide", new Changes().status(Status.INVISIBLE)));
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 3, 0, T0 + 1, null, new Changes()));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(
            event(EventType.LEFT_LOBBY, USER, 3, LOBBY, T0 + 1, "hide", new Changes()));

        update(InputType.UPDATE_CLIENT_FULL, T0 + 2, USER, "x", c -> c.afk(true).ready(true));
        assertThat(seenBy(USER)).containsExactly(
            event(EventType.CLIENT_UPDATED, USER, 4, 0, T0 + 2, "x", new Changes().afk(true).ready(true)));
        assertThat(seenBy(WATCHER)).isEmpty();
        assertThat(seenBy(LOBBY_WATCHER)).isEmpty();

        lost(T0 + 3, USER, 11);
        assertThat(seenBy(USER)).containsExactly(
            event(EventType.CLIENT_DISCONNECTED, USER, 5, 0, T0 + 3, null, new Changes()));
        assertThat(seenBy(WATCHER)).isEmpty();

        connect(T0 + 4, USER, 12);
        assertThat(seenBy(USER)).containsExactly(
            event(EventType.CLIENT_CONNECTED, USER, 6, 0, T0 + 4, null, new Changes()));
        assertThat(seenBy(WATCHER)).isEmpty();

        disconnect(T0 + 5, USER);
        assertThat(seenBy(USER)).containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 7, 0, T0 + 5, null, new Changes()));
        assertThat(seenBy(WATCHER)).isEmpty();
        assertThat(seenBy(LOBBY_WATCHER)).isEmpty();
    }

    @Test
    void shouldAnnounceVisibleAgainAsFullConnect()
    {
        subscribeToClient(T0, USER, USER);
        subscribeToClient(T0, WATCHER, USER);
        subscribeToLobby(T0, LOBBY_WATCHER, LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_FULL, T0, USER, null, c -> c
            .status(Status.INVISIBLE).attribute("k", 3).lobbyId(LOBBY).teamNumber(2));

        assertThat(update(InputType.UPDATE_CLIENT_FULL, T0 + 1, USER, "back", c -> c.status(Status.DND).ready(true)))
            .isEqualTo(Result.APPLIED);

        final Changes full = defaultFullState().status(Status.DND).attribute("k", 3).lobbyId(LOBBY).teamNumber(2)
            .ready(true);
        final Changes lobbyFull = defaultLobbyState().lobbyId(LOBBY).teamNumber(2).ready(true);
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_CONNECTED, USER, 3, 0, T0 + 1, null, full));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(
            event(EventType.JOINED_LOBBY, USER, 3, LOBBY, T0 + 1, "back", lobbyFull));
        assertThat(seenBy(USER)).containsExactly(
            event(EventType.CLIENT_UPDATED, USER, 3, 0, T0 + 1, "back", new Changes().status(Status.DND).ready(true)));
    }

    @Test
    void shouldAnnounceVisibleAgainWhileInGraceAsFullDisconnect()
    {
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT, T0, USER, null, c -> c.status(Status.INVISIBLE));
        lost(T0 + 1, USER, 11);
        assertThat(seenBy(WATCHER)).isEmpty();

        update(InputType.UPDATE_CLIENT, T0 + 2, USER, "r", c -> c.status(Status.IDLE));

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_DISCONNECTED, USER, 4, 0, T0 + 2, null, defaultFullState().status(Status.IDLE)));
    }

    // ------------------------------------------------------------------------------------------
    // lobby topic
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldEmitJoinedLeftAndLobbyClientChange()
    {
        subscribeToLobby(T0, LOBBY_WATCHER, LOBBY);
        connect(T0, USER, 11);

        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 1, USER, "join", c -> c.lobbyId(LOBBY).ready(true));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(event(EventType.JOINED_LOBBY, USER, 2, LOBBY, T0 + 1, "join",
            defaultLobbyState().lobbyId(LOBBY).ready(true)));
        assertThat(out.eventCount()).isEqualTo(1);

        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 2, USER, null, c -> c.lobbyId(LOBBY).ready(false).teamColour(5));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(event(EventType.LOBBY_CLIENT_CHANGE, USER, 3, LOBBY, T0 + 2,
            "", new Changes().ready(false).teamColour(5)));

        update(InputType.UPDATE_CLIENT, T0 + 3, USER, "s", c -> c.afk(true));
        assertThat(seenBy(LOBBY_WATCHER)).isEmpty();
        assertThat(logic.client(USER).updateId).isEqualTo(4);

        update(InputType.UPDATE_CLIENT_FULL, T0 + 4, USER, "f", c -> c.afk(false).attribute("k", 1).sync(9));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(event(EventType.LOBBY_CLIENT_CHANGE, USER, 5, LOBBY, T0 + 4,
            "f", new Changes().sync(9)));

        lost(T0 + 5, USER, 11);
        assertThat(seenBy(LOBBY_WATCHER)).as("connection state is not a lobby field").isEmpty();
        connect(T0 + 6, USER, 11);
        assertThat(seenBy(LOBBY_WATCHER)).isEmpty();

        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 7, USER, "leave", c -> c.lobbyId(0).ready(true));
        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(
            event(EventType.LEFT_LOBBY, USER, 8, LOBBY, T0 + 7, "leave", new Changes()));

        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 8, USER, null, c -> c.ready(false));
        assertThat(seenBy(LOBBY_WATCHER)).as("not a member any more").isEmpty();
    }

    @Test
    void shouldSwitchLobbyWithLeftThenJoined()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToLobby(T0, WATCHER, LOBBY);
        subscribeToLobby(T0, WATCHER, OTHER_LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY).playerNumber(1));

        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 1, USER, "move", c -> c.lobbyId(OTHER_LOBBY).playerNumber(2));

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_UPDATED, USER, 3, 0, T0 + 1, "move", new Changes().lobbyId(OTHER_LOBBY).playerNumber(2)),
            event(EventType.LEFT_LOBBY, USER, 3, LOBBY, T0 + 1, "move", new Changes()),
            event(EventType.JOINED_LOBBY, USER, 3, OTHER_LOBBY, T0 + 1, "move",
                defaultLobbyState().lobbyId(OTHER_LOBBY).playerNumber(2)));
    }

    @Test
    void shouldDeliverOncePerTopicInDocumentedOrder()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToLobby(T0, WATCHER, LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));

        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0 + 1, USER, "t", c -> c.teamNumber(4));

        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_UPDATED, USER, 3, 0, T0 + 1, "t", new Changes().teamNumber(4)),
            event(EventType.LOBBY_CLIENT_CHANGE, USER, 3, LOBBY, T0 + 1, "t", new Changes().teamNumber(4)));
    }

    @Test
    void shouldSendLobbyMemberEventsOfDestroyedClient()
    {
        subscribeToLobby(T0, LOBBY_WATCHER, LOBBY);
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));

        disconnect(T0 + 1, USER);

        assertThat(seenBy(LOBBY_WATCHER)).containsExactly(
            event(EventType.LEFT_LOBBY, USER, 3, LOBBY, T0 + 1, null, new Changes()));
    }

    // ------------------------------------------------------------------------------------------
    // subscriptions
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldAllowSubscribingBeforeClientExists()
    {
        assertThat(subscribeToClient(T0, WATCHER, USER)).isEqualTo(Result.APPLIED);
        assertNothingEmitted();
        assertThat(subscribeToClient(T0, WATCHER, USER)).isEqualTo(Result.UNCHANGED);
        assertThat(subscribeToLobby(T0, WATCHER, LOBBY)).isEqualTo(Result.APPLIED);
        assertThat(subscribeToLobby(T0, WATCHER, LOBBY)).isEqualTo(Result.UNCHANGED);

        connect(T0 + 1, USER, 11);
        assertThat(seenBy(WATCHER)).containsExactly(
            event(EventType.CLIENT_CONNECTED, USER, 1, 0, T0 + 1, null, defaultFullState()));
    }

    @Test
    void shouldNotSendCurrentStateOnSubscribe()
    {
        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));

        assertThat(subscribeToClient(T0 + 1, WATCHER, USER)).isEqualTo(Result.APPLIED);
        assertNothingEmitted();
        assertThat(subscribeToLobby(T0 + 1, WATCHER, LOBBY)).isEqualTo(Result.APPLIED);
        assertNothingEmitted();
    }

    @Test
    void shouldUnsubscribe()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToLobby(T0, WATCHER, LOBBY);

        assertThat(unsubscribeFromClient(T0, WATCHER, USER)).isEqualTo(Result.APPLIED);
        assertThat(unsubscribeFromClient(T0, WATCHER, USER)).isEqualTo(Result.UNCHANGED);
        assertThat(unsubscribeFromLobby(T0, WATCHER, LOBBY)).isEqualTo(Result.APPLIED);
        assertThat(unsubscribeFromLobby(T0, WATCHER, LOBBY)).isEqualTo(Result.UNCHANGED);
        assertThat(unsubscribeFromLobby(T0, WATCHER, OTHER_LOBBY)).isEqualTo(Result.UNCHANGED);

        connect(T0, USER, 11);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, USER, null, c -> c.lobbyId(LOBBY));
        assertThat(out.eventCount()).isZero();
        assertThat(logic.subscriptions().subscriptionCount()).isZero();
    }

    @Test
    void shouldRemoveSubscriptionsOfDestroyedClient()
    {
        subscribeToClient(T0, USER, USER);
        subscribeToClient(T0, USER, OTHER_USER);
        subscribeToLobby(T0, USER, LOBBY);
        subscribeToClient(T0, WATCHER, USER);
        connect(T0, USER, 11);

        lost(T0 + 1, USER, 11);
        connect(T0 + 2, USER, 12);
        assertThat(logic.subscriptions().isSubscribedToClient(USER, OTHER_USER))
            .as("subscriptions survive a reconnect within grace").isTrue();

        disconnect(T0 + 3, USER);
        assertThat(seenBy(USER)).as("the destroyed client's own events are still delivered").containsExactly(
            event(EventType.CLIENT_DESTROYED, USER, 4, 0, T0 + 3, null, new Changes()));
        assertThat(logic.subscriptions().isSubscribedToClient(USER, USER)).isFalse();
        assertThat(logic.subscriptions().isSubscribedToClient(USER, OTHER_USER)).isFalse();
        assertThat(logic.subscriptions().isSubscribedToLobby(USER, LOBBY)).isFalse();
        assertThat(logic.subscriptions().isSubscribedToClient(WATCHER, USER))
            .as("others' subscriptions to the client survive").isTrue();

        connect(T0 + 4, OTHER_USER, 21);
        assertThat(seenBy(USER)).isEmpty();
    }

    @Test
    void shouldRemoveSubscriptionsOfExpiredClient()
    {
        subscribeToClient(T0, USER, OTHER_USER);
        connect(T0, USER, 11);
        lost(T0, USER, 11);

        tick(T0 + GRACE);

        assertThat(logic.client(USER)).isNull();
        assertThat(logic.subscriptions().subscriptionCount()).isZero();
    }

    @Test
    void shouldRemoveAllSubscriptionsOfSubscriber()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToClient(T0, WATCHER, OTHER_USER);
        subscribeToLobby(T0, WATCHER, LOBBY);
        subscribeToClient(T0, LOBBY_WATCHER, USER);

        assertThat(removeSubscriber(T0, WATCHER)).isEqualTo(Result.APPLIED);
        assertNothingEmitted();
        assertThat(removeSubscriber(T0, WATCHER)).isEqualTo(Result.UNCHANGED);
        assertThat(removeSubscriber(T0, 999)).isEqualTo(Result.UNCHANGED);
        assertThat(logic.subscriptions().subscriptionCount()).isEqualTo(1);

        connect(T0, USER, 11);
        connect(T0, OTHER_USER, 21);
        update(InputType.UPDATE_CLIENT_IN_LOBBY, T0, OTHER_USER, null, c -> c.lobbyId(LOBBY));
        assertThat(seenBy(WATCHER)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // identifiers
    // ------------------------------------------------------------------------------------------

    static Stream<Arguments> nonPositiveIds()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final long bad : new long[]{0, -1, Long.MIN_VALUE})
        {
            cases.add(Arguments.of("connectUser userId=" + bad, InputType.CONNECT_USER, bad, 11L, 0L, 0L));
            cases.add(Arguments.of("connectUser connectionId=" + bad, InputType.CONNECT_USER, USER, bad, 0L, 0L));
            cases.add(Arguments.of("connectionLost userId=" + bad, InputType.CONNECTION_LOST, bad, 11L, 0L, 0L));
            cases.add(Arguments.of("connectionLost connectionId=" + bad, InputType.CONNECTION_LOST, USER, bad, 0L, 0L));
            cases.add(Arguments.of("disconnectUser userId=" + bad, InputType.DISCONNECT_USER, bad, 0L, 0L, 0L));
            for (final int type : updateTypes())
            {
                cases.add(Arguments.of(InputType.name(type) + " userId=" + bad, type, bad, 0L, 0L, 0L));
            }
            cases.add(Arguments.of("subscribeToClient subscriberId=" + bad, InputType.SUBSCRIBE_CLIENT, USER, 0L, bad, 0L));
            cases.add(Arguments.of("subscribeToClient userId=" + bad, InputType.SUBSCRIBE_CLIENT, bad, 0L, WATCHER, 0L));
            cases.add(Arguments.of("unsubscribeFromClient subscriberId=" + bad, InputType.UNSUBSCRIBE_CLIENT, USER, 0L, bad,
                0L));
            cases.add(Arguments.of("unsubscribeFromClient userId=" + bad, InputType.UNSUBSCRIBE_CLIENT, bad, 0L, WATCHER, 0L));
            cases.add(Arguments.of("subscribeToLobby subscriberId=" + bad, InputType.SUBSCRIBE_LOBBY, 0L, 0L, bad, LOBBY));
            cases.add(Arguments.of("subscribeToLobby lobbyId=" + bad, InputType.SUBSCRIBE_LOBBY, 0L, 0L, WATCHER, bad));
            cases.add(Arguments.of("unsubscribeFromLobby subscriberId=" + bad, InputType.UNSUBSCRIBE_LOBBY, 0L, 0L, bad,
                LOBBY));
            cases.add(Arguments.of("unsubscribeFromLobby lobbyId=" + bad, InputType.UNSUBSCRIBE_LOBBY, 0L, 0L, WATCHER, bad));
            cases.add(Arguments.of("removeSubscriber subscriberId=" + bad, InputType.REMOVE_SUBSCRIBER, 0L, 0L, bad, 0L));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonPositiveIds")
    void shouldRejectNonPositiveIds(
        final String name, final int type, final long userId, final long connectionId, final long subscriberId,
        final long lobbyId)
    {
        subscribeAll();
        connect(T0, USER, 11);
        final int subscriptionsBefore = logic.subscriptions().subscriptionCount();

        input.set(type, T0 + 1).userId(userId).connectionId(connectionId).subscriberId(subscriberId).lobbyId(lobbyId);
        if (type == InputType.UPDATE_CLIENT || type == InputType.UPDATE_CLIENT_FULL)
        {
            input.changes().afk(true);
        }
        else if (type == InputType.UPDATE_CLIENT_IN_LOBBY)
        {
            input.changes().ready(true);
        }

        assertThat(logic.apply(input, out)).isEqualTo(Result.INVALID_VALUE);

        assertNothingEmitted();
        assertThat(logic.clients().size()).isEqualTo(1);
        assertThat(logic.client(USER).updateId).isEqualTo(1);
        assertThat(connectionsOf(logic.client(USER))).containsExactly(11L);
        assertThat(logic.subscriptions().subscriptionCount()).isEqualTo(subscriptionsBefore);
    }

    // ------------------------------------------------------------------------------------------
    // determinism
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldProduceIdenticalOutputsAndStateFromIdenticalInputs()
    {
        for (long seed = 1; seed <= 30; seed++)
        {
            final Limits limits = new Limits(3, 4, 4, 6);
            final PresenceLogic a = new PresenceLogic(limits, 40);
            final PresenceLogic b = new PresenceLogic(limits, 40);
            final SplittableRandom randomA = new SplittableRandom(seed);
            final SplittableRandom randomB = new SplittableRandom(seed);
            final Input inputA = new Input();
            final Outbox outboxA = new Outbox();
            final Outbox[] outboxesB = {new Outbox(), new Outbox(), new Outbox()};
            final long[] clockA = {T0};
            final long[] clockB = {T0};
            int events = 0;

            for (int step = 0; step < 400; step++)
            {
                // A reuses one Input and one Outbox; B allocates a fresh Input every step and rotates
                // Outboxes: outputs must not depend on object identity or reuse.
                randomInput(randomA, clockA, inputA);
                final Input inputB = randomInput(randomB, clockB, new Input());
                final Outbox outboxB = outboxesB[step % outboxesB.length];

                final Result resultA = a.apply(inputA, outboxA);
                final Result resultB = b.apply(inputB, outboxB);

                final String description = "seed=" + seed + " step=" + step + " input=" + inputA;
                assertThat(inputB.toString()).as(description).isEqualTo(inputA.toString());
                assertThat(resultB).as(description).isEqualTo(resultA);
                assertThat(render(outboxB)).as(description).isEqualTo(render(outboxA));
                assertThat(render(b)).as(description).isEqualTo(render(a));
                events += outboxA.eventCount();
            }
            assertThat(events).as("seed=" + seed + " produced events").isPositive();
        }
    }

    private static Input randomInput(final SplittableRandom random, final long[] clock, final Input in)
    {
        clock[0] += random.nextInt(-5, 30);
        final long time = clock[0];
        final int roll = random.nextInt(100);
        final long userId = random.nextInt(20) == 0 ? random.nextInt(-1, 1) : random.nextInt(1, 6);
        if (roll < 22)
        {
            in.set(InputType.CONNECT_USER, time).userId(userId).connectionId(random.nextInt(0, 4));
        }
        else if (roll < 40)
        {
            in.set(InputType.CONNECTION_LOST, time).userId(userId).connectionId(random.nextInt(0, 4));
        }
        else if (roll < 44)
        {
            in.set(InputType.DISCONNECT_USER, time).userId(userId);
        }
        else if (roll < 70)
        {
            final int type = InputType.UPDATE_CLIENT + random.nextInt(3);
            in.set(type, time).userId(userId).reason(pick(random, null, "", "why", "toolongreason"));
            randomChanges(random, in.changes());
        }
        else if (roll < 78)
        {
            in.set(random.nextBoolean() ? InputType.SUBSCRIBE_CLIENT : InputType.UNSUBSCRIBE_CLIENT, time)
                .subscriberId(randomSubscriber(random)).userId(userId);
        }
        else if (roll < 86)
        {
            in.set(random.nextBoolean() ? InputType.SUBSCRIBE_LOBBY : InputType.UNSUBSCRIBE_LOBBY, time)
                .subscriberId(randomSubscriber(random)).lobbyId(random.nextInt(0, 4));
        }
        else if (roll < 89)
        {
            in.set(InputType.REMOVE_SUBSCRIBER, time).subscriberId(randomSubscriber(random));
        }
        else if (roll < 91)
        {
            in.set(InputType.SET_GRACE_PERIOD, time).value(pick(random, -1L, 0L, 15L, 40L, 200L));
        }
        else if (roll < 93)
        {
            in.set(InputType.SET_LIMITS, time).limits(random.nextInt(-1, 5), random.nextInt(-1, 8), random.nextInt(-1, 8),
                random.nextInt(-1, 16));
        }
        else
        {
            in.set(InputType.TICK, time + random.nextInt(0, 100));
        }
        return in;
    }

    private static long randomSubscriber(final SplittableRandom random)
    {
        return random.nextBoolean() ? random.nextInt(0, 6) : 100 + random.nextInt(3);
    }

    private static void randomChanges(final SplittableRandom random, final Changes c)
    {
        final int fields = random.nextInt(0, 5);
        for (int i = 0; i < fields; i++)
        {
            switch (random.nextInt(14))
            {
                case 0 -> c.status(pick(random, Status.ONLINE, Status.IDLE, Status.DND, Status.INVISIBLE,
                    Status.INVISIBLE, null));
                case 1 -> c.afk(random.nextBoolean());
                case 2 -> c.inGame(random.nextBoolean());
                case 3 -> c.partyId(random.nextInt(-1, 3));
                case 4 -> c.attribute(pick(random, "a", "b", "c", "d", "", null, "longkey"), pick(random, "x", "y", "",
                    null, "longvalue"));
                case 5 -> c.attribute(pick(random, "a", "b", "c", "d"), random.nextInt(-2, 3));
                case 6 -> c.removeAttribute(pick(random, "a", "b", "c", "d", ""));
                case 7 -> c.lobbyId(random.nextInt(-1, 4));
                case 8 -> c.ready(random.nextBoolean());
                case 9 -> c.player(random.nextBoolean());
                case 10 -> c.playerNumber(random.nextInt(-1, 3));
                case 11 -> c.teamNumber(random.nextInt(-1, 3));
                case 12 -> c.teamColour(random.nextInt(-2, 3));
                default -> c.sync(random.nextInt(-2, 3)).lobbyHost(random.nextBoolean());
            }
        }
    }

    @SafeVarargs
    private static <T> T pick(final SplittableRandom random, final T... values)
    {
        return values[random.nextInt(values.length)];
    }

    private static String render(final Outbox outbox)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < outbox.eventCount(); i++)
        {
            final OutEvent e = outbox.event(i);
            sb.append(renderEvent(e.type, e.userId, e.updateId, e.lobbyId, e.time, e.reason, e.changes))
                .append(" -> ").append(e.recipients).append('\n');
        }
        for (int i = 0; i < outbox.directiveCount(); i++)
        {
            sb.append("close ").append(outbox.directiveUser(i)).append('/').append(outbox.directiveConnection(i))
                .append('\n');
        }
        return sb.toString();
    }

    private static String render(final PresenceLogic logic)
    {
        final List<String> clients = new ArrayList<>();
        for (int i = 0; i < logic.clients().slotCount(); i++)
        {
            final ClientState client = logic.clients().slot(i);
            if (null == client)
            {
                continue;
            }
            clients.add(render(client) + " timer=" + (client.timerIndex >= 0 ? logic.timers().deadline(client) : "none"));
        }
        Collections.sort(clients);
        return "now=" + logic.now() + " grace=" + logic.gracePeriodMs() + " limits=" + logic.limits() +
            " timers=" + logic.timers().size() +
            " subscriptions=" + logic.subscriptions().subscriptionCount() + "\n" + String.join("\n", clients);
    }

    private static String render(final ClientState c)
    {
        final StringBuilder sb = new StringBuilder()
            .append("client ").append(c.userId)
            .append(" connected=").append(c.connected)
            .append(" lastDisconnected=").append(c.lastDisconnected)
            .append(" updateId=").append(c.updateId)
            .append(" connections=").append(Arrays.toString(connectionsOf(c)))
            .append(" fields=");
        for (int number = 0; number < FieldTable.PRESENCE.count(); number++)
        {
            if (FieldTable.PRESENCE.field(number).kind().isScalar())
            {
                sb.append(FieldLayout.PRESENCE.get(c, number)).append(',');
            }
        }
        sb.append(" attributes={");
        final AttributeMap attributes = c.attributes();
        for (int i = 0; i < attributes.count; i++)
        {
            sb.append(attributes.key(i)).append(':').append(attributes.kind(i)).append(':')
                .append(attributes.string(i)).append(':').append(attributes.longValue(i)).append(';');
        }
        return sb.append('}').toString();
    }

    // ------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------

    private static int[] updateTypes()
    {
        return new int[]{InputType.UPDATE_CLIENT, InputType.UPDATE_CLIENT_IN_LOBBY, InputType.UPDATE_CLIENT_FULL};
    }

    private static long[] connectionsOf(final ClientState client)
    {
        final long[] connections = new long[client.connectionCount];
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = client.connection(i);
        }
        return connections;
    }

    private static Changes defaultLobbyState()
    {
        return new Changes().lobbyId(0).ready(false).player(false).playerNumber(0).teamNumber(0).teamColour(0).sync(0)
            .lobbyHost(false);
    }

    private static Changes defaultFullState()
    {
        return defaultLobbyState().status(Status.ONLINE).afk(false).inGame(false).partyId(0);
    }

    private static String event(
        final EventType type,
        final long userId,
        final long updateId,
        final long lobbyId,
        final long time,
        final String reason,
        final Changes changes)
    {
        return renderEvent(type, userId, updateId, lobbyId, time, reason, changes);
    }

    private static String renderEvent(
        final EventType type,
        final long userId,
        final long updateId,
        final long lobbyId,
        final long time,
        final String reason,
        final Changes changes)
    {
        return type + "{user=" + userId + ", updateId=" + updateId + ", lobbyId=" + lobbyId + ", time=" + time +
            ", reason=" + (null == reason ? "<null>" : '"' + reason + '"') + ", changes=" + changes + '}';
    }

    /**
     * @return every event of the last input the subscriber is a recipient of, in emission order.
     */
    private List<String> seenBy(final long subscriberId)
    {
        final List<String> seen = new ArrayList<>();
        for (int i = 0; i < out.eventCount(); i++)
        {
            final OutEvent e = out.event(i);
            for (int r = 0; r < e.recipients.size(); r++)
            {
                if (e.recipients.getLong(r) == subscriberId)
                {
                    seen.add(renderEvent(e.type, e.userId, e.updateId, e.lobbyId, e.time, e.reason, e.changes));
                }
            }
        }
        return seen;
    }

    private void assertNothingEmitted()
    {
        assertThat(out.eventCount()).as("events").isZero();
        assertThat(out.directiveCount()).as("directives").isZero();
    }

    /**
     * Subscribe a watcher to the user's client topic and both lobbies, and the user to itself.
     */
    private void subscribeAll()
    {
        subscribeToClient(T0, WATCHER, USER);
        subscribeToClient(T0, USER, USER);
        subscribeToLobby(T0, LOBBY_WATCHER, LOBBY);
        subscribeToLobby(T0, LOBBY_WATCHER, OTHER_LOBBY);
    }

    private Result apply()
    {
        return logic.apply(input, out);
    }

    private Result tick(final long time)
    {
        input.set(InputType.TICK, time);
        return apply();
    }

    private Result connect(final long time, final long userId, final long connectionId)
    {
        input.set(InputType.CONNECT_USER, time).userId(userId).connectionId(connectionId);
        return apply();
    }

    private Result lost(final long time, final long userId, final long connectionId)
    {
        input.set(InputType.CONNECTION_LOST, time).userId(userId).connectionId(connectionId);
        return apply();
    }

    private Result disconnect(final long time, final long userId)
    {
        input.set(InputType.DISCONNECT_USER, time).userId(userId);
        return apply();
    }

    private Result update(
        final int type, final long time, final long userId, final String reason, final Consumer<Changes> changes)
    {
        input.set(type, time).userId(userId).reason(reason);
        changes.accept(input.changes());
        return apply();
    }

    private Result subscribeToClient(final long time, final long subscriberId, final long userId)
    {
        input.set(InputType.SUBSCRIBE_CLIENT, time).subscriberId(subscriberId).userId(userId);
        return apply();
    }

    private Result unsubscribeFromClient(final long time, final long subscriberId, final long userId)
    {
        input.set(InputType.UNSUBSCRIBE_CLIENT, time).subscriberId(subscriberId).userId(userId);
        return apply();
    }

    private Result subscribeToLobby(final long time, final long subscriberId, final long lobbyId)
    {
        input.set(InputType.SUBSCRIBE_LOBBY, time).subscriberId(subscriberId).lobbyId(lobbyId);
        return apply();
    }

    private Result unsubscribeFromLobby(final long time, final long subscriberId, final long lobbyId)
    {
        input.set(InputType.UNSUBSCRIBE_LOBBY, time).subscriberId(subscriberId).lobbyId(lobbyId);
        return apply();
    }

    private Result removeSubscriber(final long time, final long subscriberId)
    {
        input.set(InputType.REMOVE_SUBSCRIBER, time).subscriberId(subscriberId);
        return apply();
    }

    private Result setGrace(final long time, final long millis)
    {
        input.set(InputType.SET_GRACE_PERIOD, time).value(millis);
        return apply();
    }

    private Result setLimits(
        final long time, final int maxAttributes, final int maxKeyBytes, final int maxValueBytes, final int maxReasonBytes)
    {
        input.set(InputType.SET_LIMITS, time).limits(maxAttributes, maxKeyBytes, maxValueBytes, maxReasonBytes);
        return apply();
    }
}
