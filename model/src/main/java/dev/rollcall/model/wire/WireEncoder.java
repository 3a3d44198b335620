package dev.rollcall.model.wire;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;

/**
 * Writes strings, {@code changes} values ({@link WireDescriptor}) and event bodies
 * ({@link EventDescriptor}) into a {@link WireBuffer} at an absolute offset, returning the offset after
 * what was written. The changes loop over a {@link FieldTable} ({@link FieldTable#PRESENCE} unless one is
 * given), so a new field needs no code here. Allocates nothing; strings are encoded to UTF-8 by hand (a
 * surrogate pair becomes 4 bytes, a lone surrogate {@code '?'}).
 * <p>
 * A value the encoding cannot express (a null string, a status that is no {@link Status}, more than
 * {@link WireDescriptor#MAX_ATTRIBUTES} attributes, a string longer than its limit, a field the table does
 * not have) throws {@link IllegalArgumentException}; a write past a fixed buffer's end throws
 * {@link java.nio.BufferOverflowException}. Either way the bytes before the offset are untouched, the bytes
 * after it may have been written. Stateless apart from its table: share one per thread or more.
 */
public final class WireEncoder
{
    private final FieldTable table;

    /** An encoder of the presence fields. */
    public WireEncoder()
    {
        this(FieldTable.PRESENCE);
    }

    /**
     * @param table the fields a {@code changes} value may hold.
     */
    public WireEncoder(final FieldTable table)
    {
        this.table = table;
    }

    /**
     * @return the fields a {@code changes} value may hold.
     */
    public FieldTable table()
    {
        return table;
    }

    /**
     * Write an event body ({@link EventDescriptor}).
     *
     * @param buffer   to write into.
     * @param offset   where the body starts.
     * @param seq      the session's seq (0 from the core; the gateway patches it per session).
     * @param type     the event type.
     * @param userId   the client the event is about.
     * @param updateId the client's update id after the change.
     * @param lobbyId  the lobby of a lobby-topic event, else 0.
     * @param time     epoch millis.
     * @param reason   the update's reason, or null (at most {@link WireDescriptor#MAX_NSTRING_BYTES} UTF-8 bytes).
     * @param changes  the changed fields (null: none).
     * @return the offset after the body.
     */
    public int putEvent(
        final WireBuffer buffer,
        final int offset,
        final long seq,
        final EventType type,
        final long userId,
        final long updateId,
        final long lobbyId,
        final long time,
        final String reason,
        final Changes changes)
    {
        if (null == type)
        {
            throw new IllegalArgumentException("event type is null");
        }
        buffer.putLong(offset + EventDescriptor.SEQ_OFFSET, seq);
        buffer.putByte(offset + EventDescriptor.TYPE_OFFSET, (byte)type.code());
        buffer.putLong(offset + EventDescriptor.USER_ID_OFFSET, userId);
        buffer.putLong(offset + EventDescriptor.UPDATE_ID_OFFSET, updateId);
        buffer.putLong(offset + EventDescriptor.LOBBY_ID_OFFSET, lobbyId);
        buffer.putLong(offset + EventDescriptor.TIME_OFFSET, time);
        final int changesOffset = putNullableString(buffer, offset + EventDescriptor.REASON_OFFSET, reason, "reason");
        return putChanges(buffer, changesOffset, changes);
    }

    /**
     * Write a {@code changes} value: the mask, then each field it sets, by number, as its kind says.
     * An attributes field set with no attribute is written as not set.
     *
     * @param buffer  to write into.
     * @param offset  where the value starts.
     * @param changes the fields to write (null: none).
     * @return the offset after the value.
     */
    public int putChanges(final WireBuffer buffer, final int offset, final Changes changes)
    {
        if (null == changes)
        {
            buffer.putShort(offset, (short)0);
            return offset + WireDescriptor.MASK_LENGTH;
        }
        int mask = changes.mask();
        if ((mask & ~table.allMask()) != 0)
        {
            throw new IllegalArgumentException("changes set fields the table does not have: mask 0x" +
                Integer.toHexString(mask) + ", fields 0x" + Integer.toHexString(table.allMask()));
        }
        final int attributesNumber = table.attributesNumber();
        if (attributesNumber >= 0 && changes.attributeCount() == 0)
        {
            mask &= ~(1 << attributesNumber);
        }
        buffer.putShort(offset, (short)mask);
        int p = offset + WireDescriptor.MASK_LENGTH;
        for (int number = 0, count = table.count(); number < count; number++)
        {
            if ((mask & (1 << number)) == 0)
            {
                continue;
            }
            final Field field = table.field(number);
            final long value = changes.get(number);
            switch (field.kind())
            {
                case BOOLEAN ->
                {
                    buffer.putByte(p, (byte)value);
                    p += Byte.BYTES;
                }
                case STATUS ->
                {
                    if (null == Status.fromCode(value))
                    {
                        throw new IllegalArgumentException(field.name() + " " + value + " is not a status");
                    }
                    buffer.putByte(p, (byte)value);
                    p += Byte.BYTES;
                }
                case INT32 ->
                {
                    buffer.putInt(p, (int)value);
                    p += Integer.BYTES;
                }
                case INT64 ->
                {
                    buffer.putLong(p, value);
                    p += Long.BYTES;
                }
                case ATTRIBUTES -> p = putAttributes(buffer, p, changes);
                default -> throw new IllegalArgumentException("field kind " + field.kind());
            }
        }
        return p;
    }

