package dev.rollcall.gateway;

import dev.rollcall.core.Limits;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.wire.EventDescriptor;
import dev.rollcall.model.wire.WireDescriptor;
import dev.rollcall.protocol.Protocol;

/**
 * What the wire can carry against what the core accepts: the gateway launches its core only with
 * update {@link Limits} whose values always fit the protocol (docs/protocol.md, "Limits"), so no
 * event the core can emit fails to encode.
 * <ul>
 * <li>an attribute key or string value is a {@code string}: at most {@link Protocol#MAX_STRING_BYTES}
 * UTF-8 bytes;</li>
 * <li>a {@code DISPATCH} reason is an {@code nstring}: at most {@link Protocol#MAX_NSTRING_BYTES};</li>
 * <li>a {@code changes} value holds at most {@link Protocol#MAX_ATTRIBUTES} attributes (a full state
 * holds every attribute);</li>
 * <li>a {@code DISPATCH} of a full state with every attribute at its largest, and the largest reason,
 * fits a server frame ({@link Protocol#MAX_SERVER_FRAME_SIZE}, header included).</li>
 * </ul>
 * The core counts the same UTF-8 bytes ({@link Limits}; an unpaired surrogate counts 3, the wire
 * writes 1), so a value the core accepts is never longer on the wire. Inbound, a client's frame is
 * bounded by {@code maxFrameSize} (default 4096): one {@code UPDATE} cannot carry every attribute at
 * its largest, several can. Limits raised later with {@code Rollcall.setLimits} are not checked here.
 */
public final class WireLimits
{
    /** {@code DISPATCH} without reason and changes: header, op, then the event body up to its reason. */
    static final int DISPATCH_FIXED = Protocol.BODY_OFFSET + EventDescriptor.REASON_OFFSET;
    /** A full state's {@code changes} without attribute entries: mask, every scalar field, attribute count. */
    static final int FULL_STATE_FIXED = fullStateFixed(FieldTable.PRESENCE);

    private WireLimits()
    {
    }

    /**
     * @param limits the core's update limits.
     * @return null when every value they allow fits the wire, else what does not.
     */
    public static String problem(final Limits limits)
    {
        if (limits.maxAttributeKeyBytes() > Protocol.MAX_STRING_BYTES ||
            limits.maxAttributeValueBytes() > Protocol.MAX_STRING_BYTES)
        {
            return "attribute keys and values are at most " + Protocol.MAX_STRING_BYTES + " bytes on the wire";
        }
        if (limits.maxReasonBytes() > Protocol.MAX_NSTRING_BYTES)
        {
            return "a reason is at most " + Protocol.MAX_NSTRING_BYTES + " bytes on the wire";
        }
        if (limits.maxAttributes() > Protocol.MAX_ATTRIBUTES)
        {
            return "a client holds at most " + Protocol.MAX_ATTRIBUTES + " attributes on the wire";
        }
        final long dispatch = largestDispatch(limits);
        if (dispatch > Protocol.MAX_SERVER_FRAME_SIZE)
        {
            return "a full state at these limits takes up to " + dispatch + " bytes, more than a server frame (" +
                Protocol.MAX_SERVER_FRAME_SIZE + ")";
        }
        return null;
    }

    /**
     * @return the largest {@code DISPATCH} frame, header included, carrying a full state at these limits.
     */
    static long largestDispatch(final Limits limits)
    {
        final long entry = 2L + limits.maxAttributeKeyBytes() + 1 + Math.max(8, 2L + limits.maxAttributeValueBytes());
        return DISPATCH_FIXED + 2L + limits.maxReasonBytes() + FULL_STATE_FIXED + limits.maxAttributes() * entry;
    }

    /**
     * @return the bytes of a full state's {@code changes} without attribute entries, by the fields' kinds.
     */
    static int fullStateFixed(final FieldTable table)
    {
        int bytes = WireDescriptor.MASK_LENGTH;
        for (int number = 0; number < table.count(); number++)
        {
            final Field field = table.field(number);
            bytes += field.kind().isScalar() ? field.kind().fixedBytes() : Byte.BYTES;
        }
        return bytes;
    }

    /**
     * @throws IllegalStateException when the limits allow a value the wire cannot carry.
     */
    static void check(final Limits limits)
    {
        final String problem = problem(limits);
        if (null != problem)
        {
            throw new IllegalStateException("the core's update limits " + limits + " exceed the wire protocol: " + problem);
        }
    }
}
