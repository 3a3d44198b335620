package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rollcall.model.Field;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every MALFORMED_FRAME and UNKNOWN_OP case: the right code, no handler call, the position past the frame. */
class MalformedFrameTest
{
    private static final int PADDING = 3;

    private final Recorder recorder = new Recorder();
    private final ClientFrameAdapter clientAdapter = new ClientFrameAdapter(recorder);
    private final ServerFrameAdapter serverAdapter = new ServerFrameAdapter(recorder);

    private ErrorCode decodeClient(final int op, final byte[] body)
    {
        return decode(op, body, true);
    }

    private ErrorCode decodeServer(final int op, final byte[] body)
    {
        return decode(op, body, false);
    }

    /** Decodes the frame (followed by a trailing byte); returns the error code, or null when it decoded. */
    private ErrorCode decode(final int op, final byte[] body, final boolean client)
    {
        final ByteBuffer in = ByteBuffer.allocate(PADDING + 5 + body.length + 1);
        in.position(PADDING);
        final int length = FrameWriter.raw(in, op, body);
        in.put((byte)0x7F).flip().position(PADDING);
        recorder.calls.clear();
        final ProtocolException e = catchThrowableOfType(ProtocolException.class, () ->
        {
            final int frameLength = FrameSplitter.nextFrame(in, Protocol.MAX_SERVER_FRAME_SIZE);
            assertThat(frameLength).isEqualTo(length);
            if (client)
            {
                clientAdapter.decode(in, frameLength);
            }
            else
            {
                serverAdapter.decode(in, frameLength);
            }
        });
        assertThat(in.position()).isEqualTo(PADDING + length);
        assertThat(recorder.calls).hasSize(e == null ? 1 : 0);
        return e == null ? null : e.code();
    }

    private static byte[] concat(final byte[] a, final int... more)
    {
        final byte[] result = Arrays.copyOf(a, a.length + more.length);
        for (int i = 0; i < more.length; i++)
        {
            result[a.length + i] = (byte)more[i];
        }
        return result;
    }

    private static Body update(final int group)
    {
        return new Body().i32(1).u8(group).string("r");
    }

    @Test
    void shouldAcceptTheValidBaselines()
    {
        assertThat(decodeClient(Protocol.UPDATE, update(1).u16(0).build())).isNull();
        assertThat(decodeClient(Protocol.HEARTBEAT, new Body().i64(1).build())).isNull();
        assertThat(decodeServer(Protocol.INVALID_SESSION, new Body().u8(1).build())).isNull();
    }

