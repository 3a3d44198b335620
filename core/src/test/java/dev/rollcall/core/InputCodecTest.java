package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static dev.rollcall.core.CodecUtil.ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Round trips of every state input through {@link InputCodec} and its fail-fast checks.
 */
class InputCodecTest
{
    private static final int OFFSET = 24;
    private static final byte SENTINEL = (byte)0x5A;
    private static final String[] STRINGS = {
        "", "a", "reason", "héllo ☃", "日本語", "\uD83D\uDE00 grin", "tab\tnew\nline", "\u0000nul", "\uD800lone",
        "x".repeat(300)};

    @Test
    void shouldRoundTripEveryStateInputTypeWithRandomValues()
    {
        final SplittableRandom master = new SplittableRandom(0xC0DEC);
        for (int run = 0; run < 300; run++)
        {
            final long seed = master.nextLong();
            final SplittableRandom random = new SplittableRandom(seed);
            for (int type = InputType.TICK; type <= InputType.LAST_STATE_INPUT; type++)
            {
                final Input input = randomInput(random, type);
                final String description = "seed=" + seed + " input=" + input;
                final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
                final int offset = random.nextInt(0, 64);
                buffer.setMemory(0, offset, SENTINEL);

                final int length = InputCodec.encode(buffer, offset, input);

                assertThat(length).as(description).isEqualTo(expectedLength(input));
                for (int i = 0; i < offset; i++)
                {
                    assertThat(buffer.getByte(i)).as(description + " byte before the input").isEqualTo(SENTINEL);
                }

                final Input decoded = new Input();
                InputCodec.decode(buffer, offset, length, decoded);
                assertThat(decoded.toString()).as(description).isEqualTo(input.toString());

                // the encoding is self-contained: exactly `length` bytes, decodable wherever they are copied
                final UnsafeBuffer exact = new UnsafeBuffer(new byte[length]);
                exact.putBytes(0, buffer, offset, length);
                final Input fromCopy = new Input();
                InputCodec.decode(exact, 0, length, fromCopy);
                assertThat(fromCopy.toString()).as(description).isEqualTo(input.toString());
            }
        }
    }

    @Test
    void shouldCallABooleanThatIsNeitherZeroNorOneACorruptInput()
    {
        final Input input = new Input().set(InputType.UPDATE_CLIENT, 1).userId(3).reason("r");
        input.changes().afk(true);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, 0, input);
        buffer.putByte(length - 1, (byte)7); // the afk byte, the last of the changes

