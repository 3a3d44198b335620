package dev.rollcall.gateway;

import dev.rollcall.core.PresenceEvent;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes the core makes of an event are the body of the wire's DISPATCH, byte for byte: what
 * the protocol's writer makes of the same values, and what a client decodes.
 */
class EventBytesTest
{
    private record Encoded(EventType type, byte[] bytes)
    {
    }

    private final List<Encoded> events = new ArrayList<>();

    private void record(
        final EventType type, final DirectBuffer buffer, final int offset, final int length,
        final LongArrayList recipients)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        synchronized (events)
        {
            events.add(new Encoded(type, bytes));
        }
    }

    @Test
    void shouldHandTheSinkTheDispatchBodyTheProtocolWrites() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(
            new RollcallContext().tickIntervalMs(0).firehose(true).eventSink(this::record)))
        {
            rollcall.connectUser(7, 1, new Changes().status(Status.DND).attribute("map", "h\u00e4rbour \uD83D\uDE00"),
                "identify").get(5, TimeUnit.SECONDS);
            rollcall.updateClient(7, new Changes().afk(true).attribute("rank", 12).attribute("map", "dust"), "in-match")
                .get(5, TimeUnit.SECONDS);
            rollcall.updateClientInLobby(7, new Changes().lobbyId(3).teamColour(-1).ready(true), null)
                .get(5, TimeUnit.SECONDS);
        }

        final List<Encoded> seen;
        synchronized (events)
        {
            seen = new ArrayList<>(events);
        }
        assertThat(seen).extracting(Encoded::type)
            .containsExactly(EventType.CLIENT_CONNECTED, EventType.CLIENT_UPDATED, EventType.CLIENT_UPDATED);
        final PresenceEvent event = new PresenceEvent();
        final ByteBuffer frame = ByteBuffer.allocate(4096);
        final FrameWriter writer = new FrameWriter(frame);
        final Dispatches dispatches = new Dispatches();
        final List<Object[]> decoded = dispatches.decoded;
        final ServerFrameAdapter adapter = new ServerFrameAdapter(dispatches);
        for (final Encoded encoded : seen)
        {
            event.wrap(encoded.type(), new UnsafeBuffer(encoded.bytes()), 0, encoded.bytes().length);
            frame.clear();
            final int length = writer.dispatch(0, event.type(), event.userId(), event.updateId(), event.lobbyId(),
                event.time(), event.reason(), event.changes());
            assertThat(Arrays.copyOfRange(frame.array(), Protocol.BODY_OFFSET, length))
                .as("%s", event).containsExactly(encoded.bytes());

            frame.clear();
            frame.putInt(Integer.reverseBytes(1 + encoded.bytes().length)).put((byte)Protocol.DISPATCH)
                .put(encoded.bytes()).flip();
            adapter.decode(frame, FrameSplitter.nextFrame(frame, Protocol.MAX_SERVER_FRAME_SIZE));
        }
        assertThat(decoded).hasSize(3);
        assertThat(decoded.get(0)).startsWith(0L, EventType.CLIENT_CONNECTED, 7L, null);
        final Changes full = (Changes)decoded.get(0)[4];
        assertThat(full.mask()).isEqualTo(FieldTable.PRESENCE.allMask());
        assertThat(full.status()).isEqualTo(Status.DND);
        assertThat(full.attributeString(0)).isEqualTo("h\u00e4rbour \uD83D\uDE00");
        assertThat(decoded.get(1)[3]).isEqualTo("in-match");
        assertThat(((Changes)decoded.get(1)[4]).afk()).isTrue();
        assertThat(decoded.get(2)[3]).isEqualTo("");
        assertThat(((Changes)decoded.get(2)[4]).teamColour()).isEqualTo(-1);
    }

    /** Records DISPATCH frames; any other frame fails the test. */
    private static final class Dispatches implements ServerFrameHandler
    {
        final List<Object[]> decoded = new ArrayList<>();

        @Override
        public void onDispatch(
            final long seq, final EventType type, final long userId, final long updateId, final long lobbyId,
            final long time, final String reason, final Changes changes)
        {
            decoded.add(new Object[] {seq, type, userId, reason, new Changes().copyFrom(changes)});
        }

        @Override
        public void onHello(final int version, final int heartbeat, final int maxFrame, final int commands,
            final int window, final int identifyTimeout)
        {
            throw new AssertionError("HELLO");
        }

        @Override
        public void onReady(final long sessionId, final long userId, final long seq)
        {
            throw new AssertionError("READY");
        }

        @Override
        public void onHeartbeatAck(final long seq)
        {
            throw new AssertionError("HEARTBEAT_ACK");
        }

        @Override
        public void onResumed(final long seq)
        {
            throw new AssertionError("RESUMED");
        }

        @Override
        public void onInvalidSession(final boolean resumable)
        {
            throw new AssertionError("INVALID_SESSION");
        }

        @Override
        public void onResult(final long requestId, final Result result)
        {
            throw new AssertionError("RESULT");
        }

        @Override
        public void onError(final long requestId, final int code, final String message)
        {
            throw new AssertionError("ERROR");
        }

        @Override
        public void onClose(final int code, final String message)
        {
            throw new AssertionError("CLOSE");
        }

        @Override
        public void onClients(final long requestId, final ClientView[] clients, final int count)
        {
            throw new AssertionError("CLIENTS");
        }

        @Override
        public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
        {
            throw new AssertionError("CLIENT_IDS");
        }
    }
}
