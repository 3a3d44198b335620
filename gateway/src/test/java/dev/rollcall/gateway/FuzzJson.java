package dev.rollcall.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Client messages of the JSON encoding ({@code rollcall.json.v1}) for fuzzing the gateway,
 * from one {@link SplittableRandom}: valid messages of every client op (tokens of a pool of
 * users, known session ids, random presences, edge values), pure ASCII (non-ASCII text is
 * escaped), and the same mutated by printable-ASCII byte edits (replaced, inserted, deleted,
 * duplicated bytes, a cut tail), so a mutated message is still UTF-8. Not thread-safe; one
 * per connection.
 */
final class FuzzJson
{
    /** The request id of the probe sent after the fuzz; generated messages never use it. */
    static final long PROBE_REQUEST_ID = FuzzFrames.PROBE_REQUEST_ID;
    private static final int MAX_REQUEST_ID = 1 << 24;
    private static final String[] STATUSES = {"ONLINE", "IDLE", "DND", "INVISIBLE", "online", "Idle"};
    private static final String[] GROUPS = {"standard", "lobby", "full"};

    private final SplittableRandom random;
    private final FuzzFrames.Pool pool;

    FuzzJson(final SplittableRandom random, final FuzzFrames.Pool pool)
    {
        this.random = random;
        this.pool = pool;
    }

    /** @return a valid identify of the user, sometimes with a presence. */
    String identify(final long userId)
    {
        final StringBuilder b = new StringBuilder(256);
        b.append("{\"op\":\"identify\",\"version\":1,\"token\":\"").append(pool.token(userId)).append('"');
        if (random.nextBoolean())
        {
            b.append(",\"presence\":");
            changes(b, "standard");
        }
        return b.append('}').toString();
    }

    /** @return a valid get_clients with {@link #PROBE_REQUEST_ID}. */
    String probe()
    {
        return "{\"op\":\"get_clients\",\"requestId\":" + PROBE_REQUEST_ID + ",\"userIds\":[" + pool.firstUser + "]}";
    }

    /**
     * @param mutationRate  probability that the message is mutated.
     * @param handshakeRate probability of an identify or resume rather than a command.
     * @return the next message, as UTF-8 bytes.
     */
    byte[] next(final double mutationRate, final double handshakeRate)
    {
        final String valid = random.nextDouble() < handshakeRate ? handshake() : command();
        final byte[] bytes = valid.getBytes(StandardCharsets.US_ASCII);
        return random.nextDouble() < mutationRate ? mutate(bytes) : bytes;
    }

    private String handshake()
    {
        final long userId = pool.user(random);
        if (random.nextInt(3) > 0)
        {
            final String token = switch (random.nextInt(10))
            {
                case 0 -> pool.expiredToken;
                case 1 -> pool.forgedToken;
                case 2 -> pool.serviceTokens[(int)(userId - pool.firstUser)];
                default -> pool.token(userId);
            };
            final StringBuilder b = new StringBuilder(256);
            b.append("{\"op\":\"identify\",\"version\":").append(random.nextInt(8) == 0 ? random.nextInt(3) : 1)
                .append(",\"token\":\"").append(token).append('"');
            if (random.nextBoolean())
            {
                b.append(",\"presence\":");
                changes(b, "full");
            }
            if (random.nextInt(8) == 0)
            {
                final int count = random.nextInt(6);
                b.append(",\"shardId\":").append(random.nextInt(count + 2)).append(",\"shardCount\":").append(count);
            }
            return b.append('}').toString();
        }
        final Long known = pool.sessions.get(userId);
        final String sessionId = null != known && random.nextBoolean() ? Long.toString(known) :
            Long.toString(random.nextLong() & Long.MAX_VALUE);
        return "{\"op\":\"resume\",\"token\":\"" + pool.token(userId) + "\",\"sessionId\":" +
            (random.nextBoolean() ? "\"" + sessionId + "\"" : sessionId) + ",\"lastSeq\":" + random.nextInt(4) + "}";
    }

