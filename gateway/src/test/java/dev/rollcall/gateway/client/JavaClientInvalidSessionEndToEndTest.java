package dev.rollcall.gateway.client;

import dev.rollcall.client.RollcallClient;
import dev.rollcall.client.RollcallException;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.rollcall.gateway.client.E2e.await;
import static dev.rollcall.gateway.client.E2e.client;
import static dev.rollcall.gateway.client.E2e.defaults;
import static dev.rollcall.gateway.client.E2e.ev;
import static dev.rollcall.gateway.client.E2e.evs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the session cannot be resumed ({@code INVALID_SESSION}) the Java client identifies afresh by itself and keeps
 * working: a new session id, seq restarting at 1.
 */
@Timeout(30)
class JavaClientInvalidSessionEndToEndTest
{
    private final List<RollcallClient> clients = new ArrayList<>();
    private final List<EndToEndGateway> servers = new ArrayList<>();
    private TcpProxy proxy;

    @AfterEach
    void stop()
    {
        for (final RollcallClient client : clients)
        {
            client.close();
        }
        if (proxy != null)
        {
            proxy.close();
        }
        for (final EndToEndGateway server : servers)
        {
            server.close();
            assertThat(server.errors()).isEmpty();
        }
    }

    private RollcallClient connect(final RollcallClient.Builder builder, final EventProbe probe)
    {
        final RollcallClient client = builder.build();
        clients.add(client);
        client.events().subscribe(probe);
        await(client.start());
        return client;
    }

    private EndToEndGateway startServer(final int port, final Path journal, final long graceMs) throws Exception
    {
        final EndToEndGateway server = EndToEndGateway.start(ctx -> ctx.port(port), core ->
        {
            core.gracePeriodMs(graceMs);
            if (journal != null)
            {
                core.journal(ChronicleJournal.open(journal));
            }
        });
        servers.add(server);
        return server;
    }

    @Test
    void shouldIdentifyAfreshAfterAServerRestartAndKeepTheJournaledSubscriptions(@TempDir final Path journal)
        throws Exception
    {
        final long watcherId = 41;
        final long playerId = 42;
        final EndToEndGateway first = startServer(0, journal, 60_000);
        final int port = first.port();
        proxy = new TcpProxy(port);
        final ConnectionLog watcherLog = new ConnectionLog();
        final ConnectionLog playerLog = new ConnectionLog();
        final EventProbe watcherEvents = EventProbe.replenishing(4);
        final RollcallClient watcher = connect(client(port, watcherId).listener(watcherLog), watcherEvents);
        assertThat(await(watcher.subscribe(new long[] {playerId}, null))).isEqualTo(Result.APPLIED);
        final RollcallClient player = connect(client(proxy.port(), playerId).listener(playerLog),
            EventProbe.requesting(1));
        assertThat(await(player.update(new Changes().afk(true), "before"))).isEqualTo(Result.APPLIED);
        assertThat(evs(watcherEvents.take(2))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, playerId, 1, 0, null, defaults()),
            ev(2, EventType.CLIENT_UPDATED, playerId, 2, 0, "before", new Changes().afk(true)));
        final long watcherSession = watcher.sessionId();
        final long playerSession = player.sessionId();
        watcherLog.nextReady();
        playerLog.nextReady();

        proxy.hold();
        first.close();
        for (final ConnectionLog log : List.of(watcherLog, playerLog))
        {
            assertThat(log.nextDisconnect()).isInstanceOf(RollcallException.class)
                .satisfies(ex -> assertThat(((RollcallException)ex).errorCode())
                    .isEqualTo(ErrorCode.SERVER_SHUTTING_DOWN));
        }
        final EndToEndGateway second = startServer(port, journal, 60_000);
        assertThat(second.gateway().rollcall().getClient(playerId).connected()).isFalse();

        final String watcherReady = watcherLog.nextReady();
        assertThat(watcherReady).startsWith("identified ").isNotEqualTo("identified " + watcherSession);
        assertThat(watcher.sessionId()).isNotEqualTo(watcherSession);
        assertThat(watcherReady).isEqualTo("identified " + watcher.sessionId());
        assertThat(watcher.lastSeq()).isZero();
        proxy.release();
        final String playerReady = playerLog.nextReady();
        assertThat(playerReady).isEqualTo("identified " + player.sessionId());
        assertThat(player.sessionId()).isNotEqualTo(playerSession);

