package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's run command: {@code ./rollcall serve} starts the real server, a client
 * identifies over TCP, SIGTERM stops it with exit code 0 and a final snapshot.
 */
class LauncherIT
{
    @Test
    void shouldServeOnEmbeddedDefaultsAndStopCleanlyOnSigterm(@TempDir final Path data) throws Exception
    {
        try (ServerProcess server = ServerProcess.serve(data))
        {
            final int port = server.awaitListening();
            final SocketChannel client = ServerProcess.identified(data, port, 42);
            try
            {
                server.sigterm(); // with a client connected
                assertThat(server.awaitExit()).as("output:%n%s", server.output()).isZero();
            }
            finally
            {
                client.close();
            }
        }
        try (var snapshots = Files.list(data.resolve("journal").resolve("snapshots")))
        {
            assertThat(snapshots.count()).as("a final snapshot was taken").isPositive();
        }
    }
}
