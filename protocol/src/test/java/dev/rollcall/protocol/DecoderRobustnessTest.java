package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized robustness: random bytes and valid frames mutated (bit flips, truncation, extension, lying
 * length and count fields) through the splitter and both adapters. Only {@link ProtocolException} may escape, a
 * handler is called exactly when no exception is thrown, and the position ends exactly past the frame. Set
 * {@code -Drollcall.seed=...} to replay a seed.
 */
class DecoderRobustnessTest
{
    private static final int DEFAULT_FRAMES = 120_000;
    private static final int SLOW_FRAMES = 5_000_000;
    private static final int CAPACITY = Protocol.MAX_SERVER_FRAME_SIZE + 64;
    private static final int[] OPS = {
        Protocol.HELLO, Protocol.READY, Protocol.HEARTBEAT_ACK, Protocol.RESUMED, Protocol.INVALID_SESSION,
        Protocol.RESULT, Protocol.ERROR, Protocol.DISPATCH, Protocol.CLOSE, Protocol.CLIENTS, Protocol.CLIENT_IDS,
        Protocol.STATS, Protocol.IDENTIFY, Protocol.RESUME, Protocol.HEARTBEAT, Protocol.UPDATE, Protocol.SUBSCRIBE,
        Protocol.UNSUBSCRIBE, Protocol.GET_CLIENTS, Protocol.LIST_CLIENT_IDS, Protocol.GET_STATS,
    };

    @Test
    void shouldOnlyThrowProtocolExceptionsAndAlwaysConsumeTheFrame()
    {
        run(DEFAULT_FRAMES);
    }

    @Test
    @Tag("slow")
    void shouldOnlyThrowProtocolExceptionsAndAlwaysConsumeTheFrameAtVolume()
    {
        run(SLOW_FRAMES);
    }

    private static void run(final int frames)
    {
        final long seed = Long.getLong("rollcall.seed", new SplittableRandom().nextLong());
        new Fuzzer(seed).run(frames);
    }

    private static final class Fuzzer
    {
        private final long seed;
        private final SplittableRandom random;
        private final RandomFrames generator;
        private final ByteBuffer scratch = ByteBuffer.allocate(CAPACITY);
        private final FrameWriter writer = new FrameWriter(scratch);
        private final Changes presence = new Changes();
        private final ByteBuffer littleEndian = ByteBuffer.allocate(CAPACITY + 64).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer bigEndianDirect = ByteBuffer.allocateDirect(CAPACITY + 64);
        private final Counter counter = new Counter();
        private final ClientFrameAdapter clientAdapter = new ClientFrameAdapter(counter);
        private final ServerFrameAdapter serverAdapter = new ServerFrameAdapter(counter);
        private long decoded;
        private long refused;

        Fuzzer(final long seed)
        {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.generator = new RandomFrames(random);
        }

        void run(final int frames)
        {
            for (int i = 0; i < frames; i++)
            {
                final byte[] frame = nextFrame();
                feed(frame);
            }
            // sanity: the corpus exercises both outcomes
            assertThat(decoded).as("seed %d", seed).isGreaterThan(frames / 20);
            assertThat(refused).as("seed %d", seed).isGreaterThan(frames / 20);
        }

        private byte[] nextFrame()
        {
            final int strategy = random.nextInt(10);
            if (strategy == 0)
            {
                return randomBytes();
            }
            byte[] frame = validFrame();
            final int mutations = strategy == 1 ? 0 : random.nextInt(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                frame = mutate(frame);
            }
            return frame;
        }

        private byte[] randomBytes()
        {
            final int bodyLength = random.nextInt(0, 48);
            final byte[] frame = new byte[Protocol.HEADER_LENGTH + 1 + bodyLength];
            for (int i = 0; i < frame.length; i++)
            {
                frame[i] = (byte)random.nextInt(256);
            }
            if (random.nextInt(4) != 0)
            {
                setLength(frame, 1 + bodyLength);
                frame[4] = (byte)(random.nextBoolean() ? OPS[random.nextInt(OPS.length)] : random.nextInt(256));
            }
            return frame;
        }

        private byte[] validFrame()
        {
            scratch.clear();
            final int length = random.nextBoolean() ?
                generator.clientFrame(writer, presence) : generator.serverFrame(writer, presence);
            return RandomFrames.bytes(scratch, 0, length);
        }

