package dev.rollcall.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One event delivered to one subscriber by the {@link ReferenceModel}.
 *
 * <p>{@code type} is one of CLIENT_CONNECTED, CLIENT_DISCONNECTED, CLIENT_DESTROYED,
 * CLIENT_UPDATED, JOINED_LOBBY, LEFT_LOBBY, LOBBY_CLIENT_CHANGE. {@code lobbyId} is 0 for
 * client-topic events. {@code changes} uses the names of {@link ModelChanges}; an attribute
 * removal is {@code "attributes.<key>" -> ModelChanges.REMOVE}; it is empty when there are no
 * changes. {@code reason} is null for events not caused by an update.
 */
public record ModelDelivery(long subscriberId, String type, long userId, long updateId, long lobbyId,
                            Map<String, Object> changes, String reason, long time) {

    /** Copies {@code changes} into an unmodifiable sorted map. */
    public ModelDelivery {
        changes = Collections.unmodifiableMap(new TreeMap<>(changes));
    }
}
