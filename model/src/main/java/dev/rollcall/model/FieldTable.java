package dev.rollcall.model;

import java.util.Arrays;

/**
 * The presence fields as one table, by number: what diff, apply, copy, validation and every
 * codec loop over. {@link #PRESENCE} is the one Rollcall uses; a copy with one more field
 * ({@link #with(Field)}) is how a test proves that one entry is all a new field needs.
 * Immutable.
 */
public final class FieldTable
{
    /** Fields a table may have: the wire's field mask is 16 bits. */
    public static final int MAX_FIELDS = 16;

    /** The presence fields. */
    public static final FieldTable PRESENCE = new FieldTable(
        Field.STATUS, Field.AFK, Field.IN_GAME, Field.PARTY_ID, Field.ATTRIBUTES,
        Field.LOBBY_ID, Field.READY, Field.PLAYER, Field.PLAYER_NUMBER, Field.TEAM_NUMBER, Field.TEAM_COLOUR,
        Field.SYNC, Field.LOBBY_HOST);

    private final Field[] fields;
    private final int standardMask;
    private final int lobbyMask;
    private final int scalarMask;
    private final int attributesNumber;

    /**
     * @param fields numbered 0..n-1 in order, at most one of kind {@link FieldKind#ATTRIBUTES}.
     * @throws IllegalArgumentException when they are not.
     */
    public FieldTable(final Field... fields)
    {
        if (fields.length > MAX_FIELDS)
        {
            throw new IllegalArgumentException("at most " + MAX_FIELDS + " fields: " + fields.length);
        }
        int standard = 0;
        int lobby = 0;
        int scalar = 0;
        int attributes = -1;
        for (int i = 0; i < fields.length; i++)
        {
            final Field field = fields[i];
            if (field.number() != i)
            {
                throw new IllegalArgumentException("field " + field.name() + " has number " + field.number() + ", expected " + i);
            }
            for (int j = 0; j < i; j++)
            {
                if (fields[j].name().equals(field.name()))
                {
                    throw new IllegalArgumentException("two fields named " + field.name());
                }
            }
            if (field.group() == FieldGroup.STANDARD)
            {
                standard |= field.bit();
            }
            else
            {
                lobby |= field.bit();
            }
            if (field.kind().isScalar())
            {
                scalar |= field.bit();
            }
            else if (attributes >= 0)
            {
                throw new IllegalArgumentException("at most one attributes field: " + field.name());
            }
            else
            {
                attributes = i;
            }
        }
        this.fields = fields.clone();
        this.standardMask = standard;
        this.lobbyMask = lobby;
        this.scalarMask = scalar;
        this.attributesNumber = attributes;
    }

    /**
     * @param extra numbered {@link #count()}.
     * @return a new table: this one plus the extra field.
     */
    public FieldTable with(final Field extra)
    {
        final Field[] more = Arrays.copyOf(fields, fields.length + 1);
        more[fields.length] = extra;
        return new FieldTable(more);
    }

    /**
     * @return the number of fields.
     */
    public int count()
    {
        return fields.length;
    }

    /**
     * @param number 0..{@link #count()}-1.
     * @return the field.
     */
    public Field field(final int number)
    {
        return fields[number];
    }

    /**
     * @param name a field name.
     * @return the field, or null when none has that name.
     */
    public Field byName(final String name)
    {
        for (final Field field : fields)
        {
            if (field.name().equals(name))
            {
                return field;
            }
        }
        return null;
    }

    /**
     * @return the bit of every field of the standard group.
     */
    public int standardMask()
    {
        return standardMask;
    }

    /**
     * @return the bit of every field of the lobby group.
     */
    public int lobbyMask()
    {
        return lobbyMask;
    }

    /**
     * @return the bit of every field.
     */
    public int allMask()
    {
        return standardMask | lobbyMask;
    }

    /**
     * @return the bit of every scalar field (all but the attributes).
     */
    public int scalarMask()
    {
        return scalarMask;
    }

    /**
     * @return the number of the attributes field, or -1 when the table has none.
     */
    public int attributesNumber()
    {
        return attributesNumber;
    }
}