        for (final StringCache strings : new StringCache[]{null, new StringCache(4, 8)})
        {
            assertThatThrownBy(() -> InputCodec.decode(buffer, 0, length, new Input(), FieldTable.PRESENCE, strings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corrupt update input at offset 0");
        }
    }

    @Test
    void shouldRoundTripAConnectWithPresence()
    {
        final Input input = new Input().set(InputType.CONNECT_USER_WITH_PRESENCE, 12).userId(3).connectionId(4)
            .reason("identify");
        input.changes().status(Status.INVISIBLE).attribute("k", 5L).lobbyId(2);

        assertThat(roundTrip(input).toString()).isEqualTo(input.toString());
    }

    @Test
    void shouldRoundTripEveryFieldAndAttributeKind()
    {
        final Input input = new Input().set(InputType.UPDATE_CLIENT_FULL, -5).userId(-1).connectionId(Long.MIN_VALUE)
            .subscriberId(Long.MAX_VALUE).lobbyId(0).value(-42).reason("héllo ☃");
        input.changes()
            .status(Status.INVISIBLE).afk(true).inGame(true).partyId(-7)
            .attribute("s", "héllo ☃").attribute("l", Long.MIN_VALUE).removeAttribute("r")
            .attribute("", "").attribute(null, (String)null).removeAttribute(null)
            .lobbyId(Long.MAX_VALUE).ready(true).player(true).playerNumber(-1).teamNumber(Integer.MAX_VALUE)
            .teamColour(0xFF00FF).sync(Integer.MIN_VALUE).lobbyHost(true);
        input.changes().addAttribute("odd", (byte)9, null, 0);

        final Input decoded = roundTrip(input);

        assertThat(decoded.toString()).isEqualTo(input.toString());
        final Changes changes = decoded.changes();
        assertThat(changes.mask()).isEqualTo(FieldTable.PRESENCE.allMask());
        assertThat(changes.attributeCount()).isEqualTo(7);
        assertThat(changes.attributeKind(0)).isEqualTo(Changes.ATTRIBUTE_STRING);
        assertThat(changes.attributeKind(1)).isEqualTo(Changes.ATTRIBUTE_LONG);
        assertThat(changes.attributeLong(1)).isEqualTo(Long.MIN_VALUE);
        assertThat(changes.attributeKind(2)).isEqualTo(Changes.ATTRIBUTE_REMOVE);
        assertThat(changes.attributeKey(3)).isEmpty();
        assertThat(changes.attributeString(3)).isEmpty();
        assertThat(changes.attributeKey(4)).isNull();
        assertThat(changes.attributeString(4)).isNull();
        assertThat(changes.attributeKind(6)).isEqualTo((byte)9);
    }

    @Test
    void shouldRoundTripNullStatusAndNullReason()
    {
        final Input input = new Input().set(InputType.UPDATE_CLIENT, 1).userId(3).reason(null);
        input.changes().status(null);

        final Input decoded = roundTrip(input);

        assertThat(decoded.toString()).isEqualTo(input.toString());
        assertThat(decoded.reason()).isNull();
        assertThat(decoded.changes().has(Field.STATUS)).isTrue();
        assertThat(decoded.changes().status()).isNull();
    }

    @Test
    void shouldDecodeIntoReusedInputWithoutLeftovers()
    {
        final Input update = new Input().set(InputType.UPDATE_CLIENT_FULL, 9).userId(4).reason("r");
        update.changes().afk(true).attribute("k", "v").lobbyId(3);
        final Input tick = new Input().set(InputType.TICK, 10);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int updateLength = InputCodec.encode(buffer, 0, update);
        final int tickLength = InputCodec.encode(buffer, updateLength, tick);

        final Input reused = new Input();
        InputCodec.decode(buffer, 0, updateLength, reused);
        assertThat(reused.toString()).isEqualTo(update.toString());
        InputCodec.decode(buffer, updateLength, tickLength, reused);
        assertThat(reused.toString()).isEqualTo(tick.toString());
        assertThat(reused.reason()).isNull();
        assertThat(reused.changes().isEmpty()).isTrue();
        assertThat(reused.changes().attributeCount()).isZero();
    }

    @Test
    void shouldRoundTripSetLimitsWithAnyIntsIncludingNegativeOnes()
    {
        for (final Input input : new Input[]{
            new Input().set(InputType.SET_LIMITS, 3).limits(Limits.DEFAULT),
            new Input().set(InputType.SET_LIMITS, 4).limits(-1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE)})
        {
            final Input decoded = roundTrip(input);

            assertThat(decoded.toString()).isEqualTo(input.toString()).contains("limits=[");
            assertThat(new int[]{decoded.maxAttributes(), decoded.maxAttributeKeyBytes(), decoded.maxAttributeValueBytes(),
                decoded.maxReasonBytes()}).containsExactly(input.maxAttributes(), input.maxAttributeKeyBytes(),
                input.maxAttributeValueBytes(), input.maxReasonBytes());
        }
    }

    @Test
    void shouldWriteTheCurrentVersion()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        InputCodec.encode(buffer, OFFSET, new Input().set(InputType.TICK, 1));

        assertThat(buffer.getShort(OFFSET + InputCodec.VERSION_OFFSET, ORDER)).isEqualTo((short)2).isEqualTo(InputCodec.VERSION);
    }

    @Test
    void shouldReadAVersionOneInputCraftedByHand()
    {
        // version 1, SET_GRACE_PERIOD (13), reserved, time 77, ids 1..4, value 5000: the layout before SET_LIMITS
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[OFFSET + InputCodec.HEADER_LENGTH]);
        buffer.putShort(OFFSET, (short)1, ORDER);
        buffer.putShort(OFFSET + 2, (short)13, ORDER);
        buffer.putInt(OFFSET + 4, 0, ORDER);
        buffer.putLong(OFFSET + 8, 77, ORDER);
        buffer.putLong(OFFSET + 16, 1, ORDER);
        buffer.putLong(OFFSET + 24, 2, ORDER);
        buffer.putLong(OFFSET + 32, 3, ORDER);
        buffer.putLong(OFFSET + 40, 4, ORDER);
        buffer.putLong(OFFSET + 48, 5_000, ORDER);

