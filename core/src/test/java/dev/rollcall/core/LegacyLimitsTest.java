package dev.rollcall.core;

import dev.rollcall.model.Result;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An input of the journal's first layout was checked against the limits in UTF-16 code units
 * when it was applied live; replay checks it the same way, so an old journal recovers to the
 * state it acknowledged. New inputs count UTF-8 bytes.
 */
class LegacyLimitsTest
{
    private static final String ACCENTED_REASON = "é".repeat(100); // 100 chars, 200 bytes; the default limit is 128

    @Test
    void shouldCountAVersionOneInputsReasonInCharsAndANewOnesInBytes()
    {
        assertThat(apply((short)1)).isEqualTo(Result.APPLIED);
        assertThat(apply(InputCodec.VERSION)).isEqualTo(Result.REASON_TOO_LONG);
    }

    private static Result apply(final short version)
    {
        final PresenceLogic logic = new PresenceLogic(Limits.DEFAULT, 60_000);
        final Outbox outbox = new Outbox();
        logic.apply(new Input().set(InputType.CONNECT_USER, 1).userId(7).connectionId(1), outbox);

        final Input update = new Input().set(InputType.UPDATE_CLIENT, 2).userId(7).reason(ACCENTED_REASON);
        update.changes().afk(true);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = InputCodec.encode(buffer, 0, update);
        buffer.putShort(InputCodec.VERSION_OFFSET, version, ByteOrder.LITTLE_ENDIAN);
        final Input decoded = new Input();
        InputCodec.decode(buffer, 0, length, decoded);
        return logic.apply(decoded, outbox);
    }
}
