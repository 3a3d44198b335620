package dev.rollcall.gateway.client;

import dev.rollcall.client.ClientIdPage;
import dev.rollcall.client.ClientSnapshot;
import dev.rollcall.client.ConnectionState;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static dev.rollcall.gateway.client.E2e.await;
import static dev.rollcall.gateway.client.E2e.client;
import static dev.rollcall.gateway.client.E2e.defaults;
import static dev.rollcall.gateway.client.E2e.ev;
import static dev.rollcall.gateway.client.E2e.evs;
import static dev.rollcall.gateway.client.E2e.lobbyFields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java client against a real gateway: identify with an initial presence, updates and their results, fan-out of
 * client and lobby events to several watchers, and the queries.
 */
@Timeout(30)
class JavaClientEndToEndTest
{
    private static final long LOBBY = 500;

    private final List<RollcallClient> clients = new ArrayList<>();
    private EndToEndGateway server;

    @BeforeEach
    void startServer() throws Exception
    {
        server = EndToEndGateway.start(ctx -> { }, core -> core.gracePeriodMs(60_000));
    }

    @AfterEach
    void stopServer()
    {
        for (final RollcallClient client : clients)
        {
            client.close();
        }
        server.close();
        assertThat(server.errors()).isEmpty();
    }

    private RollcallClient connect(final RollcallClient.Builder builder, final EventProbe probe)
    {
        final RollcallClient client = builder.build();
        clients.add(client);
        client.events().subscribe(probe);
        await(client.start());
        return client;
    }

    private RollcallClient connect(final long userId, final EventProbe probe)
    {
        return connect(client(server.port(), userId), probe);
    }

    @Test
    void shouldIdentifyWithAnInitialPresenceThatWatchersAndQueriesSee()
    {
        final long watcherId = 1;
        final long playerId = 2;
        final EventProbe watcherEvents = EventProbe.replenishing(8);
        final RollcallClient watcher = connect(watcherId, watcherEvents);
        assertThat(await(watcher.subscribe(new long[] {playerId}, null))).isEqualTo(Result.APPLIED);

        final Changes initial = new Changes().status(Status.DND).partyId(9).attribute("game", "chess");
        final EventProbe playerEvents = EventProbe.requesting(8);
        final RollcallClient player = connect(client(server.port(), playerId).presence(initial), playerEvents);

        assertThat(player.state()).isEqualTo(ConnectionState.READY);
        assertThat(player.userId()).isEqualTo(playerId);
        assertThat(player.sessionId()).isNotZero().isNotEqualTo(watcher.sessionId());
        assertThat(player.lastSeq()).isZero();
        assertThat(player.hello().protocolVersion()).isEqualTo(1);
        assertThat(player.hello().heartbeatIntervalMs()).isEqualTo(30_000);
        final Changes state = defaults().status(Status.DND).partyId(9).attribute("game", "chess");
        assertThat(evs(watcherEvents.take(1))).as("one event: the user appears with its presence already applied")
            .containsExactly(ev(1, EventType.CLIENT_CONNECTED, playerId, 1, 0, null, state));

        final ClientSnapshot seenBySelf = await(player.getClients(playerId)).get(0);
        assertThat(seenBySelf).isEqualTo(new ClientSnapshot(playerId, true, true, 0, 1, state));
        assertThat(await(watcher.getClients(playerId))).containsExactly(seenBySelf);
        assertThat(server.gateway().rollcall().getClient(playerId).connected()).isTrue();
        assertThat(playerEvents.drained()).isEmpty();
    }

    @Test
    void shouldIdentifyEvenWhenTheInitialPresenceIsRefused()
    {
        final ConnectionLog log = new ConnectionLog();
        final RollcallClient client = connect(
            client(server.port(), 3).presence(new Changes().partyId(-1)).listener(log), EventProbe.requesting(1));

        assertThat(client.isReady()).isTrue();
        assertThat(log.serverErrors).singleElement().satisfies(error ->
        {
            assertThat(error.errorCode()).isEqualTo(ErrorCode.PRESENCE_REFUSED);
            assertThat(error.getMessage()).contains("INVALID_VALUE");
        });
        assertThat(await(client.getClients(3)).get(0).state()).isEqualTo(defaults());
        assertThat(await(client.update(new Changes().afk(true), "works"))).isEqualTo(Result.APPLIED);
    }

