package dev.rollcall.bench.loadgen;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameAdapter;
import dev.rollcall.protocol.ServerFrameHandler;
import dev.rollcall.protocol.json.JsonClientMessageDecoder;
import dev.rollcall.protocol.json.JsonServerMessageEncoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link JsonCommands} against the server's JSON decoder and {@link JsonServerMessages} against the server's JSON
 * encoder: the JSON of each says exactly what the binary frame says.
 */
class JsonMessagesTest
{
    private static final String[] SAMPLES = {"", "a", "identify", "é", "日本", "\uD83D\uDE00", "x\u0000y\n\"\\/",
        "\u07FF\u0800", "lone \uD800 surrogate"};

    private final ByteBuffer json = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer binary = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer decoded = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private final FrameWriter writer = new FrameWriter(binary);
    private final JsonCommands commands = new JsonCommands();
    private final JsonClientMessageDecoder serverDecoder = new JsonClientMessageDecoder();
    private final JsonServerMessageEncoder serverEncoder = new JsonServerMessageEncoder();
    private final JsonServerMessages messages = new JsonServerMessages();
    private final Calls fromJson = new Calls();
    private final Calls fromBinary = new Calls();
    private final ServerFrameAdapter adapter = new ServerFrameAdapter(fromBinary);

    @Test
    void shouldWriteTheLoadGeneratorsCommandsAsTheJsonOfTheSameFrames() throws Exception
    {
        final Changes presence = new Changes().lobbyId(1_000_042);
        sameCommand(out -> commands.identify(out, Protocol.VERSION, "AQEAAAAAAAAA.x-_", presence),
            () -> writer.identify(Protocol.VERSION, "AQEAAAAAAAAA.x-_", presence, false, 0, 0));
        final Changes none = new Changes();
        sameCommand(out -> commands.identify(out, Protocol.VERSION, "t", none),
            () -> writer.identify(Protocol.VERSION, "t", none, false, 0, 0));
        for (final long stamp : new long[]{1, 123_456_789_012L, (1L << 53) - 1, 1L << 53, Long.MAX_VALUE})
        {
            final Changes update = new Changes().partyId(stamp).sync((int)stamp)
                .teamColour(LoadWorker.teamColour(stamp, 1));
            sameCommand(out -> commands.update(out, 0xFFFF_FFFFL, Protocol.GROUP_FULL, "", update),
                () -> writer.update(0xFFFF_FFFFL, Protocol.GROUP_FULL, "", update));
        }
        final long[] users = {1_000_001, 1_000_002, Long.MAX_VALUE};
        final long[] lobbies = {1_000_000};
        sameCommand(out -> commands.subscribe(out, 9, users, users.length, lobbies, lobbies.length),
            () -> writer.subscribe(9, users, users.length, lobbies, lobbies.length));
        sameCommand(out -> commands.subscribe(out, 1, users, 0, lobbies, 0), () -> writer.subscribe(1, users, 0, lobbies, 0));
        for (final long seq : new long[]{0, 17, 1L << 60})
        {
            sameCommand(out -> commands.heartbeat(out, seq), () -> writer.heartbeat(seq));
        }
    }

