package dev.rollcall.bench.loadgen;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the load generator's Redis commands (RESP2, {@link RespEncoder}) into the thread's staging buffer:
 * the handshake of a command connection, the {@code SUBSCRIBE}s of a watcher connection, and one update per
 * {@link RedisWorkload}. Keys and channels are {@code presence:<userId>}; values are
 * <pre>
 *   0               16                                    {@value #VALUE_LENGTH}
 *   +---------------+-------------------------------------+
 *   | stamp, 16 hex | ";status=online;party=7;team=blue"  |
 *   +---------------+-------------------------------------+
 * </pre>
 * where the stamp is the sender's {@code System.nanoTime()} minus the run's origin, as the Rollcall mode
 * carries it in {@code partyId}; a watcher decodes it with {@link #stampOf} on receiving the message.
 */
final class RedisPublisher
{
    /** The presence script: the store and the fan-out in one round trip. Reply: the subscribers reached. */
    static final String PRESENCE_SCRIPT =
        "redis.call('SET', KEYS[1], ARGV[1], 'EX', 30) return redis.call('PUBLISH', KEYS[1], ARGV[1])";
    /** Key and channel prefix. */
    static final byte[] KEY_PREFIX = ascii("presence:");
    /** What follows the stamp in each value. */
    static final byte[] VALUE_SUFFIX = ascii(";status=online;party=7;team=blue");
    /** Bytes of each value. */
    static final int VALUE_LENGTH = RespEncoder.HEX_DIGITS + 32;
    /** Length of a script's SHA1 as SCRIPT LOAD answers it (hex). */
    static final int SHA_LENGTH = 40;
    /** Channels per SUBSCRIBE command (a watcher of big lobbies sends several). */
    static final int CHANNELS_PER_SUBSCRIBE = 64;

    static final byte[] PONG = ascii("PONG");
    static final byte[] OK = ascii("OK");
    static final byte[] SUBSCRIBE_KIND = ascii("subscribe");
    static final byte[] MESSAGE_KIND = ascii("message");

    private static final byte[] SCRIPT_BYTES = ascii(PRESENCE_SCRIPT);
    private static final byte[] SCRIPT = ascii("SCRIPT");
    private static final byte[] LOAD = ascii("LOAD");
    private static final byte[] PING = ascii("PING");
    private static final byte[] SUBSCRIBE = ascii("SUBSCRIBE");
    private static final byte[] EVALSHA = ascii("EVALSHA");
    private static final byte[] ONE = ascii("1");
    private static final byte[] SET = ascii("SET");

    private final RespEncoder encoder = new RespEncoder();

    /**
     * A command connection's first command: {@code SCRIPT LOAD} (presence; the reply is the script's SHA) or
     * {@code PING} (set).
     *
     * @param out      where, at its position.
     * @param workload the workload.
     */
    void handshake(final ByteBuffer out, final RedisWorkload workload)
    {
        encoder.wrap(out);
        if (workload.publishes())
        {
            encoder.array(3).bulk(SCRIPT).bulk(LOAD).bulk(SCRIPT_BYTES);
        }
        else
        {
            encoder.array(1).bulk(PING);
        }
    }

    /**
     * {@code SUBSCRIBE presence:<u> ...} for {@code users[from..to)}.
     *
     * @param out   where, at its position.
     * @param users user ids.
     * @param from  the first.
     * @param to    after the last.
     */
    void subscribe(final ByteBuffer out, final long[] users, final int from, final int to)
    {
        encoder.wrap(out).array(1 + to - from).bulk(SUBSCRIBE);
        for (int i = from; i < to; i++)
        {
            encoder.bulk(KEY_PREFIX, users[i]);
        }
    }

    /**
     * One update: {@code EVALSHA <sha> 1 presence:<user> <value>} (presence) or {@code SET presence:<user> <value>}.
     *
     * @param out      where, at its position.
     * @param workload the workload.
     * @param sha      the script's SHA (presence).
     * @param user     the user id.
     * @param stamp    the sender's stamp.
     */
    void update(final ByteBuffer out, final RedisWorkload workload, final byte[] sha, final long user,
        final long stamp)
    {
        encoder.wrap(out);
        if (workload.publishes())
        {
            encoder.array(5).bulk(EVALSHA).bulk(sha).bulk(ONE);
        }
        else
        {
            encoder.array(3).bulk(SET);
        }
        encoder.bulk(KEY_PREFIX, user).bulkHex(stamp, VALUE_SUFFIX);
    }

    /**
     * @param buffer where a value is.
     * @param offset its first byte.
     * @param length its length.
     * @return the stamp it carries, or 0 when it is not one of ours.
     */
    static long stampOf(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < RespEncoder.HEX_DIGITS)
        {
            return 0;
        }
        long stamp = 0;
        for (int i = 0; i < RespEncoder.HEX_DIGITS; i++)
        {
            final byte b = buffer.getByte(offset + i);
            final int digit;
            if (b >= '0' && b <= '9')
            {
                digit = b - '0';
            }
            else if (b >= 'a' && b <= 'f')
            {
                digit = b - 'a' + 10;
            }
            else
            {
                return 0;
            }
            stamp = (stamp << 4) | digit;
        }
        return stamp;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
