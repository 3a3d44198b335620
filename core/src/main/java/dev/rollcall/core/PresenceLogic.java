package dev.rollcall.core;

import dev.rollcall.model.Status;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.agrona.collections.LongHashSet;

/**
 * The presence state machine: the single writer of the {@link ClientTable}, the
 * {@link Subscriptions} and the {@link GraceTimers}. It is fed only by {@link Input}s, reads no
 * clock (time is the greatest input time seen) and writes everything it decides into an
 * {@link Outbox}, so the same inputs always produce the same state and outputs, live or on
 * replay. Its rules are docs/PRESENCE-RULES.md. Not thread safe: exactly one thread calls
 * {@link #apply(Input, Outbox)}.
 */
final class PresenceLogic
{
    static final int ABSENT = 0;
    static final int CONNECTED = 1;
    static final int DISCONNECTED = 2;

    private static final int PAYLOAD_NONE = 0;
    private static final int PAYLOAD_FULL = 1;
    private static final int PAYLOAD_DIFF = 2;
    private static final int PAYLOAD_LOBBY_FULL = 3;
    private static final int PAYLOAD_LOBBY_DIFF = 4;

    private final FieldTable table;
    private final ClientTable clients;
    private final FieldLayout layout;
    private final GraceTimers timers = new GraceTimers();
    private final Subscriptions subscriptions = new Subscriptions();
    /** The update limits in force: state, set by {@link InputType#SET_LIMITS} and held in snapshots. */
    private Limits limits;
    private final Changes diff = new Changes();
    /** A client with every field at its default, to check and diff a new client's presence against. */
    private final ClientState defaults;
    /** Volatile for {@link Rollcall#gracePeriodMs()} on other threads; written only here, and rarely. */
    private volatile long gracePeriodMs;
    private long now;
    private long position;
    private long appliedInputs;
    private boolean replaying;
    private Outbox out;

    private boolean firehose;
    private ClientState beforeClient;
    private int selfBefore;
    private int othersBefore;
    private long selfLobbyBefore;
    private long othersLobbyBefore;

    PresenceLogic(final Limits limits, final long gracePeriodMs)
    {
        this(FieldTable.PRESENCE, limits, gracePeriodMs);
    }

    /**
     * @param table the presence fields (a test may pass a copy with more).
     */
    PresenceLogic(final FieldTable table, final Limits limits, final long gracePeriodMs)
    {
        this.table = table;
        this.clients = new ClientTable(table);
        this.layout = clients.layout();
        this.defaults = new ClientState();
        this.defaults.reset(0, layout);
        this.limits = limits;
        this.gracePeriodMs = gracePeriodMs;
    }

    /**
     * Also address every client-topic event of the user's own view to
     * {@link EventSink#FIREHOSE}, subscribed or not. Output only: replay is unaffected.
     */
    void firehose(final boolean firehose)
    {
        this.firehose = firehose;
    }

