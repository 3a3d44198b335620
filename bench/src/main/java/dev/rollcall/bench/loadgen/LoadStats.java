package dev.rollcall.bench.loadgen;

import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import org.agrona.DirectBuffer;

import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of one selector thread (plain fields, written by that thread only), or a sum or
 * difference of them. Error and close codes 4000..4099 have a slot each; others share one. Redis error
 * replies are counted by their text (its first {@value #ERROR_TEXT_CHARS} characters).
 */
final class LoadStats
{
    static final int FIRST_CODE = 4000;
    static final int CODE_SLOTS = 100;
    static final int ERROR_TEXT_CHARS = 120;

    long connectionsOk;
    long connectionsFailed;
    long connectionsLost;
    long connectionsClosedAtEnd;
    long identifiesSent;
    long subscribesSent;
    long subscribesOk;
    long subscribesRefused;
    long updatesSent;
    long updatesAcked;
    long updatesSkipped;
    long updatesLost;
    /** Updates answered with an error reply (Redis). */
    long updatesFailed;
    /** Error replies (Redis), to updates or handshakes. */
    long errorReplies;
    long unmatchedResults;
    long heartbeatsSent;
    long heartbeatAcks;
    long dispatches;
    long deliveries;
    long bytesSent;
    long bytesReceived;
    long unexpectedFrames;
    long protocolErrors;
    long watchers;
    long watchersWithoutDeliveries;
    final long[] resultsByCode = new long[Result.count()];
    final long[] dispatchesByKind = new long[EventType.count()];
    final long[] errorsByCode = new long[CODE_SLOTS + 1];
    final long[] closesByCode = new long[CODE_SLOTS + 1];
    /** Why connections failed or were lost: message → count (failure paths only). */
    final Map<String, Long> failureReasons = new TreeMap<>();
    /** Redis error replies: text → count (error paths only). */
    final Map<String, Long> errorReplyTexts = new TreeMap<>();

    void error(final int code)
    {
        errorsByCode[slot(code)]++;
    }

    void close(final int code)
    {
        closesByCode[slot(code)]++;
    }

    void failure(final String reason)
    {
        failureReasons.merge(reason, 1L, Long::sum);
    }

    /**
     * Count a Redis error reply (allocates its text: an error path).
     *
     * @param buffer where the reply is.
     * @param offset the text's first byte (after the '-').
     * @param length the text's length.
     */
    void errorReply(final DirectBuffer buffer, final int offset, final int length)
    {
        errorReplies++;
        errorReplyTexts.merge(buffer.getStringWithoutLengthAscii(offset, Math.min(length, ERROR_TEXT_CHARS)), 1L,
            Long::sum);
    }

    /** @return every ERROR frame (Rollcall) and error reply (Redis) received. */
    long errors()
    {
        return sum(errorsByCode) + errorReplies;
    }

    /** @return every CLOSE frame received. */
    long closes()
    {
        return sum(closesByCode);
    }

    /** @return every RESULT of an update. */
    long results()
    {
        return sum(resultsByCode);
    }

    /** @return a copy. */
    LoadStats copy()
    {
        final LoadStats copy = new LoadStats();
        copy.add(this, 1);
        return copy;
    }

    /**
     * @param other counters to add.
     * @return this.
     */
    LoadStats plus(final LoadStats other)
    {
        add(other, 1);
        return this;
    }

    /**
     * @param other counters to subtract (the reasons are not subtracted).
     * @return this.
     */
    LoadStats minus(final LoadStats other)
    {
        add(other, -1);
        return this;
    }

    private void add(final LoadStats o, final int sign)
    {
        connectionsOk += sign * o.connectionsOk;
        connectionsFailed += sign * o.connectionsFailed;
        connectionsLost += sign * o.connectionsLost;
        connectionsClosedAtEnd += sign * o.connectionsClosedAtEnd;
        identifiesSent += sign * o.identifiesSent;
        subscribesSent += sign * o.subscribesSent;
        subscribesOk += sign * o.subscribesOk;
        subscribesRefused += sign * o.subscribesRefused;
        updatesSent += sign * o.updatesSent;
        updatesAcked += sign * o.updatesAcked;
        updatesSkipped += sign * o.updatesSkipped;
        updatesLost += sign * o.updatesLost;
        updatesFailed += sign * o.updatesFailed;
        errorReplies += sign * o.errorReplies;
        unmatchedResults += sign * o.unmatchedResults;
        heartbeatsSent += sign * o.heartbeatsSent;
        heartbeatAcks += sign * o.heartbeatAcks;
        dispatches += sign * o.dispatches;
        deliveries += sign * o.deliveries;
        bytesSent += sign * o.bytesSent;
        bytesReceived += sign * o.bytesReceived;
        unexpectedFrames += sign * o.unexpectedFrames;
        protocolErrors += sign * o.protocolErrors;
        watchers += sign * o.watchers;
        watchersWithoutDeliveries += sign * o.watchersWithoutDeliveries;
        add(resultsByCode, o.resultsByCode, sign);
        add(dispatchesByKind, o.dispatchesByKind, sign);
        add(errorsByCode, o.errorsByCode, sign);
        add(closesByCode, o.closesByCode, sign);
        if (sign > 0)
        {
            o.failureReasons.forEach((reason, count) -> failureReasons.merge(reason, count, Long::sum));
            o.errorReplyTexts.forEach((text, count) -> errorReplyTexts.merge(text, count, Long::sum));
        }
    }

    /**
     * @param counts per code slot.
     * @return "code NAME" → count for the non-zero slots.
     */
    static Map<String, Long> byCode(final long[] counts)
    {
        final Map<String, Long> map = new TreeMap<>();
        for (int i = 0; i < counts.length; i++)
        {
            if (0 != counts[i])
            {
                map.put(codeName(i), counts[i]);
            }
        }
        return map;
    }

    /**
     * @return result name → count for the results received.
     */
    Map<String, Long> resultsByName()
    {
        final Map<String, Long> map = new TreeMap<>();
        for (final Result result : Result.values())
        {
            if (0 != resultsByCode[result.code()])
            {
                map.put(result.name(), resultsByCode[result.code()]);
            }
        }
        return map;
    }

    /**
     * @return event kind name → count for the dispatches received.
     */
    Map<String, Long> dispatchesByName()
    {
        final Map<String, Long> map = new TreeMap<>();
        for (final EventType type : EventType.values())
        {
            if (0 != dispatchesByKind[type.code()])
            {
                map.put(type.name(), dispatchesByKind[type.code()]);
            }
        }
        return map;
    }

    private static String codeName(final int slot)
    {
        if (CODE_SLOTS == slot)
        {
            return "other";
        }
        final int code = FIRST_CODE + slot;
        final ErrorCode known = ErrorCode.fromCode(code);
        return null == known ? Integer.toString(code) : code + " " + known.name();
    }

    private static int slot(final int code)
    {
        final int slot = code - FIRST_CODE;
        return slot >= 0 && slot < CODE_SLOTS ? slot : CODE_SLOTS;
    }

    private static void add(final long[] target, final long[] source, final int sign)
    {
        for (int i = 0; i < target.length; i++)
        {
            target[i] += sign * source[i];
        }
    }

    private static long sum(final long[] counts)
    {
        long sum = 0;
        for (final long count : counts)
        {
            sum += count;
        }
        return sum;
    }
}
