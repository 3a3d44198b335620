package dev.rollcall.gateway;

import dev.rollcall.core.InMemoryJournal;
import dev.rollcall.core.Limits;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireLimitsTest
{
    @Test
    void shouldAcceptTheDefaultLimits()
    {
        assertThat(WireLimits.problem(Limits.DEFAULT)).isNull();
    }

    @Test
    void shouldAcceptTheLargestLimitsEachTypeOfTheWireCarries()
    {
        assertThat(WireLimits.problem(new Limits(255, 32, 256, Protocol.MAX_NSTRING_BYTES))).isNull();
        assertThat(WireLimits.problem(new Limits(7, Protocol.MAX_STRING_BYTES, Protocol.MAX_STRING_BYTES, 128))).isNull();
    }

    @Test
    void shouldRefuseLimitsBeyondTheWiresTypes()
    {
        assertThat(WireLimits.problem(new Limits(256, 32, 256, 128))).contains("255 attributes");
        assertThat(WireLimits.problem(new Limits(16, Protocol.MAX_STRING_BYTES + 1, 256, 128))).contains("65535 bytes");
        assertThat(WireLimits.problem(new Limits(16, 32, Protocol.MAX_STRING_BYTES + 1, 128))).contains("65535 bytes");
        assertThat(WireLimits.problem(new Limits(16, 32, 256, Protocol.MAX_NSTRING_BYTES + 1))).contains("65534 bytes");
        assertThat(WireLimits.problem(new Limits(16, Protocol.MAX_STRING_BYTES, Protocol.MAX_STRING_BYTES, 128)))
            .contains("more than a server frame");
    }

    @Test
    void shouldComputeTheLargestDispatchAsTheWriterEncodesIt()
    {
        for (final Limits limits : new Limits[]{Limits.DEFAULT, new Limits(3, 5, 0, 0), new Limits(40, 100, 2_000, 9_000)})
        {
            final Changes full = new Changes().status(Status.DND).afk(true).inGame(true).partyId(1).lobbyId(2)
                .ready(true).player(true).playerNumber(3).teamNumber(4).teamColour(5).sync(6).lobbyHost(true);
            for (int i = 0; i < limits.maxAttributes(); i++)
            {
                final String key = String.valueOf(i);
                final String longestKey = key + "k".repeat(limits.maxAttributeKeyBytes() - key.length());
                if (2 + limits.maxAttributeValueBytes() < Long.BYTES)
                {
                    full.attribute(longestKey, Long.MAX_VALUE); // a long value is the larger one then
                }
                else
                {
                    full.attribute(longestKey, "v".repeat(limits.maxAttributeValueBytes()));
                }
            }
            final ByteBuffer frame = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE);

            final int length = new FrameWriter(frame).dispatch(1, EventType.CLIENT_CONNECTED, 1, 1, 0, 1, "r".repeat(limits.maxReasonBytes()), full);

            assertThat((long)length).as("%s", limits).isEqualTo(WireLimits.largestDispatch(limits));
        }
    }

    @Test
    void shouldCountEveryFieldOfTheTableInAFullState()
    {
        final Field mood = new Field(13, "mood", FieldGroup.STANDARD, FieldKind.INT32, 0, 100, 0, "a new field");
        assertThat(WireLimits.fullStateFixed(FieldTable.PRESENCE.with(mood))).isEqualTo(WireLimits.FULL_STATE_FIXED + 4);
    }

    @Test
    void shouldRefuseToLaunchACoreWithLimitsTheWireCannotCarry()
    {
        final RollcallContext core = new RollcallContext().journal(new InMemoryJournal()).tickIntervalMs(0)
            .limits(new Limits(300, 32, 256, 128));

        assertThatThrownBy(() -> Gateway.launch(core, new GatewayContext().port(0).authenticator((token, now) -> null)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("exceed the wire protocol")
            .hasMessageContaining("255 attributes");
    }
}
