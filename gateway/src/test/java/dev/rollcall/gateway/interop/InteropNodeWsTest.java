package dev.rollcall.gateway.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.protocol.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with the npm package {@code ws} 8.x, a strict RFC 6455 client nobody here wrote:
 * several Node.js clients on the JSON subprotocol (fan-out of an update sent in fragments split
 * inside UTF-8 characters, ping/pong, a server message over 64 KiB, a protocol close with 4002,
 * clean client closes).
 */
class InteropNodeWsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "node-ws-clients.js";
    /** The folder holding node_modules/ws and a copy of the script (so that require("ws") finds that ws first). */
    private static Path prefix;

    /** The exact version installed (once per build directory, then reused): a run is reproducible. */
    private static final String WS_VERSION = "8.23.1";

    /** Why the test cannot run here (no node, no npm, the install failed), or null. */
    private static String missing;

    @BeforeAll
    static void installWs() throws Exception
    {
        if (ExternalProgram.probe("node", "--version").isEmpty())
        {
            missing = "node is not installed (Node.js 18 or later runs the ws 8 clients)";
            return;
        }
        if (ExternalProgram.probe("npm", "--version").isEmpty())
        {
            missing = "npm is not installed (it installs the npm package ws 8 for the interop test)";
            return;
        }
        final Path folder = ExternalProgram.buildDirectory().resolve("interop-node");
        Files.createDirectories(folder);
        final Path installed = folder.resolve("node_modules/ws/package.json");
        if (!Files.isRegularFile(installed) || !Files.readString(installed).contains("\"version\": \"" + WS_VERSION + "\""))
        {
            final ExternalProgram.Outcome install = ExternalProgram.run(
                List.of("npm", "install", "--prefix", folder.toString(), "ws@" + WS_VERSION, "--no-audit", "--no-fund"),
                Map.of(), Duration.ofMinutes(3));
            if (0 != install.exitCode() || !Files.isRegularFile(installed))
            {
                missing = "npm install ws@" + WS_VERSION + " failed: " + install;
                return;
            }
        }
        Files.copy(ExternalProgram.script(SCRIPT), folder.resolve(SCRIPT), StandardCopyOption.REPLACE_EXISTING);
        prefix = folder;
    }

    @BeforeEach
    void requireWs()
    {
        ExternalProgram.require(null == missing, missing);
    }

    @Test
    void shouldFanOutUpdatesToWsClientsAndCloseWithProtocolCodes() throws Exception
    {
        final List<JsonNode> lines;
        try (InteropGateway server = new InteropGateway())
        {
            final ObjectNode config = JSON.createObjectNode().put("url", server.webSocketUrl());
            final ObjectNode tokens = config.putObject("tokens");
            tokens.put("alice", InteropGateway.token(1));
            tokens.put("bob", InteropGateway.token(2));
            tokens.put("player", InteropGateway.token(3));
            tokens.put("rude", InteropGateway.token(4));
            final ExternalProgram.Outcome outcome = ExternalProgram.run(
                List.of("node", prefix.resolve(SCRIPT).toString(), config.toString()), Map.of(), Duration.ofSeconds(30));
            assertThat(outcome.timedOut()).as("node timed out: %s", outcome).isFalse();
            lines = outcome.jsonLines();
            assertThat(lines).as("%s", outcome).isNotEmpty();
            assertThat(lines.get(lines.size() - 1).get("event").asText()).as("%s", outcome).isEqualTo("done");
            assertThat(outcome.exitCode()).as("%s", outcome).isZero();
            assertThat(lines).as("no client saw a WebSocket error: %s", outcome)
                .noneMatch(line -> "ws_error".equals(line.get("event").asText()));

            assertThat(server.gateway.errorCount(ErrorCode.MALFORMED_FRAME)).isEqualTo(1);
            assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).isZero();
            assertThat(server.errors).isEmpty();
        }

        assertThat(event(lines, "ws", null).get("version").asText()).startsWith("8.");
        for (final String name : List.of("alice", "bob", "player", "rude"))
        {
            final JsonNode ready = event(lines, "ready", name);
            assertThat(ready.get("protocol").asText()).isEqualTo("rollcall.json.v1");
            assertThat(ready.get("sessionId").isTextual()).as("%s", ready).isTrue();
        }
        assertThat(event(lines, "ready", "player").get("userId").asLong()).isEqualTo(3);
        assertThat(event(lines, "subscribed", "alice").get("result").asText()).isEqualTo("APPLIED");
        assertThat(event(lines, "subscribed", "bob").get("requestId").asInt()).isEqualTo(2);
        assertThat(event(lines, "subscribed", "bob").get("result").asText()).isEqualTo("APPLIED");
        assertThat(event(lines, "updated", "player").get("result").asText()).isEqualTo("APPLIED");

        final List<JsonNode> dispatches = lines.stream().filter(line -> "dispatch".equals(line.get("event").asText())).toList();
        assertThat(dispatches).hasSize(4);
        for (final String watcher : List.of("alice", "bob"))
        {
            final List<JsonNode> seen = dispatches.stream()
                .filter(line -> watcher.equals(line.get("client").asText()))
                .map(line -> line.get("dispatch"))
                .toList();
            assertThat(seen).as(watcher).hasSize(2);
            final JsonNode updated = seen.get(0);
            assertThat(updated.get("type").asText()).isEqualTo("CLIENT_UPDATED");
            assertThat(updated.get("userId").asLong()).isEqualTo(3);
            assertThat(updated.get("seq").asLong()).isEqualTo(1);
            assertThat(updated.get("reason").asText()).isEqualTo("caf\u00e9 \u2615 break");
            assertThat(updated.get("changes").get("status").asText()).isEqualTo("IDLE");
            assertThat(updated.get("changes").get("attributes").get("map").asText()).isEqualTo("dune");
            assertThat(updated.get("changes").get("attributes").get("motto").asText()).isEqualTo("\u00e9".repeat(60));
            final JsonNode gone = seen.get(1);
            assertThat(gone.get("type").asText()).isEqualTo("CLIENT_DISCONNECTED");
            assertThat(gone.get("userId").asLong()).isEqualTo(3);
            assertThat(gone.get("seq").asLong()).isEqualTo(2);
        }

        assertThat(event(lines, "pong", "alice").get("payload").asText()).isEqualTo("are you there?");

        final JsonNode big = event(lines, "big", "alice");
        assertThat(big.get("result").asText()).isEqualTo("APPLIED");
        assertThat(big.get("bytes").asInt()).as("a message with a 64-bit payload length").isGreaterThan(65_535);
        assertThat(big.get("count").asInt()).isEqualTo(24);
        assertThat(big.get("complete").asBoolean()).as("every client in it carries the 12 attributes set").isTrue();

        final JsonNode rude = event(lines, "rude", null);
        assertThat(rude.get("errorCode").asInt()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
        assertThat(rude.get("errorName").asText()).isEqualTo("MALFORMED_FRAME");
        assertThat(rude.get("closeMessageCode").asInt()).isEqualTo(4002);
        assertThat(rude.get("closeCode").asInt()).isEqualTo(4002);
        assertThat(rude.get("wsErrors")).isEmpty();

        for (final String name : List.of("player", "alice", "bob"))
        {
            final JsonNode closed = event(lines, "client_close", name);
            assertThat(closed.get("code").asInt()).as("%s", closed).isEqualTo(1000);
            assertThat(closed.get("wsErrors")).as("%s", closed).isEmpty();
        }
    }

    /** @return the one line with that event (and client, unless null). */
    private static JsonNode event(final List<JsonNode> lines, final String event, final String client)
    {
        final List<JsonNode> found = lines.stream()
            .filter(line -> event.equals(line.get("event").asText()))
            .filter(line -> null == client || client.equals(line.path("client").asText()))
            .toList();
        assertThat(found).as("one %s line%s in %s", event, null == client ? "" : " of " + client, lines).hasSize(1);
        return found.get(0);
    }
}
