package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The configuration file's lines: {@code key = value}, comments, blank lines; what is not a line
 * of those is refused with its file and line.
 */
class ConfigFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadKeyValueLinesWithTheirLineNumbers() throws Exception
    {
        final Path path = dir.resolve("rollcall.conf");
        Files.writeString(path, String.join("\n",
            "# a comment",
            "",
            "port = 7450",
            "   # an indented comment",
            "  grace=1.5s  ",
            "ws-path = /a#b",
            "secret = x=y=z",
            "ws-origin =",
            ""), StandardCharsets.UTF_8);

        final ConfigFile file = ConfigFile.read(path, "flag --config");

        assertThat(file.entries()).containsExactly(
            new ConfigFile.Entry("port", "7450", 3),
            new ConfigFile.Entry("grace", "1.5s", 5),
            new ConfigFile.Entry("ws-path", "/a#b", 6),
            new ConfigFile.Entry("secret", "x=y=z", 7),
            new ConfigFile.Entry("ws-origin", "", 8));
        assertThat(file.source(file.entries().get(1))).isEqualTo("file " + path + ":5");
    }

    @Test
    void shouldRefuseALineThatIsNotASetting()
    {
        assertThatThrownBy(() -> ConfigFile.parse(Path.of("r.conf"), List.of("port = 1", "port 7450")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("r.conf:2: 'port 7450' is not a setting; allowed: key = value, # comment or a blank line");
        assertThatThrownBy(() -> ConfigFile.parse(Path.of("r.conf"), List.of("= 7450")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("r.conf:1: '= 7450' is not a setting");
    }

    @Test
    void shouldRefuseAKeyGivenTwice()
    {
        assertThatThrownBy(() -> ConfigFile.parse(Path.of("r.conf"), List.of("port = 1", "# x", "port = 2")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("r.conf:3: port is given twice (first at line 1); allowed: each key once");
    }

    @Test
    void shouldSayWhyAFileCannotBeRead() throws Exception
    {
        final Path missing = dir.resolve("missing.conf");
        assertThatThrownBy(() -> ConfigFile.read(missing, "env ROLLCALL_CONFIG"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("config = " + missing + " (env ROLLCALL_CONFIG): cannot read the file (no such file); " +
                "allowed: a readable file of key = value lines");

        final Path latin1 = dir.resolve("latin1.conf");
        Files.write(latin1, new byte[] {'b', 'i', 'n', 'd', '=', (byte)0xE9});
        assertThatThrownBy(() -> ConfigFile.read(latin1, "flag --config"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("not UTF-8 text");
    }
}
