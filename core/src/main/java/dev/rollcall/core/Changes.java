package dev.rollcall.core;

import java.util.Arrays;

/**
 * A mutable, reusable set of field values: the payload of an update command and the diff
 * carried by an event. Only fields whose bit is in {@link #mask()} are meaningful.
 * Attribute changes are kept in the order they were given; each is a string value, a long
 * value or a removal.
 * <p>
 * Not thread safe. Commands copy the changes they are given, so a caller may reuse one
 * instance for every call ({@link #clear()} between them) and allocate nothing.
 */
public final class Changes
{
    /** Attribute change kind: set a string value. */
    public static final byte ATTRIBUTE_STRING = 1;
    /** Attribute change kind: set a long value. */
    public static final byte ATTRIBUTE_LONG = 2;
    /** Attribute change kind: remove the key. */
    public static final byte ATTRIBUTE_REMOVE = 3;

    private static final int INITIAL_ATTRIBUTE_CAPACITY = 4;

    int mask;
    Status status;
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

    int attributeCount;
    String[] attributeKeys = new String[INITIAL_ATTRIBUTE_CAPACITY];
    byte[] attributeKinds = new byte[INITIAL_ATTRIBUTE_CAPACITY];
    String[] attributeStrings = new String[INITIAL_ATTRIBUTE_CAPACITY];
    long[] attributeLongs = new long[INITIAL_ATTRIBUTE_CAPACITY];

    /**
     * Forget every change so the instance can be reused.
     *
     * @return this.
     */
    public Changes clear()
    {
        mask = 0;
        status = null;
        if (attributeCount > 0)
        {
            Arrays.fill(attributeKeys, 0, attributeCount, null);
            Arrays.fill(attributeStrings, 0, attributeCount, null);
            attributeCount = 0;
        }
        return this;
    }

    /**
     * Make this a copy of another (references to strings are shared; they are immutable).
     *
     * @param other to copy.
     * @return this.
     */
    public Changes copyFrom(final Changes other)
    {
        clear();
        mask = other.mask;
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
        for (int i = 0; i < other.attributeCount; i++)
        {
            addAttribute(other.attributeKeys[i], other.attributeKinds[i], other.attributeStrings[i], other.attributeLongs[i]);
        }
        return this;
    }

    /**
     * @return the bits ({@link Field#bit()}) of the fields set.
     */
    public int mask()
    {
        return mask;
    }

    /**
     * @param field to test.
     * @return true when the field is set.
     */
    public boolean has(final Field field)
    {
        return (mask & field.bit()) != 0;
    }

    /**
     * @return true when no field is set.
     */
    public boolean isEmpty()
    {
        return mask == 0;
    }

    /**
     * @param status the new status (null is refused by the logic with {@link Result#INVALID_VALUE}).
     * @return this.
     */
    public Changes status(final Status status)
    {
        this.status = status;
        mask |= Field.STATUS.bit();
        return this;
    }

    /**
     * @param afk away from keyboard.
     * @return this.
     */
    public Changes afk(final boolean afk)
    {
        this.afk = afk;
        mask |= Field.AFK.bit();
        return this;
    }

    /**
     * @param inGame playing a game.
     * @return this.
     */
    public Changes inGame(final boolean inGame)
    {
        this.inGame = inGame;
        mask |= Field.IN_GAME.bit();
        return this;
    }

    /**
     * @param partyId party, 0 for none.
     * @return this.
     */
    public Changes partyId(final long partyId)
    {
        this.partyId = partyId;
        mask |= Field.PARTY_ID.bit();
        return this;
    }

    /**
     * @param lobbyId lobby, 0 for none.
     * @return this.
     */
    public Changes lobbyId(final long lobbyId)
    {
        this.lobbyId = lobbyId;
        mask |= Field.LOBBY_ID.bit();
        return this;
    }

