package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.zip.CRC32;

import static dev.rollcall.core.CodecUtil.ORDER;

/**
 * The snapshot layout of the presence state, format version {@value #VERSION}: everything
 * {@link PresenceLogic} needs to continue exactly where it stopped. Clients and subscriptions
 * are written in ascending id order, so the same state always gives the same bytes (replaying
 * a journal twice gives byte-identical snapshots). Framed by BEGIN and END marks and closed by
 * a CRC-32 of everything before it; the loader is strict and fails naming the offset.
 * <pre>
 *  BEGIN   int32 magic 'RCSB', int16 format version, int16 type id (1 = presence state)
 *  HEADER  int64 position (inputs covered), int64 now, int64 grace period ms,
 *          version 2 on: int32 maxAttributes, int32 maxAttributeKeyBytes, int32 maxAttributeValueBytes,
 *          int32 maxReasonBytes (the {@link Limits} in force)
 *  CLIENTS int32 count, then per client, ascending user id:
 *            int64 userId, int8 connected, int64 lastDisconnected, int64 updateId,
 *            int8 countdown running, int64 deadline,
 *            int32 connection count, int64 connection ids...,
 *            every scalar field of {@link FieldTable#PRESENCE} by number, as in {@link ChangesCodec}
 *            (for the built-in table: int8 status, int8 afk, int8 inGame, int64 partyId,
 *            int64 lobbyId, int8 ready, int8 player, int32 playerNumber, int32 teamNumber,
 *            int32 teamColour, int32 sync, int8 lobbyHost),
 *            int32 attribute count, then per attribute: string key, int8 kind, string | int64 value
 *  SUBS    int32 count, (int64 subscriberId, int64 userId) pairs, ascending
 *  LOBBIES int32 count, (int64 subscriberId, int64 lobbyId) pairs, ascending
 *  END     int32 magic 'RCSE', int32 CRC-32 of every byte before the END mark's CRC
 * </pre>
 * Versions: 1 had no limits; 2 adds them. This code writes 2 and loads both: a version-1 snapshot
 * leaves the limits the state was created with (the configured ones at recovery), the best
 * available, as the limits in force when it was taken were never recorded.
 */
public final class SnapshotCodec
{
    /** Format version written by this code. */
    public static final short VERSION = 2;
    /** The oldest format version this code loads. */
    public static final short OLDEST_VERSION = 1;
    /** Type id of a presence-state snapshot. */
    public static final short TYPE_PRESENCE_STATE = 1;
    /** 'RCSB'. */
    public static final int BEGIN_MAGIC = 0x42534352;
    /** 'RCSE'. */
    public static final int END_MAGIC = 0x45534352;
    /** Offset of the position field, for tools that read only the header. */
    public static final int POSITION_OFFSET = 8;

    private SnapshotCodec()
    {
    }

    /**
     * Write the state of a logic.
     *
     * @return the encoded length.
     */
    static int encode(final MutableDirectBuffer buffer, final PresenceLogic logic)
    {
        int p = 0;
        buffer.putInt(p, BEGIN_MAGIC, ORDER);
        buffer.putShort(p + 4, VERSION, ORDER);
        buffer.putShort(p + 6, TYPE_PRESENCE_STATE, ORDER);
        buffer.putLong(p + 8, logic.appliedInputs(), ORDER);
        buffer.putLong(p + 16, logic.now(), ORDER);
        buffer.putLong(p + 24, logic.gracePeriodMs(), ORDER);
        final Limits limits = logic.limits();
        buffer.putInt(p + 32, limits.maxAttributes(), ORDER);
        buffer.putInt(p + 36, limits.maxAttributeKeyBytes(), ORDER);
        buffer.putInt(p + 40, limits.maxAttributeValueBytes(), ORDER);
        buffer.putInt(p + 44, limits.maxReasonBytes(), ORDER);
        p += 48;

        final ClientTable clients = logic.clients();
        final long[] userIds = clients.sortedUserIds();
        buffer.putInt(p, userIds.length, ORDER);
        p += 4;
        for (final long userId : userIds)
        {
            p = encodeClient(buffer, p, clients.get(userId), clients.layout(), logic.timers());
        }

        p = encodePairs(buffer, p, logic.subscriptions().clientSubscriptionPairs());
        p = encodePairs(buffer, p, logic.subscriptions().lobbySubscriptionPairs());

        buffer.putInt(p, END_MAGIC, ORDER);
        p += 4;
        buffer.putInt(p, crc(buffer, p), ORDER);
        return p + 4;
    }