    /**
     * Apply one state input.
     *
     * @param input  a state input ({@link InputType#isStateInput(int)}).
     * @param outbox cleared, then filled with what the input produced.
     * @return the command's result.
     */
    Result apply(final Input input, final Outbox outbox)
    {
        out = outbox;
        outbox.reset();
        appliedInputs++;
        if (input.time > now)
        {
            now = input.time;
        }
        try
        {
            expireDue();
            return switch (input.type)
            {
                case InputType.TICK -> Result.APPLIED;
                case InputType.CONNECT_USER -> connectUser(input.userId, input.connectionId);
                case InputType.CONNECTION_LOST -> connectionLost(input.userId, input.connectionId);
                case InputType.DISCONNECT_USER -> disconnectUser(input.userId);
                case InputType.UPDATE_CLIENT -> update(input, table.standardMask());
                case InputType.UPDATE_CLIENT_IN_LOBBY -> update(input, table.lobbyMask());
                case InputType.UPDATE_CLIENT_FULL -> update(input, table.allMask());
                case InputType.SUBSCRIBE_CLIENT -> input.subscriberId <= 0 || input.userId <= 0 ? Result.INVALID_VALUE :
                    subscribeClient(input.subscriberId, input.userId);
                case InputType.UNSUBSCRIBE_CLIENT -> input.subscriberId <= 0 || input.userId <= 0 ? Result.INVALID_VALUE :
                    changed(subscriptions.unsubscribeClient(input.subscriberId, input.userId));
                case InputType.SUBSCRIBE_LOBBY -> input.subscriberId <= 0 || input.lobbyId <= 0 ? Result.INVALID_VALUE :
                    changed(subscriptions.subscribeLobby(input.subscriberId, input.lobbyId));
                case InputType.UNSUBSCRIBE_LOBBY -> input.subscriberId <= 0 || input.lobbyId <= 0 ? Result.INVALID_VALUE :
                    changed(subscriptions.unsubscribeLobby(input.subscriberId, input.lobbyId));
                case InputType.REMOVE_SUBSCRIBER -> input.subscriberId <= 0 ? Result.INVALID_VALUE :
                    changed(subscriptions.removeSubscriber(input.subscriberId));
                case InputType.SET_GRACE_PERIOD -> setGracePeriod(input.value);
                case InputType.CONNECTIONS_RESET -> connectionsReset(input.value);
                case InputType.CONNECT_USER_WITH_PRESENCE -> connectUserWithPresence(input);
                case InputType.SET_LIMITS -> setLimits(input);
                default -> throw new IllegalArgumentException("not a state input: " + InputType.name(input.type));
            };
        }
        finally
        {
            clients.publish(position);
        }
    }

    /**
     * Set the published position of the inputs applied next: the clients they write become
     * readable once the journal holds it (see {@link ClientTable}). Live, the ring sequence + 1;
     * 0 while recovering (nothing waits for those).
     */
    void position(final long position)
    {
        this.position = position;
    }

    long now()
    {
        return now;
    }

    /**
     * @return the earliest grace deadline still running, or {@link Long#MAX_VALUE} when none: the
     * time at which an input (a tick) has something to expire. Read by the clock thread through
     * {@link ClockSignal}; the logic itself never waits for it.
     */
    long nextDeadline()
    {
        return timers.isEmpty() ? Long.MAX_VALUE : timers.earliestDeadline();
    }

    /**
     * In replay mode the logic changes its state exactly as live but writes nothing into the
     * outbox (no events or directives, and no topic lookups): nobody reads them while rebuilding
     * state, and skipping them is most of the cost of a replay.
     */
    void replaying(final boolean replaying)
    {
        this.replaying = replaying;
    }

    /**
     * @return how many state inputs have been applied: the journal position this state covers.
     */
    long appliedInputs()
    {
        return appliedInputs;
    }

    /**
     * Set the scalars of a snapshot being loaded into an empty logic.
     */
    void restore(final long appliedInputs, final long now, final long gracePeriodMs)
    {
        this.appliedInputs = appliedInputs;
        this.now = now;
        this.gracePeriodMs = gracePeriodMs;
    }

    long gracePeriodMs()
    {
        return gracePeriodMs;
    }

    Limits limits()
    {
        return limits;
    }

    /**
     * Set the limits of a snapshot being loaded (a version-1 snapshot has none: the limits the
     * logic was created with stay).
     */
    void restoreLimits(final Limits limits)
    {
        this.limits = limits;
    }

    ClientState client(final long userId)
    {
        return clients.get(userId);
    }

    ClientTable clients()
    {
        return clients;
    }

    Subscriptions subscriptions()
    {
        return subscriptions;
    }

    /**
     * Any thread.
     *
     * @return the clients in grace (disconnected, countdown running) as of the last input applied.
     */
    int clientsInGrace()
    {
        return timers.publishedSize();
    }

    GraceTimers timers()
    {
        return timers;
    }

    private Result subscribeClient(final long subscriberId, final long userId)
    {
        final boolean added = subscriptions.subscribeClient(subscriberId, userId);
        final ClientState client = clients.get(userId);
        if (null != client)
        {
            client.watchers = subscriptions.clientSubscribers(userId);
        }
        return changed(added);
    }

