package dev.rollcall.gateway.client;

import dev.rollcall.client.PresenceDispatch;
import dev.rollcall.client.RollcallClient;
import dev.rollcall.gateway.EndToEndGateway;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Shared helpers of the Java client's end-to-end tests: client builders, bounded waits, event comparisons. */
final class E2e
{
    /** The bound of every single wait. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private E2e()
    {
    }

    /** A client of {@code userId} on the gateway (or a proxy) at {@code port}, with fast, deterministic timings. */
    static RollcallClient.Builder client(final int port, final long userId)
    {
        return RollcallClient.builder()
            .host("127.0.0.1")
            .port(port)
            .token(EndToEndGateway.token(userId))
            .heartbeatJitter(false)
            .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .resumeRetryDelay(Duration.ofMillis(20))
            .connectTimeout(TIMEOUT)
            .handshakeTimeout(TIMEOUT)
            .requestTimeout(TIMEOUT);
    }

    /** The future's value, waiting at most {@link #TIMEOUT}; its failure (unwrapped) as an AssertionError. */
    static <T> T await(final CompletableFuture<T> future)
    {
        try
        {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        catch (final ExecutionException ex)
        {
            throw new AssertionError("failed: " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new AssertionError("not completed within " + TIMEOUT, ex);
        }
    }

    /** Polls a condition (a millisecond between tries) until it holds, or fails after {@link #TIMEOUT}. */
    static void awaitUntil(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Every field at its default: the changes of a {@code CLIENT_CONNECTED} of a fresh client without attributes. */
    static Changes defaults()
    {
        return new Changes().status(Status.ONLINE).afk(false).inGame(false).partyId(0).lobbyId(0)
            .ready(false).player(false).playerNumber(0).teamNumber(0).teamColour(0).sync(0).lobbyHost(false);
    }

    /** Every lobby field: the changes of a {@code JOINED_LOBBY}. */
    static Changes lobbyFields(final long lobbyId, final boolean ready, final int playerNumber)
    {
        return new Changes().lobbyId(lobbyId).ready(ready).player(false).playerNumber(playerNumber).teamNumber(0)
            .teamColour(0).sync(0).lobbyHost(false);
    }

    /** An event as the tests compare it (everything but the time and the shard). */
    record Ev(long seq, EventType kind, long userId, long updateId, long lobbyId, String reason, Changes changes)
    {
    }

    /** An expected event. */
    static Ev ev(final long seq, final EventType kind, final long userId, final long updateId, final long lobbyId,
        final String reason, final Changes changes)
    {
        return new Ev(seq, kind, userId, updateId, lobbyId, reason, changes);
    }

    /** A received event, for comparison. */
    static Ev ev(final PresenceDispatch event)
    {
        return new Ev(event.seq(), event.type(), event.userId(), event.updateId(), event.lobbyId(), event.reason(),
            event.changes());
    }

    /** Received events, for comparison. */
    static List<Ev> evs(final List<PresenceDispatch> events)
    {
        final List<Ev> list = new ArrayList<>(events.size());
        for (final PresenceDispatch event : events)
        {
            list.add(ev(event));
        }
        return list;
    }
}
