package dev.rollcall.gateway.builtin;

import dev.rollcall.core.ClientInfo;
import dev.rollcall.core.InputType;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.core.Rollcall;
import dev.rollcall.gateway.Connection;
import dev.rollcall.gateway.ConnectionHandler;
import dev.rollcall.gateway.EventSession;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.GatewayCounter;
import dev.rollcall.gateway.Refusal;
import dev.rollcall.gateway.SessionListener;
import dev.rollcall.gateway.auth.AuthOutcome;
import dev.rollcall.gateway.auth.Identity;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameSplitter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The built-in protocol (docs/protocol.md) on one connection: HELLO, identify or resume,
 * heartbeats and zombie detection, the rate limit, commands and queries, and the session's
 * dispatch. Every refusal is an ERROR then a CLOSE with its code, counted, and closes this
 * connection only. Uses only the gateway's SPI: {@link Connection}, its per-thread resources
 * and its {@link dev.rollcall.gateway.SessionService sessions}.
 */
final class BinaryProtocolHandler implements ConnectionHandler, SessionListener
{
    private static final int AWAIT_IDENTIFY = 0;
    private static final int BINDING_IDENTIFY = 1;
    private static final int BINDING_RESUME = 2;
    private static final int CONNECTING = 3;
    private static final int RESUMING = 4;
    private static final int READY = 5;
    /** Closing for an error, once the RESULTs owed for commands already accepted are sent. */
    private static final int DRAINING = 6;
    private static final int CLOSED = 7;

    private static final long TAG_CONNECT = 1L << 32;
    private static final long TAG_PRESENCE = 2L << 32;
    private static final long TAG_RESUME = 3L << 32;
    private static final long TAG_UPDATE = 4L << 32;
    private static final long TAG_SUBSCRIPTION = 5L << 32;
    private static final long REQUEST_MASK = 0xFFFF_FFFFL;

    private final Connection connection;
    private int state = AWAIT_IDENTIFY;
    private long windowStart;
    private int framesInWindow;
    /** What an identify or resume asked for, held only until the connection is live. */
    private Handshake handshake;
    private EventSession session;
    /** Identified or resumed with an observer token: watches every client, changes nothing. */
    private boolean observer;
    private boolean connectIssued;
    private ErrorCode closeCode;
    private ArrayDeque<SubscriptionBatch> batches;
    /** RESULTs owed: commands accepted from this connection whose result has not been sent yet. */
    private int owed;
    /** While {@link #DRAINING}: the error to send once nothing is owed. */
    private ErrorCode drainCode;
    private String drainMessage;
    private long drainRequestId;

    BinaryProtocolHandler(final Connection connection)
    {
        this.connection = connection;
    }

