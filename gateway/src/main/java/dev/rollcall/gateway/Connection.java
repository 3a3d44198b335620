package dev.rollcall.gateway;

import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.core.Rollcall;
import dev.rollcall.protocol.ErrorCode;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What a {@link ConnectionHandler} may do with its connection. Use only from the handler's
 * callbacks (the owning gateway thread).
 */
public interface Connection
{
    /** @return the gateway-unique id of this connection ({@code > 0}). */
    long id();

    /** @return the peer's address. */
    InetSocketAddress remoteAddress();

    /** @return the user bound with {@link #bind}, or 0. */
    long userId();

    /** @return the gateway's clock, epoch millis, read once per duty cycle. */
    long nowMs();

    /** @return the gateway's settings. */
    GatewayContext context();

    /** @return the core, for queries ({@code getClient}, {@code listClientIds}); issue commands through this connection. */
    Rollcall rollcall();

    /** @return true once closed or closing. */
    boolean isClosed();

    /** @return true while input is suspended ({@link #suspendInput}) or the connection is closing. */
    boolean isInputSuspended();

    /** @return true once the gateway is shutting down ({@link ConnectionHandler#onShutdown} follows). */
    boolean isShuttingDown();

    /**
     * @param resource which resource.
     * @param <T>      its type.
     * @return the instance of the thread this connection is on now (it changes after {@link #bind}),
     * made on first use; fetch it in each callback rather than keeping it.
     */
    <T> T perThread(PerThread<T> resource);

    /**
     * @return the sessions of this connection's thread (its user's home thread once bound), for a
     * protocol with resumable event streams.
     */
    SessionService sessions();

    /**
     * Count something the protocol did, on this thread's counters ({@link Gateway#counter}): the
     * protocol's own ({@code FRAMES_RECEIVED}, {@code IDENTIFIES}, {@code RESUMES},
     * {@code INVALID_SESSIONS}, {@code EVENTS_DISPATCHED}); the gateway counts its connections itself.
     *
     * @param counter what.
     */
    void count(GatewayCounter counter);

    /**
     * @param counter what.
     * @return the gateway's count, summed over its threads ({@link Gateway#counter}).
     */
    long gatewayCounter(GatewayCounter counter);

    /**
     * @param code an error or close code.
     * @return how many times the gateway's threads counted it sent ({@link Gateway#errorCount}).
     */
    long gatewayErrorCount(ErrorCode code);

    /**
     * Count an error code the protocol sent ({@link Gateway#errorCount}; also counts
     * {@link GatewayCounter#PROTOCOL_ERRORS}).
     *
     * @param code the code.
     */
    void countError(ErrorCode code);

    /**
     * Queue bytes to send (written in batches, several frames per system call). When more
     * than {@link GatewayContext#maxOutboundBytes()} would be waiting, the connection is a
     * slow consumer: the bytes are not queued, {@link ConnectionHandler#onClose} follows, and
     * this returns false.
     *
     * @param bytes from position to limit; consumed.
     * @return false if the connection is closed or was just closed as a slow consumer.
     */
    boolean send(ByteBuffer bytes);

    /**
     * Close after writing what is queued: the connection lingers {@link GatewayContext#lingerMs()}
     * for it, again after each write the peer takes (up to 30 lingers), then closes whatever is
     * left. Idempotent.
     */
    void close();

    /**
     * Say why the connection will close, for transports that carry it: a WebSocket close frame
     * then carries this code (the built-in protocol gives its close codes, 4000-4999, the range
     * RFC 6455 leaves to applications); a TCP connection has nowhere to put it. Call before
     * {@link #close()} or from {@link ConnectionHandler#onRefused} / {@link ConnectionHandler#onShutdown}.
     *
     * @param code the close code.
     */
    default void closeCode(final int code)
    {
    }

    /**
     * Call {@link ConnectionHandler#onTimeout} once after the delay (resolution: the
     * gateway's timer tick). A new call replaces the previous timeout; 0 cancels it.
     *
     * @param delayMs delay in millis.
     */
    void timeout(long delayMs);

    /**
     * Stop or resume reading input (e.g. while waiting for an identify's result).
     *
     * @param suspended true to stop reading.
     */
    void suspendInput(boolean suspended);

    /**
     * Bind the connection to a user: it moves to the user's home thread (every connection
     * and session of a user lives on one thread), then {@link ConnectionHandler#onBound} is
     * called there. Return from the current callback at once.
     *
     * @param userId the user, {@code > 0}.
     * @param events whether {@link ConnectionHandler#onEvent} receives the user's events.
     */
    void bind(long userId, boolean events);

    /**
     * {@code connectUser(userId, connectionId)}; the result goes to {@link ConnectionHandler#onResult}.
     *
     * @param connectionId the core connection id (usually {@link #id()}).
     * @param tag          passed back with the result.
     */
    void connectUser(long connectionId, long tag);

    /**
     * {@code connectUser} with an initial presence, as one input (refused as a whole if the
     * presence is); the result goes to {@link ConnectionHandler#onResult}.
     *
     * @param connectionId the core connection id (usually {@link #id()}).
     * @param presence     the initial fields; copied before this returns.
     * @param reason       the reason of the resulting update.
     * @param tag          passed back with the result.
     */
    void connectUser(long connectionId, Changes presence, String reason, long tag);

    /**
     * {@code connectionLost(userId, connectionId)} for the bound user; no result is delivered.
     *
     * @param connectionId the core connection id.
     */
    void connectionLost(long connectionId);

    /**
     * An update of the bound user's own client.
     *
     * @param group   {@link FieldGroup#STANDARD}, {@link FieldGroup#LOBBY}, or null for a full update.
     * @param changes copied before this returns.
     * @param reason  why.
     * @param tag     passed back with the result.
     */
    void update(FieldGroup group, Changes changes, String reason, long tag);

    /**
     * A subscription command with the bound user as subscriber.
     *
     * @param type     {@code InputType.SUBSCRIBE_CLIENT}, {@code UNSUBSCRIBE_CLIENT},
     *                 {@code SUBSCRIBE_LOBBY} or {@code UNSUBSCRIBE_LOBBY}.
     * @param targetId the user id or lobby id.
     * @param tag      passed back with the result.
     */
    void subscription(int type, long targetId, long tag);
}
