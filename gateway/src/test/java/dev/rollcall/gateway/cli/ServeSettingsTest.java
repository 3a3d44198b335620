package dev.rollcall.gateway.cli;

import dev.rollcall.gateway.auth.Secrets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings model and what is made from it: keys, environment variables and flags, the help,
 * and the commented example file in the repository, which must load, name every key once and show
 * the defaults.
 */
class ServeSettingsTest
{
    private static final Pattern EXAMPLE_LINE = Pattern.compile("^(#\\s*)?([a-z][a-z-]*) = (.*)$");

    @Test
    void shouldGiveEverySettingAUniqueKeyAndEnvironmentVariable()
    {
        final Set<String> names = new HashSet<>();
        final Set<String> envNames = new HashSet<>();
        for (final Setting setting : ServeSettings.ALL)
        {
            assertThat(names.add(setting.name())).as(setting.name()).isTrue();
            assertThat(envNames.add(setting.envName())).as(setting.envName()).isTrue();
            assertThat(setting.name()).matches("[a-z][a-z-]*[a-z]");
            assertThat(setting.envName()).isEqualTo("ROLLCALL_" + setting.name().toUpperCase(Locale.ROOT).replace('-', '_'));
            assertThat(ServeSettings.byName(setting.name())).isSameAs(setting);
            assertThat(ServeSettings.byEnvName(setting.envName())).isSameAs(setting);
        }
        assertThat(ServeSettings.SECRET.envName()).isEqualTo(Secrets.ENV_VAR);
        assertThat(envNames).doesNotContainAnyElementsOf(ServeConfiguration.OTHER_VARIABLES);
    }

    @Test
    void shouldShowEveryFlagWithItsDefaultAndTheDurationSyntaxInHelp()
    {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = new CommandLine(new ServeCommand(Map.of()));
        commandLine.setOut(new PrintWriter(out, true));

        assertThat(commandLine.execute("--help")).isZero();

        final String help = out.toString().replaceAll("\\s+", " ");
        for (final Setting setting : ServeSettings.ALL)
        {
            if (setting.isFlag())
            {
                final String shown = null == setting.defaultText() ? "none" : setting.defaultText().isEmpty() ? "empty" :
                    setting.defaultText();
                final int start = help.indexOf(" " + setting.flag() + (Setting.Kind.BOOLEAN == setting.kind() ? "[=" : "=") +
                    setting.label());
                assertThat(start).as("%s in the help", setting.flag()).isPositive();
                final String entry = help.substring(start, help.indexOf(" --", start + 1));
                assertThat(entry).as("the help of %s", setting.flag()).contains("(default: " + shown + ")");
            }
        }
        assertThat(help)
            .doesNotContain("--secret=")
            .contains("--config=PATH")
            .contains("--print-config")
            .contains("DURATION: a number and a unit ms, s, m, h or d (e.g. 250ms, 1.5s, 30s, 5m, 7d), or 0.")
            .contains("Precedence: flags > environment > file > defaults")
            .contains("ROLLCALL_WS_PORT");
    }

    @Test
    void shouldListEveryCommandOnOneLineInTheTopLevelHelp()
    {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = new CommandLine(new RollcallCommand());
        commandLine.setOut(new PrintWriter(out, true));

        assertThat(commandLine.execute("--help")).isZero();

        final String help = out.toString();
        for (final String command : commandLine.getSubcommands().keySet())
        {
            assertThat(help).containsPattern("(?m)^  " + command + " +\\S.*$");
            final int at = help.indexOf("\n  " + command + " ");
            final String next = help.substring(help.indexOf('\n', at + 1) + 1);
            assertThat(next).as("the line after %s starts another command or section", command).doesNotStartWith("     ");
        }
        assertThat(help).contains("  loadgen  ");
    }

    @Test
    void shouldLoadTheExampleFileWhichNamesEveryKeyOnceWithItsDefault() throws Exception
    {
        final Path example = root().resolve("rollcall.conf.example");
        final List<String> lines = Files.readAllLines(example);

        final ServeConfiguration configuration = ServeConfiguration.resolve(Map.of(), example, Map.of());

        assertThat(configuration.configFile()).isEqualTo(example);
        final Map<String, Integer> seen = new HashMap<>();
        final List<String> uncommented = new ArrayList<>();
        for (final String line : lines)
        {
            final Matcher matcher = EXAMPLE_LINE.matcher(line);
            if (matcher.matches() && null != ServeSettings.byName(matcher.group(2)))
            {
                final Setting setting = ServeSettings.byName(matcher.group(2));
                seen.merge(setting.name(), 1, Integer::sum);
                if (null != setting.defaultText() && !setting.defaultText().isEmpty())
                {
                    assertThat(matcher.group(3)).as("the example shows %s's default", setting.name()).isEqualTo(setting.defaultText());
                }
                uncommented.add(matcher.group(2) + " = " + matcher.group(3));
            }
            else
            {
                assertThat(line).as("a line of the example that is not a setting is a comment or blank").matches("|#.*");
                uncommented.add(line);
            }
        }
        for (final Setting setting : ServeSettings.ALL)
        {
            assertThat(seen.get(setting.name())).as("the example names %s once", setting.name()).isEqualTo(1);
        }

        final Path everyLine = Files.createTempFile("rollcall-example", ".conf");
        try
        {
            Files.write(everyLine, uncommented);
            final ServeConfiguration all = ServeConfiguration.resolve(Map.of(), everyLine, Map.of());
            for (final Setting setting : ServeSettings.ALL)
            {
                assertThat(all.source(setting)).as("every line uncommented sets %s", setting.name()).startsWith("file ");
            }
        }
        finally
        {
            Files.delete(everyLine);
        }
    }

    private static Path root()
    {
        return Path.of(System.getProperty("rollcall.root", "..")).toAbsolutePath().normalize();
    }
}
