package dev.rollcall.gateway.client;

import dev.rollcall.client.ConnectionLostException;
import dev.rollcall.client.ConnectionState;
import dev.rollcall.client.NotConnectedException;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.client.RollcallException;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static dev.rollcall.gateway.client.E2e.await;
import static dev.rollcall.gateway.client.E2e.client;
import static dev.rollcall.gateway.client.E2e.defaults;
import static dev.rollcall.gateway.client.E2e.ev;
import static dev.rollcall.gateway.client.E2e.evs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Java client whose connection drops comes back within the grace period and resumes its session: watchers see it
 * disconnect and reconnect, it receives the events it missed exactly once and in order, its subscriptions survive.
 * The client reaches the gateway through a {@link TcpProxy} that holds its reconnection until the test has made
 * the updates it must miss.
 */
@Timeout(30)
class JavaClientResumeEndToEndTest
{
    /** How the connection drops. */
    enum Drop
    {
        /** {@link RollcallClient#reconnect()}: the client closes its connection. */
        CLIENT_RECONNECT,
        /** The server closes it: {@code RATE_LIMITED} (resumable) after one command too many. */
        SERVER_CLOSE,
        /** The network: the proxy closes both sides. */
        NETWORK_CUT
    }

    private static final int RATE_LIMIT = 40;
    private static final int RATE_LIMIT_RESERVED = 10;
    private static final long PLAYER = 31;
    private static final long DROPPER = 32;
    private static final long WATCHER_1 = 33;
    private static final long WATCHER_2 = 34;

    private final List<RollcallClient> clients = new ArrayList<>();
    private EndToEndGateway server;
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
        if (server != null)
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

    private static void partyUpdate(final RollcallClient player, final int n)
    {
        assertThat(await(player.update(new Changes().partyId(n), "u" + n))).isEqualTo(Result.APPLIED);
    }

