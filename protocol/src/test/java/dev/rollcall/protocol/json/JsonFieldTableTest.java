package dev.rollcall.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientFrameAdapter;
import dev.rollcall.protocol.ClientFrameHandler;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One entry in a {@link FieldTable} is all a new field needs in the JSON encoding too: a copy of the
 * presence table with one throw-away field, given to the JSON decoder and encoder and to the binary
 * {@link FrameWriter} and adapters, carries the field from a client's JSON through the binary frames
 * and back out as JSON, with no other code. Set {@code -Drollcall.seed=...} to replay a seed.
 */
class JsonFieldTableTest
{
    private static final long SEED = JsonTestValues.seed();
    private static final Field MOOD = new Field(13, "mood", FieldGroup.STANDARD, FieldKind.INT32, 0, 100, 0,
        "how the player feels, 0..100");
    private static final FieldTable TABLE = FieldTable.PRESENCE.with(MOOD);

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ByteBuffer buffer = ByteBuffer.allocate(4 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final ByteBuffer json = ByteBuffer.allocate(8 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final ByteBuffer frame = ByteBuffer.allocate(2 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final Capture capture = new Capture();

    @Test
    void shouldDecodeTheNewFieldFromJsonIntoTheFrameFrameWriterWrites() throws ProtocolException
    {
        final FrameWriter writer = new FrameWriter(buffer, TABLE);
        final JsonClientMessageDecoder decoder = new JsonClientMessageDecoder(TABLE);
        final Changes changes = new Changes().status(Status.IDLE).set(MOOD, 42).attribute("map", "dust");

        final byte[] update = decode(decoder,
            "{\"op\":\"update\",\"requestId\":9,\"reason\":\"feelings\"," +
                "\"changes\":{\"mood\":42,\"attributes\":{\"map\":\"dust\"},\"status\":\"idle\"}}");
        buffer.clear();
        assertThat(update).isEqualTo(Arrays.copyOf(buffer.array(), writer.update(9, Protocol.GROUP_STANDARD, "feelings", changes)));
        new ClientFrameAdapter(capture, TABLE).decode(ByteBuffer.wrap(update), update.length);
        assertThat(capture.changes).isEqualTo(changes);
        assertThat(capture.changes.get(MOOD)).isEqualTo(42);

        final byte[] identify = decode(decoder, "{\"op\":\"identify\",\"version\":1,\"token\":\"t\",\"presence\":{\"mood\":100}}");
        buffer.clear();
        final int length = writer.identify(1, "t", new Changes().set(MOOD, 100), false, 0, 0);
        assertThat(identify).isEqualTo(Arrays.copyOf(buffer.array(), length));
        new ClientFrameAdapter(capture, TABLE).decode(ByteBuffer.wrap(identify), identify.length);
        assertThat(capture.changes.get(MOOD)).isEqualTo(100);
    }

    @Test
    void shouldRefuseTheNewFieldWhereTheTableDoesNotHaveIt()
    {
        assertThatThrownBy(() -> decode(new JsonClientMessageDecoder(),
            "{\"op\":\"update\",\"requestId\":9,\"reason\":\"r\",\"changes\":{\"mood\":42}}"))
            .isInstanceOfSatisfying(ProtocolException.class, ex ->
            {
                assertThat(ex.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
                assertThat(ex.getMessage()).contains("unknown member \"mood\"");
            });
    }

    @Test
    void shouldEncodeTheNewFieldInDispatchesAndClients() throws ProtocolException
    {
        final FrameWriter writer = new FrameWriter(buffer, TABLE);
        final JsonServerMessageEncoder encoder = new JsonServerMessageEncoder(TABLE);
        final ServerFrameAdapter adapter = new ServerFrameAdapter(capture, TABLE);

        buffer.clear();
        final int dispatch = writer.dispatch(3, EventType.CLIENT_UPDATED, 11, 12, 0, 13, null, new Changes().set(MOOD, 7));
        adapter.decode(ByteBuffer.wrap(Arrays.copyOf(buffer.array(), dispatch)), dispatch);
        assertThat(capture.changes.get(MOOD)).isEqualTo(7);
        final JsonNode event = encode(encoder, 0);
        assertThat(event.get("changes").size()).isEqualTo(1);
        assertThat(event.get("changes").get("mood").intValue()).isEqualTo(7);

        final ClientView client = new ClientView().set(11, true, 0, 12);
        client.state().status(Status.DND).afk(false).inGame(true).partyId(0).lobbyId(1L << 60).ready(false).player(false)
            .playerNumber(0).teamNumber(0).teamColour(0).sync(0).lobbyHost(false).set(MOOD, 50);
        buffer.clear();
        final int clients = writer.clients(4, new ClientView[] {client}, 1);
        adapter.decode(ByteBuffer.wrap(Arrays.copyOf(buffer.array(), clients)), clients);
        assertThat(capture.client).isEqualTo(client);
        final JsonNode state = encode(encoder, 0).get("clients").get(0).get("state");
        assertThat(state.get("mood").intValue()).isEqualTo(50);
        assertThat(state.get("status").textValue()).isEqualTo("DND");
        assertThat(state.get("lobbyId").textValue()).isEqualTo(Long.toString(1L << 60));
        assertThat(state.size()).as("every field but the (empty) attributes").isEqualTo(TABLE.count() - 1);
    }

    @ParameterizedTest
    @EnumSource(value = FieldKind.class, names = {"BOOLEAN", "STATUS", "INT32", "INT64"})
    void shouldCarryANewFieldOfEveryKindFromJsonThroughFramesBackToJson(final FieldKind kind) throws ProtocolException
    {
        final Field extra = new Field(13, "extra" + kind, FieldGroup.LOBBY, kind, lowest(kind), highest(kind), 0,
            "a throw-away field of kind " + kind);
        roundTrip(FieldTable.PRESENCE.with(extra), extra);
    }

    @Test
    void shouldCarryAFieldWhereThePresenceTableHasItsAttributes() throws ProtocolException
    {
        final Field mood = Field.bool(4, "mood", FieldGroup.STANDARD, "a field where PRESENCE has its attributes");
        roundTrip(new FieldTable(Field.STATUS, Field.AFK, Field.IN_GAME, Field.PARTY_ID, mood), mood);
    }

    /**
     * Random changes of the table's fields (the extra one always among them): a client's JSON
     * update decodes to the frame {@link FrameWriter} writes for them, the binary adapter reads
     * them back, and a dispatch of them encodes as JSON naming every field with its value.
     */
    private void roundTrip(final FieldTable table, final Field extra) throws ProtocolException
    {
        final JsonTestValues values = new JsonTestValues(random);
        final RandomClientMessages messages = new RandomClientMessages(values, table);
        final JsonClientMessageDecoder decoder = new JsonClientMessageDecoder(table);
        final JsonServerMessageEncoder encoder = new JsonServerMessageEncoder(table);
        final FrameWriter writer = new FrameWriter(buffer, table);
        final ClientFrameAdapter clientAdapter = new ClientFrameAdapter(capture, table);
        int withExtra = 0;
        for (int i = 0; i < 300; i++)
        {
            final Changes expected = new Changes();
            final Map<String, Object> message = new LinkedHashMap<>();
            message.put("op", "update");
            message.put("requestId", i);
            message.put("group", "full");
            message.put("reason", "r");
            message.put("changes", messages.changes(expected));
            final byte[] text = messages.write(message, random.nextBoolean());

            final byte[] frame = decode(decoder, text);
            buffer.clear();
            assertThat(frame).as("seed %d case %d: %s", SEED, i, JsonTestValues.show(text))
                .isEqualTo(Arrays.copyOf(buffer.array(), writer.update(i, Protocol.GROUP_FULL, "r", expected)));

            clientAdapter.decode(ByteBuffer.wrap(frame), frame.length);
            assertThat(capture.changes.has(extra)).isEqualTo(expected.has(extra));
            assertThat(capture.changes.get(extra)).isEqualTo(expected.get(extra));
            withExtra += expected.has(extra) ? 1 : 0;

            buffer.clear();
            writer.dispatch(i, EventType.CLIENT_UPDATED, 1, 2, 3, 4, "r", capture.changes);
            final ObjectNode changes = JsonServerMessageEncoderTest.changes(expected, table);
            final JsonNode actual = encode(encoder, 0).get("changes");
            assertThat(actual.equals(JsonServerMessageEncoderTest.SAME_VALUES, changes))
                .as("seed %d case %d: %s is %s", SEED, i, actual, changes).isTrue();
        }
        assertThat(withExtra).as("seed %d: the extra field was in some cases", SEED).isPositive();
    }

    private static long lowest(final FieldKind kind)
    {
        return switch (kind)
        {
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    private static long highest(final FieldKind kind)
    {
        return switch (kind)
        {
            case BOOLEAN -> 1;
            case STATUS -> Status.count() - 1;
            case INT32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    private byte[] decode(final JsonClientMessageDecoder decoder, final String text) throws ProtocolException
    {
        return decode(decoder, text.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] decode(final JsonClientMessageDecoder decoder, final byte[] text) throws ProtocolException
    {
        frame.clear();
        final int length = decoder.decode(ByteBuffer.wrap(text), 0, text.length, frame);
        return Arrays.copyOf(frame.array(), length);
    }

    /** Encode the frame at {@code offset} of the buffer and parse the JSON with strict Jackson. */
    private JsonNode encode(final JsonServerMessageEncoder encoder, final int offset)
    {
        json.clear();
        encoder.encode(buffer, offset, json);
        return JsonTestValues.parse(Arrays.copyOf(json.array(), json.position()));
    }

    /** Keeps a copy of the changes (or the first client) of the last frame decoded. */
    private static final class Capture implements ClientFrameHandler, ServerFrameHandler
    {
        private final Changes changes = new Changes();
        private final ClientView client = new ClientView();

        @Override
        public void onIdentify(
            final int protocolVersion,
            final String token,
            final Changes presence,
            final boolean sharded,
            final int shardId,
            final int shardCount)
        {
            changes.copyFrom(presence);
        }

        @Override
        public void onResume(final String token, final long sessionId, final long lastSeq)
        {
        }

        @Override
        public void onHeartbeat(final long lastSeq)
        {
        }

        @Override
        public void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
        {
            this.changes.copyFrom(changes);
        }

        @Override
        public void onSubscribe(
            final long requestId,
            final boolean subscribe,
            final long[] clientIds,
            final int clientCount,
            final long[] lobbyIds,
            final int lobbyCount)
        {
        }

        @Override
        public void onGetClients(final long requestId, final long[] userIds, final int count)
        {
        }

        @Override
        public void onListClientIds(final long requestId, final long afterUserId, final int limit)
        {
        }

        @Override
        public void onHello(
            final int protocolVersion,
            final int heartbeatIntervalMs,
            final int maxFrameSize,
            final int rateLimitCommands,
            final int rateLimitWindowMs,
            final int identifyTimeoutMs)
        {
        }

        @Override
        public void onReady(final long sessionId, final long userId, final long seq)
        {
        }

        @Override
        public void onHeartbeatAck(final long seq)
        {
        }

        @Override
        public void onResumed(final long seq)
        {
        }

        @Override
        public void onInvalidSession(final boolean resumable)
        {
        }

        @Override
        public void onResult(final long requestId, final Result result)
        {
        }

        @Override
        public void onError(final long requestId, final int code, final String message)
        {
        }

        @Override
        public void onDispatch(
            final long seq,
            final EventType type,
            final long userId,
            final long updateId,
            final long lobbyId,
            final long time,
            final String reason,
            final Changes changes)
        {
            this.changes.copyFrom(changes);
        }

        @Override
        public void onClose(final int code, final String message)
        {
        }

        @Override
        public void onClients(final long requestId, final ClientView[] clients, final int count)
        {
            client.copyFrom(clients[0]);
        }

        @Override
        public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
        {
        }
    }
}