        private byte[] mutate(final byte[] frame)
        {
            switch (random.nextInt(6))
            {
                case 0:
                    // bit flips anywhere, the header included
                    final int flips = random.nextInt(1, 5);
                    for (int f = 0; f < flips; f++)
                    {
                        final int i = random.nextInt(frame.length);
                        frame[i] ^= (byte)(1 << random.nextInt(8));
                    }
                    return frame;
                case 1:
                    // truncation, usually with the header fixed so that the adapter sees it
                    if (frame.length <= Protocol.HEADER_LENGTH + 1)
                    {
                        return frame;
                    }
                    final byte[] truncated = Arrays.copyOf(frame, random.nextInt(Protocol.HEADER_LENGTH + 1, frame.length));
                    if (random.nextInt(4) != 0)
                    {
                        setLength(truncated, truncated.length - Protocol.HEADER_LENGTH);
                    }
                    return truncated;
                case 2:
                    // extension with random bytes, usually with the header fixed
                    final byte[] extended = Arrays.copyOf(frame, frame.length + random.nextInt(1, 9));
                    for (int i = frame.length; i < extended.length; i++)
                    {
                        extended[i] = (byte)random.nextInt(256);
                    }
                    if (random.nextInt(4) != 0)
                    {
                        setLength(extended, extended.length - Protocol.HEADER_LENGTH);
                    }
                    return extended;
                case 3:
                    // a lying length field
                    final int actual = frame.length - Protocol.HEADER_LENGTH;
                    setLength(frame, random.nextBoolean() ? actual + random.nextInt(-8, 9) : random.nextInt());
                    return frame;
                case 4:
                    // a lying u16 count (or string length, or mask) somewhere in the body
                    if (frame.length < Protocol.HEADER_LENGTH + 3)
                    {
                        return frame;
                    }
                    final int at = random.nextInt(Protocol.HEADER_LENGTH + 1, frame.length - 1);
                    final int[] lies = {0, 1, 0xFFFF, 0xFFFE, 256, 257, 1024, 1025, random.nextInt(0x10000)};
                    final int lie = lies[random.nextInt(lies.length)];
                    frame[at] = (byte)lie;
                    frame[at + 1] = (byte)(lie >>> 8);
                    return frame;
                default:
                    // a lying u8 (count, kind, enum, bool)
                    if (frame.length <= Protocol.HEADER_LENGTH + 1)
                    {
                        return frame;
                    }
                    final int index = random.nextInt(Protocol.HEADER_LENGTH + 1, frame.length);
                    final int[] bytes = {0, 1, 2, 3, 4, 7, 11, 0x7F, 0x80, 0xFF};
                    frame[index] = (byte)bytes[random.nextInt(bytes.length)];
                    return frame;
            }
        }

        private static void setLength(final byte[] frame, final int length)
        {
            frame[0] = (byte)length;
            frame[1] = (byte)(length >>> 8);
            frame[2] = (byte)(length >>> 16);
            frame[3] = (byte)(length >>> 24);
        }

        private void feed(final byte[] frame)
        {
            final ByteBuffer in = random.nextBoolean() ? littleEndian : bigEndianDirect;
            final ByteOrder order = in.order();
            in.clear();
            final int offset = random.nextInt(4);
            in.position(offset);
            in.put(frame);
            final int trailing = random.nextInt(3) == 0 ? random.nextInt(1, 9) : 0;
            for (int i = 0; i < trailing; i++)
            {
                in.put((byte)random.nextInt(256));
            }
            in.flip().position(offset);
            final int maxFrameSize = random.nextInt(8) == 0 ? random.nextInt(1, 64) : Protocol.MAX_SERVER_FRAME_SIZE;
            final int frameLength;
            try
            {
                frameLength = FrameSplitter.nextFrame(in, maxFrameSize);
            }
            catch (final ProtocolException e)
            {
                assertThat(in.position()).as("seed %d", seed).isEqualTo(offset);
                refused++;
                return;
            }
            catch (final RuntimeException | Error e)
            {
                throw failure("splitter", frame, e);
            }
            assertThat(in.position()).as("seed %d", seed).isEqualTo(offset);
            if (frameLength == 0)
            {
                return;
            }
            decodeWith(true, in, offset, frameLength, frame);
            decodeWith(false, in, offset, frameLength, frame);
            assertThat(in.order()).as("seed %d", seed).isEqualTo(order);
        }

