package dev.rollcall.protocol;

import java.nio.ByteBuffer;

/**
 * A bounds-checked little-endian cursor over one frame of a buffer (docs/protocol.md, "Types"), shared by the
 * adapters. Every read checks the bytes left in the frame first, so any input yields a value or a
 * {@link ProtocolException}, never a runtime exception; counts are checked against the bytes left before anything
 * is allocated. Strings are decoded by a strict UTF-8 decoder (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). Uses absolute reads only: never moves the buffer's position or changes its order.
 * With a {@link Utf8StringCache}, strings whose bytes were decoded before are returned from it (no allocation);
 * error messages are built only when a frame is refused.
 */
final class WireReader
{
    private static final int MIN_ATTRIBUTE_BYTES = 3;

    private ByteBuffer buffer;
    private boolean swap;
    private int position;
    private int end;
    private char[] chars = new char[256];
    private final Utf8StringCache strings;

    /** A reader that allocates every string it decodes. */
    WireReader()
    {
        this(null);
    }

    /**
     * @param strings where decoded strings are looked up and kept, or null for none.
     */
    WireReader(final Utf8StringCache strings)
    {
        this.strings = strings;
    }

    /**
     * Starts reading the frame {@code [start, start + frameLength)}: checks the header against the frame length.
     *
     * @return the op
     */
    int begin(final ByteBuffer in, final int start, final int frameLength) throws ProtocolException
    {
        buffer = in;
        swap = Wire.swaps(in);
        position = start;
        end = start + frameLength;
        final int length = i32();
        if (length != frameLength - Protocol.HEADER_LENGTH)
        {
            throw malformed("frame length " + length + " does not match the frame (" + frameLength + " bytes)");
        }
        return u8();
    }

    /** Forgets the buffer. */
    void release()
    {
        buffer = null;
    }

    /** Throws unless the body was consumed exactly. */
    void finish() throws ProtocolException
    {
        if (position != end)
        {
            throw malformed((end - position) + " bytes left over after the body");
        }
    }

    int remaining()
    {
        return end - position;
    }

    void need(final long bytes, final String what) throws ProtocolException
    {
        if (bytes > end - position)
        {
            throw malformed("truncated body: " + what + " needs " + bytes + " bytes, " + (end - position) + " left");
        }
    }

    /** {@link #need(long, String)} for {@code count} items, naming them {@code what count}. */
    private void need(final long bytes, final String what, final int count) throws ProtocolException
    {
        if (bytes > end - position)
        {
            need(bytes, what + " " + count);
        }
    }

    int u8() throws ProtocolException
    {
        need(1, "u8");
        return buffer.get(position++) & 0xFF;
    }

    int u16() throws ProtocolException
    {
        need(2, "u16");
        final short value = buffer.getShort(position);
        position += 2;
        return (swap ? Short.reverseBytes(value) : value) & 0xFFFF;
    }

    int i32() throws ProtocolException
    {
        need(4, "i32");
        final int value = buffer.getInt(position);
        position += 4;
        return swap ? Integer.reverseBytes(value) : value;
    }

    long u32() throws ProtocolException
    {
        return Integer.toUnsignedLong(i32());
    }

    long i64() throws ProtocolException
    {
        need(8, "i64");
        final long value = buffer.getLong(position);
        position += 8;
        return swap ? Long.reverseBytes(value) : value;
    }

    boolean bool() throws ProtocolException
    {
        final int value = u8();
        if (value > 1)
        {
            throw malformed("bad bool " + value);
        }
        return value == 1;
    }

    /** A u8 enum code in {@code [0, count)}. */
    int enumCode(final int count, final String what) throws ProtocolException
    {
        final int value = u8();
        if (value >= count)
        {
            throw malformed("bad " + what + " " + value);
        }
        return value;
    }

    /** A u16 count in {@code [min, max]} whose items take at least {@code itemBytes} each. */
    int count(final int min, final int max, final int itemBytes, final String what) throws ProtocolException
    {
        final int count = u16();
        if (count < min || count > max)
        {
            throw malformed(what + " " + count + " not in " + min + ".." + max);
        }
        need((long)count * itemBytes, what, count);
        return count;
    }

    /** Reads {@code count} i64 values (already checked against the bytes left) into {@code target}. */
    void longs(final long[] target, final int count) throws ProtocolException
    {
        for (int i = 0; i < count; i++)
        {
            target[i] = i64();
        }
    }

    String string() throws ProtocolException
    {
        return utf8(u16());
    }

    /** A string never looked up in nor kept by the cache (a token: a secret, and unique). */
    String secret() throws ProtocolException
    {
        final int length = u16();
        need(length, "string");
        return length == 0 ? "" : decode(length);
    }

    String nstring() throws ProtocolException
    {
        final int length = u16();
        return length == Protocol.NULL_STRING_LENGTH ? null : utf8(length);
    }

