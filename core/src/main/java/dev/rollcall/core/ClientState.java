package dev.rollcall.core;

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

    Status status = Status.ONLINE;
    boolean afk;
    boolean inGame;
    long partyId;
    long lobbyId;
    boolean ready;
    boolean player;
    int playerNumber;
    int teamNumber;
    int teamColour;
    int sync;
    boolean lobbyHost;
    final AttributeMap attributes = new AttributeMap();

    /** Grace countdown deadline while disconnected; owned by {@link GraceTimers}. */
    long graceDeadline;
    /** Position in the {@link GraceTimers} heap, or -1 when no countdown runs. */
    int timerIndex = -1;

    void reset(final long userId)
    {
        this.userId = userId;
        connected = false;
        lastDisconnected = 0;
        updateId = 0;
        connectionCount = 0;
        status = Status.ONLINE;
        afk = false;
        inGame = false;
        partyId = 0;
        lobbyId = 0;
        ready = false;
        player = false;
        playerNumber = 0;
        teamNumber = 0;
        teamColour = 0;
        sync = 0;
        lobbyHost = false;
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
    void appendFullState(final Changes changes)
    {
        changes.status(status).afk(afk).inGame(inGame).partyId(partyId);
        attributes.appendTo(changes);
        appendLobbyState(changes);
    }

    void appendLobbyState(final Changes changes)
    {
        changes.lobbyId(lobbyId).ready(ready).player(player).playerNumber(playerNumber).teamNumber(teamNumber)
            .teamColour(teamColour).sync(sync).lobbyHost(lobbyHost);
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
        status = other.status;
        afk = other.afk;
        inGame = other.inGame;
        partyId = other.partyId;
        lobbyId = other.lobbyId;
        ready = other.ready;
        player = other.player;
        playerNumber = other.playerNumber;
        teamNumber = other.teamNumber;
        teamColour = other.teamColour;
        sync = other.sync;
        lobbyHost = other.lobbyHost;
        attributes.copyFrom(other.attributes);
    }
}