    /**
     * Point every client at its topic's subscriber set (after loading a snapshot).
     */
    void refreshWatchers()
    {
        for (int i = 0, n = clients.slotCount(); i < n; i++)
        {
            final ClientState client = clients.slot(i);
            if (null != client)
            {
                client.watchers = subscriptions.clientSubscribers(client.userId);
            }
        }
    }

    private static Result changed(final boolean changed)
    {
        return changed ? Result.APPLIED : Result.UNCHANGED;
    }

    private Result setGracePeriod(final long millis)
    {
        if (millis < 0)
        {
            return Result.INVALID_VALUE;
        }
        gracePeriodMs = millis;
        return Result.APPLIED;
    }

    /**
     * Limits for the inputs after this one; stored values are never checked against them. A
     * journaled input may hold anything: a negative limit is refused, never thrown on, so it
     * replays to the same refusal.
     */
    private Result setLimits(final Input input)
    {
        if (!Limits.areValid(input.maxAttributes, input.maxAttributeKeyBytes, input.maxAttributeValueBytes, input.maxReasonBytes))
        {
            return Result.INVALID_VALUE;
        }
        if (!limits.matches(input.maxAttributes, input.maxAttributeKeyBytes, input.maxAttributeValueBytes, input.maxReasonBytes))
        {
            // rare (an operator's change, or a launch with other limits): the only allocation here
            limits = new Limits(input.maxAttributes, input.maxAttributeKeyBytes, input.maxAttributeValueBytes, input.maxReasonBytes);
        }
        return Result.APPLIED;
    }

    /**
     * Live connections are lost now (the process that held them is gone): in ascending user id
     * order, each client loses the lost node's connections as if one by one, and starts its grace
     * countdown when none is left.
     *
     * @param node 0 for every connection (a single node's restart), or the node number whose
     *             connections ({@link ConnectionIds#node}) are lost (a cluster node's gateway gone).
     */
    private Result connectionsReset(final long node)
    {
        for (final long userId : clients.sortedUserIds())
        {
            final ClientState client = clients.get(userId);
            if (client.connectionCount == 0)
            {
                continue;
            }
            if (0 == node)
            {
                captureBefore(client);
                client.clearConnections();
                lastConnectionLost(client);
                continue;
            }
            boolean lost = false;
            for (int i = client.connectionCount - 1; i >= 0; i--)
            {
                final long connectionId = client.connection(i);
                if (ConnectionIds.node(connectionId) == node)
                {
                    if (!lost)
                    {
                        captureBefore(client);
                        lost = true;
                    }
                    client.removeConnection(connectionId);
                }
            }
            if (lost && client.connectionCount == 0)
            {
                lastConnectionLost(client);
            }
        }
        return Result.APPLIED;
    }

    private void expireDue()
    {
        while (!timers.isEmpty() && timers.earliestDeadline() <= now)
        {
            final long deadline = timers.earliestDeadline();
            final ClientState client = timers.pollEarliest();
            captureBefore(client);
            client.updateId++;
            destroy(client, deadline);
        }
    }

    private Result connectUser(final long userId, final long connectionId)
    {
        if (userId <= 0 || connectionId <= 0)
        {
            return Result.INVALID_VALUE;
        }

        ClientState client = clients.get(userId);
        if (null == client)
        {
            client = createConnected(userId, connectionId);
        }
        else
        {
            captureBefore(client);
            if (!client.addConnection(connectionId))
            {
                return Result.UNCHANGED;
            }
            if (client.connected)
            {
                return Result.APPLIED;
            }
            timers.cancel(client);
            client.connected = true;
            client.updateId++;
        }

        diff.clear();
        emitTransitions(client.userId, client.updateId, client, null, now);
        return Result.APPLIED;
    }

