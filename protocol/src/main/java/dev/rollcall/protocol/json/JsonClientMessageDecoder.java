package dev.rollcall.protocol.json;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes a client's JSON message (docs/protocol.md, "JSON encoding") into the binary client
 * frame that says the same, so one protocol state machine serves both encodings and every rule
 * (limits, validation, rate limit, resume) applies to both alike. Members may come in any order;
 * an unknown or repeated member, a member the op does not take, a missing one, a value of the
 * wrong type or out of its binary type's range are each {@link ErrorCode#MALFORMED_FRAME} with
 * a message naming it. Presence fields are named as in the field table ({@link FieldTable}),
 * statuses by name. Allocates nothing (after construction) on a valid message.
 */
public final class JsonClientMessageDecoder
{
    private static final String[] KEYS = {
        "op", "version", "token", "presence", "shardId", "shardCount", "sessionId", "lastSeq", "requestId", "group",
        "reason", "changes", "clients", "lobbies", "userIds", "after", "limit"};
    private static final int OP = 0;
    private static final int VERSION = 1;
    private static final int TOKEN = 2;
    private static final int PRESENCE = 3;
    private static final int SHARD_ID = 4;
    private static final int SHARD_COUNT = 5;
    private static final int SESSION_ID = 6;
    private static final int LAST_SEQ = 7;
    private static final int REQUEST_ID = 8;
    private static final int GROUP = 9;
    private static final int REASON = 10;
    private static final int CHANGES = 11;
    private static final int CLIENTS = 12;
    private static final int LOBBIES = 13;
    private static final int USER_IDS = 14;
    private static final int AFTER = 15;
    private static final int LIMIT = 16;

    /** The most ids one {@code clients}, {@code lobbies} or {@code userIds} array may hold. */
    public static final int MAX_IDS = 8192;

    private static final int FIRST_OP = Protocol.IDENTIFY;
    private static final int LAST_OP = Protocol.GET_STATS;
    /** The client ops, in op order from {@link Protocol#IDENTIFY}: their JSON names are their names in lower case. */
    private static final byte[][] OP_NAMES = new byte[LAST_OP - FIRST_OP + 1][];
    /** Per op: the members it requires (op included) and those it allows, as bit sets of {@link #KEYS}. */
    private static final int[] REQUIRED = new int[OP_NAMES.length];
    private static final int[] ALLOWED = new int[OP_NAMES.length];
    private static final byte[][] KEY_NAMES = utf8(KEYS);
    private static final byte[][] GROUP_NAMES = utf8("standard", "lobby", "full");
    /** {@code Status.values()} once: each call of it copies the array. */
    private static final Status[] STATUSES = Status.values();
    private static final byte[][] STATUS_NAMES = statusNames();

    static
    {
        for (int op = FIRST_OP; op <= LAST_OP; op++)
        {
            OP_NAMES[op - FIRST_OP] = Protocol.opName(op).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        }
        rule(Protocol.IDENTIFY, bits(OP, VERSION, TOKEN), bits(PRESENCE, SHARD_ID, SHARD_COUNT));
        rule(Protocol.RESUME, bits(OP, TOKEN, SESSION_ID, LAST_SEQ), 0);
        rule(Protocol.HEARTBEAT, bits(OP, LAST_SEQ), 0);
        rule(Protocol.UPDATE, bits(OP, REQUEST_ID, REASON, CHANGES), bits(GROUP));
        rule(Protocol.SUBSCRIBE, bits(OP, REQUEST_ID), bits(CLIENTS, LOBBIES));
        rule(Protocol.UNSUBSCRIBE, bits(OP, REQUEST_ID), bits(CLIENTS, LOBBIES));
        rule(Protocol.GET_CLIENTS, bits(OP, REQUEST_ID, USER_IDS), 0);
        rule(Protocol.LIST_CLIENT_IDS, bits(OP, REQUEST_ID, LIMIT), bits(AFTER));
        rule(Protocol.GET_STATS, bits(OP, REQUEST_ID), 0);
    }

    private final FieldTable table;
    private final byte[][] fieldNames;
    /** The bit of the table's attributes field, or 0 when it has none. */
    private final int attributesBit;
    private final JsonReader reader = new JsonReader();
    private final ByteBuffer key = ByteBuffer.allocate(64);
    private final ByteBuffer strings = ByteBuffer.allocate(2 * (Protocol.MAX_STRING_BYTES + 4));
    private final ByteBuffer changes;
    private final ByteBuffer attributes;
    private final long[] scalars = new long[FieldTable.MAX_FIELDS];
    private final long[] values = new long[KEYS.length];
    /** Ids a message may list: more than a frame of the default size holds, so the frame's limit is the one that binds. */
    private final long[] clientIds = new long[MAX_IDS];
    private final long[] lobbyIds = new long[MAX_IDS];
    private int clientCount;
    private int lobbyCount;
    private int tokenOffset;
    private int tokenLength;
    private int reasonOffset;
    private int reasonLength;

