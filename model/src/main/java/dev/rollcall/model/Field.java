package dev.rollcall.model;

/**
 * One presence field, as data: its number (its bit in every mask and its place in every
 * encoding), its name, the {@link FieldGroup} that may set it, its {@link FieldKind}, the bounds
 * the rules accept and its default. The presence fields are the constants below, listed in the
 * {@link FieldTable#PRESENCE} table that every rule and codec loops over; adding a field is one
 * constant here, one entry in that table, and its docs (docs/PRESENCE-RULES.md, docs/protocol.md).
 *
 * @param number       0-based; its bit is {@code 1 << number}.
 * @param name         the name in docs, JSON and tools (camel case).
 * @param group        which updates may set it.
 * @param kind         what it holds.
 * @param min          the least value the rules accept (scalars).
 * @param max          the greatest value the rules accept (scalars).
 * @param defaultValue the value of a new client (scalars).
 * @param description  one line for docs and tools.
 */
public record Field(
    int number, String name, FieldGroup group, FieldKind kind, long min, long max, long defaultValue, String description)
{
    /** {@link Status} code. */
    public static final Field STATUS = new Field(
        0, "status", FieldGroup.STANDARD, FieldKind.STATUS, 0, Status.count() - 1, Status.ONLINE.code(),
        "presence status: online, idle, dnd, invisible");
    /** Away from keyboard. */
    public static final Field AFK = bool(1, "afk", FieldGroup.STANDARD, "away from keyboard");
    /** Playing a game. */
    public static final Field IN_GAME = bool(2, "inGame", FieldGroup.STANDARD, "playing a game");
    /** The party the user is in, 0 for none. */
    public static final Field PARTY_ID = new Field(
        3, "partyId", FieldGroup.STANDARD, FieldKind.INT64, 0, Long.MAX_VALUE, 0, "the party the user is in, 0 for none");
    /** The bounded map of custom attributes. */
    public static final Field ATTRIBUTES = new Field(
        4, "attributes", FieldGroup.STANDARD, FieldKind.ATTRIBUTES, 0, 0, 0, "custom attributes: string or int64 values");
    /** The lobby the user is in, 0 for none. */
    public static final Field LOBBY_ID = new Field(
        5, "lobbyId", FieldGroup.LOBBY, FieldKind.INT64, 0, Long.MAX_VALUE, 0, "the lobby the user is in, 0 for none");
    /** Ready to start. */
    public static final Field READY = bool(6, "ready", FieldGroup.LOBBY, "ready to start");
    /** A player rather than a spectator. */
    public static final Field PLAYER = bool(7, "player", FieldGroup.LOBBY, "a player rather than a spectator");
    /** Player number in the lobby. */
    public static final Field PLAYER_NUMBER = new Field(
        8, "playerNumber", FieldGroup.LOBBY, FieldKind.INT32, 0, Integer.MAX_VALUE, 0, "player number in the lobby");
    /** Team number in the lobby. */
    public static final Field TEAM_NUMBER = new Field(
        9, "teamNumber", FieldGroup.LOBBY, FieldKind.INT32, 0, Integer.MAX_VALUE, 0, "team number in the lobby");
    /** Team colour, any int (e.g. RGB). */
    public static final Field TEAM_COLOUR = int32(10, "teamColour", "team colour, any int (e.g. RGB)");
    /** Sync state, any int (e.g. a bit set of what is synced). */
    public static final Field SYNC = int32(11, "sync", "sync state, any int (e.g. a bit set of what is synced)");
    /** Hosts the lobby. */
    public static final Field LOBBY_HOST = bool(12, "lobbyHost", FieldGroup.LOBBY, "hosts the lobby");

    /**
     * @throws IllegalArgumentException when the definition is inconsistent.
     */
    public Field
    {
        if (number < 0 || number >= FieldTable.MAX_FIELDS)
        {
            throw new IllegalArgumentException("field number must be 0.." + (FieldTable.MAX_FIELDS - 1) + ": " + number);
        }
        if (null == name || name.isEmpty() || null == group || null == kind || null == description)
        {
            throw new IllegalArgumentException("field " + number + " needs a name, group, kind and description");
        }
        if (kind.isScalar() && (min > max || defaultValue < min || defaultValue > max ||
            !kind.isRepresentable(min) || !kind.isRepresentable(max)))
        {
            throw new IllegalArgumentException("field " + name + ": bounds " + min + ".." + max + " and default " +
                defaultValue + " must be ordered and representable as " + kind);
        }
    }

    /**
     * @return this field's bit in a mask.
     */
    public int bit()
    {
        return 1 << number;
    }

    /**
     * @param value a scalar value.
     * @return true when the rules accept it for this field.
     */
    public boolean accepts(final long value)
    {
        return value >= min && value <= max;
    }

    /**
     * A boolean field: 0 or 1, default 0.
     *
     * @param number      the field number.
     * @param name        its name.
     * @param group       its group.
     * @param description one line.
     * @return the field.
     */
    public static Field bool(final int number, final String name, final FieldGroup group, final String description)
    {
        return new Field(number, name, group, FieldKind.BOOLEAN, 0, 1, 0, description);
    }

    private static Field int32(final int number, final String name, final String description)
    {
        return new Field(number, name, FieldGroup.LOBBY, FieldKind.INT32, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, description);
    }
}