        private void decodeWith(
            final boolean client, final ByteBuffer in, final int offset, final int frameLength, final byte[] frame)
        {
            in.position(offset);
            counter.calls = 0;
            try
            {
                if (client)
                {
                    clientAdapter.decode(in, frameLength);
                }
                else
                {
                    serverAdapter.decode(in, frameLength);
                }
                decoded++;
                if (counter.calls != 1)
                {
                    fail("seed %d: %d handler calls for %s", seed, counter.calls, Arrays.toString(frame));
                }
            }
            catch (final ProtocolException e)
            {
                refused++;
                if (counter.calls != 0)
                {
                    fail("seed %d: handler called before %s for %s", seed, e, Arrays.toString(frame));
                }
            }
            catch (final RuntimeException | Error e)
            {
                throw failure(client ? "ClientFrameAdapter" : "ServerFrameAdapter", frame, e);
            }
            if (in.position() != offset + frameLength)
            {
                fail("seed %d: position %d, expected %d, for %s", seed, in.position(), offset + frameLength,
                    Arrays.toString(frame));
            }
        }

        private AssertionError failure(final String what, final byte[] frame, final Throwable e)
        {
            return new AssertionError("seed " + seed + ": " + what + " threw " + e + " for " + Arrays.toString(frame), e);
        }
    }

    /** Counts handler calls, checking the holders are consistent with the counts. */
    private static final class Counter implements ClientFrameHandler, ServerFrameHandler
    {
        int calls;

        @Override
        public void onIdentify(
            final int protocolVersion,
            final String token,
            final Changes presence,
            final boolean sharded,
            final int shardId,
            final int shardCount)
        {
            calls++;
        }

        @Override
        public void onResume(final String token, final long sessionId, final long lastSeq)
        {
            calls++;
        }

        @Override
        public void onHeartbeat(final long lastSeq)
        {
            calls++;
        }

        @Override
        public void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
        {
            calls++;
        }

        @Override
        public void onSubscribe(
            final long requestId,
            final boolean subscribe,
            final long[] clientIds,
            final int clientCount,
            final long[] lobbyIds,
            final int lobbyCount)
        {
            assertThat(clientIds.length).isGreaterThanOrEqualTo(clientCount);
            assertThat(lobbyIds.length).isGreaterThanOrEqualTo(lobbyCount);
            calls++;
        }

        @Override
        public void onGetClients(final long requestId, final long[] userIds, final int count)
        {
            assertThat(count).isBetween(1, Protocol.MAX_GET_CLIENTS);
            calls++;
        }

        @Override
        public void onListClientIds(final long requestId, final long afterUserId, final int limit)
        {
            assertThat(limit).isBetween(1, Protocol.MAX_LIST_LIMIT);
            calls++;
        }

        @Override
        public void onHello(
            final int protocolVersion,
            final int heartbeatIntervalMs,
            final int maxFrameSize,
            final int rateLimitCommands,
            final int rateLimitWindowMs,
            final int identifyTimeoutMs)
        {
            calls++;
        }

        @Override
        public void onReady(final long sessionId, final long userId, final long seq)
        {
            calls++;
        }

        @Override
        public void onHeartbeatAck(final long seq)
        {
            calls++;
        }

        @Override
        public void onResumed(final long seq)
        {
            calls++;
        }

        @Override
        public void onInvalidSession(final boolean resumable)
        {
            calls++;
        }

        @Override
        public void onResult(final long requestId, final Result result)
        {
            calls++;
        }

        @Override
        public void onError(final long requestId, final int code, final String message)
        {
            calls++;
        }

        @Override
        public void onDispatch(
            final long seq,
            final EventType type,
            final long userId,
            final long updateId,
            final long lobbyId,
            final long time,
            final String reason,
            final Changes changes)
        {
            calls++;
        }

        @Override
        public void onClose(final int code, final String message)
        {
            calls++;
        }

        @Override
        public void onClients(final long requestId, final ClientView[] clients, final int count)
        {
            assertThat(clients.length).isLessThanOrEqualTo(Protocol.MAX_GET_CLIENTS).isGreaterThanOrEqualTo(count);
            calls++;
        }

        @Override
        public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
        {
            assertThat(ids.length).isLessThanOrEqualTo(Protocol.MAX_LIST_LIMIT).isGreaterThanOrEqualTo(count);
            calls++;
        }

        @Override
        public void onGetStats(final long requestId)
        {
            calls++;
        }

        @Override
        public void onStats(
            final long requestId,
            final long nowMs,
            final long gracePeriodMs,
            final String[] names,
            final long[] values,
            final int count)
        {
            assertThat(names.length).isLessThanOrEqualTo(0xFFFF).isGreaterThanOrEqualTo(count);
            assertThat(values.length).isEqualTo(names.length);
            calls++;
        }
    }
}
