package dev.rollcall.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The wire {@code changes} value (docs/protocol.md, "changes"): a set of presence field values. Mutable and
 * reusable (like core's {@code Changes}); not thread-safe.
 *
 * <pre>
 *  u16 mask           bit i set = field i present; bits 13..15 must be 0
 *  then, for each present field in field-number order, its value:
 *    0 status u8 | 1 afk bool | 2 inGame bool | 3 partyId i64
 *    4 attributes: u8 count (1..255), count x (string key, u8 kind, value: 1 string, 2 i64, 3 nothing)
 *    5 lobbyId i64 | 6 ready bool | 7 player bool | 8 playerNumber i32 | 9 teamNumber i32
 *   10 teamColour i32 | 11 sync i32 | 12 lobbyHost bool
 * </pre>
 *
 * <p>Field numbers are {@code dev.rollcall.model.Field} ordinals. Setters set the field's mask bit. Values are not
 * validated here (negative ids etc. are the server's presence rules); a null status, attribute key or attribute
 * string value cannot be expressed on the wire and is rejected by {@link FrameWriter} with an
 * {@link IllegalArgumentException}, as are more than 255 attributes. Getters of fields not in the mask return
 * defaults (null status, false, 0).
 */
public final class Presence
{
    /** Field 0: status. */
    public static final int STATUS = 0;
    /** Field 1: afk. */
    public static final int AFK = 1;
    /** Field 2: inGame. */
    public static final int IN_GAME = 2;
    /** Field 3: partyId. */
    public static final int PARTY_ID = 3;
    /** Field 4: attributes. */
    public static final int ATTRIBUTES = 4;
    /** Field 5: lobbyId. */
    public static final int LOBBY_ID = 5;
    /** Field 6: ready. */
    public static final int READY = 6;
    /** Field 7: player. */
    public static final int PLAYER = 7;
    /** Field 8: playerNumber. */
    public static final int PLAYER_NUMBER = 8;
    /** Field 9: teamNumber. */
    public static final int TEAM_NUMBER = 9;
    /** Field 10: teamColour. */
    public static final int TEAM_COLOUR = 10;
    /** Field 11: sync. */
    public static final int SYNC = 11;
    /** Field 12: lobbyHost. */
    public static final int LOBBY_HOST = 12;
    /** The number of fields. */
    public static final int FIELD_COUNT = 13;
    /** Every field. */
    public static final int ALL_MASK = 0x1FFF;
    /** Attribute kind 1: a string value. */
    public static final byte ATTRIBUTE_STRING = 1;
    /** Attribute kind 2: a long value. */
    public static final byte ATTRIBUTE_LONG = 2;
    /** Attribute kind 3: remove the attribute (no value). */
    public static final byte ATTRIBUTE_REMOVE = 3;

    /** {@code status} values; the ordinals are the wire {@code u8} ({@code dev.rollcall.model.Status}). */
    public enum Status
    {
        /** 0. */
        ONLINE,
        /** 1. */
        IDLE,
        /** 2: do not disturb. */
        DND,
        /** 3: shown as absent to everybody else. */
        INVISIBLE;

        private static final Status[] VALUES = values();

        /**
         * The status with the given wire code.
         *
         * @param code the wire code (the ordinal)
         * @return the status, or null when unknown
         */
        public static Status fromCode(final int code)
        {
            return code >= 0 && code < VALUES.length ? VALUES[code] : null;
        }
    }

    private static final int INITIAL_ATTRIBUTES = 4;

    private int mask;
    private Status status;
    private boolean afk;
    private boolean inGame;
    private long partyId;
    private long lobbyId;
    private boolean ready;
    private boolean player;
    private int playerNumber;
    private int teamNumber;
    private int teamColour;
    private int sync;
    private boolean lobbyHost;

    private int attributeCount;
    private String[] keys = new String[INITIAL_ATTRIBUTES];
    private byte[] kinds = new byte[INITIAL_ATTRIBUTES];
    private String[] strings = new String[INITIAL_ATTRIBUTES];
    private long[] longs = new long[INITIAL_ATTRIBUTES];

    /**
     * The bit of a field in the mask.
     *
     * @param field the field number (0..12)
     * @return {@code 1 << field}
     */
    public static int bit(final int field)
    {
        return 1 << field;
    }

    /**
     * The present fields.
     *
     * @return the mask: bit i set = field i present
     */
    public int mask()
    {
        return mask;
    }

    /**
     * Whether a field is present.
     *
     * @param field the field number (0..12)
     * @return true when its mask bit is set
     */
    public boolean has(final int field)
    {
        return (mask & (1 << field)) != 0;
    }

    /**
     * Whether no field is present.
     *
     * @return true when the mask is 0
     */
    public boolean isEmpty()
    {
        return mask == 0;
    }

    /**
     * Removes every field and attribute entry.
     *
     * @return this
     */
    public Presence clear()
    {
        mask = 0;
        status = null;
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
        Arrays.fill(keys, 0, attributeCount, null);
        Arrays.fill(strings, 0, attributeCount, null);
        attributeCount = 0;
        return this;
    }

    /**
     * Makes this a copy of another presence.
     *
     * @param other the presence to copy
     * @return this
     */
    public Presence copyFrom(final Presence other)
    {
        if (other == this)
        {
            return this;
        }
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
        ensureAttributeCapacity(other.attributeCount);
        System.arraycopy(other.keys, 0, keys, 0, other.attributeCount);
        System.arraycopy(other.kinds, 0, kinds, 0, other.attributeCount);
        System.arraycopy(other.strings, 0, strings, 0, other.attributeCount);
        System.arraycopy(other.longs, 0, longs, 0, other.attributeCount);
        attributeCount = other.attributeCount;
        return this;
    }

    /**
     * Sets the status.
     *
     * @param status the status (null is rejected by the encoder)
     * @return this
     */
    public Presence status(final Status status)
    {
        this.status = status;
        mask |= 1 << STATUS;
        return this;
    }

    /**
     * Sets afk.
     *
     * @param afk the value
     * @return this
     */
    public Presence afk(final boolean afk)
    {
        this.afk = afk;
        mask |= 1 << AFK;
        return this;
    }

    /**
     * Sets inGame.
     *
     * @param inGame the value
     * @return this
     */
    public Presence inGame(final boolean inGame)
    {
        this.inGame = inGame;
        mask |= 1 << IN_GAME;
        return this;
    }

    /**
     * Sets partyId.
     *
     * @param partyId the value
     * @return this
     */
    public Presence partyId(final long partyId)
    {
        this.partyId = partyId;
        mask |= 1 << PARTY_ID;
        return this;
    }

    /**
     * Sets lobbyId.
     *
     * @param lobbyId the value
     * @return this
     */
    public Presence lobbyId(final long lobbyId)
    {
        this.lobbyId = lobbyId;
        mask |= 1 << LOBBY_ID;
        return this;
    }

    /**
     * Sets ready.
     *
     * @param ready the value
     * @return this
     */
    public Presence ready(final boolean ready)
    {
        this.ready = ready;
        mask |= 1 << READY;
        return this;
    }

    /**
     * Sets player.
     *
     * @param player the value
     * @return this
     */
    public Presence player(final boolean player)
    {
        this.player = player;
        mask |= 1 << PLAYER;
        return this;
    }

    /**
     * Sets playerNumber.
     *
     * @param playerNumber the value
     * @return this
     */
    public Presence playerNumber(final int playerNumber)
    {
        this.playerNumber = playerNumber;
        mask |= 1 << PLAYER_NUMBER;
        return this;
    }

    /**
     * Sets teamNumber.
     *
     * @param teamNumber the value
     * @return this
     */
    public Presence teamNumber(final int teamNumber)
    {
        this.teamNumber = teamNumber;
        mask |= 1 << TEAM_NUMBER;
        return this;
    }

    /**
     * Sets teamColour.
     *
     * @param teamColour the value
     * @return this
     */
    public Presence teamColour(final int teamColour)
    {
        this.teamColour = teamColour;
        mask |= 1 << TEAM_COLOUR;
        return this;
    }

    /**
     * Sets sync.
     *
     * @param sync the value
     * @return this
     */
    public Presence sync(final int sync)
    {
        this.sync = sync;
        mask |= 1 << SYNC;
        return this;
    }

    /**
     * Sets lobbyHost.
     *
     * @param lobbyHost the value
     * @return this
     */
    public Presence lobbyHost(final boolean lobbyHost)
    {
        this.lobbyHost = lobbyHost;
        mask |= 1 << LOBBY_HOST;
        return this;
    }

    /**
     * Appends a string attribute entry (entries are kept in order, duplicates kept) and sets the attributes bit.
     *
     * @param key   the key (null is rejected by the encoder)
     * @param value the value (null is rejected by the encoder)
     * @return this
     */
    public Presence attribute(final String key, final String value)
    {
        final int i = appendAttribute(key, ATTRIBUTE_STRING);
        strings[i] = value;
        return this;
    }

    /**
     * Appends a long attribute entry (entries are kept in order, duplicates kept) and sets the attributes bit.
     *
     * @param key   the key (null is rejected by the encoder)
     * @param value the value
     * @return this
     */
    public Presence attribute(final String key, final long value)
    {
        final int i = appendAttribute(key, ATTRIBUTE_LONG);
        longs[i] = value;
        return this;
    }

    /**
     * Appends a remove-attribute entry (entries are kept in order, duplicates kept) and sets the attributes bit.
     *
     * @param key the key (null is rejected by the encoder)
     * @return this
     */
    public Presence removeAttribute(final String key)
    {
        appendAttribute(key, ATTRIBUTE_REMOVE);
        return this;
    }

    /**
     * The status.
     *
     * @return the status, null when not present
     */
    public Status status()
    {
        return status;
    }

    /**
     * afk.
     *
     * @return the value, false when not present
     */
    public boolean afk()
    {
        return afk;
    }

    /**
     * inGame.
     *
     * @return the value, false when not present
     */
    public boolean inGame()
    {
        return inGame;
    }

    /**
     * partyId.
     *
     * @return the value, 0 when not present
     */
    public long partyId()
    {
        return partyId;
    }

    /**
     * lobbyId.
     *
     * @return the value, 0 when not present
     */
    public long lobbyId()
    {
        return lobbyId;
    }

    /**
     * ready.
     *
     * @return the value, false when not present
     */
    public boolean ready()
    {
        return ready;
    }

    /**
     * player.
     *
     * @return the value, false when not present
     */
    public boolean player()
    {
        return player;
    }

    /**
     * playerNumber.
     *
     * @return the value, 0 when not present
     */
    public int playerNumber()
    {
        return playerNumber;
    }

    /**
     * teamNumber.
     *
     * @return the value, 0 when not present
     */
    public int teamNumber()
    {
        return teamNumber;
    }

    /**
     * teamColour.
     *
     * @return the value, 0 when not present
     */
    public int teamColour()
    {
        return teamColour;
    }

    /**
     * sync.
     *
     * @return the value, 0 when not present
     */
    public int sync()
    {
        return sync;
    }

    /**
     * lobbyHost.
     *
     * @return the value, false when not present
     */
    public boolean lobbyHost()
    {
        return lobbyHost;
    }

    /**
     * The number of attribute entries.
     *
     * @return the count (0 when the attributes bit is not set)
     */
    public int attributeCount()
    {
        return attributeCount;
    }

    /**
     * The key of an attribute entry.
     *
     * @param index 0..attributeCount()-1
     * @return the key
     */
    public String attributeKey(final int index)
    {
        checkIndex(index);
        return keys[index];
    }

    /**
     * The kind of an attribute entry.
     *
     * @param index 0..attributeCount()-1
     * @return {@link #ATTRIBUTE_STRING}, {@link #ATTRIBUTE_LONG} or {@link #ATTRIBUTE_REMOVE}
     */
    public byte attributeKind(final int index)
    {
        checkIndex(index);
        return kinds[index];
    }

    /**
     * The string value of an attribute entry.
     *
     * @param index 0..attributeCount()-1
     * @return the value, null when the entry is not of kind {@link #ATTRIBUTE_STRING}
     */
    public String attributeString(final int index)
    {
        checkIndex(index);
        return strings[index];
    }

    /**
     * The long value of an attribute entry.
     *
     * @param index 0..attributeCount()-1
     * @return the value, 0 when the entry is not of kind {@link #ATTRIBUTE_LONG}
     */
    public long attributeLong(final int index)
    {
        checkIndex(index);
        return longs[index];
    }

    @Override
    public boolean equals(final Object obj)
    {
        if (this == obj)
        {
            return true;
        }
        if (!(obj instanceof Presence))
        {
            return false;
        }
        final Presence other = (Presence)obj;
        if (mask != other.mask)
        {
            return false;
        }
        for (int field = 0; field < FIELD_COUNT; field++)
        {
            if (has(field) && !fieldEquals(field, other))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        int hash = mask;
        for (int field = 0; field < FIELD_COUNT; field++)
        {
            if (has(field))
            {
                hash = 31 * hash + fieldHash(field);
            }
        }
        return hash;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("Presence{");
        String separator = "";
        if (has(STATUS))
        {
            sb.append("status=").append(status);
            separator = ", ";
        }
        separator = append(sb, separator, AFK, "afk", afk);
        separator = append(sb, separator, IN_GAME, "inGame", inGame);
        separator = append(sb, separator, PARTY_ID, "partyId", partyId);
        if (has(ATTRIBUTES))
        {
            sb.append(separator).append("attributes=[");
            for (int i = 0; i < attributeCount; i++)
            {
                sb.append(i == 0 ? "" : ", ").append(keys[i]);
                if (kinds[i] == ATTRIBUTE_STRING)
                {
                    sb.append("=\"").append(strings[i]).append('"');
                }
                else if (kinds[i] == ATTRIBUTE_LONG)
                {
                    sb.append('=').append(longs[i]);
                }
                else
                {
                    sb.append(" removed");
                }
            }
            sb.append(']');
            separator = ", ";
        }
        separator = append(sb, separator, LOBBY_ID, "lobbyId", lobbyId);
        separator = append(sb, separator, READY, "ready", ready);
        separator = append(sb, separator, PLAYER, "player", player);
        separator = append(sb, separator, PLAYER_NUMBER, "playerNumber", playerNumber);
        separator = append(sb, separator, TEAM_NUMBER, "teamNumber", teamNumber);
        separator = append(sb, separator, TEAM_COLOUR, "teamColour", teamColour);
        separator = append(sb, separator, SYNC, "sync", sync);
        append(sb, separator, LOBBY_HOST, "lobbyHost", lobbyHost);
        return sb.append('}').toString();
    }

    private int appendAttribute(final String key, final byte kind)
    {
        ensureAttributeCapacity(attributeCount + 1);
        final int i = attributeCount++;
        keys[i] = key;
        kinds[i] = kind;
        strings[i] = null;
        longs[i] = 0;
        mask |= 1 << ATTRIBUTES;
        return i;
    }

    private void ensureAttributeCapacity(final int capacity)
    {
        if (capacity > keys.length)
        {
            final int newLength = Math.max(capacity, keys.length * 2);
            keys = Arrays.copyOf(keys, newLength);
            kinds = Arrays.copyOf(kinds, newLength);
            strings = Arrays.copyOf(strings, newLength);
            longs = Arrays.copyOf(longs, newLength);
        }
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= attributeCount)
        {
            throw new IndexOutOfBoundsException("attribute " + index + " of " + attributeCount);
        }
    }

    private boolean fieldEquals(final int field, final Presence other)
    {
        switch (field)
        {
            case STATUS: return status == other.status;
            case AFK: return afk == other.afk;
            case IN_GAME: return inGame == other.inGame;
            case PARTY_ID: return partyId == other.partyId;
            case ATTRIBUTES: return attributesEqual(other);
            case LOBBY_ID: return lobbyId == other.lobbyId;
            case READY: return ready == other.ready;
            case PLAYER: return player == other.player;
            case PLAYER_NUMBER: return playerNumber == other.playerNumber;
            case TEAM_NUMBER: return teamNumber == other.teamNumber;
            case TEAM_COLOUR: return teamColour == other.teamColour;
            case SYNC: return sync == other.sync;
            default: return lobbyHost == other.lobbyHost;
        }
    }

    private boolean attributesEqual(final Presence other)
    {
        if (attributeCount != other.attributeCount)
        {
            return false;
        }
        for (int i = 0; i < attributeCount; i++)
        {
            if (kinds[i] != other.kinds[i] || !Objects.equals(keys[i], other.keys[i]))
            {
                return false;
            }
            if (kinds[i] == ATTRIBUTE_STRING && !Objects.equals(strings[i], other.strings[i]))
            {
                return false;
            }
            if (kinds[i] == ATTRIBUTE_LONG && longs[i] != other.longs[i])
            {
                return false;
            }
        }
        return true;
    }

    private int fieldHash(final int field)
    {
        switch (field)
        {
            case STATUS: return Objects.hashCode(status);
            case AFK: return Boolean.hashCode(afk);
            case IN_GAME: return Boolean.hashCode(inGame);
            case PARTY_ID: return Long.hashCode(partyId);
            case ATTRIBUTES: return attributesHash();
            case LOBBY_ID: return Long.hashCode(lobbyId);
            case READY: return Boolean.hashCode(ready);
            case PLAYER: return Boolean.hashCode(player);
            case PLAYER_NUMBER: return playerNumber;
            case TEAM_NUMBER: return teamNumber;
            case TEAM_COLOUR: return teamColour;
            case SYNC: return sync;
            default: return Boolean.hashCode(lobbyHost);
        }
    }

    private int attributesHash()
    {
        int hash = attributeCount;
        for (int i = 0; i < attributeCount; i++)
        {
            hash = 31 * hash + Objects.hashCode(keys[i]);
            hash = 31 * hash + kinds[i];
            if (kinds[i] == ATTRIBUTE_STRING)
            {
                hash = 31 * hash + Objects.hashCode(strings[i]);
            }
            else if (kinds[i] == ATTRIBUTE_LONG)
            {
                hash = 31 * hash + Long.hashCode(longs[i]);
            }
        }
        return hash;
    }

    private String append(
        final StringBuilder sb, final String separator, final int field, final String name, final Object value)
    {
        if (!has(field))
        {
            return separator;
        }
        sb.append(separator).append(name).append('=').append(value);
        return ", ";
    }
}