    @Test
    void shouldRefuseTruncatedBodies()
    {
        assertThat(decodeClient(Protocol.HEARTBEAT, new byte[7])).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.HEARTBEAT, new byte[0])).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.RESUME, new Body().u16(5).bytes('a', 'b').build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.UPDATE, update(1).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.UPDATE, update(1).u16(Field.PARTY_ID.bit()).i32(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.IDENTIFY, new Body().u16(1).string("t").u16(0).u8(1).i32(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.HELLO, new Body().u16(1).i32(1).i32(1).i32(1).i32(1).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.CLIENTS, new Body().i32(1).u16(1).i64(1).u8(1).u8(1).i64(0).i64(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseOverlongBodies()
    {
        assertThat(decodeClient(Protocol.HEARTBEAT, new byte[9])).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.UPDATE, update(1).u16(0).u8(0).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.IDENTIFY, new Body().u16(1).string("t").u16(0).u8(0).i32(0).i32(1).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.INVALID_SESSION, new Body().u8(1).u8(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.CLIENT_IDS, new Body().i32(1).i64(0).u16(0).i64(5).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 0x80, 0xFF})
    void shouldRefuseBadBools(final int value)
    {
        assertThat(decodeServer(Protocol.INVALID_SESSION, new Body().u8(value).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.IDENTIFY, new Body().u16(1).string("t").u16(0).u8(value).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        for (final Field field : new Field[] {Field.AFK, Field.IN_GAME, Field.READY, Field.PLAYER, Field.LOBBY_HOST})
        {
            assertThat(decodeClient(Protocol.UPDATE, update(1).u16(field.bit()).u8(value).build()))
                .isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
        assertThat(decodeServer(Protocol.CLIENTS, new Body().i32(1).u16(1).i64(1).u8(value).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseBadEnums()
    {
        for (int status = 0; status < 256; status++)
        {
            assertThat(decodeClient(Protocol.UPDATE, update(1).u16(1).u8(status).build()))
                .isEqualTo(status <= 3 ? null : ErrorCode.MALFORMED_FRAME);
        }
        for (final int kind : new int[] {0, 4, 0xFF})
        {
            assertThat(decodeClient(Protocol.UPDATE, update(1).u16(Field.ATTRIBUTES.bit()).u8(1).string("k").u8(kind).build()))
                .isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
        for (final int group : new int[] {0, 4, 0xFF})
        {
            assertThat(decodeClient(Protocol.UPDATE, update(group).u16(0).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
        assertThat(decodeServer(Protocol.RESULT, new Body().i32(1).u8(10).build())).isNull();
        assertThat(decodeServer(Protocol.RESULT, new Body().i32(1).u8(11).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        final byte[] dispatchHead = new Body().i64(1).build();
        final byte[] dispatchTail = new Body().i64(1).i64(2).i64(3).i64(4).u16(0xFFFF).u16(0).build();
        assertThat(decodeServer(Protocol.DISPATCH, join(dispatchHead, new byte[] {6}, dispatchTail))).isNull();
        assertThat(decodeServer(Protocol.DISPATCH, join(dispatchHead, new byte[] {7}, dispatchTail)))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    private static byte[] join(final byte[]... parts)
    {
        byte[] result = new byte[0];
        for (final byte[] part : parts)
        {
            final int start = result.length;
            result = Arrays.copyOf(result, start + part.length);
            System.arraycopy(part, 0, result, start, part.length);
        }
        return result;
    }

    @Test
    void shouldRefuseInvalidUtf8()
    {
        final int[][] invalid = {
            {0x80}, {0xBF}, {0xC0, 0x80}, {0xC1, 0xBF}, {0xC2}, {0xC2, 0x41}, {0xE0, 0x80, 0x80}, {0xE0, 0x9F, 0xBF},
            {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xE1, 0x80}, {0xE1, 0x80, 0xC0}, {0xF0, 0x80, 0x80, 0x80},
            {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80},
            {0xFF}, {0xFE}, {0xF1, 0x80, 0x80}, {0x41, 0xE2, 0x82},
        };
        for (final int[] bytes : invalid)
        {
            final byte[] body = concat(new Body().u16(bytes.length).build(), bytes);
            assertThat(decodeClient(Protocol.RESUME, concat(body, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                .as(Arrays.toString(bytes)).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(decodeServer(Protocol.CLOSE, join(new Body().u16(4000).build(), body)))
                .as(Arrays.toString(bytes)).isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
        final int[][] valid = {
            {0x00}, {0x7F}, {0xC2, 0x80}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF}, {0xEE, 0x80, 0x80},
            {0xEF, 0xBF, 0xBF}, {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF},
        };
        for (final int[] bytes : valid)
        {
            assertThat(decodeServer(Protocol.CLOSE, concat(new Body().u16(4000).u16(bytes.length).build(), bytes)))
                .as(Arrays.toString(bytes)).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14, 15})
    void shouldRefuseMaskBits13To15(final int bit)
    {
        assertThat(decodeClient(Protocol.UPDATE, update(1).u16(1 << bit).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.DISPATCH,
            new Body().i64(1).u8(0).i64(1).i64(2).i64(3).i64(4).u16(0xFFFF).u16(1 << bit).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseAttributeCountZero()
    {
        assertThat(decodeClient(Protocol.UPDATE, update(1).u16(Field.ATTRIBUTES.bit()).u8(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseGetClientsCountsOutOfRange()
    {
        assertThat(decodeClient(Protocol.GET_CLIENTS, new Body().i32(1).u16(0).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        final Body max = new Body().i32(1).u16(256);
        final Body over = new Body().i32(1).u16(257);
        for (int i = 0; i < 256; i++)
        {
            max.i64(i);
            over.i64(i);
        }
        assertThat(decodeClient(Protocol.GET_CLIENTS, max.build())).isNull();
        assertThat(decodeClient(Protocol.GET_CLIENTS, over.i64(256).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseListLimitsOutOfRange()
    {
        assertThat(decodeClient(Protocol.LIST_CLIENT_IDS, new Body().i32(1).i64(0).u16(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.LIST_CLIENT_IDS, new Body().i32(1).i64(0).u16(1024).build())).isNull();
        assertThat(decodeClient(Protocol.LIST_CLIENT_IDS, new Body().i32(1).i64(0).u16(1025).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.LIST_CLIENT_IDS, new Body().i32(1).i64(0).u16(0xFFFF).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseLyingCountsWithoutAllocatingForThem()
    {
        assertThat(decodeClient(Protocol.SUBSCRIBE, new Body().i32(1).u16(0xFFFF).i64(1).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.UNSUBSCRIBE, new Body().i32(1).u16(1).i64(1).u16(0xFFFF).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.SUBSCRIBE, new Body().i32(1).u16(0).u16(0).build())).isNull();
        assertThat(decodeServer(Protocol.CLIENTS, new Body().i32(1).u16(256).i64(1).u8(0).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.CLIENT_IDS, new Body().i32(1).i64(0).u16(1024).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.UPDATE, update(1).u16(Field.ATTRIBUTES.bit()).u8(255).string("k").u8(3).build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.RESUME, new Body().u16(0xFFFF).bytes('a').build()))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseServerAnswersBeyondTheProtocolMaxima()
    {
        final Body clients = new Body().i32(1).u16(257);
        for (int i = 0; i < 257; i++)
        {
            clients.i64(i).u8(0);
        }
        assertThat(decodeServer(Protocol.CLIENTS, clients.build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        final Body ids = new Body().i32(1).i64(0).u16(1025);
        for (int i = 0; i < 1025; i++)
        {
            ids.i64(i);
        }
        assertThat(decodeServer(Protocol.CLIENT_IDS, ids.build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseStatsFramesThatDoNotMatchTheirLayout()
    {
        assertThat(decodeClient(Protocol.GET_STATS, new Body().i32(1).build())).isNull();
        assertThat(decodeClient(Protocol.GET_STATS, new Body().u16(1).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.GET_STATS, new Body().i64(1).build())).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeClient(Protocol.GET_STATS, new byte[0])).isEqualTo(ErrorCode.MALFORMED_FRAME);

        final byte[] head = new Body().i32(1).i64(2).i64(3).build();
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(0).build()))).isNull();
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(1).string("a").i64(5).build()))).isNull();
        assertThat(decodeServer(Protocol.STATS, head)).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(1).string("a").i32(5).build())))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(1).string("a").i64(5).u8(0).build())))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(2).string("a").i64(5).build())))
            .as("a count the body cannot hold").isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(0xFFFF).string("a").i64(5).build())))
            .as("a lying count, refused before anything is allocated for it").isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.STATS, join(head, new Body().u16(1).u16(1).bytes(0xFF).i64(5).build())))
            .as("a name that is not UTF-8").isEqualTo(ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void shouldRefuseAPresentClientWhoseStateDoesNotHoldEveryField()
    {
        final byte[] head = new Body().i32(1).u16(1).i64(5).u8(1).u8(1).i64(0).i64(0).build();
        assertThat(decodeServer(Protocol.CLIENTS, join(head, new Body().u16(0).build()))).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(decodeServer(Protocol.CLIENTS, join(head, new Body().u16(1).u8(0).build())))
            .isEqualTo(ErrorCode.MALFORMED_FRAME);
        final byte[] allButAttributes = new Body().u16(0x1FEF).u8(0).u8(0).u8(0).i64(0).i64(0).u8(0).u8(0).i32(0).i32(0)
            .i32(0).i32(0).u8(0).build();
        assertThat(decodeServer(Protocol.CLIENTS, join(head, allButAttributes))).isNull();
    }

    @Test
    void shouldRefuseAHeaderThatDoesNotMatchTheFrameLength()
    {
        final ByteBuffer in = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        in.putInt(9).put((byte)Protocol.HEARTBEAT).putLong(1).putInt(0).flip();
        final ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> clientAdapter.decode(in, 17));
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(in.position()).isEqualTo(17);
        assertThat(recorder.calls).isEmpty();
    }

    @Test
    void shouldRefuseAFrameLengthOutsideTheBufferAsACallerBug()
    {
        final ByteBuffer in = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        in.putInt(9).put((byte)Protocol.HEARTBEAT).putLong(1).flip();
        assertThatThrownBy(() -> clientAdapter.decode(in, 14)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> serverAdapter.decode(in, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(in.position()).isZero();
    }

    @Test
    void shouldRefuseServerOpsSentToTheServerAndClientOpsSentToTheClient()
    {
        for (int op = 0; op < 256; op++)
        {
            final boolean clientOp = op >= Protocol.IDENTIFY && op <= Protocol.GET_STATS;
            final boolean serverOp = op >= Protocol.HELLO && op <= Protocol.STATS;
            if (!clientOp)
            {
                assertThat(decodeClient(op, new byte[8])).as("op 0x%x", op).isEqualTo(ErrorCode.UNKNOWN_OP);
            }
            if (!serverOp)
            {
                assertThat(decodeServer(op, new byte[8])).as("op 0x%x", op).isEqualTo(ErrorCode.UNKNOWN_OP);
            }
        }
    }
}