    /**
     * Attach the connection and apply the presence as one input. Checked like
     * {@code updateClientFull} (against the defaults for a new client) before anything
     * changes; a refusal changes nothing. Then one view comparison covers both, so a
     * new client appears with its presence already applied (or not at all, if invisible).
     */
    private Result connectUserWithPresence(final Input input)
    {
        final long userId = input.userId;
        final long connectionId = input.connectionId;
        if (userId <= 0 || connectionId <= 0)
        {
            return Result.INVALID_VALUE;
        }
        if (reasonExceeds(input))
        {
            return Result.REASON_TOO_LONG;
        }
        ClientState client = clients.get(userId);
        final Result invalid = validate(input, input.changes, null == client ? defaults : client);
        if (null != invalid)
        {
            return invalid;
        }
        computeDiff(input.changes, null == client ? defaults : client);

        if (null == client)
        {
            client = createConnected(userId, connectionId);
        }
        else
        {
            captureBefore(client);
            final boolean attached = client.addConnection(connectionId);
            if (client.connected && diff.isEmpty())
            {
                if (attached)
                {
                    return Result.APPLIED;
                }
                return Result.UNCHANGED;
            }
            if (!client.connected)
            {
                timers.cancel(client);
                client.connected = true;
            }
            client.updateId++;
        }
        applyDiff(client);
        emitTransitions(userId, client.updateId, client, replaying || !input.hasReason() ? "" : input.reasonString(), now);
        return Result.APPLIED;
    }

    private ClientState createConnected(final long userId, final long connectionId)
    {
        captureBefore(null);
        final ClientState client = clients.create(userId, position);
        client.watchers = subscriptions.clientSubscribers(userId);
        client.connected = true;
        client.updateId = 1;
        client.addConnection(connectionId);
        return client;
    }

    private Result connectionLost(final long userId, final long connectionId)
    {
        if (userId <= 0 || connectionId <= 0)
        {
            return Result.INVALID_VALUE;
        }
        final ClientState client = clients.get(userId);
        if (null == client)
        {
            return Result.UNKNOWN_CLIENT;
        }
        if (client.indexOfConnection(connectionId) < 0)
        {
            return Result.UNKNOWN_CONNECTION;
        }

        captureBefore(client);
        client.removeConnection(connectionId);
        if (client.connectionCount > 0)
        {
            return Result.APPLIED;
        }

        lastConnectionLost(client);
        return Result.APPLIED;
    }

    /**
     * The client (views captured) has just lost its last connection: disconnect it and start
     * its grace countdown, or destroy it at once with grace 0.
     */
    private void lastConnectionLost(final ClientState client)
    {
        client.connected = false;
        client.lastDisconnected = now;
        client.updateId++;
        if (gracePeriodMs == 0)
        {
            destroy(client, now);
        }
        else
        {
            // saturating: a deadline past Long.MAX_VALUE means never
            timers.schedule(client, gracePeriodMs > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + gracePeriodMs);
            diff.clear();
            emitTransitions(client.userId, client.updateId, client, null, now);
        }
    }

    private Result disconnectUser(final long userId)
    {
        if (userId <= 0)
        {
            return Result.INVALID_VALUE;
        }
        final ClientState client = clients.get(userId);
        if (null == client)
        {
            return Result.UNKNOWN_CLIENT;
        }
        for (int i = 0; i < client.connectionCount; i++)
        {
            directive(userId, client.connection(i));
        }
        captureBefore(client);
        client.updateId++;
        destroy(client, now);
        return Result.APPLIED;
    }

    /**
     * Destroy a client whose "before" views were captured and whose updateId was bumped.
     */
    private void destroy(final ClientState client, final long time)
    {
        final long userId = client.userId;
        timers.cancel(client);
        diff.clear();
        emitTransitions(userId, client.updateId, null, null, time);
        clients.remove(client, position);
        subscriptions.removeSubscriber(userId);
    }

    private Result update(final Input input, final int allowedMask)
    {
        final long userId = input.userId;
        if (userId <= 0)
        {
            return Result.INVALID_VALUE;
        }
        final ClientState client = clients.get(userId);
        if (null == client)
        {
            return Result.UNKNOWN_CLIENT;
        }
        if (reasonExceeds(input))
        {
            return Result.REASON_TOO_LONG;
        }
        final Changes changes = input.changes;
        if ((changes.mask() & ~allowedMask) != 0)
        {
            return Result.FIELD_NOT_ALLOWED;
        }
        final Result invalid = validate(input, changes, client);
        if (null != invalid)
        {
            return invalid;
        }

        computeDiff(changes, client);
        if (diff.isEmpty())
        {
            return Result.UNCHANGED;
        }

        captureBefore(client);
        applyDiff(client);
        client.updateId++;
        emitTransitions(userId, client.updateId, client, replaying || !input.hasReason() ? "" : input.reasonString(), now);
        return Result.APPLIED;
    }