    private ProtocolScratch scratch()
    {
        return connection.perThread(ProtocolScratch.PER_THREAD);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void onOpen(final Connection c)
    {
        final GatewayContext ctx = c.context();
        windowStart = c.nowMs();
        c.timeout(ctx.identifyTimeoutMs());
        send(scratch().writer().hello(Protocol.VERSION, ctx.heartbeatIntervalMs(), ctx.maxFrameSize(),
            ctx.rateLimitCommands(), ctx.rateLimitWindowMs(), ctx.identifyTimeoutMs()));
    }

    @Override
    public void onTimeout(final Connection c)
    {
        if (state == DRAINING)
        {
            finishDraining(); // the core did not answer in time: close without the rest
        }
        else if (state == READY)
        {
            fail(0, ErrorCode.SESSION_TIMED_OUT, "no heartbeat within the interval");
        }
        else if (state == AWAIT_IDENTIFY || state == BINDING_IDENTIFY || state == BINDING_RESUME)
        {
            fail(0, ErrorCode.IDENTIFY_TIMEOUT, "no identify within " + c.context().identifyTimeoutMs() + " ms");
        }
        else
        {
            c.timeout(c.context().identifyTimeoutMs());
        }
    }

    @Override
    public void onRefused(final Connection c, final Refusal refusal)
    {
        final ErrorCode code = switch (refusal)
        {
            case TOO_MANY_CONNECTIONS -> ErrorCode.TOO_MANY_CONNECTIONS;
            case TOO_MANY_CONNECTIONS_FROM_ADDRESS -> ErrorCode.TOO_MANY_CONNECTIONS_FROM_ADDRESS;
            case SLOW_CONSUMER -> ErrorCode.SLOW_CONSUMER;
            case OVERLOADED -> ErrorCode.SERVER_OVERLOADED;
        };
        goodbye(0, code, refusal.name().toLowerCase().replace('_', ' '));
    }

    @Override
    public void onShutdown(final Connection c)
    {
        goodbye(0, ErrorCode.SERVER_SHUTTING_DOWN, "the server is shutting down; reconnect later");
    }

    @Override
    public void onClose(final Connection c)
    {
        final int previous = state;
        state = CLOSED;
        final EventSession s = session;
        if (null != s && s.isValid() && s.isAttached())
        {
            s.detach(this, c.nowMs());
            if (null != closeCode && !closeCode.resumable())
            {
                s.destroy();
            }
        }
        if (connectIssued && previous != CLOSED && !c.isShuttingDown() &&
            (null == s || s.isValid() || closeCode != ErrorCode.DISCONNECTED_BY_SERVER))
        {
            c.connectionLost(null != s ? s.connectionId() : c.id());
        }
    }

    // ---------------------------------------------------------------- input

    @Override
    public void onData(final Connection c, final ByteBuffer input)
    {
        final ProtocolScratch scratch = scratch();
        final int maxFrameSize = c.context().maxFrameSize();
        while (state != CLOSED && !c.isClosed() && !c.isInputSuspended())
        {
            final int length;
            try
            {
                length = FrameSplitter.nextFrame(input, maxFrameSize);
            }
            catch (final ProtocolException ex)
            {
                fail(0, ex.code(), ex.getMessage());
                return;
            }
            if (length == 0)
            {
                return;
            }
            connection.count(GatewayCounter.FRAMES_RECEIVED);
            if (!withinRateLimit(c, input.get(input.position() + Protocol.HEADER_LENGTH) & 0xFF))
            {
                fail(0, ErrorCode.RATE_LIMITED, "more than " + c.context().rateLimitCommands() + " frames in " +
                    c.context().rateLimitWindowMs() + " ms");
                return;
            }
            if (state == READY)
            {
                c.timeout(c.context().heartbeatIntervalMs() + (long)c.context().heartbeatMarginMs());
            }
            scratch.current = this;
            try
            {
                scratch.adapter.decode(input, length);
            }
            catch (final ProtocolException ex)
            {
                fail(0, ex.code(), ex.getMessage());
                return;
            }
            finally
            {
                scratch.current = null;
            }
        }
    }

    private boolean withinRateLimit(final Connection c, final int op)
    {
        final GatewayContext ctx = c.context();
        final long now = c.nowMs();
        if (now - windowStart >= ctx.rateLimitWindowMs())
        {
            windowStart = now;
            framesInWindow = 0;
        }
        framesInWindow++;
        final boolean reserved = op == Protocol.HEARTBEAT || op == Protocol.IDENTIFY || op == Protocol.RESUME;
        return framesInWindow <= (reserved ? ctx.rateLimitCommands() : ctx.rateLimitCommands() - ctx.rateLimitReserved());
    }

    void onIdentify(
        final int protocolVersion, final String token, final Changes presence, final boolean sharded,
        final int shardId, final int shardCount)
    {
        if (!expectIdentify())
        {
            return;
        }
        if (protocolVersion != Protocol.VERSION)
        {
            fail(0, ErrorCode.UNSUPPORTED_VERSION, "protocol version " + protocolVersion + " is not supported; use " +
                Protocol.VERSION);
            return;
        }
        final Identity id = authenticate(token);
        if (null == id)
        {
            return;
        }
        if (sharded)
        {
            if (id.role() != Role.SERVICE)
            {
                fail(0, ErrorCode.SHARD_NOT_ALLOWED, "only service tokens may identify with a shard");
                return;
            }
            if (shardCount < 1 || shardCount > Protocol.MAX_SHARD_COUNT || shardId < 0 || shardId >= shardCount)
            {
                fail(0, ErrorCode.INVALID_SHARD, "shard [" + shardId + ", " + shardCount + "] is out of range");
                return;
            }
        }
        final Handshake h = new Handshake();
        h.observer = id.role() == Role.OBSERVER;
        h.shardId = sharded ? shardId : -1;
        h.shardCount = sharded ? shardCount : 0;
        h.initialPresence = presence.isEmpty() || h.observer ? null : new Changes().copyFrom(presence);
        handshake = h;
        state = BINDING_IDENTIFY;
        bind(id.userId());
    }

    void onResume(final String token, final long sessionId, final long lastSeq)
    {
        if (!expectIdentify())
        {
            return;
        }
        final Identity id = authenticate(token);
        if (null == id)
        {
            return;
        }
        final Handshake h = new Handshake();
        h.observer = id.role() == Role.OBSERVER;
        h.resumeSessionId = sessionId;
        h.resumeLastSeq = lastSeq;
        handshake = h;
        state = BINDING_RESUME;
        bind(id.userId());
    }

    private boolean expectIdentify()
    {
        if (state != AWAIT_IDENTIFY)
        {
            fail(0, ErrorCode.ALREADY_IDENTIFIED, "this connection has already identified");
            return false;
        }
        return true;
    }

    private Identity authenticate(final String token)
    {
        final AuthOutcome outcome = connection.context().authenticator().authenticate(token, connection.nowMs());
        if (outcome.isSuccess())
        {
            return outcome.identity();
        }
        final ErrorCode code = switch (outcome.failure())
        {
            case EXPIRED -> ErrorCode.TOKEN_EXPIRED;
            default -> ErrorCode.AUTHENTICATION_FAILED;
        };
        fail(0, code, outcome.message());
        return null;
    }

    private void bind(final long userId)
    {
        connection.suspendInput(true);
        if (connection.userId() == userId)
        {
            onBound(connection);
        }
        else if (connection.userId() == 0)
        {
            connection.bind(userId, false);
        }
        else
        {
            fail(0, ErrorCode.AUTHENTICATION_FAILED, "a connection serves one user; reconnect to identify as another");
        }
    }

    @Override
    public void onBound(final Connection c)
    {
        if (state == BINDING_IDENTIFY && handshake.observer)
        {
            observer = true;
            session = c.sessions().openWatcher(c, this);
            ready(); // no presence: nothing for the core to apply
        }
        else if (state == BINDING_IDENTIFY)
        {
            final Handshake h = handshake;
            session = c.sessions().open(c, this, h.shardId, h.shardCount);
            state = CONNECTING;
            connectIssued = true;
            final Changes initialPresence = h.initialPresence;
            h.initialPresence = null;
            if (null == initialPresence)
            {
                c.connectUser(c.id(), TAG_CONNECT);
            }
            else
            {
                c.connectUser(c.id(), initialPresence, "identify", TAG_PRESENCE);
            }
        }
        else if (state == BINDING_RESUME)
        {
            resume(c);
        }
    }

    private void resume(final Connection c)
    {
        final long resumeLastSeq = handshake.resumeLastSeq;
        final EventSession s = c.sessions().find(c, handshake.resumeSessionId);
        final String refusal;
        boolean resumable = false;
        if (null == s || s.hasPresence() == handshake.observer)
        {
            refusal = "unknown session"; // nor may an observer take over a user's session, or a user an observer's
        }
        else if (s.isAttached())
        {
            refusal = "the session is attached to another connection";
            resumable = true;
        }
        else if (resumeLastSeq > s.seq())
        {
            refusal = "lastSeq " + resumeLastSeq + " is ahead of the session (" + s.seq() + ")";
        }
        else if (!s.canReplayAfter(resumeLastSeq))
        {
            refusal = "events after " + resumeLastSeq + " are no longer buffered";
        }
        else if (s.bytesAfter(resumeLastSeq) > c.context().maxOutboundBytes() / 2)
        {
            s.destroy();
            refusal = "the events after " + resumeLastSeq + " exceed what may be queued for a connection";
        }
        else
        {
            refusal = null;
        }
        if (null != refusal)
        {
            connection.count(GatewayCounter.INVALID_SESSIONS);
            send(scratch().writer().invalidSession(resumable));
            handshake = null;
            state = AWAIT_IDENTIFY;
            connection.suspendInput(false);
            return;
        }
        session = s;
        s.attach(this);
        state = RESUMING;
        if (handshake.observer)
        {
            observer = true;
            resumed(c); // no presence to reconnect
            return;
        }
        connectIssued = true;
        c.connectUser(s.connectionId(), TAG_RESUME);
    }

    private void resumed(final Connection c)
    {
        if (!session.canReplayAfter(handshake.resumeLastSeq))
        {
            // events came while the resume waited for the core, and pushed out some it needs
            final EventSession s = session;
            s.detach(this, c.nowMs());
            s.destroy();
            refuseResume(c);
            return;
        }
        c.count(GatewayCounter.RESUMES);
        if (!session.replayAfter(handshake.resumeLastSeq))
        {
            return;
        }
        send(scratch().writer().resumed(session.seq()));
        live(c);
    }

    // ---------------------------------------------------------------- results

    @Override
    public void onResult(final Connection c, final long tag, final Result result)
    {
        if (state == CLOSED)
        {
            return;
        }
        final long kind = tag & ~REQUEST_MASK;
        final long requestId = tag & REQUEST_MASK;
        if (kind == TAG_CONNECT)
        {
            if (!result.isAccepted())
            {
                fail(0, ErrorCode.UNKNOWN_ERROR, "connect refused by the core: " + result);
            }
            else
            {
                ready();
            }
        }
        else if (kind == TAG_PRESENCE)
        {
            if (result.isAccepted())
            {
                ready();
            }
            else if (result == Result.JOURNAL_FAILED || result == Result.INTERNAL_ERROR)
            {
                fail(0, ErrorCode.UNKNOWN_ERROR, "connect refused by the core: " + result);
            }
            else
            {
                send(scratch().writer().error(0, ErrorCode.PRESENCE_REFUSED.code(), result.name()));
                connection.countError(ErrorCode.PRESENCE_REFUSED);
                c.connectUser(c.id(), TAG_CONNECT);
            }
        }
        else if (kind == TAG_RESUME)
        {
            if (!result.isAccepted())
            {
                fail(0, ErrorCode.UNKNOWN_ERROR, "resume refused by the core: " + result);
                return;
            }
            if (!session.isValid())
            {
                refuseResume(c);
                return;
            }
            resumed(c);
        }
        else if (kind == TAG_UPDATE)
        {
            send(scratch().writer().result(requestId, result));
            resultSent();
        }
        else if (kind == TAG_SUBSCRIPTION)
        {
            onSubscriptionResult(result);
        }
    }

    /**
     * The session cannot be resumed after all: its client was destroyed (end of grace) just
     * before the resume reached the core, so the resume's connect created a new client, or events
     * it needs were pushed out while it waited. Release that connection (if connected) and let
     * the client identify afresh.
     */
    private void refuseResume(final Connection c)
    {
        if (connectIssued)
        {
            c.connectionLost(session.connectionId()); // the resume's connect made a client: release it
            connectIssued = false;
        }
        session = null;
        connection.count(GatewayCounter.INVALID_SESSIONS);
        send(scratch().writer().invalidSession(false));
        handshake = null;
        state = AWAIT_IDENTIFY;
        connection.suspendInput(false);
    }

    private void ready()
    {
        if (!session.isValid())
        {
            // the user's previous client was destroyed (its grace ended) after this session was
            // opened and before the connect: the session went with it; the client now is new
            final Handshake h = handshake;
            session = observer ? connection.sessions().openWatcher(connection, this) :
                connection.sessions().open(connection, this, h.shardId, h.shardCount);
        }
        connection.count(GatewayCounter.IDENTIFIES);
        send(scratch().writer().ready(session.id(), session.userId(), 0));
        if (!session.replayAfter(0))
        {
            return;
        }
        live(connection);
    }

    private void live(final Connection c)
    {
        handshake = null;
        session.goLive();
        state = READY;
        c.timeout(c.context().heartbeatIntervalMs() + (long)c.context().heartbeatMarginMs());
        connection.suspendInput(false);
    }

    // ---------------------------------------------------------------- commands

    private boolean expectReady()
    {
        if (state != READY)
        {
            fail(0, ErrorCode.NOT_IDENTIFIED, "identify (or resume) first");
            return false;
        }
        return true;
    }

    void onHeartbeat(final long lastSeq)
    {
        if (!expectReady())
        {
            return;
        }
        if (lastSeq < 0 || lastSeq > session.seq())
        {
            fail(0, ErrorCode.INVALID_SEQ, "heartbeat lastSeq " + lastSeq + " is not in 0.." + session.seq() +
                ", the seqs dispatched to this session");
            return;
        }
        session.acknowledge(lastSeq);
        send(scratch().writer().heartbeatAck(session.seq()));
    }

    void onUpdate(final long requestId, final int group, final String reason, final Changes changes)
    {
        if (!expectReady() || refuseObserver(requestId))
        {
            return;
        }
        final FieldGroup coreGroup = switch (group)
        {
            case Protocol.GROUP_STANDARD -> FieldGroup.STANDARD;
            case Protocol.GROUP_LOBBY -> FieldGroup.LOBBY;
            default -> null;
        };
        connection.update(coreGroup, changes, reason, TAG_UPDATE | requestId);
        owed++;
    }

    void onSubscribe(
        final long requestId, final boolean subscribe, final long[] clientIds, final int clientCount,
        final long[] lobbyIds, final int lobbyCount)
    {
        if (!expectReady() || refuseObserver(requestId))
        {
            return;
        }
        final int total = clientCount + lobbyCount;
        if (total == 0)
        {
            send(scratch().writer().result(requestId, Result.UNCHANGED));
            return;
        }
        if (null == batches)
        {
            batches = new ArrayDeque<>(2);
        }
        batches.add(new SubscriptionBatch(requestId, total));
        owed++;
        final int clientType = subscribe ? InputType.SUBSCRIBE_CLIENT : InputType.UNSUBSCRIBE_CLIENT;
        final int lobbyType = subscribe ? InputType.SUBSCRIBE_LOBBY : InputType.UNSUBSCRIBE_LOBBY;
        for (int i = 0; i < clientCount; i++)
        {
            connection.subscription(clientType, clientIds[i], TAG_SUBSCRIPTION | requestId);
        }
        for (int i = 0; i < lobbyCount; i++)
        {
            connection.subscription(lobbyType, lobbyIds[i], TAG_SUBSCRIPTION | requestId);
        }
    }

    /**
     * Results of one connection's commands arrive in the order they were issued, so the
     * oldest open batch is the one answered.
     */
    private void onSubscriptionResult(final Result result)
    {
        final SubscriptionBatch batch = batches.peek();
        if (null == batch)
        {
            return;
        }
        if (null == batch.refusal && !result.isAccepted())
        {
            batch.refusal = result;
        }
        batch.changed |= result == Result.APPLIED;
        if (--batch.remaining == 0)
        {
            batches.poll();
            final Result answer = null != batch.refusal ? batch.refusal : batch.changed ? Result.APPLIED : Result.UNCHANGED;
            send(scratch().writer().result(batch.requestId, answer));
            resultSent();
        }
    }

    void onGetClients(final long requestId, final long[] userIds, final int count)
    {
        if (!expectReady())
        {
            return;
        }
        final ProtocolScratch scratch = scratch();
        final Rollcall rollcall = connection.rollcall();
        for (int i = 0; i < count; i++)
        {
            final long userId = userIds[i];
            final ClientInfo info = userId > 0 ? rollcall.getClient(userId) : null;
            view(userId, info, observer || userId == session.userId(), scratch.views[i]);
        }
        final int length;
        try
        {
            length = scratch.writer().clients(requestId, scratch.views, count);
        }
        catch (final BufferOverflowException | IllegalArgumentException ex)
        {
            connection.countError(ErrorCode.ANSWER_TOO_LARGE);
            send(scratch.writer().error(requestId, ErrorCode.ANSWER_TOO_LARGE.code(),
                "the answer would exceed " + Protocol.MAX_SERVER_FRAME_SIZE + " bytes; ask for fewer clients"));
            return;
        }
        send(length);
    }

    /**
     * Fill a client view from the read model, hiding an invisible client from everybody but itself
     * (and observers).
     */
    private static void view(final long userId, final ClientInfo info, final boolean seesInvisible, final ClientView view)
    {
        if (null == info || (info.status() == Status.INVISIBLE && !seesInvisible))
        {
            view.absent(userId);
            return;
        }
        view.set(userId, info.connected(), info.lastDisconnected(), info.updateId());
        info.copyTo(view.state());
    }

    void onListClientIds(final long requestId, final long afterUserId, final int limit)
    {
        if (!expectReady())
        {
            return;
        }
        final ProtocolScratch scratch = scratch();
        final Rollcall rollcall = connection.rollcall();
        final long[] all = rollcall.listClientIds();
        int from = Arrays.binarySearch(all, afterUserId);
        from = from >= 0 ? from + 1 : -from - 1;
        int count = 0;
        int i = from;
        for (; i < all.length && count < limit; i++)
        {
            final long userId = all[i];
            if (userId != session.userId() && !observer)
            {
                final ClientInfo info = rollcall.getClient(userId);
                if (null == info || info.status() == Status.INVISIBLE)
                {
                    continue;
                }
            }
            scratch.ids[count++] = userId;
        }
        final long nextCursor = i < all.length && count > 0 ? scratch.ids[count - 1] : 0;
        send(scratch.writer().clientIds(requestId, nextCursor, scratch.ids, count));
    }

    void onGetStats(final long requestId)
    {
        if (!expectReady())
        {
            return;
        }
        if (!observer)
        {
            connection.countError(ErrorCode.NOT_AN_OBSERVER);
            send(scratch().writer().error(requestId, ErrorCode.NOT_AN_OBSERVER.code(), "only observers may ask for stats"));
            return;
        }
        final ProtocolScratch scratch = scratch();
        final int count = scratch.stats.fill(connection);
        send(scratch.writer().stats(requestId, connection.nowMs(), connection.rollcall().gracePeriodMs(),
            ServerStats.NAMES, scratch.stats.values(), count));
    }

    /**
     * An observer changes nothing: its command is answered with an ERROR for that request.
     *
     * @return true if refused.
     */
    private boolean refuseObserver(final long requestId)
    {
        if (!observer)
        {
            return false;
        }
        connection.countError(ErrorCode.OBSERVER_READ_ONLY);
        send(scratch().writer().error(requestId, ErrorCode.OBSERVER_READ_ONLY.code(), "an observer changes nothing"));
        return true;
    }

    @Override
    public void onMalformedInput(final Connection c, final int code, final String message)
    {
        final ErrorCode known = ErrorCode.fromCode(code);
        fail(0, null == known ? ErrorCode.MALFORMED_FRAME : known, message);
    }

    // ---------------------------------------------------------------- output

    @Override
    public boolean onSessionEvent(final EventSession s, final long seq, final PresenceEvent event)
    {
        return !connection.isClosed() && connection.send(scratch().dispatch(event));
    }

    @Override
    public void onSessionDisconnectedByServer(final EventSession s)
    {
        fail(0, ErrorCode.DISCONNECTED_BY_SERVER, "disconnected by the server");
    }

    private void send(final int ignoredLength)
    {
        connection.send(scratch().written());
    }

    /**
     * Send ERROR and CLOSE with the code, count it, and close this connection.
     */
    private void fail(final long requestId, final ErrorCode code, final String message)
    {
        if (state == CLOSED || state == DRAINING || null != closeCode || connection.isClosed())
        {
            return;
        }
        if (state == READY && owed > 0)
        {
            // what the client sent before the error was accepted: its RESULTs go out first
            state = DRAINING;
            drainRequestId = requestId;
            drainCode = code;
            drainMessage = message;
            connection.suspendInput(true);
            connection.timeout(connection.context().identifyTimeoutMs());
            return;
        }
        goodbye(requestId, code, message);
        connection.close();
    }

    private void resultSent()
    {
        owed--;
        if (state == DRAINING && owed == 0 && null == closeCode && !connection.isClosed())
        {
            finishDraining();
        }
    }

    private void finishDraining()
    {
        goodbye(drainRequestId, drainCode, drainMessage);
        connection.close();
    }

    private void goodbye(final long requestId, final ErrorCode code, final String message)
    {
        if (null != closeCode)
        {
            return; // one goodbye per connection: the first reason is the one the client hears
        }
        closeCode = code;
        connection.countError(code);
        final String text = null == message ? code.name() : message;
        send(scratch().writer().error(requestId, code.code(), text));
        send(scratch().writer().close(code.code(), text));
        connection.closeCode(code.code());
    }

    /** Results of one SUBSCRIBE or UNSUBSCRIBE, one per id. */
    private static final class SubscriptionBatch
    {
        final long requestId;
        int remaining;
        Result refusal;
        boolean changed;

        SubscriptionBatch(final long requestId, final int remaining)
        {
            this.requestId = requestId;
            this.remaining = remaining;
        }
    }

    /** An identify's or a resume's parameters, from the frame until the connection is live. */
    private static final class Handshake
    {
        Changes initialPresence;
        boolean observer;
        int shardId = -1;
        int shardCount;
        long resumeSessionId;
        long resumeLastSeq;
    }
}
