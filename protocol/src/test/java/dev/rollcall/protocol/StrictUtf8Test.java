package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The hand-written strict UTF-8 decoder agrees with the JDK's decoder in REPORT mode. */
class StrictUtf8Test
{
    @Test
    void shouldAgreeWithTheJdksStrictDecoder() throws ProtocolException
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        final Recorder recorder = new Recorder();
        final ServerFrameAdapter adapter = new ServerFrameAdapter(recorder);
        final ByteBuffer in = ByteBuffer.allocate(64);
        int valid = 0;
        for (int i = 0; i < 50_000; i++)
        {
            final byte[] bytes = new byte[random.nextInt(1, 9)];
            for (int b = 0; b < bytes.length; b++)
            {
                // lead and continuation bytes and their edges, with some ASCII
                final int pick = random.nextInt(5);
                bytes[b] = (byte)(pick == 0 ? random.nextInt(0x80) : pick == 1 ? random.nextInt(0x80, 0xC0) :
                    random.nextInt(0xC0, 0x100));
            }
            String expected;
            try
            {
                expected = jdk.reset().decode(ByteBuffer.wrap(bytes)).toString();
                valid++;
            }
            catch (final CharacterCodingException e)
            {
                expected = null;
            }
            in.clear();
            FrameWriter.raw(in, Protocol.CLOSE, new Body().u16(4000).u16(bytes.length).bytes(toInts(bytes)).build());
            in.flip();
            recorder.calls.clear();
            ErrorCode code = null;
            try
            {
                adapter.decode(in, in.remaining());
            }
            catch (final ProtocolException e)
            {
                code = e.code();
            }
            if (expected == null)
            {
                assertThat(code).as("seed %d, %s", seed, Arrays.toString(bytes)).isEqualTo(ErrorCode.MALFORMED_FRAME);
            }
            else
            {
                assertThat(recorder.calls).as("seed %d, %s", seed, Arrays.toString(bytes))
                    .containsExactly(Recorder.call("onClose", 4000, expected));
            }
        }
        assertThat(valid).as("seed %d", seed).isGreaterThan(100);
    }

    private static int[] toInts(final byte[] bytes)
    {
        final int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            ints[i] = bytes[i] & 0xFF;
        }
        return ints;
    }
}
