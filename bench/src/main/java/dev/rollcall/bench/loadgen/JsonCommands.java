package dev.rollcall.bench.loadgen;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.Protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes the commands the load generator sends as the JSON messages of {@code rollcall.json.v1} (docs/protocol.md,
 * "JSON encoding"), each saying exactly what the binary frame of {@link dev.rollcall.protocol.FrameWriter} with the
 * same arguments says: {@code identify} (with its {@code presence}), {@code update} (group, reason and
 * {@code changes}), {@code subscribe} and {@code heartbeat}. Written at the buffer's position (advanced); a message
 * that does not fit throws {@link java.nio.BufferOverflowException} (callers keep room for one).
 * <p>
 * Allocates nothing per message: the fixed parts (op names, member names, field names, groups, statuses) are byte
 * arrays made once, numbers are written digit by digit, and strings are escaped and encoded as UTF-8 by hand from
 * their {@code char}s. 64-bit ids and fields a JavaScript number cannot hold exactly are written as decimal
 * strings, as the server does (an attribute's integer stays a number: as a string it would be a string). Not
 * thread-safe.
 */
final class JsonCommands
{
    private static final long MAX_SAFE = (1L << 53) - 1;
    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final byte[] IDENTIFY = ascii("{\"op\":\"identify\",\"version\":");
    private static final byte[] TOKEN = ascii(",\"token\":");
    private static final byte[] PRESENCE = ascii(",\"presence\":");
    private static final byte[] UPDATE = ascii("{\"op\":\"update\",\"requestId\":");
    private static final byte[] GROUP = ascii(",\"group\":");
    private static final byte[][] GROUPS = {null, ascii("\"standard\""), ascii("\"lobby\""), ascii("\"full\"")};
    private static final byte[] REASON = ascii(",\"reason\":");
    private static final byte[] CHANGES = ascii(",\"changes\":");
    private static final byte[] SUBSCRIBE = ascii("{\"op\":\"subscribe\",\"requestId\":");
    private static final byte[] CLIENTS = ascii(",\"clients\":[");
    private static final byte[] LOBBIES = ascii("],\"lobbies\":[");
    private static final byte[] HEARTBEAT = ascii("{\"op\":\"heartbeat\",\"lastSeq\":");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");
    private static final byte[][] STATUSES = new byte[Status.count()][];

    static
    {
        for (final Status status : Status.values())
        {
            STATUSES[status.code()] = ascii("\"" + status.name() + "\"");
        }
    }

    private final FieldTable table;
    /** {@code "name":} of each field, by number. */
    private final byte[][] fieldKeys;

    /** Commands over the presence fields. */
    JsonCommands()
    {
        this(FieldTable.PRESENCE);
    }

    /**
     * @param table the fields a {@code changes} may hold.
     */
    JsonCommands(final FieldTable table)
    {
        this.table = table;
        fieldKeys = new byte[table.count()][];
        for (int i = 0; i < fieldKeys.length; i++)
        {
            fieldKeys[i] = ("\"" + table.field(i).name() + "\":").getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code identify} (not sharded).
     *
     * @param out      where it goes.
     * @param version  the protocol version.
     * @param token    the token.
     * @param presence the initial presence (null or empty: no {@code presence} member).
     */
    void identify(final ByteBuffer out, final int version, final String token, final Changes presence)
    {
        out.put(IDENTIFY);
        number(out, version);
        out.put(TOKEN);
        string(out, token);
        if (null != presence && !presence.isEmpty())
        {
            out.put(PRESENCE);
            changes(out, presence);
        }
        out.put((byte)'}');
    }

    /**
     * {@code update}.
     *
     * @param out       where it goes.
     * @param requestId the request id.
     * @param group     {@link Protocol#GROUP_STANDARD}, {@link Protocol#GROUP_LOBBY} or {@link Protocol#GROUP_FULL}.
     * @param reason    the reason.
     * @param changes   the changes.
     */
    void update(final ByteBuffer out, final long requestId, final int group, final String reason, final Changes changes)
    {
        if (group < Protocol.GROUP_STANDARD || group > Protocol.GROUP_FULL)
        {
            throw new IllegalArgumentException("bad group " + group);
        }
        out.put(UPDATE);
        number(out, requestId);
        out.put(GROUP).put(GROUPS[group]);
        out.put(REASON);
        string(out, reason);
        out.put(CHANGES);
        changes(out, changes);
        out.put((byte)'}');
    }

    /**
     * {@code subscribe}.
     *
     * @param out         where it goes.
     * @param requestId   the request id.
     * @param clientIds   the users.
     * @param clientCount how many of them.
     * @param lobbyIds    the lobbies.
     * @param lobbyCount  how many of them.
     */
    void subscribe(final ByteBuffer out, final long requestId, final long[] clientIds, final int clientCount,
        final long[] lobbyIds, final int lobbyCount)
    {
        out.put(SUBSCRIBE);
        number(out, requestId);
        out.put(CLIENTS);
        ids(out, clientIds, clientCount);
        out.put(LOBBIES);
        ids(out, lobbyIds, lobbyCount);
        out.put((byte)']').put((byte)'}');
    }

    /**
     * {@code heartbeat}.
     *
     * @param out     where it goes.
     * @param lastSeq the last seq received.
     */
    void heartbeat(final ByteBuffer out, final long lastSeq)
    {
        out.put(HEARTBEAT);
        id(out, lastSeq);
        out.put((byte)'}');
    }

    private void ids(final ByteBuffer out, final long[] ids, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                out.put((byte)',');
            }
            id(out, ids[i]);
        }
    }

    private void changes(final ByteBuffer out, final Changes changes)
    {
        out.put((byte)'{');
        boolean first = true;
        for (int number = 0; number < table.count(); number++)
        {
            if (!changes.has(number))
            {
                continue;
            }
            if (!first)
            {
                out.put((byte)',');
            }
            first = false;
            out.put(fieldKeys[number]);
            final Field field = table.field(number);
            switch (field.kind())
            {
                case BOOLEAN -> out.put(0 != changes.get(number) ? TRUE : FALSE);
                case STATUS -> out.put(STATUSES[(int)changes.get(number)]);
                case INT32 -> number(out, changes.get(number));
                case INT64 -> id(out, changes.get(number));
                default -> attributes(out, changes);
            }
        }
        out.put((byte)'}');
    }

    private static void attributes(final ByteBuffer out, final Changes changes)
    {
        out.put((byte)'{');
        for (int i = 0; i < changes.attributeCount(); i++)
        {
            if (i > 0)
            {
                out.put((byte)',');
            }
            string(out, changes.attributeKey(i));
            out.put((byte)':');
            switch (changes.attributeKind(i))
            {
                case Changes.ATTRIBUTE_STRING -> string(out, changes.attributeString(i));
                case Changes.ATTRIBUTE_LONG -> number(out, changes.attributeLong(i)); // a string would be a string
                default -> out.put(NULL);
            }
        }
        out.put((byte)'}');
    }

    /** A 64-bit value: a number when a JavaScript number holds it exactly, else a decimal string. */
    private static void id(final ByteBuffer out, final long value)
    {
        if (value >= -MAX_SAFE && value <= MAX_SAFE)
        {
            number(out, value);
        }
        else
        {
            out.put((byte)'"');
            number(out, value);
            out.put((byte)'"');
        }
    }

    /**
     * @param out   where the digits go.
     * @param value any long, in decimal.
     */
    static void number(final ByteBuffer out, final long value)
    {
        if (value < 0)
        {
            out.put((byte)'-');
            if (Long.MIN_VALUE == value)
            {
                out.put((byte)'9');
                number(out, -(value + 9_000_000_000_000_000_000L));
                return;
            }
            number(out, -value);
            return;
        }
        int digits = 1;
        for (long rest = value; rest >= 10; rest /= 10)
        {
            digits++;
        }
        final int at = out.position();
        if (out.remaining() < digits)
        {
            throw new BufferOverflowException();
        }
        long rest = value;
        for (int i = digits - 1; i >= 0; i--)
        {
            out.put(at + i, (byte)('0' + rest % 10));
            rest /= 10;
        }
        out.position(at + digits);
    }

    /** A JSON string: escaped, UTF-8 (a lone surrogate becomes {@code '?'}, as the binary encoder writes it). */
    private static void string(final ByteBuffer out, final String value)
    {
        out.put((byte)'"');
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                if ('"' == c || '\\' == c)
                {
                    out.put((byte)'\\').put((byte)c);
                }
                else if (c < 0x20)
                {
                    out.put((byte)'\\').put((byte)'u').put((byte)'0').put((byte)'0').put(HEX[c >>> 4]).put(HEX[c & 0xF]);
                }
                else
                {
                    out.put((byte)c);
                }
            }
            else if (c < 0x800)
            {
                out.put((byte)(0xC0 | (c >>> 6))).put((byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                out.put((byte)(0xF0 | (cp >>> 18))).put((byte)(0x80 | ((cp >>> 12) & 0x3F)))
                    .put((byte)(0x80 | ((cp >>> 6) & 0x3F))).put((byte)(0x80 | (cp & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                out.put((byte)'?');
            }
            else
            {
                out.put((byte)(0xE0 | (c >>> 12))).put((byte)(0x80 | ((c >>> 6) & 0x3F))).put((byte)(0x80 | (c & 0x3F)));
            }
        }
        out.put((byte)'"');
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
