package dev.rollcall.model.wire;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;

/**
 * A bounds-checked little-endian cursor over the bytes {@code [offset, limit)} of a {@link WireBuffer}
 * that reads strings and {@code changes} values ({@link WireDescriptor}) as the protocol defines them: the
 * reading half of {@link WireEncoder}, used by the protocol's adapters for untrusted frames and by the
 * core's {@code PresenceEvent} for event bodies ({@link EventDescriptor}).
 * <p>
 * Every read checks the bytes left first, and a count against the bytes it needs before anything is
 * allocated, so any input yields a value or a {@link WireFormatException}, never a runtime exception of
 * the buffer. Strings are decoded by a strict UTF-8 decoder (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). The changes loop over a {@link FieldTable} ({@link FieldTable#PRESENCE} unless
 * one is given). A decoder that caches strings returns those whose bytes it decoded before from a bounded
 * cache (2,048 strings of up to 64 bytes, fixed memory), so repeated values allocate nothing; messages
 * are built only when the bytes are refused. Not thread safe: one per decoding thread.
 */
public final class WireDecoder
{
    private static final int INITIAL_CHARS = 256;

    private final FieldTable table;
    private final Utf8StringCache strings;
    private WireBuffer buffer;
    private int position;
    private int limit;
    private char[] chars = new char[INITIAL_CHARS];

    /** A decoder of the presence fields that allocates every string. */
    public WireDecoder()
    {
        this(FieldTable.PRESENCE, false);
    }

    /**
     * @param table        the fields a {@code changes} value may hold.
     * @param cacheStrings whether to keep decoded strings in a bounded cache and return them again for the
     *                     same bytes.
     */
    public WireDecoder(final FieldTable table, final boolean cacheStrings)
    {
        this(table, cacheStrings ? new Utf8StringCache(Utf8StringCache.DEFAULT_SETS, Utf8StringCache.DEFAULT_MAX_BYTES) : null);
    }

    WireDecoder(final FieldTable table, final Utf8StringCache strings)
    {
        this.table = table;
        this.strings = strings;
    }

    /**
     * @return the fields a {@code changes} value may hold.
     */
    public FieldTable table()
    {
        return table;
    }

