package dev.rollcall.bench;

import dev.rollcall.gateway.Gateway;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * One identified connection of {@link GatewayPathBenchmark}'s client, over one of the
 * gateway's transports: a blocking {@link SocketChannel} with reused direct buffers, writing
 * the benchmark's few requests and reading the server's frames by offset, without decoding a
 * string, so that nothing is allocated per op on the client side.
 * <pre>
 *   tcp        {@link BinaryPathClient}         binary frames on the gateway's port
 *   ws-binary  {@link WebSocketBinaryPathClient} the same frames in masked binary messages (rollcall.binary.v1)
 *   ws-json    {@link WebSocketJsonPathClient}   one JSON text message a frame (rollcall.json.v1)
 * </pre>
 * What an update holds at a step (a reason, a status and the {@code map} attribute, each
 * cycling through a small fixed set as a game client would) is fixed here for every transport.
 */
abstract class PathClient
{
    /** The transports, as {@link GatewayPathBenchmark}'s {@code transport} parameter names them. */
    static final String TCP = "tcp";
    static final String WS_BINARY = "ws-binary";
    static final String WS_JSON = "ws-json";

    static final Status[] STATUSES = {Status.ONLINE, Status.IDLE, Status.DND};
    static final String[] REASONS = {"menu", "match-found", "in-match"};
    static final String MAP_KEY = "map";
    static final String[] MAPS = {"dust", "harbour", "canyon", "tundra"};
    /** Steps after which the updates repeat: status and reason by step % 3, the map by step % 4. */
    static final int CYCLE = 12;

    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    final ByteBuffer out = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    /** Where the current frame (or message) ends in {@link #in}: the next one starts there. */
    int frameEnd;

    PathClient(final InetSocketAddress address) throws IOException
    {
        channel = SocketChannel.open(address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        in.limit(0);
    }

    /**
     * Connect over a transport and identify: HELLO, IDENTIFY, READY.
     *
     * @param transport {@link #TCP}, {@link #WS_BINARY} or {@link #WS_JSON}.
     * @param gateway   the gateway (its WebSocket port open for the WebSocket transports).
     * @param token     the user's token.
     * @return the identified connection.
     */
    static PathClient open(final String transport, final Gateway gateway, final String token) throws IOException
    {
        final PathClient client = switch (transport)
        {
            case TCP -> new BinaryPathClient(new InetSocketAddress("127.0.0.1", gateway.port()));
            case WS_BINARY -> new WebSocketBinaryPathClient(loopback(gateway), gateway.context().webSocketPath());
            case WS_JSON -> new WebSocketJsonPathClient(loopback(gateway), gateway.context().webSocketPath());
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        };
        client.check(client.next(), Protocol.HELLO);
        client.identify(token);
        client.check(client.next(), Protocol.READY);
        return client;
    }

    private static InetSocketAddress loopback(final Gateway gateway)
    {
        if (null == gateway.webSocketAddress())
        {
            throw new IllegalStateException("the gateway has no WebSocket port");
        }
        return new InetSocketAddress("127.0.0.1", gateway.webSocketAddress().getPort());
    }

    /** Send IDENTIFY (protocol version 1, no presence, no shard). Set-up only. */
    abstract void identify(String token) throws IOException;

    /** Send SUBSCRIBE to one user's client. Set-up only. */
    abstract void subscribe(long requestId, long userId) throws IOException;

    /**
     * Send the UPDATE of a step: standard group, {@code REASONS[step % 3]}, status
     * {@code STATUSES[step % 3]}, attribute {@code map = MAPS[step % 4]}.
     */
    abstract void update(long requestId, int step) throws IOException;

    /** Send HEARTBEAT with lastSeq 0. */
    abstract void heartbeat() throws IOException;

    /**
     * Skip the current frame and wait for the next whole one.
     *
     * @return its op ({@link Protocol#RESULT}, ...).
     */
    abstract int next() throws IOException;

    /** @return true if the current frame, a RESULT, says APPLIED. */
    abstract boolean applied();

    /** @return the user id of the current frame, a DISPATCH. */
    abstract long dispatchUserId();

    /** @return the update id of the current frame, a DISPATCH. */
    abstract long dispatchUpdateId();

    /** @return the seq of the current frame, a HEARTBEAT_ACK. */
    abstract long acknowledgedSeq();

    /** @return the current frame as text, for an error message (allocates: failures only). */
    abstract String describe();

    /**
     * @param op       the op read.
     * @param expected the op the benchmark waits for.
     * @throws IllegalStateException if they differ.
     */
    final void check(final int op, final int expected)
    {
        if (op != expected)
        {
            throw new IllegalStateException("expected op " + Protocol.opName(expected) + ", got " +
                Protocol.opName(op) + ": " + describe());
        }
    }

    /** Write {@link #out} (flipped here) whole, then clear it. */
    final void send() throws IOException
    {
        out.flip();
        while (out.hasRemaining())
        {
            channel.write(out);
        }
        out.clear();
    }

    /**
     * Keep what {@link #in} holds from its position on, moved to the front, and read more after it.
     *
     * @throws IOException if the gateway closed the connection.
     */
    final void fill() throws IOException
    {
        in.compact();
        final int read = channel.read(in);
        in.flip();
        frameEnd = 0;
        if (read < 0)
        {
            throw new IOException("the gateway closed the connection");
        }
    }

    void close() throws IOException
    {
        channel.close();
    }
}
