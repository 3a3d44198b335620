package dev.rollcall.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollcall.gateway.GatewayContext;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The built-in pages: served at their paths, and connecting to the WebSocket wherever {@code --ws-path} puts it. */
class WebPagesTest
{
    @Test
    void shouldServeTheExampleAndTheDashboard()
    {
        assertThat(WebPages.builtIn().keySet()).containsExactlyInAnyOrder("/", "/dashboard");
        final String dashboard = text(WebPages.builtIn().get("/dashboard"));
        assertThat(dashboard).startsWith("<!doctype html>").contains("const WS_PATH = \"/rollcall\";")
            .contains("rollcall.json.v1").contains("id=\"connected-count\"").contains("id=\"grace-count\"");
        assertThat(dashboard).as("one file, nothing fetched from elsewhere").doesNotContain("http://", "https://", "src=", "href=");
        assertThat(WebPages.builtIn().get("/dashboard")).as("small").hasSizeLessThan(64 * 1024);

        final WebSocketHandshake answer = WebSocketHandshake.accept(
            "GET /dashboard HTTP/1.1\r\nHost: 127.0.0.1:7451\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            GatewayContext.DEFAULT_WEBSOCKET_PATH, Set.of(), List.of("rollcall.json.v1"), WebPages.builtIn());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(text(answer.response())).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Type: text/html; charset=utf-8")
            .endsWith(dashboard);
    }

    @Test
    void shouldPointTheBuiltInPagesAtAnotherWebSocketPath()
    {
        final Map<String, byte[]> pages = WebPages.forPath(WebPages.builtIn(), "/ws/presence");

        assertThat(text(pages.get("/dashboard"))).contains("const WS_PATH = \"/ws/presence\";").doesNotContain("\"/rollcall\"");
        assertThat(text(pages.get("/"))).contains("location.host + \"/ws/presence\"").doesNotContain("\"/rollcall\"");
        assertThat(WebPages.forPath(WebPages.builtIn(), "/rollcall")).isSameAs(WebPages.builtIn());
    }

    @Test
    void shouldLeaveAPageTheServerWasGivenAlone()
    {
        final byte[] own = "<p>\"/rollcall\"</p>".getBytes(StandardCharsets.UTF_8);
        final Map<String, byte[]> pages = Map.of("/", WebPages.builtIn().get("/"), "/dashboard", own);

        final Map<String, byte[]> adjusted = WebPages.forPath(pages, "/other");

        assertThat(adjusted.get("/dashboard")).isSameAs(own);
        assertThat(text(adjusted.get("/"))).contains("\"/other\"");
    }

    @Test
    void shouldWriteThePathAsAStringNoPathCanBreakOutOf()
    {
        assertThat(WebPages.javaScriptString("/a\"b\\c</script>")).isEqualTo("\"/a\\\"b\\\\c\\u003c/script>\"");
        final String dashboard = text(WebPages.forPath(WebPages.builtIn(), "/x\"</script>").get("/dashboard"));
        assertThat(dashboard).contains("const WS_PATH = \"/x\\\"\\u003c/script>\";");
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
