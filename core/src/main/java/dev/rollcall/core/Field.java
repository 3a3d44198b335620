package dev.rollcall.core;

/**
 * The fields of a client, in the order they are validated and encoded. Each belongs to a
 * {@link Group}; an update command may only set the fields of the groups it allows.
 */
public enum Field
{
    /** {@link Status}. */
    STATUS(Group.STANDARD),
    /** Away from keyboard. */
    AFK(Group.STANDARD),
    /** Playing a game. */
    IN_GAME(Group.STANDARD),
    /** The party the user is in, 0 for none. */
    PARTY_ID(Group.STANDARD),
    /** The bounded map of custom attributes. */
    ATTRIBUTES(Group.STANDARD),
    /** The lobby the user is in, 0 for none. */
    LOBBY_ID(Group.LOBBY),
    /** Ready to start. */
    READY(Group.LOBBY),
    /** A player rather than a spectator. */
    PLAYER(Group.LOBBY),
    /** Player number in the lobby. */
    PLAYER_NUMBER(Group.LOBBY),
    /** Team number in the lobby. */
    TEAM_NUMBER(Group.LOBBY),
    /** Team colour, any int (e.g. RGB). */
    TEAM_COLOUR(Group.LOBBY),
    /** Sync state, any int (e.g. a bit set of what is synced). */
    SYNC(Group.LOBBY),
    /** Hosts the lobby. */
    LOBBY_HOST(Group.LOBBY);

    /** Which update commands may set a field. */
    public enum Group
    {
        /** Set by {@code updateClient} and {@code updateClientFull}. */
        STANDARD,
        /** Set by {@code updateClientInLobby} and {@code updateClientFull}. */
        LOBBY
    }

    /** Bit of every field of the standard group. */
    public static final int STANDARD_MASK;
    /** Bit of every field of the lobby group. */
    public static final int LOBBY_MASK;
    /** Bit of every field. */
    public static final int ALL_MASK;

    static
    {
        int standard = 0;
        int lobby = 0;
        for (final Field field : values())
        {
            if (field.group == Group.STANDARD)
            {
                standard |= field.bit;
            }
            else
            {
                lobby |= field.bit;
            }
        }
        STANDARD_MASK = standard;
        LOBBY_MASK = lobby;
        ALL_MASK = standard | lobby;
    }

    private final Group group;
    private final int bit;

    Field(final Group group)
    {
        this.group = group;
        this.bit = 1 << ordinal();
    }

    /**
     * @return the group this field belongs to.
     */
    public Group group()
    {
        return group;
    }

    /**
     * @return this field's bit in a changes mask.
     */
    public int bit()
    {
        return bit;
    }
}
