package dev.rollcall.gateway;

import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayLifecycleTest
{
    @Test
    void shouldTellClientsOnShutdownAndRecoverThePresenceOnRestart(@TempDir final Path dir) throws Exception
    {
        final RawClient.Ready ready;
        final TestGateway first = new TestGateway(ctx -> { }, core -> core.journal(ChronicleJournal.open(dir)));
        {
            final RawClient client = new RawClient(first.address());
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.token(21), new Changes().partyId(9), false, 0, 0);
            client.flush();
            ready = client.next(RawClient.Ready.class);

            first.close();
            final List<RawClient.Frame> goodbye = client.untilClosed();
            assertThat(goodbye).contains(new RawClient.CloseFrame(ErrorCode.SERVER_SHUTTING_DOWN.code(),
                "the server is shutting down; reconnect later"));
            assertThat(first.gateway.rollcall().isClosed()).isTrue();
            assertThat(first.errors).isEmpty();
        }
        assertThat(Files.list(dir.resolve("snapshots")).count()).as("final snapshot").isPositive();

        final TestGateway second = new TestGateway(ctx -> { }, core -> core.journal(ChronicleJournal.open(dir)));
        {
            assertThat(second.gateway.rollcall().getClient(21).partyId()).isEqualTo(9);
            assertThat(second.gateway.rollcall().getClient(21).connected()).isFalse();

            try (RawClient client = new RawClient(second.address()))
            {
                client.next(RawClient.Hello.class);
                client.writer().resume(TestGateway.token(21), ready.sessionId(), 0);
                client.flush();
                assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
                client.writer().identify(Protocol.VERSION, TestGateway.token(21), new Changes(), false, 0, 0);
                client.flush();
                client.next(RawClient.Ready.class);
                assertThat(second.gateway.rollcall().getClient(21).connected()).isTrue();
                assertThat(second.gateway.rollcall().getClient(21).partyId()).isEqualTo(9);
            }
            second.close();
            assertThat(second.errors).isEmpty();
        }
    }
}
