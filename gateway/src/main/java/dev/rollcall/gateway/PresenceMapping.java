package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.core.ClientInfo;
import dev.rollcall.model.Field;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ClientView;
import dev.rollcall.protocol.Presence;

import java.util.Map;

/**
 * Copies field values between the wire's {@link Presence} and the core's {@link Changes}
 * (same fields, same order, same attribute kinds; see docs/protocol.md).
 */
final class PresenceMapping
{
    private static final Status[] CORE_STATUS = Status.values();
    private static final Presence.Status[] WIRE_STATUS = Presence.Status.values();

    private PresenceMapping()
    {
    }

    static Changes toCore(final Presence from, final Changes to)
    {
        to.clear();
        if (from.has(Presence.STATUS))
        {
            to.status(CORE_STATUS[from.status().ordinal()]);
        }
        if (from.has(Presence.AFK))
        {
            to.afk(from.afk());
        }
        if (from.has(Presence.IN_GAME))
        {
            to.inGame(from.inGame());
        }
        if (from.has(Presence.PARTY_ID))
        {
            to.partyId(from.partyId());
        }
        for (int i = 0, n = from.attributeCount(); i < n; i++)
        {
            switch (from.attributeKind(i))
            {
                case Presence.ATTRIBUTE_STRING -> to.attribute(from.attributeKey(i), from.attributeString(i));
                case Presence.ATTRIBUTE_LONG -> to.attribute(from.attributeKey(i), from.attributeLong(i));
                default -> to.removeAttribute(from.attributeKey(i));
            }
        }
        if (from.has(Presence.LOBBY_ID))
        {
            to.lobbyId(from.lobbyId());
        }
        if (from.has(Presence.READY))
        {
            to.ready(from.ready());
        }
        if (from.has(Presence.PLAYER))
        {
            to.player(from.player());
        }
        if (from.has(Presence.PLAYER_NUMBER))
        {
            to.playerNumber(from.playerNumber());
        }
        if (from.has(Presence.TEAM_NUMBER))
        {
            to.teamNumber(from.teamNumber());
        }
        if (from.has(Presence.TEAM_COLOUR))
        {
            to.teamColour(from.teamColour());
        }
        if (from.has(Presence.SYNC))
        {
            to.sync(from.sync());
        }
        if (from.has(Presence.LOBBY_HOST))
        {
            to.lobbyHost(from.lobbyHost());
        }
        return to;
    }

    static Presence toWire(final Changes from, final Presence to)
    {
        to.clear();
        if (from.has(Field.STATUS))
        {
            to.status(WIRE_STATUS[from.status().ordinal()]);
        }
        if (from.has(Field.AFK))
        {
            to.afk(from.afk());
        }
        if (from.has(Field.IN_GAME))
        {
            to.inGame(from.inGame());
        }
        if (from.has(Field.PARTY_ID))
        {
            to.partyId(from.partyId());
        }
        for (int i = 0, n = from.attributeCount(); i < n; i++)
        {
            switch (from.attributeKind(i))
            {
                case Changes.ATTRIBUTE_STRING -> to.attribute(from.attributeKey(i), from.attributeString(i));
                case Changes.ATTRIBUTE_LONG -> to.attribute(from.attributeKey(i), from.attributeLong(i));
                default -> to.removeAttribute(from.attributeKey(i));
            }
        }
        if (from.has(Field.LOBBY_ID))
        {
            to.lobbyId(from.lobbyId());
        }
        if (from.has(Field.READY))
        {
            to.ready(from.ready());
        }
        if (from.has(Field.PLAYER))
        {
            to.player(from.player());
        }
        if (from.has(Field.PLAYER_NUMBER))
        {
            to.playerNumber(from.playerNumber());
        }
        if (from.has(Field.TEAM_NUMBER))
        {
            to.teamNumber(from.teamNumber());
        }
        if (from.has(Field.TEAM_COLOUR))
        {
            to.teamColour(from.teamColour());
        }
        if (from.has(Field.SYNC))
        {
            to.sync(from.sync());
        }
        if (from.has(Field.LOBBY_HOST))
        {
            to.lobbyHost(from.lobbyHost());
        }
        return to;
    }

    /**
     * Fill a wire client view from the read model, hiding an invisible client from others.
     */
    static ClientView toView(final long userId, final ClientInfo info, final long viewerId, final ClientView view)
    {
        if (null == info || (info.status() == Status.INVISIBLE && userId != viewerId))
        {
            return view.absent(userId);
        }
        view.set(userId, info.connected(), info.lastDisconnected(), info.updateId());
        final Presence state = view.state().clear();
        state.status(WIRE_STATUS[info.status().ordinal()])
            .afk(info.afk())
            .inGame(info.inGame())
            .partyId(info.partyId());
        for (final Map.Entry<String, Object> attribute : info.attributes().entrySet())
        {
            if (attribute.getValue() instanceof Long value)
            {
                state.attribute(attribute.getKey(), value.longValue());
            }
            else
            {
                state.attribute(attribute.getKey(), String.valueOf(attribute.getValue()));
            }
        }
        state.lobbyId(info.lobbyId())
            .ready(info.ready())
            .player(info.player())
            .playerNumber(info.playerNumber())
            .teamNumber(info.teamNumber())
            .teamColour(info.teamColour())
            .sync(info.sync())
            .lobbyHost(info.lobbyHost());
        return view;
    }
}
