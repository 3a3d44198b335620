package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Writes random valid frames (and random changes and strings) with {@link FrameWriter}. */
final class RandomFrames
{
    private static final String[] SAMPLES = {"", "a", "reason", "é", "日本", "\uD83D\uDE00", "x\u0000y", "\u07FF\u0800"};

    private final SplittableRandom random;

    RandomFrames(final SplittableRandom random)
    {
        this.random = random;
    }

    String string(final int maxChars)
    {
        if (random.nextInt(3) == 0)
        {
            return SAMPLES[random.nextInt(SAMPLES.length)];
        }
        final int length = random.nextInt(maxChars + 1);
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            switch (random.nextInt(6))
            {
                case 0:
                    sb.append((char)random.nextInt(0x80, 0x800));
                    break;
                case 1:
                    sb.append((char)random.nextInt(0x800, 0xD800));
                    break;
                case 2:
                    sb.appendCodePoint(random.nextInt(0x10000, 0x110000));
                    break;
                default:
                    sb.append((char)random.nextInt(0x20, 0x7F));
                    break;
            }
        }
        return sb.toString();
    }

    long anyLong()
    {
        switch (random.nextInt(4))
        {
            case 0:
                return random.nextInt(-2, 3);
            case 1:
                return random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default:
                return random.nextLong();
        }
    }

    int anyInt()
    {
        return random.nextBoolean() ? random.nextInt(-2, 100) : random.nextInt();
    }

    /** Random values for the fields of {@code mask}, by kind; {@code target} is cleared first. */
    Changes presence(final Changes target, final int mask)
    {
        target.clear();
        final FieldTable table = FieldTable.PRESENCE;
        for (int number = 0; number < table.count(); number++)
        {
            if ((mask & (1 << number)) != 0)
            {
                setField(target, table.field(number));
            }
        }
        return target;
    }

    Changes presence(final Changes target)
    {
        final int all = FieldTable.PRESENCE.allMask();
        final int mask = random.nextInt(4) == 0 ? all : random.nextInt(all + 1);
        return presence(target, mask);
    }

    private void setField(final Changes target, final Field field)
    {
        switch (field.kind())
        {
            case BOOLEAN -> target.set(field, random.nextInt(2));
            case STATUS -> target.status(Status.values()[random.nextInt(Status.count())]);
            case INT32 -> target.set(field, anyInt());
            case INT64 -> target.set(field, anyLong());
            default ->
            {
                final int count = random.nextInt(8) == 0 ? random.nextInt(1, 256) : random.nextInt(1, 5);
                for (int i = 0; i < count; i++)
                {
                    final int kind = random.nextInt(3);
                    if (kind == 0)
                    {
                        target.attribute(string(6), string(10));
                    }
                    else if (kind == 1)
                    {
                        target.attribute(string(6), anyLong());
                    }
                    else
                    {
                        target.removeAttribute(string(6));
                    }
                }
            }
        }
    }

    private long requestId()
    {
        return random.nextBoolean() ? random.nextLong(0, 0x1_0000_0000L) : random.nextInt(0, 10);
    }

    private long[] ids(final int count)
    {
        final long[] ids = new long[count + random.nextInt(3)];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = anyLong();
        }
        return ids;
    }

    private int smallCount(final int min, final int max)
    {
        return random.nextInt(16) == 0 ? random.nextInt(min, max + 1) : random.nextInt(min, Math.min(max, 8) + 1);
    }

    /** Writes one random valid client → server frame into {@code out}; returns its length. */
    int clientFrame(final FrameWriter writer, final Changes scratch)
    {
        switch (random.nextInt(9))
        {
            case 8:
                return writer.getStats(requestId());
            case 0:
                final boolean sharded = random.nextBoolean();
                return writer.identify(random.nextInt(0, 3), string(20), presence(scratch), sharded, anyInt(), anyInt());
            case 1:
                return writer.resume(string(20), anyLong(), anyLong());
            case 2:
                return writer.heartbeat(anyLong());
            case 3:
                return writer.update(requestId(), random.nextInt(1, 4), string(12), presence(scratch));
            case 4:
            case 5:
                final int clientCount = smallCount(0, 200);
                final int lobbyCount = smallCount(0, 200);
                final long[] clientIds = ids(clientCount);
                final long[] lobbyIds = ids(lobbyCount);
                return random.nextBoolean() ?
                    writer.subscribe(requestId(), clientIds, clientCount, lobbyIds, lobbyCount) :
                    writer.unsubscribe(requestId(), clientIds, clientCount, lobbyIds, lobbyCount);
            case 6:
                final int count = smallCount(1, Protocol.MAX_GET_CLIENTS);
                return writer.getClients(requestId(), ids(count), count);
            default:
                return writer.listClientIds(requestId(), anyLong(), random.nextInt(1, Protocol.MAX_LIST_LIMIT + 1));
        }
    }

    /** Writes one random valid server → client frame; returns its length. */
    int serverFrame(final FrameWriter writer, final Changes scratch)
    {
        switch (random.nextInt(12))
        {
            case 11:
                final int counters = smallCount(0, 300);
                final String[] names = new String[counters];
                final long[] values = new long[counters];
                for (int i = 0; i < counters; i++)
                {
                    names[i] = string(12);
                    values[i] = anyLong();
                }
                return writer.stats(requestId(), anyLong(), anyLong(), names, values, counters);
            case 0:
                return writer.hello(random.nextInt(0, 0x10000), anyInt(), anyInt(), anyInt(), anyInt(), anyInt());
            case 1:
                return writer.ready(anyLong(), anyLong(), anyLong());
            case 2:
                return writer.heartbeatAck(anyLong());
            case 3:
                return writer.resumed(anyLong());
            case 4:
                return writer.invalidSession(random.nextBoolean());
            case 5:
                return writer.result(requestId(), Result.fromCode(random.nextInt(Result.count())));
            case 6:
                return writer.error(requestId(), random.nextInt(0, 0x10000), string(30));
            case 7:
                return writer.dispatch(anyLong(), EventType.fromCode(random.nextInt(EventType.count())), anyLong(), anyLong(), anyLong(),
                    anyLong(), random.nextInt(4) == 0 ? null : string(12), presence(scratch));
            case 8:
                return writer.close(random.nextInt(0, 0x10000), string(30));
            case 9:
                final int count = smallCount(0, 20);
                final ClientView[] clients = new ClientView[count];
                for (int i = 0; i < count; i++)
                {
                    clients[i] = new ClientView();
                    if (random.nextInt(4) == 0)
                    {
                        clients[i].absent(anyLong());
                    }
                    else
                    {
                        clients[i].set(anyLong(), random.nextBoolean(), anyLong(), anyLong());
                        final int all = FieldTable.PRESENCE.allMask();
                        presence(clients[i].state(), random.nextBoolean() ? all : all & ~Field.ATTRIBUTES.bit());
                    }
                }
                return writer.clients(requestId(), clients, count);
            default:
                final int idCount = smallCount(0, Protocol.MAX_LIST_LIMIT);
                return writer.clientIds(requestId(), anyLong(), ids(idCount), idCount);
        }
    }

    /** A byte array holding the frame just written at {@code [start, start + length)} of {@code buffer}. */
    static byte[] bytes(final ByteBuffer buffer, final int start, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.get(start, bytes);
        return bytes;
    }
}