    /**
     * Start reading at {@code offset}, never at or beyond {@code limit}.
     *
     * @param buffer to read.
     * @param offset where to start.
     * @param limit  the end of the readable bytes (exclusive).
     * @return this.
     */
    public WireDecoder wrap(final WireBuffer buffer, final int offset, final int limit)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = limit;
        return this;
    }

    /**
     * @return where the next read starts.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return the bytes left before the limit.
     */
    public int remaining()
    {
        return limit - position;
    }

    /**
     * @return the next byte, unsigned.
     */
    public int u8()
    {
        need(Byte.BYTES, "u8");
        return buffer.getByte(position++) & 0xFF;
    }

    /**
     * @return the next u16.
     */
    public int u16()
    {
        need(Short.BYTES, "u16");
        final int value = buffer.getShort(position) & 0xFFFF;
        position += Short.BYTES;
        return value;
    }

    /**
     * @return the next i32.
     */
    public int i32()
    {
        need(Integer.BYTES, "i32");
        final int value = buffer.getInt(position);
        position += Integer.BYTES;
        return value;
    }

    /**
     * @return the next i64.
     */
    public long i64()
    {
        need(Long.BYTES, "i64");
        final long value = buffer.getLong(position);
        position += Long.BYTES;
        return value;
    }

    /**
     * @return the next bool.
     * @throws WireFormatException when the byte is neither 0 nor 1.
     */
    public boolean bool()
    {
        final int value = u8();
        if (value > 1)
        {
            throw malformed("bad bool " + value);
        }
        return value == 1;
    }

    /**
     * @return the next {@code string}; from the cache when the decoder caches strings and has seen the bytes.
     */
    public String string()
    {
        return utf8(u16());
    }

    /**
     * @return the next {@code nstring} (null for the byte count {@code 0xFFFF}).
     */
    public String nullableString()
    {
        final int length = u16();
        return length == WireDescriptor.NULL_STRING_LENGTH ? null : utf8(length);
    }

    /**
     * @return the next {@code string}, never looked up in nor kept by the cache (a token: a secret, and unique).
     */
    public String uncachedString()
    {
        final int length = u16();
        need(length, "string");
        return length == 0 ? "" : decode(length);
    }

    /**
     * Step over the next {@code nstring} without decoding it (its bytes are not checked).
     */
    public void skipNullableString()
    {
        final int length = u16();
        if (length != WireDescriptor.NULL_STRING_LENGTH)
        {
            need(length, "string");
            position += length;
        }
    }

    /**
     * Read a {@code changes} value.
     *
     * @param target cleared, then given every field the value sets.
     * @return {@code target}.
     * @throws WireFormatException when the mask has a bit no field of the table has, a value is not valid
     *                             for its field's kind, or the attributes entry is empty.
     */
    public Changes changes(final Changes target)
    {
        target.clear();
        final int mask = u16();
        if ((mask & ~table.allMask()) != 0)
        {
            throw malformed("changes mask 0x" + Integer.toHexString(mask) + " has bits of no field set (fields 0x" +
                Integer.toHexString(table.allMask()) + ")");
        }
        for (int number = 0, count = table.count(); number < count; number++)
        {
            if ((mask & (1 << number)) == 0)
            {
                continue;
            }
            final Field field = table.field(number);
            switch (field.kind())
            {
                case BOOLEAN -> target.set(field, bool() ? 1 : 0);
                case STATUS ->
                {
                    final int code = u8();
                    if (null == Status.fromCode(code))
                    {
                        throw malformed("bad " + field.name() + " " + code);
                    }
                    target.set(field, code);
                }
                case INT32 -> target.set(field, i32());
                case INT64 -> target.set(field, i64());
                case ATTRIBUTES -> attributes(target);
                default -> throw malformed("field kind " + field.kind());
            }
        }
        return target;
    }

    /**
     * Throw unless {@code bytes} are left.
     *
     * @param bytes needed.
     * @param what  what needs them, for the message.
     */
    public void need(final long bytes, final String what)
    {
        if (bytes > limit - position)
        {
            throw malformed("truncated: " + what + " needs " + bytes + " bytes, " + (limit - position) + " left");
        }
    }

    /**
     * @return the cache, or null when the decoder does not cache strings.
     */
    Utf8StringCache strings()
    {
        return strings;
    }

    private void attributes(final Changes target)
    {
        final int count = u8();
        if (count == 0)
        {
            throw malformed("attribute count 0");
        }
        if ((long)count * WireDescriptor.MIN_ATTRIBUTE_BYTES > limit - position)
        {
            need((long)count * WireDescriptor.MIN_ATTRIBUTE_BYTES, "attribute count " + count);
        }
        for (int i = 0; i < count; i++)
        {
            final String key = string();
            final int kind = u8();
            switch (kind)
            {
                case Changes.ATTRIBUTE_STRING -> target.attribute(key, string());
                case Changes.ATTRIBUTE_LONG -> target.attribute(key, i64());
                case Changes.ATTRIBUTE_REMOVE -> target.removeAttribute(key);
                default -> throw malformed("bad attribute kind " + kind);
            }
        }
    }

    private String utf8(final int length)
    {
        need(length, "string");
        if (length == 0)
        {
            return "";
        }
        if (null != strings)
        {
            final String cached = strings.get(buffer, position, length);
            if (null != cached)
            {
                position += length;
                return cached;
            }
            final int start = position;
            final String decoded = decode(length);
            strings.put(buffer, start, length, decoded);
            return decoded;
        }
        return decode(length);
    }

    private String decode(final int length)
    {
        if (chars.length < length)
        {
            chars = new char[Math.max(length, Math.min(chars.length * 2, WireDescriptor.MAX_STRING_BYTES))];
        }
        final char[] out = chars;
        final WireBuffer in = buffer;
        final int end = position + length;
        int p = position;
        int o = 0;
        while (p < end)
        {
            final int b0 = in.getByte(p) & 0xFF;
            if (b0 < 0x80)
            {
                out[o++] = (char)b0;
                p++;
            }
            else if (b0 < 0xC2)
            {
                throw badUtf8();
            }
            else if (b0 < 0xE0)
            {
                if (end - p < 2)
                {
                    throw badUtf8();
                }
                final int b1 = continuation(in.getByte(p + 1));
                out[o++] = (char)(((b0 & 0x1F) << 6) | b1);
                p += 2;
            }
            else if (b0 < 0xF0)
            {
                if (end - p < 3)
                {
                    throw badUtf8();
                }
                final int raw1 = in.getByte(p + 1) & 0xFF;
                if ((b0 == 0xE0 && raw1 < 0xA0) || (b0 == 0xED && raw1 > 0x9F))
                {
                    throw badUtf8();
                }
                final int b1 = continuation(in.getByte(p + 1));
                final int b2 = continuation(in.getByte(p + 2));
                out[o++] = (char)(((b0 & 0x0F) << 12) | (b1 << 6) | b2);
                p += 3;
            }
            else if (b0 < 0xF5)
            {
                if (end - p < 4)
                {
                    throw badUtf8();
                }
                final int raw1 = in.getByte(p + 1) & 0xFF;
                if ((b0 == 0xF0 && raw1 < 0x90) || (b0 == 0xF4 && raw1 > 0x8F))
                {
                    throw badUtf8();
                }
                final int b1 = continuation(in.getByte(p + 1));
                final int b2 = continuation(in.getByte(p + 2));
                final int b3 = continuation(in.getByte(p + 3));
                final int codePoint = ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
                out[o++] = Character.highSurrogate(codePoint);
                out[o++] = Character.lowSurrogate(codePoint);
                p += 4;
            }
            else
            {
                throw badUtf8();
            }
        }
        position = end;
        return new String(out, 0, o);
    }

    private static int continuation(final byte b)
    {
        if ((b & 0xC0) != 0x80)
        {
            throw badUtf8();
        }
        return b & 0x3F;
    }

    private static WireFormatException badUtf8()
    {
        return malformed("invalid UTF-8");
    }

    private static WireFormatException malformed(final String message)
    {
        return new WireFormatException(message);
    }
}
