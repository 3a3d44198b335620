package dev.rollcall.protocol.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random valid client messages, each as the JSON text Jackson writes for it (members in a random
 * order, random white space, strings escaped in random ways, 64-bit values sometimes as strings,
 * names in random case) and the binary frame {@link FrameWriter} writes for the same values.
 */
final class RandomClientMessages
{
    /** The JSON names of the client ops. */
    static final String[] OPS = {
        "identify", "resume", "heartbeat", "update", "subscribe", "unsubscribe", "get_clients", "list_client_ids", "get_stats"};

    private static final String[] GROUPS = {"standard", "lobby", "full"};
    private static final String WHITE_SPACE = " \t\n\r";

    /**
     * One message.
     *
     * @param op      its op's JSON name.
     * @param members the members Jackson wrote.
     * @param json    the JSON text (UTF-8).
     * @param frame   the binary frame it stands for.
     */
    record Message(String op, Map<String, Object> members, byte[] json, byte[] frame)
    {
        @Override
        public String toString()
        {
            return JsonTestValues.show(json);
        }
    }

    private final JsonTestValues values;
    private final SplittableRandom random;
    private final FieldTable table;
    private final ByteBuffer buffer = ByteBuffer.allocate(4 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final FrameWriter writer;
    private final ObjectMapper mapper = new ObjectMapper();

    RandomClientMessages(final JsonTestValues values, final FieldTable table)
    {
        this.values = values;
        this.random = values.random();
        this.table = table;
        this.writer = new FrameWriter(buffer, table);
    }

    /**
     * @param asciiOnly true to escape every non-ASCII character (the text is then ASCII).
     * @return a message of a random op.
     */
    Message next(final boolean asciiOnly)
    {
        return next(OPS[random.nextInt(OPS.length)], asciiOnly);
    }

    /**
     * @param op        the op's JSON name.
     * @param asciiOnly true to escape every non-ASCII character (the text is then ASCII).
     * @return a message of that op.
     */
    Message next(final String op, final boolean asciiOnly)
    {
        final List<Map.Entry<String, Object>> members = new ArrayList<>();
        members.add(Map.entry("op", op));
        buffer.clear();
        final int length = switch (op)
        {
            case "identify" -> identify(members);
            case "resume" ->
            {
                final String token = values.string(40);
                final long sessionId = values.anyLong();
                final long lastSeq = values.anyLong();
                add(members, "token", token);
                add(members, "sessionId", values.numberOrString(sessionId));
                add(members, "lastSeq", values.numberOrString(lastSeq));
                yield writer.resume(token, sessionId, lastSeq);
            }
            case "heartbeat" ->
            {
                final long lastSeq = values.anyLong();
                add(members, "lastSeq", values.numberOrString(lastSeq));
                yield writer.heartbeat(lastSeq);
            }
            case "update" -> update(members);
            case "subscribe", "unsubscribe" -> subscription(op, members);
            case "get_clients" ->
            {
                final long requestId = values.u32();
                final long[] ids = ids(1, Protocol.MAX_GET_CLIENTS);
                add(members, "requestId", requestId);
                add(members, "userIds", idList(ids));
                yield writer.getClients(requestId, ids, ids.length);
            }
            case "list_client_ids" ->
            {
                final long requestId = values.u32();
                final boolean hasAfter = random.nextBoolean();
                final long after = hasAfter ? values.anyLong() : 0;
                final int limit = random.nextInt(4) == 0 ? Protocol.MAX_LIST_LIMIT : random.nextInt(1, Protocol.MAX_LIST_LIMIT + 1);
                add(members, "requestId", requestId);
                if (hasAfter)
                {
                    add(members, "after", values.numberOrString(after));
                }
                add(members, "limit", limit);
                yield writer.listClientIds(requestId, after, limit);
            }
            case "get_stats" ->
            {
                final long requestId = values.u32();
                add(members, "requestId", requestId);
                yield writer.getStats(requestId);
            }
            default -> throw new IllegalArgumentException(op);
        };
        final byte[] frame = Arrays.copyOf(buffer.array(), length);
        final Map<String, Object> map = shuffled(members);
        return new Message(op, map, write(map, asciiOnly), frame);
    }

    private int identify(final List<Map.Entry<String, Object>> members)
    {
        final int version = random.nextInt(4) == 0 ? random.nextInt(0x10000) : Protocol.VERSION;
        final String token = values.string(40);
        add(members, "version", version);
        add(members, "token", token);
        Changes presence = null;
        if (random.nextBoolean())
        {
            presence = new Changes();
            add(members, "presence", changes(presence));
        }
        final boolean sharded = random.nextInt(3) == 0;
        final long shardId = values.u32();
        final long shardCount = values.u32();
        if (sharded)
        {
            add(members, "shardId", shardId);
            add(members, "shardCount", shardCount);
        }
        return writer.identify(version, token, presence, sharded, (int)shardId, (int)shardCount);
    }

    private int update(final List<Map.Entry<String, Object>> members)
    {
        final long requestId = values.u32();
        final boolean hasGroup = random.nextBoolean();
        final int group = hasGroup ? random.nextInt(Protocol.GROUP_STANDARD, Protocol.GROUP_FULL + 1) : Protocol.GROUP_STANDARD;
        final String reason = values.string(40);
        final Changes changes = new Changes();
        add(members, "requestId", requestId);
        if (hasGroup)
        {
            final String name = GROUPS[group - Protocol.GROUP_STANDARD];
            add(members, "group", random.nextInt(4) == 0 ? values.anyCase(name) : name);
        }
        add(members, "reason", reason);
        add(members, "changes", changes(changes));
        return writer.update(requestId, group, reason, changes);
    }

    private int subscription(final String op, final List<Map.Entry<String, Object>> members)
    {
        final long requestId = values.u32();
        add(members, "requestId", requestId);
        final long[] clients = random.nextInt(4) == 0 ? new long[0] : ids(0, Protocol.MAX_GET_CLIENTS);
        final long[] lobbies = random.nextInt(4) == 0 ? new long[0] : ids(0, Protocol.MAX_GET_CLIENTS);
        if (clients.length > 0 || random.nextBoolean())
        {
            add(members, "clients", idList(clients));
        }
        if (lobbies.length > 0 || random.nextBoolean())
        {
            add(members, "lobbies", idList(lobbies));
        }
        return op.equals("subscribe") ?
            writer.subscribe(requestId, clients, clients.length, lobbies, lobbies.length) :
            writer.unsubscribe(requestId, clients, clients.length, lobbies, lobbies.length);
    }

    private long[] ids(final int min, final int max)
    {
        final int count = random.nextInt(8) == 0 ? max : random.nextInt(min, Math.min(max, 6) + 1);
        final long[] ids = new long[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = values.anyLong();
        }
        return ids;
    }

    private List<Object> idList(final long[] ids)
    {
        final List<Object> list = new ArrayList<>(ids.length);
        for (final long id : ids)
        {
            list.add(values.numberOrString(id));
        }
        return list;
    }

    /**
     * Random values for a random set of the table's fields, set in {@code target} and returned as
     * the JSON object that names them (fields in a random order).
     *
     * @param target where the values go (as {@link FrameWriter} takes them).
     * @return the JSON object.
     */
    Map<String, Object> changes(final Changes target)
    {
        final List<Map.Entry<String, Object>> members = new ArrayList<>();
        final int all = table.allMask();
        final int mask = switch (random.nextInt(6))
        {
            case 0 -> all;
            case 1 -> 0;
            default -> random.nextInt(all + 1);
        };
        for (int number = 0; number < table.count(); number++)
        {
            if ((mask & (1 << number)) == 0)
            {
                continue;
            }
            final Field field = table.field(number);
            switch (field.kind())
            {
                case BOOLEAN ->
                {
                    final boolean value = random.nextBoolean();
                    target.set(field, value ? 1 : 0);
                    add(members, field.name(), value);
                }
                case STATUS ->
                {
                    final Status status = Status.values()[random.nextInt(Status.count())];
                    target.set(field, status.code());
                    add(members, field.name(), random.nextBoolean() ? status.name() : values.anyCase(status.name()));
                }
                case INT32 ->
                {
                    final int value = values.anyInt();
                    target.set(field, value);
                    add(members, field.name(), value);
                }
                case INT64 ->
                {
                    final long value = values.anyLong();
                    target.set(field, value);
                    add(members, field.name(), values.numberOrString(value));
                }
                default -> add(members, field.name(), attributes(target));
            }
        }
        return shuffled(members);
    }

    private Map<String, Object> attributes(final Changes target)
    {
        final int count = switch (random.nextInt(20))
        {
            case 0, 1, 2 -> 0;
            case 3 -> Protocol.MAX_ATTRIBUTES;
            default -> random.nextInt(1, 6);
        };
        final Map<String, Object> attributes = new LinkedHashMap<>();
        while (attributes.size() < count)
        {
            final String key = values.string(8);
            if (attributes.containsKey(key))
            {
                continue;
            }
            switch (random.nextInt(3))
            {
                case 0 ->
                {
                    final String value = values.string(20);
                    target.attribute(key, value);
                    attributes.put(key, value);
                }
                case 1 ->
                {
                    final long value = values.anyLong();
                    target.attribute(key, value);
                    attributes.put(key, value);
                }
                default ->
                {
                    target.removeAttribute(key);
                    attributes.put(key, null);
                }
            }
        }
        if (count == 0)
        {
            target.touchAttributes();
        }
        return attributes;
    }

    /**
     * Write members as JSON with Jackson: random white space, non-ASCII raw or escaped, some ASCII
     * characters escaped as {@code \}{@code uXXXX} (hex digits in either case) and {@code /} as {@code \/}.
     *
     * @param members   the members.
     * @param asciiOnly true to escape every non-ASCII character.
     * @return the UTF-8 text.
     */
    byte[] write(final Map<String, Object> members, final boolean asciiOnly)
    {
        ObjectWriter json = mapper.writer(new RandomWhiteSpace(random));
        if (asciiOnly || random.nextBoolean())
        {
            json = json.with(JsonWriteFeature.ESCAPE_NON_ASCII);
        }
        if (random.nextInt(3) == 0)
        {
            json = json.with(new RandomEscapes(random));
        }
        try
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(space().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(json.writeValueAsBytes(members));
            out.write(space().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return out.toByteArray();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private String space()
    {
        return random.nextInt(4) == 0 ? RandomWhiteSpace.space(random) : "";
    }

    private Map<String, Object> shuffled(final List<Map.Entry<String, Object>> members)
    {
        Collections.shuffle(members, new java.util.Random(random.nextLong()));
        final Map<String, Object> map = new LinkedHashMap<>();
        for (final Map.Entry<String, Object> member : members)
        {
            map.put(member.getKey(), member.getValue());
        }
        return map;
    }

    private static void add(final List<Map.Entry<String, Object>> members, final String name, final Object value)
    {
        members.add(new java.util.AbstractMap.SimpleEntry<>(name, value));
    }

    /** Random white space (none, or one to three of space, tab, LF, CR) around every structural character. */
    private static final class RandomWhiteSpace implements PrettyPrinter
    {
        private final SplittableRandom random;

        RandomWhiteSpace(final SplittableRandom random)
        {
            this.random = random;
        }

        static String space(final SplittableRandom random)
        {
            final int n = random.nextInt(1, 4);
            final StringBuilder sb = new StringBuilder(n);
            for (int i = 0; i < n; i++)
            {
                sb.append(WHITE_SPACE.charAt(random.nextInt(WHITE_SPACE.length())));
            }
            return sb.toString();
        }

        private void space(final JsonGenerator g) throws IOException
        {
            if (random.nextInt(3) == 0)
            {
                g.writeRaw(space(random));
            }
        }

        @Override
        public void writeRootValueSeparator(final JsonGenerator g)
        {
        }

        @Override
        public void writeStartObject(final JsonGenerator g) throws IOException
        {
            g.writeRaw('{');
            space(g);
        }

        @Override
        public void writeEndObject(final JsonGenerator g, final int entries) throws IOException
        {
            space(g);
            g.writeRaw('}');
        }

        @Override
        public void writeObjectEntrySeparator(final JsonGenerator g) throws IOException
        {
            space(g);
            g.writeRaw(',');
            space(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(final JsonGenerator g) throws IOException
        {
            space(g);
            g.writeRaw(':');
            space(g);
        }

        @Override
        public void writeStartArray(final JsonGenerator g) throws IOException
        {
            g.writeRaw('[');
            space(g);
        }

        @Override
        public void writeEndArray(final JsonGenerator g, final int values) throws IOException
        {
            space(g);
            g.writeRaw(']');
        }

        @Override
        public void writeArrayValueSeparator(final JsonGenerator g) throws IOException
        {
            space(g);
            g.writeRaw(',');
            space(g);
        }

        @Override
        public void beforeArrayValues(final JsonGenerator g)
        {
        }

        @Override
        public void beforeObjectEntries(final JsonGenerator g)
        {
        }
    }

    /**
     * Escapes a random eighth of the ASCII characters other than {@code "}, {@code \}, digits and
     * {@code -} (names included) as {@code \}{@code uXXXX} with hex digits in a random case,
     * {@code /} sometimes as {@code \/}; control characters sometimes with lower-case hex. Digits
     * and {@code -} are left alone because the decoder reads a 64-bit value in a string only when
     * it is spelled without escapes (see {@code JsonClientMessageDecoderTest}).
     */
    private static final class RandomEscapes extends CharacterEscapes
    {
        private final SplittableRandom random;
        private final int[] codes = standardAsciiEscapesForJSON();

        RandomEscapes(final SplittableRandom random)
        {
            this.random = random;
            for (int c = 0; c < codes.length; c++)
            {
                if (c != '"' && c != '\\' && c != '-' && (c < '0' || c > '9') && random.nextInt(8) == 0)
                {
                    codes[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii()
        {
            return codes;
        }

        @Override
        public SerializableString getEscapeSequence(final int ch)
        {
            if (ch >= 0x80)
            {
                return null;
            }
            if (ch == '/' && random.nextBoolean())
            {
                return new SerializedString("\\/");
            }
            return new SerializedString(String.format(Locale.ROOT, random.nextBoolean() ? "\\u%04x" : "\\u%04X", ch));
        }
    }
}