    /** Reads a {@code changes} value into {@code target} (cleared first). */
    void changes(final Presence target) throws ProtocolException
    {
        target.clear();
        final int mask = u16();
        if ((mask & ~Presence.ALL_MASK) != 0)
        {
            throw malformed("changes mask 0x" + Integer.toHexString(mask) + " has bits 13..15 set");
        }
        if ((mask & (1 << Presence.STATUS)) != 0)
        {
            target.status(Presence.Status.fromCode(enumCode(4, "status")));
        }
        if ((mask & (1 << Presence.AFK)) != 0)
        {
            target.afk(bool());
        }
        if ((mask & (1 << Presence.IN_GAME)) != 0)
        {
            target.inGame(bool());
        }
        if ((mask & (1 << Presence.PARTY_ID)) != 0)
        {
            target.partyId(i64());
        }
        if ((mask & (1 << Presence.ATTRIBUTES)) != 0)
        {
            attributes(target);
        }
        if ((mask & (1 << Presence.LOBBY_ID)) != 0)
        {
            target.lobbyId(i64());
        }
        if ((mask & (1 << Presence.READY)) != 0)
        {
            target.ready(bool());
        }
        if ((mask & (1 << Presence.PLAYER)) != 0)
        {
            target.player(bool());
        }
        if ((mask & (1 << Presence.PLAYER_NUMBER)) != 0)
        {
            target.playerNumber(i32());
        }
        if ((mask & (1 << Presence.TEAM_NUMBER)) != 0)
        {
            target.teamNumber(i32());
        }
        if ((mask & (1 << Presence.TEAM_COLOUR)) != 0)
        {
            target.teamColour(i32());
        }
        if ((mask & (1 << Presence.SYNC)) != 0)
        {
            target.sync(i32());
        }
        if ((mask & (1 << Presence.LOBBY_HOST)) != 0)
        {
            target.lobbyHost(bool());
        }
    }

    static ProtocolException malformed(final String message)
    {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }

    private void attributes(final Presence target) throws ProtocolException
    {
        final int count = u8();
        if (count == 0)
        {
            throw malformed("attribute count 0");
        }
        need((long)count * MIN_ATTRIBUTE_BYTES, "attribute count", count);
        for (int i = 0; i < count; i++)
        {
            final String key = string();
            final int kind = u8();
            switch (kind)
            {
                case Presence.ATTRIBUTE_STRING:
                    target.attribute(key, string());
                    break;
                case Presence.ATTRIBUTE_LONG:
                    target.attribute(key, i64());
                    break;
                case Presence.ATTRIBUTE_REMOVE:
                    target.removeAttribute(key);
                    break;
                default:
                    throw malformed("bad attribute kind " + kind);
            }
        }
    }

    private String utf8(final int length) throws ProtocolException
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

    private String decode(final int length) throws ProtocolException
    {
        if (chars.length < length)
        {
            chars = new char[Math.max(length, Math.min(chars.length * 2, Protocol.MAX_STRING_BYTES))];
        }
        final char[] out = chars;
        final ByteBuffer in = buffer;
        final int limit = position + length;
        int p = position;
        int o = 0;
        while (p < limit)
        {
            final int b0 = in.get(p) & 0xFF;
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
                if (limit - p < 2)
                {
                    throw badUtf8();
                }
                final int b1 = continuation(in.get(p + 1));
                out[o++] = (char)(((b0 & 0x1F) << 6) | b1);
                p += 2;
            }
            else if (b0 < 0xF0)
            {
                if (limit - p < 3)
                {
                    throw badUtf8();
                }
                final int raw1 = in.get(p + 1) & 0xFF;
                if ((b0 == 0xE0 && raw1 < 0xA0) || (b0 == 0xED && raw1 > 0x9F))
                {
                    throw badUtf8();
                }
                final int b1 = continuation(in.get(p + 1));
                final int b2 = continuation(in.get(p + 2));
                out[o++] = (char)(((b0 & 0x0F) << 12) | (b1 << 6) | b2);
                p += 3;
            }
            else if (b0 < 0xF5)
            {
                if (limit - p < 4)
                {
                    throw badUtf8();
                }
                final int raw1 = in.get(p + 1) & 0xFF;
                if ((b0 == 0xF0 && raw1 < 0x90) || (b0 == 0xF4 && raw1 > 0x8F))
                {
                    throw badUtf8();
                }
                final int b1 = continuation(in.get(p + 1));
                final int b2 = continuation(in.get(p + 2));
                final int b3 = continuation(in.get(p + 3));
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
        position = limit;
        return new String(out, 0, o);
    }

    private static int continuation(final byte b) throws ProtocolException
    {
        if ((b & 0xC0) != 0x80)
        {
            throw badUtf8();
        }
        return b & 0x3F;
    }

    private static ProtocolException badUtf8()
    {
        return malformed("invalid UTF-8");
    }
}
