package dev.rollcall.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldTable;
import dev.rollcall.protocol.ClientFrameAdapter;
import dev.rollcall.protocol.ClientFrameHandler;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of {@link JsonClientMessageDecoder}: valid messages (ASCII, every
 * non-ASCII character escaped) with printable ASCII bytes replaced, inserted, deleted, slices
 * copied and the end cut off, so the text stays valid UTF-8. The decoder returns a frame or throws
 * {@link ProtocolException}, nothing else; a text it accepts is a JSON object to Jackson (it never
 * accepts what is not JSON) and means what Jackson reads in it ({@link JacksonClientFrames}); and
 * the frame it makes decodes with the binary {@link ClientFrameAdapter} or fails there with a
 * {@link ProtocolException} only. Set {@code -Drollcall.seed=...} to replay a seed.
 */
class JsonFuzzTest
{
    private static final int CASES = 20_000;
    private static final byte[] INTERESTING = "{}[]:,\"\\ 0123456789-+.eEtrufalsn/ubx\"{}:,".getBytes(StandardCharsets.US_ASCII);

    private final long seed = JsonTestValues.seed();
    private final SplittableRandom random = new SplittableRandom(seed);
    private final RandomClientMessages messages = new RandomClientMessages(new JsonTestValues(random), FieldTable.PRESENCE);
    private final JacksonClientFrames reference = new JacksonClientFrames(FieldTable.PRESENCE);
    private final JsonClientMessageDecoder decoder = new JsonClientMessageDecoder();
    private final ClientFrameAdapter adapter = new ClientFrameAdapter(new Ignore());
    private final ByteBuffer frame = ByteBuffer.allocate(2 * Protocol.MAX_SERVER_FRAME_SIZE);
    private int accepted;
    private int refused;
    private int refusedByBinary;
    private int compared;

    @Test
    void shouldAcceptOnlyJsonAndDecodeItToFramesTheBinaryCodecTakesOrRefuses()
    {
        for (int i = 0; i < CASES; i++)
        {
            byte[] text = messages.next(true).json();
            final int mutations = random.nextInt(6) == 0 ? 0 : random.nextInt(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                text = mutate(text);
            }
            check(text, i);
        }
        assertThat(accepted).as("seed %d: accepted", seed).isGreaterThan(CASES / 10);
        assertThat(refused).as("seed %d: refused", seed).isGreaterThan(CASES / 10);
        assertThat(compared).as("seed %d: compared with Jackson's reading", seed).isGreaterThan(accepted / 2);
        assertThat(refusedByBinary).as("seed %d: refused by the binary codec", seed).isLessThan(accepted);
    }

    @Test
    void shouldRefuseRandomPrintableNoise()
    {
        for (int i = 0; i < CASES / 10; i++)
        {
            final byte[] text = new byte[random.nextInt(64)];
            for (int b = 0; b < text.length; b++)
            {
                text[b] = printable();
            }
            if (random.nextBoolean() && text.length > 1)
            {
                text[0] = '{';
                text[text.length - 1] = '}';
            }
            check(text, i);
        }
    }

    private void check(final byte[] text, final int i)
    {
        boolean ascii = true;
        for (final byte b : text)
        {
            ascii &= b >= 0;
        }
        assertThat(ascii).as("seed %d case %d: the text stays ASCII", seed, i).isTrue();
        frame.clear();
        final int length;
        try
        {
            length = decoder.decode(ByteBuffer.wrap(text), 0, text.length, frame);
        }
        catch (final ProtocolException ex)
        {
            if (ex.code() != ErrorCode.MALFORMED_FRAME)
            {
                throw new AssertionError("seed " + seed + " case " + i + ": " + ex + " on " + JsonTestValues.show(text));
            }
            refused++;
            return;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("seed " + seed + " case " + i + ": the decoder threw on " + JsonTestValues.show(text), ex);
        }
        accepted++;
        if (length != frame.position())
        {
            throw new AssertionError("seed " + seed + " case " + i + ": returned " + length + ", wrote " + frame.position());
        }

        final JsonNode plain;
        try
        {
            plain = JsonTestValues.PLAIN.readTree(text);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(
                "seed " + seed + " case " + i + ": accepted what Jackson refuses: " + JsonTestValues.show(text), ex);
        }
        if (!plain.isObject())
        {
            throw new AssertionError("seed " + seed + " case " + i + ": accepted a non-object: " + JsonTestValues.show(text));
        }

        final byte[] bytes = Arrays.copyOf(frame.array(), length);
        try
        {
            adapter.decode(ByteBuffer.wrap(bytes), bytes.length);
        }
        catch (final ProtocolException ex)
        {
            refusedByBinary++;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("seed " + seed + " case " + i + ": the binary adapter threw on the frame of " +
                JsonTestValues.show(text), ex);
        }

        final JsonNode strict;
        try
        {
            strict = JsonTestValues.STRICT.readTree(text);
        }
        catch (final IOException ex)
        {
            return; // a repeated attribute key: Jackson's tree keeps only the last, so it cannot tell the meaning
        }
        final byte[] meant = reference.frame(strict);
        if (!Arrays.equals(bytes, meant))
        {
            assertThat(bytes).as("seed %d case %d: the meaning Jackson reads in %s", seed, i, JsonTestValues.show(text))
                .isEqualTo(meant);
        }
        compared++;
    }

    private byte[] mutate(final byte[] text)
    {
        if (text.length == 0)
        {
            return new byte[] {printable()};
        }
        final int at = random.nextInt(text.length);
        switch (random.nextInt(10))
        {
            case 0, 1, 2 ->
            {
                final byte[] replaced = text.clone();
                replaced[at] = printable();
                return replaced;
            }
            case 3, 4, 5 ->
            {
                final byte[] inserted = new byte[text.length + 1];
                System.arraycopy(text, 0, inserted, 0, at);
                inserted[at] = printable();
                System.arraycopy(text, at, inserted, at + 1, text.length - at);
                return inserted;
            }
            case 6, 7 ->
            {
                final byte[] deleted = new byte[text.length - 1];
                System.arraycopy(text, 0, deleted, 0, at);
                System.arraycopy(text, at + 1, deleted, at, text.length - at - 1);
                return deleted;
            }
            case 8 ->
            {
                // a slice of the text copied elsewhere (a member, a value, an escape twice)
                final int from = random.nextInt(text.length);
                final int to = Math.min(text.length, from + random.nextInt(1, 24));
                final byte[] copied = new byte[text.length + to - from];
                System.arraycopy(text, 0, copied, 0, at);
                System.arraycopy(text, from, copied, at, to - from);
                System.arraycopy(text, at, copied, at + to - from, text.length - at);
                return copied;
            }
            default ->
            {
                return Arrays.copyOf(text, at);
            }
        }
    }

    private byte printable()
    {
        return random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte)random.nextInt(0x20, 0x7F);
    }

    /** Takes every frame and does nothing. */
    private static final class Ignore implements ClientFrameHandler
    {
        @Override
        public void onIdentify(
            final int protocolVersion,
            final String token,
            final Changes presence,
            final boolean sharded,
            final int shardId,
            final int shardCount)
        {
        }

        @Override
        public void onResume(final String token, final long sessionId, final long lastSeq)
        {
        }

        @Override
        public void onHeartbeat(final long lastSeq)
        {
        }

        @Override
        public void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
        {
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
        }

        @Override
        public void onGetClients(final long requestId, final long[] userIds, final int count)
        {
        }

        @Override
        public void onListClientIds(final long requestId, final long afterUserId, final int limit)
        {
        }
    }
}
