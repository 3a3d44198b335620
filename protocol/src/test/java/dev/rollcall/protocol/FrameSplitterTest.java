package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

class FrameSplitterTest
{
    @Test
    void shouldReturnZeroUntilAFrameSplitAcrossTwoReadsIsComplete() throws ProtocolException
    {
        final ByteBuffer frame = ByteBuffer.allocate(64);
        final int length = new FrameWriter(frame).resume("token", 1, 2);
        final byte[] bytes = RandomFrames.bytes(frame, 0, length);
        final Recorder recorder = new Recorder();
        final ClientFrameAdapter adapter = new ClientFrameAdapter(recorder);
        for (int cut = 0; cut < length; cut++)
        {
            // a receive buffer as a connection would use it: first read, then the rest appended
            final ByteBuffer in = ByteBuffer.allocate(128);
            in.put(bytes, 0, cut).flip();
            assertThat(FrameSplitter.nextFrame(in, Protocol.DEFAULT_MAX_FRAME_SIZE)).isZero();
            assertThat(in.position()).isZero();
            in.compact().put(bytes, cut, length - cut).flip();
            assertThat(FrameSplitter.nextFrame(in, Protocol.DEFAULT_MAX_FRAME_SIZE)).isEqualTo(length);
            adapter.decode(in, length);
            assertThat(in.hasRemaining()).isFalse();
        }
        assertThat(recorder.calls).hasSize(length).allMatch(call -> call.equals(Recorder.call("onResume", "token", 1L, 2L)));
    }

    @Test
    void shouldReadTheLengthLittleEndianWhateverTheBufferOrder() throws ProtocolException
    {
        for (final ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN})
        {
            final ByteBuffer in = ByteBuffer.allocate(300).order(order);
            in.put(new byte[] {0, 1, 0, 0}).position(0).limit(4 + 256);
            assertThat(FrameSplitter.nextFrame(in, 256)).isEqualTo(260);
            assertThat(in.order()).isEqualTo(order);
            in.limit(4 + 255);
            assertThat(FrameSplitter.nextFrame(in, 256)).isZero();
        }
    }

    @Test
    void shouldRefuseAFrameLargerThanTheMaximumBeforeItsBodyArrives()
    {
        final ByteBuffer in = ByteBuffer.allocate(8);
        in.put(new byte[] {1, 0x10, 0, 0}).flip();
        assertThatThrownBy(() -> FrameSplitter.nextFrame(in, Protocol.DEFAULT_MAX_FRAME_SIZE))
            .isInstanceOf(ProtocolException.class)
            .extracting(e -> ((ProtocolException)e).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(in.position()).isZero();
        in.clear();
        in.put(new byte[] {(byte)0xFF, (byte)0xFF, (byte)0xFF, 0x7F}).flip();
        assertThatThrownBy(() -> FrameSplitter.nextFrame(in, Integer.MAX_VALUE - 1))
            .extracting(e -> ((ProtocolException)e).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }

    @Test
    void shouldAcceptTheMaximumAndAnIntegerMaxLengthWithoutOverflow() throws ProtocolException
    {
        final ByteBuffer in = ByteBuffer.allocate(8);
        in.put(new byte[] {0, 0x10, 0, 0}).flip();
        assertThat(FrameSplitter.nextFrame(in, Protocol.DEFAULT_MAX_FRAME_SIZE)).isZero();
        in.clear();
        in.put(new byte[] {(byte)0xFF, (byte)0xFF, (byte)0xFF, 0x7F}).flip();
        assertThat(FrameSplitter.nextFrame(in, Integer.MAX_VALUE)).isZero();
    }

    @Test
    void shouldRefuseALengthBelowOne()
    {
        for (final int length : new int[] {0, -1, Integer.MIN_VALUE})
        {
            final ByteBuffer in = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            in.putInt(length).putInt(0).flip();
            assertThatThrownBy(() -> FrameSplitter.nextFrame(in, Protocol.DEFAULT_MAX_FRAME_SIZE))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException)e).code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(in.position()).isZero();
        }
    }
}
