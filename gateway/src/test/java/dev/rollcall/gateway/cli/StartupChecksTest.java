package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checks on the machine before {@code serve} starts anything: ports free on the bind address,
 * a data directory that can be created and written.
 */
class StartupChecksTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAPortInUse() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();
            final ServeConfiguration flag = ServeConfiguration.resolve(
                Map.of(ServeSettings.PORT, Integer.toString(port), ServeSettings.WS_PORT, "0"), null, Map.of());
            final ServeConfiguration env = ServeConfiguration.resolve(
                Map.of(ServeSettings.PORT, "0"), null, Map.of("ROLLCALL_WS_PORT", Integer.toString(port)));

            assertThatThrownBy(() -> StartupChecks.ports(flag))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("port = '" + port + "' (flag --port): 127.0.0.1:" + port + " is in use (another process listens " +
                    "on it); allowed: a free port, or 0 for any free port");
            assertThatThrownBy(() -> StartupChecks.ports(env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("ws-port = '" + port + "' (env ROLLCALL_WS_PORT): 127.0.0.1:" + port + " is in use");
        }
    }

    @Test
    void shouldReleaseThePortsItChecked() throws Exception
    {
        final int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            port = free.getLocalPort();
        }
        final ServeConfiguration configuration = ServeConfiguration.resolve(
            Map.of(ServeSettings.PORT, Integer.toString(port), ServeSettings.WS_PORT, "-1"), null, Map.of());

        StartupChecks.ports(configuration);

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")))
        {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void shouldRefuseAnAddressItCannotListenOn()
    {
        final ServeConfiguration configuration = ServeConfiguration.resolve(
            Map.of(ServeSettings.BIND, "no-such-host.invalid", ServeSettings.PORT, "0", ServeSettings.WS_PORT, "0"), null, Map.of());

        assertThatThrownBy(() -> StartupChecks.ports(configuration))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("bind = 'no-such-host.invalid' (flag --bind): cannot listen on this address (unknown host); " +
                "allowed: an address of this machine: 0.0.0.0 for every interface, 127.0.0.1 for this machine only");
    }

    @Test
    void shouldRefuseADataDirectoryThatCannotBeCreated() throws Exception
    {
        final Path file = Files.createFile(dir.resolve("file"));
        final Path data = file.resolve("data"); // no user can create a directory under a regular file, root included
        final ServeConfiguration configuration = ServeConfiguration.resolve(Map.of(), null, Map.of("ROLLCALL_DATA", data.toString()));

        assertThatThrownBy(() -> StartupChecks.dataDirectory(configuration))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("data = '" + data + "' (env ROLLCALL_DATA): cannot create the directory (" + file)
            .hasMessageEndingWith("; allowed: a directory this user can create and write");
    }

    @Test
    void shouldCreateAMissingDataDirectoryAndLeaveNothingInIt() throws Exception
    {
        final Path data = dir.resolve("a").resolve("data");
        final ServeConfiguration configuration = ServeConfiguration.resolve(Map.of(ServeSettings.DATA, data.toString()), null, Map.of());

        StartupChecks.dataDirectory(configuration);

        assertThat(data).isDirectory();
        try (Stream<Path> files = Files.list(data))
        {
            assertThat(files).isEmpty();
        }
    }
}