    @ParameterizedTest
    @EnumSource(Drop.class)
    void shouldResumeAfterADropWithinGraceAndReceiveTheMissedEventsOnceInOrder(final Drop drop) throws Exception
    {
        server = EndToEndGateway.start(
            ctx -> ctx.rateLimitCommands(RATE_LIMIT).rateLimitReserved(RATE_LIMIT_RESERVED),
            core -> core.gracePeriodMs(60_000));
        proxy = new TcpProxy(server.port());
        final EventProbe watcher1Events = EventProbe.replenishing(4);
        final EventProbe watcher2Events = EventProbe.requesting(16);
        final RollcallClient watcher1 = connect(client(server.port(), WATCHER_1), watcher1Events);
        final RollcallClient watcher2 = connect(client(server.port(), WATCHER_2), watcher2Events);
        assertThat(await(watcher1.subscribe(new long[] {DROPPER}, null))).isEqualTo(Result.APPLIED);
        assertThat(await(watcher2.subscribe(new long[] {DROPPER}, null))).isEqualTo(Result.APPLIED);
        final RollcallClient player = connect(client(server.port(), PLAYER), EventProbe.requesting(1));
        final ConnectionLog log = new ConnectionLog();
        final EventProbe dropperEvents = EventProbe.requesting(3);
        final RollcallClient dropper = connect(client(proxy.port(), DROPPER).listener(log), dropperEvents);
        assertThat(await(dropper.subscribe(new long[] {PLAYER}, null))).isEqualTo(Result.APPLIED);
        final long sessionId = dropper.sessionId();
        assertThat(log.nextReady()).isEqualTo("identified " + sessionId);
        partyUpdate(player, 1);
        assertThat(evs(dropperEvents.take(1))).containsExactly(
            ev(1, EventType.CLIENT_UPDATED, PLAYER, 2, 0, "u1", new Changes().partyId(1)));
        for (final EventProbe watcher : List.of(watcher1Events, watcher2Events))
        {
            assertThat(evs(watcher.take(1))).containsExactly(
                ev(1, EventType.CLIENT_CONNECTED, DROPPER, 1, 0, null, defaults()));
        }

        proxy.hold();
        final CompletableFuture<Void> back = drop(drop, dropper);
        final Throwable cause = log.nextDisconnect();
        switch (drop)
        {
            case CLIENT_RECONNECT -> assertThat(cause).isInstanceOf(RollcallException.class)
                .hasMessageContaining("reconnect requested");
            case SERVER_CLOSE -> assertThat(cause).isInstanceOf(RollcallException.class)
                .satisfies(ex -> assertThat(((RollcallException)ex).errorCode()).isEqualTo(ErrorCode.RATE_LIMITED));
            case NETWORK_CUT -> assertThat(cause).isInstanceOf(IOException.class);
            default -> throw new AssertionError(drop);
        }
        for (final EventProbe watcher : List.of(watcher1Events, watcher2Events))
        {
            assertThat(evs(watcher.take(1))).containsExactly(
                ev(2, EventType.CLIENT_DISCONNECTED, DROPPER, 2, 0, null, new Changes()));
        }
        assertThat(dropper.state()).isEqualTo(ConnectionState.RECONNECTING);
        assertThatThrownBy(() -> dropper.update(new Changes().afk(true), "queued?").join())
            .hasCauseInstanceOf(NotConnectedException.class);
        partyUpdate(player, 2);
        partyUpdate(player, 3);
        assertThat(back).isNotDone();

        proxy.release();
        await(back);

        assertThat(log.nextReady()).isEqualTo("resumed " + sessionId);
        assertThat(dropper.sessionId()).isEqualTo(sessionId);
        assertThat(evs(dropperEvents.take(2))).containsExactly(
            ev(2, EventType.CLIENT_UPDATED, PLAYER, 3, 0, "u2", new Changes().partyId(2)),
            ev(3, EventType.CLIENT_UPDATED, PLAYER, 4, 0, "u3", new Changes().partyId(3)));
        for (final EventProbe watcher : List.of(watcher1Events, watcher2Events))
        {
            assertThat(evs(watcher.take(1))).containsExactly(
                ev(3, EventType.CLIENT_CONNECTED, DROPPER, 3, 0, null, new Changes()));
        }
        dropperEvents.request(1);
        partyUpdate(player, 4);
        assertThat(evs(dropperEvents.take(1))).containsExactly(
            ev(4, EventType.CLIENT_UPDATED, PLAYER, 5, 0, "u4", new Changes().partyId(4)));
        assertThat(await(dropper.update(new Changes().afk(true), "back"))).isEqualTo(Result.APPLIED);
        for (final EventProbe watcher : List.of(watcher1Events, watcher2Events))
        {
            assertThat(evs(watcher.take(1))).containsExactly(
                ev(4, EventType.CLIENT_UPDATED, DROPPER, 4, 0, "back", new Changes().afk(true)));
        }
        assertThat(dropper.lastSeq()).isEqualTo(4);
        assertThat(dropperEvents.drained()).isEmpty();
        assertThat(log.readies).hasSize(2);
        assertThat(log.disconnects).hasSize(1);
        assertThat(server.gateway().rollcall().getClient(DROPPER).connected()).isTrue();
        assertThat(server.gateway().counter(GatewayCounter.RESUMES)).isEqualTo(1);
        assertThat(server.gateway().counter(GatewayCounter.INVALID_SESSIONS)).isZero();
        assertThat(server.gateway().errorCount(ErrorCode.RATE_LIMITED)).isEqualTo(drop == Drop.SERVER_CLOSE ? 1 : 0);
    }

    private CompletableFuture<Void> drop(final Drop drop, final RollcallClient dropper)
    {
        switch (drop)
        {
            case CLIENT_RECONNECT:
                return dropper.reconnect();
            case SERVER_CLOSE:
                // IDENTIFY and SUBSCRIBE used two frames of the window: command number 29 is refused
                for (int i = 0; i < RATE_LIMIT; i++)
                {
                    try
                    {
                        dropper.listClientIds(0, 1).join();
                    }
                    catch (final CompletionException ex)
                    {
                        assertThat(i).as("commands answered before the refusal")
                            .isEqualTo(RATE_LIMIT - RATE_LIMIT_RESERVED - 2);
                        assertThat(ex).hasCauseInstanceOf(ConnectionLostException.class);
                        return dropper.whenReady();
                    }
                }
                throw new AssertionError("no command refused");
            case NETWORK_CUT:
                proxy.cut();
                awaitState(dropper, ConnectionState.RECONNECTING);
                return dropper.whenReady();
            default:
                throw new AssertionError(drop);
        }
    }

    private static void awaitState(final RollcallClient client, final ConnectionState state)
    {
        E2e.awaitUntil(client + " is " + state, () -> client.state() == state);
    }
}
