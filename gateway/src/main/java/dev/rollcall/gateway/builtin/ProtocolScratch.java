package dev.rollcall.gateway.builtin;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.gateway.PerThread;
import dev.rollcall.model.Changes;
import dev.rollcall.protocol.ClientFrameAdapter;
import dev.rollcall.protocol.ClientFrameHandler;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What every built-in protocol handler on one thread shares, so a connection holds only its
 * own state: the decoder (forwarding to the handler whose input it decodes; the {@link Changes} it
 * decodes go to the core as they are), an encoder for answers, and reusable values.
 */
final class ProtocolScratch implements ClientFrameHandler
{
    /** One per gateway thread. */
    static final PerThread<ProtocolScratch> PER_THREAD = new PerThread<>(ProtocolScratch::new);

    final ClientFrameAdapter adapter = new ClientFrameAdapter(this);
    final ByteBuffer out = ByteBuffer.allocate(Protocol.HEADER_LENGTH + Protocol.MAX_SERVER_FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    final FrameWriter writer = new FrameWriter(out);
    final ClientView[] views = new ClientView[Protocol.MAX_GET_CLIENTS];
    final long[] ids = new long[Protocol.MAX_LIST_LIMIT];
    final ServerStats stats = new ServerStats();
    BinaryProtocolHandler current;

    ProtocolScratch()
    {
        for (int i = 0; i < views.length; i++)
        {
            views[i] = new ClientView();
        }
    }

    /** @return the answer buffer, cleared. */
    FrameWriter writer()
    {
        out.clear();
        return writer;
    }

    /**
     * Frame an event as {@code DISPATCH}: its bytes are the body as they are.
     *
     * @return the frame, between position and limit.
     */
    ByteBuffer dispatch(final PresenceEvent event)
    {
        final int length = event.length();
        out.clear();
        out.putInt(0, 1 + length);
        out.put(Protocol.HEADER_LENGTH, (byte)Protocol.DISPATCH);
        event.buffer().getBytes(event.offset(), out, Protocol.BODY_OFFSET, length);
        return out.limit(Protocol.BODY_OFFSET + length).position(0);
    }

    /** @return the bytes written since {@link #writer()}. */
    ByteBuffer written()
    {
        out.flip();
        return out;
    }

    @Override
    public void onIdentify(
        final int protocolVersion, final String token, final Changes presence, final boolean sharded,
        final int shardId, final int shardCount)
    {
        current.onIdentify(protocolVersion, token, presence, sharded, shardId, shardCount);
    }

    @Override
    public void onResume(final String token, final long sessionId, final long lastSeq)
    {
        current.onResume(token, sessionId, lastSeq);
    }

    @Override
    public void onHeartbeat(final long lastSeq)
    {
        current.onHeartbeat(lastSeq);
    }

    @Override
    public void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
    {
        current.onUpdate(requestId, group, reason, changes);
    }

    @Override
    public void onSubscribe(
        final long requestId, final boolean subscribe, final long[] clientIds, final int clientCount,
        final long[] lobbyIds, final int lobbyCount)
    {
        current.onSubscribe(requestId, subscribe, clientIds, clientCount, lobbyIds, lobbyCount);
    }

    @Override
    public void onGetClients(final long requestId, final long[] userIds, final int count)
    {
        current.onGetClients(requestId, userIds, count);
    }

    @Override
    public void onGetStats(final long requestId)
    {
        current.onGetStats(requestId);
    }

    @Override
    public void onListClientIds(final long requestId, final long afterUserId, final int limit)
    {
        current.onListClientIds(requestId, afterUserId, limit);
    }
}
