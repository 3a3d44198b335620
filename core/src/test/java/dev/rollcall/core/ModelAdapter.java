package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import dev.rollcall.core.model.ModelChanges;
import dev.rollcall.core.model.ModelClient;
import dev.rollcall.core.model.ModelDelivery;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Translates between the real types and the reference model's plain ones (public: the
 * journal module's crash test and the cluster module's model-based test use it through core's
 * test-jar).
 */
public final class ModelAdapter
{
    private ModelAdapter()
    {
    }

    static Changes toChanges(final ModelChanges model)
    {
        final Changes changes = new Changes();
        for (final Map.Entry<String, Object> entry : model.entries())
        {
            final String name = entry.getKey();
            final Object value = entry.getValue();
            if (name.startsWith("attributes."))
            {
                final String key = name.substring("attributes.".length());
                if (value == ModelChanges.REMOVE)
                {
                    changes.removeAttribute(key);
                }
                else if (value instanceof Long l)
                {
                    changes.attribute(key, l.longValue());
                }
                else
                {
                    changes.attribute(key, (String)value);
                }
                continue;
            }
            switch (name)
            {
                case "status" -> changes.status(null == value ? null : Status.valueOf((String)value));
                case "afk" -> changes.afk((Boolean)value);
                case "inGame" -> changes.inGame((Boolean)value);
                case "partyId" -> changes.partyId((Long)value);
                case "lobbyId" -> changes.lobbyId((Long)value);
                case "ready" -> changes.ready((Boolean)value);
                case "player" -> changes.player((Boolean)value);
                case "playerNumber" -> changes.playerNumber((Integer)value);
                case "teamNumber" -> changes.teamNumber((Integer)value);
                case "teamColour" -> changes.teamColour((Integer)value);
                case "sync" -> changes.sync((Integer)value);
                case "lobbyHost" -> changes.lobbyHost((Boolean)value);
                default -> throw new IllegalArgumentException(name);
            }
        }
        return changes;
    }

    static Map<String, Object> toMap(final Changes changes)
    {
        final Map<String, Object> map = new TreeMap<>();
        if (changes.has(Field.STATUS))
        {
            map.put("status", changes.status().name());
        }
        if (changes.has(Field.AFK))
        {
            map.put("afk", changes.afk());
        }
        if (changes.has(Field.IN_GAME))
        {
            map.put("inGame", changes.inGame());
        }
        if (changes.has(Field.PARTY_ID))
        {
            map.put("partyId", changes.partyId());
        }
        for (int i = 0; i < changes.attributeCount(); i++)
        {
            final String name = "attributes." + changes.attributeKey(i);
            switch (changes.attributeKind(i))
            {
                case Changes.ATTRIBUTE_STRING -> map.put(name, changes.attributeString(i));
                case Changes.ATTRIBUTE_LONG -> map.put(name, changes.attributeLong(i));
                default -> map.put(name, ModelChanges.REMOVE);
            }
        }
        if (changes.has(Field.LOBBY_ID))
        {
            map.put("lobbyId", changes.lobbyId());
        }
        if (changes.has(Field.READY))
        {
            map.put("ready", changes.ready());
        }
        if (changes.has(Field.PLAYER))
        {
            map.put("player", changes.player());
        }
        if (changes.has(Field.PLAYER_NUMBER))
        {
            map.put("playerNumber", changes.playerNumber());
        }
        if (changes.has(Field.TEAM_NUMBER))
        {
            map.put("teamNumber", changes.teamNumber());
        }
        if (changes.has(Field.TEAM_COLOUR))
        {
            map.put("teamColour", changes.teamColour());
        }
        if (changes.has(Field.SYNC))
        {
            map.put("sync", changes.sync());
        }
        if (changes.has(Field.LOBBY_HOST))
        {
            map.put("lobbyHost", changes.lobbyHost());
        }
        return map;
    }

    /**
     * @param subscriberId the mailbox's subscriber.
     * @param event        an event it received.
     * @return the model's view of the delivery.
     */
    public static ModelDelivery toDelivery(final long subscriberId, final PresenceEvent event)
    {
        return new ModelDelivery(subscriberId, event.type().name(), event.userId(), event.updateId(), event.lobbyId(),
            toMap(event.changes()), event.reason(), event.time());
    }

    /**
     * @param info a client, or null.
     * @return the model's view of it, or null.
     */
    public static ModelClient toModel(final ClientInfo info)
    {
        if (null == info)
        {
            return null;
        }
        final Map<String, Object> fields = new TreeMap<>();
        fields.put("status", info.status().name());
        fields.put("afk", info.afk());
        fields.put("inGame", info.inGame());
        fields.put("partyId", info.partyId());
        info.attributes().forEach((key, value) -> fields.put("attributes." + key, value));
        fields.put("lobbyId", info.lobbyId());
        fields.put("ready", info.ready());
        fields.put("player", info.player());
        fields.put("playerNumber", info.playerNumber());
        fields.put("teamNumber", info.teamNumber());
        fields.put("teamColour", info.teamColour());
        fields.put("sync", info.sync());
        fields.put("lobbyHost", info.lobbyHost());
        return new ModelClient(info.userId(), info.connected(), info.lastDisconnected(),
            new TreeSet<>(info.connectionIds()), info.updateId(), fields);
    }

    static ModelClient toModel(final ClientState state)
    {
        return null == state ? null : toModel(VIEW.info(state));
    }

    private static final ClientTable VIEW = new ClientTable(dev.rollcall.model.FieldTable.PRESENCE);
}
