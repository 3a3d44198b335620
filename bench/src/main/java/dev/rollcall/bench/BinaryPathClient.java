package dev.rollcall.bench;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@link PathClient} over the binary protocol on the gateway's TCP port: frames written with the
 * protocol's {@link FrameWriter} straight into the reused output buffer, read back by offset.
 */
class BinaryPathClient extends PathClient
{
    private static final int USER_ID_IN_DISPATCH = Protocol.BODY_OFFSET + EventDescriptor.USER_ID_OFFSET;
    private static final int UPDATE_ID_IN_DISPATCH = Protocol.BODY_OFFSET + EventDescriptor.UPDATE_ID_OFFSET;
    private static final int RESULT_IN_RESULT = Protocol.HEADER_LENGTH + 1 + Integer.BYTES;

    private final long[] subscribed = new long[1];
    private final Changes presence = new Changes();
    /** Where the frames to send are written: {@link #out} here, a staging buffer for WebSocket. */
    final ByteBuffer frames;
    final FrameWriter writer;
    /** Where the current frame starts in {@link #in} (its length header). */
    int frameStart;

    BinaryPathClient(final InetSocketAddress address) throws IOException
    {
        this(address, null);
    }

    /**
     * @param address where to connect.
     * @param staging where frames are written before they are framed for the wire, or null to
     *                write them into {@link #out}.
     */
    BinaryPathClient(final InetSocketAddress address, final ByteBuffer staging) throws IOException
    {
        super(address);
        frames = null == staging ? out : staging;
        writer = new FrameWriter(frames);
    }

    /** Send what {@link #writer} wrote. */
    void flush() throws IOException
    {
        send();
    }

    @Override
    void identify(final String token) throws IOException
    {
        writer.identify(Protocol.VERSION, token, null, false, 0, 0);
        flush();
    }

    @Override
    void subscribe(final long requestId, final long userId) throws IOException
    {
        subscribed[0] = userId;
        writer.subscribe(requestId, subscribed, 1, null, 0);
        flush();
    }

    @Override
    void update(final long requestId, final int step) throws IOException
    {
        presence.clear().status(STATUSES[step % STATUSES.length]).attribute(MAP_KEY, MAPS[step & 3]);
        writer.update(requestId, Protocol.GROUP_STANDARD, REASONS[step % REASONS.length], presence);
        flush();
    }

    @Override
    void heartbeat() throws IOException
    {
        writer.heartbeat(0);
        flush();
    }

    @Override
    int next() throws IOException
    {
        in.position(frameEnd);
        while (true)
        {
            final int position = in.position();
            if (in.remaining() >= Protocol.HEADER_LENGTH + 1)
            {
                final int length = in.getInt(position);
                if (in.remaining() >= Protocol.HEADER_LENGTH + length)
                {
                    frameStart = position;
                    frameEnd = position + Protocol.HEADER_LENGTH + length;
                    return in.get(position + Protocol.HEADER_LENGTH) & 0xFF;
                }
            }
            fill();
        }
    }

    @Override
    boolean applied()
    {
        return in.get(frameStart + RESULT_IN_RESULT) == Result.APPLIED.code();
    }

    @Override
    long dispatchUserId()
    {
        return in.getLong(frameStart + USER_ID_IN_DISPATCH);
    }

    @Override
    long dispatchUpdateId()
    {
        return in.getLong(frameStart + UPDATE_ID_IN_DISPATCH);
    }

    @Override
    long acknowledgedSeq()
    {
        return in.getLong(frameStart + Protocol.BODY_OFFSET);
    }

    @Override
    String describe()
    {
        final byte[] frame = new byte[frameEnd - frameStart];
        in.get(frameStart, frame);
        return new String(frame, StandardCharsets.ISO_8859_1);
    }
}
