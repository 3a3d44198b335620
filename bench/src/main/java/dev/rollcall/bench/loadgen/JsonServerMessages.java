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
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.ServerFrameHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the server's JSON messages of {@code rollcall.json.v1} (docs/protocol.md, "JSON encoding") and calls the same
 * {@link ServerFrameHandler} methods the binary {@link dev.rollcall.protocol.ServerFrameAdapter} would for the frame
 * each stands for, so both encodings drive the same accounting. It reads what the load generator uses: every member
 * of {@code hello}, {@code ready}, {@code heartbeat_ack}, {@code resumed}, {@code invalid_session}, {@code result},
 * the codes of {@code error} and {@code close}, and of {@code dispatch} the ids, seq, type and the scalar fields of
 * {@code changes}; members may come in any order. What it does not use is skipped (checked as JSON, not kept):
 * messages, a dispatch's reason (passed on as null) and attributes, the lists of {@code clients} and
 * {@code client_ids} and the counters of {@code stats} (passed on empty).
 * <p>
 * Allocates nothing: member and enum names are compared as bytes with arrays made once, numbers (or the decimal
 * strings of 64-bit values) are parsed in place, and one {@link Changes} is reused. Not thread-safe.
 */
final class JsonServerMessages
{
    private static final int OP = 0;
    private static final int VERSION = 1;
    private static final int HEARTBEAT_INTERVAL_MS = 2;
    private static final int MAX_FRAME_SIZE = 3;
    private static final int RATE_LIMIT_COMMANDS = 4;
    private static final int RATE_LIMIT_WINDOW_MS = 5;
    private static final int IDENTIFY_TIMEOUT_MS = 6;
    private static final int SESSION_ID = 7;
    private static final int USER_ID = 8;
    private static final int SEQ = 9;
    private static final int REQUEST_ID = 10;
    private static final int RESULT = 11;
    private static final int CODE = 12;
    private static final int TYPE = 13;
    private static final int UPDATE_ID = 14;
    private static final int LOBBY_ID = 15;
    private static final int TIME = 16;
    private static final int CHANGES = 17;
    private static final int RESUMABLE = 18;
    private static final int NEXT_CURSOR = 19;
    private static final int NOW_MS = 20;
    private static final int GRACE_PERIOD_MS = 21;
    /** Members read and not kept. */
    private static final int NAME = 22;
    private static final int MESSAGE = 23;
    private static final int REASON = 24;
    private static final int CLIENTS = 25;
    private static final int IDS = 26;
    private static final int COUNTERS = 27;
    private static final String[] KEYS = {"op", "version", "heartbeatIntervalMs", "maxFrameSize", "rateLimitCommands",
        "rateLimitWindowMs", "identifyTimeoutMs", "sessionId", "userId", "seq", "requestId", "result", "code", "type",
        "updateId", "lobbyId", "time", "changes", "resumable", "nextCursor", "nowMs", "gracePeriodMs", "name", "message",
        "reason", "clients", "ids", "counters"};
    private static final byte[][] KEY_BYTES = utf8(KEYS);
    private static final byte[][] OP_NAMES = new byte[Protocol.STATS + 1][];
    private static final byte[][] EVENT_NAMES = new byte[EventType.count()][];
    private static final byte[][] RESULT_NAMES = new byte[Result.count()][];
    private static final byte[][] STATUS_NAMES = new byte[Status.count()][];
    private static final ClientView[] NO_CLIENTS = new ClientView[0];
    private static final long[] NO_IDS = new long[0];
    private static final String[] NO_NAMES = new String[0];
    private static final int MAX_DEPTH = 16;