    private Result validate(final Input input, final Changes changes, final ClientState client)
    {
        for (int bits = changes.mask() & table.scalarMask(); bits != 0; bits &= bits - 1)
        {
            final int number = Integer.numberOfTrailingZeros(bits);
            if (!table.field(number).accepts(changes.get(number)))
            {
                return Result.INVALID_VALUE;
            }
        }

        if (changes.attributeCount() == 0)
        {
            return null; // the client's attributes (out of line) need not be read
        }
        final int attributesHeld = client.attributes().count;
        int attributeCount = attributesHeld;
        for (int i = 0; i < changes.attributeCount(); i++)
        {
            final String key = changes.attributeKey(i);
            final byte kind = changes.attributeKind(i);
            final String value = changes.attributeString(i);
            if (null == key || key.isEmpty() || kind < Changes.ATTRIBUTE_STRING || kind > Changes.ATTRIBUTE_REMOVE ||
                (kind == Changes.ATTRIBUTE_STRING && null == value))
            {
                return Result.INVALID_VALUE;
            }
            // a key the client holds (stored under larger limits) may always be removed
            if ((exceeds(input, key, limits.maxAttributeKeyBytes()) &&
                (kind != Changes.ATTRIBUTE_REMOVE || client.attributes().indexOf(key) < 0)) ||
                (kind == Changes.ATTRIBUTE_STRING && exceeds(input, value, limits.maxAttributeValueBytes())))
            {
                return Result.VALUE_TOO_LARGE;
            }
        }
        for (int i = 0; i < changes.attributeCount(); i++)
        {
            if (isLastOccurrence(changes, i))
            {
                final boolean present = client.attributes().indexOf(changes.attributeKey(i)) >= 0;
                final boolean remove = changes.attributeKind(i) == Changes.ATTRIBUTE_REMOVE;
                if (remove && present)
                {
                    attributeCount--;
                }
                else if (!remove && !present)
                {
                    attributeCount++;
                }
            }
        }
        // a client over a lowered limit keeps what it holds and may change or shed it, not grow
        return attributeCount > limits.maxAttributes() && attributeCount > attributesHeld ? Result.TOO_MANY_ATTRIBUTES : null;
    }

    /**
     * Whether the input's reason is longer than the limit; a reason replay left encoded is
     * decided from its length in code units when that settles it, else decoded.
     */
    private boolean reasonExceeds(final Input input)
    {
        final int chars = input.reasonChars;
        if (chars < 0)
        {
            return null != input.reason && exceeds(input, input.reason, limits.maxReasonBytes());
        }
        final int limit = limits.maxReasonBytes();
        if (input.lengthsInChars)
        {
            return chars > limit;
        }
        final int byUnits = Utf8.exceedsByUnits(chars, limit);
        return byUnits >= 0 ? byUnits == 1 : exceeds(input, input.reasonString(), limit);
    }

    /**
     * @return true when a string is over a limit: in UTF-8 bytes, or in UTF-16 code units for an
     * input of the journal's first layout (checked that way when it was applied live).
     */
    private static boolean exceeds(final Input input, final String value, final int limit)
    {
        return null != input && input.lengthsInChars ? value.length() > limit : Utf8.exceeds(value, limit);
    }

    private static boolean isLastOccurrence(final Changes changes, final int index)
    {
        final String key = changes.attributeKey(index);
        for (int j = index + 1; j < changes.attributeCount(); j++)
        {
            if (key.equals(changes.attributeKey(j)))
            {
                return false;
            }
        }
        return true;
    }