        assertThat(await(player.update(new Changes().afk(false), "after"))).isEqualTo(Result.APPLIED);
        assertThat(evs(watcherEvents.take(2))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, playerId, 4, 0, null, new Changes()),
            ev(2, EventType.CLIENT_UPDATED, playerId, 5, 0, "after", new Changes().afk(false)));
        assertThat(watcher.lastSeq()).isEqualTo(2);
        assertThat(second.gateway().counter(GatewayCounter.INVALID_SESSIONS)).isEqualTo(2);
        assertThat(second.gateway().counter(GatewayCounter.RESUMES)).isZero();
        assertThat(watcherLog.readies).hasSize(2);
        assertThat(playerLog.readies).hasSize(2);
    }

    @Test
    void shouldIdentifyAfreshWhenTheGraceEndedBeforeTheResume() throws Exception
    {
        final long watcherId = 51;
        final long playerId = 52;
        final long dropperId = 53;
        final EndToEndGateway server = startServer(0, null, 0);
        proxy = new TcpProxy(server.port());
        final EventProbe watcherEvents = EventProbe.replenishing(4);
        final RollcallClient watcher = connect(client(server.port(), watcherId), watcherEvents);
        assertThat(await(watcher.subscribe(new long[] {dropperId}, null))).isEqualTo(Result.APPLIED);
        final RollcallClient player = connect(client(server.port(), playerId), EventProbe.requesting(1));
        final Changes initial = new Changes().status(Status.DND);
        final ConnectionLog log = new ConnectionLog();
        final EventProbe dropperEvents = EventProbe.requesting(8);
        final RollcallClient dropper = connect(client(proxy.port(), dropperId).presence(initial).listener(log),
            dropperEvents);
        assertThat(await(dropper.subscribe(new long[] {playerId}, null))).isEqualTo(Result.APPLIED);
        assertThat(await(player.update(new Changes().partyId(1), "u1"))).isEqualTo(Result.APPLIED);
        assertThat(evs(dropperEvents.take(1))).containsExactly(
            ev(1, EventType.CLIENT_UPDATED, playerId, 2, 0, "u1", new Changes().partyId(1)));
        assertThat(evs(watcherEvents.take(1))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, dropperId, 1, 0, null, defaults().status(Status.DND)));
        final long sessionId = dropper.sessionId();
        log.nextReady();

        proxy.hold();
        final CompletableFuture<Void> back = dropper.reconnect();
        assertThat(evs(watcherEvents.take(1))).containsExactly(
            ev(2, EventType.CLIENT_DESTROYED, dropperId, 2, 0, null, new Changes()));
        E2e.awaitUntil("the dropper's client is destroyed",
            () -> server.gateway().rollcall().getClient(dropperId) == null);
        assertThat(await(player.update(new Changes().partyId(2), "missed"))).isEqualTo(Result.APPLIED);
        proxy.release();
        await(back);

        assertThat(log.nextReady()).isEqualTo("identified " + dropper.sessionId());
        assertThat(dropper.sessionId()).isNotEqualTo(sessionId);
        assertThat(evs(watcherEvents.take(1))).containsExactly(
            ev(3, EventType.CLIENT_CONNECTED, dropperId, 1, 0, null, defaults().status(Status.DND)));
        // the subscriptions died with the destroyed client
        assertThat(await(dropper.subscribe(new long[] {playerId}, null))).isEqualTo(Result.APPLIED);
        assertThat(await(player.update(new Changes().partyId(3), "u3"))).isEqualTo(Result.APPLIED);
        assertThat(evs(dropperEvents.take(1))).containsExactly(
            ev(1, EventType.CLIENT_UPDATED, playerId, 4, 0, "u3", new Changes().partyId(3)));
        assertThat(dropper.lastSeq()).isEqualTo(1);
        assertThat(dropperEvents.drained()).isEmpty();
        assertThat(server.gateway().counter(GatewayCounter.INVALID_SESSIONS)).isPositive();
        assertThat(server.gateway().counter(GatewayCounter.RESUMES)).isZero();
    }
}
