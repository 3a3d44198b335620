package dev.rollcall.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Moves the service's snapshot bytes through Aeron Cluster's snapshot stream: a header
 * ({@code magic, version, total length}) then the bytes in chunks of at most one frame's payload,
 * so that no chunk is fragmented and reading needs no assembler. Fails fast, naming the position,
 * when the stream does not hold what the header promised.
 */
final class SnapshotTransfer
{
    /** "RCCS": a Rollcall cluster service snapshot. */
    static final int MAGIC = 0x53434352;
    static final int VERSION = 1;
    private static final int HEADER_LENGTH = 3 * Integer.BYTES;

    private SnapshotTransfer()
    {
    }

    /**
     * Offer the snapshot, waiting with the idle strategy while the publication is back pressured.
     */
    static void write(
        final ExclusivePublication publication, final IdleStrategy idle, final DirectBuffer bytes, final int length)
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
        header.putInt(0, MAGIC, IngressDescriptor.ORDER);
        header.putInt(4, VERSION, IngressDescriptor.ORDER);
        header.putInt(8, length, IngressDescriptor.ORDER);
        offer(publication, idle, header, 0, HEADER_LENGTH);
        final int chunk = publication.maxPayloadLength();
        for (int offset = 0; offset < length; offset += chunk)
        {
            offer(publication, idle, bytes, offset, Math.min(chunk, length - offset));
        }
    }

    /**
     * Read a whole snapshot from the image.
     *
     * @return the snapshot's length, written into {@code into} from offset 0.
     */
    static int read(final Image image, final IdleStrategy idle, final ExpandableDirectByteBuffer into)
    {
        final int[] state = {-1, 0};
        idle.reset();
        while (state[0] < 0 || state[1] < state[0])
        {
            final int fragments = image.poll((buffer, offset, length, header) ->
            {
                if (state[0] < 0)
                {
                    if (length != HEADER_LENGTH || buffer.getInt(offset, IngressDescriptor.ORDER) != MAGIC)
                    {
                        throw new IllegalStateException("not a Rollcall service snapshot at position " +
                            header.position() + " of snapshot recording " + image.sourceIdentity());
                    }
                    final int version = buffer.getInt(offset + 4, IngressDescriptor.ORDER);
                    if (version != VERSION)
                    {
                        throw new IllegalStateException("unknown Rollcall service snapshot version " + version +
                            " at position " + header.position());
                    }
                    state[0] = buffer.getInt(offset + 8, IngressDescriptor.ORDER);
                }
                else
                {
                    into.putBytes(state[1], buffer, offset, length);
                    state[1] += length;
                }
            }, 1); // one fragment a poll: what follows the snapshot (the container's end marker) is not ours
            if (0 == fragments && image.isClosed())
            {
                throw new IllegalStateException("the snapshot ended after " + state[1] + " of " + state[0] + " bytes");
            }
            idle.idle(fragments);
        }
        if (state[1] != state[0])
        {
            throw new IllegalStateException("the snapshot holds " + state[1] + " bytes, its header says " + state[0]);
        }
        return state[0];
    }

    private static void offer(
        final ExclusivePublication publication, final IdleStrategy idle, final DirectBuffer buffer, final int offset,
        final int length)
    {
        idle.reset();
        while (true)
        {
            final long result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (result == ExclusivePublication.CLOSED || result == ExclusivePublication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("the snapshot publication refused the snapshot: " + result);
            }
            idle.idle();
        }
    }
}