    private void computeDiff(final Changes changes, final ClientState client)
    {
        final Changes d = diff.clear();
        for (int bits = changes.mask() & table.scalarMask(); bits != 0; bits &= bits - 1)
        {
            final int number = Integer.numberOfTrailingZeros(bits);
            final long value = changes.get(number);
            if (value != layout.get(client, number))
            {
                d.set(table.field(number), value);
            }
        }
        for (int i = 0; i < changes.attributeCount(); i++)
        {
            if (!isLastOccurrence(changes, i))
            {
                continue;
            }
            final String key = changes.attributeKey(i);
            final byte kind = changes.attributeKind(i);
            if (kind == Changes.ATTRIBUTE_REMOVE)
            {
                if (client.attributes().indexOf(key) >= 0)
                {
                    d.removeAttribute(key);
                }
            }
            else if (!client.attributes().holds(key, kind, changes.attributeString(i), changes.attributeLong(i)))
            {
                d.addAttribute(key, kind, changes.attributeString(i), changes.attributeLong(i));
            }
        }
    }

    private void applyDiff(final ClientState client)
    {
        final Changes d = diff;
        for (int bits = d.mask() & table.scalarMask(); bits != 0; bits &= bits - 1)
        {
            final int number = Integer.numberOfTrailingZeros(bits);
            layout.set(client, number, d.get(number));
        }
        for (int i = 0; i < d.attributeCount(); i++)
        {
            if (d.attributeKind(i) == Changes.ATTRIBUTE_REMOVE)
            {
                client.attributesForWrite().remove(d.attributeKey(i));
            }
            else
            {
                client.attributesForWrite().put(d.attributeKey(i), d.attributeKind(i), d.attributeString(i), d.attributeLong(i));
            }
        }
    }

    private void appendLobbyState(final ClientState client, final Changes changes)
    {
        final int lobbyScalars = table.lobbyMask() & table.scalarMask();
        for (int number = 0, count = table.count(); number < count; number++)
        {
            if ((lobbyScalars & (1 << number)) != 0)
            {
                changes.set(table.field(number), layout.get(client, number));
            }
        }
    }

    private void directive(final long userId, final long connectionId)
    {
        if (!replaying)
        {
            out.addDirective(userId, connectionId);
        }
    }

    private int view(final ClientState client, final boolean self)
    {
        if (null == client || (!self && layout.get(client, Field.STATUS.number()) == Status.INVISIBLE.code()))
        {
            return ABSENT;
        }
        return client.connected ? CONNECTED : DISCONNECTED;
    }

    private long lobbyIdOf(final ClientState client)
    {
        return layout.get(client, Field.LOBBY_ID.number());
    }

    /**
     * Capture the client's views before it changes, and open its write section (every change
     * to a client follows this call, or {@link ClientTable#create}).
     */
    private void captureBefore(final ClientState client)
    {
        beforeClient = client;
        if (null != client)
        {
            clients.touch(client);
        }
        if (replaying)
        {
            return; // the views serve only the events, which replay does not emit
        }
        selfBefore = view(client, true);
        othersBefore = view(client, false);
        selfLobbyBefore = selfBefore == ABSENT ? 0 : lobbyIdOf(client);
        othersLobbyBefore = othersBefore == ABSENT ? 0 : lobbyIdOf(client);
    }

    /**
     * Compare the captured "before" views with the client's state now and emit what each
     * view calls for (docs/PRESENCE-RULES.md, "Events and who sees them").
     *
     * @param after        the client now, or null when it is gone.
     * @param updateReason the update's reason (never null) when an update caused this, else null.
     */
    private void emitTransitions(
        final long userId, final long updateId, final ClientState after, final String updateReason, final long time)
    {
        if (replaying)
        {
            return;
        }
        final ClientState client = null != after ? after : beforeClient;
        LongHashSet clientTopic = null == client ? subscriptions.clientSubscribers(userId) : client.watchers;
        if (null != clientTopic && clientTopic.isEmpty())
        {
            clientTopic = null; // a topic emptied since (unsubscribed, subscriber removed): nobody watches
        }
        final int selfAfter = view(after, true);
        final int othersAfter = view(after, false);
        emitFor(clientTopic, true, userId, updateId, after, updateReason, time,
            selfBefore, selfAfter, selfLobbyBefore, selfAfter == ABSENT ? 0 : lobbyIdOf(after));
        emitFor(clientTopic, false, userId, updateId, after, updateReason, time,
            othersBefore, othersAfter, othersLobbyBefore, othersAfter == ABSENT ? 0 : lobbyIdOf(after));
    }