    @Test
    void shouldWriteAnyUpdateAsTheJsonOfTheSameFrame() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 2_000; i++)
        {
            final Changes changes = randomChanges(random, new Changes());
            final String reason = SAMPLES[random.nextInt(SAMPLES.length)];
            final int group = random.nextInt(Protocol.GROUP_STANDARD, Protocol.GROUP_FULL + 1);
            final long requestId = random.nextLong(0, 1L << 32);
            sameCommand(out -> commands.update(out, requestId, group, reason, changes),
                () -> writer.update(requestId, group, reason, changes));
        }
    }

    @Test
    void shouldReadEveryServerMessageAsTheBinaryAdapterReadsItsFrame() throws Exception
    {
        sameMessage(() -> writer.hello(1, 30_000, 4096, 120, 60_000, 10_000));
        sameMessage(() -> writer.hello(1, -1, 4096, -2, 60_000, 10_000));
        sameMessage(() -> writer.ready(5_764_607_523_034_234_881L, 42, 0));
        sameMessage(() -> writer.heartbeatAck(17));
        sameMessage(() -> writer.resumed(1L << 60));
        sameMessage(() -> writer.invalidSession(true));
        sameMessage(() -> writer.invalidSession(false));
        for (final Result result : Result.values())
        {
            sameMessage(() -> writer.result(0xFFFF_FFFFL, result));
        }
        sameMessage(() -> writer.error(9, ErrorCode.MALFORMED_FRAME.code(), "JSON: unknown member \"mood\""));
        sameMessage(() -> writer.error(0, 4999, "not a code the server knows"));
        sameMessage(() -> writer.close(ErrorCode.SERVER_SHUTTING_DOWN.code(), "bye"));
        final ClientView[] clients = {new ClientView().userId(42).present(false)};
        sameMessage(() -> writer.clients(3, clients, 1));
        sameMessage(() -> writer.clientIds(4, 0, new long[]{1, 42}, 2));
        sameMessage(() -> writer.stats(5, 1_765_000_000_000L, 300_000, new String[]{"core_commands_refused", "x"},
            new long[]{3, Long.MIN_VALUE}, 2));
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2_000; i++)
        {
            final Changes changes = randomChanges(random, new Changes());
            final EventType type = EventType.fromCode(random.nextInt(EventType.count()));
            final long seq = random.nextLong(1, Long.MAX_VALUE);
            final long userId = random.nextBoolean() ? random.nextLong() : random.nextInt(1, 1_000_000);
            final long time = random.nextLong();
            final String reason = random.nextBoolean() ? null : SAMPLES[random.nextInt(SAMPLES.length)];
            sameMessage(() -> writer.dispatch(seq, type, userId, 7, userId / 20, time, reason, changes));
        }
    }

    @Test
    void shouldReadTheServerExamplesOfTheProtocolDoc() throws Exception
    {
        final String doc = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
        final int from = doc.indexOf("```json", doc.indexOf("Server → client, one example of every message"));
        final String[] examples = doc.substring(from + "```json".length(), doc.indexOf("```", from + 7)).strip()
            .split("\n");

        assertThat(examples).hasSize(12);
        for (final String example : examples)
        {
            read(example);
        }
        assertThat(fromJson.calls).containsExactly(
            "hello 1 30000 4096 120 60000 10000",
            "ready 5764607523034234881 42 0",
            "heartbeat_ack 17",
            "resumed 17",
            "invalid_session false",
            "result 9 APPLIED",
            "error 9 4002",
            "dispatch 18 CLIENT_UPDATED 42 7 0 1765000000000 {status=1, afk=1}",
            "close 4019",
            "clients 3",
            "client_ids 4 0",
            "stats 5 1765000000000 300000");
    }

    @Test
    void shouldReadMembersInAnyOrderWithWhiteSpaceAndSkipUnknownOnes() throws Exception
    {
        read(" {\n\t\"seq\" : \"12\" ,\"op\":\"heartbeat_ack\", \"later\": {\"a\": [1, {\"b\": null}, \"\\\"}\"], \"c\": -1.5e3} } ");
        read("{\"changes\":{\"sync\":-7,\"teamColour\":2,\"attributes\":{\"k\":\"v\",\"n\":null}},\"reason\":null," +
            "\"time\":1,\"lobbyId\":5,\"updateId\":1,\"userId\":\"9007199254740993\",\"type\":\"LOBBY_CLIENT_CHANGE\"," +
            "\"seq\":3,\"op\":\"dispatch\"}");
        read("{\"op\":\"result\",\"requestId\":1,\"result\":1}");

        assertThat(fromJson.calls).containsExactly("heartbeat_ack 12",
            "dispatch 3 LOBBY_CLIENT_CHANGE 9007199254740993 1 5 1 {teamColour=2, sync=-7}",
            "result 1 UNCHANGED");
    }

    @Test
    void shouldRefuseWhatIsNotAServerMessage()
    {
        for (final String bad : new String[]{"", "[]", "{\"op\":\"hello\"", "{\"op\":\"result\",\"requestId\":1}",
            "{\"op\":\"identify\",\"version\":1}", "{\"op\":\"nope\"}", "{\"seq\":1}", "{\"op\":\"heartbeat_ack\",\"seq\":1.5}",
            "{\"op\":\"heartbeat_ack\",\"seq\":99999999999999999999}", "{\"op\":\"heartbeat_ack\",\"seq\":1} x",
            "{\"op\":\"result\",\"requestId\":1,\"result\":\"GREAT\"}", "{\"op\":\"result\",\"requestId\":1,\"result\":11}",
            "{\"op\":\"dispatch\",\"seq\":1,\"type\":\"CLIENT_UPDATED\",\"userId\":1,\"updateId\":1,\"lobbyId\":0," +
                "\"time\":0,\"reason\":null,\"changes\":{\"mood\":1}}", "{\"op\":\"heartbeat_ack\",\"seq\":\"1\"\"}",
            "{\"op\":\"invalid_session\",\"resumable\":1}"})
        {
            assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(ProtocolException.class);
        }
    }

    private void read(final String message) throws ProtocolException
    {
        final byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 8);
        buffer.position(3);
        buffer.put(bytes);
        messages.read(buffer, 3, 3 + bytes.length, fromJson);
    }

    /** The JSON command, decoded by the server's decoder, is the frame the binary writer writes. */
    private void sameCommand(final Consumer<ByteBuffer> jsonCommand, final Runnable frame) throws ProtocolException
    {
        json.clear();
        jsonCommand.accept(json);
        binary.clear();
        frame.run();
        decoded.clear();
        final String text = new String(json.array(), 0, json.position(), StandardCharsets.UTF_8);
        serverDecoder.decode(json, 0, json.position(), decoded);
        assertThat(slice(decoded)).as(text).isEqualTo(slice(binary));
    }

    /** The server's JSON of a frame reads as the binary adapter reads the frame. */
    private void sameMessage(final Runnable frame) throws ProtocolException
    {
        binary.clear();
        frame.run();
        binary.flip();
        json.clear();
        serverEncoder.encode(binary, 0, json);
        messages.read(json, 0, json.position(), fromJson);
        adapter.decode(binary, FrameSplitter.nextFrame(binary, Protocol.MAX_SERVER_FRAME_SIZE));
        assertThat(fromJson.calls).as(new String(json.array(), 0, json.position(), StandardCharsets.UTF_8))
            .isEqualTo(fromBinary.calls);
    }

    private static byte[] slice(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.position()];
        buffer.get(0, bytes);
        return bytes;
    }

    private static Changes randomChanges(final SplittableRandom random, final Changes changes)
    {
        final FieldTable table = FieldTable.PRESENCE;
        for (int number = 0; number < table.count(); number++)
        {
            if (random.nextInt(3) != 0)
            {
                continue;
            }
            final Field field = table.field(number);
            switch (field.kind())
            {
                case BOOLEAN -> changes.set(field, random.nextInt(2));
                case STATUS -> changes.status(Status.fromCode(random.nextInt(Status.count())));
                case INT32 -> changes.set(field, random.nextBoolean() ? random.nextInt() : random.nextInt(-3, 100));
                case INT64 -> changes.set(field, random.nextBoolean() ? random.nextLong() : random.nextLong(-3, 1L << 54));
                default ->
                {
                    final int count = random.nextInt(1, 4);
                    for (int i = 0; i < count; i++)
                    {
                        final String key = "k" + i + SAMPLES[random.nextInt(SAMPLES.length)];
                        switch (random.nextInt(3))
                        {
                            case 0 -> changes.attribute(key, SAMPLES[random.nextInt(SAMPLES.length)]);
                            case 1 -> changes.attribute(key, random.nextLong());
                            default -> changes.removeAttribute(key);
                        }
                    }
                }
            }
        }
        return changes;
    }

    /** The handler calls, as text: what both encodings carry (not messages, reasons, attributes or client lists). */
    private static final class Calls implements ServerFrameHandler
    {
        final List<String> calls = new ArrayList<>();

        @Override
        public void onHello(final int protocolVersion, final int heartbeatIntervalMs, final int maxFrameSize,
            final int rateLimitCommands, final int rateLimitWindowMs, final int identifyTimeoutMs)
        {
            calls.add("hello " + protocolVersion + " " + heartbeatIntervalMs + " " + maxFrameSize + " " +
                rateLimitCommands + " " + rateLimitWindowMs + " " + identifyTimeoutMs);
        }

        @Override
        public void onReady(final long sessionId, final long userId, final long seq)
        {
            calls.add("ready " + sessionId + " " + userId + " " + seq);
        }

        @Override
        public void onHeartbeatAck(final long seq)
        {
            calls.add("heartbeat_ack " + seq);
        }

        @Override
        public void onResumed(final long seq)
        {
            calls.add("resumed " + seq);
        }

        @Override
        public void onInvalidSession(final boolean resumable)
        {
            calls.add("invalid_session " + resumable);
        }

        @Override
        public void onResult(final long requestId, final Result result)
        {
            calls.add("result " + requestId + " " + result);
        }

        @Override
        public void onError(final long requestId, final int code, final String message)
        {
            calls.add("error " + requestId + " " + code);
        }

        @Override
        public void onDispatch(final long seq, final EventType type, final long userId, final long updateId,
            final long lobbyId, final long time, final String reason, final Changes changes)
        {
            final StringBuilder scalars = new StringBuilder("{");
            final FieldTable table = FieldTable.PRESENCE;
            for (int number = 0; number < table.count(); number++)
            {
                final Field field = table.field(number);
                if (FieldKind.ATTRIBUTES != field.kind() && changes.has(number))
                {
                    scalars.append(scalars.length() > 1 ? ", " : "").append(field.name()).append('=')
                        .append(changes.get(number));
                }
            }
            calls.add("dispatch " + seq + " " + type + " " + userId + " " + updateId + " " + lobbyId + " " + time + " " +
                scalars.append('}'));
        }

        @Override
        public void onClose(final int code, final String message)
        {
            calls.add("close " + code);
        }

        @Override
        public void onClients(final long requestId, final ClientView[] clients, final int count)
        {
            calls.add("clients " + requestId);
        }

        @Override
        public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
        {
            calls.add("client_ids " + requestId + " " + nextCursor);
        }

        @Override
        public void onStats(
            final long requestId,
            final long nowMs,
            final long gracePeriodMs,
            final String[] names,
            final long[] values,
            final int count)
        {
            calls.add("stats " + requestId + " " + nowMs + " " + gracePeriodMs);
        }
    }
}
