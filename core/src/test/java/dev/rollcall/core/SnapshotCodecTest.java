package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

import static dev.rollcall.core.CodecUtil.ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SnapshotCodec}'s versions: version 2 holds the limits in force, version 1 (no limits)
 * still loads, anything else is refused by name.
 */
class SnapshotCodecTest
{
    private static final Limits CONFIGURED = new Limits(2, 8, 8, 8);

    @Test
    void shouldKeepTheLimitsThroughASnapshotRoundTrip()
    {
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        final Input input = new Input();
        state.apply(input.set(InputType.CONNECT_USER, 5).userId(1).connectionId(1));
        assertThat(state.apply(input.set(InputType.SET_LIMITS, 6).limits(7, 40, 300, 90))).isEqualTo(Result.APPLIED);
        final byte[] bytes = snapshot(state);

        final PresenceStateMachine loaded = new PresenceStateMachine(CONFIGURED);
        loaded.loadSnapshot(new UnsafeBuffer(bytes), 0, bytes.length);

        assertThat(loaded.limits()).as("the snapshot's limits, not the configured ones").isEqualTo(new Limits(7, 40, 300, 90));
        assertThat(snapshot(loaded)).isEqualTo(bytes);
        assertThat(new UnsafeBuffer(bytes).getShort(4, ORDER)).isEqualTo(SnapshotCodec.VERSION).isEqualTo((short)2);
    }

    @Test
    void shouldLoadAVersionOneSnapshotWithTheLimitsTheStateWasCreatedWith()
    {
        final byte[] v1 = versionOneSnapshot();

        final PresenceStateMachine loaded = new PresenceStateMachine(CONFIGURED);
        loaded.loadSnapshot(new UnsafeBuffer(v1), 0, v1.length);

        assertThat(loaded.limits()).isEqualTo(CONFIGURED);
        assertThat(loaded.position()).isEqualTo(42);
        assertThat(loaded.now()).isEqualTo(1_000);
        assertThat(loaded.gracePeriodMs()).isEqualTo(5_000);
        assertThat(loaded.clientCount()).isEqualTo(1);
        assertThat(loaded.subscriptionCount()).isEqualTo(2);
        final ClientInfo client = loaded.client(7);
        assertThat(client.connected()).isTrue();
        assertThat(client.connectionIds()).containsExactly(3L);
        assertThat(client.updateId()).isEqualTo(4);
        assertThat(client.status()).isEqualTo(Status.IDLE);
        assertThat(client.lobbyId()).isEqualTo(9);
        assertThat(client.attributes()).containsEntry("mmr", 1500L).containsEntry("game", "chess");

        // written again as version 2: the same content with the limits after the grace period
        final byte[] v2 = snapshot(loaded);
        assertThat(v2).hasSize(v1.length + 16);
        final ByteBuffer limits = ByteBuffer.wrap(v2, 32, 16).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new int[]{limits.getInt(), limits.getInt(), limits.getInt(), limits.getInt()}).containsExactly(2, 8, 8, 8);
        assertThat(Arrays.copyOfRange(v2, 48, v2.length - 4))
            .isEqualTo(Arrays.copyOfRange(v1, 32, v1.length - 4));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 3, -1, Short.MAX_VALUE})
    void shouldRefuseAnUnknownVersionNamingIt(final short version)
    {
        final PresenceStateMachine state = new PresenceStateMachine(Limits.DEFAULT);
        state.apply(new Input().set(InputType.CONNECT_USER, 5).userId(1).connectionId(1));
        final byte[] bytes = snapshot(state);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        buffer.putShort(4, version, ORDER);
        sealCrc(bytes);

        assertThatThrownBy(() -> new PresenceStateMachine(Limits.DEFAULT).loadSnapshot(buffer, 0, bytes.length))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("unknown snapshot format version " + version)
            .hasMessageContaining("versions 1 to 2");
        assertThatThrownBy(() -> SnapshotCodec.verify(buffer, 0, bytes.length))
            .hasMessageContaining("unknown snapshot format version " + version);
    }

    @Test
    void shouldRefuseNegativeLimitsInASnapshotWhoseChecksumIsGood()
    {
        final byte[] bytes = snapshot(new PresenceStateMachine(Limits.DEFAULT));
        new UnsafeBuffer(bytes).putInt(40, -1, ORDER);
        sealCrc(bytes);

        final PresenceStateMachine target = new PresenceStateMachine(Limits.DEFAULT);
        assertThatThrownBy(() -> target.loadSnapshot(new UnsafeBuffer(bytes), 0, bytes.length))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("negative limits at offset 32");
    }

    /**
     * A version-1 snapshot written by hand from the layout documented in {@link SnapshotCodec}
     * before version 2: one client, two subscriptions.
     */
    private static byte[] versionOneSnapshot()
    {
        final ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SnapshotCodec.BEGIN_MAGIC).putShort((short)1).putShort(SnapshotCodec.TYPE_PRESENCE_STATE);
        b.putLong(42).putLong(1_000).putLong(5_000);                      // position, now, grace
        b.putInt(1);                                                       // clients
        b.putLong(7).put((byte)1).putLong(0).putLong(4);                  // userId, connected, lastDisconnected, updateId
        b.put((byte)0).putLong(0);                                         // no countdown
        b.putInt(1).putLong(3);                                            // connections
        b.put((byte)Status.IDLE.code()).put((byte)0).put((byte)1).putLong(0); // status, afk, inGame, partyId
        b.putLong(9).put((byte)1).put((byte)0).putInt(1).putInt(2).putInt(-1).putInt(0).put((byte)0);
        b.putInt(2);                                                       // attributes, in the map's order
        putUtf16(b, "game").put(Changes.ATTRIBUTE_STRING);
        putUtf16(b, "chess");
        putUtf16(b, "mmr").put(Changes.ATTRIBUTE_LONG).putLong(1500);
        b.putInt(1).putLong(100).putLong(7);                               // client subscriptions
        b.putInt(1).putLong(100).putLong(9);                               // lobby subscriptions
        b.putInt(SnapshotCodec.END_MAGIC).putInt(0);
        final byte[] bytes = Arrays.copyOf(b.array(), b.position());
        sealCrc(bytes);
        return bytes;
    }

    private static ByteBuffer putUtf16(final ByteBuffer b, final String value)
    {
        b.putInt(value.length());
        for (int i = 0; i < value.length(); i++)
        {
            b.putChar(value.charAt(i));
        }
        return b;
    }

    private static void sealCrc(final byte[] bytes)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        new UnsafeBuffer(bytes).putInt(bytes.length - 4, (int)crc.getValue(), ORDER);
    }

    private static byte[] snapshot(final PresenceStateMachine state)
    {
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        final int length = state.takeSnapshot(buffer);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
