package dev.rollcall.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * Encodes a {@link Changes} as the mask followed by only the fields it sets, in
 * {@link Field} order. Invalid values (a null status, a null key) survive the round trip,
 * because refused inputs are journaled too and must be refused again on replay.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Field mask                           |
 *  +---------------------------------------------------------------+
 *  | STATUS: int8 ordinal (-1 = null)                              |
 *  | AFK, IN_GAME: int8 each                                       |
 *  | PARTY_ID: int64                                               |
 *  | ATTRIBUTES: int32 count, then per change: string key,         |
 *  |   int8 kind, then string value | int64 value | nothing        |
 *  | LOBBY_ID: int64, READY, PLAYER: int8,                         |
 *  | PLAYER_NUMBER, TEAM_NUMBER, TEAM_COLOUR, SYNC: int32,          |
 *  | LOBBY_HOST: int8       (each only when its bit is set)        |
 *  +---------------------------------------------------------------+
 * </pre>
 * Strings are as in {@link CodecUtil}.
 */
final class ChangesCodec
{
    private ChangesCodec()
    {
    }

    /**
     * @return the offset after the encoded changes.
     */
    static int encode(final MutableDirectBuffer buffer, final int offset, final Changes changes)
    {
        final int mask = changes.mask;
        int p = offset;
        buffer.putInt(p, mask, ORDER);
        p += Integer.BYTES;
        if ((mask & Field.STATUS.bit()) != 0)
        {
            buffer.putByte(p++, (byte)(null == changes.status ? -1 : changes.status.ordinal()));
        }
        if ((mask & Field.AFK.bit()) != 0)
        {
            buffer.putByte(p++, (byte)(changes.afk ? 1 : 0));
        }
        if ((mask & Field.IN_GAME.bit()) != 0)
        {
            buffer.putByte(p++, (byte)(changes.inGame ? 1 : 0));
        }
        if ((mask & Field.PARTY_ID.bit()) != 0)
        {
            buffer.putLong(p, changes.partyId, ORDER);
            p += Long.BYTES;
        }
        if ((mask & Field.ATTRIBUTES.bit()) != 0)
        {
            buffer.putInt(p, changes.attributeCount, ORDER);
            p += Integer.BYTES;
            for (int i = 0; i < changes.attributeCount; i++)
            {
                p = CodecUtil.putString(buffer, p, changes.attributeKeys[i]);
                final byte kind = changes.attributeKinds[i];
                buffer.putByte(p++, kind);
                if (kind == Changes.ATTRIBUTE_STRING)
                {
                    p = CodecUtil.putString(buffer, p, changes.attributeStrings[i]);
                }
                else if (kind == Changes.ATTRIBUTE_LONG)
                {
                    buffer.putLong(p, changes.attributeLongs[i], ORDER);
                    p += Long.BYTES;
                }
            }
        }
        if ((mask & Field.LOBBY_ID.bit()) != 0)
        {
            buffer.putLong(p, changes.lobbyId, ORDER);
            p += Long.BYTES;
        }
        if ((mask & Field.READY.bit()) != 0)
        {
            buffer.putByte(p++, (byte)(changes.ready ? 1 : 0));
        }
        if ((mask & Field.PLAYER.bit()) != 0)
        {
            buffer.putByte(p++, (byte)(changes.player ? 1 : 0));
        }
        p = putIntIf(buffer, p, mask, Field.PLAYER_NUMBER, changes.playerNumber);
        p = putIntIf(buffer, p, mask, Field.TEAM_NUMBER, changes.teamNumber);
        p = putIntIf(buffer, p, mask, Field.TEAM_COLOUR, changes.teamColour);
        p = putIntIf(buffer, p, mask, Field.SYNC, changes.sync);
        if ((mask & Field.LOBBY_HOST.bit()) != 0)
        {
            buffer.putByte(p++, (byte)(changes.lobbyHost ? 1 : 0));
        }
        return p;
    }

    /**
     * Decode into a cleared {@code changes}.
     *
     * @return the offset after the encoded changes.
     * @throws IllegalStateException when the mask names bits no field has.
     */
    static int decode(final DirectBuffer buffer, final int offset, final Changes changes)
    {
        return decode(buffer, offset, changes, null);
    }

