package dev.rollcall.core;

import dev.rollcall.model.Changes;
import org.agrona.DirectBuffer;

/**
 * One input to the presence state machine: a reusable holder of the command's arguments and
 * the time its publisher stamped on it. Which fields are meaningful depends on
 * {@link #type()}: see {@link InputType}. The same shape is decoded from the journal on
 * replay, so live processing and replay apply identical inputs.
 */
public final class Input
{
    int type;
    long time;
    long userId;
    long connectionId;
    long subscriberId;
    long lobbyId;
    long value;
    String reason;
    /**
     * Replay leaves a reason encoded (only its length is checked; the events that would carry it
     * are not made): then {@link #reason} is null, the reason has {@code reasonChars} UTF-16 code
     * units, encoded ({@link CodecUtil}) at {@code reasonOffset} of {@code reasonBuffer}; -1 otherwise.
     */
    int reasonChars = -1;
    private DirectBuffer reasonBuffer;
    private int reasonOffset;
    /**
     * Decoded from a version-1 input: its limits were checked in UTF-16 code units when it was
     * applied live, so replay checks it the same way (determinism across the format change).
     */
    boolean lengthsInChars;
    final Changes changes = new Changes();
    // SET_LIMITS only: raw, as journaled (a negative one is the logic's to refuse)
    int maxAttributes;
    int maxAttributeKeyBytes;
    int maxAttributeValueBytes;
    int maxReasonBytes;

    /**
     * Reset every argument.
     *
     * @param type the {@link InputType} code.
     * @param time epoch millis stamped by the publisher.
     * @return this.
     */
    public Input set(final int type, final long time)
    {
        this.type = type;
        this.time = time;
        userId = 0;
        connectionId = 0;
        subscriberId = 0;
        lobbyId = 0;
        value = 0;
        reason = null;
        reasonChars = -1;
        reasonBuffer = null;
        changes.clear();
        maxAttributes = 0;
        maxAttributeKeyBytes = 0;
        maxAttributeValueBytes = 0;
        maxReasonBytes = 0;
        return this;
    }

    /**
     * Reset, then set a command's arguments, as a producer gives them.
     *
     * @return this.
     */
    Input command(
        final int type,
        final long time,
        final long userId,
        final long connectionId,
        final long subscriberId,
        final long lobbyId,
        final long value,
        final Changes changes,
        final String reason)
    {
        set(type, time);
        this.userId = userId;
        this.connectionId = connectionId;
        this.subscriberId = subscriberId;
        this.lobbyId = lobbyId;
        this.value = value;
        this.reason = reason;
        if (null != changes)
        {
            this.changes.copyFrom(changes);
        }
        return this;
    }

    /** @return the {@link InputType} code. */
    public int type()
    {
        return type;
    }

    /** @return the epoch millis the publisher stamped. */
    public long time()
    {
        return time;
    }

    /** @return the user id argument. */
    public long userId()
    {
        return userId;
    }

    /** @return the connection id argument. */
    public long connectionId()
    {
        return connectionId;
    }

    /** @return the subscriber id argument. */
    public long subscriberId()
    {
        return subscriberId;
    }

    /** @return the lobby id argument (lobby subscriptions). */
    public long lobbyId()
    {
        return lobbyId;
    }

    /** @return the numeric argument (the grace period of {@link InputType#SET_GRACE_PERIOD}). */
    public long value()
    {
        return value;
    }

    /** @return the reason of an update, possibly null. */
    public String reason()
    {
        return reasonString();
    }

    /** @return the changes of an update. */
    public Changes changes()
    {
        return changes;
    }

    /** @return the attribute count limit of {@link InputType#SET_LIMITS}. */
    public int maxAttributes()
    {
        return maxAttributes;
    }

    /** @return the attribute key limit in UTF-8 bytes of {@link InputType#SET_LIMITS}. */
    public int maxAttributeKeyBytes()
    {
        return maxAttributeKeyBytes;
    }

    /** @return the string attribute value limit in UTF-8 bytes of {@link InputType#SET_LIMITS}. */
    public int maxAttributeValueBytes()
    {
        return maxAttributeValueBytes;
    }

    /** @return the reason limit in UTF-8 bytes of {@link InputType#SET_LIMITS}. */
    public int maxReasonBytes()
    {
        return maxReasonBytes;
    }

