package dev.rollcall.cluster;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PendingCommandsTest
{
    /** A batch bound that takes one record at a time. */
    private static final int ONE = 1;

    private final List<Long> offered = new ArrayList<>();
    private final List<Integer> batches = new ArrayList<>();

    @Test
    void shouldOfferEachRecordOnceInOrderUntilOneIsRefused()
    {
        final PendingCommands pending = new PendingCommands(64, 1 << 20);
        append(pending, 1, 10);
        append(pending, 2, 20);
        append(pending, 3, 30);

        assertThat(pending.sendUnsent(refusingFrom(3), ONE)).isEqualTo(2);
        assertThat(offered).containsExactly(1L, 2L);
        assertThat(pending.sendUnsent(refusingFrom(Long.MAX_VALUE), ONE)).isEqualTo(1);
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
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE), ONE);
        assertThat(pending.dropApplied(2)).isEqualTo(2);

        offered.clear();
        pending.resendAll();
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE), ONE);

        assertThat(offered).containsExactly(3L, 4L, 5L);
    }

    @Test
    void shouldOfferAsManyWholeRecordsAsTheBoundTakesInOneBatch()
    {
        final PendingCommands pending = new PendingCommands(64, 1 << 20);
        for (long sequence = 1; sequence <= 7; sequence++)
        {
            append(pending, sequence, 8);
        }
        final int record = IngressDescriptor.LENGTH_PREFIX + IngressDescriptor.HEADER_LENGTH + 8;

        assertThat(pending.sendUnsent(refusingFrom(Long.MAX_VALUE), 3 * record + record / 2)).isEqualTo(7);

        assertThat(offered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(batches).containsExactly(3, 3, 1);
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
            pending.sendUnsent(refusingFrom(Long.MAX_VALUE), ONE);
            pending.dropApplied(sequence - 1);
        }
        offered.clear();
        pending.resendAll();
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE), ONE);

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
        pending.sendUnsent(refusingFrom(Long.MAX_VALUE), ONE);
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

    /** A sender of batches that refuses a batch holding this sequence or a later one. */
    private PendingCommands.Sender refusingFrom(final long refusedSequence)
    {
        return (final DirectBuffer buffer, final int offset, final int length) ->
        {
            final List<Long> sequences = new ArrayList<>();
            for (int at = offset; at < offset + length; )
            {
                final int recordLength = buffer.getInt(at, IngressDescriptor.ORDER);
                final int record = at + IngressDescriptor.LENGTH_PREFIX;
                final long sequence = buffer.getLong(record + IngressDescriptor.SEQUENCE_OFFSET, IngressDescriptor.ORDER);
                if (sequence >= refusedSequence)
                {
                    return false;
                }
                for (int i = IngressDescriptor.HEADER_LENGTH; i < recordLength; i++)
                {
                    assertThat(buffer.getByte(record + i)).isEqualTo((byte)sequence);
                }
                sequences.add(sequence);
                at = record + recordLength;
            }
            offered.addAll(sequences);
            batches.add(sequences.size());
            return true;
        };
    }
}
