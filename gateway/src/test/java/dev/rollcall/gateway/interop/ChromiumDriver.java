package dev.rollcall.gateway.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the DevTools protocol with the JDK's own WebSocket client: it
 * starts the browser (fresh profile, no network but loopback in use) on one page, attaches to
 * that page's debugger endpoint, evaluates JavaScript in it and takes screenshots. Closing it
 * kills the browser and its children and deletes the profile.
 */
final class ChromiumDriver implements AutoCloseable
{
    /** The program started (Debian's {@code chromium} package). */
    static final String EXECUTABLE = "chromium";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final int STDERR_LINES_KEPT = 200;

    private final Process process;
    private final Path profile;
    private final List<String> stderr = new ArrayList<>();
    private final CompletableFuture<String> browserEndpoint = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger lastId = new AtomicInteger();
    private WebSocket page;

    private ChromiumDriver(final Process process, final Path profile)
    {
        this.process = process;
        this.profile = profile;
        final Thread reader = new Thread(this::readStderr, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** @return true if {@value #EXECUTABLE} answers {@code --version}. */
    static boolean isInstalled()
    {
        return ExternalProgram.probe(EXECUTABLE, "--version").isPresent();
    }

    /**
     * Start headless Chromium on a page and attach to it.
     *
     * @param url the page (http://127.0.0.1:...: Chromium refuses WebSockets from data: pages).
     * @return the driver, attached to the page (which may still be loading).
     * @throws IOException if Chromium cannot be started.
     */
    static ChromiumDriver open(final String url) throws IOException
    {
        final Path profile = Files.createTempDirectory("rollcall-chromium-");
        final Process process = new ProcessBuilder(EXECUTABLE, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1024,768", "--user-data-dir=" + profile, "--remote-debugging-port=0", url)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        process.getOutputStream().close();
        final ChromiumDriver driver = new ChromiumDriver(process, profile);
        try
        {
            driver.attach(url);
            return driver;
        }
        catch (final RuntimeException | Error ex)
        {
            driver.close();
            throw ex;
        }
    }

    private void attach(final String url)
    {
        final String browser;
        try
        {
            browser = browserEndpoint.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("Chromium did not say where DevTools listen within " + START_TIMEOUT + "; stderr:\n" +
                stderr(), ex);
        }
        final URI list = URI.create("http://127.0.0.1:" + URI.create(browser).getPort() + "/json/list");
        final URI wanted = URI.create(url);
        final String origin = wanted.getScheme() + "://" + wanted.getRawAuthority();
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String debuggerUrl = null;
        JsonNode targets = null;
        while (null == debuggerUrl && System.nanoTime() - deadline < 0)
        {
            targets = get(list);
            for (final JsonNode target : targets)
            {
                if ("page".equals(target.path("type").asText()) && target.path("url").asText().startsWith(origin))
                {
                    debuggerUrl = target.path("webSocketDebuggerUrl").asText(null);
                }
            }
            if (null == debuggerUrl)
            {
                pause(100);
            }
        }
        if (null == debuggerUrl)
        {
            throw new AssertionError("no page target for " + url + " in " + targets);
        }
        try
        {
            page = http.newWebSocketBuilder()
                .connectTimeout(CALL_TIMEOUT)
                .buildAsync(URI.create(debuggerUrl), new Listener())
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("cannot attach to " + debuggerUrl, ex);
        }
    }

    /**
     * Call a DevTools method on the page and wait (at most 10 s) for its answer.
     *
     * @param method e.g. {@code Runtime.evaluate}.
     * @param params its parameters.
     * @return the answer's {@code result}.
     */
    JsonNode call(final String method, final ObjectNode params)
    {
        final int id = lastId.incrementAndGet();
        final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        final ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        final JsonNode response;
        try
        {
            page.sendText(message.toString(), true).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            response = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(method + " got no answer within " + CALL_TIMEOUT + "; stderr:\n" + stderr(), ex);
        }
        finally
        {
            calls.remove(id);
        }
        if (response.has("error"))
        {
            throw new AssertionError(method + " failed: " + response.get("error"));
        }
        return response.get("result");
    }

    /**
     * Evaluate a JavaScript expression in the page.
     *
     * @return its value (JSON), or a missing node for undefined.
     */
    JsonNode evaluate(final String expression)
    {
        final JsonNode result = call("Runtime.evaluate", JSON.createObjectNode()
            .put("expression", expression)
            .put("returnByValue", true));
        if (result.has("exceptionDetails"))
        {
            throw new AssertionError("`" + expression + "` threw: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /**
     * Evaluate an expression every 100 ms until its value (as text) satisfies a condition or the
     * timeout passes (a guard against a hang: the caller asserts on the value returned). While
     * the page is still loading the expression may throw: that is taken as a value too.
     *
     * @return the last value, as text (or what it threw, in angle brackets).
     */
    String poll(final String expression, final Predicate<String> condition, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            String value;
            try
            {
                value = evaluate(expression).asText();
            }
            catch (final AssertionError ex)
            {
                value = "<" + ex.getMessage() + ">";
            }
            if (condition.test(value) || System.nanoTime() - deadline >= 0)
            {
                return value;
            }
            pause(100);
        }
    }

    /** Take a PNG screenshot of the page (what the window shows) and write it to a file (folders created). */
    void screenshot(final Path file) throws IOException
    {
        write(file, call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png")));
    }

    /** Take a PNG screenshot of the whole page, beyond the window, and write it to a file (folders created). */
    void screenshotWholePage(final Path file) throws IOException
    {
        final JsonNode size = call("Page.getLayoutMetrics", JSON.createObjectNode()).path("cssContentSize");
        final ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        params.putObject("clip").put("x", 0).put("y", 0).put("width", size.path("width").asDouble())
            .put("height", size.path("height").asDouble()).put("scale", 1);
        write(file, call("Page.captureScreenshot", params));
    }

    private static void write(final Path file, final JsonNode screenshot) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(screenshot.get("data").asText()));
    }

    /** @return the last lines Chromium printed on stderr. */
    String stderr()
    {
        synchronized (stderr)
        {
            return String.join("\n", stderr);
        }
    }

    @Override
    public void close()
    {
        if (null != page)
        {
            page.abort();
        }
        // SIGTERM first, so that Chromium ends (and reaps) its own children; then kill what is left
        final List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try
        {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        ExternalProgram.kill(process);
        children.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(profile))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            // a profile left in the temp folder is harmless
        }
    }

    private JsonNode get(final URI uri)
    {
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        }
        catch (final IOException ex)
        {
            throw new AssertionError("GET " + uri + " failed", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    private void readStderr()
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                synchronized (stderr)
                {
                    if (stderr.size() == STDERR_LINES_KEPT)
                    {
                        stderr.remove(0);
                    }
                    stderr.add(line);
                }
                final Matcher matcher = LISTENING.matcher(line);
                if (matcher.find())
                {
                    browserEndpoint.complete(matcher.group(1));
                }
            }
        }
        catch (final IOException ex)
        {
            // the process is gone
        }
        browserEndpoint.completeExceptionally(new IllegalStateException("Chromium closed its stderr"));
    }

    private static void pause(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /** Collects the DevTools messages (text, possibly in parts) and completes the calls they answer. */
    private final class Listener implements WebSocket.Listener
    {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    final JsonNode message = JSON.readTree(partial.toString());
                    final CompletableFuture<JsonNode> answer = message.has("id") ? calls.get(message.get("id").asInt()) : null;
                    if (null != answer)
                    {
                        answer.complete(message);
                    }
                }
                catch (final IOException ex)
                {
                    // not JSON: no call waits for it
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            calls.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }
}