    static
    {
        for (int op = Protocol.HELLO; op <= Protocol.STATS; op++)
        {
            OP_NAMES[op] = Protocol.opName(op).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }
        for (final EventType type : EventType.values())
        {
            EVENT_NAMES[type.code()] = type.name().getBytes(StandardCharsets.US_ASCII);
        }
        for (final Result result : Result.values())
        {
            RESULT_NAMES[result.code()] = result.name().getBytes(StandardCharsets.US_ASCII);
        }
        for (final Status status : Status.values())
        {
            STATUS_NAMES[status.code()] = status.name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final FieldTable table;
    private final byte[][] fieldNames;
    private final Changes changes = new Changes();
    private final long[] values = new long[KEYS.length];
    private ByteBuffer in;
    private int start;
    private int position;
    private int end;
    private int seen;
    private int op;

    /** A reader for the presence fields. */
    JsonServerMessages()
    {
        this(FieldTable.PRESENCE);
    }

    /**
     * @param table the fields a {@code changes} may hold.
     */
    JsonServerMessages(final FieldTable table)
    {
        this.table = table;
        fieldNames = new byte[table.count()][];
        for (int i = 0; i < fieldNames.length; i++)
        {
            fieldNames[i] = table.field(i).name().getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Read one message and call the handler method for the frame it stands for.
     *
     * @param buffer  holds it (absolute indexes; its position is not used or moved).
     * @param from    its first byte.
     * @param to      one past its last.
     * @param handler told of it.
     * @throws ProtocolException {@link ErrorCode#MALFORMED_FRAME} when it is not JSON, lacks a member its op needs, or
     *                           names an unknown op, event type or result; {@link ErrorCode#UNKNOWN_OP} for a
     *                           client's op.
     */
    void read(final ByteBuffer buffer, final int from, final int to, final ServerFrameHandler handler)
        throws ProtocolException
    {
        in = buffer;
        start = from;
        position = from;
        end = to;
        seen = 0;
        op = -1;
        changes.clear();
        expect('{');
        if (!consume('}'))
        {
            do
            {
                member();
            }
            while (next('}'));
        }
        if (peek() >= 0)
        {
            throw error("expected the end of the message");
        }
        if (op < 0)
        {
            throw error("no \"op\"");
        }
        call(handler);
    }

    private void call(final ServerFrameHandler handler) throws ProtocolException
    {
        switch (op)
        {
            case Protocol.HELLO -> handler.onHello((int)need(VERSION), (int)need(HEARTBEAT_INTERVAL_MS),
                (int)need(MAX_FRAME_SIZE), (int)need(RATE_LIMIT_COMMANDS), (int)need(RATE_LIMIT_WINDOW_MS),
                (int)need(IDENTIFY_TIMEOUT_MS));
            case Protocol.READY -> handler.onReady(need(SESSION_ID), need(USER_ID), need(SEQ));
            case Protocol.HEARTBEAT_ACK -> handler.onHeartbeatAck(need(SEQ));
            case Protocol.RESUMED -> handler.onResumed(need(SEQ));
            case Protocol.INVALID_SESSION -> handler.onInvalidSession(0 != need(RESUMABLE));
            case Protocol.RESULT ->
            {
                final long result = need(RESULT);
                if (result < 0 || result >= Result.count())
                {
                    throw error("an unknown result " + result);
                }
                handler.onResult(need(REQUEST_ID), Result.fromCode((int)result));
            }
            case Protocol.ERROR -> handler.onError(need(REQUEST_ID), (int)need(CODE), "");
            case Protocol.DISPATCH ->
            {
                need(CHANGES);
                handler.onDispatch(need(SEQ), EventType.fromCode((int)need(TYPE)), need(USER_ID), need(UPDATE_ID),
                    need(LOBBY_ID), need(TIME), null, changes);
            }
            case Protocol.CLOSE -> handler.onClose((int)need(CODE), "");
            case Protocol.CLIENTS -> handler.onClients(need(REQUEST_ID), NO_CLIENTS, 0);
            case Protocol.CLIENT_IDS -> handler.onClientIds(need(REQUEST_ID), need(NEXT_CURSOR), NO_IDS, 0);
            case Protocol.STATS -> handler.onStats(need(REQUEST_ID), need(NOW_MS), need(GRACE_PERIOD_MS), NO_NAMES, NO_IDS, 0);
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_OP, "JSON: not a server op: " +
                Protocol.opName(op));
        }
    }

    private long need(final int key) throws ProtocolException
    {
        if (0 == (seen & (1 << key)))
        {
            throw error("no \"" + KEYS[key] + "\" in " + Protocol.opName(op).toLowerCase(Locale.ROOT));
        }
        return values[key];
    }

    private void member() throws ProtocolException
    {
        final int key = key(KEY_BYTES);
        expect(':');
        if (key < 0)
        {
            skipValue(0);
            return;
        }
        seen |= 1 << key;
        switch (key)
        {
            case OP -> op = name(OP_NAMES, "op");
            case TYPE -> values[key] = name(EVENT_NAMES, "event type");
            case RESULT -> values[key] = peek() == '"' ? name(RESULT_NAMES, "result") : readLong();
            case RESUMABLE -> values[key] = readBoolean() ? 1 : 0;
            case CHANGES -> readChanges();
            case NAME, MESSAGE, REASON, CLIENTS, IDS, COUNTERS -> skipValue(0);
            default -> values[key] = readLong();
        }
    }

    private void readChanges() throws ProtocolException
    {
        expect('{');
        if (consume('}'))
        {
            return;
        }
        do
        {
            final int number = key(fieldNames);
            expect(':');
            if (number < 0)
            {
                throw error("an unknown field");
            }
            final Field field = table.field(number);
            final FieldKind kind = field.kind();
            switch (kind)
            {
                case BOOLEAN -> changes.set(field, readBoolean() ? 1 : 0);
                case STATUS -> changes.set(field, name(STATUS_NAMES, "status"));
                case INT32, INT64 -> changes.set(field, readLong());
                default -> skipValue(0);
            }
        }
        while (next('}'));
    }

    /**
     * Read a member name and find it.
     *
     * @return its index in {@code names}, or -1 when it is none of them.
     */
    private int key(final byte[][] names) throws ProtocolException
    {
        if (peek() != '"')
        {
            throw error("expected a member name");
        }
        final int from = ++position;
        final int to = stringEnd();
        position = to + 1;
        return find(names, from, to);
    }

    /** Read a string that must be one of {@code names}: its index. */
    private int name(final byte[][] names, final String what) throws ProtocolException
    {
        if (peek() != '"')
        {
            throw error("expected a string (" + what + ")");
        }
        final int from = ++position;
        final int to = stringEnd();
        position = to + 1;
        final int index = find(names, from, to);
        if (index < 0)
        {
            position = from;
            throw error("an unknown " + what);
        }
        return index;
    }

    private int find(final byte[][] names, final int from, final int to)
    {
        final int length = to - from;
        for (int i = 0; i < names.length; i++)
        {
            final byte[] name = names[i];
            if (null == name || name.length != length)
            {
                continue;
            }
            int j = 0;
            while (j < length && name[j] == in.get(from + j))
            {
                j++;
            }
            if (j == length)
            {
                return i;
            }
        }
        return -1;
    }

    /** @return the index of the closing quote of the string whose first byte is at the position. */
    private int stringEnd() throws ProtocolException
    {
        int i = position;
        while (i < end)
        {
            final int b = in.get(i) & 0xFF;
            if ('"' == b)
            {
                return i;
            }
            if (b < 0x20)
            {
                position = i;
                throw error("a control character in a string");
            }
            i += '\\' == b ? 2 : 1;
        }
        position = end;
        throw error("an unterminated string");
    }

    /** An integer: a number without fraction or exponent, or a decimal string of one. */
    private long readLong() throws ProtocolException
    {
        final boolean quoted = peek() == '"';
        if (quoted)
        {
            position++;
        }
        final boolean negative = position < end && '-' == in.get(position);
        if (negative)
        {
            position++;
        }
        final int first = position;
        long value = 0;
        while (position < end)
        {
            final int digit = in.get(position) - '0';
            if (digit < 0 || digit > 9)
            {
                break;
            }
            if (value < (Long.MIN_VALUE + digit) / 10)
            {
                throw error("an integer outside 64 bits");
            }
            value = value * 10 - digit;
            position++;
        }
        if (position == first)
        {
            throw error("expected an integer");
        }
        if (!negative && Long.MIN_VALUE == value)
        {
            throw error("an integer outside 64 bits");
        }
        if (quoted)
        {
            if (position >= end || '"' != in.get(position))
            {
                throw error("expected an integer in the string");
            }
            position++;
        }
        else if (position < end && ('.' == in.get(position) || 'e' == in.get(position) || 'E' == in.get(position)))
        {
            throw error("expected an integer, not a fraction or exponent");
        }
        return negative ? value : -value;
    }

    private boolean readBoolean() throws ProtocolException
    {
        if (literal("true"))
        {
            return true;
        }
        if (literal("false"))
        {
            return false;
        }
        throw error("expected true or false");
    }

    /** Skip any JSON value, checking its grammar as far as skipping needs. */
    private void skipValue(final int depth) throws ProtocolException
    {
        if (depth > MAX_DEPTH)
        {
            throw error("values nested deeper than " + MAX_DEPTH);
        }
        final int c = peek();
        switch (c)
        {
            case '"' ->
            {
                position++;
                position = stringEnd() + 1;
            }
            case '{' ->
            {
                position++;
                if (!consume('}'))
                {
                    do
                    {
                        if (peek() != '"')
                        {
                            throw error("expected a member name");
                        }
                        position++;
                        position = stringEnd() + 1;
                        expect(':');
                        skipValue(depth + 1);
                    }
                    while (next('}'));
                }
            }
            case '[' ->
            {
                position++;
                if (!consume(']'))
                {
                    do
                    {
                        skipValue(depth + 1);
                    }
                    while (next(']'));
                }
            }
            default ->
            {
                if (!literal("null") && !literal("true") && !literal("false"))
                {
                    skipNumber();
                }
            }
        }
    }

    /** Skip a JSON number, fraction and exponent included. */
    private void skipNumber() throws ProtocolException
    {
        if (position < end && '-' == in.get(position))
        {
            position++;
        }
        if (0 == digits())
        {
            throw error("expected a value");
        }
        if (position < end && '.' == in.get(position))
        {
            position++;
            if (0 == digits())
            {
                throw error("expected digits after '.'");
            }
        }
        if (position < end && ('e' == in.get(position) || 'E' == in.get(position)))
        {
            position++;
            if (position < end && ('+' == in.get(position) || '-' == in.get(position)))
            {
                position++;
            }
            if (0 == digits())
            {
                throw error("expected digits in the exponent");
            }
        }
    }

    /** @return how many digits were skipped. */
    private int digits()
    {
        final int first = position;
        while (position < end && in.get(position) >= '0' && in.get(position) <= '9')
        {
            position++;
        }
        return position - first;
    }

    private boolean literal(final String word)
    {
        peek();
        final int length = word.length();
        if (position + length > end)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (in.get(position + i) != word.charAt(i))
            {
                return false;
            }
        }
        position += length;
        return true;
    }

    private int peek()
    {
        while (position < end)
        {
            final byte b = in.get(position);
            if (' ' != b && '\t' != b && '\n' != b && '\r' != b)
            {
                return b & 0xFF;
            }
            position++;
        }
        return -1;
    }

    private void expect(final char c) throws ProtocolException
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private boolean consume(final char c)
    {
        if (peek() == c)
        {
            position++;
            return true;
        }
        return false;
    }

    private boolean next(final char close) throws ProtocolException
    {
        final int c = peek();
        if (',' == c)
        {
            position++;
            return true;
        }
        if (close == c)
        {
            position++;
            return false;
        }
        throw error("expected ',' or '" + close + "'");
    }

    private ProtocolException error(final String what)
    {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, "JSON from the server: " + what + " at offset " +
            (position - start));
    }

    private static byte[][] utf8(final String[] names)
    {
        final byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++)
        {
            bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
