package dev.rollcall.protocol;

import dev.rollcall.model.Changes;

/**
 * One client in a {@code CLIENTS} answer (docs/protocol.md): mutable and reusable.
 *
 * <pre>
 *  i64 userId, bool present
 *  when present: bool connected, i64 lastDisconnected, i64 updateId,
 *                changes holding every field (mask 0x1FFF, or 0x1FEF when there are no attributes)
 * </pre>
 *
 * When not present (no such client, or hidden from the asker) nothing else follows; the other getters then
 * return false / 0 and an empty {@link #state()}.
 */
public final class ClientView
{
    private final Changes state = new Changes();
    private long userId;
    private boolean present;
    private boolean connected;
    private long lastDisconnected;
    private long updateId;

    /**
     * The client's user id.
     *
     * @return the user id
     */
    public long userId()
    {
        return userId;
    }

    /**
     * Whether the client exists and is visible to the asker.
     *
     * @return true when present
     */
    public boolean present()
    {
        return present;
    }

    /**
     * Whether the client has a live connection.
     *
     * @return true when connected (false when not present)
     */
    public boolean connected()
    {
        return connected;
    }

    /**
     * When the client last lost its last connection.
     *
     * @return the time (epoch ms, as the server reports it; 0 when not present)
     */
    public long lastDisconnected()
    {
        return lastDisconnected;
    }

    /**
     * The id of the last update applied to the client.
     *
     * @return the update id (0 when not present)
     */
    public long updateId()
    {
        return updateId;
    }

    /**
     * The client's presence: every field when present (the attributes only when it has any). Mutable: fill it
     * before writing.
     *
     * @return the reusable presence holder
     */
    public Changes state()
    {
        return state;
    }

    /**
     * Sets the user id.
     *
     * @param userId the user id
     * @return this
     */
    public ClientView userId(final long userId)
    {
        this.userId = userId;
        return this;
    }

    /**
     * Sets whether the client is present.
     *
     * @param present the value
     * @return this
     */
    public ClientView present(final boolean present)
    {
        this.present = present;
        return this;
    }

    /**
     * Sets whether the client is connected.
     *
     * @param connected the value
     * @return this
     */
    public ClientView connected(final boolean connected)
    {
        this.connected = connected;
        return this;
    }

    /**
     * Sets when the client last lost its last connection.
     *
     * @param lastDisconnected the value
     * @return this
     */
    public ClientView lastDisconnected(final long lastDisconnected)
    {
        this.lastDisconnected = lastDisconnected;
        return this;
    }

    /**
     * Sets the id of the last update applied to the client.
     *
     * @param updateId the value
     * @return this
     */
    public ClientView updateId(final long updateId)
    {
        this.updateId = updateId;
        return this;
    }

    /**
     * Sets a present client's scalar values (fill {@link #state()} separately).
     *
     * @param userId           the user id
     * @param connected        whether it is connected
     * @param lastDisconnected when it last lost its last connection
     * @param updateId         the id of its last update
     * @return this
     */
    public ClientView set(final long userId, final boolean connected, final long lastDisconnected, final long updateId)
    {
        this.userId = userId;
        this.present = true;
        this.connected = connected;
        this.lastDisconnected = lastDisconnected;
        this.updateId = updateId;
        return this;
    }

    /**
     * Makes this an absent client: not present, everything else cleared.
     *
     * @param userId the user id asked for
     * @return this
     */
    public ClientView absent(final long userId)
    {
        this.userId = userId;
        this.present = false;
        this.connected = false;
        this.lastDisconnected = 0;
        this.updateId = 0;
        state.clear();
        return this;
    }

    /**
     * Makes this a copy of another view.
     *
     * @param other the view to copy
     * @return this
     */
    public ClientView copyFrom(final ClientView other)
    {
        userId = other.userId;
        present = other.present;
        connected = other.connected;
        lastDisconnected = other.lastDisconnected;
        updateId = other.updateId;
        state.copyFrom(other.state);
        return this;
    }

    @Override
    public boolean equals(final Object obj)
    {
        if (this == obj)
        {
            return true;
        }
        if (!(obj instanceof ClientView))
        {
            return false;
        }
        final ClientView other = (ClientView)obj;
        return userId == other.userId && present == other.present && connected == other.connected &&
            lastDisconnected == other.lastDisconnected && updateId == other.updateId && state.equals(other.state);
    }

    @Override
    public int hashCode()
    {
        int hash = Long.hashCode(userId);
        hash = 31 * hash + Boolean.hashCode(present);
        hash = 31 * hash + Boolean.hashCode(connected);
        hash = 31 * hash + Long.hashCode(lastDisconnected);
        hash = 31 * hash + Long.hashCode(updateId);
        return 31 * hash + state.hashCode();
    }

    @Override
    public String toString()
    {
        if (!present)
        {
            return "ClientView{userId=" + userId + ", absent}";
        }
        return "ClientView{userId=" + userId + ", connected=" + connected + ", lastDisconnected=" + lastDisconnected +
            ", updateId=" + updateId + ", state=" + state + "}";
    }
}
