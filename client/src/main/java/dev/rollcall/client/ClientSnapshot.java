package dev.rollcall.client;

import dev.rollcall.model.Changes;
import dev.rollcall.protocol.ClientView;

import java.util.Objects;

/**
 * One client in a {@link RollcallClient#getClients(long...)} answer. Immutable: the state is copied in and
 * {@link #state()} returns a fresh copy on every call.
 *
 * @param userId           the user id asked for
 * @param present          false when there is no such client or it is hidden from the asker (invisible); then the
 *                         other components are false / 0 / an empty presence
 * @param connected        whether the client has a live connection
 * @param lastDisconnected when it last lost its last connection (epoch ms, as the server reports it)
 * @param updateId         the id of the last update applied to it
 * @param state            its presence: every field when present
 */
public record ClientSnapshot(
    long userId,
    boolean present,
    boolean connected,
    long lastDisconnected,
    long updateId,
    Changes state)
{
    /**
     * A snapshot; {@code state} is copied.
     *
     * @param userId           the user id
     * @param present          whether present
     * @param connected        whether connected
     * @param lastDisconnected when last disconnected
     * @param updateId         the last update id
     * @param state            the presence (not null; copied)
     */
    public ClientSnapshot
    {
        state = new Changes().copyFrom(Objects.requireNonNull(state, "state"));
    }

    /**
     * The client's presence.
     *
     * @return a copy (mutating it does not change this snapshot)
     */
    @Override
    public Changes state()
    {
        return new Changes().copyFrom(state);
    }

    static ClientSnapshot of(final ClientView view)
    {
        return new ClientSnapshot(
            view.userId(), view.present(), view.connected(), view.lastDisconnected(), view.updateId(), view.state());
    }
}