        final Input decoded = new Input();
        InputCodec.decode(buffer, OFFSET, InputCodec.HEADER_LENGTH, decoded);

        assertThat(decoded.toString()).isEqualTo(new Input().set(InputType.SET_GRACE_PERIOD, 77)
            .userId(1).connectionId(2).subscriberId(3).lobbyId(4).value(5_000).toString());
    }

    @Test
    void shouldReadEveryVersionOneTypeWhoseLayoutVersionTwoKept()
    {
        final SplittableRandom random = new SplittableRandom(0x1AB);
        for (int type = InputType.TICK; type <= InputType.CONNECT_USER_WITH_PRESENCE; type++)
        {
            final Input input = randomInput(random, type);
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
            final int length = InputCodec.encode(buffer, OFFSET, input);
            buffer.putShort(OFFSET + InputCodec.VERSION_OFFSET, (short)1, ORDER);

            final Input decoded = new Input();
            InputCodec.decode(buffer, OFFSET, length, decoded);

            assertThat(decoded.toString()).as(InputType.name(type)).isEqualTo(input.toString());
        }
    }

    @Test
    void shouldRefuseASetLimitsInAVersionOneInput()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, new Input().set(InputType.SET_LIMITS, 1).limits(Limits.DEFAULT));
        buffer.putShort(OFFSET + InputCodec.VERSION_OFFSET, (short)1, ORDER);

        assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, length, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("unknown input type " + InputType.SET_LIMITS + " in a version 1 input")
            .hasMessageContaining("offset " + OFFSET);
    }

    // ------------------------------------------------------------------------------------------
    // fail fast
    // ------------------------------------------------------------------------------------------

    @Test
    void shouldFailOnTruncatedBuffer()
    {
        for (final Input input : new Input[]{sampleUpdate(), new Input().set(InputType.CONNECT_USER, 5).userId(1),
            new Input().set(InputType.SET_LIMITS, 5).limits(1, 2, 3, 4)})
        {
            final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer();
            final int length = InputCodec.encode(encoded, 0, input);
            for (int cut = 0; cut < length; cut++)
            {
                final UnsafeBuffer truncated = new UnsafeBuffer(new byte[OFFSET + cut]);
                truncated.putBytes(OFFSET, encoded, 0, cut);
                final int truncatedLength = cut;

                assertThatThrownBy(() -> InputCodec.decode(truncated, OFFSET, truncatedLength, new Input()))
                    .as("%s cut to %d of %d bytes", InputType.name(input.type()), cut, length)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("offset " + OFFSET);
            }
        }
    }

    @Test
    void shouldFailWhenLengthEndsBeforeUpdateContent()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, sampleUpdate());

        assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, length - 1, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("offset " + OFFSET);
        assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, InputCodec.HEADER_LENGTH - 1, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("offset " + OFFSET);
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 3, -1, Short.MAX_VALUE})
    void shouldFailOnUnknownVersion(final short version)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, sampleUpdate());
        buffer.putShort(OFFSET + InputCodec.VERSION_OFFSET, version, ORDER);

        assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, length, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("version " + version)
            .hasMessageContaining("offset " + OFFSET);
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, -1, 17, 99, 100, 101, 102, Short.MAX_VALUE, Short.MIN_VALUE})
    void shouldFailOnUnknownType(final short type)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, new Input().set(InputType.TICK, 1));
        buffer.putShort(OFFSET + InputCodec.TYPE_OFFSET, type, ORDER);

        assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, length, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("type " + type)
            .hasMessageContaining("offset " + OFFSET);
    }

    @Test
    void shouldFailOnUnknownMaskBits()
    {
        final int fieldCount = FieldTable.PRESENCE.count();
        for (int bit = fieldCount; bit < Integer.SIZE; bit++)
        {
            final Input input = sampleUpdate();
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
            final int length = InputCodec.encode(buffer, OFFSET, input);
            final int maskOffset = OFFSET + InputCodec.HEADER_LENGTH + Integer.BYTES + 2 * input.reason().length();
            assertThat(buffer.getInt(maskOffset, ORDER)).isEqualTo(input.changes().mask());
            buffer.putInt(maskOffset, input.changes().mask() | (1 << bit), ORDER);

            assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, length, new Input()))
                .as("bit %d", bit)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown field bits")
                .hasMessageMatching("(?s).*offset \\d+.*");
        }
    }

    @Test
    void shouldFailOnTrailingGarbage()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int tickLength = InputCodec.encode(buffer, OFFSET, new Input().set(InputType.TICK, 1));
        for (final int extra : new int[]{1, 8, 100})
        {
            assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, tickLength + extra, new Input()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset " + OFFSET);
        }

        final int updateLength = InputCodec.encode(buffer, OFFSET, sampleUpdate());
        for (final int extra : new int[]{1, 8, 100})
        {
            assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, updateLength + extra, new Input()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset " + OFFSET);
        }

        final int limitsLength = InputCodec.encode(buffer, OFFSET, new Input().set(InputType.SET_LIMITS, 1).limits(1, 2, 3, 4));
        for (final int extra : new int[]{1, 8, 100})
        {
            assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, limitsLength + extra, new Input()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SET_LIMITS input at offset " + OFFSET);
        }
    }

    @Test
    void shouldFailOnNegativeAttributeCount()
    {
        final Input input = new Input().set(InputType.UPDATE_CLIENT, 1).userId(1).reason("");
        input.changes().attribute("k", 1);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, input);
        final int countOffset = OFFSET + InputCodec.HEADER_LENGTH + Integer.BYTES + Integer.BYTES;
        assertThat(buffer.getInt(countOffset, ORDER)).isEqualTo(1);
        buffer.putInt(countOffset, -3, ORDER);

        assertThatThrownBy(() -> InputCodec.decode(buffer, OFFSET, length, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageMatching("(?s).*offset \\d+.*");
    }

    @ParameterizedTest
    @ValueSource(ints = {-2, -100, Integer.MIN_VALUE, 1000})
    void shouldFailOnCorruptStringLength(final int corruptLength)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, sampleUpdate());
        buffer.putInt(OFFSET + InputCodec.HEADER_LENGTH, corruptLength, ORDER);
        final UnsafeBuffer exact = new UnsafeBuffer(new byte[OFFSET + length]);
        exact.putBytes(0, buffer, 0, OFFSET + length);

        assertThatThrownBy(() -> InputCodec.decode(exact, OFFSET, length, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("offset " + OFFSET);
    }

    @Test
    void shouldFailOnHugeStringLengthWithoutAllocating()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, sampleUpdate());
        buffer.putInt(OFFSET + InputCodec.HEADER_LENGTH, Integer.MAX_VALUE, ORDER);
        final UnsafeBuffer exact = new UnsafeBuffer(new byte[OFFSET + length]);
        exact.putBytes(0, buffer, 0, OFFSET + length);

        assertThatThrownBy(() -> InputCodec.decode(exact, OFFSET, length, new Input()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("offset " + OFFSET);
    }

    // ------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------

    private static Input roundTrip(final Input input)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, OFFSET, input);
        assertThat(length).isEqualTo(expectedLength(input));
        final Input decoded = new Input();
        InputCodec.decode(buffer, OFFSET, length, decoded);
        return decoded;
    }

    private static Input sampleUpdate()
    {
        final Input input = new Input().set(InputType.UPDATE_CLIENT_FULL, 100).userId(7).reason("héllo ☃");
        input.changes().status(Status.DND).partyId(3).attribute("k", "v").attribute("n", -4).removeAttribute("gone")
            .lobbyId(2).teamColour(-1).lobbyHost(true);
        return input;
    }

    private static boolean isUpdate(final int type)
    {
        return type == InputType.UPDATE_CLIENT || type == InputType.UPDATE_CLIENT_IN_LOBBY ||
            type == InputType.UPDATE_CLIENT_FULL;
    }

    /**
     * The length the layout documented in {@link InputCodec} and {@link ChangesCodec} prescribes,
     * computed independently of the codec.
     */
    private static int expectedLength(final Input input)
    {
        int length = InputCodec.HEADER_LENGTH;
        if (input.type() == InputType.SET_LIMITS)
        {
            return length + 4 * Integer.BYTES;
        }
        if (!isUpdate(input.type()) && input.type() != InputType.CONNECT_USER_WITH_PRESENCE)
        {
            return length;
        }
        final Changes c = input.changes();
        length += stringLength(input.reason());
        length += Integer.BYTES;
        length += c.has(Field.STATUS) ? 1 : 0;
        length += c.has(Field.AFK) ? 1 : 0;
        length += c.has(Field.IN_GAME) ? 1 : 0;
        length += c.has(Field.PARTY_ID) ? Long.BYTES : 0;
        if (c.has(Field.ATTRIBUTES))
        {
            length += Integer.BYTES;
            for (int i = 0; i < c.attributeCount(); i++)
            {
                length += stringLength(c.attributeKey(i)) + 1;
                if (c.attributeKind(i) == Changes.ATTRIBUTE_STRING)
                {
                    length += stringLength(c.attributeString(i));
                }
                else if (c.attributeKind(i) == Changes.ATTRIBUTE_LONG)
                {
                    length += Long.BYTES;
                }
            }
        }
        length += c.has(Field.LOBBY_ID) ? Long.BYTES : 0;
        length += c.has(Field.READY) ? 1 : 0;
        length += c.has(Field.PLAYER) ? 1 : 0;
        length += c.has(Field.PLAYER_NUMBER) ? Integer.BYTES : 0;
        length += c.has(Field.TEAM_NUMBER) ? Integer.BYTES : 0;
        length += c.has(Field.TEAM_COLOUR) ? Integer.BYTES : 0;
        length += c.has(Field.SYNC) ? Integer.BYTES : 0;
        length += c.has(Field.LOBBY_HOST) ? 1 : 0;
        return length;
    }

    private static int stringLength(final String value)
    {
        return Integer.BYTES + (null == value ? 0 : value.length() * Character.BYTES);
    }

    private static Input randomInput(final SplittableRandom random, final int type)
    {
        final Input input = new Input().set(type, randomLong(random))
            .userId(randomLong(random))
            .connectionId(randomLong(random))
            .subscriberId(randomLong(random))
            .lobbyId(randomLong(random))
            .value(randomLong(random));
        if (isUpdate(type))
        {
            input.reason(randomString(random));
            randomChanges(random, input.changes());
        }
        if (type == InputType.SET_LIMITS)
        {
            input.limits((int)randomLong(random), (int)randomLong(random), (int)randomLong(random), (int)randomLong(random));
        }
        return input;
    }

    private static void randomChanges(final SplittableRandom random, final Changes c)
    {
        for (int number = 0; number < FieldTable.PRESENCE.count(); number++)
        {
            final Field field = FieldTable.PRESENCE.field(number);
            if (random.nextInt(3) == 0)
            {
                continue;
            }
            switch (field.kind())
            {
                case STATUS -> c.set(field, random.nextInt(-1, Status.count() + 1));
                case BOOLEAN -> c.set(field, random.nextInt(2));
                case INT32 -> c.set(field, randomInt(random));
                case INT64 -> c.set(field, randomLong(random));
                case ATTRIBUTES ->
                {
                    final int count = random.nextInt(0, 7);
                    for (int i = 0; i < count; i++)
                    {
                        final String key = randomString(random);
                        switch (random.nextInt(4))
                        {
                            case 0 -> c.attribute(key, randomString(random));
                            case 1 -> c.attribute(key, randomLong(random));
                            case 2 -> c.removeAttribute(key);
                            default -> c.addAttribute(key, (byte)random.nextInt(-128, 128), null, 0);
                        }
                    }
                }
                default -> throw new IllegalStateException(field.name());
            }
        }
    }

    private static long randomLong(final SplittableRandom random)
    {
        return switch (random.nextInt(6))
        {
            case 0 -> 0;
            case 1 -> -random.nextLong(1, 1000);
            case 2 -> Long.MIN_VALUE;
            case 3 -> Long.MAX_VALUE;
            case 4 -> random.nextLong(1, 1000);
            default -> random.nextLong();
        };
    }

    private static int randomInt(final SplittableRandom random)
    {
        return switch (random.nextInt(5))
        {
            case 0 -> 0;
            case 1 -> -random.nextInt(1, 1000);
            case 2 -> Integer.MIN_VALUE;
            case 3 -> Integer.MAX_VALUE;
            default -> random.nextInt();
        };
    }

    private static String randomString(final SplittableRandom random)
    {
        final int roll = random.nextInt(10);
        if (roll == 0)
        {
            return null;
        }
        if (roll < 6)
        {
            return STRINGS[random.nextInt(STRINGS.length)];
        }
        final char[] chars = new char[random.nextInt(0, 40)];
        for (int i = 0; i < chars.length; i++)
        {
            chars[i] = (char)random.nextInt(0, Character.MAX_VALUE + 1);
        }
        return new String(chars);
    }
}
