package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;

import java.util.Objects;

/**
 * One event ({@code DISPATCH}) received from the server. Immutable: the changes are copied in and
 * {@link #changes()} returns a fresh copy on every call.
 *
 * @param seq      the session's sequence number of the event (1, 2, 3... per session; per shard in a
 *                 {@link ShardedClient})
 * @param type     what happened
 * @param userId   the user the event is about
 * @param updateId the id of the update that caused it
 * @param lobbyId  the lobby it is about ({@code 0} when none)
 * @param time     when it happened (epoch ms, as the server reports it)
 * @param reason   the reason given with the update, or null
 * @param changes  the changed fields
 * @param shardId  the shard of the connection that received it, or {@code -1} when the client is not sharded
 */
public record PresenceDispatch(
    long seq,
    EventType type,
    long userId,
    long updateId,
    long lobbyId,
    long time,
    String reason,
    Changes changes,
    int shardId)
{
    /**
     * An event; {@code changes} is copied.
     *
     * @param seq      the sequence number
     * @param type     what happened (not null)
     * @param userId   the user
     * @param updateId the update id
     * @param lobbyId  the lobby id
     * @param time     the time
     * @param reason   the reason, or null
     * @param changes  the changed fields (not null; copied)
     * @param shardId  the shard, or -1
     */
    public PresenceDispatch
    {
        Objects.requireNonNull(type, "type");
        changes = new Changes().copyFrom(Objects.requireNonNull(changes, "changes"));
    }

    /**
     * The changed fields.
     *
     * @return a copy (mutating it does not change this event)
     */
    @Override
    public Changes changes()
    {
        return new Changes().copyFrom(changes);
    }
}
