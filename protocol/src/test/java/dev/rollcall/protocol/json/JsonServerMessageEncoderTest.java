package dev.rollcall.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonServerMessageEncoder} against {@link FrameWriter} and Jackson: every server op, with
 * seeded random values, encodes as JSON that strict Jackson parses (whatever the strings hold) to
 * exactly the members the JSON protocol promises: op names in lower case, 64-bit values as numbers
 * only when a JavaScript number holds them, {@code sessionId} always a string, results, event types,
 * statuses and error codes by name. Set {@code -Drollcall.seed=...} to replay a seed.
 */
class JsonServerMessageEncoderTest
{
    private static final int CASES = 300;
    private static final long SEED = JsonTestValues.seed();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Integral numbers are equal by value whatever node Jackson chose for them (int, long, big). */
    static final Comparator<JsonNode> SAME_VALUES = (a, b) ->
        a.equals(b) || (a.isIntegralNumber() && b.isIntegralNumber() && a.bigIntegerValue().equals(b.bigIntegerValue())) ? 0 : 1;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final JsonTestValues values = new JsonTestValues(random);
    private final ByteBuffer frames = ByteBuffer.allocate(8 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final FrameWriter writer = new FrameWriter(frames);
    private final ByteBuffer json = ByteBuffer.allocate(8 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final JsonServerMessageEncoder encoder = new JsonServerMessageEncoder();

    @ParameterizedTest
    @ValueSource(strings = {
        "hello", "ready", "heartbeat_ack", "resumed", "invalid_session", "result", "error", "dispatch", "close", "clients",
        "client_ids", "stats"})
    void shouldEncodeRandomFramesAsTheJsonTheyStandFor(final String op)
    {
        for (int i = 0; i < CASES; i++)
        {
            frames.clear();
            final int start = random.nextInt(16);
            frames.position(start);
            final ObjectNode expected = write(op);
            final int length = frames.position() - start;

            json.clear();
            final int jsonStart = random.nextInt(16);
            json.position(jsonStart);
            json.put(0, (byte)'#');
            frames.position(random.nextInt(start + 1));
            final int framePosition = frames.position();
            assertThat(encoder.encode(frames, start, json)).as("seed %d case %d: the frame's length", SEED, i).isEqualTo(length);
            assertThat(frames.position()).as("the frame buffer's position is not used").isEqualTo(framePosition);
            if (jsonStart > 0)
            {
                assertThat(json.get(0)).as("nothing before the target's position is written").isEqualTo((byte)'#');
            }
            assertJson(Arrays.copyOfRange(json.array(), jsonStart, json.position()), expected, i);
        }
    }

    @Test
    void shouldEncodeTheSameEventForManySessionsAsAFreshEncoderWould()
    {
        // a thread sends one event to each watching session, seq after seq; events interleave with
        // other frames and with the replay of older events
        final ByteBuffer frames = ByteBuffer.allocate(1 << 16);
        final FrameWriter writer = new FrameWriter(frames);
        final Changes a = new Changes().status(Status.IDLE).attribute("map", "dune");
        final Changes b = new Changes().partyId(7);
        writer.dispatch(1, EventType.CLIENT_UPDATED, 42, 3, 0, 1_000, "afk", a);
        writer.dispatch(2, EventType.CLIENT_UPDATED, 42, 3, 0, 1_000, "afk", a);
        writer.dispatch(9, EventType.CLIENT_UPDATED, 42, 3, 0, 1_000, "afk", a);
        writer.result(5, Result.APPLIED);
        writer.dispatch(3, EventType.CLIENT_UPDATED, 42, 3, 0, 1_000, "afk", a);
        writer.dispatch(3, EventType.CLIENT_UPDATED, 43, 4, 0, 1_001, "party", b);
        writer.dispatch(4, EventType.CLIENT_UPDATED, 42, 3, 0, 1_000, "afk ", a); // one byte longer
        writer.dispatch(5, EventType.CLIENT_UPDATED, 42, 3, 0, 1_000, "afk", a);
        writer.dispatch(6, EventType.CLIENT_UPDATED, 44, 3, 0, 1_000, "afk", a); // same length, another user
        final JsonServerMessageEncoder reused = new JsonServerMessageEncoder();
        final List<String> seqs = new ArrayList<>();
        for (int at = 0; at < frames.position(); )
        {
            final ByteBuffer cached = ByteBuffer.allocate(4096);
            final ByteBuffer fresh = ByteBuffer.allocate(4096);
            final int length = reused.encode(frames, at, cached);
            new JsonServerMessageEncoder().encode(frames, at, fresh);
            final String json = new String(cached.array(), 0, cached.position(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).isEqualTo(new String(fresh.array(), 0, fresh.position(), java.nio.charset.StandardCharsets.UTF_8));
            seqs.add(json.contains("\"seq\":") ? json.replaceAll(".*\"seq\":(\\d+).*", "$1") : "-");
            at += length;
        }
        assertThat(seqs).containsExactly("1", "2", "9", "-", "3", "3", "4", "5", "6");
    }

    @Test
    void shouldEncodeFramesBackToBackReturningEachOnesLength()
    {
        for (int round = 0; round < 20; round++)
        {
            frames.clear();
            final int start = random.nextInt(8);
            frames.position(start);
            final List<ObjectNode> expected = new ArrayList<>();
            final int count = random.nextInt(1, 30);
            for (int i = 0; i < count; i++)
            {
                expected.add(write(SERVER_OPS[random.nextInt(SERVER_OPS.length)]));
            }
            final int end = frames.position();

            int at = start;
            final List<byte[]> texts = new ArrayList<>();
            while (at < end)
            {
                json.clear();
                at += encoder.encode(frames, at, json);
                texts.add(Arrays.copyOf(json.array(), json.position()));
            }
            assertThat(at).as("seed %d round %d: the lengths add up to the frames'", SEED, round).isEqualTo(end);
            assertThat(texts).hasSameSizeAs(expected);
            for (int i = 0; i < count; i++)
            {
                assertJson(texts.get(i), expected.get(i), round);
            }
        }
    }

    @Test
    void shouldWrite64BitValuesAsNumbersOnlyWhenAJavaScriptNumberHoldsThem()
    {
        final long safe = (1L << 53) - 1;
        final long[] numbers = {0, 1, -1, safe, -safe};
        final long[] strings = {safe + 1, -safe - 1, Long.MAX_VALUE, Long.MIN_VALUE};
        for (final long seq : numbers)
        {
            frames.clear();
            writer.heartbeatAck(seq);
            final JsonNode node = JsonTestValues.parse(encodeOne()).get("seq");
            assertThat(node.isIntegralNumber()).as("%d", seq).isTrue();
            assertThat(node.longValue()).isEqualTo(seq);
        }
        for (final long seq : strings)
        {
            frames.clear();
            writer.heartbeatAck(seq);
            final JsonNode node = JsonTestValues.parse(encodeOne()).get("seq");
            assertThat(node.isTextual()).as("%d", seq).isTrue();
            assertThat(node.textValue()).isEqualTo(Long.toString(seq));
        }
        for (final long sessionId : new long[] {0, 1, -1, Long.MIN_VALUE})
        {
            frames.clear();
            writer.ready(sessionId, 1, 0);
            assertThat(JsonTestValues.parse(encodeOne()).get("sessionId").textValue()).isEqualTo(Long.toString(sessionId));
        }
    }

    @Test
    void shouldEncodeStatsAsTheDocumentedObjectOfCounters()
    {
        frames.clear();
        writer.stats(5, 1_765_000_000_000L, 300_000, new String[] {"core_commands_refused", "gateway_protocol_errors",
            "a \"quoted\"\n name", "big"}, new long[] {3, 0, -1, Long.MIN_VALUE}, 4);
        assertThat(new String(encodeOne(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
            "{\"op\":\"stats\",\"requestId\":5,\"nowMs\":1765000000000,\"gracePeriodMs\":300000,\"counters\":{" +
            "\"core_commands_refused\":3,\"gateway_protocol_errors\":0,\"a \\\"quoted\\\"\\u000a name\":-1," +
            "\"big\":\"-9223372036854775808\"}}");

        frames.clear();
        writer.stats(0, 0, 0, null, null, 0);
        assertThat(new String(encodeOne(), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("{\"op\":\"stats\",\"requestId\":0,\"nowMs\":0,\"gracePeriodMs\":0,\"counters\":{}}");
    }

    @Test
    void shouldEscapeEveryCharacterJsonDoesNotCarryRaw()
    {
        final StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++)
        {
            all.append(c);
        }
        all.append("é€\uD83D\uDE00\u2028\u2029\uFEFF\uFFFF\\\\\"\"\\u0000\\n");
        final String message = all.toString();

        frames.clear();
        writer.error(1, ErrorCode.MALFORMED_FRAME.code(), message);
        writer.close(ErrorCode.MALFORMED_FRAME.code(), message);
        writer.dispatch(1, EventType.CLIENT_UPDATED, 2, 3, 4, 5, message,
            new Changes().attribute(message, message).attribute("k", message));
        final int end = frames.position();
        json.clear();
        for (int at = 0; at < end; )
        {
            final int from = json.position();
            at += encoder.encode(frames, at, json);
            final byte[] text = Arrays.copyOfRange(json.array(), from, json.position());
            for (final byte b : text)
            {
                assertThat(b & 0xFF).as("no raw control character in %s", JsonTestValues.show(text)).isGreaterThanOrEqualTo(0x20);
            }
            final JsonNode node = JsonTestValues.parse(text);
            if (node.has("message"))
            {
                assertThat(node.get("message").textValue()).isEqualTo(message);
            }
            else
            {
                assertThat(node.get("reason").textValue()).isEqualTo(message);
                assertThat(node.get("changes").get("attributes").get(message).textValue()).isEqualTo(message);
                assertThat(node.get("changes").get("attributes").get("k").textValue()).isEqualTo(message);
            }
        }
    }

    @Test
    void shouldEncodeStringsOfEveryLengthTheWireCarries()
    {
        // a string's u16 length 0xFFFF is 65535 bytes; only the nstring reason of a dispatch reads it as null
        final String longest = "x".repeat(Protocol.MAX_STRING_BYTES);
        final String reason = "r".repeat(Protocol.MAX_NSTRING_BYTES);
        final Changes changes = new Changes().attribute(longest, longest).attribute("", "").attribute("k", longest.substring(1));
        frames.clear();
        writer.dispatch(1, EventType.CLIENT_UPDATED, 2, 3, 4, 5, reason, changes);
        final ObjectNode dispatch = object("dispatch").put("seq", 1).put("type", EventType.CLIENT_UPDATED.name()).put("userId", 2)
            .put("updateId", 3).put("lobbyId", 4).put("time", 5).put("reason", reason);
        dispatch.set("changes", changes(changes, FieldTable.PRESENCE));
        assertJson(encodeOne(), dispatch, 0);

        final ClientView client = new ClientView().set(1, true, 0, 2);
        client.state().copyFrom(state(FieldTable.PRESENCE.allMask() & ~Field.ATTRIBUTES.bit(), 0)).attribute(longest, longest);
        frames.clear();
        writer.clients(3, new ClientView[] {client}, 1);
        final ObjectNode clients = object("clients").put("requestId", 3);
        clients.putArray("clients").addObject().put("userId", 1).put("present", true).put("connected", true)
            .put("lastDisconnected", 0).put("updateId", 2).set("state", changes(client.state(), FieldTable.PRESENCE));
        assertJson(encodeOne(), clients, 0);
    }

    @Test
    void shouldWriteUnknownCodesAsNumbers()
    {
        frames.clear();
        FrameWriter.raw(frames, Protocol.RESULT, new byte[] {7, 0, 0, 0, (byte)200});
        assertJson(encodeOne(), object("result").put("requestId", 7).put("result", 200), 0);

        frames.clear();
        writer.error(0, 4999, "m");
        assertJson(encodeOne(), object("error").put("requestId", 0).put("code", 4999).put("message", "m"), 0);

        frames.clear();
        writer.dispatch(1, EventType.CLIENT_UPDATED, 2, 3, 4, 5, null, new Changes().status(Status.IDLE));
        final int end = frames.position();
        frames.put(Protocol.BODY_OFFSET + 8, (byte)0x7F);
        frames.put(end - 1, (byte)9);
        final ObjectNode dispatch = object("dispatch").put("seq", 1).put("type", 0x7F).put("userId", 2).put("updateId", 3)
            .put("lobbyId", 4).put("time", 5).putNull("reason");
        dispatch.putObject("changes").put("status", 9);
        assertJson(encodeOne(), dispatch, 0);
    }

    @Test
    void shouldRefuseFramesThatAreNotServerFrames()
    {
        for (final int op : new int[] {0, Protocol.STATS + 1, 0x1F, Protocol.IDENTIFY, Protocol.HEARTBEAT, Protocol.GET_STATS, 0xFF})
        {
            frames.clear();
            FrameWriter.raw(frames, op, new byte[8]);
            json.clear();
            assertThatThrownBy(() -> encoder.encode(frames, 0, json)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldAllocateNothingEncodingFrames()
    {
        frames.clear();
        final Changes changes = new Changes().status(Status.IDLE).afk(true).partyId(1L << 60)
            .attribute("map", "harbour").attribute("rank", 12);
        writer.dispatch(1042, EventType.CLIENT_UPDATED, 3, 5123, 0, 1_765_000_000_000L, "match \"found\"\n", changes);
        writer.result(5123, Result.APPLIED);
        writer.heartbeatAck(1042);
        writer.stats(7, 1_765_000_000_000L, 300_000, new String[] {"core_inputs_processed", "gateway_protocol_errors"},
            new long[] {1L << 60, 12}, 2);
        final int end = frames.position();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                for (int at = 0; at < end; )
                {
                    json.clear();
                    at += encoder.encode(frames, at, json);
                    sum += json.position();
                }
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isPositive();
        // less than a byte per frame (a few hundred bytes of JIT or bookkeeping noise may show up once)
        assertThat(allocated).as("bytes allocated by 80,000 encodes").isLessThan(20_000);
    }

    private static final String[] SERVER_OPS = {
        "hello", "ready", "heartbeat_ack", "resumed", "invalid_session", "result", "error", "dispatch", "close", "clients",
        "client_ids", "stats"};

    /** Write a random frame of the op at the frames' position; return the JSON it must encode as. */
    private ObjectNode write(final String op)
    {
        final ObjectNode node = object(op);
        switch (op)
        {
            case "hello" ->
            {
                final int version = random.nextInt(0x10000);
                final int[] u32 = {values.anyInt(), values.anyInt(), values.anyInt(), values.anyInt(), values.anyInt()};
                writer.hello(version, u32[0], u32[1], u32[2], u32[3], u32[4]);
                node.put("version", version)
                    .put("heartbeatIntervalMs", Integer.toUnsignedLong(u32[0]))
                    .put("maxFrameSize", Integer.toUnsignedLong(u32[1]))
                    .put("rateLimitCommands", Integer.toUnsignedLong(u32[2]))
                    .put("rateLimitWindowMs", Integer.toUnsignedLong(u32[3]))
                    .put("identifyTimeoutMs", Integer.toUnsignedLong(u32[4]));
            }
            case "ready" ->
            {
                final long sessionId = values.anyLong();
                final long userId = values.anyLong();
                final long seq = values.anyLong();
                writer.ready(sessionId, userId, seq);
                node.put("sessionId", Long.toString(sessionId));
                node.set("userId", id(userId));
                node.set("seq", id(seq));
            }
            case "heartbeat_ack", "resumed" ->
            {
                final long seq = values.anyLong();
                if (op.equals("resumed"))
                {
                    writer.resumed(seq);
                }
                else
                {
                    writer.heartbeatAck(seq);
                }
                node.set("seq", id(seq));
            }
            case "invalid_session" ->
            {
                final boolean resumable = random.nextBoolean();
                writer.invalidSession(resumable);
                node.put("resumable", resumable);
            }
            case "result" ->
            {
                final long requestId = values.u32();
                final Result result = Result.values()[random.nextInt(Result.count())];
                writer.result(requestId, result);
                node.put("requestId", requestId).put("result", result.name());
            }
            case "error", "close" ->
            {
                final int code = random.nextBoolean() ? ErrorCode.values()[random.nextInt(ErrorCode.values().length)].code() :
                    random.nextInt(0x10000);
                final String message = values.string(40);
                if (op.equals("error"))
                {
                    final long requestId = values.u32();
                    writer.error(requestId, code, message);
                    node.put("requestId", requestId);
                }
                else
                {
                    writer.close(code, message);
                }
                node.put("code", code);
                final ErrorCode known = ErrorCode.fromCode(code);
                if (null != known)
                {
                    node.put("name", known.name());
                }
                node.put("message", message);
            }
            case "dispatch" -> dispatch(node);
            case "clients" -> clients(node);
            case "stats" -> stats(node);
            default ->
            {
                final long requestId = values.u32();
                final long nextCursor = values.anyLong();
                final int count = random.nextInt(8) == 0 ? random.nextInt(Protocol.MAX_LIST_LIMIT + 1) : random.nextInt(6);
                final long[] ids = new long[count];
                final ArrayNode list = NODES.arrayNode();
                for (int i = 0; i < count; i++)
                {
                    ids[i] = values.anyLong();
                    list.add(id(ids[i]));
                }
                writer.clientIds(requestId, nextCursor, ids, count);
                node.put("requestId", requestId);
                node.set("nextCursor", id(nextCursor));
                node.set("ids", list);
            }
        }
        return node;
    }

    private void dispatch(final ObjectNode node)
    {
        final long seq = values.anyLong();
        final EventType type = EventType.values()[random.nextInt(EventType.count())];
        final long userId = values.anyLong();
        final long updateId = values.anyLong();
        final long lobbyId = values.anyLong();
        final long time = values.anyLong();
        final String reason = random.nextInt(4) == 0 ? null : values.string(40);
        final Changes changes = state(random.nextInt(FieldTable.PRESENCE.allMask() + 1), Protocol.MAX_ATTRIBUTES);
        writer.dispatch(seq, type, userId, updateId, lobbyId, time, reason, changes);
        node.set("seq", id(seq));
        node.put("type", type.name());
        node.set("userId", id(userId));
        node.set("updateId", id(updateId));
        node.set("lobbyId", id(lobbyId));
        node.set("time", id(time));
        node.put("reason", reason);
        node.set("changes", changes(changes, FieldTable.PRESENCE));
    }

    private void stats(final ObjectNode node)
    {
        final long requestId = values.u32();
        final long nowMs = values.anyLong();
        final long gracePeriodMs = values.anyLong();
        final int count = random.nextInt(8) == 0 ? random.nextInt(300) : random.nextInt(6);
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final String[] names = new String[count];
        final long[] counters = new long[count];
        final ObjectNode object = NODES.objectNode();
        for (int i = 0; i < count; i++)
        {
            do
            {
                names[i] = random.nextBoolean() ? "core_c" + random.nextInt(1000) : values.string(12);
            }
            while (!seen.add(names[i])); // a JSON object's names are distinct
            counters[i] = values.anyLong();
            object.set(names[i], id(counters[i]));
        }
        writer.stats(requestId, nowMs, gracePeriodMs, names, counters, count);
        node.put("requestId", requestId);
        node.set("nowMs", id(nowMs));
        node.set("gracePeriodMs", id(gracePeriodMs));
        node.set("counters", object);
    }

    private void clients(final ObjectNode node)
    {
        final long requestId = values.u32();
        final int count = random.nextInt(8) == 0 ? random.nextInt(Protocol.MAX_GET_CLIENTS + 1) : random.nextInt(6);
        final ClientView[] clients = new ClientView[count];
        final ArrayNode list = NODES.arrayNode();
        for (int i = 0; i < count; i++)
        {
            final ObjectNode client = list.addObject();
            final long userId = values.anyLong();
            client.set("userId", id(userId));
            if (random.nextInt(4) == 0)
            {
                clients[i] = new ClientView().absent(userId);
                client.put("present", false);
                continue;
            }
            final boolean connected = random.nextBoolean();
            final long lastDisconnected = values.anyLong();
            final long updateId = values.anyLong();
            final int all = FieldTable.PRESENCE.allMask();
            clients[i] = new ClientView().set(userId, connected, lastDisconnected, updateId);
            clients[i].state().copyFrom(state(random.nextBoolean() ? all : all & ~Field.ATTRIBUTES.bit(), 4));
            client.put("present", true).put("connected", connected);
            client.set("lastDisconnected", id(lastDisconnected));
            client.set("updateId", id(updateId));
            client.set("state", changes(clients[i].state(), FieldTable.PRESENCE));
        }
        writer.clients(requestId, clients, count);
        node.put("requestId", requestId);
        node.set("clients", list);
    }

    /** Random values for the fields of a mask; attribute keys unique (a JSON object's names are). */
    private Changes state(final int mask, final int maxAttributes)
    {
        final Changes changes = new Changes();
        final FieldTable table = FieldTable.PRESENCE;
        for (int number = 0; number < table.count(); number++)
        {
            if ((mask & (1 << number)) == 0)
            {
                continue;
            }
            final Field field = table.field(number);
            switch (field.kind())
            {
                case BOOLEAN -> changes.set(field, random.nextInt(2));
                case STATUS -> changes.set(field, random.nextInt(Status.count()));
                case INT32 -> changes.set(field, values.anyInt());
                case INT64 -> changes.set(field, values.anyLong());
                default ->
                {
                    final int count = random.nextInt(10) == 0 ?
                        random.nextInt(maxAttributes + 1) : random.nextInt(Math.min(5, maxAttributes + 1));
                    final java.util.Set<String> keys = new java.util.HashSet<>();
                    while (keys.size() < count)
                    {
                        final String key = values.string(8);
                        if (!keys.add(key))
                        {
                            continue;
                        }
                        switch (random.nextInt(3))
                        {
                            case 0 -> changes.attribute(key, values.string(20));
                            case 1 -> changes.attribute(key, values.anyLong());
                            default -> changes.removeAttribute(key);
                        }
                    }
                    changes.touchAttributes();
                }
            }
        }
        return changes;
    }

    /** The JSON a {@code changes} value must encode as: fields by name, an empty attribute list left out. */
    static ObjectNode changes(final Changes changes, final FieldTable table)
    {
        final ObjectNode node = NODES.objectNode();
        for (int number = 0; number < table.count(); number++)
        {
            if (!changes.has(number))
            {
                continue;
            }
            final Field field = table.field(number);
            switch (field.kind())
            {
                case BOOLEAN -> node.put(field.name(), changes.get(number) != 0);
                case STATUS -> node.put(field.name(), Status.fromCode(changes.get(number)).name());
                case INT32 -> node.put(field.name(), (int)changes.get(number));
                case INT64 -> node.set(field.name(), id(changes.get(number)));
                default ->
                {
                    if (changes.attributeCount() == 0)
                    {
                        continue;
                    }
                    final ObjectNode attributes = node.putObject(field.name());
                    for (int i = 0; i < changes.attributeCount(); i++)
                    {
                        switch (changes.attributeKind(i))
                        {
                            case Changes.ATTRIBUTE_STRING -> attributes.put(changes.attributeKey(i), changes.attributeString(i));
                            case Changes.ATTRIBUTE_LONG -> attributes.set(changes.attributeKey(i), id(changes.attributeLong(i)));
                            default -> attributes.putNull(changes.attributeKey(i));
                        }
                    }
                }
            }
        }
        return node;
    }

    /** A 64-bit value as the JSON protocol writes it: a number when a JavaScript number holds it, else a string. */
    static JsonNode id(final long value)
    {
        return value >= -JsonTestValues.MAX_SAFE && value <= JsonTestValues.MAX_SAFE ?
            NODES.numberNode(value) : NODES.textNode(Long.toString(value));
    }

    private static ObjectNode object(final String op)
    {
        return NODES.objectNode().put("op", op);
    }

    private byte[] encodeOne()
    {
        json.clear();
        assertThat(encoder.encode(frames, 0, json)).isEqualTo(frames.position());
        return Arrays.copyOf(json.array(), json.position());
    }

    /**
     * The text is one JSON object for strict Jackson (no repeated names, nothing after it), and it
     * holds exactly the expected members, numbers equal by value; member order is free but the
     * attributes keep theirs.
     */
    private static void assertJson(final byte[] text, final ObjectNode expected, final int i)
    {
        final JsonNode actual;
        try
        {
            actual = JsonTestValues.parse(text);
        }
        catch (final RuntimeException ex)
        {
            throw new AssertionError("seed " + SEED + " case " + i + ": not JSON: " + JsonTestValues.show(text), ex);
        }
        if (!actual.equals(SAME_VALUES, expected))
        {
            fail("seed %d case %d:%n expected %s%n but was  %s", SEED, i, expected, JsonTestValues.show(text));
        }
        assertSameAttributeOrder(actual, expected, i);
    }

    private static void assertSameAttributeOrder(final JsonNode actual, final JsonNode expected, final int i)
    {
        if (expected.isObject() && expected.has("attributes"))
        {
            assertThat(names(actual.get("attributes"))).as("seed %d case %d: attribute order", SEED, i)
                .isEqualTo(names(expected.get("attributes")));
        }
        if (expected.isContainerNode())
        {
            final Iterator<String> names = expected.fieldNames();
            while (names.hasNext())
            {
                final String name = names.next();
                assertSameAttributeOrder(actual.get(name), expected.get(name), i);
            }
            for (int index = 0; index < expected.size() && expected.isArray(); index++)
            {
                assertSameAttributeOrder(actual.get(index), expected.get(index), i);
            }
        }
    }

    private static List<String> names(final JsonNode node)
    {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
