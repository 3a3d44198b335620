package dev.rollcall.gateway.client;

import dev.rollcall.client.ConnectionState;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static dev.rollcall.gateway.client.E2e.await;
import static dev.rollcall.gateway.client.E2e.client;
import static dev.rollcall.gateway.client.E2e.defaults;
import static dev.rollcall.gateway.client.E2e.ev;
import static dev.rollcall.gateway.client.E2e.evs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zombie detection with a short heartbeat interval: the server closes a connection that stays silent after
 * identifying ({@code SESSION_TIMED_OUT}), while Java clients, which heartbeat every interval, stay connected.
 */
@Timeout(30)
class JavaClientHeartbeatEndToEndTest
{
    private static final int INTERVAL_MS = 400;
    private static final int MARGIN_MS = 400;
    private static final int INTERVALS = 5;

    private final List<RollcallClient> clients = new ArrayList<>();
    private EndToEndGateway server;

    @AfterEach
    void stop()
    {
        for (final RollcallClient client : clients)
        {
            client.close();
        }
        if (server != null)
        {
            server.close();
            assertThat(server.errors()).isEmpty();
        }
    }

    @Test
    void shouldCloseASilentConnectionButKeepHeartbeatingJavaClients() throws Exception
    {
        final long watcherId = 61;
        final long otherId = 62;
        final long zombieId = 63;
        server = EndToEndGateway.start(ctx -> ctx.heartbeatIntervalMs(INTERVAL_MS).heartbeatMarginMs(MARGIN_MS),
            core -> core.gracePeriodMs(60_000));
        final ConnectionLog watcherLog = new ConnectionLog();
        final ConnectionLog otherLog = new ConnectionLog();
        final EventProbe watcherEvents = EventProbe.replenishing(4);
        final RollcallClient watcher = client(server.port(), watcherId).listener(watcherLog).build();
        clients.add(watcher);
        watcher.events().subscribe(watcherEvents);
        await(watcher.start());
        final RollcallClient other = client(server.port(), otherId).listener(otherLog).build();
        clients.add(other);
        await(other.start());
        assertThat(watcher.hello().heartbeatIntervalMs()).isEqualTo(INTERVAL_MS);
        assertThat(await(watcher.subscribe(new long[] {zombieId, otherId}, null))).isEqualTo(Result.APPLIED);

        try (EndToEndGateway.SilentConnection zombie = server.identifyAndStaySilent(zombieId))
        {
            assertThat(zombie.framesUntilClosed()).containsExactly("ERROR 4009", "CLOSE 4009");
        }
        assertThat(evs(watcherEvents.take(2))).containsExactly(
            ev(1, EventType.CLIENT_CONNECTED, zombieId, 1, 0, null, defaults()),
            ev(2, EventType.CLIENT_DISCONNECTED, zombieId, 2, 0, null, new Changes()));
        assertThat(server.gateway().errorCount(ErrorCode.SESSION_TIMED_OUT))
            .as("sessions timed out (Java clients' disconnects: %s, %s)", watcherLog.disconnects, otherLog.disconnects)
            .isEqualTo(1);

        // several more intervals, counted by the heartbeats the server receives from the two Java clients
        final long frames = server.gateway().counter(GatewayCounter.FRAMES_RECEIVED);
        E2e.awaitUntil(INTERVALS + " heartbeats from each Java client",
            () -> server.gateway().counter(GatewayCounter.FRAMES_RECEIVED) >= frames + 2L * INTERVALS);

        assertThat(server.gateway().errorCount(ErrorCode.SESSION_TIMED_OUT))
            .as("sessions timed out (Java clients' disconnects: %s, %s)", watcherLog.disconnects, otherLog.disconnects)
            .isEqualTo(1);
        assertThat(server.gateway().counter(GatewayCounter.CONNECTIONS_CLOSED)).isEqualTo(1);
        for (final RollcallClient client : clients)
        {
            assertThat(client.state()).isEqualTo(ConnectionState.READY);
            assertThat(server.gateway().rollcall().getClient(client.userId()).connected()).isTrue();
        }
        assertThat(watcherLog.disconnects).isEmpty();
        assertThat(otherLog.disconnects).isEmpty();
        assertThat(watcherLog.readies).hasSize(1);
        assertThat(otherLog.readies).hasSize(1);
        assertThat(await(other.update(new Changes().afk(true), "alive"))).isEqualTo(Result.APPLIED);
        assertThat(evs(watcherEvents.take(1))).containsExactly(
            ev(3, EventType.CLIENT_UPDATED, otherId, 2, 0, "alive", new Changes().afk(true)));
    }
}
