package dev.rollcall.core;

/**
 * Type codes of the inputs carried by the ring. Codes 1 to 99 are state
 * inputs: the business logic applies them and the journal records them. Control inputs
 * (mailbox attach/detach) only steer the fan-out and are neither applied nor journaled.
 * The codes are part of the journal format: never renumber.
 */
public final class InputType
{
    /** Advance time only. */
    public static final int TICK = 1;
    /** {@code connectUser(userId, connectionId)}. */
    public static final int CONNECT_USER = 2;
    /** {@code connectionLost(userId, connectionId)}. */
    public static final int CONNECTION_LOST = 3;
    /** {@code disconnectUser(userId)}. */
    public static final int DISCONNECT_USER = 4;
    /** {@code updateClient(userId, changes, reason)}: standard fields. */
    public static final int UPDATE_CLIENT = 5;
    /** {@code updateClientInLobby(userId, changes, reason)}: lobby fields. */
    public static final int UPDATE_CLIENT_IN_LOBBY = 6;
    /** {@code updateClientFull(userId, changes, reason)}: any field. */
    public static final int UPDATE_CLIENT_FULL = 7;
    /** {@code subscribeToClient(subscriberId, userId)}. */
    public static final int SUBSCRIBE_CLIENT = 8;
    /** {@code unsubscribeFromClient(subscriberId, userId)}. */
    public static final int UNSUBSCRIBE_CLIENT = 9;
    /** {@code subscribeToLobby(subscriberId, lobbyId)}. */
    public static final int SUBSCRIBE_LOBBY = 10;
    /** {@code unsubscribeFromLobby(subscriberId, lobbyId)}. */
    public static final int UNSUBSCRIBE_LOBBY = 11;
    /** {@code removeSubscriber(subscriberId)}. */
    public static final int REMOVE_SUBSCRIBER = 12;
    /** {@code setGracePeriod(millis)}. */
    public static final int SET_GRACE_PERIOD = 13;
    /**
     * Published once at every launch: connections do not survive a process, so every live
     * connection of the recovered state is lost now (grace countdowns start). In a cluster its
     * {@code value} names the one node whose connections are lost ({@link ConnectionIds}); 0 is
     * every connection.
     */
    public static final int CONNECTIONS_RESET = 14;
    /**
     * {@code connectUser} and an initial presence in one input ({@code userId},
     * {@code connectionId}, reason, changes): the presence is validated as a full update
     * first, and a refusal leaves everything untouched, so watchers never see the user
     * before its initial state (an invisible user is never shown).
     */
    public static final int CONNECT_USER_WITH_PRESENCE = 15;
    /**
     * {@code setLimits(limits)}: the update {@link Limits} from now on (the four limits ride in the
     * input, negative ones are refused). Journaled at every launch with the configured limits.
     * Input layout version 2 and later.
     */
    public static final int SET_LIMITS = 16;
    /** The highest state input type. */
    public static final int LAST_STATE_INPUT = SET_LIMITS;

    /** Attach a mailbox to the fan-out. */
    static final int ATTACH_MAILBOX = 100;
    /** Detach a mailbox from the fan-out. */
    static final int DETACH_MAILBOX = 101;
    /** Serialize the state for the journal's snapshot store. */
    static final int TAKE_SNAPSHOT = 102;

    private InputType()
    {
    }

    /**
     * @param type an input type code.
     * @return true when the business logic applies it and the journal records it.
     */
    public static boolean isStateInput(final int type)
    {
        return type >= TICK && type <= LAST_STATE_INPUT;
    }

    /**
     * @param type an input type code.
     * @return its name, for logs and tools.
     */
    public static String name(final int type)
    {
        return switch (type)
        {
            case TICK -> "TICK";
            case CONNECT_USER -> "CONNECT_USER";
            case CONNECTION_LOST -> "CONNECTION_LOST";
            case DISCONNECT_USER -> "DISCONNECT_USER";
            case UPDATE_CLIENT -> "UPDATE_CLIENT";
            case UPDATE_CLIENT_IN_LOBBY -> "UPDATE_CLIENT_IN_LOBBY";
            case UPDATE_CLIENT_FULL -> "UPDATE_CLIENT_FULL";
            case SUBSCRIBE_CLIENT -> "SUBSCRIBE_CLIENT";
            case UNSUBSCRIBE_CLIENT -> "UNSUBSCRIBE_CLIENT";
            case SUBSCRIBE_LOBBY -> "SUBSCRIBE_LOBBY";
            case UNSUBSCRIBE_LOBBY -> "UNSUBSCRIBE_LOBBY";
            case REMOVE_SUBSCRIBER -> "REMOVE_SUBSCRIBER";
            case SET_GRACE_PERIOD -> "SET_GRACE_PERIOD";
            case CONNECTIONS_RESET -> "CONNECTIONS_RESET";
            case CONNECT_USER_WITH_PRESENCE -> "CONNECT_USER_WITH_PRESENCE";
            case SET_LIMITS -> "SET_LIMITS";
            case TAKE_SNAPSHOT -> "TAKE_SNAPSHOT";
            case ATTACH_MAILBOX -> "ATTACH_MAILBOX";
            case DETACH_MAILBOX -> "DETACH_MAILBOX";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
