package dev.rollcall.protocol;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records every handler call as a list (method name, then arguments), copying the adapters' reusable holders.
 */
class Recorder implements ClientFrameHandler, ServerFrameHandler
{
    final List<List<Object>> calls = new ArrayList<>();

    static List<Object> call(final Object... values)
    {
        return Arrays.asList(values);
    }

    static List<Long> longs(final long[] values, final int count)
    {
        final List<Long> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            list.add(values[i]);
        }
        return list;
    }

    static List<ClientView> views(final ClientView[] values, final int count)
    {
        final List<ClientView> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            list.add(new ClientView().copyFrom(values[i]));
        }
        return list;
    }

    static Changes copy(final Changes changes)
    {
        return new Changes().copyFrom(changes);
    }

    @Override
    public void onIdentify(
        final int protocolVersion,
        final String token,
        final Changes presence,
        final boolean sharded,
        final int shardId,
        final int shardCount)
    {
        calls.add(call("onIdentify", protocolVersion, token, copy(presence), sharded, shardId, shardCount));
    }

    @Override
    public void onResume(final String token, final long sessionId, final long lastSeq)
    {
        calls.add(call("onResume", token, sessionId, lastSeq));
    }

    @Override
    public void onHeartbeat(final long lastSeq)
    {
        calls.add(call("onHeartbeat", lastSeq));
    }

    @Override
    public void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
    {
        calls.add(call("onUpdate", requestId, group, reason, copy(changes)));
    }

    @Override
    public void onSubscribe(
        final long requestId,
        final boolean subscribe,
        final long[] clientIds,
        final int clientCount,
        final long[] lobbyIds,
        final int lobbyCount)
    {
        calls.add(call("onSubscribe", requestId, subscribe, longs(clientIds, clientCount), longs(lobbyIds, lobbyCount)));
    }

    @Override
    public void onGetClients(final long requestId, final long[] userIds, final int count)
    {
        calls.add(call("onGetClients", requestId, longs(userIds, count)));
    }

    @Override
    public void onListClientIds(final long requestId, final long afterUserId, final int limit)
    {
        calls.add(call("onListClientIds", requestId, afterUserId, limit));
    }

    @Override
    public void onHello(
        final int protocolVersion,
        final int heartbeatIntervalMs,
        final int maxFrameSize,
        final int rateLimitCommands,
        final int rateLimitWindowMs,
        final int identifyTimeoutMs)
    {
        calls.add(call("onHello", protocolVersion, heartbeatIntervalMs, maxFrameSize, rateLimitCommands,
            rateLimitWindowMs, identifyTimeoutMs));
    }

    @Override
    public void onReady(final long sessionId, final long userId, final long seq)
    {
        calls.add(call("onReady", sessionId, userId, seq));
    }

    @Override
    public void onHeartbeatAck(final long seq)
    {
        calls.add(call("onHeartbeatAck", seq));
    }

    @Override
    public void onResumed(final long seq)
    {
        calls.add(call("onResumed", seq));
    }

    @Override
    public void onInvalidSession(final boolean resumable)
    {
        calls.add(call("onInvalidSession", resumable));
    }

    @Override
    public void onResult(final long requestId, final Result result)
    {
        calls.add(call("onResult", requestId, result));
    }

    @Override
    public void onError(final long requestId, final int code, final String message)
    {
        calls.add(call("onError", requestId, code, message));
    }

    @Override
    public void onDispatch(
        final long seq,
        final EventType type,
        final long userId,
        final long updateId,
        final long lobbyId,
        final long time,
        final String reason,
        final Changes changes)
    {
        calls.add(call("onDispatch", seq, type, userId, updateId, lobbyId, time, reason, copy(changes)));
    }

    @Override
    public void onClose(final int code, final String message)
    {
        calls.add(call("onClose", code, message));
    }

    @Override
    public void onClients(final long requestId, final ClientView[] clients, final int count)
    {
        calls.add(call("onClients", requestId, views(clients, count)));
    }

    @Override
    public void onClientIds(final long requestId, final long nextCursor, final long[] ids, final int count)
    {
        calls.add(call("onClientIds", requestId, nextCursor, longs(ids, count)));
    }

    @Override
    public void onGetStats(final long requestId)
    {
        calls.add(call("onGetStats", requestId));
    }

    @Override
    public void onStats(
        final long requestId,
        final long nowMs,
        final long gracePeriodMs,
        final String[] names,
        final long[] values,
        final int count)
    {
        calls.add(call("onStats", requestId, nowMs, gracePeriodMs, List.of(Arrays.copyOf(names, count)),
            longs(values, count)));
    }
}
