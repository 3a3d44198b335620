package dev.rollcall.gateway.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.gateway.GatewayCounter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with the Python package {@code websockets} (Debian's {@code python3-websockets},
 * run by {@code /usr/bin/python3}): a JSON client and a binary client written in Python from
 * the protocol document, on one gateway.
 */
class InteropPythonWebsocketsTest
{
    private static final String PYTHON = "/usr/bin/python3";

    @BeforeEach
    void requirePythonWebsockets()
    {
        ExternalProgram.require(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing (apt-get install python3-websockets)");
        ExternalProgram.require(ExternalProgram.probe(PYTHON, "-c", "import websockets").isPresent(),
            "the Python package websockets is missing for " + PYTHON + " (apt-get install python3-websockets)");
    }

    @Test
    void shouldIdentifyUpdateAndHeartbeatFromPythonInJsonAndBinary() throws Exception
    {
        final List<JsonNode> lines;
        try (InteropGateway server = new InteropGateway())
        {
            final ExternalProgram.Outcome outcome = ExternalProgram.run(
                List.of(PYTHON, ExternalProgram.script("python_websockets_client.py").toString(), server.webSocketUrl(),
                    InteropGateway.token(11), InteropGateway.token(12)),
                Map.of("PYTHONDONTWRITEBYTECODE", "1"), Duration.ofSeconds(30));
            assertThat(outcome.timedOut()).as("python timed out: %s", outcome).isFalse();
            lines = outcome.jsonLines();
            assertThat(lines).as("%s", outcome).isNotEmpty();
            assertThat(lines.get(lines.size() - 1).get("event").asText()).as("%s", outcome).isEqualTo("done");
            assertThat(outcome.exitCode()).as("%s", outcome).isZero();
            assertThat(server.gateway.counter(GatewayCounter.WEBSOCKET_PROTOCOL_ERRORS)).isZero();
            assertThat(server.errors).isEmpty();
        }

        assertThat(event(lines, "websockets", null).get("version").asText()).isNotEmpty();
        final JsonNode jsonConnected = event(lines, "connected", "json");
        assertThat(jsonConnected.get("subprotocol").asText()).isEqualTo("rollcall.json.v1");
        assertThat(jsonConnected.get("extensions").isNull()).as("permessage-deflate offered, not taken").isTrue();
        final JsonNode binaryConnected = event(lines, "connected", "binary");
        assertThat(binaryConnected.get("subprotocol").asText()).isEqualTo("rollcall.binary.v1");
        assertThat(binaryConnected.get("extensions").isNull()).isTrue();

        assertThat(event(lines, "hello", "json").get("version").asInt()).isEqualTo(1);
        final JsonNode binaryHello = event(lines, "hello", "binary");
        assertThat(binaryHello.get("op").asInt()).isEqualTo(0x01);
        assertThat(binaryHello.get("version").asInt()).isEqualTo(1);
        assertThat(binaryHello.get("heartbeatIntervalMs").asInt())
            .isEqualTo(event(lines, "hello", "json").get("heartbeatIntervalMs").asInt());

        final JsonNode jsonReady = event(lines, "ready", "json");
        assertThat(jsonReady.get("userId").asLong()).isEqualTo(11);
        assertThat(jsonReady.get("seq").asLong()).isZero();
        final JsonNode binaryReady = event(lines, "ready", "binary");
        assertThat(binaryReady.get("op").asInt()).isEqualTo(0x02);
        assertThat(binaryReady.get("userId").asLong()).isEqualTo(12);
        assertThat(binaryReady.get("sessionId").asText()).isNotEqualTo(jsonReady.get("sessionId").asText());
        assertThat(event(lines, "heartbeat_ack", "binary").get("seq").asLong()).isZero();

        final List<JsonNode> jsonResults = events(lines, "result", "json");
        assertThat(jsonResults).hasSize(2);
        assertThat(jsonResults.get(0).get("requestId").asInt()).isEqualTo(1);
        assertThat(jsonResults.get(0).get("result").asText()).isEqualTo("APPLIED");
        assertThat(jsonResults.get(1).get("requestId").asInt()).isEqualTo(2);
        assertThat(jsonResults.get(1).get("result").asText()).isEqualTo("APPLIED");
        final JsonNode binaryResult = event(lines, "result", "binary");
        assertThat(binaryResult.get("op").asInt()).isEqualTo(0x06);
        assertThat(binaryResult.get("requestId").asInt()).isEqualTo(7);
        assertThat(binaryResult.get("result").asInt()).as("APPLIED").isZero();

        final List<JsonNode> dispatches = events(lines, "dispatch", "json");
        assertThat(dispatches).hasSize(2);
        final JsonNode own = dispatches.get(0);
        assertThat(own.get("type").asText()).isEqualTo("CLIENT_UPDATED");
        assertThat(own.get("userId").asLong()).isEqualTo(11);
        assertThat(own.get("seq").asLong()).isEqualTo(1);
        assertThat(own.get("reason").asText()).isEqualTo("from python");
        assertThat(own.get("changes").get("afk").asBoolean()).isTrue();
        assertThat(own.get("changes").get("attributes").get("game").asText()).isEqualTo("chess");
        final JsonNode fromBinary = dispatches.get(1);
        assertThat(fromBinary.get("type").asText()).isEqualTo("CLIENT_UPDATED");
        assertThat(fromBinary.get("userId").asLong()).isEqualTo(12);
        assertThat(fromBinary.get("seq").asLong()).isEqualTo(2);
        assertThat(fromBinary.get("reason").asText()).isEqualTo("from python bytes");
        assertThat(fromBinary.get("changes").get("status").asText()).isEqualTo("IDLE");

        assertThat(event(lines, "heartbeat_ack", "json").get("seq").asLong()).isEqualTo(2);
        final JsonNode clients = event(lines, "clients", "json").get("clients");
        assertThat(clients).hasSize(2);
        assertThat(clients.get(0).get("userId").asLong()).isEqualTo(11);
        assertThat(clients.get(0).get("state").get("status").asText()).as("the identify's presence").isEqualTo("DND");
        assertThat(clients.get(0).get("state").get("afk").asBoolean()).isTrue();
        assertThat(clients.get(0).get("state").get("attributes").get("game").asText()).isEqualTo("chess");
        assertThat(clients.get(1).get("userId").asLong()).isEqualTo(12);
        assertThat(clients.get(1).get("connected").asBoolean()).isTrue();
        assertThat(clients.get(1).get("state").get("status").asText()).isEqualTo("IDLE");

        event(lines, "pong", "json");
        assertThat(event(lines, "unread", "json").get("messages")).as("nothing unexpected arrived").isEmpty();
        assertThat(event(lines, "closed", "json").get("code").asInt()).isEqualTo(1000);
        assertThat(event(lines, "closed", "binary").get("code").asInt()).isEqualTo(1000);
    }

    private static List<JsonNode> events(final List<JsonNode> lines, final String event, final String client)
    {
        return lines.stream()
            .filter(line -> event.equals(line.get("event").asText()))
            .filter(line -> null == client || client.equals(line.path("client").asText()))
            .toList();
    }

    /** @return the one line with that event (and client, unless null). */
    private static JsonNode event(final List<JsonNode> lines, final String event, final String client)
    {
        final List<JsonNode> found = events(lines, event, client);
        assertThat(found).as("one %s line%s in %s", event, null == client ? "" : " of " + client, lines).hasSize(1);
        return found.get(0);
    }
}
