package dev.rollcall.protocol.json;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Encodes a binary server frame as the JSON message that says the same (docs/protocol.md, "JSON
 * encoding"), reading the frame's bytes in place: no frame is decoded into objects and nothing
 * is allocated, so a dispatch can be encoded for every JSON recipient on the fan-out path.
 * Field names come from the field table, statuses, event types, results and error names from
 * their enums; the JSON op names are the binary ops' names in lower case. 64-bit values are
 * JSON numbers when a JavaScript number holds them exactly and decimal strings otherwise; a
 * {@code sessionId} (random 63 bits) is always a string. A {@code STATS} frame's counters become one object of
 * name → value ({@code "counters"}).
 */
public final class JsonServerMessageEncoder
{
    /** The last server op this encoder knows. */
    private static final int LAST_OP = Protocol.STATS;
    private static final byte[][] OP_NAMES = new byte[LAST_OP + 1][];
    private static final byte[][] STATUS_NAMES = new byte[Status.count()][];
    private static final byte[][] EVENT_NAMES = new byte[EventType.count()][];
    private static final byte[][] RESULT_NAMES = new byte[Result.count()][];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static
    {
        for (int op = Protocol.HELLO; op <= LAST_OP; op++)
        {
            OP_NAMES[op] = utf8(Protocol.opName(op).toLowerCase(Locale.ROOT));
        }
        for (final Status status : Status.values())
        {
            STATUS_NAMES[status.code()] = utf8(status.name());
        }
        for (final EventType type : EventType.values())
        {
            EVENT_NAMES[type.code()] = utf8(type.name());
        }
        for (final Result result : Result.values())
        {
            RESULT_NAMES[result.code()] = utf8(result.name());
        }
    }

    private final FieldTable table;
    private final byte[][] fieldNames;
    private final byte[] digits = new byte[20];
    private byte[] lastDispatchBody = new byte[256];
    private int lastDispatchBodyLength = -1;
    private int pendingBodyLength;
    private byte[] lastDispatchJson = new byte[1024];
    private int lastDispatchJsonLength;
    private ByteBuffer in;
    private int at;
    private ByteBuffer out;

    /**
     * An encoder for the presence field table.
     */
    public JsonServerMessageEncoder()
    {
        this(FieldTable.PRESENCE);
    }

    /**
     * An encoder for a field table.
     *
     * @param table the fields a {@code changes} value may hold.
     */
    public JsonServerMessageEncoder(final FieldTable table)
    {
        this.table = table;
        fieldNames = new byte[table.count()][];
        for (int i = 0; i < fieldNames.length; i++)
        {
            fieldNames[i] = utf8(table.field(i).name());
        }
    }

    /**
     * Encode one binary server frame as a JSON message.
     *
     * @param frames the frame's bytes (absolute indexes; little-endian as the protocol says).
     * @param offset where the frame starts (its length header).
     * @param target where the JSON goes, at its position (advanced).
     * @return the frame's length in bytes, header included (where the next frame starts, relative to {@code offset}).
     * @throws IllegalArgumentException if the frame is not a server frame this encoder knows.
     */
    public int encode(final ByteBuffer frames, final int offset, final ByteBuffer target)
    {
        in = frames;
        out = target;
        final int length = Protocol.HEADER_LENGTH + getInt(offset);
        final int op = frames.get(offset + Protocol.HEADER_LENGTH) & 0xFF;
        at = offset + Protocol.BODY_OFFSET;
        if (op < Protocol.HELLO || op > LAST_OP)
        {
            throw new IllegalArgumentException("not a server op: " + op);
        }
        ascii("{\"op\":\"").bytes(OP_NAMES[op]).ascii("\"");
        switch (op)
        {
            case Protocol.HELLO ->
            {
                member("version").number(u16());
                member("heartbeatIntervalMs").number(u32());
                member("maxFrameSize").number(u32());
                member("rateLimitCommands").number(u32());
                member("rateLimitWindowMs").number(u32());
                member("identifyTimeoutMs").number(u32());
            }
            case Protocol.READY ->
            {
                member("sessionId").quoted(i64());
                member("userId").id(i64());
                member("seq").id(i64());
            }
            case Protocol.HEARTBEAT_ACK, Protocol.RESUMED -> member("seq").id(i64());
            case Protocol.INVALID_SESSION -> member("resumable").bool(u8() != 0);
            case Protocol.RESULT ->
            {
                member("requestId").number(u32());
                member("result");
                name(RESULT_NAMES, u8());
            }
            case Protocol.ERROR ->
            {
                member("requestId").number(u32());
                errorCode();
                member("message").string(false);
            }
            case Protocol.CLOSE ->
            {
                errorCode();
                member("message").string(false);
            }
            case Protocol.DISPATCH ->
            {
                member("seq").id(i64());
                final int bodyLength = length - Protocol.BODY_OFFSET - Long.BYTES;
                if (isLastDispatch(at, bodyLength))
                {
                    out.put(lastDispatchJson, 0, lastDispatchJsonLength); // the same event for another session
                    at += bodyLength;
                    break;
                }
                final int jsonStart = out.position();
                rememberDispatchBody(at, bodyLength);
                member("type");
                name(EVENT_NAMES, u8());
                member("userId").id(i64());
                member("updateId").id(i64());
                member("lobbyId").id(i64());
                member("time").id(i64());
                member("reason").string(true);
                member("changes").changes();
                rememberDispatchJson(jsonStart);
            }
            case Protocol.CLIENTS ->
            {
                member("requestId").number(u32());
                member("clients").ascii("[");
                final int count = u16();
                for (int i = 0; i < count; i++)
                {
                    ascii(i == 0 ? "{\"userId\":" : ",{\"userId\":").id(i64());
                    final boolean present = u8() != 0;
                    member("present").bool(present);
                    if (present)
                    {
                        member("connected").bool(u8() != 0);
                        member("lastDisconnected").id(i64());
                        member("updateId").id(i64());
                        member("state").changes();
                    }
                    ascii("}");
                }
                ascii("]");
            }
            case Protocol.CLIENT_IDS ->
            {
                member("requestId").number(u32());
                member("nextCursor").id(i64());
                member("ids").ascii("[");
                final int count = u16();
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        ascii(",");
                    }
                    id(i64());
                }
                ascii("]");
            }
            default -> // STATS
            {
                member("requestId").number(u32());
                member("nowMs").id(i64());
                member("gracePeriodMs").id(i64());
                member("counters").ascii("{");
                final int count = u16();
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        ascii(",");
                    }
                    string(false);
                    ascii(":");
                    id(i64());
                }
                ascii("}");
            }
        }
        ascii("}");
        return length;
    }

    /**
     * A thread sends each event to every session it holds that watches it: the DISPATCH frames
     * differ only in their seq, so the JSON after the seq is made once and copied for the others.
     */
    private boolean isLastDispatch(final int bodyAt, final int bodyLength)
    {
        if (bodyLength != lastDispatchBodyLength)
        {
            return false;
        }
        for (int i = 0; i < bodyLength; i++)
        {
            if (in.get(bodyAt + i) != lastDispatchBody[i])
            {
                return false;
            }
        }
        return true;
    }

    private void rememberDispatchBody(final int bodyAt, final int bodyLength)
    {
        if (lastDispatchBody.length < bodyLength)
        {
            lastDispatchBody = new byte[Math.max(bodyLength, 2 * lastDispatchBody.length)]; // grows to the largest event, once
        }
        in.get(bodyAt, lastDispatchBody, 0, bodyLength);
        lastDispatchBodyLength = -1; // valid once its JSON is remembered too
        pendingBodyLength = bodyLength;
    }

    private void rememberDispatchJson(final int jsonStart)
    {
        final int jsonLength = out.position() - jsonStart;
        if (lastDispatchJson.length < jsonLength)
        {
            lastDispatchJson = new byte[Math.max(jsonLength, 2 * lastDispatchJson.length)];
        }
        out.get(jsonStart, lastDispatchJson, 0, jsonLength);
        lastDispatchJsonLength = jsonLength;
        lastDispatchBodyLength = pendingBodyLength;
    }

    private void errorCode()
    {
        final int code = u16();
        member("code").number(code);
        final ErrorCode known = ErrorCode.fromCode(code);
        if (null != known)
        {
            member("name").ascii("\"").ascii(known.name()).ascii("\"");
        }
    }

    private void changes()
    {
        final int mask = u16();
        ascii("{");
        boolean first = true;
        for (int number = 0; number < table.count(); number++)
        {
            final Field field = table.field(number);
            if ((mask & field.bit()) == 0)
            {
                continue;
            }
            ascii(first ? "\"" : ",\"").bytes(fieldNames[number]).ascii("\":");
            first = false;
            switch (field.kind())
            {
                case BOOLEAN -> bool(u8() != 0);
                case STATUS -> name(STATUS_NAMES, u8());
                case INT32 -> number(getInt(take(4)));
                case INT64 -> id(i64());
                default -> attributes();
            }
        }
        ascii("}");
    }

    private void attributes()
    {
        final int count = u8();
        ascii("{");
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                ascii(",");
            }
            string(false);
            ascii(":");
            final int kind = u8();
            if (kind == Changes.ATTRIBUTE_STRING)
            {
                string(false);
            }
            else if (kind == Changes.ATTRIBUTE_LONG)
            {
                id(i64());
            }
            else
            {
                ascii("null");
            }
        }
        ascii("}");
    }

    private JsonServerMessageEncoder member(final String name)
    {
        return ascii(",\"").ascii(name).ascii("\":");
    }

    private void name(final byte[][] names, final int code)
    {
        if (code < names.length && null != names[code])
        {
            ascii("\"").bytes(names[code]).ascii("\"");
        }
        else
        {
            number(code);
        }
    }

    /**
     * A {@code string} or {@code nstring} of the frame, as a JSON string (or null), escaped.
     *
     * @param nullable true for an {@code nstring}, whose length {@code 0xFFFF} means null; a
     *                 {@code string} of that length holds 65535 bytes.
     */
    private JsonServerMessageEncoder string(final boolean nullable)
    {
        final int length = u16();
        if (nullable && length == Protocol.NULL_STRING_LENGTH)
        {
            return ascii("null");
        }
        out.put((byte)'"');
        for (int i = 0; i < length; i++)
        {
            final int b = in.get(at + i) & 0xFF;
            if (b == '"' || b == '\\')
            {
                out.put((byte)'\\').put((byte)b);
            }
            else if (b < 0x20)
            {
                out.put((byte)'\\').put((byte)'u').put((byte)'0').put((byte)'0').put(HEX[b >>> 4]).put(HEX[b & 0xF]);
            }
            else
            {
                out.put((byte)b);
            }
        }
        at += length;
        out.put((byte)'"');
        return this;
    }

    private JsonServerMessageEncoder bool(final boolean value)
    {
        return ascii(value ? "true" : "false");
    }

    /** A 64-bit value: a number when exact in JavaScript, else a string. */
    private void id(final long value)
    {
        if (JsonReader.isSafe(value))
        {
            number(value);
        }
        else
        {
            quoted(value);
        }
    }

    private void quoted(final long value)
    {
        out.put((byte)'"');
        number(value);
        out.put((byte)'"');
    }

    private JsonServerMessageEncoder number(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            return ascii("-9223372036854775808");
        }
        long v = value;
        if (v < 0)
        {
            out.put((byte)'-');
            v = -v;
        }
        int n = 0;
        do
        {
            digits[n++] = (byte)('0' + (v % 10));
            v /= 10;
        }
        while (v != 0);
        while (n > 0)
        {
            out.put(digits[--n]);
        }
        return this;
    }

    private JsonServerMessageEncoder ascii(final String text)
    {
        for (int i = 0, n = text.length(); i < n; i++)
        {
            out.put((byte)text.charAt(i));
        }
        return this;
    }

    private JsonServerMessageEncoder bytes(final byte[] bytes)
    {
        out.put(bytes);
        return this;
    }

    private int take(final int n)
    {
        final int index = at;
        at += n;
        return index;
    }

    private int u8()
    {
        return in.get(take(1)) & 0xFF;
    }

    private int u16()
    {
        final int index = take(2);
        return (in.get(index) & 0xFF) | (in.get(index + 1) & 0xFF) << 8;
    }

    private long u32()
    {
        return getInt(take(4)) & 0xFFFF_FFFFL;
    }

    private long i64()
    {
        final int index = take(8);
        return (getInt(index) & 0xFFFF_FFFFL) | ((long)getInt(index + 4) << 32);
    }

    private int getInt(final int index)
    {
        return (in.get(index) & 0xFF) | (in.get(index + 1) & 0xFF) << 8 | (in.get(index + 2) & 0xFF) << 16 |
            (in.get(index + 3) & 0xFF) << 24;
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
