package dev.rollcall.gateway;

import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Client frames for fuzzing the gateway, from one {@link SplittableRandom}: valid frames of
 * every client op (valid tokens of a pool of users, known session ids, random presences,
 * edge values), and the same mutated: bit flips, truncated or extended bodies, lying lengths
 * and counts, random ops and bodies, invalid UTF-8 and enums, raw random bytes. Not
 * thread-safe; one per connection.
 */
final class FuzzFrames
{
    /** The request id of the probe sent after the fuzz; generated frames never use it. */
    static final long PROBE_REQUEST_ID = 0x7FFF_FFF1L;
    private static final int MAX_REQUEST_ID = 1 << 24;

    enum Kind
    {
        VALID, BIT_FLIP, TRUNCATED, EXTENDED, LYING_LENGTH, RANDOM_OP, RANDOM_CLIENT_BODY, LYING_COUNT, RANDOM_BYTES,
        BAD_UTF8, BAD_ENUM, OVERSIZED
    }

    private static final Kind[] MUTATIONS = Arrays.copyOfRange(Kind.values(), 1, Kind.values().length);

    /**
     * The users fuzz connections identify as, their tokens (minted once), and the last session
     * id seen for each (for valid RESUMEs). Shared by every connection of a run.
     */
    static final class Pool
    {
        final long firstUser;
        final int size;
        final String[] userTokens;
        final String[] serviceTokens;
        final String expiredToken;
        final String forgedToken;
        final ConcurrentHashMap<Long, Long> sessions = new ConcurrentHashMap<>();

        Pool(final HmacTokens tokens, final long firstUser, final int size)
        {
            this.firstUser = firstUser;
            this.size = size;
            final long expiry = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(2);
            userTokens = new String[size];
            serviceTokens = new String[size];
            for (int i = 0; i < size; i++)
            {
                userTokens[i] = tokens.mint(firstUser + i, Role.USER, expiry);
                serviceTokens[i] = tokens.mint(firstUser + i, Role.SERVICE, expiry);
            }
            expiredToken = tokens.mint(firstUser, Role.USER, 1);
            forgedToken = new HmacTokens("a-secret-nobody-configured-000000".getBytes(StandardCharsets.US_ASCII))
                .mint(firstUser, Role.USER, expiry);
        }

        long user(final SplittableRandom random)
        {
            return firstUser + random.nextInt(size);
        }

        String token(final long userId)
        {
            return userTokens[(int)(userId - firstUser)];
        }
    }

    private final SplittableRandom random;
    private final Pool pool;
    private final int maxFrameSize;
    private final ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
    private final FrameWriter writer = new FrameWriter(buffer);
    private final long[] ids = new long[Protocol.MAX_GET_CLIENTS];
    private final long[] lobbies = new long[16];
    private final int[] kindCounts = new int[Kind.values().length];
    private double handshakeRate = 0.1;
    private String answer;
    private final List<String> expectedAnswers = new ArrayList<>();

