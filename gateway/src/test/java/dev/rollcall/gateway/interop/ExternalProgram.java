package dev.rollcall.gateway.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the external programs the interop tests drive (node, npm, python, chromium) as
 * subprocesses with a hard timeout, killing them and their children when it passes, and
 * decides what a missing program means: the test is skipped, except on CI ({@code CI=true}),
 * where it fails.
 */
final class ExternalProgram
{
    /** True when the environment variable {@code CI} is {@code true}. */
    static final boolean ON_CI = "true".equals(System.getenv("CI"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExternalProgram()
    {
    }

    /**
     * What a finished (or killed) subprocess left.
     *
     * @param exitCode its exit code (after a kill: whatever the kill made it).
     * @param timedOut true if it was killed at the timeout.
     * @param stdout   everything it printed on stdout.
     * @param stderr   everything it printed on stderr.
     */
    record Outcome(int exitCode, boolean timedOut, String stdout, String stderr)
    {
        /** @return stdout's lines that are JSON objects, parsed, in order. */
        List<JsonNode> jsonLines()
        {
            final List<JsonNode> lines = new ArrayList<>();
            for (final String line : stdout.split("\n"))
            {
                if (line.startsWith("{"))
                {
                    try
                    {
                        lines.add(JSON.readTree(line));
                    }
                    catch (final IOException ex)
                    {
                        throw new AssertionError("not JSON: " + line + "\n" + this, ex);
                    }
                }
            }
            return lines;
        }

        @Override
        public String toString()
        {
            return "exit code " + exitCode + (timedOut ? " (timed out and killed)" : "") +
                "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Skip the test (or fail it on CI) unless a program is there.
     *
     * @param present whether it is.
     * @param message what is missing and how to get it.
     */
    static void require(final boolean present, final String message)
    {
        if (present)
        {
            return;
        }
        if (ON_CI)
        {
            fail(message + " (CI=true: a missing interop tool fails the test instead of skipping it)");
        }
        System.err.println("skipped: " + message);
        Assumptions.abort(message);
    }

    /**
     * Run a command that tells something short (a version), with a one-minute guard.
     *
     * @return its stdout, trimmed, if it started and exited with 0; else empty.
     */
    static Optional<String> probe(final String... command)
    {
        try
        {
            final Outcome outcome = run(List.of(command), Map.of(), Duration.ofMinutes(1));
            return 0 == outcome.exitCode() && !outcome.timedOut() ? Optional.of(outcome.stdout().trim()) : Optional.empty();
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
    }

    /**
     * Run a command to its end, or kill it (and its children) when the timeout passes.
     *
     * @param command     the program and its arguments.
     * @param environment variables to add to this JVM's environment.
     * @param timeout     the hard limit.
     * @return what it left.
     * @throws IOException if it cannot be started (e.g. no such program).
     */
    static Outcome run(final List<String> command, final Map<String, String> environment, final Duration timeout)
        throws IOException
    {
        final Path out = Files.createTempFile("rollcall-interop-", ".out");
        final Path err = Files.createTempFile("rollcall-interop-", ".err");
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
            builder.environment().putAll(environment);
            final Process process = builder.start();
            process.getOutputStream().close();
            boolean exited;
            try
            {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                exited = false;
            }
            if (!exited)
            {
                kill(process);
            }
            return new Outcome(exited ? process.exitValue() : -1, !exited,
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Kill a process and every process it started, and wait (at most 10 s) until it is gone. */
    static void kill(final Process process)
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the module's build folder ({@code gateway/target}), found from where the test classes are. */
    static Path buildDirectory()
    {
        try
        {
            return Path.of(ExternalProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** @return the path of a script under the test resources' {@code interop/} folder. */
    static Path script(final String name)
    {
        try
        {
            return Path.of(ExternalProgram.class.getResource("/interop/" + name).toURI());
        }
        catch (final URISyntaxException | NullPointerException ex)
        {
            throw new IllegalStateException("no test resource interop/" + name, ex);
        }
    }
}
