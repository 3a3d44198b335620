package dev.rollcall.gateway.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.gateway.websocket.WebPages;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard ({@code /dashboard}) in headless Chromium, read through its DOM: first fed by a scripted server
 * inside the page (the page's own logic, whatever the server does), then by a real gateway while real clients
 * connect, change their status and lobby, disconnect and are destroyed at the end of their grace. Screenshots go
 * to {@code gateway/target/interop/}. Every wait is a poll with a deadline; the assertions are on what the poll
 * returned.
 */
class InteropChromiumDashboardTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long GRACE_MS = 3_000;
    private static final long OBSERVER = 900;
    private static final Pattern GRACE_TEXT = Pattern.compile("in grace (\\d+) s");
    private static final String LOADED = "document.getElementById('clients').dataset.loaded";
    private static final String CONNECTION = "document.getElementById('connection').dataset.state";
    private static final String COUNTS =
        "['connected-count', 'grace-count', 'lobby-count'].map(id => document.getElementById(id).textContent).join(' ')";
    private static final String NOTICE = "document.getElementById('notice').textContent";

    @BeforeEach
    void requireChromium()
    {
        ExternalProgram.require(ChromiumDriver.isInstalled(), ChromiumDriver.EXECUTABLE +
            " is not installed (apt-get install chromium)");
    }

    @Test
    void shouldDrawWhatAScriptedServerSaysAndFollowItLive() throws Exception
    {
        final byte[] page = scriptedDashboard();
        try (InteropGateway server = new InteropGateway(ctx -> ctx.webPage("/dashboard-scripted", page));
             ChromiumDriver chromium = ChromiumDriver.open(server.pageUrl("/dashboard-scripted#token=scripted-token")))
        {
            final Dashboard dashboard = new Dashboard(chromium);
            dashboard.await(LOADED, "true"::equals, "the table loaded");
            assertThat(dashboard.await(CONNECTION, "live"::equals, "live")).isEqualTo("live");

            // the table as loaded: every client, invisible ones too, and the one in grace with its countdown
            assertThat(dashboard.row(7)).isEqualTo("ONLINE 3 connected connected");
            assertThat(dashboard.row(8)).isEqualTo("IDLE 3 connected connected");
            assertThat(dashboard.row(23)).isEqualTo("INVISIBLE 0 connected connected");
            assertThat(dashboard.row(19)).matches("ONLINE 5 grace in grace [1-4] s");
            assertThat(dashboard.members(3)).isEqualTo("7 8 31");
            assertThat(dashboard.members(5)).isEqualTo("12 19 21");
            assertThat(dashboard.text(COUNTS)).isEqualTo("9 1 2");
            final JsonNode received = chromium.evaluate("scriptedServer.received");
            assertThat(received.get(0).get("op").asText()).isEqualTo("identify");
            assertThat(received.get(0).get("token").asText()).isEqualTo("scripted-token");
            assertThat(chromium.evaluate("scriptedServer.urls[0]").asText()).endsWith("/rollcall rollcall.json.v1");

            // live: a client connects, changes its status, joins a lobby
            chromium.evaluate("scriptedServer.connect(42, { status: 'DND' })");
            assertThat(dashboard.awaitRow(42, "DND 0 connected connected"::equals)).isEqualTo("DND 0 connected connected");
            chromium.evaluate("scriptedServer.update(42, { status: 'IDLE' })");
            assertThat(dashboard.awaitRow(42, row -> row.startsWith("IDLE"))).isEqualTo("IDLE 0 connected connected");
            chromium.evaluate("scriptedServer.update(42, { lobbyId: 7, ready: true })");
            assertThat(dashboard.awaitRow(42, row -> row.startsWith("IDLE 7"))).isEqualTo("IDLE 7 connected connected");
            assertThat(dashboard.members(7)).isEqualTo("42");
            assertThat(chromium.evaluate("document.querySelector('#lobbies [data-lobby=\"7\"] [data-member=\"42\"]').className")
                .asText()).contains("ready");

            // the seeded client in grace is destroyed when its grace ends: gone from the table and its lobby
            assertThat(dashboard.awaitRow(19, "none"::equals)).isEqualTo("none");
            assertThat(dashboard.members(5)).isEqualTo("12 21");

            // a disconnection: in grace, counting down
            chromium.evaluate("scriptedServer.disconnect(42)");
            final String inGrace = dashboard.awaitRow(42, row -> row.contains(" grace "));
            assertThat(inGrace).matches("IDLE 7 grace in grace [1-4] s");
            final int first = graceSeconds(inGrace);
            assertThat(graceSeconds(dashboard.awaitRow(42, row -> graceSeconds(row) < first)))
                .as("the countdown goes down").isLessThan(first);
            assertThat(dashboard.text(COUNTS)).isEqualTo("9 1 3");
            chromium.screenshotWholePage(ExternalProgram.buildDirectory().resolve("interop/dashboard-scripted.png"));
            assertThat(dashboard.awaitRow(42, "none"::equals)).isEqualTo("none");
            assertThat(dashboard.text(COUNTS)).isEqualTo("9 0 2");

            // rates: events from the dispatches, refusals from the counters' deltas
            chromium.evaluate("for (let i = 0; i < 20; i++) scriptedServer.update(7, { sync: i + 1 })");
            assertThat(dashboard.awaitRate("rate-events")).isPositive();
            chromium.evaluate("scriptedServer.refuse(30)");
            assertThat(dashboard.awaitRate("rate-refusals")).isPositive();
            assertThat(dashboard.await("document.querySelector('[data-counter=\"gateway_events_dispatched\"] b')?.textContent ?? ''",
                text -> !text.isEmpty(), "the counters")).matches("[0-9,]+");

            assertThat(ops(chromium.evaluate("scriptedServer.received")))
                .as("an observer's page only reads").doesNotContain("update", "subscribe", "unsubscribe")
                .contains("identify", "list_client_ids", "get_clients", "get_stats");
            assertThat(dashboard.text(NOTICE)).isEmpty();
        }
    }

    @Test
    void shouldAskForATokenAndSayWhenTheServerRefusesIt() throws Exception
    {
        try (InteropGateway server = new InteropGateway();
             ChromiumDriver chromium = ChromiumDriver.open(server.pageUrl("/dashboard")))
        {
            final Dashboard dashboard = new Dashboard(chromium);
            assertThat(dashboard.await("document.getElementById('token-form').className", "shown"::equals, "the token form"))
                .isEqualTo("shown");
            assertThat(dashboard.text(CONNECTION)).isEqualTo("disconnected");

            chromium.evaluate("document.getElementById('token-input').value = 'not-a-token'; " +
                "document.getElementById('token-form').requestSubmit()");
            assertThat(dashboard.await(CONNECTION, "failed"::equals, "the refusal")).isEqualTo("failed");
            assertThat(chromium.evaluate("location.hash").asText()).isEqualTo("#token=not-a-token");
            assertThat(dashboard.text(NOTICE)).contains("4004").contains("./rollcall token --observer");
            assertThat(dashboard.text("document.getElementById('token-form').className")).isEqualTo("shown");
            assertThat(server.errors).isEmpty();
        }
    }

    /**
     * Needs the server's side of observers (docs/protocol.md, "Observers"): an observer token's identify creates no
     * client and its session receives every client event; GET_STATS is answered with STATS.
     */
    @Test
    void shouldShowLiveWhatRealClientsDoOnARealServer() throws Exception
    {
        try (InteropGateway server = new InteropGateway(ctx -> { }, core -> core.gracePeriodMs(GRACE_MS)))
        {
            final RollcallClient early = client(server, 101, Status.ONLINE); // closed below: its disconnection is watched
            try (ChromiumDriver chromium = ChromiumDriver.open(server.pageUrl("/dashboard#token=" +
                InteropGateway.observerToken(OBSERVER))))
            {
                final Dashboard dashboard = new Dashboard(chromium);
                dashboard.await(LOADED, "true"::equals, "the table loaded");
                assertThat(dashboard.awaitRow(101, row -> !row.equals("none"))).isEqualTo("ONLINE 0 connected connected");
                assertThat(dashboard.row(OBSERVER)).as("the observer has no client").isEqualTo("none");
                assertThat(server.gateway.rollcall().getClient(OBSERVER)).as("the observer has no client").isNull();

                try (RollcallClient second = client(server, 102, Status.ONLINE);
                     RollcallClient third = client(server, 103, Status.DND);
                     RollcallClient hidden = client(server, 104, Status.INVISIBLE))
                {
                    assertThat(dashboard.awaitRow(102, row -> !row.equals("none"))).isEqualTo("ONLINE 0 connected connected");
                    assertThat(dashboard.awaitRow(103, row -> !row.equals("none"))).isEqualTo("DND 0 connected connected");
                    assertThat(dashboard.awaitRow(104, row -> !row.equals("none")))
                        .as("an observer sees invisible clients").isEqualTo("INVISIBLE 0 connected connected");
                    assertThat(hidden.isReady()).isTrue();
                    assertThat(dashboard.awaitRate("rate-connects")).isPositive();

                    assertThat(await(second.update(new Changes().status(Status.IDLE), "away"))).isEqualTo(Result.APPLIED);
                    assertThat(dashboard.awaitRow(102, row -> row.startsWith("IDLE"))).isEqualTo("IDLE 0 connected connected");
                    assertThat(await(third.updateInLobby(new Changes().lobbyId(9).ready(true), "join"))).isEqualTo(Result.APPLIED);
                    assertThat(dashboard.awaitRow(103, row -> row.startsWith("DND 9"))).isEqualTo("DND 9 connected connected");
                    assertThat(dashboard.members(9)).isEqualTo("103");
                    assertThat(dashboard.awaitRate("rate-events")).isPositive();

                    assertThat(await(second.update(new Changes().partyId(-1), "refused"))).isEqualTo(Result.INVALID_VALUE);
                    assertThat(dashboard.awaitRate("rate-refusals")).as("a refused command counted").isPositive();
                    assertThat(dashboard.await("document.querySelector('[data-counter=\"gateway_connections_open\"] b')" +
                        "?.textContent ?? ''", text -> !text.isEmpty(), "the server's counters")).matches("[0-9,]+");

                    early.close();
                    final String inGrace = dashboard.awaitRow(101, row -> row.contains(" grace "));
                    assertThat(inGrace).matches("ONLINE 0 grace in grace [0-3] s");
                    assertThat(dashboard.text(COUNTS)).isEqualTo("3 1 1");
                    chromium.screenshotWholePage(ExternalProgram.buildDirectory().resolve("interop/dashboard.png"));

                    assertThat(dashboard.awaitRow(101, "none"::equals)).as("destroyed at the end of its grace").isEqualTo("none");
                    assertThat(dashboard.text(COUNTS)).isEqualTo("3 0 1");
                    assertThat(dashboard.text(NOTICE)).isEmpty();
                    assertThat(dashboard.text(CONNECTION)).isEqualTo("live");
                }
                assertThat(dashboard.await(COUNTS, "0 3 1"::equals, "all three in grace")).isEqualTo("0 3 1");
                chromium.screenshotWholePage(ExternalProgram.buildDirectory().resolve("interop/dashboard-grace.png"));
            }
            finally
            {
                early.close();
            }
            assertThat(server.errors).isEmpty();
        }
    }

    /** @return the dashboard page with the scripted server's script run before its own. */
    private static byte[] scriptedDashboard() throws IOException
    {
        final String dashboard = new String(WebPages.builtIn().get("/dashboard"), StandardCharsets.UTF_8);
        final String script;
        try (InputStream in = InteropChromiumDashboardTest.class.getResourceAsStream("/interop/dashboard-scripted-server.js"))
        {
            assertThat(in).as("test resource interop/dashboard-scripted-server.js").isNotNull();
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(dashboard).contains("<head>\n");
        return dashboard.replace("<head>\n", "<head>\n<script>\n" + script + "</script>\n").getBytes(StandardCharsets.UTF_8);
    }

    private static RollcallClient client(final InteropGateway server, final long userId, final Status status)
    {
        return RollcallClient.builder()
            .host("127.0.0.1")
            .port(server.gateway.port())
            .token(InteropGateway.token(userId))
            .presence(new Changes().status(status))
            .connectTimeout(TIMEOUT)
            .handshakeTimeout(TIMEOUT)
            .requestTimeout(TIMEOUT)
            .connect();
    }

    private static <T> T await(final CompletableFuture<T> future) throws Exception
    {
        return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int graceSeconds(final String row)
    {
        final Matcher matcher = GRACE_TEXT.matcher(row);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : Integer.MAX_VALUE;
    }

    private static List<String> ops(final JsonNode messages)
    {
        final List<String> ops = new ArrayList<>();
        messages.forEach(message -> ops.add(message.get("op").asText()));
        return ops;
    }

    /** Reads the dashboard's DOM through its stable ids and data attributes. */
    private static final class Dashboard
    {
        private final ChromiumDriver chromium;

        Dashboard(final ChromiumDriver chromium)
        {
            this.chromium = chromium;
        }

        /** @return {@code "STATUS LOBBY STATE TEXT"} of a user's row ({@code data-status}, {@code data-lobby}, ...), or "none". */
        String row(final long userId)
        {
            return chromium.evaluate(rowExpression(userId)).asText();
        }

        String awaitRow(final long userId, final Predicate<String> condition)
        {
            return await(rowExpression(userId), condition, "row " + userId);
        }

        /** @return the user ids listed in a lobby's card, in order, or "none". */
        String members(final long lobbyId)
        {
            return text("(() => { const lobby = document.querySelector('#lobbies [data-lobby=\"" + lobbyId + "\"]'); " +
                "return lobby ? [...lobby.querySelectorAll('[data-member]')].map(m => m.dataset.member).join(' ') : 'none'; })()");
        }

        /** @return a rate shown (per second) once it is above zero, or the last one seen at the deadline. */
        double awaitRate(final String id)
        {
            return Double.parseDouble(await("document.getElementById('" + id + "').textContent.replace(/,/g, '')",
                text -> Double.parseDouble(text) > 0, "#" + id));
        }

        String text(final String expression)
        {
            return chromium.evaluate(expression).asText();
        }

        /** Polls an expression until its value satisfies the condition or the deadline passes; returns the last value. */
        String await(final String expression, final Predicate<String> condition, final String what)
        {
            final String value = chromium.poll(expression, text ->
            {
                try
                {
                    return condition.test(text);
                }
                catch (final RuntimeException ex)
                {
                    return false;
                }
            }, TIMEOUT);
            if (!safely(condition, value))
            {
                System.err.println("waiting for " + what + ", last value '" + value + "'; the page shows:\n" + pageText() +
                    "\nChromium's stderr:\n" + chromium.stderr());
            }
            return value;
        }

        private static boolean safely(final Predicate<String> condition, final String value)
        {
            try
            {
                return condition.test(value);
            }
            catch (final RuntimeException ex)
            {
                return false;
            }
        }

        private String pageText()
        {
            try
            {
                return chromium.evaluate("document.body.innerText").asText();
            }
            catch (final AssertionError ex)
            {
                return "<" + ex.getMessage() + ">";
            }
        }

        private static String rowExpression(final long userId)
        {
            return "(() => { const row = document.querySelector('#clients tr[data-user=\"" + userId + "\"]'); " +
                "return row ? [row.dataset.status, row.dataset.lobby, row.dataset.state, row.cells[4].textContent].join(' ') " +
                ": 'none'; })()";
        }
    }
}
