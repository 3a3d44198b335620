package dev.rollcall.gateway;

import dev.rollcall.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks what the server sends on one connection (after HELLO) against the protocol, whatever
 * the client sent: every ERROR and CLOSE has a code from the table and one of the expected
 * ones; a closing ERROR is followed by the CLOSE of its code and nothing follows a CLOSE; a
 * non-closing ERROR (PRESENCE_REFUSED) only before READY, except NOT_AN_OBSERVER, which answers a GET_STATS; at most one READY or RESUMED;
 * answers only once a session exists, INVALID_SESSION only before; DISPATCH seqs numbered
 * 1, 2, 3, ... (from READY's seq 0, or continuing the replay up to RESUMED's seq) and every
 * HEARTBEAT_ACK carrying the seq of the last DISPATCH.
 */
final class StreamCheck
{
    private final Set<ErrorCode> allowedCloses;
    private final List<String> seen = new ArrayList<>();
    private boolean closed;
    private int closingError = -1;
    private boolean ready;
    private boolean resumed;
    private long lastSeq = -1;
    private long readyUserId;
    private long readySessionId;
    private boolean replaying;
    private final List<String> violations = new ArrayList<>();
    private final List<String> answers = new ArrayList<>();

    StreamCheck(final Set<ErrorCode> allowedCloses)
    {
        this.allowedCloses = EnumSet.copyOf(allowedCloses);
    }

    /** @return what was received, briefly. */
    List<String> seen()
    {
        return seen;
    }

    /** @return the answers to requests received (RESULT, HEARTBEAT_ACK, CLIENTS, CLIENT_IDS), by {@link #answerKey}. */
    List<String> answers()
    {
        return answers;
    }

    /** @return {@code "RESULT <requestId>"}, {@code "HEARTBEAT_ACK"}, ...; null for a frame that answers no request. */
    static String answerKey(final RawClient.Frame frame)
    {
        if (frame instanceof RawClient.ResultFrame result)
        {
            return "RESULT " + result.requestId();
        }
        if (frame instanceof RawClient.HeartbeatAck)
        {
            return "HEARTBEAT_ACK";
        }
        if (frame instanceof RawClient.Clients clients)
        {
            return "CLIENTS " + clients.requestId();
        }
        if (frame instanceof RawClient.ClientIds ids)
        {
            return "CLIENT_IDS " + ids.requestId();
        }
        return null;
    }

    /** @return the protocol violations found (empty when the stream is fine). */
    List<String> violations()
    {
        return violations;
    }

    boolean closed()
    {
        return closed;
    }

    boolean hasSession()
    {
        return ready || resumed;
    }

    long readyUserId()
    {
        return readyUserId;
    }

    long readySessionId()
    {
        return readySessionId;
    }

    void accept(final RawClient.Frame frame)
    {
        final String brief = ServerFrames.brief(frame);
        seen.add(brief);
        final String answer = answerKey(frame);
        if (null != answer)
        {
            answers.add(answer);
        }
        if (frame instanceof RawClient.Eof)
        {
            return;
        }
        if (closed)
        {
            violation(brief + " after CLOSE");
            return;
        }
        if (closingError >= 0 && !(frame instanceof RawClient.CloseFrame))
        {
            violation(brief + " between ERROR " + closingError + " and its CLOSE");
        }
        if (frame instanceof RawClient.ErrorFrame error)
        {
            onError(error);
        }
        else if (frame instanceof RawClient.CloseFrame close)
        {
            onClose(close);
        }
        else if (frame instanceof RawClient.Ready readyFrame)
        {
            if (hasSession())
            {
                violation("READY with a session already");
            }
            if (readyFrame.seq() != 0 || readyFrame.userId() <= 0 || readyFrame.sessionId() <= 0)
            {
                violation("bad READY " + readyFrame);
            }
            ready = true;
            readyUserId = readyFrame.userId();
            readySessionId = readyFrame.sessionId();
            lastSeq = 0;
        }
        else if (frame instanceof RawClient.Resumed resumedFrame)
        {
            if (hasSession())
            {
                violation("RESUMED with a session already");
            }
            if (lastSeq >= 0 && resumedFrame.seq() != lastSeq)
            {
                violation("RESUMED(" + resumedFrame.seq() + ") after replaying up to " + lastSeq);
            }
            resumed = true;
            replaying = false;
            lastSeq = resumedFrame.seq();
        }
        else if (frame instanceof RawClient.Dispatch dispatch)
        {
            replaying |= !hasSession();
            if (lastSeq >= 0 && dispatch.seq() != lastSeq + 1)
            {
                violation("DISPATCH " + dispatch.seq() + " after seq " + lastSeq);
            }
            lastSeq = dispatch.seq();
        }
        else if (frame instanceof RawClient.HeartbeatAck ack)
        {
            requireSession(brief);
            if (lastSeq >= 0 && ack.seq() != lastSeq)
            {
                violation("HEARTBEAT_ACK " + ack.seq() + " after DISPATCH " + lastSeq);
            }
        }
        else if (frame instanceof RawClient.InvalidSession)
        {
            if (hasSession())
            {
                violation("INVALID_SESSION with a session");
            }
            lastSeq = -1;
        }
        else if (frame instanceof RawClient.Hello)
        {
            violation("a second HELLO");
        }
        else
        {
            requireSession(brief);
        }
    }

    /** The stream ended: a replay must have ended with RESUMED. */
    void finish()
    {
        if (replaying)
        {
            violation("DISPATCH before READY/RESUMED and no RESUMED");
        }
    }

    private void onError(final RawClient.ErrorFrame error)
    {
        final ErrorCode code = ErrorCode.fromCode(error.code());
        if (null == code)
        {
            violation("ERROR with unknown code " + error.code());
            return;
        }
        if (code == ErrorCode.NOT_AN_OBSERVER)
        {
            requireSession("ERROR NOT_AN_OBSERVER"); // the answer to a GET_STATS (a fuzzer's op 0x28 may be one)
            return;
        }
        if (!code.closes())
        {
            if (hasSession() || error.requestId() != 0)
            {
                violation("non-closing " + error + " outside an identify");
            }
            return;
        }
        if (!allowedCloses.contains(code))
        {
            violation("unexpected " + code + ": " + error.message());
        }
        closingError = error.code();
    }

    private void onClose(final RawClient.CloseFrame close)
    {
        closed = true;
        final ErrorCode code = ErrorCode.fromCode(close.code());
        if (null == code || !code.closes())
        {
            violation("CLOSE with code " + close.code());
        }
        else if (!allowedCloses.contains(code))
        {
            violation("unexpected CLOSE " + code + ": " + close.message());
        }
        if (closingError >= 0 && closingError != close.code())
        {
            violation("CLOSE " + close.code() + " after ERROR " + closingError);
        }
        if (closingError < 0)
        {
            violation("CLOSE " + close.code() + " without an ERROR first");
        }
        closingError = -1;
    }

    private void requireSession(final String brief)
    {
        if (!hasSession())
        {
            violation(brief + " before READY/RESUMED");
        }
    }

    private void violation(final String what)
    {
        violations.add(what + " (frame " + (seen.size() - 1) + ")");
    }
}
