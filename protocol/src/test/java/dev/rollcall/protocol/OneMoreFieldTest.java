package dev.rollcall.protocol;

import static dev.rollcall.protocol.Recorder.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.FieldKind;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * One entry in a {@link FieldTable} is all a new field needs on the wire: a table with one more field, given to
 * the writer and the adapters, carries it through every frame that holds {@code changes}, with no other code.
 */
class OneMoreFieldTest
{
    private static final Field MOOD = new Field(13, "mood", FieldGroup.STANDARD, FieldKind.INT32, 0, 100, 0,
        "how the player feels, 0..100");
    private static final FieldTable TABLE = FieldTable.PRESENCE.with(MOOD);

    private final Recorder recorder = new Recorder();
    private final ByteBuffer buffer = ByteBuffer.allocate(4096);
    private final FrameWriter writer = new FrameWriter(buffer, TABLE);

    private List<Object> decode(final boolean fromClient, final FieldTable table) throws ProtocolException
    {
        buffer.flip();
        recorder.calls.clear();
        final int frameLength = FrameSplitter.nextFrame(buffer, Protocol.MAX_SERVER_FRAME_SIZE);
        if (fromClient)
        {
            new ClientFrameAdapter(recorder, table).decode(buffer, frameLength);
        }
        else
        {
            new ServerFrameAdapter(recorder, table).decode(buffer, frameLength);
        }
        assertThat(recorder.calls).hasSize(1);
        return recorder.calls.get(0);
    }

    @Test
    void shouldRoundTripANewFieldInUpdatesAndIdentifies() throws ProtocolException
    {
        final Changes changes = new Changes().status(Status.IDLE).set(MOOD, 42).attribute("map", "dust");

        buffer.clear();
        writer.update(9, Protocol.GROUP_STANDARD, "feelings", changes);
        final List<Object> update = decode(true, TABLE);
        assertThat(update).isEqualTo(call("onUpdate", 9L, Protocol.GROUP_STANDARD, "feelings", changes));
        assertThat(((Changes)update.get(4)).get(MOOD)).isEqualTo(42);

        buffer.clear();
        writer.identify(Protocol.VERSION, "token", new Changes().set(MOOD, 100), false, 0, 0);
        assertThat(((Changes)decode(true, TABLE).get(3)).get(MOOD)).isEqualTo(100);
    }

    @Test
    void shouldRoundTripANewFieldInDispatchesAndClients() throws ProtocolException
    {
        final Changes diff = new Changes().set(MOOD, 7);
        buffer.clear();
        writer.dispatch(3, EventType.CLIENT_UPDATED, 11, 12, 0, 13, null, diff);
        assertThat(decode(false, TABLE))
            .isEqualTo(call("onDispatch", 3L, EventType.CLIENT_UPDATED, 11L, 12L, 0L, 13L, null, diff));

        final ClientView client = new ClientView().set(11, true, 0, 12);
        client.state().status(Status.ONLINE).afk(false).inGame(false).partyId(0).lobbyId(0).ready(false).player(false)
            .playerNumber(0).teamNumber(0).teamColour(0).sync(0).lobbyHost(false).set(MOOD, 50);
        buffer.clear();
        writer.clients(4, new ClientView[] {client}, 1);
        assertThat(decode(false, TABLE)).isEqualTo(call("onClients", 4L, List.of(client)));

        final ClientView withoutMood = new ClientView().set(11, true, 0, 12);
        withoutMood.state().copyFrom(client.state(), FieldTable.PRESENCE.allMask());
        buffer.clear();
        assertThatThrownBy(() -> writer.clients(4, new ClientView[] {withoutMood}, 1))
            .as("a full state holds every field of the table").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseTheNewFieldWhereTheTableDoesNotHaveIt() throws ProtocolException
    {
        buffer.clear();
        writer.update(9, Protocol.GROUP_STANDARD, "r", new Changes().set(MOOD, 1));
        assertThatThrownBy(() -> decode(true, FieldTable.PRESENCE))
            .isInstanceOf(ProtocolException.class)
            .satisfies(e -> assertThat(((ProtocolException)e).code()).isEqualTo(ErrorCode.MALFORMED_FRAME));

        buffer.clear();
        final FrameWriter presenceOnly = new FrameWriter(buffer);
        assertThatThrownBy(() -> presenceOnly.update(9, Protocol.GROUP_STANDARD, "r", new Changes().set(MOOD, 1)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(buffer.position()).isZero();
    }
}
