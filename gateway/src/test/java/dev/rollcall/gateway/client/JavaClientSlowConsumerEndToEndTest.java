package dev.rollcall.gateway.client;

import dev.rollcall.client.ConnectionState;
import dev.rollcall.client.PresenceDispatch;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.core.Limits;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.rollcall.gateway.client.E2e.await;
import static dev.rollcall.gateway.client.E2e.client;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Java client that stops reading (its subscriber requests nothing, its event buffer fills) while the user it
 * watches floods updates: the server closes it as a {@code SLOW_CONSUMER}, a watcher that keeps up receives every
 * event in order, and the slow client, once it reads again, reconnects and receives new events.
 */
@Timeout(60)
class JavaClientSlowConsumerEndToEndTest
{
    private static final long BUSY = 71;
    private static final long WATCHER = 72;
    private static final long SLOW = 73;
    private static final int VALUE_LENGTH = 3_000;
    private static final int MAX_UPDATES = 20_000;
    private static final int LAG = 8;
    private static final int MAX_OUTBOUND_BYTES = 64 * 1024;
    private static final int AFTER_EVICTION = 50;

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

    private RollcallClient connect(final RollcallClient.Builder builder, final EventProbe probe)
    {
        final RollcallClient client = builder.build();
        clients.add(client);
        client.events().subscribe(probe);
        await(client.start());
        return client;
    }

    /** A distinct value per update, so every update is a change and every event says which update it is. */
    private static String value(final int n)
    {
        final String prefix = n + ":";
        return prefix + "x".repeat(VALUE_LENGTH - prefix.length());
    }

    /** The next onReady of the evicted client, or a failure saying what the server did meanwhile. */
    private String awaitReadyAgain(final ConnectionLog log)
    {
        try
        {
            return log.nextReady();
        }
        catch (final AssertionError ex)
        {
            final List<Throwable> drops = log.disconnects;
            throw new AssertionError("the evicted client is not ready again after " + E2e.TIMEOUT + ": " +
                drops.size() + " disconnects (last: " + drops.get(drops.size() - 1) + "); server counters: RESUMES " +
                server.gateway().counter(GatewayCounter.RESUMES) + ", INVALID_SESSIONS " +
                server.gateway().counter(GatewayCounter.INVALID_SESSIONS) + ", SLOW_CONSUMERS " +
                server.gateway().counter(GatewayCounter.SLOW_CONSUMERS), ex);
        }
    }

    private static void assertWatcherEvent(final PresenceDispatch event, final int n)
    {
        assertThat(event.seq()).isEqualTo(n);
        assertThat(event.type()).isEqualTo(EventType.CLIENT_UPDATED);
        assertThat(event.userId()).isEqualTo(BUSY);
        assertThat(event.updateId()).isEqualTo(n + 1);
        assertThat(event.reason()).isEqualTo("flood");
        assertThat(updateNumber(event)).isEqualTo(n);
    }

    private static int updateNumber(final PresenceDispatch event)
    {
        final Changes changes = event.changes();
        assertThat(changes.attributeCount()).as("%s", event).isEqualTo(1);
        final String value = changes.attributeString(0);
        return Integer.parseInt(value.substring(0, value.indexOf(':')));
    }

