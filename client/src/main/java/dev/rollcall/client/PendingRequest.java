package dev.rollcall.client;

import dev.rollcall.model.Result;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.Protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A command waiting for its answer, matched by request id: completes its future from the answer frame (on the I/O
 * thread), exceptionally from an {@code ERROR}, a drop, the client's close or a timeout.
 *
 * @param <T> the answer's type
 */
abstract class PendingRequest<T>
{
    final long requestId;
    final CompletableFuture<T> future = new CompletableFuture<>();

    PendingRequest(final long requestId)
    {
        this.requestId = requestId;
    }

    void onResult(final Result result)
    {
        unexpected(Protocol.RESULT);
    }

    void onClients(final ClientView[] clients, final int count)
    {
        unexpected(Protocol.CLIENTS);
    }

    void onClientIds(final long nextCursor, final long[] ids, final int count)
    {
        unexpected(Protocol.CLIENT_IDS);
    }

    void onStats(final long nowMs, final long gracePeriodMs, final String[] names, final long[] values, final int count)
    {
        unexpected(Protocol.STATS);
    }

    void fail(final Throwable cause)
    {
        future.completeExceptionally(cause);
    }

    private void unexpected(final int op)
    {
        fail(new RollcallException(
            "unexpected " + Protocol.opName(op) + " answering request " + requestId + " (" + what() + ")", null));
    }

    abstract String what();

    /** UPDATE, SUBSCRIBE, UNSUBSCRIBE: commands, answered by RESULT. */
    static final class Command extends PendingRequest<Result>
    {
        private final String what;

        Command(final long requestId, final String what)
        {
            super(requestId);
            this.what = what;
        }

        @Override
        void onResult(final Result result)
        {
            future.complete(result);
        }

        @Override
        String what()
        {
            return what;
        }
    }

    /** GET_CLIENTS: answered by CLIENTS. */
    static final class Clients extends PendingRequest<List<ClientSnapshot>>
    {
        Clients(final long requestId)
        {
            super(requestId);
        }

        @Override
        void onClients(final ClientView[] clients, final int count)
        {
            final ClientSnapshot[] snapshots = new ClientSnapshot[count];
            for (int i = 0; i < count; i++)
            {
                snapshots[i] = ClientSnapshot.of(clients[i]);
            }
            future.complete(List.of(snapshots));
        }

        @Override
        String what()
        {
            return "GET_CLIENTS";
        }
    }

    /** LIST_CLIENT_IDS: answered by CLIENT_IDS. */
    static final class ClientIds extends PendingRequest<ClientIdPage>
    {
        ClientIds(final long requestId)
        {
            super(requestId);
        }

        @Override
        void onClientIds(final long nextCursor, final long[] ids, final int count)
        {
            future.complete(new ClientIdPage(Arrays.copyOf(ids, count), nextCursor));
        }

        @Override
        String what()
        {
            return "LIST_CLIENT_IDS";
        }
    }

    /** GET_STATS: answered by STATS (an observer's request; others get ERROR NOT_AN_OBSERVER). */
    static final class Stats extends PendingRequest<ServerStats>
    {
        Stats(final long requestId)
        {
            super(requestId);
        }

        @Override
        void onStats(final long nowMs, final long gracePeriodMs, final String[] names, final long[] values, final int count)
        {
            final Map<String, Long> counters = new LinkedHashMap<>();
            for (int i = 0; i < count; i++)
            {
                counters.put(names[i], values[i]);
            }
            future.complete(new ServerStats(nowMs, gracePeriodMs, Collections.unmodifiableMap(counters)));
        }

        @Override
        String what()
        {
            return "GET_STATS";
        }
    }
}
