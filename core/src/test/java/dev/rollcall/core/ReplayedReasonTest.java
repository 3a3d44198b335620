package dev.rollcall.core;

import dev.rollcall.model.Result;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay leaves a reason encoded and decides its length limit from the code units when they
 * settle it: the decision must be the one the live logic made on the decoded string, for every
 * mix of one-, two-, three- and four-byte characters (and lone surrogates), at lengths around
 * the limit, in both input layouts.
 */
class ReplayedReasonTest
{
    private static final int USER = 7;

    @Test
    void shouldRefuseAndAcceptExactlyTheReasonsTheLiveLogicDid()
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final int limit = Limits.DEFAULT.maxReasonBytes();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        int refused = 0;
        int applied = 0;
        for (int round = 0; round < 3_000; round++)
        {
            final String reason = randomReason(random, random.nextInt(limit / 3 - 4, limit + 6));
            final short version = random.nextInt(4) == 0 ? (short)1 : InputCodec.VERSION;
            final boolean withPresence = random.nextBoolean();

            final Input input = withPresence ?
                new Input().set(InputType.CONNECT_USER_WITH_PRESENCE, 2).userId(USER).connectionId(2).reason(reason) :
                new Input().set(InputType.UPDATE_CLIENT, 2).userId(USER).reason(reason);
            input.changes().afk(round % 2 == 0).inGame(round % 3 == 0);
            final int length = InputCodec.encode(buffer, 0, input);
            buffer.putShort(InputCodec.VERSION_OFFSET, version, ByteOrder.LITTLE_ENDIAN);

            final Input live = new Input();
            InputCodec.decode(buffer, 0, length, live);
            final Result expected = connectedLogic().apply(live, new Outbox());

            final PresenceStateMachine replay = new PresenceStateMachine(Limits.DEFAULT);
            replay.apply(new Input().set(InputType.CONNECT_USER, 1).userId(USER).connectionId(1));
            final Result replayed = replay.apply(buffer, 0, length);

            assertThat(replayed).as("seed %d, reason of %d chars, version %d", seed, reason.length(), version)
                .isEqualTo(expected);
            refused += expected == Result.REASON_TOO_LONG ? 1 : 0;
            applied += expected == Result.APPLIED ? 1 : 0;
        }
        assertThat(refused).as("seed %d: some reasons refused", seed).isPositive();
        assertThat(applied).as("seed %d: some reasons applied", seed).isPositive();
    }

    private static PresenceLogic connectedLogic()
    {
        final PresenceLogic logic = new PresenceLogic(Limits.DEFAULT, 60_000);
        logic.apply(new Input().set(InputType.CONNECT_USER, 1).userId(USER).connectionId(1), new Outbox());
        return logic;
    }

    private static String randomReason(final SplittableRandom random, final int chars)
    {
        final StringBuilder reason = new StringBuilder(chars);
        while (reason.length() < chars)
        {
            switch (random.nextInt(5))
            {
                case 0 -> reason.append((char)random.nextInt('a', 'z' + 1));
                case 1 -> reason.append((char)random.nextInt(0xE0, 0x100)); // two bytes
                case 2 -> reason.append((char)random.nextInt(0x4E00, 0x4E80)); // three bytes
                case 3 -> reason.appendCodePoint(random.nextInt(0x1F600, 0x1F640)); // four bytes, two chars
                default -> reason.append((char)random.nextInt(0xD800, 0xDC00)); // a lone high surrogate
            }
        }
        return reason.toString();
    }
}