    /**
     * With the default resume buffer (256 KiB, more than the 64 KiB outbound limit) and with one smaller than the
     * limit: either way the evicted client must get back to READY.
     */
    @ParameterizedTest(name = "sessionBufferBytes {0}")
    @ValueSource(ints = {256 * 1024, 32 * 1024})
    void shouldEvictASlowConsumerWhileAWatcherThatKeepsUpGetsEveryEventInOrder(final int sessionBufferBytes)
        throws Exception
    {
        server = EndToEndGateway.start(
            ctx -> ctx.maxOutboundBytes(MAX_OUTBOUND_BYTES).sessionBufferBytes(sessionBufferBytes)
                .rateLimitCommands(1_000_000).maxFrameSize(16 * 1024).lingerMs(200),
            core -> core.gracePeriodMs(60_000).limits(new Limits(16, 32, 4_096, 128)));
        final EventProbe watcherEvents = EventProbe.replenishing(64);
        final RollcallClient watcher = connect(client(server.port(), WATCHER), watcherEvents);
        final ConnectionLog slowLog = new ConnectionLog();
        final EventProbe slowEvents = EventProbe.requesting(0);
        final RollcallClient slow = connect(
            client(server.port(), SLOW).eventBufferSize(4).receiveBufferSize(4096).listener(slowLog), slowEvents);
        final RollcallClient busy = connect(client(server.port(), BUSY), EventProbe.requesting(1));
        assertThat(await(watcher.subscribe(new long[] {BUSY}, null))).isEqualTo(Result.APPLIED);
        assertThat(await(slow.subscribe(new long[] {BUSY}, null))).isEqualTo(Result.APPLIED);
        slowLog.nextReady();

        // the flood is paced by the watcher: update n is sent once the watcher has received event n - LAG, so the
        // watcher is never more than LAG events (LAG * VALUE_LENGTH bytes) behind, well within maxOutboundBytes
        final ArrayDeque<CompletableFuture<Result>> inFlight = new ArrayDeque<>();
        int updates = 0;
        int checked = 0;
        int stopAt = MAX_UPDATES;
        while (updates < stopAt)
        {
            while (checked < updates + 1 - LAG)
            {
                checked++;
                assertWatcherEvent(watcherEvents.take(), checked);
            }
            if (inFlight.size() == LAG)
            {
                assertThat(await(inFlight.poll())).isEqualTo(Result.APPLIED);
            }
            updates++;
            inFlight.add(busy.update(new Changes().attribute("blob", value(updates)), "flood"));
            if (stopAt == MAX_UPDATES && server.gateway().errorCount(ErrorCode.SLOW_CONSUMER) > 0)
            {
                stopAt = updates + AFTER_EVICTION;
            }
        }
        while (!inFlight.isEmpty())
        {
            assertThat(await(inFlight.poll())).isEqualTo(Result.APPLIED);
        }
        while (checked < updates)
        {
            checked++;
            assertWatcherEvent(watcherEvents.take(), checked);
        }
        assertThat(server.gateway().errorCount(ErrorCode.SLOW_CONSUMER))
            .as("slow consumers closed after %d updates", updates).isEqualTo(1);
        assertThat(server.gateway().counter(GatewayCounter.SLOW_CONSUMERS)).isEqualTo(1);
        assertThat(watcher.state()).isEqualTo(ConnectionState.READY);
        assertThat(slowEvents.received()).isEqualTo(0);

        slowEvents.request(Long.MAX_VALUE);
        assertThat(slowLog.nextDisconnect()).isNotNull();
        final String ready = awaitReadyAgain(slowLog);
        await(slow.whenReady());
        assertThat(ready).matches("(resumed|identified) " + slow.sessionId());
        assertThat(await(busy.update(new Changes().attribute("blob", value(updates + 1)), "marker")))
            .isEqualTo(Result.APPLIED);
        final List<PresenceDispatch> caughtUp = slowEvents.takeThrough(event -> "marker".equals(event.reason()));
        int previous = 0;
        for (final PresenceDispatch event : caughtUp)
        {
            assertThat(updateNumber(event)).as("updates received by the slow client, in order: %s", event)
                .isGreaterThan(previous);
            previous = updateNumber(event);
        }
        assertThat(previous).isEqualTo(updates + 1);
        assertThat(slow.state()).isEqualTo(ConnectionState.READY);
        assertThat(server.gateway().rollcall().getClient(SLOW).connected()).isTrue();
        final PresenceDispatch marker = watcherEvents.take();
        assertThat(marker.seq()).isEqualTo(updates + 1);
        assertThat(marker.reason()).isEqualTo("marker");
    }
}
