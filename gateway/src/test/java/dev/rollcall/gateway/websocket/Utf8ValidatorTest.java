package dev.rollcall.gateway.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Utf8Validator} against the JDK's strict UTF-8 decoder ({@link CodingErrorAction#REPORT}),
 * which accepts exactly what RFC 3629 accepts. Two oracles come from the decoder:
 * <ul>
 *   <li>valid: the decoder decodes the whole input; the validator must then be complete;</li>
 *   <li>a valid prefix: the input is valid, or some completion of at most three continuation
 *       bytes makes it valid (the candidates cover each lead byte's allowed second-byte range);
 *       the validator must not have failed exactly then, after every chunk it is fed, since it
 *       fails at the first byte no completion can save.</li>
 * </ul>
 * Random byte strings (seeded, the seed in every failure message) are fed in random chunk
 * splits, through both {@code update} overloads; short strings are also checked exhaustively
 * around the lead bytes, and the textbook boundary cases one by one.
 */
class Utf8ValidatorTest
{
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    private static final int[] SECOND_BYTE_CANDIDATES = {0x80, 0x90, 0xA0};

    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);

    // ---------------------------------------------------------------- oracles

    private final CharBuffer decoded = CharBuffer.allocate(64);
    /** Where {@link #update} copies bytes for the ByteBuffer overload (direct, as the gateway's). */
    private final ByteBuffer direct = ByteBuffer.allocateDirect(64);

    /** The decoder on the whole input at once, end of input announced (no exceptions: they are slow). */
    private boolean jdkValid(final byte[] bytes, final int length)
    {
        final CharBuffer out = length * 2 <= decoded.capacity() ? decoded.clear() : CharBuffer.allocate(length * 2);
        final ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        strict.reset();
        return !strict.decode(in, out, true).isError() && !strict.flush(out).isError() && !in.hasRemaining();
    }

    private boolean jdkValidPrefix(final byte[] bytes, final int length)
    {
        if (jdkValid(bytes, length))
        {
            return true;
        }
        final byte[] completed = new byte[length + 3];
        System.arraycopy(bytes, 0, completed, 0, length);
        for (final int second : SECOND_BYTE_CANDIDATES)
        {
            completed[length] = (byte)second;
            completed[length + 1] = (byte)0x80;
            completed[length + 2] = (byte)0x80;
            for (int missing = 1; missing <= 3; missing++)
            {
                if (jdkValid(completed, length + missing))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private enum Streamed
    {
        VALID, MALFORMED_BEFORE_END, MALFORMED_AT_END
    }

    /** The JDK's decoder fed the same chunks, end of input announced only at the end. */
    private Streamed jdkStreamed(final byte[] bytes, final int[] cuts)
    {
        strict.reset();
        final CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 8);
        final ByteBuffer in = ByteBuffer.allocate(bytes.length + 8);
        int from = 0;
        for (final int cut : cuts)
        {
            in.put(bytes, from, cut - from);
            from = cut;
            in.flip();
            final CoderResult result = strict.decode(in, out, false);
            if (result.isError())
            {
                return Streamed.MALFORMED_BEFORE_END;
            }
            if (!result.isUnderflow())
            {
                throw new AssertionError("the JDK's decoder overflowed: " + result);
            }
            in.compact();
        }
        in.flip();
        if (strict.decode(in, out, true).isError() || strict.flush(out).isError() || in.hasRemaining())
        {
            return Streamed.MALFORMED_AT_END;
        }
        return Streamed.VALID;
    }

    // ---------------------------------------------------------------- helpers

    private static String hex(final byte[] bytes)
    {
        return HEX.formatHex(bytes);
    }

    private static byte[] unhex(final String hex)
    {
        return HEX.parseHex(hex);
    }

    /** Ascending cut points in (0, length], the last one length; {0} for no bytes. */
    private static int[] randomCuts(final Random random, final int length)
    {
        if (length <= 1)
        {
            return new int[]{length};
        }
        final int pieces = 1 + random.nextInt(Math.min(length, 6));
        final int[] inner = random.ints(pieces - 1L, 1, length).sorted().distinct().toArray();
        final int[] cuts = Arrays.copyOf(inner, inner.length + 1);
        cuts[inner.length] = length;
        return cuts;
    }

    private boolean update(
        final Utf8Validator validator, final byte[] bytes, final int from, final int to, final boolean viaBuffer)
    {
        if (!viaBuffer)
        {
            return validator.update(bytes, from, to);
        }
        // absolute indexes into a direct buffer whose position sits elsewhere, and stays there
        final ByteBuffer buffer = bytes.length + 7 <= direct.capacity() ? direct.clear() :
            ByteBuffer.allocateDirect(bytes.length + 7);
        buffer.position(7);
        buffer.put(bytes);
        buffer.position(3);
        final boolean result = validator.update(buffer, from + 7, to + 7);
        if (buffer.position() != 3)
        {
            throw new AssertionError("update(ByteBuffer, ...) moved the position to " + buffer.position());
        }
        return result;
    }

    /**
     * Feed the bytes in these chunks, checking after each chunk against the valid-prefix oracle
     * and at the end against the JDK.
     */
    private void check(final byte[] bytes, final int[] cuts, final boolean viaBuffer, final String context)
    {
        final Utf8Validator validator = new Utf8Validator();
        int from = 0;
        for (final int cut : cuts)
        {
            final boolean ok = update(validator, bytes, from, cut, viaBuffer);
            final boolean expected = jdkValidPrefix(bytes, cut);
            if (ok != expected)
            {
                throw mismatch("update after " + cut + " bytes returned " + ok + ", the JDK says a valid prefix: " +
                    expected, bytes, cuts, viaBuffer, context);
            }
            from = cut;
        }
        final boolean valid = jdkValid(bytes, bytes.length);
        if (validator.isComplete() != valid)
        {
            throw mismatch("isComplete " + validator.isComplete() + ", the JDK says valid: " + valid,
                bytes, cuts, viaBuffer, context);
        }
        final Streamed streamed = jdkStreamed(bytes, cuts);
        if ((streamed == Streamed.VALID) != valid)
        {
            throw mismatch("the JDK fed the same chunks: " + streamed, bytes, cuts, viaBuffer, context);
        }
        if (!valid && jdkValidPrefix(bytes, bytes.length) && streamed != Streamed.MALFORMED_AT_END)
        {
            // incomplete at the end, not failed: the decoder sees nothing malformed until told the input ended
            throw mismatch("incomplete, but the JDK fed the same chunks: " + streamed, bytes, cuts, viaBuffer, context);
        }
    }

    private static AssertionError mismatch(
        final String what, final byte[] bytes, final int[] cuts, final boolean viaBuffer, final String context)
    {
        return new AssertionError(context + ": " + what + "; bytes [" + hex(bytes) + "], chunks ending at " +
            Arrays.toString(cuts) + (viaBuffer ? " via ByteBuffer" : " via byte[]"));
    }

    private void checkWhole(final byte[] bytes)
    {
        check(bytes, new int[]{bytes.length}, false, "whole");
    }

    // ---------------------------------------------------------------- random

    private static void appendCodePoint(final ByteArrayOutputStream out, final int codePoint)
    {
        final byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        out.write(encoded, 0, encoded.length);
    }

    private static int randomScalar(final Random random)
    {
        return switch (random.nextInt(6))
        {
            case 0 -> random.nextInt(0x80);
            case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
            case 2 ->
            {
                final int cp = 0x800 + random.nextInt(0x10000 - 0x800 - 0x800);
                yield cp >= 0xD800 ? cp + 0x800 : cp; // skip the surrogates
            }
            case 3 -> 0x10000 + random.nextInt(0x110000 - 0x10000);
            case 4 -> new int[]{0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF}[random.nextInt(10)];
            default -> 'a' + random.nextInt(26);
        };
    }

    /** Mostly UTF-8, with the kinds of damage a validator must see. */
    private static byte[] randomText(final Random random)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int units = random.nextInt(12);
        for (int i = 0; i < units; i++)
        {
            final int kind = random.nextInt(20);
            if (kind < 11)
            {
                appendCodePoint(out, randomScalar(random));
            }
            else if (kind < 13)
            {
                out.write(random.nextInt(256)); // any byte
            }
            else if (kind < 14)
            {
                out.write(0x80 + random.nextInt(0x40)); // a stray continuation
            }
            else if (kind < 16)
            {
                final byte[] encoded = new String(Character.toChars(0x80 + random.nextInt(0x110000 - 0x80 - 0x800)))
                    .getBytes(StandardCharsets.UTF_8);
                out.write(encoded, 0, Math.max(1, encoded.length - 1 - random.nextInt(encoded.length))); // truncated
            }
            else if (kind < 17)
            {
                final int[] leads = {0xC0, 0xC1, 0xE0, 0xF0}; // overlong forms
                final int lead = leads[random.nextInt(leads.length)];
                out.write(lead);
                out.write(lead == 0xE0 ? 0x80 + random.nextInt(0x20) : lead == 0xF0 ? 0x80 + random.nextInt(0x10) :
                    0x80 + random.nextInt(0x40));
                for (int k = lead >= 0xF0 ? 2 : lead >= 0xE0 ? 1 : 0; k > 0; k--)
                {
                    out.write(0x80 + random.nextInt(0x40));
                }
            }
            else if (kind < 18)
            {
                out.write(0xED); // a surrogate
                out.write(0xA0 + random.nextInt(0x20));
                out.write(0x80 + random.nextInt(0x40));
            }
            else if (kind < 19)
            {
                out.write(random.nextBoolean() ? 0xF4 : 0xF5 + random.nextInt(11)); // above U+10FFFF
                out.write(0x90 + random.nextInt(0x30));
                out.write(0x80 + random.nextInt(0x40));
                out.write(0x80 + random.nextInt(0x40));
            }
            else
            {
                final int cp = randomScalar(random);
                final byte[] encoded = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                if (encoded.length > 1)
                {
                    encoded[1 + random.nextInt(encoded.length - 1)] = (byte)random.nextInt(256); // a damaged tail
                }
                out.write(encoded, 0, encoded.length);
            }
        }
        return out.toByteArray();
    }

    private void checkRandom(final long seed, final int strings)
    {
        final Random random = new Random(seed);
        int valid = 0;
        int incomplete = 0;
        for (int i = 0; i < strings; i++)
        {
            final byte[] bytes = random.nextInt(10) == 0 ? noise(random) : randomText(random);
            final int[] cuts = randomCuts(random, bytes.length);
            check(bytes, cuts, random.nextBoolean(), "seed " + seed + ", string " + i);
            if (jdkValid(bytes, bytes.length))
            {
                valid++;
            }
            else if (jdkValidPrefix(bytes, bytes.length))
            {
                incomplete++;
            }
        }
        // the generator must reach all three outcomes, or the cross-check proves little
        assertThat(valid).as("valid strings, seed %d", seed).isGreaterThan(strings / 10);
        assertThat(incomplete).as("incomplete strings, seed %d", seed).isGreaterThan(strings / 50);
        assertThat(strings - valid - incomplete).as("failed strings, seed %d", seed).isGreaterThan(strings / 10);
    }

    private static byte[] noise(final Random random)
    {
        final byte[] bytes = new byte[random.nextInt(8)];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
        }
        return bytes;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 20_260_101})
    void shouldAgreeWithTheJdkOnRandomTextInRandomChunks(final long seed)
    {
        checkRandom(seed, 20_000);
    }

    @Test
    void shouldAgreeWithTheJdkOnAFreshSeed()
    {
        checkRandom(System.nanoTime(), 20_000); // the seed is in any failure's message
    }

    // ---------------------------------------------------------------- exhaustive

    @Test
    void shouldAgreeWithTheJdkOnEveryStringOfOneOrTwoBytes()
    {
        for (int a = 0; a < 256; a++)
        {
            checkWhole(new byte[]{(byte)a});
            for (int b = 0; b < 256; b++)
            {
                checkWhole(new byte[]{(byte)a, (byte)b});
            }
        }
    }

    @Test
    void shouldAgreeWithTheJdkAroundEveryThreeAndFourByteLead()
    {
        final int[] leads3 = {0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        final int[] tails3 = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        for (final int lead : leads3)
        {
            for (int second = 0; second < 256; second++)
            {
                for (final int third : tails3)
                {
                    final byte[] bytes = {(byte)lead, (byte)second, (byte)third};
                    checkWhole(bytes);
                    check(bytes, new int[]{1, 2, 3}, true, "byte by byte");
                }
            }
        }
        final int[] leads4 = {0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7};
        final int[] tails4 = {0x7F, 0x80, 0xBF, 0xC0};
        for (final int lead : leads4)
        {
            for (int second = 0; second < 256; second++)
            {
                for (final int third : tails4)
                {
                    for (final int fourth : tails4)
                    {
                        checkWhole(new byte[]{(byte)lead, (byte)second, (byte)third, (byte)fourth});
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- boundary cases

    private static Utf8Validator validated(final String hex)
    {
        final byte[] bytes = unhex(hex);
        final Utf8Validator validator = new Utf8Validator();
        validator.update(bytes, 0, bytes.length);
        return validator;
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {
        "", "00", "7F", "C2 80", "DF BF", "E0 A0 80", "ED 9F BF", "EE 80 80", "EF BF BF", "EF BB BF",
        "F0 90 80 80", "F3 BF BF BF", "F4 8F BF BF", "CE BA E1 BD B9 CF 83 CE BC CE B5"})
    void shouldAcceptValidText(final String hex)
    {
        final Utf8Validator validator = validated(hex);
        assertThat(validator.isComplete()).isTrue();
        assertThat(jdkValid(unhex(hex), unhex(hex).length)).isTrue();
        checkWhole(unhex(hex));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "C0 80", "C1 BF", // overlong 2-byte
        "E0 80 80", "E0 9F BF", // overlong 3-byte
        "F0 80 80 80", "F0 8F BF BF", // overlong 4-byte
        "ED A0 80", "ED AF BF", "ED B0 80", "ED BF BF", // surrogates
        "F4 90 80 80", "F5 80 80 80", "F7 BF BF BF", // above U+10FFFF
        "F8 88 80 80 80", "FC 84 80 80 80 80", "FE", "FF", // 5- and 6-byte forms, never-bytes
        "80", "BF", "C2 41", "E1 80 41", "F1 80 80 41", "C2 C2 80"})
    void shouldRefuseInvalidText(final String hex)
    {
        final byte[] bytes = unhex(hex);
        final Utf8Validator validator = new Utf8Validator();
        assertThat(validator.update(bytes, 0, bytes.length)).isFalse();
        assertThat(validator.isComplete()).isFalse();
        assertThat(jdkValid(bytes, bytes.length)).isFalse();
        checkWhole(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"C0", "C1", "E0 80", "E0 9F", "ED A0", "ED BF", "F0 80", "F0 8F", "F4 90", "F4 BF", "F5"})
    void shouldFailAtTheFirstByteNoCompletionCanSave(final String hex)
    {
        final Utf8Validator validator = validated(hex);
        assertThat(validator.isComplete()).isFalse();
        final byte[] bytes = unhex(hex);
        assertThat(validator.update(bytes, 0, 0)).as("failed already, before the sequence ends").isFalse();
        checkWhole(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"C2", "DF", "E0", "E0 A0", "E1", "E1 80", "ED", "ED 9F", "F0", "F0 90", "F0 90 80",
        "F1 80 80", "F4", "F4 8F", "F4 8F BF", "41 E2 82"})
    void shouldReportATruncatedSequenceAsIncompleteNotFailed(final String hex)
    {
        final byte[] bytes = unhex(hex);
        final Utf8Validator validator = new Utf8Validator();
        assertThat(validator.update(bytes, 0, bytes.length)).isTrue();
        assertThat(validator.isComplete()).isFalse();
        checkWhole(bytes);
    }

    @Test
    void shouldCompleteASequenceSplitAcrossUpdates()
    {
        final byte[] bytes = unhex("F4 8F BF BF");
        final Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++)
        {
            assertThat(validator.isComplete()).isEqualTo(i == 0);
            assertThat(validator.update(bytes, i, i + 1)).isTrue();
        }
        assertThat(validator.isComplete()).isTrue();
    }

    @Test
    void shouldStayFailedUntilReset()
    {
        final Utf8Validator validator = validated("C0 80");
        final byte[] ascii = "fine".getBytes(StandardCharsets.US_ASCII);
        assertThat(validator.update(ascii, 0, ascii.length)).isFalse();
        assertThat(validator.isComplete()).isFalse();
        validator.reset();
        assertThat(validator.isComplete()).isTrue();
        assertThat(validator.update(ascii, 0, ascii.length)).isTrue();
        assertThat(validator.isComplete()).isTrue();
    }

    @Test
    void shouldForgetAnIncompleteSequenceOnReset()
    {
        final Utf8Validator validator = validated("E0");
        validator.reset();
        final byte[] continuation = unhex("80");
        assertThat(validator.update(continuation, 0, 1)).as("a stray continuation after reset").isFalse();
        validator.reset();
        final byte[] ed = unhex("ED");
        validator.update(ed, 0, 1);
        validator.reset();
        final byte[] e1 = unhex("E1 A0 80");
        assertThat(validator.update(e1, 0, 3)).as("no bound of ED left behind").isTrue();
        assertThat(validator.isComplete()).isTrue();
    }
}
