package dev.rollcall.cluster;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PendingCommandsTest
{
    private final List<Long> offered = new ArrayList<>();

    @Test
    void shouldOfferEachRecordOnceInOrderUntilOneIsRefused()
    {
        final PendingCommands pending = new PendingCommands(64, 1 << 20);
        append(pending, 1, 10);
        append(pending, 2, 20);
        append(pending, 3, 30);

        assertThat(pending.sendUnsent(refusingFrom(3))).isEqualTo(2);
        assertThat(offered).containsExactly(1L, 2L);
        assertThat(pending.sendUnsent(refusingFrom(Long.MAX_VALUE))).isEqualTo(1);
        assertThat(offered).containsExactly(1L, 2L, 3L);
        assertThat(pending.hasUnsent()).isFalse();
        assertThat(pending.size()).isEqualTo(3);
    }

    @Test
    void shouldOfferEveryUnappliedRecordAgainAfterALeaderChange()
    {
        final PendingCommands pending = new PendingCommands(64, 1 << 20);
        for (long sequence = 1; sequence <= 5; sequence++)
        {
            append(pending, sequence, 8);
        }
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE));
        assertThat(pending.dropApplied(2)).isEqualTo(2);

        offered.clear();
        pending.resendAll();
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE));

        assertThat(offered).containsExactly(3L, 4L, 5L);
    }

    @Test
    void shouldKeepRecordsIntactWhenCompacting()
    {
        final PendingCommands pending = new PendingCommands(256, 1 << 20);
        long sequence = 0;
        for (int round = 0; round < 200; round++)
        {
            append(pending, ++sequence, 1 + round % 50);
            append(pending, ++sequence, 3);
            pending.sendUnsent(refusingFrom(Long.MAX_VALUE));
            pending.dropApplied(sequence - 1);
        }
        offered.clear();
        pending.resendAll();
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE));

        assertThat(offered).containsExactly(sequence);
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void shouldRefuseBeyondItsBound()
    {
        final PendingCommands pending = new PendingCommands(64, 256);
        int appended = 0;
        while (pending.claim(IngressDescriptor.HEADER_LENGTH + 40) >= 0)
        {
            append(pending, ++appended, 40);
        }

        assertThat(appended).isBetween(1, 256 / (IngressDescriptor.HEADER_LENGTH + 40));
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE));
        pending.dropApplied(appended);
        assertThat(pending.claim(IngressDescriptor.HEADER_LENGTH + 40)).isNotNegative();
    }

    private static void append(final PendingCommands pending, final long sequence, final int inputLength)
    {
        final int length = IngressDescriptor.HEADER_LENGTH + inputLength;
        final int offset = pending.claim(length);
        assertThat(offset).isNotNegative();
        pending.buffer().putLong(offset + IngressDescriptor.SEQUENCE_OFFSET, sequence, IngressDescriptor.ORDER);
        for (int i = 0; i < inputLength; i++)
        {
            pending.buffer().putByte(offset + IngressDescriptor.HEADER_LENGTH + i, (byte)sequence);
        }
        pending.commit(length);
    }

    private PendingCommands.Sender refusingFrom(final long refusedSequence)
    {
        return (final DirectBuffer buffer, final int offset, final int length) ->
        {
            final long sequence = buffer.getLong(offset + IngressDescriptor.SEQUENCE_OFFSET, IngressDescriptor.ORDER);
            if (sequence >= refusedSequence)
            {
                return false;
            }
            for (int i = IngressDescriptor.HEADER_LENGTH; i < length; i++)
            {
                assertThat(buffer.getByte(offset + i)).isEqualTo((byte)sequence);
            }
            offered.add(sequence);
            return true;
        };
    }
}
