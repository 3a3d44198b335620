package dev.rollcall.journal.crash;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.core.Input;
import dev.rollcall.core.InputType;
import dev.rollcall.model.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the crash worker and the crash test share: the universe of ids, the seeded command
 * generator, and the one-line text of a command. The worker prints the text of every command
 * it sends and acknowledges; the test renders each input it reads back from the journal with
 * the same {@link #describe(Input)}, so "this acknowledged command is in the journal" is a
 * string comparison.
 */
final class CrashCommands
{
    /** Users 1..USERS. */
    static final int USERS = 50;
    /** Subscribers 1..SUBSCRIBERS (the first USERS of them are also users: they die with the client). */
    static final int SUBSCRIBERS = 60;
    /** Lobbies 1..LOBBIES. */
    static final int LOBBIES = 5;
    /** Long enough that no countdown expires during a test, however slow. */
    static final long GRACE_MS = 24L * 3600 * 1000;
    /** Attribute keys used (fewer than the default limit of 16 attributes). */
    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4", "k5"};
    private static final Status[] STATUSES = Status.values();

    /** Update types carry the changes and the reason in the text. */
    private static final Pattern LINE = Pattern.compile(
        "([A-Z_]+) u=(-?\\d+) c=(-?\\d+) s=(-?\\d+) l=(-?\\d+)( .*)?");
    private static final Pattern PARTY = Pattern.compile("[{ ]partyId=(\\d+)[,}]");
    private static final Pattern LOBBY = Pattern.compile("[{ ]lobbyId=(\\d+)[,}]");

    private CrashCommands()
    {
    }

    /**
     * @param input a state input.
     * @return its text without the time: type, ids, changes, reason.
     */
    static String describe(final Input input)
    {
        final StringBuilder text = new StringBuilder(96)
            .append(InputType.name(input.type()))
            .append(" u=").append(input.userId())
            .append(" c=").append(input.connectionId())
            .append(" s=").append(input.subscriberId())
            .append(" l=").append(input.lobbyId());
        if (isUpdate(input.type()))
        {
            text.append(" changes=").append(input.changes())
                .append(" reason=").append(null == input.reason() ? "<null>" : '"' + input.reason() + '"');
        }
        else if (input.value() != 0)
        {
            text.append(" value=").append(input.value());
        }
        return text.toString();
    }

    static boolean isUpdate(final int type)
    {
        return type == InputType.UPDATE_CLIENT || type == InputType.UPDATE_CLIENT_IN_LOBBY ||
            type == InputType.UPDATE_CLIENT_FULL;
    }

    /**
     * The seeded command stream of one worker run. Connection ids are the command's sequence
     * number (unique in the run); every updateClient sets partyId to {@code partyBase + seq},
     * strictly increasing for every user across runs when partyBase is above every recovered
     * partyId.
     */
    static final class Generator
    {
        private final SplittableRandom random;
        private final long partyBase;
        private final List<List<Long>> connections = new ArrayList<>();

        Generator(final long seed, final long partyBase)
        {
            random = new SplittableRandom(seed);
            this.partyBase = partyBase;
            for (int i = 0; i <= USERS; i++)
            {
                connections.add(new ArrayList<>());
            }
        }

        /**
         * @param seq   the command's sequence number, from 1.
         * @param input filled with the command (time 0: the pipeline stamps it).
         */
        void next(final long seq, final Input input)
        {
            final long userId = 1 + random.nextInt(USERS);
            final List<Long> attached = connections.get((int)userId);
            final int dice = random.nextInt(100);
            if (dice < 25)
            {
                input.set(InputType.CONNECT_USER, 0).userId(userId).connectionId(seq);
                attached.add(seq);
            }
            else if (dice < 40)
            {
                final long connectionId = attached.isEmpty() || random.nextInt(20) == 0 ?
                    1 + random.nextLong(seq) : attached.remove(random.nextInt(attached.size()));
                input.set(InputType.CONNECTION_LOST, 0).userId(userId).connectionId(connectionId);
            }
            else if (dice < 65)
            {
                input.set(InputType.UPDATE_CLIENT, 0).userId(userId);
                standard(input.changes(), partyBase + seq);
                reason(input);
            }
            else if (dice < 80)
            {
                input.set(InputType.UPDATE_CLIENT_IN_LOBBY, 0).userId(userId);
                lobby(input.changes());
                reason(input);
            }
            else if (dice < 88)
            {
                input.set(InputType.SUBSCRIBE_CLIENT, 0).subscriberId(1 + random.nextInt(SUBSCRIBERS)).userId(userId);
            }
            else if (dice < 91)
            {
                input.set(InputType.UNSUBSCRIBE_CLIENT, 0).subscriberId(1 + random.nextInt(SUBSCRIBERS)).userId(userId);
            }
            else if (dice < 94)
            {
                input.set(InputType.SUBSCRIBE_LOBBY, 0).subscriberId(1 + random.nextInt(SUBSCRIBERS))
                    .lobbyId(1 + random.nextInt(LOBBIES));
            }
            else if (dice < 95)
            {
                input.set(InputType.UNSUBSCRIBE_LOBBY, 0).subscriberId(1 + random.nextInt(SUBSCRIBERS))
                    .lobbyId(1 + random.nextInt(LOBBIES));
            }
            else
            {
                input.set(InputType.DISCONNECT_USER, 0).userId(userId);
                attached.clear();
            }
        }

        private void standard(final Changes changes, final long partyId)
        {
            changes.partyId(partyId);
            if (random.nextBoolean())
            {
                changes.afk(random.nextBoolean());
            }
            if (random.nextInt(3) == 0)
            {
                changes.status(STATUSES[random.nextInt(STATUSES.length)]);
            }
            if (random.nextInt(4) == 0)
            {
                changes.inGame(random.nextBoolean());
            }
            final int attributes = random.nextInt(3);
            for (int i = 0; i < attributes; i++)
            {
                final String key = KEYS[random.nextInt(KEYS.length)];
                switch (random.nextInt(3))
                {
                    case 0 -> changes.attribute(key, "v" + random.nextInt(1000));
                    case 1 -> changes.attribute(key, random.nextLong());
                    default -> changes.removeAttribute(key);
                }
            }
            if (random.nextInt(50) == 0)
            {
                // refused: VALUE_TOO_LARGE (the default limit is 256)
                changes.attribute("big", "x".repeat(257));
            }
        }

        private void lobby(final Changes changes)
        {
            changes.lobbyId(random.nextInt(LOBBIES + 1));
            if (random.nextBoolean())
            {
                changes.ready(random.nextBoolean());
            }
            if (random.nextInt(3) == 0)
            {
                changes.player(random.nextBoolean()).playerNumber(random.nextInt(8));
            }
            if (random.nextInt(3) == 0)
            {
                changes.teamNumber(random.nextInt(4)).teamColour(random.nextInt());
            }
            if (random.nextInt(4) == 0)
            {
                changes.sync(random.nextInt()).lobbyHost(random.nextBoolean());
            }
        }

        private void reason(final Input input)
        {
            final int dice = random.nextInt(100);
            if (dice < 60)
            {
                input.reason(null);
            }
            else if (dice < 99)
            {
                input.reason("r" + random.nextInt(100));
            }
            else
            {
                input.reason("y".repeat(129)); // refused: REASON_TOO_LONG (the default limit is 128)
            }
        }
    }

    /**
     * A command as printed by the worker, parsed back.
     *
     * @param seq        sequence number in its run.
     * @param type       input type name.
     * @param userId     user id argument.
     * @param connection connection id argument.
     * @param subscriber subscriber id argument.
     * @param lobby      lobby id argument (subscriptions).
     * @param partyId    the partyId an update sets, or -1.
     * @param lobbyField the lobbyId field an update sets, or -1.
     * @param text       the full text.
     */
    record Command(long seq, String type, long userId, long connection, long subscriber, long lobby,
                   long partyId, long lobbyField, String text)
    {
        static Command parse(final long seq, final String text)
        {
            final Matcher matcher = LINE.matcher(text);
            if (!matcher.matches())
            {
                throw new IllegalArgumentException("not a command: " + text);
            }
            final Matcher party = PARTY.matcher(text);
            final Matcher lobby = LOBBY.matcher(text);
            return new Command(seq, matcher.group(1), Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)),
                Long.parseLong(matcher.group(4)), Long.parseLong(matcher.group(5)),
                party.find() ? Long.parseLong(party.group(1)) : -1,
                lobby.find() ? Long.parseLong(lobby.group(1)) : -1,
                text);
        }

        boolean touchesClient()
        {
            return switch (type)
            {
                case "CONNECT_USER", "CONNECTION_LOST", "DISCONNECT_USER",
                     "UPDATE_CLIENT", "UPDATE_CLIENT_IN_LOBBY", "UPDATE_CLIENT_FULL" -> true;
                default -> false;
            };
        }
    }
}
