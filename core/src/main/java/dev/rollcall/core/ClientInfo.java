package dev.rollcall.core;

import java.util.List;
import java.util.Map;

/**
 * An immutable copy of one client, as returned by the queries of {@link Rollcall}.
 *
 * @param userId           the user.
 * @param connected        whether any connection is live.
 * @param lastDisconnected epoch millis of the last loss of the last connection, 0 if never.
 * @param connectionIds    live connection ids, ascending.
 * @param updateId         +1 on every applied change.
 * @param status           presence status.
 * @param afk              away from keyboard.
 * @param inGame           playing.
 * @param partyId          party, 0 for none.
 * @param attributes       custom attributes in insertion order: values are {@code String} or {@code Long}.
 * @param lobbyId          lobby, 0 for none.
 * @param ready            ready to start.
 * @param player           player rather than spectator.
 * @param playerNumber     player number.
 * @param teamNumber       team number.
 * @param teamColour       team colour.
 * @param sync             sync state.
 * @param lobbyHost        hosts the lobby.
 */
public record ClientInfo(
    long userId,
    boolean connected,
    long lastDisconnected,
    List<Long> connectionIds,
    long updateId,
    Status status,
    boolean afk,
    boolean inGame,
    long partyId,
    Map<String, Object> attributes,
    long lobbyId,
    boolean ready,
    boolean player,
    int playerNumber,
    int teamNumber,
    int teamColour,
    int sync,
    boolean lobbyHost)
{
}
