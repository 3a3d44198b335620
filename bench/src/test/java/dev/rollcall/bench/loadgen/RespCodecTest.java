package dev.rollcall.bench.loadgen;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RespCodecTest
{
    private static final int MAX_REPLY = 1024;

    private final RespDecoder decoder = new RespDecoder(MAX_REPLY);

    @Test
    void shouldEncodeTheUpdateOfEachWorkloadAsAnArrayOfBulkStrings()
    {
        final RedisPublisher publisher = new RedisPublisher();
        final ByteBuffer out = ByteBuffer.allocate(4096);
        final byte[] sha = ascii("0123456789abcdef0123456789abcdef01234567");

        publisher.update(out, RedisWorkload.PRESENCE, sha, 1_000_042, 0x1234_5678_9abcL);
        publisher.update(out, RedisWorkload.SET, sha, 7, 1);

        final String value1 = "000012345678" + "9abc;status=online;party=7;team=blue";
        final String value2 = "0000000000000001;status=online;party=7;team=blue";
        assertThat(value1).hasSize(RedisPublisher.VALUE_LENGTH);
        assertThat(text(out)).isEqualTo(
            "*5\r\n$7\r\nEVALSHA\r\n$40\r\n0123456789abcdef0123456789abcdef01234567\r\n$1\r\n1\r\n" +
            "$16\r\npresence:1000042\r\n$48\r\n" + value1 + "\r\n" +
            "*3\r\n$3\r\nSET\r\n$10\r\npresence:7\r\n$48\r\n" + value2 + "\r\n");
    }

    @Test
    void shouldEncodeTheHandshakesAndSubscribes()
    {
        final RedisPublisher publisher = new RedisPublisher();
        final ByteBuffer out = ByteBuffer.allocate(4096);

        publisher.handshake(out, RedisWorkload.SET);
        publisher.subscribe(out, new long[]{5, 10, 200}, 1, 3);
        publisher.handshake(out, RedisWorkload.PRESENCE);

        final String script = RedisPublisher.PRESENCE_SCRIPT;
        assertThat(text(out)).isEqualTo("*1\r\n$4\r\nPING\r\n" +
            "*3\r\n$9\r\nSUBSCRIBE\r\n$11\r\npresence:10\r\n$12\r\npresence:200\r\n" +
            "*3\r\n$6\r\nSCRIPT\r\n$4\r\nLOAD\r\n$" + script.length() + "\r\n" + script + "\r\n");
    }

    @Test
    void shouldWriteNumbersOfEveryLength()
    {
        final RespEncoder encoder = new RespEncoder();
        final ByteBuffer out = ByteBuffer.allocate(256);
        final byte[] empty = new byte[0];
        for (final long n : new long[]{0, 9, 10, 99, 100, 1_000_000_007L, Long.MAX_VALUE})
        {
            out.clear();
            encoder.wrap(out).bulk(empty, n);
            final String digits = Long.toString(n);
            assertThat(text(out)).isEqualTo("$" + digits.length() + "\r\n" + digits + "\r\n");
            assertThat(RespEncoder.digits(n)).isEqualTo(digits.length());
        }
    }

    @Test
    void shouldDecodeEveryTypeOfReply()
    {
        assertThat(decode("+PONG\r\n")).isEqualTo(7);
        assertThat(decoder.type()).isEqualTo(RespDecoder.SIMPLE_STRING);
        assertThat(decoder.matches(decoder.offset(), decoder.length(), RedisPublisher.PONG)).isTrue();

        assertThat(decode("-NOSCRIPT No matching script.\r\n")).isEqualTo(31);
        assertThat(decoder.type()).isEqualTo(RespDecoder.ERROR);
        assertThat(decoder.length()).isEqualTo("NOSCRIPT No matching script.".length());

        assertThat(decode(":-42\r\n")).isEqualTo(6);
        assertThat(decoder.type()).isEqualTo(RespDecoder.INTEGER);
        assertThat(decoder.integer()).isEqualTo(-42);
        assertThat(decode(":9223372036854775807\r\n")).isPositive();
        assertThat(decoder.integer()).isEqualTo(Long.MAX_VALUE);

        assertThat(decode("$5\r\nhe\r\no\r\n")).isEqualTo(11);
        assertThat(decoder.type()).isEqualTo(RespDecoder.BULK_STRING);
        assertThat(decoder.offset()).isEqualTo(4);
        assertThat(decoder.length()).isEqualTo(5);

        assertThat(decode("$0\r\n\r\n")).isEqualTo(6);
        assertThat(decoder.length()).isZero();
        assertThat(decode("$-1\r\n")).isEqualTo(5);
        assertThat(decoder.length()).isEqualTo(-1);

        assertThat(decode("*-1\r\n")).isEqualTo(5);
        assertThat(decoder.type()).isEqualTo(RespDecoder.ARRAY);
        assertThat(decoder.elements()).isEqualTo(-1);
        assertThat(decode("*0\r\n")).isEqualTo(4);
        assertThat(decoder.elements()).isZero();
    }

    @Test
    void shouldViewTheElementsOfAPubSubMessageAndSkipNestedArrays()
    {
        final String message = "*3\r\n$7\r\nmessage\r\n$10\r\npresence:7\r\n$4\r\nabcd\r\n";
        assertThat(decode(message)).isEqualTo(message.length());
        assertThat(decoder.elements()).isEqualTo(3);
        assertThat(decoder.matches(decoder.elementOffset(0), decoder.elementLength(0), RedisPublisher.MESSAGE_KIND))
            .isTrue();
        assertThat(decoder.elementType(1)).isEqualTo(RespDecoder.BULK_STRING);
        assertThat(decoder.elementLength(1)).isEqualTo(10);
        assertThat(message.substring(decoder.elementOffset(2), decoder.elementOffset(2) + 4)).isEqualTo("abcd");

        final String subscribed = "*3\r\n$9\r\nsubscribe\r\n$10\r\npresence:7\r\n:1\r\n";
        assertThat(decode(subscribed)).isEqualTo(subscribed.length());
        assertThat(decoder.elementType(2)).isEqualTo(RespDecoder.INTEGER);
        assertThat(decoder.elementInteger(2)).isEqualTo(1);

        final String nested = "*3\r\n*2\r\n:1\r\n*2\r\n+a\r\n$-1\r\n*0\r\n-ERR x\r\n";
        assertThat(decode(nested + ":5\r\n")).isEqualTo(nested.length());
        assertThat(decoder.elementType(0)).isEqualTo(RespDecoder.ARRAY);
        assertThat(decoder.elementInteger(0)).isEqualTo(2);
        assertThat(decoder.elementType(1)).isEqualTo(RespDecoder.ARRAY);
        assertThat(decoder.elementType(2)).isEqualTo(RespDecoder.ERROR);
    }

    @Test
    void shouldAskForMoreBytesAtEverySplitPointAndThenDecodeTheSameReplies()
    {
        final String[] replies = {"+OK\r\n", ":17\r\n", "-ERR wrong\r\n", "$3\r\nfoo\r\n", "$-1\r\n",
            "*3\r\n$7\r\nmessage\r\n$10\r\npresence:7\r\n$48\r\n" + "0000000000000abc;status=online;party=7;team=blue\r\n",
            "*2\r\n*1\r\n:1\r\n$0\r\n\r\n"};
        final String stream = String.join("", replies);
        final byte[] bytes = ascii(stream);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[bytes.length]);
        for (int split = 0; split <= bytes.length; split++)
        {
            buffer.putBytes(0, bytes);
            final List<Integer> lengths = new ArrayList<>();
            int offset = 0;
            // first read: the bytes up to the split; second read: the rest
            for (final int limit : new int[]{split, bytes.length})
            {
                int length;
                while ((length = decoder.decode(buffer, offset, limit)) > 0)
                {
                    lengths.add(length);
                    offset += length;
                }
                assertThat(length).as("split at %d", split).isEqualTo(RespDecoder.INCOMPLETE);
            }
            assertThat(offset).as("split at %d", split).isEqualTo(bytes.length);
            assertThat(lengths).as("split at %d", split).hasSize(replies.length);
            for (int i = 0; i < replies.length; i++)
            {
                assertThat(lengths.get(i)).as("split at %d, reply %d", split, i).isEqualTo(replies[i].length());
            }
        }
    }

    @Test
    void shouldCarryAStampInTheValueThroughEncodeAndDecode()
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final RedisPublisher publisher = new RedisPublisher();
        final ByteBuffer out = ByteBuffer.allocate(4096);
        final UnsafeBuffer view = new UnsafeBuffer(out);
        for (int i = 0; i < 1_000; i++)
        {
            final long stamp = 1 + random.nextLong(Long.MAX_VALUE - 1);
            out.clear();
            publisher.update(out, RedisWorkload.SET, null, 1, stamp);
            assertThat(decoder.decode(view, 0, out.position())).as("seed %d", seed).isEqualTo(out.position());
            assertThat(decoder.elements()).isEqualTo(3);
            assertThat(RedisPublisher.stampOf(view, decoder.elementOffset(2), decoder.elementLength(2)))
                .as("seed %d", seed).isEqualTo(stamp);
        }
        final UnsafeBuffer notOurs = new UnsafeBuffer(ascii("status=online;party=7;team=blue"));
        assertThat(RedisPublisher.stampOf(notOurs, 0, notOurs.capacity())).isZero();
        assertThat(RedisPublisher.stampOf(notOurs, 0, 10)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "?what\r\n",
        ":12a\r\n",
        ":\r\n",
        ":-\r\n",
        ":99999999999999999999\r\n",
        "+a\nb\r\n",
        "+ab\rc\r\n",
        "$3\r\nabcd\r\n",
        "$-2\r\n",
        "$x\r\n",
        "$2000\r\n",
        "*-2\r\n",
        "*2\r\n:1\r\n%2\r\n",
    })
    void shouldRefuseWhatIsNotRespTwo(final String reply)
    {
        assertThat(decode(reply)).as(reply).isEqualTo(RespDecoder.MALFORMED);
    }

    @Test
    void shouldRefuseAReplyLongerThanItsLimitBeforeItEnds()
    {
        final String longLine = "+" + "x".repeat(MAX_REPLY + 10);
        assertThat(decode(longLine.substring(0, MAX_REPLY - 1))).isEqualTo(RespDecoder.INCOMPLETE);
        assertThat(decode(longLine)).isEqualTo(RespDecoder.MALFORMED);
        final StringBuilder manyElements = new StringBuilder("*1000\r\n");
        for (int i = 0; i < 300; i++)
        {
            manyElements.append(":1\r\n");
        }
        assertThat(decode(manyElements.toString())).isEqualTo(RespDecoder.MALFORMED);
    }

    @Test
    void shouldEncodeAndDecodeWithoutAllocatingOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final RedisPublisher publisher = new RedisPublisher();
        final ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
        final UnsafeBuffer view = new UnsafeBuffer(out);
        final byte[] sha = new byte[RedisPublisher.SHA_LENGTH];
        final long[] channels = {1, 2, 3};
        long sink = 0;
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                out.clear();
                publisher.update(out, RedisWorkload.PRESENCE, sha, 1_000_000 + i, i + 1);
                publisher.subscribe(out, channels, 0, channels.length);
                final int limit = out.position();
                int offset = 0;
                int length;
                while ((length = decoder.decode(view, offset, limit)) > 0)
                {
                    if (5 == decoder.elements())
                    {
                        sink += RedisPublisher.stampOf(view, decoder.elementOffset(4), decoder.elementLength(4));
                    }
                    offset += length;
                }
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        // less than a byte per command: nothing is allocated per command (a few hundred bytes of JIT or
        // bookkeeping noise may show up once)
        assertThat(allocated).as("bytes allocated by 20,000 encodes and decodes").isLessThan(20_000);
    }

    private int decode(final String reply)
    {
        final byte[] bytes = ascii(reply);
        return decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static String text(final ByteBuffer out)
    {
        return new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
