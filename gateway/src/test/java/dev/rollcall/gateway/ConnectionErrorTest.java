package dev.rollcall.gateway;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler's failure reaches the error handler as a {@link ConnectionException} that names the
 * connection it concerns (id, user, address, transport), with the handler's exception as the cause.
 */
class ConnectionErrorTest
{
    @Test
    void shouldNameTheConnectionWhoseHandlerFailed() throws Exception
    {
        final IllegalStateException thrown = new IllegalStateException("the handler broke");
        try (TestGateway server = new TestGateway(ctx -> ctx.handlerFactory(connection -> new ConnectionHandler()
        {
            @Override
            public void onOpen(final Connection c)
            {
            }

            @Override
            public void onData(final Connection c, final ByteBuffer input)
            {
                throw thrown;
            }

            @Override
            public void onClose(final Connection c)
            {
            }
        }), core -> { });
             SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.gateway.port())))
        {
            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

            Await.until("the error reported", () -> !server.errors.isEmpty());
            final Throwable reported = server.errors.peek();
            assertThat(reported).isInstanceOf(ConnectionException.class).hasCause(thrown);
            final ConnectionException error = (ConnectionException)reported;
            final InetSocketAddress local = (InetSocketAddress)client.getLocalAddress();
            assertThat(error.userId()).isZero();
            assertThat(error.getMessage())
                .isEqualTo("connection " + error.connectionId() + " (not identified, 127.0.0.1:" + local.getPort() + ", TCP): " +
                    thrown);
            assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).isEqualTo(1);
            server.errors.clear(); // reported as expected
        }
    }
}
