package dev.rollcall.core;

import dev.rollcall.model.FieldTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * The journal layout of one state {@link Input}, version {@value #VERSION}. The journal SPI
 * receives inputs in this form, and replay decodes them back, so the layout is part of the
 * on-disk format: fields are only ever added behind a new version. Each input carries its
 * version; this code writes {@value #VERSION} and reads every version since 1, so a journal
 * written before an upgrade replays after it:
 * <ul>
 * <li>1: every input type up to {@link InputType#CONNECT_USER_WITH_PRESENCE}.</li>
 * <li>2: adds {@link InputType#SET_LIMITS} and its body (below); the other types are laid out as in 1.</li>
 * </ul>
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |        Version (int16)        |      Input type (int16)       |
 *  +-------------------------------+-------------------------------+
 *  |                       Reserved (int32)                        |
 *  +---------------------------------------------------------------+
 *  |                   Time, epoch millis (int64)                  |
 *  +---------------------------------------------------------------+
 *  |                        User id (int64)                        |
 *  +---------------------------------------------------------------+
 *  |                     Connection id (int64)                     |
 *  +---------------------------------------------------------------+
 *  |                     Subscriber id (int64)                     |
 *  +---------------------------------------------------------------+
 *  |                        Lobby id (int64)                       |
 *  +---------------------------------------------------------------+
 *  |                      Value (int64)                            |
 *  +---------------------------------------------------------------+
 *  |  Update types and CONNECT_USER_WITH_PRESENCE only: reason (string), changes ({@link ChangesCodec})
 *  +---------------------------------------------------------------+
 *  |  SET_LIMITS only (version 2 on):                              |
 *  +---------------------------------------------------------------+
 *  |                    Max attributes (int32)                     |
 *  +---------------------------------------------------------------+
 *  |                Max attribute key bytes (int32)                |
 *  +---------------------------------------------------------------+
 *  |               Max attribute value bytes (int32)               |
 *  +---------------------------------------------------------------+
 *  |                    Max reason bytes (int32)                   |
 *  +---------------------------------------------------------------+
 * </pre>
 * All little endian; 64-bit values are 8-byte aligned relative to the start.
 */
public final class InputCodec
{
    /** Layout version written by this code. */
    public static final short VERSION = 2;
    /** The oldest layout version this code reads. */
    public static final short OLDEST_VERSION = 1;

    static final int VERSION_OFFSET = 0;
    static final int TYPE_OFFSET = 2;
    static final int TIME_OFFSET = 8;
    static final int USER_ID_OFFSET = 16;
    static final int CONNECTION_ID_OFFSET = 24;
    static final int SUBSCRIBER_ID_OFFSET = 32;
    static final int LOBBY_ID_OFFSET = 40;
    static final int VALUE_OFFSET = 48;
    /** Length of the fixed part; update inputs carry more behind it. */
    public static final int HEADER_LENGTH = 56;
    /** Length of a {@link InputType#SET_LIMITS} input: the header and four int32 limits. */
    public static final int SET_LIMITS_LENGTH = HEADER_LENGTH + 4 * Integer.BYTES;

    private InputCodec()
    {
    }

    /**
     * Encode a state input.
     *
     * @param buffer to write into; must have room (use an expandable buffer).
     * @param offset at which to write.
     * @param input  to encode.
     * @return the encoded length.
     */
    public static int encode(final MutableDirectBuffer buffer, final int offset, final Input input)
    {
        return encode(buffer, offset, input, FieldTable.PRESENCE);
    }

    /**
     * Encode with another field table (a test's table with more fields).
     *
     * @return the encoded length.
     */
    static int encode(final MutableDirectBuffer buffer, final int offset, final Input input, final FieldTable table)
    {
        buffer.putShort(offset + VERSION_OFFSET, VERSION, ORDER);
        buffer.putShort(offset + TYPE_OFFSET, (short)input.type, ORDER);
        buffer.putInt(offset + 4, 0, ORDER);
        buffer.putLong(offset + TIME_OFFSET, input.time, ORDER);
        buffer.putLong(offset + USER_ID_OFFSET, input.userId, ORDER);
        buffer.putLong(offset + CONNECTION_ID_OFFSET, input.connectionId, ORDER);
        buffer.putLong(offset + SUBSCRIBER_ID_OFFSET, input.subscriberId, ORDER);
        buffer.putLong(offset + LOBBY_ID_OFFSET, input.lobbyId, ORDER);
        buffer.putLong(offset + VALUE_OFFSET, input.value, ORDER);
        int end = offset + HEADER_LENGTH;
        if (isUpdate(input.type))
        {
            end = CodecUtil.putString(buffer, end, input.reason);
            end = ChangesCodec.encode(buffer, end, input.changes, table);
        }
        else if (input.type == InputType.SET_LIMITS)
        {
            buffer.putInt(end, input.maxAttributes, ORDER);
            buffer.putInt(end + 4, input.maxAttributeKeyBytes, ORDER);
            buffer.putInt(end + 8, input.maxAttributeValueBytes, ORDER);
            buffer.putInt(end + 12, input.maxReasonBytes, ORDER);
            end += 16;
        }
        return end - offset;
    }

    /**
     * Decode a state input.
     *
     * @param buffer holding the encoded input.
     * @param offset of the input.
     * @param length of the encoded input.
     * @param input  to fill.
     * @throws IllegalStateException when the bytes are not a valid input of a known version;
     *                               the message names the offset and what is wrong.
     */
    public static void decode(final DirectBuffer buffer, final int offset, final int length, final Input input)
    {
        decode(buffer, offset, length, input, FieldTable.PRESENCE);
    }

    /**
     * Decode with another field table (a test's table with more fields).
     */
    static void decode(
        final DirectBuffer buffer, final int offset, final int length, final Input input, final FieldTable table)
    {
        decode(buffer, offset, length, input, table, null);
    }

    /**
     * Decode, taking the reason and attribute strings from a cache (recovery: repeated values come
     * back as the same {@code String}, so replay allocates only for values it has not seen lately).
     * With a cache, an update's reason is left encoded in the buffer ({@link Input#reasonString()}
     * decodes it if asked): replay checks only its length.
     *
     * @param strings the cache, or null to allocate every string.
     */
    static void decode(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Input input,
        final FieldTable table,
        final StringCache strings)
    {
        if (length < HEADER_LENGTH)
        {
            throw new IllegalStateException("input too short: " + length + " bytes at offset " + offset);
        }
        final short version = buffer.getShort(offset + VERSION_OFFSET, ORDER);
        if (version < OLDEST_VERSION || version > VERSION)
        {
            throw new IllegalStateException("unknown input layout version " + version + " at offset " + offset +
                " (this code reads versions " + OLDEST_VERSION + " to " + VERSION + ")");
        }
        final int type = buffer.getShort(offset + TYPE_OFFSET, ORDER);
        if (!InputType.isStateInput(type) || (version == 1 && type == InputType.SET_LIMITS))
        {
            throw new IllegalStateException("unknown input type " + type + " in a version " + version +
                " input at offset " + offset);
        }
        input.set(type, buffer.getLong(offset + TIME_OFFSET, ORDER));
        input.lengthsInChars = version == 1;
        input.userId = buffer.getLong(offset + USER_ID_OFFSET, ORDER);
        input.connectionId = buffer.getLong(offset + CONNECTION_ID_OFFSET, ORDER);
        input.subscriberId = buffer.getLong(offset + SUBSCRIBER_ID_OFFSET, ORDER);
        input.lobbyId = buffer.getLong(offset + LOBBY_ID_OFFSET, ORDER);
        input.value = buffer.getLong(offset + VALUE_OFFSET, ORDER);
        if (isUpdate(type))
        {
            int p = offset + HEADER_LENGTH;
            try
            {
                if (null != strings)
                {
                    input.leaveReasonEncoded(buffer, p, CodecUtil.checkedLength(buffer, p));
                }
                else
                {
                    input.reason = CodecUtil.getString(buffer, p);
                }
                p += CodecUtil.stringLength(buffer, p);
                p = ChangesCodec.decode(buffer, p, input.changes, strings, table);
            }
            catch (final IndexOutOfBoundsException | NegativeArraySizeException | IllegalStateException |
                IllegalArgumentException ex)
            {
                throw new IllegalStateException("corrupt update input at offset " + offset + ": " + ex.getMessage(), ex);
            }
            if (p - offset != length)
            {
                throw new IllegalStateException("update input at offset " + offset + " is " + length +
                    " bytes but its content ends after " + (p - offset));
            }
        }
        else if (type == InputType.SET_LIMITS)
        {
            if (length != SET_LIMITS_LENGTH)
            {
                throw new IllegalStateException("SET_LIMITS input at offset " + offset + " is " + length +
                    " bytes, expected " + SET_LIMITS_LENGTH);
            }
            final int p = offset + HEADER_LENGTH;
            input.maxAttributes = buffer.getInt(p, ORDER);
            input.maxAttributeKeyBytes = buffer.getInt(p + 4, ORDER);
            input.maxAttributeValueBytes = buffer.getInt(p + 8, ORDER);
            input.maxReasonBytes = buffer.getInt(p + 12, ORDER);
        }
        else if (length != HEADER_LENGTH)
        {
            throw new IllegalStateException("input at offset " + offset + " is " + length + " bytes, expected " + HEADER_LENGTH);
        }
    }

    private static boolean isUpdate(final int type)
    {
        return type == InputType.UPDATE_CLIENT || type == InputType.UPDATE_CLIENT_IN_LOBBY ||
            type == InputType.UPDATE_CLIENT_FULL || type == InputType.CONNECT_USER_WITH_PRESENCE;
    }
}