    /**
     * @param ready ready to start.
     * @return this.
     */
    public Changes ready(final boolean ready)
    {
        this.ready = ready;
        mask |= Field.READY.bit();
        return this;
    }

    /**
     * @param player a player rather than a spectator.
     * @return this.
     */
    public Changes player(final boolean player)
    {
        this.player = player;
        mask |= Field.PLAYER.bit();
        return this;
    }

    /**
     * @param playerNumber player number, {@code >= 0}.
     * @return this.
     */
    public Changes playerNumber(final int playerNumber)
    {
        this.playerNumber = playerNumber;
        mask |= Field.PLAYER_NUMBER.bit();
        return this;
    }

    /**
     * @param teamNumber team number, {@code >= 0}.
     * @return this.
     */
    public Changes teamNumber(final int teamNumber)
    {
        this.teamNumber = teamNumber;
        mask |= Field.TEAM_NUMBER.bit();
        return this;
    }

    /**
     * @param teamColour team colour.
     * @return this.
     */
    public Changes teamColour(final int teamColour)
    {
        this.teamColour = teamColour;
        mask |= Field.TEAM_COLOUR.bit();
        return this;
    }

    /**
     * @param sync sync state.
     * @return this.
     */
    public Changes sync(final int sync)
    {
        this.sync = sync;
        mask |= Field.SYNC.bit();
        return this;
    }

    /**
     * @param lobbyHost hosts the lobby.
     * @return this.
     */
    public Changes lobbyHost(final boolean lobbyHost)
    {
        this.lobbyHost = lobbyHost;
        mask |= Field.LOBBY_HOST.bit();
        return this;
    }

    /**
     * Set a string attribute.
     *
     * @param key   attribute key.
     * @param value attribute value.
     * @return this.
     */
    public Changes attribute(final String key, final String value)
    {
        return addAttribute(key, ATTRIBUTE_STRING, value, 0);
    }

    /**
     * Set a long attribute.
     *
     * @param key   attribute key.
     * @param value attribute value.
     * @return this.
     */
    public Changes attribute(final String key, final long value)
    {
        return addAttribute(key, ATTRIBUTE_LONG, null, value);
    }

    /**
     * Remove an attribute.
     *
     * @param key attribute key.
     * @return this.
     */
    public Changes removeAttribute(final String key)
    {
        return addAttribute(key, ATTRIBUTE_REMOVE, null, 0);
    }

    Changes addAttribute(final String key, final byte kind, final String stringValue, final long longValue)
    {
        if (attributeCount == attributeKeys.length)
        {
            final int capacity = attributeCount * 2;
            attributeKeys = Arrays.copyOf(attributeKeys, capacity);
            attributeKinds = Arrays.copyOf(attributeKinds, capacity);
            attributeStrings = Arrays.copyOf(attributeStrings, capacity);
            attributeLongs = Arrays.copyOf(attributeLongs, capacity);
        }
        final int i = attributeCount++;
        attributeKeys[i] = key;
        attributeKinds[i] = kind;
        attributeStrings[i] = stringValue;
        attributeLongs[i] = longValue;
        mask |= Field.ATTRIBUTES.bit();
        return this;
    }

    /** @return the status; meaningful when {@link Field#STATUS} is set. */
    public Status status()
    {
        return status;
    }

    /** @return afk; meaningful when {@link Field#AFK} is set. */
    public boolean afk()
    {
        return afk;
    }

    /** @return inGame; meaningful when {@link Field#IN_GAME} is set. */
    public boolean inGame()
    {
        return inGame;
    }

    /** @return partyId; meaningful when {@link Field#PARTY_ID} is set. */
    public long partyId()
    {
        return partyId;
    }

    /** @return lobbyId; meaningful when {@link Field#LOBBY_ID} is set. */
    public long lobbyId()
    {
        return lobbyId;
    }

    /** @return ready; meaningful when {@link Field#READY} is set. */
    public boolean ready()
    {
        return ready;
    }

