package dev.rollcall.gateway.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with a real browser: headless Chromium opens a page served by the gateway on its
 * WebSocket port and talks to it with the browser's own {@code WebSocket} (the built-in
 * browser example, then the README's).
 */
class InteropChromiumTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE = "document.getElementById(\"state\").textContent";
    private static final String LOG = "document.getElementById(\"log\").textContent";
    private static final String SEEN = "idle, seen";
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern README_EXAMPLE =
        Pattern.compile("<!-- browser-example -->\\n```html\\n(.*?)```", Pattern.DOTALL);

    @BeforeEach
    void requireChromium()
    {
        ExternalProgram.require(ChromiumDriver.isInstalled(), ChromiumDriver.EXECUTABLE +
            " is not installed (apt-get install chromium)");
    }

    @Test
    void shouldRunTheBuiltInBrowserExampleInChromium() throws Exception
    {
        try (InteropGateway server = new InteropGateway();
             ChromiumDriver chromium = ChromiumDriver.open(server.pageUrl("/?token=" + InteropGateway.token(21))))
        {
            final String state = chromium.poll(STATE, SEEN::equals, PAGE_TIMEOUT);
            final String log = chromium.evaluate(LOG).asText();
            chromium.screenshot(ExternalProgram.buildDirectory().resolve("interop/browser-example.png"));
            assertThat(state).as("#state; #log:\n%s\nChromium's stderr:\n%s", log, chromium.stderr()).isEqualTo(SEEN);

            final List<JsonNode> messages = messages(log);
            assertThat(messages.get(0).get("op").asText()).isEqualTo("hello");
            final JsonNode ready = first(messages, "ready", log);
            assertThat(ready.get("userId").asLong()).isEqualTo(21);
            assertThat(ready.get("sessionId").isTextual()).isTrue();
            final JsonNode dispatch = first(messages, "dispatch", log);
            assertThat(dispatch.get("type").asText()).isEqualTo("CLIENT_UPDATED");
            assertThat(dispatch.get("userId").asLong()).isEqualTo(21);
            assertThat(dispatch.get("seq").asLong()).isEqualTo(1);
            assertThat(dispatch.get("reason").asText()).isEqualTo("from a browser");
            assertThat(dispatch.get("changes").get("status").asText()).isEqualTo("IDLE");
            assertThat(log).as("the page saw no close").doesNotContain("closed ");
            assertThat(server.gateway.rollcall().getClient(21).connected()).isTrue();
            assertThat(server.errors).isEmpty();
        }
    }

    @Test
    void shouldRunTheReadmeBrowserExampleInChromium() throws Exception
    {
        final String example = readmeBrowserExample();
        final byte[] page = example.getBytes(StandardCharsets.UTF_8);
        try (InteropGateway server = new InteropGateway(ctx -> ctx.webPage("/readme-example", page));
             ChromiumDriver chromium = ChromiumDriver.open(server.pageUrl("/readme-example?token=" + InteropGateway.token(22))))
        {
            final String state = chromium.poll(STATE, SEEN::equals, PAGE_TIMEOUT);
            chromium.screenshot(ExternalProgram.buildDirectory().resolve("interop/readme-example.png"));
            assertThat(state).as("#state of the README's example; Chromium's stderr:\n%s", chromium.stderr()).isEqualTo(SEEN);
            assertThat(server.gateway.rollcall().getClient(22).connected()).isTrue();
            assertThat(server.errors).isEmpty();
        }
    }

    /** @return the README's html block that follows {@code <!-- browser-example -->}. */
    private static String readmeBrowserExample() throws IOException
    {
        final Path readme = ExternalProgram.buildDirectory().getParent().getParent().resolve("README.md");
        final Matcher matcher = README_EXAMPLE.matcher(Files.readString(readme, StandardCharsets.UTF_8));
        assertThat(matcher.find()).as("README.md has an html block right after <!-- browser-example -->").isTrue();
        final String example = matcher.group(1);
        assertThat(example.lines().count()).as("the README's browser example stays short").isLessThanOrEqualTo(20);
        return example;
    }

    /** @return the page's #log lines that are server messages (JSON), in order. */
    private static List<JsonNode> messages(final String log) throws IOException
    {
        final List<JsonNode> messages = new ArrayList<>();
        for (final String line : log.split("\n"))
        {
            if (line.startsWith("{"))
            {
                messages.add(JSON.readTree(line));
            }
        }
        assertThat(messages).as("#log:\n%s", log).isNotEmpty();
        return messages;
    }

    private static JsonNode first(final List<JsonNode> messages, final String op, final String log)
    {
        return messages.stream()
            .filter(message -> op.equals(message.path("op").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + op + " in #log:\n" + log));
    }
}
