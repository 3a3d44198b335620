package dev.rollcall.gateway;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only {@link ConnectionHandler} that sends back every byte it is offered, as it
 * comes: behind the WebSocket transport, what a client reads back as binary messages,
 * concatenated, must equal the payload it sent, whatever the framing on either side. It
 * counts its opens and closes so a test can see when the handler hears of a connection.
 */
final class WebSocketEchoHandler implements ConnectionHandler
{
    private final AtomicInteger opened;
    private final AtomicInteger closed;

    WebSocketEchoHandler()
    {
        this(new AtomicInteger(), new AtomicInteger());
    }

    /**
     * @param opened counts {@link #onOpen} calls (shared by the handlers of one gateway).
     * @param closed counts {@link #onClose} calls.
     */
    WebSocketEchoHandler(final AtomicInteger opened, final AtomicInteger closed)
    {
        this.opened = opened;
        this.closed = closed;
    }

    @Override
    public void onOpen(final Connection connection)
    {
        opened.incrementAndGet();
    }

    @Override
    public void onData(final Connection connection, final ByteBuffer input)
    {
        if (input.hasRemaining())
        {
            connection.send(input); // consumes position to limit
        }
    }

    @Override
    public void onClose(final Connection connection)
    {
        closed.incrementAndGet();
    }
}
