package dev.rollcall.model;

import java.util.Arrays;

/**
 * A mutable, reusable set of presence field values: the payload of an update command, the diff
 * or full state carried by an event, the {@code changes} of every encoding. Only the fields
 * whose bit is in {@link #mask()} are meaningful; a scalar field's value is a {@code long}
 * (see {@link FieldKind}), reached generically by {@link #get(Field)} / {@link #set(Field, long)}
 * or through the typed accessors of the built-in fields. Attribute changes are kept in the order
 * they were given; each is a string value, a long value or a removal.
 * <p>
 * Not thread safe. Commands copy the changes they are given, so a caller may reuse one instance
 * for every call ({@link #clear()} between them) and allocate nothing.
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
    private static final int ATTRIBUTES_BIT = Field.ATTRIBUTES.bit();

    private int mask;
    private final long[] values = new long[FieldTable.MAX_FIELDS];
    private int attributeCount;
    private String[] attributeKeys = new String[INITIAL_ATTRIBUTE_CAPACITY];
    private byte[] attributeKinds = new byte[INITIAL_ATTRIBUTE_CAPACITY];
    private String[] attributeStrings = new String[INITIAL_ATTRIBUTE_CAPACITY];
    private long[] attributeLongs = new long[INITIAL_ATTRIBUTE_CAPACITY];

    /**
     * Forget every change so the instance can be reused.
     *
     * @return this.
     */
    public Changes clear()
    {
        for (int bits = mask; bits != 0; bits &= bits - 1)
        {
            values[Integer.numberOfTrailingZeros(bits)] = 0;
        }
        mask = 0;
        if (attributeCount > 0)
        {
            Arrays.fill(attributeKeys, 0, attributeCount, null);
            Arrays.fill(attributeStrings, 0, attributeCount, null);
            attributeCount = 0;
        }
        return this;
    }

    /**
     * Make this a copy of another (strings are shared; they are immutable).
     *
     * @param other to copy.
     * @return this.
     */
    public Changes copyFrom(final Changes other)
    {
        return copyFrom(other, -1);
    }

    /**
     * Make this a copy of the fields of another that are in a mask (the attributes too when
     * their bit is in it).
     *
     * @param other  to copy.
     * @param fields bits of the fields to copy.
     * @return this.
     */
    public Changes copyFrom(final Changes other, final int fields)
    {
        clear();
        final int copied = other.mask & fields;
        for (int bits = copied; bits != 0; bits &= bits - 1)
        {
            final int number = Integer.numberOfTrailingZeros(bits);
            values[number] = other.values[number];
        }
        mask = copied;
        if ((copied & ATTRIBUTES_BIT) != 0)
        {
            for (int i = 0; i < other.attributeCount; i++)
            {
                addAttribute(other.attributeKeys[i], other.attributeKinds[i], other.attributeStrings[i], other.attributeLongs[i]);
            }
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
     * @param number a field number.
     * @return true when the field is set.
     */
    public boolean has(final int number)
    {
        return (mask & (1 << number)) != 0;
    }

    /**
     * @return true when no field is set.
     */
    public boolean isEmpty()
    {
        return mask == 0;
    }

    /**
     * @param field a scalar field.
     * @return its value, 0 when not set.
     */
    public long get(final Field field)
    {
        return values[field.number()];
    }

    /**
     * @param number a scalar field's number.
     * @return its value, 0 when not set.
     */
    public long get(final int number)
    {
        return values[number];
    }

    /**
     * Set a scalar field.
     *
     * @param field a scalar field.
     * @param value representable by the field's kind (whether the rules accept it is checked when
     *              the command is applied).
     * @return this.
     * @throws IllegalArgumentException when the value cannot be encoded as the field's kind.
     */
    public Changes set(final Field field, final long value)
    {
        if (!field.kind().isRepresentable(value))
        {
            throw new IllegalArgumentException(field.name() + " is " + field.kind() + ", cannot hold " + value);
        }
        values[field.number()] = value;
        mask |= field.bit();
        return this;
    }

    /**
     * @param status the new status (null is refused by the rules with {@link Result#INVALID_VALUE}).
     * @return this.
     */
    public Changes status(final Status status)
    {
        return set(Field.STATUS, null == status ? -1 : status.code());
    }

    /**
     * @param afk away from keyboard.
     * @return this.
     */
    public Changes afk(final boolean afk)
    {
        return set(Field.AFK, afk ? 1 : 0);
    }

    /**
     * @param inGame playing a game.
     * @return this.
     */
    public Changes inGame(final boolean inGame)
    {
        return set(Field.IN_GAME, inGame ? 1 : 0);
    }

    /**
     * @param partyId party, 0 for none.
     * @return this.
     */
    public Changes partyId(final long partyId)
    {
        return set(Field.PARTY_ID, partyId);
    }

    /**
     * @param lobbyId lobby, 0 for none.
     * @return this.
     */
    public Changes lobbyId(final long lobbyId)
    {
        return set(Field.LOBBY_ID, lobbyId);
    }

    /**
     * @param ready ready to start.
     * @return this.
     */
    public Changes ready(final boolean ready)
    {
        return set(Field.READY, ready ? 1 : 0);
    }

    /**
     * @param player a player rather than a spectator.
     * @return this.
     */
    public Changes player(final boolean player)
    {
        return set(Field.PLAYER, player ? 1 : 0);
    }

    /**
     * @param playerNumber player number, {@code >= 0}.
     * @return this.
     */
    public Changes playerNumber(final int playerNumber)
    {
        return set(Field.PLAYER_NUMBER, playerNumber);
    }

    /**
     * @param teamNumber team number, {@code >= 0}.
     * @return this.
     */
    public Changes teamNumber(final int teamNumber)
    {
        return set(Field.TEAM_NUMBER, teamNumber);
    }

    /**
     * @param teamColour any int.
     * @return this.
     */
    public Changes teamColour(final int teamColour)
    {
        return set(Field.TEAM_COLOUR, teamColour);
    }

    /**
     * @param sync any int.
     * @return this.
     */
    public Changes sync(final int sync)
    {
        return set(Field.SYNC, sync);
    }

    /**
     * @param lobbyHost hosts the lobby.
     * @return this.
     */
    public Changes lobbyHost(final boolean lobbyHost)
    {
        return set(Field.LOBBY_HOST, lobbyHost ? 1 : 0);
    }

    /**
     * @param key   attribute key.
     * @param value string value.
     * @return this.
     */
    public Changes attribute(final String key, final String value)
    {
        return addAttribute(key, ATTRIBUTE_STRING, value, 0);
    }

    /**
     * @param key   attribute key.
     * @param value long value.
     * @return this.
     */
    public Changes attribute(final String key, final long value)
    {
        return addAttribute(key, ATTRIBUTE_LONG, null, value);
    }

    /**
     * @param key attribute key to remove.
     * @return this.
     */
    public Changes removeAttribute(final String key)
    {
        return addAttribute(key, ATTRIBUTE_REMOVE, null, 0);
    }

    /**
     * Append one attribute change (what decoders call).
     *
     * @param key         the key.
     * @param kind        {@link #ATTRIBUTE_STRING}, {@link #ATTRIBUTE_LONG} or {@link #ATTRIBUTE_REMOVE}.
     * @param stringValue the value of a string attribute, else null.
     * @param longValue   the value of a long attribute, else 0.
     * @return this.
     */
    public Changes addAttribute(final String key, final byte kind, final String stringValue, final long longValue)
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
        mask |= ATTRIBUTES_BIT;
        return this;
    }

    /**
     * Mark the attributes field set with no attribute change (an empty attribute list).
     *
     * @return this.
     */
    public Changes touchAttributes()
    {
        mask |= ATTRIBUTES_BIT;
        return this;
    }

    /** @return the status, null when not set or unknown. */
    public Status status()
    {
        return has(Field.STATUS) ? Status.fromCode(values[Field.STATUS.number()]) : null;
    }

    /** @return away from keyboard. */
    public boolean afk()
    {
        return values[Field.AFK.number()] != 0;
    }

    /** @return playing. */
    public boolean inGame()
    {
        return values[Field.IN_GAME.number()] != 0;
    }

    /** @return party id. */
    public long partyId()
    {
        return values[Field.PARTY_ID.number()];
    }

    /** @return lobby id. */
    public long lobbyId()
    {
        return values[Field.LOBBY_ID.number()];
    }

    /** @return ready. */
    public boolean ready()
    {
        return values[Field.READY.number()] != 0;
    }

    /** @return player. */
    public boolean player()
    {
        return values[Field.PLAYER.number()] != 0;
    }

    /** @return player number. */
    public int playerNumber()
    {
        return (int)values[Field.PLAYER_NUMBER.number()];
    }

    /** @return team number. */
    public int teamNumber()
    {
        return (int)values[Field.TEAM_NUMBER.number()];
    }

    /** @return team colour. */
    public int teamColour()
    {
        return (int)values[Field.TEAM_COLOUR.number()];
    }

    /** @return sync. */
    public int sync()
    {
        return (int)values[Field.SYNC.number()];
    }

    /** @return lobby host. */
    public boolean lobbyHost()
    {
        return values[Field.LOBBY_HOST.number()] != 0;
    }

    /** @return the number of attribute changes. */
    public int attributeCount()
    {
        return attributeCount;
    }

    /**
     * @param index 0..{@link #attributeCount()}-1.
     * @return the key.
     */
    public String attributeKey(final int index)
    {
        return attributeKeys[index];
    }

    /**
     * @param index 0..{@link #attributeCount()}-1.
     * @return the kind.
     */
    public byte attributeKind(final int index)
    {
        return attributeKinds[index];
    }

    /**
     * @param index 0..{@link #attributeCount()}-1.
     * @return the string value, null unless {@link #ATTRIBUTE_STRING}.
     */
    public String attributeString(final int index)
    {
        return attributeStrings[index];
    }

    /**
     * @param index 0..{@link #attributeCount()}-1.
     * @return the long value, 0 unless {@link #ATTRIBUTE_LONG}.
     */
    public long attributeLong(final int index)
    {
        return attributeLongs[index];
    }

    @Override
    public boolean equals(final Object obj)
    {
        if (this == obj)
        {
            return true;
        }
        if (!(obj instanceof Changes other) || mask != other.mask || attributeCount != other.attributeCount)
        {
            return false;
        }
        for (int number = 0; number < values.length; number++)
        {
            if (has(number) && values[number] != other.values[number])
            {
                return false;
            }
        }
        for (int i = 0; i < attributeCount; i++)
        {
            if (!java.util.Objects.equals(attributeKeys[i], other.attributeKeys[i]) ||
                attributeKinds[i] != other.attributeKinds[i] ||
                !java.util.Objects.equals(attributeStrings[i], other.attributeStrings[i]) ||
                attributeLongs[i] != other.attributeLongs[i])
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        int h = mask;
        for (int number = 0; number < values.length; number++)
        {
            if (has(number))
            {
                h = 31 * h + Long.hashCode(values[number]);
            }
        }
        for (int i = 0; i < attributeCount; i++)
        {
            h = 31 * h + java.util.Objects.hashCode(attributeKeys[i]);
            h = 31 * h + attributeKinds[i];
        }
        return h;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int number = 0; number < values.length; number++)
        {
            if (!has(number) || number == Field.ATTRIBUTES.number())
            {
                continue;
            }
            if (sb.length() > 1)
            {
                sb.append(", ");
            }
            final Field field = number < FieldTable.PRESENCE.count() ? FieldTable.PRESENCE.field(number) : null;
            sb.append(null == field ? "field" + number : field.name()).append('=');
            if (null == field)
            {
                sb.append(values[number]);
            }
            else
            {
                switch (field.kind())
                {
                    case STATUS -> sb.append(Status.fromCode(values[number]));
                    case BOOLEAN -> sb.append(values[number] != 0);
                    default -> sb.append(values[number]);
                }
            }
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
}
