package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.Status;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable copy of one client, as returned by the queries of {@link Rollcall}: the
 * connection bookkeeping, and every presence field of the {@link dev.rollcall.model.FieldTable}
 * ({@link #get(Field)}; the typed accessors are shorthands for the built-in fields).
 */
public final class ClientInfo
{
    private final long userId;
    private final boolean connected;
    private final long lastDisconnected;
    private final List<Long> connectionIds;
    private final long updateId;
    private final Changes presence;
    private Map<String, Object> attributes;

    /**
     * @param userId           the user.
     * @param connected        whether any connection is live.
     * @param lastDisconnected epoch millis of the last loss of the last connection, 0 if never.
     * @param connectionIds    live connection ids, ascending (kept, not copied).
     * @param updateId         +1 on every applied change.
     * @param presence         the full state: every field set (kept, not copied: the caller gives it up).
     */
    ClientInfo(
        final long userId,
        final boolean connected,
        final long lastDisconnected,
        final List<Long> connectionIds,
        final long updateId,
        final Changes presence)
    {
        this.userId = userId;
        this.connected = connected;
        this.lastDisconnected = lastDisconnected;
        this.connectionIds = Collections.unmodifiableList(connectionIds);
        this.updateId = updateId;
        this.presence = presence;
    }

    /** @return the user. */
    public long userId()
    {
        return userId;
    }

    /** @return whether any connection is live. */
    public boolean connected()
    {
        return connected;
    }

    /** @return epoch millis of the last loss of the last connection, 0 if never. */
    public long lastDisconnected()
    {
        return lastDisconnected;
    }

    /** @return live connection ids, ascending. */
    public List<Long> connectionIds()
    {
        return connectionIds;
    }

    /** @return +1 on every applied change. */
    public long updateId()
    {
        return updateId;
    }

    /**
     * @param field a scalar field of the table.
     * @return its value (booleans 0/1, the status code).
     */
    public long get(final Field field)
    {
        return presence.get(field);
    }

    /**
     * Copy the full state (every field, attributes included) into a set of changes.
     *
     * @param to cleared first.
     * @return {@code to}.
     */
    public Changes copyTo(final Changes to)
    {
        return to.copyFrom(presence);
    }

    /** @return presence status. */
    public Status status()
    {
        return presence.status();
    }

    /** @return away from keyboard. */
    public boolean afk()
    {
        return presence.afk();
    }

    /** @return playing. */
    public boolean inGame()
    {
        return presence.inGame();
    }

    /** @return party, 0 for none. */
    public long partyId()
    {
        return presence.partyId();
    }

    /** @return custom attributes in insertion order: values are {@code String} or {@code Long}. */
    public Map<String, Object> attributes()
    {
        Map<String, Object> map = attributes;
        if (null == map)
        {
            final Map<String, Object> built = new LinkedHashMap<>();
            for (int i = 0; i < presence.attributeCount(); i++)
            {
                built.put(presence.attributeKey(i), presence.attributeKind(i) == Changes.ATTRIBUTE_STRING ?
                    presence.attributeString(i) : (Object)presence.attributeLong(i));
            }
            map = Collections.unmodifiableMap(built);
            attributes = map;
        }
        return map;
    }

    /** @return lobby, 0 for none. */
    public long lobbyId()
    {
        return presence.lobbyId();
    }

    /** @return ready to start. */
    public boolean ready()
    {
        return presence.ready();
    }

    /** @return player rather than spectator. */
    public boolean player()
    {
        return presence.player();
    }

    /** @return player number. */
    public int playerNumber()
    {
        return presence.playerNumber();
    }

    /** @return team number. */
    public int teamNumber()
    {
        return presence.teamNumber();
    }

    /** @return team colour. */
    public int teamColour()
    {
        return presence.teamColour();
    }

    /** @return sync state. */
    public int sync()
    {
        return presence.sync();
    }

    /** @return hosts the lobby. */
    public boolean lobbyHost()
    {
        return presence.lobbyHost();
    }

    @Override
    public boolean equals(final Object obj)
    {
        return obj instanceof ClientInfo other && userId == other.userId && connected == other.connected &&
            lastDisconnected == other.lastDisconnected && updateId == other.updateId &&
            connectionIds.equals(other.connectionIds) && presence.equals(other.presence);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(userId, connected, lastDisconnected, updateId, connectionIds, presence);
    }

    @Override
    public String toString()
    {
        return "ClientInfo[userId=" + userId + ", connected=" + connected + ", lastDisconnected=" + lastDisconnected +
            ", connectionIds=" + connectionIds + ", updateId=" + updateId + ", presence=" + presence + "]";
    }
}