    /** @return player; meaningful when {@link Field#PLAYER} is set. */
    public boolean player()
    {
        return player;
    }

    /** @return playerNumber; meaningful when {@link Field#PLAYER_NUMBER} is set. */
    public int playerNumber()
    {
        return playerNumber;
    }

    /** @return teamNumber; meaningful when {@link Field#TEAM_NUMBER} is set. */
    public int teamNumber()
    {
        return teamNumber;
    }

    /** @return teamColour; meaningful when {@link Field#TEAM_COLOUR} is set. */
    public int teamColour()
    {
        return teamColour;
    }

    /** @return sync; meaningful when {@link Field#SYNC} is set. */
    public int sync()
    {
        return sync;
    }

    /** @return lobbyHost; meaningful when {@link Field#LOBBY_HOST} is set. */
    public boolean lobbyHost()
    {
        return lobbyHost;
    }

    /** @return how many attribute changes there are. */
    public int attributeCount()
    {
        return attributeCount;
    }

    /**
     * @param index of the attribute change, {@code < attributeCount()}.
     * @return its key.
     */
    public String attributeKey(final int index)
    {
        return attributeKeys[index];
    }

    /**
     * @param index of the attribute change.
     * @return {@link #ATTRIBUTE_STRING}, {@link #ATTRIBUTE_LONG} or {@link #ATTRIBUTE_REMOVE}.
     */
    public byte attributeKind(final int index)
    {
        return attributeKinds[index];
    }

    /**
     * @param index of the attribute change.
     * @return its string value (kind {@link #ATTRIBUTE_STRING}).
     */
    public String attributeString(final int index)
    {
        return attributeStrings[index];
    }

    /**
     * @param index of the attribute change.
     * @return its long value (kind {@link #ATTRIBUTE_LONG}).
     */
    public long attributeLong(final int index)
    {
        return attributeLongs[index];
    }

    /**
     * Copy the lobby fields of another set of changes (used to split a diff by topic).
     */
    void copyLobbyFieldsFrom(final Changes other)
    {
        clear();
        mask = other.mask & Field.LOBBY_MASK;
        lobbyId = other.lobbyId;
        ready = other.ready;
        player = other.player;
        playerNumber = other.playerNumber;
        teamNumber = other.teamNumber;
        teamColour = other.teamColour;
        sync = other.sync;
        lobbyHost = other.lobbyHost;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (final Field field : Field.values())
        {
            if (field == Field.ATTRIBUTES || !has(field))
            {
                continue;
            }
            if (sb.length() > 1)
            {
                sb.append(", ");
            }
            sb.append(field).append('=').append(valueOf(field));
        }
        for (int i = 0; i < attributeCount; i++)
        {
            if (sb.length() > 1)
            {
                sb.append(", ");
            }
            sb.append("attributes.").append(attributeKeys[i]).append('=');
            switch (attributeKinds[i])
            {
                case ATTRIBUTE_STRING -> appendQuoted(sb, attributeStrings[i]);
                case ATTRIBUTE_LONG -> sb.append(attributeLongs[i]);
                default -> sb.append("<removed>");
            }
        }
        return sb.append('}').toString();
    }

    private static void appendQuoted(final StringBuilder sb, final String value)
    {
        if (null == value)
        {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    private Object valueOf(final Field field)
    {
        return switch (field)
        {
            case STATUS -> status;
            case AFK -> afk;
            case IN_GAME -> inGame;
            case PARTY_ID -> partyId;
            case LOBBY_ID -> lobbyId;
            case READY -> ready;
            case PLAYER -> player;
            case PLAYER_NUMBER -> playerNumber;
            case TEAM_NUMBER -> teamNumber;
            case TEAM_COLOUR -> teamColour;
            case SYNC -> sync;
            case LOBBY_HOST -> lobbyHost;
            case ATTRIBUTES -> attributeCount;
        };
    }
}