    /**
     * A decoder for the presence field table.
     */
    public JsonClientMessageDecoder()
    {
        this(FieldTable.PRESENCE);
    }

    /**
     * A decoder for a field table.
     *
     * @param table the fields a {@code changes} or {@code presence} object may name.
     */
    public JsonClientMessageDecoder(final FieldTable table)
    {
        this.table = table;
        attributesBit = table.attributesNumber() < 0 ? 0 : 1 << table.attributesNumber();
        fieldNames = new byte[table.count()][];
        for (int i = 0; i < fieldNames.length; i++)
        {
            fieldNames[i] = table.field(i).name().getBytes(StandardCharsets.UTF_8);
        }
        changes = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        attributes = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Decode one JSON message into a binary client frame.
     *
     * @param json  the message (absolute indexes; its position is not used).
     * @param from  its first byte.
     * @param to    one past its last.
     * @param frame where the frame goes, at its position (advanced); little-endian whatever its order.
     * @return the frame's length in bytes (header included).
     * @throws ProtocolException with {@link ErrorCode#MALFORMED_FRAME} when the message is not one, or
     *                           {@link ErrorCode#FRAME_TOO_LARGE} when its frame would not fit.
     */
    public int decode(final ByteBuffer json, final int from, final int to, final ByteBuffer frame) throws ProtocolException
    {
        final int start = frame.position();
        try
        {
            return decodeInto(json, from, to, frame);
        }
        catch (final BufferOverflowException ex)
        {
            frame.position(start);
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                "JSON: a message whose frame would not fit " + Math.min(frame.capacity() - start, changes.capacity()) + " bytes");
        }
    }

    private int decodeInto(final ByteBuffer json, final int from, final int to, final ByteBuffer frame)
        throws ProtocolException
    {
        final JsonReader in = reader.wrap(json, from, to);
        strings.clear();
        changes.clear();
        clientCount = 0;
        lobbyCount = 0;
        int seen = 0;
        int op = -1;
        in.expect('{');
        if (!in.consume('}'))
        {
            do
            {
                final int member = in.readKey(KEY_NAMES, key);
                if ((seen & (1 << member)) != 0)
                {
                    throw in.error("a repeated member \"" + KEYS[member] + "\"");
                }
                seen |= 1 << member;
                switch (member)
                {
                    case OP -> op = readName(in, OP_NAMES, false, "op") + FIRST_OP;
                    case TOKEN ->
                    {
                        tokenOffset = strings.position();
                        tokenLength = in.readString(strings, Protocol.MAX_STRING_BYTES);
                    }
                    case REASON ->
                    {
                        reasonOffset = strings.position();
                        reasonLength = in.readString(strings, Protocol.MAX_STRING_BYTES);
                    }
                    case PRESENCE, CHANGES -> readChanges(in);
                    case GROUP -> values[GROUP] = readName(in, GROUP_NAMES, true, "group") + Protocol.GROUP_STANDARD;
                    case CLIENTS -> clientCount = readIds(in, clientIds, "clients");
                    case LOBBIES -> lobbyCount = readIds(in, lobbyIds, "lobbies");
                    case USER_IDS -> clientCount = readIds(in, clientIds, "userIds");
                    default -> values[member] = in.readLong();
                }
            }
            while (in.next('}'));
        }
        in.expectEnd();
        if (op < 0)
        {
            throw in.error("no \"op\" member");
        }
        final int rule = op - FIRST_OP;
        final int missing = REQUIRED[rule] & ~seen;
        if (missing != 0)
        {
            throw in.error("op " + name(op) + " needs \"" + KEYS[Integer.numberOfTrailingZeros(missing)] + "\"");
        }
        final int extra = seen & ~(REQUIRED[rule] | ALLOWED[rule]);
        if (extra != 0)
        {
            throw in.error("op " + name(op) + " takes no \"" + KEYS[Integer.numberOfTrailingZeros(extra)] + "\"");
        }
        final int start = frame.position();
        putInt(frame, 0); // length, set below
        frame.put((byte)op);
        switch (op)
        {
            case Protocol.IDENTIFY ->
            {
                putShort(frame, range(in, values[VERSION], 0, 0xFFFF, "version"));
                putString(frame, tokenOffset, tokenLength);
                putChanges(frame, (seen & (1 << PRESENCE)) != 0);
                final boolean sharded = (seen & (1 << SHARD_ID)) != 0;
                if (sharded != ((seen & (1 << SHARD_COUNT)) != 0))
                {
                    throw in.error("shardId and shardCount go together");
                }
                frame.put((byte)(sharded ? 1 : 0));
                if (sharded)
                {
                    putInt(frame, (int)range(in, values[SHARD_ID], 0, 0xFFFF_FFFFL, "shardId"));
                    putInt(frame, (int)range(in, values[SHARD_COUNT], 0, 0xFFFF_FFFFL, "shardCount"));
                }
            }
            case Protocol.RESUME ->
            {
                putString(frame, tokenOffset, tokenLength);
                putLong(frame, values[SESSION_ID]);
                putLong(frame, values[LAST_SEQ]);
            }
            case Protocol.HEARTBEAT -> putLong(frame, values[LAST_SEQ]);
            case Protocol.UPDATE ->
            {
                putRequestId(in, frame);
                frame.put((byte)((seen & (1 << GROUP)) != 0 ? values[GROUP] : Protocol.GROUP_STANDARD));
                putString(frame, reasonOffset, reasonLength);
                putChanges(frame, true);
            }
            case Protocol.SUBSCRIBE, Protocol.UNSUBSCRIBE ->
            {
                putRequestId(in, frame);
                putIds(frame, clientIds, clientCount);
                putIds(frame, lobbyIds, lobbyCount);
            }
            case Protocol.GET_CLIENTS ->
            {
                putRequestId(in, frame);
                putIds(frame, clientIds, clientCount);
            }
            case Protocol.LIST_CLIENT_IDS ->
            {
                putRequestId(in, frame);
                putLong(frame, (seen & (1 << AFTER)) != 0 ? values[AFTER] : 0);
                putShort(frame, range(in, values[LIMIT], 0, 0xFFFF, "limit"));
            }
            default -> putRequestId(in, frame); // GET_STATS
        }
        final int length = frame.position() - start;
        frame.put(start, (byte)(length - Protocol.HEADER_LENGTH));
        frame.put(start + 1, (byte)((length - Protocol.HEADER_LENGTH) >>> 8));
        frame.put(start + 2, (byte)((length - Protocol.HEADER_LENGTH) >>> 16));
        frame.put(start + 3, (byte)((length - Protocol.HEADER_LENGTH) >>> 24));
        return length;
    }

    private static String name(final int op)
    {
        return new String(OP_NAMES[op - FIRST_OP], StandardCharsets.UTF_8);
    }

    private void putRequestId(final JsonReader in, final ByteBuffer frame) throws ProtocolException
    {
        putInt(frame, (int)range(in, values[REQUEST_ID], 0, 0xFFFF_FFFFL, "requestId"));
    }

    private static long range(final JsonReader in, final long value, final long min, final long max, final String what)
        throws ProtocolException
    {
        if (value < min || value > max)
        {
            throw in.error("\"" + what + "\" must be in " + min + ".." + max);
        }
        return value;
    }

    private int readName(final JsonReader in, final byte[][] names, final boolean anyCase, final String what)
        throws ProtocolException
    {
        key.clear();
        final int length = in.readString(key, key.capacity() - 4);
        for (int i = 0; i < names.length; i++)
        {
            if (same(names[i], key, length, anyCase))
            {
                return i;
            }
        }
        throw in.error("unknown " + what);
    }

    /**
     * @return true if the bytes are the name; with {@code anyCase}, ASCII letters match in either case.
     */
    private static boolean same(final byte[] name, final ByteBuffer bytes, final int length, final boolean anyCase)
    {
        if (name.length != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final int a = name[i];
            final int b = bytes.get(i);
            if (a != b && !(anyCase && isLetter(a) && (a | 0x20) == (b | 0x20)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(final int c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private int readIds(final JsonReader in, final long[] ids, final String what) throws ProtocolException
    {
        in.expect('[');
        int count = 0;
        if (!in.consume(']'))
        {
            do
            {
                if (count == ids.length)
                {
                    throw in.error("more than " + ids.length + " ids in \"" + what + "\"");
                }
                ids[count++] = in.readLong();
            }
            while (in.next(']'));
        }
        return count;
    }

    /**
     * Read a {@code changes} or {@code presence} object into {@link #scalars} and the attribute
     * entries, then encode it as binary {@code changes} into {@link #changes}.
     */
    private void readChanges(final JsonReader in) throws ProtocolException
    {
        int mask = 0;
        int attributeCount = 0;
        attributes.clear();
        in.expect('{');
        if (!in.consume('}'))
        {
            do
            {
                final int number = in.readKey(fieldNames, key);
                final Field field = table.field(number);
                if ((mask & field.bit()) != 0)
                {
                    throw in.error("a repeated field \"" + field.name() + "\"");
                }
                mask |= field.bit();
                switch (field.kind())
                {
                    case BOOLEAN -> scalars[number] = in.readBoolean() ? 1 : 0;
                    case STATUS -> scalars[number] = readStatus(in);
                    case INT32 -> scalars[number] = range(in, in.readLong(), Integer.MIN_VALUE, Integer.MAX_VALUE, field.name());
                    case INT64 -> scalars[number] = in.readLong();
                    default -> attributeCount = readAttributes(in);
                }
            }
            while (in.next('}'));
        }
        if ((mask & attributesBit) != 0 && attributeCount == 0)
        {
            mask &= ~attributesBit; // an empty attribute list is sent as no attributes entry
        }
        changes.clear();
        changes.putShort((short)mask);
        for (int number = 0; number < table.count(); number++)
        {
            final Field field = table.field(number);
            if ((mask & field.bit()) == 0)
            {
                continue;
            }
            final FieldKind kind = field.kind();
            switch (kind)
            {
                case BOOLEAN, STATUS -> changes.put((byte)scalars[number]);
                case INT32 -> changes.putInt((int)scalars[number]);
                case INT64 -> changes.putLong(scalars[number]);
                default ->
                {
                    changes.put((byte)attributeCount);
                    attributes.flip();
                    changes.put(attributes);
                }
            }
        }
        changes.flip();
    }

    private long readStatus(final JsonReader in) throws ProtocolException
    {
        key.clear();
        final int length = in.readString(key, key.capacity() - 4);
        for (final Status status : STATUSES)
        {
            if (same(STATUS_NAMES[status.ordinal()], key, length, true))
            {
                return status.code();
            }
        }
        throw in.error("unknown status");
    }

    private static byte[][] statusNames()
    {
        final Status[] statuses = Status.values();
        final byte[][] names = new byte[statuses.length][];
        for (final Status status : statuses)
        {
            names[status.ordinal()] = status.name().getBytes(StandardCharsets.UTF_8);
        }
        return names;
    }

    private int readAttributes(final JsonReader in) throws ProtocolException
    {
        int count = 0;
        in.expect('{');
        if (in.consume('}'))
        {
            return 0;
        }
        do
        {
            if (count == Protocol.MAX_ATTRIBUTES)
            {
                throw in.error("more than " + Protocol.MAX_ATTRIBUTES + " attributes");
            }
            count++;
            final int lengthAt = attributes.position();
            attributes.putShort((short)0);
            final int keyLength = in.readString(attributes, Math.min(Protocol.MAX_STRING_BYTES, attributes.remaining() - 8));
            attributes.putShort(lengthAt, (short)keyLength);
            in.expect(':');
            final int c = in.peek();
            if (c == '"')
            {
                attributes.put(Changes.ATTRIBUTE_STRING);
                final int valueAt = attributes.position();
                attributes.putShort((short)0);
                final int valueLength = in.readString(attributes, Math.min(Protocol.MAX_STRING_BYTES, attributes.remaining() - 4));
                attributes.putShort(valueAt, (short)valueLength);
            }
            else if (in.consumeNull())
            {
                attributes.put(Changes.ATTRIBUTE_REMOVE);
            }
            else
            {
                attributes.put(Changes.ATTRIBUTE_LONG);
                attributes.putLong(in.readLong());
            }
        }
        while (in.next('}'));
        return count;
    }

    private void putChanges(final ByteBuffer frame, final boolean present)
    {
        if (!present)
        {
            putShort(frame, 0);
            return;
        }
        frame.put(changes);
    }

    private void putString(final ByteBuffer frame, final int offset, final int length)
    {
        putShort(frame, length);
        for (int i = 0; i < length; i++)
        {
            frame.put(strings.get(offset + i));
        }
    }

    private static void putIds(final ByteBuffer frame, final long[] ids, final int count)
    {
        putShort(frame, count);
        for (int i = 0; i < count; i++)
        {
            putLong(frame, ids[i]);
        }
    }

    private static void putShort(final ByteBuffer frame, final long value)
    {
        frame.put((byte)value).put((byte)(value >>> 8));
    }

    private static void putInt(final ByteBuffer frame, final int value)
    {
        frame.put((byte)value).put((byte)(value >>> 8)).put((byte)(value >>> 16)).put((byte)(value >>> 24));
    }

    private static void putLong(final ByteBuffer frame, final long value)
    {
        putInt(frame, (int)value);
        putInt(frame, (int)(value >>> 32));
    }

    private static void rule(final int op, final int required, final int allowed)
    {
        REQUIRED[op - FIRST_OP] = required;
        ALLOWED[op - FIRST_OP] = allowed;
    }

    private static int bits(final int... members)
    {
        int bits = 0;
        for (final int member : members)
        {
            bits |= 1 << member;
        }
        return bits;
    }

    private static byte[][] utf8(final String... names)
    {
        final byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