    /** @param userId the user id argument. @return this. */
    public Input userId(final long userId)
    {
        this.userId = userId;
        return this;
    }

    /** @param connectionId the connection id argument. @return this. */
    public Input connectionId(final long connectionId)
    {
        this.connectionId = connectionId;
        return this;
    }

    /** @param subscriberId the subscriber id argument. @return this. */
    public Input subscriberId(final long subscriberId)
    {
        this.subscriberId = subscriberId;
        return this;
    }

    /** @param lobbyId the lobby id argument. @return this. */
    public Input lobbyId(final long lobbyId)
    {
        this.lobbyId = lobbyId;
        return this;
    }

    /** @param value the numeric argument. @return this. */
    public Input value(final long value)
    {
        this.value = value;
        return this;
    }

    /** @param reason the reason of an update. @return this. */
    public Input reason(final String reason)
    {
        this.reason = reason;
        return this;
    }

    /**
     * The arguments of {@link InputType#SET_LIMITS}, taken as they are: an input may carry negative
     * limits (the logic refuses them with {@link Result#INVALID_VALUE}), which a {@link Limits} cannot.
     *
     * @param maxAttributes          attributes a client may hold.
     * @param maxAttributeKeyBytes   UTF-8 bytes in an attribute key.
     * @param maxAttributeValueBytes UTF-8 bytes in a string attribute value.
     * @param maxReasonBytes         UTF-8 bytes in a reason.
     * @return this.
     */
    public Input limits(
        final int maxAttributes, final int maxAttributeKeyBytes, final int maxAttributeValueBytes, final int maxReasonBytes)
    {
        this.maxAttributes = maxAttributes;
        this.maxAttributeKeyBytes = maxAttributeKeyBytes;
        this.maxAttributeValueBytes = maxAttributeValueBytes;
        this.maxReasonBytes = maxReasonBytes;
        return this;
    }

    /** @param limits the arguments of {@link InputType#SET_LIMITS}. @return this. */
    public Input limits(final Limits limits)
    {
        return limits(limits.maxAttributes(), limits.maxAttributeKeyBytes(), limits.maxAttributeValueBytes(),
            limits.maxReasonBytes());
    }

    @Override
    public String toString()
    {
        return InputType.name(type) + "{time=" + time + ", userId=" + userId + ", connectionId=" + connectionId +
            ", subscriberId=" + subscriberId + ", lobbyId=" + lobbyId + ", value=" + value +
            ", reason=" + reasonString() + ", changes=" + changes +
            (type == InputType.SET_LIMITS ? ", limits=[" + maxAttributes + ", " + maxAttributeKeyBytes + ", " +
            maxAttributeValueBytes + ", " + maxReasonBytes + "]" : "") + '}';
    }

    /**
     * Keep a journaled reason encoded: valid while the buffer holds the input.
     *
     * @param chars its code units, or {@link CodecUtil#NULL_LENGTH} for no reason.
     */
    void leaveReasonEncoded(final DirectBuffer buffer, final int offset, final int chars)
    {
        reason = null;
        reasonChars = chars == CodecUtil.NULL_LENGTH ? -1 : chars;
        reasonBuffer = chars == CodecUtil.NULL_LENGTH ? null : buffer;
        reasonOffset = offset;
    }

    /**
     * @return whether the input carries a reason (decoded or left encoded).
     */
    boolean hasReason()
    {
        return null != reason || reasonChars >= 0;
    }

    /**
     * Decode a reason left encoded through the cache: a repeated reason is the cached {@code String},
     * not a new one. Valid while the buffer holds the input.
     */
    void decodeReason(final StringCache strings)
    {
        if (null == reason && reasonChars >= 0)
        {
            reason = CodecUtil.getString(reasonBuffer, reasonOffset, strings);
            reasonChars = -1;
            reasonBuffer = null;
        }
    }

    /**
     * @return the reason, decoded now if replay left it encoded; null when there is none.
     */
    String reasonString()
    {
        if (null == reason && reasonChars >= 0)
        {
            reason = CodecUtil.getString(reasonBuffer, reasonOffset);
            reasonChars = -1;
            reasonBuffer = null;
        }
        return reason;
    }
}