    /**
     * Decode into a cleared {@code changes}, taking strings from a cache.
     *
     * @param strings where attribute keys and values are looked up and kept, or null to allocate them.
     * @return the offset after the encoded changes.
     * @throws IllegalStateException when the mask names bits no field has.
     */
    static int decode(final DirectBuffer buffer, final int offset, final Changes changes, final StringCache strings)
    {
        changes.clear();
        int p = offset;
        final int mask = buffer.getInt(p, ORDER);
        p += Integer.BYTES;
        if ((mask & ~Field.ALL_MASK) != 0)
        {
            throw new IllegalStateException("unknown field bits in mask " + Integer.toHexString(mask) + " at offset " + offset);
        }
        if ((mask & Field.STATUS.bit()) != 0)
        {
            changes.status(Status.fromCode(buffer.getByte(p++)));
        }
        if ((mask & Field.AFK.bit()) != 0)
        {
            changes.afk(buffer.getByte(p++) != 0);
        }
        if ((mask & Field.IN_GAME.bit()) != 0)
        {
            changes.inGame(buffer.getByte(p++) != 0);
        }
        if ((mask & Field.PARTY_ID.bit()) != 0)
        {
            changes.partyId(buffer.getLong(p, ORDER));
            p += Long.BYTES;
        }
        if ((mask & Field.ATTRIBUTES.bit()) != 0)
        {
            final int count = buffer.getInt(p, ORDER);
            p += Integer.BYTES;
            if (count < 0)
            {
                throw new IllegalStateException("negative attribute count " + count + " at offset " + (p - Integer.BYTES));
            }
            for (int i = 0; i < count; i++)
            {
                final String key = CodecUtil.getString(buffer, p, strings);
                p += CodecUtil.stringLength(buffer, p);
                final byte kind = buffer.getByte(p++);
                String stringValue = null;
                long longValue = 0;
                if (kind == Changes.ATTRIBUTE_STRING)
                {
                    stringValue = CodecUtil.getString(buffer, p, strings);
                    p += CodecUtil.stringLength(buffer, p);
                }
                else if (kind == Changes.ATTRIBUTE_LONG)
                {
                    longValue = buffer.getLong(p, ORDER);
                    p += Long.BYTES;
                }
                changes.addAttribute(key, kind, stringValue, longValue);
            }
            changes.mask |= Field.ATTRIBUTES.bit();
        }
        if ((mask & Field.LOBBY_ID.bit()) != 0)
        {
            changes.lobbyId(buffer.getLong(p, ORDER));
            p += Long.BYTES;
        }
        if ((mask & Field.READY.bit()) != 0)
        {
            changes.ready(buffer.getByte(p++) != 0);
        }
        if ((mask & Field.PLAYER.bit()) != 0)
        {
            changes.player(buffer.getByte(p++) != 0);
        }
        if ((mask & Field.PLAYER_NUMBER.bit()) != 0)
        {
            changes.playerNumber(buffer.getInt(p, ORDER));
            p += Integer.BYTES;
        }
        if ((mask & Field.TEAM_NUMBER.bit()) != 0)
        {
            changes.teamNumber(buffer.getInt(p, ORDER));
            p += Integer.BYTES;
        }
        if ((mask & Field.TEAM_COLOUR.bit()) != 0)
        {
            changes.teamColour(buffer.getInt(p, ORDER));
            p += Integer.BYTES;
        }
        if ((mask & Field.SYNC.bit()) != 0)
        {
            changes.sync(buffer.getInt(p, ORDER));
            p += Integer.BYTES;
        }
        if ((mask & Field.LOBBY_HOST.bit()) != 0)
        {
            changes.lobbyHost(buffer.getByte(p++) != 0);
        }
        return p;
    }

    private static int putIntIf(
        final MutableDirectBuffer buffer, final int offset, final int mask, final Field field, final int value)
    {
        if ((mask & field.bit()) == 0)
        {
            return offset;
        }
        buffer.putInt(offset, value, ORDER);
        return offset + Integer.BYTES;
    }
}