    /**
     * Read the position (inputs covered) of an encoded snapshot without loading it.
     *
     * @param buffer holding a snapshot.
     * @param offset of the snapshot.
     * @return the position.
     */
    public static long position(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + POSITION_OFFSET, ORDER);
    }

    /**
     * Check framing and checksum without loading.
     *
     * @param buffer holding a snapshot.
     * @param offset of the snapshot.
     * @param length of the snapshot.
     * @throws IllegalStateException naming what is wrong and where.
     */
    public static void verify(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 44)
        {
            throw new IllegalStateException("snapshot too short: " + length + " bytes");
        }
        final int magic = buffer.getInt(offset, ORDER);
        if (magic != BEGIN_MAGIC)
        {
            throw new IllegalStateException("no BEGIN mark at offset 0 (found 0x" + Integer.toHexString(magic) + ")");
        }
        final short version = buffer.getShort(offset + 4, ORDER);
        if (version < OLDEST_VERSION || version > VERSION)
        {
            throw new IllegalStateException("unknown snapshot format version " + version + " at offset 4 (this code loads " +
                "versions " + OLDEST_VERSION + " to " + VERSION + ")");
        }
        final short type = buffer.getShort(offset + 6, ORDER);
        if (type != TYPE_PRESENCE_STATE)
        {
            throw new IllegalStateException("unknown snapshot type " + type + " at offset 6");
        }
        final int endOffset = length - 8;
        if (buffer.getInt(offset + endOffset, ORDER) != END_MAGIC)
        {
            throw new IllegalStateException("no END mark at offset " + endOffset + " (truncated snapshot?)");
        }
        final int expected = buffer.getInt(offset + length - 4, ORDER);
        final int actual = crc(buffer, offset, length - 4);
        if (expected != actual)
        {
            throw new IllegalStateException("checksum mismatch: stored 0x" + Integer.toHexString(expected) +
                ", computed 0x" + Integer.toHexString(actual) + " over " + (length - 4) + " bytes");
        }
    }

    /**
     * Load a verified snapshot into an empty logic.
     *
     * @throws IllegalStateException naming the offset when the content is inconsistent.
     */
    static void decode(final DirectBuffer buffer, final int offset, final int length, final PresenceLogic logic)
    {
        verify(buffer, offset, length);
        if (logic.clients().size() != 0 || logic.appliedInputs() != 0)
        {
            throw new IllegalStateException("a snapshot can only be loaded into an empty state");
        }
        int p = offset + 8;
        try
        {
            final long position = buffer.getLong(p, ORDER);
            final long now = buffer.getLong(p + 8, ORDER);
            final long grace = buffer.getLong(p + 16, ORDER);
            p += 24;
            logic.restore(position, now, grace);
            if (buffer.getShort(offset + 4, ORDER) >= 2)
            {
                final int maxAttributes = buffer.getInt(p, ORDER);
                final int maxKeyBytes = buffer.getInt(p + 4, ORDER);
                final int maxValueBytes = buffer.getInt(p + 8, ORDER);
                final int maxReasonBytes = buffer.getInt(p + 12, ORDER);
                if (!Limits.areValid(maxAttributes, maxKeyBytes, maxValueBytes, maxReasonBytes))
                {
                    throw new IllegalStateException("negative limits at offset " + (p - offset));
                }
                logic.restoreLimits(new Limits(maxAttributes, maxKeyBytes, maxValueBytes, maxReasonBytes));
                p += 16;
            }

            final int clientCount = count(buffer, p);
            p += 4;
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < clientCount; i++)
            {
                final long userId = buffer.getLong(p, ORDER);
                if (userId <= previous || userId <= 0)
                {
                    throw new IllegalStateException("client ids not ascending and positive at offset " + (p - offset));
                }
                previous = userId;
                p = decodeClient(buffer, p, logic);
                logic.clients().publish(0);
            }
            final int subscriptions = count(buffer, p);
            p += 4;
            for (int i = 0; i < subscriptions; i++, p += 16)
            {
                logic.subscriptions().subscribeClient(buffer.getLong(p, ORDER), buffer.getLong(p + 8, ORDER));
            }
            final int lobbySubscriptions = count(buffer, p);
            p += 4;
            for (int i = 0; i < lobbySubscriptions; i++, p += 16)
            {
                logic.subscriptions().subscribeLobby(buffer.getLong(p, ORDER), buffer.getLong(p + 8, ORDER));
            }
            logic.refreshWatchers();
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new IllegalStateException("snapshot content runs past its end near offset " + (p - offset), ex);
        }
        if (p != offset + length - 8)
        {
            throw new IllegalStateException("snapshot content ends at offset " + (p - offset) +
                " but the END mark is at " + (length - 8));
        }
    }

    private static int count(final DirectBuffer buffer, final int p)
    {
        final int count = buffer.getInt(p, ORDER);
        if (count < 0)
        {
            throw new IllegalStateException("negative count " + count + " at offset " + p);
        }
        return count;
    }

    private static int encodeClient(
        final MutableDirectBuffer buffer, final int offset, final ClientState c, final FieldLayout layout, final GraceTimers timers)
    {
        int p = offset;
        buffer.putLong(p, c.userId, ORDER);
        buffer.putByte(p + 8, (byte)(c.connected ? 1 : 0));
        buffer.putLong(p + 9, c.lastDisconnected, ORDER);
        buffer.putLong(p + 17, c.updateId, ORDER);
        buffer.putByte(p + 25, (byte)(c.timerIndex >= 0 ? 1 : 0));
        buffer.putLong(p + 26, c.timerIndex >= 0 ? timers.deadline(c) : 0, ORDER);
        buffer.putInt(p + 34, c.connectionCount, ORDER);
        p += 38;
        for (int i = 0; i < c.connectionCount; i++, p += 8)
        {
            buffer.putLong(p, c.connection(i), ORDER);
        }
        final FieldTable table = layout.table();
        for (int number = 0, count = table.count(); number < count; number++)
        {
            final FieldKind kind = table.field(number).kind();
            if (kind.isScalar())
            {
                p = ChangesCodec.putScalar(buffer, p, kind, layout.get(c, number));
            }
        }
        final AttributeMap a = c.attributes();
        buffer.putInt(p, a.count, ORDER);
        p += 4;
        for (int i = 0; i < a.count; i++)
        {
            p = CodecUtil.putString(buffer, p, a.key(i));
            final byte kind = a.kind(i);
            buffer.putByte(p++, kind);
            if (kind == Changes.ATTRIBUTE_STRING)
            {
                p = CodecUtil.putString(buffer, p, a.string(i));
            }
            else
            {
                buffer.putLong(p, a.longValue(i), ORDER);
                p += 8;
            }
        }
        return p;
    }

    private static int decodeClient(final DirectBuffer buffer, final int offset, final PresenceLogic logic)
    {
        int p = offset;
        final ClientState c = logic.clients().create(buffer.getLong(p, ORDER), 0);
        c.connected = buffer.getByte(p + 8) != 0;
        c.lastDisconnected = buffer.getLong(p + 9, ORDER);
        c.updateId = buffer.getLong(p + 17, ORDER);
        final boolean countdown = buffer.getByte(p + 25) != 0;
        final long deadline = buffer.getLong(p + 26, ORDER);
        final int connections = count(buffer, p + 34);
        p += 38;
        for (int i = 0; i < connections; i++, p += 8)
        {
            if (!c.addConnection(buffer.getLong(p, ORDER)))
            {
                throw new IllegalStateException("duplicate connection id at offset " + p);
            }
        }
        final FieldLayout layout = logic.clients().layout();
        final FieldTable table = layout.table();
        for (int number = 0, count = table.count(); number < count; number++)
        {
            final Field field = table.field(number);
            if (field.kind().isScalar())
            {
                final long value = ChangesCodec.getScalar(buffer, p, field.kind());
                if (!field.accepts(value))
                {
                    throw new IllegalStateException("field " + field.name() + " holds " + value + ", outside " +
                        field.min() + ".." + field.max() + ", at offset " + p);
                }
                layout.set(c, number, value);
                p += field.kind().fixedBytes();
            }
        }
        final int attributes = count(buffer, p);
        p += 4;
        for (int i = 0; i < attributes; i++)
        {
            final String key = CodecUtil.getString(buffer, p);
            p += CodecUtil.stringLength(buffer, p);
            final byte kind = buffer.getByte(p++);
            if (kind == Changes.ATTRIBUTE_STRING)
            {
                c.attributesForWrite().put(key, kind, CodecUtil.getString(buffer, p), 0);
                p += CodecUtil.stringLength(buffer, p);
            }
            else if (kind == Changes.ATTRIBUTE_LONG)
            {
                c.attributesForWrite().put(key, kind, null, buffer.getLong(p, ORDER));
                p += 8;
            }
            else
            {
                throw new IllegalStateException("unknown attribute kind " + kind + " at offset " + (p - 1));
            }
        }
        if (countdown)
        {
            if (c.connected)
            {
                throw new IllegalStateException("connected client " + c.userId + " with a grace countdown at offset " + offset);
            }
            logic.timers().schedule(c, deadline);
        }
        return p;
    }

    private static int encodePairs(final MutableDirectBuffer buffer, final int offset, final long[] pairs)
    {
        buffer.putInt(offset, pairs.length / 2, ORDER);
        int p = offset + 4;
        for (final long value : pairs)
        {
            buffer.putLong(p, value, ORDER);
            p += 8;
        }
        return p;
    }

    private static int crc(final DirectBuffer buffer, final int length)
    {
        return crc(buffer, 0, length);
    }

    private static int crc(final DirectBuffer buffer, final int offset, final int length)
    {
        final CRC32 crc = new CRC32();
        if (null != buffer.byteArray())
        {
            crc.update(buffer.byteArray(), buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            final byte[] chunk = new byte[Math.min(length, 64 * 1024)];
            int p = 0;
            while (p < length)
            {
                final int n = Math.min(chunk.length, length - p);
                buffer.getBytes(offset + p, chunk, 0, n);
                crc.update(chunk, 0, n);
                p += n;
            }
        }
        return (int)crc.getValue();
    }
}
