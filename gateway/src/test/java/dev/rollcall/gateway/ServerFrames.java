package dev.rollcall.gateway;

import dev.rollcall.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * Short descriptions of server frames for assertions: {@code "ERROR 4004"}, {@code "CLOSE 4004"},
 * {@code "HELLO"}, {@code "DISPATCH 3"} (with its seq), {@code "RESULT 7=APPLIED"} (request id = result).
 */
final class ServerFrames
{
    private ServerFrames()
    {
    }

    static String brief(final RawClient.Frame frame)
    {
        if (frame instanceof RawClient.ErrorFrame error)
        {
            return "ERROR " + error.code();
        }
        if (frame instanceof RawClient.CloseFrame close)
        {
            return "CLOSE " + close.code();
        }
        if (frame instanceof RawClient.Dispatch dispatch)
        {
            return "DISPATCH " + dispatch.seq();
        }
        if (frame instanceof RawClient.ResultFrame result)
        {
            return "RESULT " + result.requestId() + "=" + result.result();
        }
        if (frame instanceof RawClient.HeartbeatAck ack)
        {
            return "HEARTBEAT_ACK " + ack.seq();
        }
        if (frame instanceof RawClient.InvalidSession invalid)
        {
            return "INVALID_SESSION " + invalid.resumable();
        }
        return switch (frame.getClass().getSimpleName())
        {
            case "Hello" -> "HELLO";
            case "Ready" -> "READY";
            case "Resumed" -> "RESUMED";
            case "Clients" -> "CLIENTS";
            case "ClientIds" -> "CLIENT_IDS";
            case "Stats" -> "STATS";
            default -> "EOF";
        };
    }

    static List<String> brief(final List<RawClient.Frame> frames)
    {
        final List<String> list = new ArrayList<>(frames.size());
        for (final RawClient.Frame frame : frames)
        {
            list.add(brief(frame));
        }
        return list;
    }

    /** @return the frames ERROR then CLOSE of the code, as {@link #brief} writes them. */
    static List<String> refusal(final ErrorCode code)
    {
        return List.of("ERROR " + code.code(), "CLOSE " + code.code());
    }

    /** @return the frames without HELLO (which a refused connection may or may not get first). */
    static List<RawClient.Frame> withoutHello(final List<RawClient.Frame> frames)
    {
        final List<RawClient.Frame> list = new ArrayList<>(frames.size());
        for (final RawClient.Frame frame : frames)
        {
            if (!(frame instanceof RawClient.Hello))
            {
                list.add(frame);
            }
        }
        return list;
    }
}