    FuzzFrames(final SplittableRandom random, final Pool pool, final int maxFrameSize)
    {
        this.random = random;
        this.pool = pool;
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * @return the answers the valid frames made by {@link #next} call for, in order, as
     * {@link StreamCheck#answerKey} writes them (handshakes excluded).
     */
    List<String> expectedAnswers()
    {
        return expectedAnswers;
    }

    /** @return how many frames of each kind were made. */
    int[] kindCounts()
    {
        return kindCounts;
    }

    /**
     * @param mutationRate  probability that the frame is not a valid one.
     * @param handshakeRate probability that a valid frame is an IDENTIFY or a RESUME (most are
     *                      refused once a connection has identified, so keep it low then).
     * @return the bytes of one frame (or of random junk).
     */
    byte[] next(final double mutationRate, final double handshakeRate)
    {
        this.handshakeRate = handshakeRate;
        final Kind kind = random.nextDouble() < mutationRate ? MUTATIONS[random.nextInt(MUTATIONS.length)] : Kind.VALID;
        kindCounts[kind.ordinal()]++;
        return switch (kind)
        {
            case VALID -> validExpectingAnswer();
            case BIT_FLIP -> bitFlip(valid());
            case TRUNCATED -> truncated(valid());
            case EXTENDED -> extended(valid());
            case LYING_LENGTH -> lyingLength(valid());
            case RANDOM_OP -> randomFrame(random.nextInt(256), random.nextInt(48));
            case RANDOM_CLIENT_BODY -> randomFrame(Protocol.IDENTIFY + random.nextInt(8), random.nextInt(80));
            case LYING_COUNT -> lyingCount();
            case RANDOM_BYTES -> randomBytes(1 + random.nextInt(32));
            case BAD_UTF8 -> badUtf8();
            case BAD_ENUM -> badEnum();
            case OVERSIZED -> oversized();
        };
    }

    /** @return a valid IDENTIFY as the user, with a random initial presence. */
    byte[] identify(final long userId)
    {
        buffer.clear();
        writer.identify(Protocol.VERSION, pool.token(userId), random.nextBoolean() ? presence() : null, false, 0, 0);
        return written();
    }

    /** @return a valid GET_CLIENTS with {@link #PROBE_REQUEST_ID}. */
    byte[] probe()
    {
        buffer.clear();
        writer.getClients(PROBE_REQUEST_ID, new long[] {pool.firstUser}, 1);
        return written();
    }

    // ---------------------------------------------------------------- valid frames

    private byte[] validExpectingAnswer()
    {
        final byte[] frame = valid();
        if (null != answer)
        {
            expectedAnswers.add(answer);
        }
        return frame;
    }

    byte[] valid()
    {
        buffer.clear();
        answer = null;
        if (random.nextDouble() < handshakeRate)
        {
            if (random.nextBoolean())
            {
                validIdentify();
            }
            else
            {
                validResume();
            }
            return written();
        }
        final int pick = 12 + random.nextInt(88);
        if (pick < 30)
        {
            writer.heartbeat(seq());
            answer = "HEARTBEAT_ACK";
        }
        else if (pick < 58)
        {
            final long requestId = requestId();
            writer.update(requestId, 1 + random.nextInt(3), string(random.nextInt(10) == 0 ? 140 : 24), presence());
            answer = "RESULT " + requestId;
        }
        else if (pick < 72)
        {
            final int clients = random.nextInt(7);
            final int lobbyCount = random.nextInt(4);
            fillIds(ids, clients);
            fillLobbies(lobbyCount);
            final long requestId = requestId();
            if (random.nextBoolean())
            {
                writer.subscribe(requestId, ids, clients, lobbies, lobbyCount);
            }
            else
            {
                writer.unsubscribe(requestId, ids, clients, lobbies, lobbyCount);
            }
            answer = "RESULT " + requestId;
        }
        else if (pick < 86)
        {
            final int count = random.nextInt(20) == 0 ? Protocol.MAX_GET_CLIENTS : 1 + random.nextInt(8);
            fillIds(ids, count);
            final long requestId = requestId();
            writer.getClients(requestId, ids, count);
            answer = "CLIENTS " + requestId;
        }
        else
        {
            final int limit = random.nextInt(10) == 0 ? Protocol.MAX_LIST_LIMIT : 1 + random.nextInt(64);
            final long requestId = requestId();
            writer.listClientIds(requestId, id(), limit);
            answer = "CLIENT_IDS " + requestId;
        }
        return written();
    }

    private void validIdentify()
    {
        final int version = random.nextInt(30) == 0 ? random.nextInt(0x10000) : Protocol.VERSION;
        final long userId = pool.user(random);
        final String token;
        boolean service = false;
        final int pick = random.nextInt(100);
        if (pick < 70)
        {
            token = pool.token(userId);
        }
        else if (pick < 82)
        {
            token = pool.serviceTokens[(int)(userId - pool.firstUser)];
            service = true;
        }
        else if (pick < 86)
        {
            token = pool.expiredToken;
        }
        else if (pick < 90)
        {
            token = pool.forgedToken;
        }
        else if (pick < 95)
        {
            token = string(80);
        }
        else
        {
            token = "";
        }
        final boolean sharded = random.nextInt(service ? 2 : 20) == 0;
        final int shardCount = pickOf(1, 2, 8, Protocol.MAX_SHARD_COUNT, Protocol.MAX_SHARD_COUNT + 1, 0, -1,
            random.nextInt());
        final int shardId = pickOf(0, shardCount - 1, shardCount, -1, random.nextInt(), 1);
        writer.identify(version, token, random.nextBoolean() ? presence() : null, sharded, shardId, shardCount);
    }

    private void validResume()
    {
        final long userId = pool.user(random);
        final Long known = pool.sessions.get(userId);
        final long sessionId = null != known && random.nextInt(4) != 0 ? known : random.nextLong();
        final String token = random.nextInt(10) == 0 ? pool.token(pool.user(random)) : pool.token(userId);
        writer.resume(token, sessionId, random.nextInt(3) == 0 ? seq() : random.nextInt(4));
    }

    private Changes presence()
    {
        final Changes presence = new Changes();
        final int fields = random.nextInt(4);
        for (int i = 0; i < fields; i++)
        {
            final Field field = FieldTable.PRESENCE.field(random.nextInt(FieldTable.PRESENCE.count()));
            if (field == Field.ATTRIBUTES)
            {
                attributes(presence);
            }
            else if (field == Field.LOBBY_ID)
            {
                presence.lobbyId(random.nextInt(3) == 0 ? edgyLong() : random.nextInt(5));
            }
            else if (field == Field.TEAM_COLOUR || field == Field.SYNC)
            {
                presence.set(field, random.nextInt());
            }
            else
            {
                switch (field.kind())
                {
                    case STATUS -> presence.status(Status.values()[random.nextInt(Status.count())]);
                    case BOOLEAN -> presence.set(field, random.nextInt(2));
                    case INT32 -> presence.set(field, edgyInt());
                    default -> presence.set(field, edgyLong());
                }
            }
        }
        return presence;
    }

    private void attributes(final Changes presence)
    {
        final int count = 1 + random.nextInt(random.nextInt(8) == 0 ? 20 : 4);
        for (int i = 0; i < count; i++)
        {
            final String key = random.nextInt(8) == 0 ? string(40) : "k" + random.nextInt(24);
            switch (random.nextInt(3))
            {
                case 0 -> presence.attribute(key, string(random.nextInt(12) == 0 ? 300 : 24));
                case 1 -> presence.attribute(key, edgyLong());
                default -> presence.removeAttribute(key);
            }
        }
    }

    // ---------------------------------------------------------------- mutations

    private byte[] bitFlip(final byte[] frame)
    {
        final int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++)
        {
            final int position = random.nextInt(3) == 0 ? random.nextInt(Math.min(frame.length, 5)) :
                random.nextInt(frame.length);
            frame[position] ^= (byte)(1 << random.nextInt(8));
        }
        return frame;
    }

    private byte[] truncated(final byte[] frame)
    {
        final int body = frame.length - Protocol.HEADER_LENGTH - 1;
        if (body == 0)
        {
            return extended(frame);
        }
        final int keep = random.nextInt(body);
        final byte[] cut = Arrays.copyOf(frame, Protocol.HEADER_LENGTH + 1 + keep);
        putLength(cut, 1 + keep);
        return cut;
    }

    private byte[] extended(final byte[] frame)
    {
        final int extra = 1 + random.nextInt(16);
        final byte[] longer = Arrays.copyOf(frame, frame.length + extra);
        for (int i = frame.length; i < longer.length; i++)
        {
            longer[i] = (byte)random.nextInt(256);
        }
        putLength(longer, longer.length - Protocol.HEADER_LENGTH);
        return longer;
    }

    private byte[] lyingLength(final byte[] frame)
    {
        final int honest = frame.length - Protocol.HEADER_LENGTH;
        putLength(frame, pickOf(honest + 1 + random.nextInt(8), honest - 1 - random.nextInt(4), 0, -1, maxFrameSize,
            maxFrameSize + 1, random.nextInt(), random.nextInt(200), Integer.MIN_VALUE, Integer.MAX_VALUE));
        return frame;
    }

    private byte[] lyingCount()
    {
        final byte[] frame = valid();
        final int op = frame[Protocol.HEADER_LENGTH] & 0xFF;
        final int offset = switch (op)
        {
            case Protocol.IDENTIFY -> 7;
            case Protocol.RESUME -> 5;
            case Protocol.UPDATE -> 10;
            case Protocol.SUBSCRIBE, Protocol.UNSUBSCRIBE, Protocol.GET_CLIENTS -> 9;
            case Protocol.LIST_CLIENT_IDS -> 17;
            default -> -1;
        };
        if (offset < 0 || offset + 2 > frame.length)
        {
            return bitFlip(frame);
        }
        final ByteBuffer view = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        final int honest = view.getShort(offset) & 0xFFFF;
        view.putShort(offset, (short)pickOf(0, 1, 0xFFFF, 0xFFFE, honest + 1, honest - 1, random.nextInt(0x10000),
            Protocol.MAX_GET_CLIENTS + 1, Protocol.MAX_LIST_LIMIT + 1));
        return frame;
    }

    private byte[] randomFrame(final int op, final int bodyLength)
    {
        final byte[] body = randomBytes(bodyLength);
        final ByteBuffer frame = ByteBuffer.allocate(Protocol.HEADER_LENGTH + 1 + bodyLength);
        FrameWriter.raw(frame, op, body);
        return frame.array();
    }

    private byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
    }

    /** UPDATE whose reason is not UTF-8. */
    private byte[] badUtf8()
    {
        final byte[][] invalid = {
            {(byte)0xC3, 0x28}, {(byte)0xFF}, {(byte)0xC0, (byte)0x80}, {(byte)0xED, (byte)0xA0, (byte)0x80},
            {(byte)0xE2, (byte)0x82}, {(byte)0xF8, (byte)0x88, (byte)0x80, (byte)0x80, (byte)0x80}, {(byte)0x80},
            {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}};
        final byte[] bad = invalid[random.nextInt(invalid.length)];
        final byte[] prefix = "ok".getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer body = ByteBuffer.allocate(4 + 1 + 2 + prefix.length + bad.length + 2)
            .order(ByteOrder.LITTLE_ENDIAN);
        body.putInt((int)requestId()).put((byte)Protocol.GROUP_STANDARD).putShort((short)(prefix.length + bad.length))
            .put(prefix).put(bad).putShort((short)0);
        return randomFrameWithBody(Protocol.UPDATE, body.array());
    }

    /** UPDATE whose changes hold a value out of its type's range. */
    private byte[] badEnum()
    {
        final ByteBuffer changes = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        switch (random.nextInt(6))
        {
            case 0 -> changes.putShort((short)Field.STATUS.bit()).put((byte)(4 + random.nextInt(252)));
            case 1 -> changes.putShort((short)Field.AFK.bit()).put((byte)(2 + random.nextInt(254)));
            case 2 -> changes.putShort((short)(1 << (13 + random.nextInt(3))));
            case 3 -> changes.putShort((short)Field.ATTRIBUTES.bit()).put((byte)0);
            case 4 -> changes.putShort((short)Field.ATTRIBUTES.bit()).put((byte)1).putShort((short)1)
                .put((byte)'k').put((byte)pickOf(0, 4, 255, random.nextInt(256))).putLong(7);
            default -> changes.putShort((short)Field.LOBBY_HOST.bit()).put((byte)(2 + random.nextInt(254)));
        }
        changes.flip();
        final ByteBuffer body = ByteBuffer.allocate(4 + 1 + 2 + changes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt((int)requestId()).put((byte)(1 + random.nextInt(3))).putShort((short)0).put(changes);
        return randomFrameWithBody(Protocol.UPDATE, body.array());
    }

    /** A valid frame just over, at, or just under maxFrameSize. */
    private byte[] oversized()
    {
        buffer.clear();
        final int target = maxFrameSize + pickOf(-1, 0, 1, 2, 500);
        // length = op 1 + requestId 4 + group 1 + string 2 + reason + mask 2
        writer.update(requestId(), Protocol.GROUP_STANDARD, "r".repeat(Math.max(0, target - 10)), null);
        return written();
    }

    private static byte[] randomFrameWithBody(final int op, final byte[] body)
    {
        final ByteBuffer frame = ByteBuffer.allocate(Protocol.HEADER_LENGTH + 1 + body.length);
        FrameWriter.raw(frame, op, body);
        return frame.array();
    }

    // ---------------------------------------------------------------- values

    private byte[] written()
    {
        buffer.flip();
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        buffer.clear();
        return bytes;
    }

    private static void putLength(final byte[] frame, final int length)
    {
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
    }

    private long requestId()
    {
        return random.nextInt(MAX_REQUEST_ID);
    }

    private long seq()
    {
        return random.nextInt(4) == 0 ? edgyLong() : random.nextInt(64);
    }

    private long id()
    {
        final int pick = random.nextInt(10);
        if (pick < 5)
        {
            return pool.user(random);
        }
        return pick < 8 ? random.nextInt(4) : edgyLong();
    }

    private void fillIds(final long[] target, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            target[i] = id();
        }
    }

    private void fillLobbies(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            lobbies[i] = random.nextInt(4) == 0 ? edgyLong() : 1 + random.nextInt(4);
        }
    }

    private long edgyLong()
    {
        return switch (random.nextInt(8))
        {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Long.MIN_VALUE;
            case 3 -> Long.MAX_VALUE;
            case 4 -> random.nextLong();
            default -> random.nextInt(1_000);
        };
    }

    private int edgyInt()
    {
        return pickOf(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, random.nextInt(), random.nextInt(16));
    }

    private int pickOf(final int... values)
    {
        return values[random.nextInt(values.length)];
    }

    /** @return up to {@code maxChars} characters: mostly ASCII, some 2-, 3- and 4-byte UTF-8, lone surrogates. */
    private String string(final int maxChars)
    {
        final int length = random.nextInt(maxChars + 1);
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final int pick = random.nextInt(40);
            if (pick == 0)
            {
                text.append('\u00e9');
            }
            else if (pick == 1)
            {
                text.append('\u20ac');
            }
            else if (pick == 2)
            {
                text.append("\uD83D\uDE00");
            }
            else if (pick == 3)
            {
                text.append('\uD800');
            }
            else if (pick == 4)
            {
                text.append('\u0000');
            }
            else
            {
                text.append((char)(' ' + random.nextInt(95)));
            }
        }
        return text.toString();
    }
}
