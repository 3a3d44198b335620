package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * Encodes a {@link Changes} as the mask followed by only the fields it sets, in field-number
 * order, each as its {@link FieldKind} says: the loop runs over a {@link FieldTable}, so a new
 * field needs no code here. Invalid values (no status, a null key) survive the round trip,
 * because refused inputs are journaled too and must be refused again on replay.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Field mask                           |
 *  +---------------------------------------------------------------+
 *  | then each field whose bit is set, by number:                  |
 *  |   BOOLEAN, STATUS: int8 (STATUS -1 = none)                    |
 *  |   INT32: int32        INT64: int64                            |
 *  |   ATTRIBUTES: int32 count, then per change: string key,       |
 *  |     int8 kind, then string value | int64 value | nothing      |
 *  +---------------------------------------------------------------+
 * </pre>
 * Strings are as in {@link CodecUtil}. For the presence table this is, byte for byte, the
 * layout journals have always had.
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
        return encode(buffer, offset, changes, FieldTable.PRESENCE);
    }

    /**
     * @return the offset after the encoded changes.
     */
    static int encode(final MutableDirectBuffer buffer, final int offset, final Changes changes, final FieldTable table)
    {
        final int mask = changes.mask();
        int p = offset;
        buffer.putInt(p, mask, ORDER);
        p += Integer.BYTES;
        for (int number = 0, count = table.count(); number < count; number++)
        {
            if ((mask & (1 << number)) == 0)
            {
                continue;
            }
            final FieldKind kind = table.field(number).kind();
            if (kind == FieldKind.ATTRIBUTES)
            {
                p = encodeAttributes(buffer, p, changes);
            }
            else
            {
                p = putScalar(buffer, p, kind, changes.get(number));
            }
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
        return decode(buffer, offset, changes, null, FieldTable.PRESENCE);
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
        return decode(buffer, offset, changes, strings, FieldTable.PRESENCE);
    }

    /**
     * @return the offset after the encoded changes.
     * @throws IllegalStateException when the mask names bits no field of the table has.
     */
    static int decode(
        final DirectBuffer buffer, final int offset, final Changes changes, final StringCache strings, final FieldTable table)
    {
        changes.clear();
        int p = offset;
        final int mask = buffer.getInt(p, ORDER);
        p += Integer.BYTES;
        if ((mask & ~table.allMask()) != 0)
        {
            throw new IllegalStateException("unknown field bits in mask " + Integer.toHexString(mask) + " at offset " + offset);
        }
        for (int bits = mask; bits != 0; bits &= bits - 1) // ascending field numbers, as encoded
        {
            final Field field = table.field(Integer.numberOfTrailingZeros(bits));
            switch (field.kind().fixedBytes())
            {
                case Byte.BYTES ->
                {
                    changes.set(field, buffer.getByte(p));
                    p += Byte.BYTES;
                }
                case Integer.BYTES ->
                {
                    changes.set(field, buffer.getInt(p, ORDER));
                    p += Integer.BYTES;
                }
                case Long.BYTES ->
                {
                    changes.set(field, buffer.getLong(p, ORDER));
                    p += Long.BYTES;
                }
                default -> p = decodeAttributes(buffer, p, changes, strings); // the one variable kind
            }
        }
        return p;
    }

    static int putScalar(final MutableDirectBuffer buffer, final int offset, final FieldKind kind, final long value)
    {
        switch (kind)
        {
            case BOOLEAN, STATUS ->
            {
                buffer.putByte(offset, (byte)value);
                return offset + Byte.BYTES;
            }
            case INT32 ->
            {
                buffer.putInt(offset, (int)value, ORDER);
                return offset + Integer.BYTES;
            }
            case INT64 ->
            {
                buffer.putLong(offset, value, ORDER);
                return offset + Long.BYTES;
            }
            default -> throw new IllegalArgumentException("not a scalar: " + kind);
        }
    }

    static long getScalar(final DirectBuffer buffer, final int offset, final FieldKind kind)
    {
        return switch (kind)
        {
            case BOOLEAN, STATUS -> buffer.getByte(offset);
            case INT32 -> buffer.getInt(offset, ORDER);
            case INT64 -> buffer.getLong(offset, ORDER);
            default -> throw new IllegalArgumentException("not a scalar: " + kind);
        };
    }

    private static int encodeAttributes(final MutableDirectBuffer buffer, final int offset, final Changes changes)
    {
        int p = offset;
        final int count = changes.attributeCount();
        buffer.putInt(p, count, ORDER);
        p += Integer.BYTES;
        for (int i = 0; i < count; i++)
        {
            p = CodecUtil.putString(buffer, p, changes.attributeKey(i));
            final byte kind = changes.attributeKind(i);
            buffer.putByte(p++, kind);
            if (kind == Changes.ATTRIBUTE_STRING)
            {
                p = CodecUtil.putString(buffer, p, changes.attributeString(i));
            }
            else if (kind == Changes.ATTRIBUTE_LONG)
            {
                buffer.putLong(p, changes.attributeLong(i), ORDER);
                p += Long.BYTES;
            }
        }
        return p;
    }

    private static int decodeAttributes(
        final DirectBuffer buffer, final int offset, final Changes changes, final StringCache strings)
    {
        int p = offset;
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
        changes.touchAttributes();
        return p;
    }
}