    @Test
    void shouldAnswerUpdatesAndFanTheirEventsOutToEveryWatcherInOrder()
    {
        final long playerId = 11;
        final long clientWatcherId = 12;
        final long lobbyWatcherId = 13;
        final long bothWatcherId = 14;
        final long otherId = 15;
        final EventProbe clientWatcherEvents = EventProbe.replenishing(4);
        final EventProbe lobbyWatcherEvents = EventProbe.replenishing(4);
        final EventProbe bothWatcherEvents = EventProbe.replenishing(4);
        final RollcallClient clientWatcher = connect(clientWatcherId, clientWatcherEvents);
        final RollcallClient lobbyWatcher = connect(lobbyWatcherId, lobbyWatcherEvents);
        final RollcallClient bothWatcher = connect(bothWatcherId, bothWatcherEvents);
        assertThat(await(clientWatcher.subscribe(new long[] {playerId}, null))).isEqualTo(Result.APPLIED);
        assertThat(await(lobbyWatcher.subscribe(null, new long[] {LOBBY}))).isEqualTo(Result.APPLIED);
        assertThat(await(bothWatcher.subscribe(new long[] {playerId}, new long[] {LOBBY})))
            .isEqualTo(Result.APPLIED);
        assertThat(await(bothWatcher.subscribe(new long[] {playerId}, null))).isEqualTo(Result.UNCHANGED);
        assertThat(await(bothWatcher.subscribe(new long[] {-1}, null))).isEqualTo(Result.INVALID_VALUE);

        final RollcallClient player = connect(playerId, EventProbe.requesting(1));
        assertThat(await(player.update(new Changes().afk(true), "away"))).isEqualTo(Result.APPLIED);
        assertThat(await(player.update(new Changes().afk(true), "again"))).isEqualTo(Result.UNCHANGED);
        assertThat(await(player.update(new Changes().lobbyId(LOBBY), "wrong group")))
            .isEqualTo(Result.FIELD_NOT_ALLOWED);
        assertThat(await(player.updateInLobby(new Changes().lobbyId(LOBBY).ready(true), "join")))
            .isEqualTo(Result.APPLIED);
        assertThat(await(player.updateInLobby(new Changes().status(Status.IDLE), "wrong group")))
            .isEqualTo(Result.FIELD_NOT_ALLOWED);
        assertThat(await(player.updateFull(new Changes().status(Status.IDLE).playerNumber(2), "full")))
            .isEqualTo(Result.APPLIED);
        assertThat(await(player.update(new Changes().partyId(-1), "negative"))).isEqualTo(Result.INVALID_VALUE);
        assertThat(await(player.update(new Changes().afk(false), "r".repeat(129))))
            .isEqualTo(Result.REASON_TOO_LONG);
        assertThat(await(player.update(new Changes().attribute("big", "v".repeat(257)), "big")))
            .isEqualTo(Result.VALUE_TOO_LARGE);
        final Changes many = new Changes();
        for (int i = 0; i < 17; i++)
        {
            many.attribute("k" + i, i);
        }
        assertThat(await(player.update(many, "many"))).isEqualTo(Result.TOO_MANY_ATTRIBUTES);
        assertThat(await(player.update(new Changes().attribute("mood", "happy"), "attr")))
            .isEqualTo(Result.APPLIED);
        assertThat(await(player.updateInLobby(new Changes().lobbyId(0), "leave"))).isEqualTo(Result.APPLIED);

        assertThat(await(clientWatcher.unsubscribe(new long[] {playerId}, null))).isEqualTo(Result.APPLIED);
        assertThat(await(clientWatcher.subscribe(new long[] {otherId}, null))).isEqualTo(Result.APPLIED);
        final RollcallClient other = connect(otherId, EventProbe.requesting(1));
        assertThat(await(player.update(new Changes().afk(false), "back"))).isEqualTo(Result.APPLIED);
        assertThat(await(other.update(new Changes().afk(true), "other"))).isEqualTo(Result.APPLIED);
        assertThat(await(other.updateInLobby(new Changes().lobbyId(LOBBY), "marker")))
            .isEqualTo(Result.APPLIED);

        final Changes joined = lobbyFields(LOBBY, true, 0);
        assertThat(evs(clientWatcherEvents.take(9))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, playerId, 1, 0, null, defaults()),
            ev(2, EventType.CLIENT_UPDATED, playerId, 2, 0, "away", new Changes().afk(true)),
            ev(3, EventType.CLIENT_UPDATED, playerId, 3, 0, "join", new Changes().lobbyId(LOBBY).ready(true)),
            ev(4, EventType.CLIENT_UPDATED, playerId, 4, 0, "full",
                new Changes().status(Status.IDLE).playerNumber(2)),
            ev(5, EventType.CLIENT_UPDATED, playerId, 5, 0, "attr", new Changes().attribute("mood", "happy")),
            ev(6, EventType.CLIENT_UPDATED, playerId, 6, 0, "leave", new Changes().lobbyId(0)),
            ev(7, EventType.CLIENT_CONNECTED, otherId, 1, 0, null, defaults()),
            ev(8, EventType.CLIENT_UPDATED, otherId, 2, 0, "other", new Changes().afk(true)),
            ev(9, EventType.CLIENT_UPDATED, otherId, 3, 0, "marker", new Changes().lobbyId(LOBBY)));
        assertThat(evs(lobbyWatcherEvents.take(4))).containsExactly(
            ev(1, EventType.JOINED_LOBBY, playerId, 3, LOBBY, "join", joined),
            ev(2, EventType.LOBBY_CLIENT_CHANGE, playerId, 4, LOBBY, "full", new Changes().playerNumber(2)),
            ev(3, EventType.LEFT_LOBBY, playerId, 6, LOBBY, "leave", new Changes()),
            ev(4, EventType.JOINED_LOBBY, otherId, 3, LOBBY, "marker", lobbyFields(LOBBY, false, 0)));
        assertThat(evs(bothWatcherEvents.take(11))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, playerId, 1, 0, null, defaults()),
            ev(2, EventType.CLIENT_UPDATED, playerId, 2, 0, "away", new Changes().afk(true)),
            ev(3, EventType.CLIENT_UPDATED, playerId, 3, 0, "join", new Changes().lobbyId(LOBBY).ready(true)),
            ev(4, EventType.JOINED_LOBBY, playerId, 3, LOBBY, "join", joined),
            ev(5, EventType.CLIENT_UPDATED, playerId, 4, 0, "full",
                new Changes().status(Status.IDLE).playerNumber(2)),
            ev(6, EventType.LOBBY_CLIENT_CHANGE, playerId, 4, LOBBY, "full", new Changes().playerNumber(2)),
            ev(7, EventType.CLIENT_UPDATED, playerId, 5, 0, "attr", new Changes().attribute("mood", "happy")),
            ev(8, EventType.CLIENT_UPDATED, playerId, 6, 0, "leave", new Changes().lobbyId(0)),
            ev(9, EventType.LEFT_LOBBY, playerId, 6, LOBBY, "leave", new Changes()),
            ev(10, EventType.CLIENT_UPDATED, playerId, 7, 0, "back", new Changes().afk(false)),
            ev(11, EventType.JOINED_LOBBY, otherId, 3, LOBBY, "marker", lobbyFields(LOBBY, false, 0)));
        assertThat(clientWatcher.lastSeq()).isEqualTo(9);
        assertThat(lobbyWatcher.lastSeq()).isEqualTo(4);
        assertThat(bothWatcher.lastSeq()).isEqualTo(11);

        final Changes playerState = defaults().status(Status.IDLE).ready(true).playerNumber(2)
            .attribute("mood", "happy");
        assertThat(await(other.getClients(playerId)))
            .containsExactly(new ClientSnapshot(playerId, true, true, 0, 7, playerState));
    }

    @Test
    void shouldHideInvisibleClientsFromOthersButNotFromThemselves()
    {
        final long askerId = 21;
        final long visibleId = 22;
        final long hiddenId = 23;
        final long goneId = 24;
        final long absentId = 999;
        final EventProbe askerEvents = EventProbe.replenishing(4);
        final RollcallClient asker = connect(askerId, askerEvents);
        assertThat(await(asker.subscribe(new long[] {goneId, hiddenId}, null))).isEqualTo(Result.APPLIED);
        connect(visibleId, EventProbe.requesting(1));
        final RollcallClient hidden = connect(
            client(server.port(), hiddenId).presence(new Changes().status(Status.INVISIBLE)),
            EventProbe.requesting(1));
        final RollcallClient gone = connect(goneId, EventProbe.requesting(1));
        for (long extra = 25; extra <= 29; extra++)
        {
            connect(extra, EventProbe.requesting(1));
        }
        gone.close();
        // identify connects and applies the presence in one input: an invisible user is never shown
        assertThat(evs(askerEvents.take(2))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, goneId, 1, 0, null, defaults()),
            ev(2, EventType.CLIENT_DISCONNECTED, goneId, 2, 0, null, new Changes()));

        final List<ClientSnapshot> seen = await(asker.getClients(visibleId, hiddenId, absentId, askerId, goneId));
        assertThat(seen).hasSize(5);
        assertThat(seen.get(0)).isEqualTo(new ClientSnapshot(visibleId, true, true, 0, 1, defaults()));
        assertThat(seen.get(1)).isEqualTo(new ClientSnapshot(hiddenId, false, false, 0, 0, new Changes()));
        assertThat(seen.get(2)).isEqualTo(new ClientSnapshot(absentId, false, false, 0, 0, new Changes()));
        assertThat(seen.get(3)).isEqualTo(new ClientSnapshot(askerId, true, true, 0, 1, defaults()));
        assertThat(seen.get(4).present()).isTrue();
        assertThat(seen.get(4).connected()).isFalse();
        assertThat(seen.get(4).lastDisconnected()).isPositive();
        assertThat(seen.get(4).updateId()).isEqualTo(2);
        assertThat(await(hidden.getClients(hiddenId))).containsExactly(new ClientSnapshot(hiddenId, true, true, 0, 1,
            defaults().status(Status.INVISIBLE)));

        final List<ClientIdPage> pages = new ArrayList<>();
        long cursor = 0;
        do
        {
            final ClientIdPage page = await(asker.listClientIds(cursor, 3));
            pages.add(page);
            cursor = page.nextCursor();
        }
        while (cursor != 0 && pages.size() < 10);
        assertThat(pages).containsExactly(
            new ClientIdPage(new long[] {21, 22, 24}, 24),
            new ClientIdPage(new long[] {25, 26, 27}, 27),
            new ClientIdPage(new long[] {28, 29}, 0));
        assertThat(await(asker.listClientIds(29, 5))).isEqualTo(new ClientIdPage(new long[0], 0));
        assertThat(await(asker.listAllClientIds())).containsExactly(21, 22, 24, 25, 26, 27, 28, 29);
        assertThat(await(hidden.listAllClientIds())).containsExactly(21, 22, 23, 24, 25, 26, 27, 28, 29);
        assertThat(await(hidden.listClientIds(22, 2))).isEqualTo(new ClientIdPage(new long[] {23, 24}, 24));

        assertThat(await(hidden.update(new Changes().status(Status.ONLINE), "visible")))
            .isEqualTo(Result.APPLIED);
        assertThat(evs(askerEvents.take(1))).containsExactly(
            ev(3, EventType.CLIENT_CONNECTED, hiddenId, 2, 0, null, defaults()));
        assertThat(await(asker.getClients(hiddenId))).containsExactly(
            new ClientSnapshot(hiddenId, true, true, 0, 2, defaults()));
    }
}