    private String command()
    {
        final StringBuilder b = new StringBuilder(256);
        switch (random.nextInt(8))
        {
            case 0 -> b.append("{\"op\":\"heartbeat\",\"lastSeq\":").append(random.nextInt(20) == 0 ? random.nextInt(9) - 1 : 0)
                .append('}');
            case 1, 2 ->
            {
                final String group = GROUPS[random.nextInt(GROUPS.length)];
                b.append("{\"op\":\"update\",\"requestId\":").append(requestId());
                if (random.nextBoolean())
                {
                    b.append(",\"group\":\"").append(group).append('"');
                }
                b.append(",\"reason\":\"").append(reason()).append("\",\"changes\":");
                changes(b, group);
                b.append('}');
            }
            case 3, 4 ->
            {
                b.append("{\"op\":\"").append(random.nextInt(3) == 0 ? "unsubscribe" : "subscribe")
                    .append("\",\"requestId\":").append(requestId());
                if (random.nextInt(4) > 0)
                {
                    b.append(",\"clients\":");
                    ids(b, random.nextInt(5));
                }
                if (random.nextInt(3) == 0)
                {
                    b.append(",\"lobbies\":");
                    ids(b, random.nextInt(3));
                }
                b.append('}');
            }
            case 5, 6 ->
            {
                b.append("{\"op\":\"get_clients\",\"requestId\":").append(requestId()).append(",\"userIds\":");
                ids(b, 1 + random.nextInt(4));
                b.append('}');
            }
            default -> b.append("{\"op\":\"list_client_ids\",\"requestId\":").append(requestId()).append(",\"after\":")
                .append(random.nextInt(4) == 0 ? 0 : pool.user(random)).append(",\"limit\":").append(1 + random.nextInt(100))
                .append('}');
        }
        return b.toString();
    }

    private void changes(final StringBuilder b, final String group)
    {
        b.append('{');
        boolean first = true;
        final boolean lobby = "lobby".equals(group) || "full".equals(group) && random.nextBoolean();
        final boolean standard = !"lobby".equals(group);
        if (standard && random.nextBoolean())
        {
            b.append("\"status\":\"").append(STATUSES[random.nextInt(STATUSES.length)]).append('"');
            first = false;
        }
        if (standard && random.nextBoolean())
        {
            first = comma(b, first);
            b.append("\"afk\":").append(random.nextBoolean());
        }
        if (standard && random.nextInt(3) == 0)
        {
            first = comma(b, first);
            b.append("\"partyId\":").append(random.nextBoolean() ? Long.toString(random.nextInt(50)) :
                "\"" + (random.nextLong() & Long.MAX_VALUE) + "\"");
        }
        if (standard && random.nextBoolean())
        {
            first = comma(b, first);
            b.append("\"attributes\":{\"map\":").append(random.nextBoolean() ? "\"dune\"" : "null")
                .append(",\"rank\":").append(random.nextInt(100)).append('}');
        }
        if (lobby)
        {
            first = comma(b, first);
            b.append("\"lobbyId\":").append(1 + random.nextInt(4));
            if (random.nextBoolean())
            {
                b.append(",\"ready\":").append(random.nextBoolean()).append(",\"playerNumber\":").append(random.nextInt(8));
            }
        }
        b.append('}');
    }

    private static boolean comma(final StringBuilder b, final boolean first)
    {
        if (!first)
        {
            b.append(',');
        }
        return false;
    }

    private void ids(final StringBuilder b, final int count)
    {
        b.append('[');
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                b.append(',');
            }
            final long id = random.nextInt(4) == 0 ? random.nextInt(5) : pool.user(random);
            b.append(random.nextInt(5) == 0 ? "\"" + id + "\"" : Long.toString(id));
        }
        b.append(']');
    }

    private String reason()
    {
        return switch (random.nextInt(4))
        {
            case 0 -> "";
            case 1 -> "afk \\\"now\\\" \\u00e9";
            case 2 -> "r".repeat(random.nextInt(200));
            default -> "fuzz";
        };
    }

    private long requestId()
    {
        return random.nextInt(MAX_REQUEST_ID);
    }

    /** One to three printable-ASCII edits. */
    private byte[] mutate(final byte[] message)
    {
        byte[] bytes = message;
        final int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && bytes.length > 0; e++)
        {
            final int at = random.nextInt(bytes.length);
            switch (random.nextInt(6))
            {
                case 0, 1 -> bytes[at] = printable();
                case 2 ->
                {
                    final byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = pickOf('"', '{', '}', '[', ']', ',', ':', '\\', '-', '0', (char)printable());
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                case 3 ->
                {
                    final byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                }
                case 4 ->
                {
                    final int length = Math.min(bytes.length - at, 1 + random.nextInt(16));
                    final byte[] longer = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, longer, 0, at + length);
                    System.arraycopy(bytes, at, longer, at + length, bytes.length - at);
                    bytes = longer;
                }
                default -> bytes = Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    private byte printable()
    {
        return (byte)(' ' + random.nextInt(95));
    }

    private byte pickOf(final char... values)
    {
        return (byte)values[random.nextInt(values.length)];
    }
}