    private void emitFor(
        final LongHashSet clientTopic,
        final boolean self,
        final long userId,
        final long updateId,
        final ClientState after,
        final String updateReason,
        final long time,
        final int before,
        final int afterView,
        final long lobbyBefore,
        final long lobbyAfter)
    {
        EventType type = null;
        int payload = PAYLOAD_NONE;
        if (before == ABSENT)
        {
            if (afterView != ABSENT)
            {
                type = afterView == CONNECTED ? EventType.CLIENT_CONNECTED : EventType.CLIENT_DISCONNECTED;
                payload = PAYLOAD_FULL;
            }
        }
        else if (afterView == ABSENT)
        {
            type = EventType.CLIENT_DESTROYED;
        }
        else if (before != afterView)
        {
            type = afterView == CONNECTED ? EventType.CLIENT_CONNECTED : EventType.CLIENT_DISCONNECTED;
            payload = PAYLOAD_DIFF;
        }
        else if (!diff.isEmpty())
        {
            type = EventType.CLIENT_UPDATED;
            payload = PAYLOAD_DIFF;
        }
        if (null != type)
        {
            emit(clientTopic, self, self && firehose, type, payload, userId, updateId, 0,
                after, type == EventType.CLIENT_UPDATED ? updateReason : null, time);
        }

        if (lobbyBefore != 0 && lobbyBefore != lobbyAfter)
        {
            emit(subscriptions.lobbySubscribers(lobbyBefore), self, false, EventType.LEFT_LOBBY, PAYLOAD_NONE,
                userId, updateId, lobbyBefore, after, updateReason, time);
        }
        if (lobbyAfter != 0 && lobbyAfter != lobbyBefore)
        {
            emit(subscriptions.lobbySubscribers(lobbyAfter), self, false, EventType.JOINED_LOBBY, PAYLOAD_LOBBY_FULL,
                userId, updateId, lobbyAfter, after, updateReason, time);
        }
        if (lobbyAfter != 0 && lobbyAfter == lobbyBefore && (diff.mask() & table.lobbyMask()) != 0)
        {
            emit(subscriptions.lobbySubscribers(lobbyAfter), self, false, EventType.LOBBY_CLIENT_CHANGE, PAYLOAD_LOBBY_DIFF,
                userId, updateId, lobbyAfter, after, updateReason, time);
        }
    }

    private void emit(
        final LongHashSet topic,
        final boolean self,
        final boolean toFirehose,
        final EventType type,
        final int payload,
        final long userId,
        final long updateId,
        final long lobbyId,
        final ClientState after,
        final String reason,
        final long time)
    {
        if ((null == topic && !toFirehose) || replaying ||
            (!toFirehose && (self ? !topic.contains(userId) : topic.size() == (topic.contains(userId) ? 1 : 0))))
        {
            return; // nobody to tell
        }
        final OutEvent event = out.addEvent();
        if (null == topic)
        {
            event.recipients.addLong(EventSink.FIREHOSE);
        }
        else if (self)
        {
            if (topic.contains(userId))
            {
                event.recipients.addLong(userId);
            }
        }
        else
        {
            final LongHashSet.LongIterator it = topic.iterator();
            while (it.hasNext())
            {
                final long subscriberId = it.nextValue();
                if (subscriberId != userId)
                {
                    event.recipients.addLong(subscriberId);
                }
            }
        }
        if (toFirehose && null != topic)
        {
            event.recipients.addLong(EventSink.FIREHOSE);
        }
        if (event.recipients.isEmpty())
        {
            out.dropLastEvent();
            return;
        }

        event.type = type;
        event.userId = userId;
        event.updateId = updateId;
        event.lobbyId = lobbyId;
        event.time = time;
        event.reason = reason;
        switch (payload)
        {
            case PAYLOAD_FULL -> clients.fullState(after, event.changes);
            case PAYLOAD_DIFF -> event.changes.copyFrom(diff);
            case PAYLOAD_LOBBY_FULL -> appendLobbyState(after, event.changes);
            case PAYLOAD_LOBBY_DIFF -> event.changes.copyFrom(diff, table.lobbyMask());
            default ->
            {
            }
        }
    }
}
