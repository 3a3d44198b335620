package dev.rollcall.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compiles the README's client example (its second java block) exactly as written and runs
 * it against a real gateway.
 */
class ReadmeClientExampleTest
{
    @Test
    void shouldCompileAndRunTheReadmeClientExample(@TempDir final Path dir) throws Exception
    {
        final String readme = Files.readString(findReadme(), StandardCharsets.UTF_8);
        final Matcher matcher = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(matcher.find()).as("README has the embedded example").isTrue();
        assertThat(matcher.find()).as("README has the client example").isTrue();
        final String snippet = matcher.group(1);
        assertThat(snippet.lines().count()).as("the example stays short").isLessThanOrEqualTo(10);

        final String source = "import dev.rollcall.client.*;\nimport dev.rollcall.model.*;\nimport java.util.*;\n" +
            "public class ReadmeClientExample {\n    public static void run(int port, String token) {\n" + snippet +
            "\n    }\n}\n";
        final Path file = dir.resolve("ReadmeClientExample.java");
        Files.writeString(file, source);
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int status = compiler.run(null, diagnostics, diagnostics,
            "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), file.toString());
        assertThat(status).as("javac: %s", diagnostics).isZero();

        final PrintStream stdout = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TestGateway server = new TestGateway();
             URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader()))
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("ReadmeClientExample").getMethod("run", int.class, String.class)
                .invoke(null, server.gateway.port(), TestGateway.token(42));
        }
        finally
        {
            System.setOut(stdout);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("APPLIED true false");
    }

    private static Path findReadme()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (null != dir && !Files.exists(dir.resolve("README.md")))
        {
            dir = dir.getParent();
        }
        assertThat(dir).as("README.md above the working directory").isNotNull();
        return dir.resolve("README.md");
    }
}
