package dev.rollcall.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The reference the decoder is checked against: the binary frame a JSON client message stands for,
 * worked out from Jackson's tree of the message and written by {@link FrameWriter}. It trusts the
 * message to be one the decoder accepted (it checks no member), so it only tells what the accepted
 * message means.
 */
final class JacksonClientFrames
{
    private static final String[] GROUPS = {"standard", "lobby", "full"};

    private final FieldTable table;
    private final ByteBuffer buffer = ByteBuffer.allocate(4 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final FrameWriter writer;

    JacksonClientFrames(final FieldTable table)
    {
        this.table = table;
        this.writer = new FrameWriter(buffer, table);
    }

    /**
     * @param message Jackson's tree of a message the decoder accepted.
     * @return the frame it stands for.
     */
    byte[] frame(final JsonNode message)
    {
        buffer.clear();
        final int length = switch (message.get("op").textValue())
        {
            case "identify" -> writer.identify((int)number(message.get("version")), message.get("token").textValue(),
                changes(message.get("presence")), message.has("shardId"), (int)number(message.get("shardId")),
                (int)number(message.get("shardCount")));
            case "resume" -> writer.resume(message.get("token").textValue(), number(message.get("sessionId")),
                number(message.get("lastSeq")));
            case "heartbeat" -> writer.heartbeat(number(message.get("lastSeq")));
            case "update" -> writer.update(number(message.get("requestId")), group(message.get("group")),
                message.get("reason").textValue(), changes(message.get("changes")));
            case "subscribe", "unsubscribe" ->
            {
                final long[] clients = ids(message.get("clients"));
                final long[] lobbies = ids(message.get("lobbies"));
                yield message.get("op").textValue().equals("subscribe") ?
                    writer.subscribe(number(message.get("requestId")), clients, clients.length, lobbies, lobbies.length) :
                    writer.unsubscribe(number(message.get("requestId")), clients, clients.length, lobbies, lobbies.length);
            }
            case "get_clients" ->
            {
                // FrameWriter writes 1..256 ids only; the decoder leaves the count to the binary rules
                final long[] ids = ids(message.get("userIds"));
                final ByteBuffer body = body(4 + 2 + 8 * ids.length);
                body.putInt((int)number(message.get("requestId"))).putShort((short)ids.length);
                for (final long id : ids)
                {
                    body.putLong(id);
                }
                yield FrameWriter.raw(buffer, Protocol.GET_CLIENTS, body.array());
            }
            case "list_client_ids" ->
            {
                // FrameWriter writes a limit of 1..1024 only; the decoder leaves it to the binary rules
                final ByteBuffer body = body(4 + 8 + 2);
                body.putInt((int)number(message.get("requestId"))).putLong(number(message.get("after")))
                    .putShort((short)number(message.get("limit")));
                yield FrameWriter.raw(buffer, Protocol.LIST_CLIENT_IDS, body.array());
            }
            case "get_stats" -> writer.getStats(number(message.get("requestId")));
            default -> throw new IllegalArgumentException("not a client op: " + message.get("op"));
        };
        return Arrays.copyOf(buffer.array(), length);
    }

    private static ByteBuffer body(final int length)
    {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return an integer given as a number or a decimal string; 0 when absent. */
    static long number(final JsonNode node)
    {
        if (null == node)
        {
            return 0;
        }
        if (node.isTextual())
        {
            return Long.parseLong(node.textValue());
        }
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong())
        {
            throw new IllegalArgumentException("not a 64-bit integer: " + node);
        }
        return node.longValue();
    }

    private static int group(final JsonNode node)
    {
        if (null == node)
        {
            return Protocol.GROUP_STANDARD;
        }
        return Protocol.GROUP_STANDARD + Arrays.asList(GROUPS).indexOf(node.textValue().toLowerCase(Locale.ROOT));
    }

    private static long[] ids(final JsonNode node)
    {
        if (null == node)
        {
            return new long[0];
        }
        final long[] ids = new long[node.size()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = number(node.get(i));
        }
        return ids;
    }

    private Changes changes(final JsonNode node)
    {
        if (null == node)
        {
            return null;
        }
        final Changes changes = new Changes();
        for (final Map.Entry<String, JsonNode> member : node.properties())
        {
            final Field field = table.byName(member.getKey());
            final JsonNode value = member.getValue();
            switch (field.kind())
            {
                case BOOLEAN -> changes.set(field, value.booleanValue() ? 1 : 0);
                case STATUS -> changes.set(field, Status.valueOf(value.textValue().toUpperCase(Locale.ROOT)).code());
                case INT32, INT64 -> changes.set(field, number(value));
                default ->
                {
                    changes.touchAttributes();
                    for (final Map.Entry<String, JsonNode> entry : value.properties())
                    {
                        if (entry.getValue().isNull())
                        {
                            changes.removeAttribute(entry.getKey());
                        }
                        else if (entry.getValue().isTextual())
                        {
                            changes.attribute(entry.getKey(), entry.getValue().textValue());
                        }
                        else
                        {
                            changes.attribute(entry.getKey(), number(entry.getValue()));
                        }
                    }
                }
            }
        }
        return changes;
    }
}
