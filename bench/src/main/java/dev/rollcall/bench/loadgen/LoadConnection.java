package dev.rollcall.bench.loadgen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One simulated user's connection, owned by one {@link LoadWorker}: its socket, protocol state,
 * updates in flight (a ring of request ids and send times), command tokens, and the bytes it
 * could not write or parse yet (allocated only when needed). Against Redis a watcher's
 * subscriptions live on a connection of their own ({@link #subscriberOnly}), which sends no updates.
 * Over WebSocket it also holds its masking PRNG and where it is in the server's frames.
 */
final class LoadConnection
{
    static final int NEW = 0;
    static final int CONNECTING = 1;
    static final int AWAIT_HELLO = 2;
    static final int IDENTIFYING = 3;
    static final int READY = 4;
    static final int CLOSED = 5;
    /** WebSocket: the upgrade request is sent, its answer awaited (then {@link #AWAIT_HELLO}). */
    static final int UPGRADING = 6;

    private static final int MIN_BUFFER = 1024;

    final int index;
    final long userId;
    final long lobbyId;
    /** Users this watcher subscribes to; null when not a watcher. */
    final long[] watchedUsers;
    /** Lobbies this watcher subscribes to; null when not a watcher. */
    final long[] watchedLobbies;
    /** A Redis watcher connection: subscribed to the channels of {@link #watchedUsers}, sends no updates. */
    final boolean subscriberOnly;

    SocketChannel channel;
    SelectionKey key;
    int state = NEW;
    boolean opened;
    boolean settled;
    boolean wasReady;
    long identifySentNanos;
    long heartbeatIntervalNanos;
    long nextHeartbeatNanos;
    long lastSeq;
    long subscribeRequestId;
    long lastStamp;
    private int parity;
    long deliveries;
    /** Redis: subscriptions confirmed so far (ready when all are). */
    int subscriptionsConfirmed;
    /** Filed in the {@link TokenWheel}, waiting for a token. */
    boolean waiting;
    LoadConnection nextWaiting;

    private long nextRequestId = 1;
    private long nextReplyId = 1;
    final long[] ringIds;
    final long[] ringNanos;
    final int ringMask;
    int inFlight;

    private double tokens;
    private double burst;
    private double tokensPerNano;
    private long tokensAtNanos;

    ByteBuffer pendingOut;
    ByteBuffer partialIn;

    /** WebSocket: the {@code Sec-WebSocket-Accept} the server must answer with (null once it has). */
    String webSocketAccept;
    /** WebSocket: the masking keys' xorshift state (never 0). */
    long maskState = 1;
    /** WebSocket: payload bytes at the front of {@link #partialIn} whose frame headers are already stripped. */
    int webSocketStripped;
    /** WebSocket: payload bytes of the server's current data frame still to come. */
    long webSocketFrameRemaining;
    /** WebSocket: the current data frame is its message's last. */
    boolean webSocketFrameFinal;
    /** WebSocket: the opcode of the message being received, 0 between messages. */
    int webSocketMessageOpcode;
    /** WebSocket: the payload bytes of the message being received so far. */
    long webSocketMessageLength;
    /** WebSocket: the server sent a close frame. */
    boolean webSocketCloseReceived;
    /** WebSocket: the code of that close frame. */
    int webSocketCloseCode;

    LoadConnection(final int index, final long userId, final long lobbyId, final long[] watchedUsers,
        final long[] watchedLobbies, final int window)
    {
        this(index, userId, lobbyId, watchedUsers, watchedLobbies, window, false);
    }

    /**
     * @param index          the connection's number in the run (picks its source address).
     * @param userId         the user it is (or, for a subscriber-only connection, watches for).
     * @param lobbyId        the user's lobby.
     * @param watchedUsers   users it watches (for a subscriber-only connection: the channels), null if none.
     * @param watchedLobbies lobbies it watches, null if none.
     * @param window         updates in flight at most.
     * @param subscriberOnly true for a Redis watcher connection.
     */
    LoadConnection(final int index, final long userId, final long lobbyId, final long[] watchedUsers,
        final long[] watchedLobbies, final int window, final boolean subscriberOnly)
    {
        this.index = index;
        this.subscriberOnly = subscriberOnly;
        this.userId = userId;
        this.lobbyId = lobbyId;
        this.watchedUsers = watchedUsers;
        this.watchedLobbies = watchedLobbies;
        final int ring = Integer.highestOneBit(Math.max(2, window * 2 + 1) - 1) << 1;
        ringIds = new long[ring];
        ringNanos = new long[ring];
        ringMask = ring - 1;
    }

    /** WebSocket: forget the decoding state (a new connection). */
    void resetWebSocket()
    {
        webSocketStripped = 0;
        webSocketFrameRemaining = 0;
        webSocketFrameFinal = false;
        webSocketMessageOpcode = 0;
        webSocketMessageLength = 0;
        webSocketCloseReceived = false;
        webSocketCloseCode = 0;
    }

    /** @return a fresh masking key for the next client frame (xorshift64, high half). */
    int nextMask()
    {
        long x = maskState;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        maskState = x;
        return (int)(x >>> 32);
    }

    boolean isWatcher()
    {
        return null != watchedUsers;
    }

    /** @return 1, 0, 1, 0, ... (see {@link LoadWorker#teamColour}). */
    int nextParity()
    {
        parity ^= 1;
        return parity;
    }

    /** @return the next request id (u32, never 0). */
    long nextRequestId()
    {
        final long id = nextRequestId;
        nextRequestId = (nextRequestId + 1) & 0xFFFFFFFFL;
        if (0 == nextRequestId)
        {
            nextRequestId = 1;
        }
        return id;
    }

    /**
     * Redis replies come in the order of the commands: the next reply answers this request id (the same sequence
     * as {@link #nextRequestId()}).
     *
     * @return the request id the next reply answers.
     */
    long nextReplyId()
    {
        final long id = nextReplyId;
        nextReplyId = (nextReplyId + 1) & 0xFFFFFFFFL;
        if (0 == nextReplyId)
        {
            nextReplyId = 1;
        }
        return id;
    }

    /** No rate limit (Redis): every command may be sent at once. */
    void unlimitedBudget()
    {
        burst = Double.POSITIVE_INFINITY;
        tokens = Double.POSITIVE_INFINITY;
        tokensPerNano = 0;
    }

    /**
     * @param budget the server's allowance.
     * @param now    nanoTime.
     */
    void budget(final CommandBudget budget, final long now)
    {
        burst = budget.burst();
        tokens = burst;
        tokensPerNano = budget.tokensPerNano();
        tokensAtNanos = now;
    }

    /**
     * @param now nanoTime.
     * @return true if a command may be sent now (and the token is spent).
     */
    boolean takeToken(final long now)
    {
        if (tokens < 1)
        {
            tokens = Math.min(burst, tokens + (now - tokensAtNanos) * tokensPerNano);
            tokensAtNanos = now;
            if (tokens < 1)
            {
                return false;
            }
        }
        tokens -= 1;
        return true;
    }

    /**
     * @return when the next token is due (nanoTime; as of the last refill), or {@code Long.MAX_VALUE} if never.
     */
    long tokenDueNanos()
    {
        if (tokens >= 1)
        {
            return tokensAtNanos;
        }
        if (tokensPerNano <= 0)
        {
            return Long.MAX_VALUE;
        }
        return tokensAtNanos + (long)Math.ceil((1 - tokens) / tokensPerNano);
    }

    /** Spend a token whether or not there is one (for the one SUBSCRIBE). */
    void forceToken()
    {
        tokens -= 1;
    }

    boolean hasPendingOut()
    {
        return null != pendingOut && pendingOut.position() > 0;
    }

    /**
     * @param bytes room needed after the pending bytes.
     */
    void growPendingOut(final int bytes)
    {
        if (null == pendingOut)
        {
            pendingOut = allocate(Math.max(MIN_BUFFER, bytes));
        }
        else if (pendingOut.remaining() < bytes)
        {
            final ByteBuffer bigger = allocate(Math.max(pendingOut.capacity() * 2, pendingOut.position() + bytes));
            pendingOut.flip();
            bigger.put(pendingOut);
            pendingOut = bigger;
        }
    }

    /**
     * @param bytes bytes the socket did not take, from position to limit; appended to the pending ones.
     */
    void appendPendingOut(final ByteBuffer bytes)
    {
        growPendingOut(bytes.remaining());
        pendingOut.put(bytes);
    }

    /**
     * @param bytes the start of a frame, from position to limit; kept until more arrive.
     */
    void keepPartialIn(final ByteBuffer bytes)
    {
        if (null == partialIn || partialIn.capacity() < bytes.remaining())
        {
            partialIn = allocate(Math.max(MIN_BUFFER, Integer.highestOneBit(bytes.remaining()) << 1));
        }
        partialIn.clear();
        partialIn.put(bytes);
    }

    private static ByteBuffer allocate(final int capacity)
    {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }
}