    /**
     * Write a {@code string}: a u16 byte count, then the UTF-8 bytes.
     *
     * @param buffer   to write into.
     * @param offset   where the string starts.
     * @param value    the string (not null).
     * @param maxBytes the most UTF-8 bytes allowed.
     * @param truncate when longer: true to cut it at a character boundary, false to refuse it.
     * @param what     its name, for the message of a refusal.
     * @return the offset after the string.
     */
    public static int putString(
        final WireBuffer buffer, final int offset, final String value, final int maxBytes, final boolean truncate,
        final String what)
    {
        if (null == value)
        {
            throw new IllegalArgumentException(what + " is null");
        }
        buffer.putShort(offset, (short)0);
        final int length = value.length();
        int p = offset + Short.BYTES;
        int bytes = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            final int need;
            int codePoint = c;
            if (c < 0x80)
            {
                need = 1;
            }
            else if (c < 0x800)
            {
                need = 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                need = 4;
                codePoint = Character.toCodePoint(c, value.charAt(i + 1));
            }
            else if (Character.isSurrogate(c))
            {
                need = 1;
                codePoint = '?';
            }
            else
            {
                need = 3;
            }
            if (bytes + need > maxBytes)
            {
                if (truncate)
                {
                    break;
                }
                throw new IllegalArgumentException(what + " is longer than " + maxBytes + " UTF-8 bytes");
            }
            switch (need)
            {
                case 1 -> buffer.putByte(p, (byte)codePoint);
                case 2 ->
                {
                    buffer.putByte(p, (byte)(0xC0 | (codePoint >>> 6)));
                    buffer.putByte(p + 1, (byte)(0x80 | (codePoint & 0x3F)));
                }
                case 3 ->
                {
                    buffer.putByte(p, (byte)(0xE0 | (codePoint >>> 12)));
                    buffer.putByte(p + 1, (byte)(0x80 | ((codePoint >>> 6) & 0x3F)));
                    buffer.putByte(p + 2, (byte)(0x80 | (codePoint & 0x3F)));
                }
                default ->
                {
                    buffer.putByte(p, (byte)(0xF0 | (codePoint >>> 18)));
                    buffer.putByte(p + 1, (byte)(0x80 | ((codePoint >>> 12) & 0x3F)));
                    buffer.putByte(p + 2, (byte)(0x80 | ((codePoint >>> 6) & 0x3F)));
                    buffer.putByte(p + 3, (byte)(0x80 | (codePoint & 0x3F)));
                    i++;
                }
            }
            p += need;
            bytes += need;
        }
        buffer.putShort(offset, (short)bytes);
        return p;
    }

    /**
     * Write an {@code nstring}: null as the byte count {@code 0xFFFF}, else as a {@code string} of at most
     * {@link WireDescriptor#MAX_NSTRING_BYTES} bytes.
     *
     * @param buffer to write into.
     * @param offset where the string starts.
     * @param value  the string, or null.
     * @param what   its name, for the message of a refusal.
     * @return the offset after the string.
     */
    public static int putNullableString(final WireBuffer buffer, final int offset, final String value, final String what)
    {
        if (null == value)
        {
            buffer.putShort(offset, (short)WireDescriptor.NULL_STRING_LENGTH);
            return offset + Short.BYTES;
        }
        return putString(buffer, offset, value, WireDescriptor.MAX_NSTRING_BYTES, false, what);
    }

    private static int putAttributes(final WireBuffer buffer, final int offset, final Changes changes)
    {
        final int count = changes.attributeCount();
        if (count > WireDescriptor.MAX_ATTRIBUTES)
        {
            throw new IllegalArgumentException(
                "attribute count " + count + " not in 1.." + WireDescriptor.MAX_ATTRIBUTES);
        }
        buffer.putByte(offset, (byte)count);
        int p = offset + Byte.BYTES;
        for (int i = 0; i < count; i++)
        {
            p = putString(buffer, p, changes.attributeKey(i), WireDescriptor.MAX_STRING_BYTES, false, "attribute key");
            final byte kind = changes.attributeKind(i);
            buffer.putByte(p++, kind);
            switch (kind)
            {
                case Changes.ATTRIBUTE_STRING -> p = putString(
                    buffer, p, changes.attributeString(i), WireDescriptor.MAX_STRING_BYTES, false, "attribute value");
                case Changes.ATTRIBUTE_LONG ->
                {
                    buffer.putLong(p, changes.attributeLong(i));
                    p += Long.BYTES;
                }
                case Changes.ATTRIBUTE_REMOVE ->
                {
                }
                default -> throw new IllegalArgumentException("attribute kind " + kind);
            }
        }
        return p;
    }
}
