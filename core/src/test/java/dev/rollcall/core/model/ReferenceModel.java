package dev.rollcall.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A deliberately simple, independent implementation of docs/PRESENCE-RULES.md, used as the
 * oracle of the model-based test of the real state machine.
 *
 * <p>Plain maps, explicit time, no threads. Every command first advances {@code now} to
 * {@code max(now, time)} and runs the expiries that are due, then validates and applies the
 * command, and returns its result as a String ({@code APPLIED}, {@code UNCHANGED} or an error
 * code). Events are recorded in {@link #deliveries()}, one entry per subscriber per event;
 * directives in {@link #directives()}.
 *
 * <p>Events are derived generically: the state of the touched client is snapshotted before and
 * after the input, and for each subscriber the views (self or others) before and after are
 * compared exactly as the tables of the rules say.
 */
public final class ReferenceModel {

    /** The non-attribute fields of the standard group, in table order. */
    public static final List<String> STANDARD_FIELDS = List.of("status", "afk", "inGame", "partyId");

    /** The fields of the lobby group, in table order. */
    public static final List<String> LOBBY_FIELDS =
            List.of("lobbyId", "ready", "player", "playerNumber", "teamNumber", "teamColour", "sync", "lobbyHost");

    /** The prefix of attribute names: {@code "attributes.<key>"}. */
    public static final String ATTRIBUTE_PREFIX = "attributes.";

    /** The valid values of {@code status}. */
    public static final List<String> STATUSES = List.of("ONLINE", "IDLE", "DND", "INVISIBLE");

    public static final String APPLIED = "APPLIED";
    public static final String UNCHANGED = "UNCHANGED";
    public static final String UNKNOWN_CLIENT = "UNKNOWN_CLIENT";
    public static final String UNKNOWN_CONNECTION = "UNKNOWN_CONNECTION";
    public static final String FIELD_NOT_ALLOWED = "FIELD_NOT_ALLOWED";
    public static final String INVALID_VALUE = "INVALID_VALUE";
    public static final String VALUE_TOO_LARGE = "VALUE_TOO_LARGE";
    public static final String REASON_TOO_LONG = "REASON_TOO_LONG";
    public static final String TOO_MANY_ATTRIBUTES = "TOO_MANY_ATTRIBUTES";

    private enum View { ABSENT, CONNECTED, DISCONNECTED }

    private enum Group { STANDARD, LOBBY, FULL }

    /** The mutable state of one client. */
    private static final class Client {
        final long userId;
        boolean connected = true;
        long lastDisconnected = 0;
        final TreeSet<Long> connections = new TreeSet<>();
        long updateId = 1;
        /** The 12 non-attribute fields. */
        final TreeMap<String, Object> fields = new TreeMap<>();
        /** key (without prefix) -> String or Long. */
        final TreeMap<String, Object> attributes = new TreeMap<>();
        /** The grace countdown's deadline, or null when none is running. */
        Long deadline = null;

        Client(long userId) {
            this.userId = userId;
            fields.put("status", "ONLINE");
            fields.put("afk", Boolean.FALSE);
            fields.put("inGame", Boolean.FALSE);
            fields.put("partyId", 0L);
            fields.put("lobbyId", 0L);
            fields.put("ready", Boolean.FALSE);
            fields.put("player", Boolean.FALSE);
            fields.put("playerNumber", 0);
            fields.put("teamNumber", 0);
            fields.put("teamColour", 0);
            fields.put("sync", 0);
            fields.put("lobbyHost", Boolean.FALSE);
        }

        Map<String, Object> fullState() {
            TreeMap<String, Object> state = new TreeMap<>(fields);
            for (Map.Entry<String, Object> a : attributes.entrySet()) {
                state.put(ATTRIBUTE_PREFIX + a.getKey(), a.getValue());
            }
            return state;
        }
    }

    /** The state of one client as seen before or after an input (exists=false: no client). */
    private record Snapshot(boolean exists, boolean connected, Map<String, Object> state) {
        static final Snapshot NONE = new Snapshot(false, false, Map.of());

        static Snapshot of(Client c) {
            return c == null ? NONE : new Snapshot(true, c.connected, c.fullState());
        }

        long lobbyId() {
            return exists ? (Long) state.get("lobbyId") : 0L;
        }

        View view(boolean self) {
            if (!exists) {
                return View.ABSENT;
            }
            if (!self && "INVISIBLE".equals(state.get("status"))) {
                return View.ABSENT;
            }
            return connected ? View.CONNECTED : View.DISCONNECTED;
        }

        boolean member(long lobby, boolean self) {
            return lobby != 0 && view(self) != View.ABSENT && lobbyId() == lobby;
        }
    }

    private long graceMillis;
    private int maxAttributes;
    private int maxAttributeKeyBytes;
    private int maxAttributeValueBytes;
    private int maxReasonBytes;

    /** No input seen yet: the first input's time becomes now. */
    private long now = Long.MIN_VALUE;

    private final TreeMap<Long, Client> clients = new TreeMap<>();
    /** userId -> subscriber ids of that client topic. */
    private final HashMap<Long, TreeSet<Long>> clientSubscribers = new HashMap<>();
    /** lobbyId -> subscriber ids of that lobby topic. */
    private final HashMap<Long, TreeSet<Long>> lobbySubscribers = new HashMap<>();

    private final List<ModelDelivery> deliveries = new ArrayList<>();
    private final List<ModelDirective> directives = new ArrayList<>();

    /** Creates an empty model with the given grace period and limits (UTF-8 bytes). */
    public ReferenceModel(long graceMillis, int maxAttributes, int maxAttributeKeyBytes,
                          int maxAttributeValueBytes, int maxReasonBytes) {
        this.graceMillis = graceMillis;
        this.maxAttributes = maxAttributes;
        this.maxAttributeKeyBytes = maxAttributeKeyBytes;
        this.maxAttributeValueBytes = maxAttributeValueBytes;
        this.maxReasonBytes = maxReasonBytes;
    }

    // ------------------------------------------------------------------ commands

    /** {@code connectUser(userId, connectionId)}. */
    public String connectUser(long time, long userId, long connectionId) {
        advance(time);
        if (userId <= 0 || connectionId <= 0) {
            return INVALID_VALUE;
        }
        Client c = clients.get(userId);
        if (c == null) {
            Snapshot before = Snapshot.NONE;
            c = new Client(userId);
            c.connections.add(connectionId);
            clients.put(userId, c);
            emit(userId, before, Snapshot.of(c), c.updateId, null, now);
            return APPLIED;
        }
        if (c.connections.contains(connectionId)) {
            return UNCHANGED;
        }
        if (c.connected) {
            c.connections.add(connectionId); // silent attach
            return APPLIED;
        }
        Snapshot before = Snapshot.of(c);
        c.connections.add(connectionId);
        c.connected = true;
        c.deadline = null;
        c.updateId++;
        emit(userId, before, Snapshot.of(c), c.updateId, null, now);
        return APPLIED;
    }

    /** {@code connectionLost(userId, connectionId)}. */
    public String connectionLost(long time, long userId, long connectionId) {
        advance(time);
        if (userId <= 0 || connectionId <= 0) {
            return INVALID_VALUE;
        }
        Client c = clients.get(userId);
        if (c == null) {
            return UNKNOWN_CLIENT;
        }
        if (!c.connections.contains(connectionId)) {
            return UNKNOWN_CONNECTION;
        }
        c.connections.remove(connectionId);
        if (!c.connections.isEmpty()) {
            return APPLIED; // silent detach
        }
        if (graceMillis == 0) {
            destroy(c, now); // one input, one transition: CONNECTED -> ABSENT
            return APPLIED;
        }
        Snapshot before = Snapshot.of(c);
        c.connected = false;
        c.lastDisconnected = now;
        c.deadline = graceMillis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + graceMillis; // saturates: never
        c.updateId++;
        emit(userId, before, Snapshot.of(c), c.updateId, null, now);
        return APPLIED;
    }

    /** {@code disconnectUser(userId)}: close directives, then destruction without grace. */
    public String disconnectUser(long time, long userId) {
        advance(time);
        if (userId <= 0) {
            return INVALID_VALUE;
        }
        Client c = clients.get(userId);
        if (c == null) {
            return UNKNOWN_CLIENT;
        }
        for (long connectionId : c.connections) { // TreeSet: ascending
            directives.add(new ModelDirective(userId, connectionId, "DISCONNECTED_BY_SERVER"));
        }
        destroy(c, now);
        return APPLIED;
    }

    /** {@code updateClient}: standard fields and attributes only. */
    public String updateClient(long time, long userId, ModelChanges changes, String reason) {
        return update(time, userId, changes, reason, Group.STANDARD);
    }

    /** {@code updateClientInLobby}: lobby fields only. */
    public String updateClientInLobby(long time, long userId, ModelChanges changes, String reason) {
        return update(time, userId, changes, reason, Group.LOBBY);
    }

    /** {@code updateClientFull}: any field. */
    public String updateClientFull(long time, long userId, ModelChanges changes, String reason) {
        return update(time, userId, changes, reason, Group.FULL);
    }

    /** {@code subscribeToClient(subscriberId, userId)}. */
    public String subscribeToClient(long time, long subscriberId, long userId) {
        advance(time);
        if (subscriberId <= 0 || userId <= 0) {
            return INVALID_VALUE;
        }
        boolean added = clientSubscribers.computeIfAbsent(userId, k -> new TreeSet<>()).add(subscriberId);
        return added ? APPLIED : UNCHANGED;
    }

    /** {@code unsubscribeFromClient(subscriberId, userId)}. */
    public String unsubscribeFromClient(long time, long subscriberId, long userId) {
        advance(time);
        if (subscriberId <= 0 || userId <= 0) {
            return INVALID_VALUE;
        }
        return removeFrom(clientSubscribers, userId, subscriberId) ? APPLIED : UNCHANGED;
    }

    /** {@code subscribeToLobby(subscriberId, lobbyId)}. */
    public String subscribeToLobby(long time, long subscriberId, long lobbyId) {
        advance(time);
        if (subscriberId <= 0 || lobbyId <= 0) {
            return INVALID_VALUE;
        }
        boolean added = lobbySubscribers.computeIfAbsent(lobbyId, k -> new TreeSet<>()).add(subscriberId);
        return added ? APPLIED : UNCHANGED;
    }

    /** {@code unsubscribeFromLobby(subscriberId, lobbyId)}. */
    public String unsubscribeFromLobby(long time, long subscriberId, long lobbyId) {
        advance(time);
        if (subscriberId <= 0 || lobbyId <= 0) {
            return INVALID_VALUE;
        }
        return removeFrom(lobbySubscribers, lobbyId, subscriberId) ? APPLIED : UNCHANGED;
    }

    /** {@code removeSubscriber(subscriberId)}: drops all its subscriptions. */
    public String removeSubscriber(long time, long subscriberId) {
        advance(time);
        if (subscriberId <= 0) {
            return INVALID_VALUE;
        }
        return removeAllSubscriptionsOf(subscriberId) ? APPLIED : UNCHANGED;
    }

    /** {@code setGracePeriod(millis)}: applies to later disconnections; always APPLIED unless negative. */
    public String setGracePeriod(long time, long millis) {
        advance(time);
        if (millis < 0) {
            return INVALID_VALUE;
        }
        graceMillis = millis;
        return APPLIED;
    }

    /**
     * {@code setLimits(...)}: limits in UTF-8 bytes for later inputs; INVALID_VALUE if any is
     * negative. Stored values are never checked against them.
     */
    public String setLimits(long time, int maxAttributes, int maxAttributeKeyBytes, int maxAttributeValueBytes,
                            int maxReasonBytes) {
        advance(time);
        if (maxAttributes < 0 || maxAttributeKeyBytes < 0 || maxAttributeValueBytes < 0 || maxReasonBytes < 0) {
            return INVALID_VALUE;
        }
        this.maxAttributes = maxAttributes;
        this.maxAttributeKeyBytes = maxAttributeKeyBytes;
        this.maxAttributeValueBytes = maxAttributeValueBytes;
        this.maxReasonBytes = maxReasonBytes;
        return APPLIED;
    }

    /** The limits in force: attributes, key bytes, value bytes, reason bytes. */
    public List<Integer> limits() {
        return List.of(maxAttributes, maxAttributeKeyBytes, maxAttributeValueBytes, maxReasonBytes);
    }

    /** {@code tick}: only advances time. */
    public String tick(long time) {
        advance(time);
        return APPLIED;
    }

    // ------------------------------------------------------------------ queries

    /** Every delivery so far, in emission order. */
    public List<ModelDelivery> deliveries() {
        return Collections.unmodifiableList(new ArrayList<>(deliveries));
    }

    /** Every directive so far, in emission order. */
    public List<ModelDirective> directives() {
        return Collections.unmodifiableList(new ArrayList<>(directives));
    }

    /** A snapshot of the client, or null if it does not exist. */
    public ModelClient client(long userId) {
        Client c = clients.get(userId);
        if (c == null) {
            return null;
        }
        return new ModelClient(c.userId, c.connected, c.lastDisconnected, c.connections, c.updateId, c.fullState());
    }

    /** The ids of the existing clients. */
    public SortedSet<Long> clientIds() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(clients.keySet()));
    }

    /** The current grace period. */
    public long gracePeriod() {
        return graceMillis;
    }

    /** The logic's now: the greatest input time seen so far ({@code Long.MIN_VALUE} before any input). */
    public long now() {
        return now;
    }

    // ------------------------------------------------------------------ internals

    private void advance(long time) {
        now = Math.max(now, time);
        while (true) {
            Client next = null;
            for (Client c : clients.values()) { // ascending userId, so ties on deadline keep the lowest id
                if (c.deadline != null && c.deadline <= now && (next == null || c.deadline < next.deadline)) {
                    next = c;
                }
            }
            if (next == null) {
                return;
            }
            destroy(next, next.deadline);
        }
    }

    /** Destroys the client: +1 updateId, events at {@code time}, then its own subscriptions die. */
    private void destroy(Client c, long time) {
        Snapshot before = Snapshot.of(c);
        long updateId = c.updateId + 1;
        clients.remove(c.userId);
        emit(c.userId, before, Snapshot.NONE, updateId, null, time);
        removeAllSubscriptionsOf(c.userId);
    }

    private String update(long time, long userId, ModelChanges changes, String reason, Group group) {
        advance(time);
        List<Map.Entry<String, Object>> entries = changes.entries();
        for (Map.Entry<String, Object> e : entries) {
            if (!isKnownName(e.getKey())) {
                throw new IllegalArgumentException("unknown field name (test bug): " + e.getKey());
            }
        }
        // 0. identifiers
        if (userId <= 0) {
            return INVALID_VALUE;
        }
        // 1. client
        Client c = clients.get(userId);
        if (c == null) {
            return UNKNOWN_CLIENT;
        }
        // 2. reason
        String effectiveReason = reason == null ? "" : reason;
        if (utf8Bytes(effectiveReason) > maxReasonBytes) {
            return REASON_TOO_LONG;
        }
        // 3. group
        for (Map.Entry<String, Object> e : entries) {
            if (!isAllowed(e.getKey(), group)) {
                return FIELD_NOT_ALLOWED;
            }
        }
        // 4. values: fields in table order (every entry of each), then attributes in the order given
        List<String> tableOrder = new ArrayList<>(STANDARD_FIELDS);
        tableOrder.addAll(LOBBY_FIELDS);
        for (String field : tableOrder) {
            for (Map.Entry<String, Object> e : entries) {
                if (e.getKey().equals(field) && !isValidFieldValue(field, e.getValue())) {
                    return INVALID_VALUE;
                }
            }
        }
        for (Map.Entry<String, Object> e : entries) {
            if (!e.getKey().startsWith(ATTRIBUTE_PREFIX)) {
                continue;
            }
            String key = e.getKey().substring(ATTRIBUTE_PREFIX.length());
            Object value = e.getValue();
            if (key.isEmpty() || value == null) {
                return INVALID_VALUE;
            }
            if (!(value instanceof String) && !(value instanceof Long) && value != ModelChanges.REMOVE) {
                return INVALID_VALUE; // wrong Java type
            }
            // a key held (stored under larger limits) may always be removed
            if (utf8Bytes(key) > maxAttributeKeyBytes && !(value == ModelChanges.REMOVE && c.attributes.containsKey(key))) {
                return VALUE_TOO_LARGE;
            }
            if (value instanceof String s && utf8Bytes(s) > maxAttributeValueBytes) {
                return VALUE_TOO_LARGE;
            }
        }
        // the resulting state (an entry set twice keeps the last value)
        TreeMap<String, Object> newFields = new TreeMap<>(c.fields);
        TreeMap<String, Object> newAttributes = new TreeMap<>(c.attributes);
        for (Map.Entry<String, Object> e : entries) {
            String name = e.getKey();
            if (name.startsWith(ATTRIBUTE_PREFIX)) {
                String key = name.substring(ATTRIBUTE_PREFIX.length());
                if (e.getValue() == ModelChanges.REMOVE) {
                    newAttributes.remove(key);
                } else {
                    newAttributes.put(key, e.getValue());
                }
            } else {
                newFields.put(name, e.getValue());
            }
        }
        // 5. attribute count: more than the limit, and more than held (a lowered limit never forces shedding)
        if (newAttributes.size() > maxAttributes && newAttributes.size() > c.attributes.size()) {
            return TOO_MANY_ATTRIBUTES;
        }
        // diff
        if (entries.isEmpty() || (newFields.equals(c.fields) && newAttributes.equals(c.attributes))) {
            return UNCHANGED;
        }
        Snapshot before = Snapshot.of(c);
        c.fields.clear();
        c.fields.putAll(newFields);
        c.attributes.clear();
        c.attributes.putAll(newAttributes);
        c.updateId++;
        emit(userId, before, Snapshot.of(c), c.updateId, effectiveReason, now);
        return APPLIED;
    }

    /** UTF-8 bytes per code point; an unpaired surrogate is a code point of its own here, 3 bytes. */
    private static long utf8Bytes(String s) {
        return s.codePoints().mapToLong(cp -> cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4).sum();
    }

    private static boolean isKnownName(String name) {
        return STANDARD_FIELDS.contains(name) || LOBBY_FIELDS.contains(name) || name.startsWith(ATTRIBUTE_PREFIX);
    }

    private static boolean isAllowed(String name, Group group) {
        boolean lobbyField = LOBBY_FIELDS.contains(name);
        switch (group) {
            case STANDARD:
                return !lobbyField;
            case LOBBY:
                return lobbyField;
            default:
                return true;
        }
    }

    private static boolean isValidFieldValue(String field, Object value) {
        switch (field) {
            case "status":
                return value instanceof String s && STATUSES.contains(s);
            case "afk":
            case "inGame":
            case "ready":
            case "player":
            case "lobbyHost":
                return value instanceof Boolean;
            case "partyId":
            case "lobbyId":
                return value instanceof Long l && l >= 0;
            case "playerNumber":
            case "teamNumber":
                return value instanceof Integer i && i >= 0;
            case "teamColour":
            case "sync":
                return value instanceof Integer;
            default:
                throw new IllegalArgumentException("not a field: " + field);
        }
    }

    /**
     * Emits the events of one input that took the client {@code userId} from {@code before} to
     * {@code after}. {@code updateReason} is the update's reason (never null) when an update
     * caused the input, null otherwise.
     */
    private void emit(long userId, Snapshot before, Snapshot after, long updateId, String updateReason, long time) {
        Map<String, Object> diff = diff(before, after);
        Map<String, Object> lobbyDiff = new TreeMap<>();
        for (String f : LOBBY_FIELDS) {
            if (diff.containsKey(f)) {
                lobbyDiff.put(f, diff.get(f));
            }
        }

        // client topic
        for (long sub : subscribersOf(clientSubscribers, userId)) {
            boolean self = sub == userId;
            View vb = before.view(self);
            View va = after.view(self);
            if (vb == View.ABSENT && va == View.ABSENT) {
                continue;
            }
            if (vb == View.ABSENT) {
                String type = va == View.CONNECTED ? "CLIENT_CONNECTED" : "CLIENT_DISCONNECTED";
                deliver(sub, type, userId, updateId, 0, after.state(), null, time);
            } else if (va == View.ABSENT) {
                deliver(sub, "CLIENT_DESTROYED", userId, updateId, 0, Map.of(), null, time);
            } else if (vb == View.DISCONNECTED && va == View.CONNECTED) {
                deliver(sub, "CLIENT_CONNECTED", userId, updateId, 0, diff, null, time);
            } else if (vb == View.CONNECTED && va == View.DISCONNECTED) {
                deliver(sub, "CLIENT_DISCONNECTED", userId, updateId, 0, diff, null, time);
            } else if (!diff.isEmpty()) {
                deliver(sub, "CLIENT_UPDATED", userId, updateId, 0, diff, updateReason, time);
            }
        }

        long oldLobby = before.lobbyId();
        long newLobby = after.lobbyId();
        // LEFT_LOBBY (old lobby)
        if (oldLobby != 0) {
            for (long sub : subscribersOf(lobbySubscribers, oldLobby)) {
                boolean self = sub == userId;
                if (before.member(oldLobby, self) && !after.member(oldLobby, self)) {
                    deliver(sub, "LEFT_LOBBY", userId, updateId, oldLobby, Map.of(), updateReason, time);
                }
            }
        }
        // JOINED_LOBBY (new lobby)
        if (newLobby != 0) {
            Map<String, Object> lobbyFields = new TreeMap<>();
            for (String f : LOBBY_FIELDS) {
                lobbyFields.put(f, after.state().get(f));
            }
            for (long sub : subscribersOf(lobbySubscribers, newLobby)) {
                boolean self = sub == userId;
                if (!before.member(newLobby, self) && after.member(newLobby, self)) {
                    deliver(sub, "JOINED_LOBBY", userId, updateId, newLobby, lobbyFields, updateReason, time);
                }
            }
        }
        // LOBBY_CLIENT_CHANGE
        if (newLobby != 0 && newLobby == oldLobby && !lobbyDiff.isEmpty()) {
            for (long sub : subscribersOf(lobbySubscribers, newLobby)) {
                boolean self = sub == userId;
                if (before.member(newLobby, self) && after.member(newLobby, self)) {
                    deliver(sub, "LOBBY_CLIENT_CHANGE", userId, updateId, newLobby, lobbyDiff, updateReason, time);
                }
            }
        }
    }

    /** The fields whose value differs (new value, or REMOVE for a removed attribute); empty unless both exist. */
    private static Map<String, Object> diff(Snapshot before, Snapshot after) {
        Map<String, Object> diff = new TreeMap<>();
        if (!before.exists() || !after.exists()) {
            return diff;
        }
        for (Map.Entry<String, Object> e : after.state().entrySet()) {
            if (!e.getValue().equals(before.state().get(e.getKey()))) {
                diff.put(e.getKey(), e.getValue());
            }
        }
        for (String name : before.state().keySet()) {
            if (!after.state().containsKey(name)) {
                diff.put(name, ModelChanges.REMOVE);
            }
        }
        return diff;
    }

    private void deliver(long sub, String type, long userId, long updateId, long lobbyId,
                         Map<String, Object> changes, String reason, long time) {
        deliveries.add(new ModelDelivery(sub, type, userId, updateId, lobbyId, changes, reason, time));
    }

    private static List<Long> subscribersOf(Map<Long, TreeSet<Long>> topics, long topic) {
        TreeSet<Long> subs = topics.get(topic);
        return subs == null ? List.of() : new ArrayList<>(subs);
    }

    private static boolean removeFrom(Map<Long, TreeSet<Long>> topics, long topic, long subscriberId) {
        TreeSet<Long> subs = topics.get(topic);
        if (subs == null || !subs.remove(subscriberId)) {
            return false;
        }
        if (subs.isEmpty()) {
            topics.remove(topic);
        }
        return true;
    }

    private boolean removeAllSubscriptionsOf(long subscriberId) {
        boolean changed = false;
        for (Long topic : new ArrayList<>(clientSubscribers.keySet())) {
            changed |= removeFrom(clientSubscribers, topic, subscriberId);
        }
        for (Long topic : new ArrayList<>(lobbySubscribers.keySet())) {
            changed |= removeFrom(lobbySubscribers, topic, subscriberId);
        }
        return changed;
    }

    /** The client topics the subscriber is subscribed to (for tests). */
    public SortedSet<Long> clientSubscriptionsOf(long subscriberId) {
        return subscriptionsOf(clientSubscribers, subscriberId);
    }

    /** The lobby topics the subscriber is subscribed to (for tests). */
    public SortedSet<Long> lobbySubscriptionsOf(long subscriberId) {
        return subscriptionsOf(lobbySubscribers, subscriberId);
    }

    private static SortedSet<Long> subscriptionsOf(Map<Long, TreeSet<Long>> topics, long subscriberId) {
        TreeSet<Long> result = new TreeSet<>();
        for (Map.Entry<Long, TreeSet<Long>> e : topics.entrySet()) {
            if (e.getValue().contains(subscriberId)) {
                result.add(e.getKey());
            }
        }
        return Collections.unmodifiableSortedSet(result);
    }
}
