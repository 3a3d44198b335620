package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.protocol.ClientFrameAdapter;
import dev.rollcall.protocol.ClientFrameHandler;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;

/**
 * What every built-in protocol handler on one thread shares, so a connection holds only its
 * own state: the decoder (forwarding to the handler whose input it decodes; the {@link Changes} it
 * decodes go to the core as they are), an encoder for answers, and reusable values.
 */
final class ProtocolScratch implements ClientFrameHandler
{
    final ClientFrameAdapter adapter = new ClientFrameAdapter(this);
    final ByteBuffer out = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE);
    final FrameWriter writer = new FrameWriter(out);
    final ClientView[] views = new ClientView[Protocol.MAX_GET_CLIENTS];
    final long[] ids = new long[Protocol.MAX_LIST_LIMIT];
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
    public void onListClientIds(final long requestId, final long afterUserId, final int limit)
    {
        current.onListClientIds(requestId, afterUserId, limit);
    }
}
