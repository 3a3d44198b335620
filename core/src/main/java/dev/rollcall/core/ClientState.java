package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;

import java.util.Arrays;

/**
 * Every value of one client. The business logic owns one per live client in the
 * {@link ClientTable}; the same shape is reused as an image in the {@link Outbox} and as the
 * payload of a {@link ClientDirectory} entry, so copying between them is one method.
 * Not thread safe.
 */
final class ClientState
{
    long userId;
    boolean connected;
    long lastDisconnected;
    long updateId;
    /** Live connection ids, ascending. */
    long[] connections = new long[2];
    int connectionCount;

    /** Scalar presence values by field number ({@link FieldTable}); the attributes are below. */
    final long[] values = new long[FieldTable.MAX_FIELDS];
    final AttributeMap attributes = new AttributeMap();

    /** Grace countdown deadline while disconnected; owned by {@link GraceTimers}. */
    long graceDeadline;
    /** Position in the {@link GraceTimers} heap, or -1 when no countdown runs. */
    int timerIndex = -1;

    void reset(final long userId, final long[] defaults)
    {
        System.arraycopy(defaults, 0, values, 0, values.length);
        this.userId = userId;
        connected = false;
        lastDisconnected = 0;
        updateId = 0;
        connectionCount = 0;
        attributes.clear();
        graceDeadline = 0;
        timerIndex = -1;
    }

    int indexOfConnection(final long connectionId)
    {
        return Arrays.binarySearch(connections, 0, connectionCount, connectionId);
    }

    /**
     * @return false when the connection was already attached.
     */
    boolean addConnection(final long connectionId)
    {
        final int found = indexOfConnection(connectionId);
        if (found >= 0)
        {
            return false;
        }
        if (connectionCount == connections.length)
        {
            connections = Arrays.copyOf(connections, connectionCount * 2);
        }
        final int insertAt = -found - 1;
        System.arraycopy(connections, insertAt, connections, insertAt + 1, connectionCount - insertAt);
        connections[insertAt] = connectionId;
        connectionCount++;
        return true;
    }

    /**
     * @return false when the connection was not attached.
     */
    boolean removeConnection(final long connectionId)
    {
        final int found = indexOfConnection(connectionId);
        if (found < 0)
        {
            return false;
        }
        System.arraycopy(connections, found + 1, connections, found, connectionCount - found - 1);
        connectionCount--;
        return true;
    }

    /**
     * Append every field and attribute to a set of changes (the "full state").
     */
    void appendFullState(final Changes changes, final FieldTable table)
    {
        appendScalars(changes, table, table.scalarMask());
        attributes.appendTo(changes);
    }

    /**
     * Append the scalar fields of the lobby group.
     */
    void appendLobbyState(final Changes changes, final FieldTable table)
    {
        appendScalars(changes, table, table.lobbyMask() & table.scalarMask());
    }

    private void appendScalars(final Changes changes, final FieldTable table, final int mask)
    {
        for (int number = 0, count = table.count(); number < count; number++)
        {
            if ((mask & (1 << number)) != 0)
            {
                changes.set(table.field(number), values[number]);
            }
        }
    }

    Status status()
    {
        return Status.fromCode(values[Field.STATUS.number()]);
    }

    long get(final Field field)
    {
        return values[field.number()];
    }

    boolean isInvisible()
    {
        return values[Field.STATUS.number()] == Status.INVISIBLE.code();
    }

    long lobbyId()
    {
        return values[Field.LOBBY_ID.number()];
    }

    /**
     * Copy every presence value of another client (not its timer bookkeeping).
     */
    void copyFrom(final ClientState other)
    {
        userId = other.userId;
        connected = other.connected;
        lastDisconnected = other.lastDisconnected;
        updateId = other.updateId;
        if (connections.length < other.connectionCount)
        {
            connections = new long[other.connections.length];
        }
        System.arraycopy(other.connections, 0, connections, 0, other.connectionCount);
        connectionCount = other.connectionCount;
        System.arraycopy(other.values, 0, values, 0, values.length);
        attributes.copyFrom(other.attributes);
    }
}
