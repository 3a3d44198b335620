package dev.rollcall.bench;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.model.Status;
import org.agrona.MutableDirectBuffer;

import java.util.SplittableRandom;

/**
 * A deterministic stream of realistic state inputs over a population of users, encoded as
 * the journal stores them ({@link InputCodec}). Each input advances the clock by 1 ms.
 * <pre>
 *   5 %  TICK
 *   else pick a user at random:
 *        not connected             ──► CONNECT_USER (first connect, or reconnect with a new connection id)
 *        connected, 10 of 95       ──► CONNECTION_LOST (starts the grace countdown)
 *        connected, otherwise      ──► UPDATE_CLIENT with a reason and two or three fields:
 *                                      status + afk | inGame + partyId | status + an attribute
 * </pre>
 * In steady state about 90 % of the users are connected and the stream is roughly 5 % ticks,
 * 9 % connects, 9 % connection losses and 77 % updates (the first million inputs over 100,000
 * users, first connects included: 5 % ticks, 17 % connects, 8 % losses, 70 % updates). At 1 ms
 * an input, a million inputs span 1,000 s, more than the default 300 s grace period, so some
 * countdowns expire too. Encoded, updates are 74 to 120 bytes (the codec writes strings as
 * UTF-16), the others 56: 81 bytes on average.
 */
final class Workload
{
    /** 2026-01-01T00:00:00Z. */
    static final long START_TIME = 1_767_225_600_000L;
    /** Upper bound of an encoded input of this workload. */
    static final int MAX_LENGTH = 256;

    private static final Status[] STATUSES = {Status.ONLINE, Status.IDLE, Status.DND};
    private static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};

    private final Input input = new Input();
    private final SplittableRandom random;
    private final int users;
    private final boolean[] connected;
    private final long[] connectionIds;
    private long nextConnectionId = 1;
    private long time = START_TIME;

    /**
     * @param users user ids are 1..users.
     * @param seed  of the random choices: the same seed gives the same stream.
     */
    Workload(final int users, final long seed)
    {
        this.users = users;
        random = new SplittableRandom(seed);
        connected = new boolean[users + 1];
        connectionIds = new long[users + 1];
    }

    /**
     * Encode the next input.
     *
     * @param buffer to write into (room for {@link #MAX_LENGTH} bytes at the offset).
     * @param offset at which to write.
     * @return the encoded length.
     */
    int next(final MutableDirectBuffer buffer, final int offset)
    {
        time++;
        final int r = random.nextInt(100);
        if (r < 5)
        {
            input.set(InputType.TICK, time);
            return InputCodec.encode(buffer, offset, input);
        }
        final int user = 1 + random.nextInt(users);
        if (!connected[user])
        {
            connected[user] = true;
            connectionIds[user] = nextConnectionId++;
            input.set(InputType.CONNECT_USER, time).userId(user).connectionId(connectionIds[user]);
        }
        else if (r < 15)
        {
            connected[user] = false;
            input.set(InputType.CONNECTION_LOST, time).userId(user).connectionId(connectionIds[user]);
        }
        else
        {
            input.set(InputType.UPDATE_CLIENT, time).userId(user);
            final int kind = random.nextInt(10);
            if (kind < 5)
            {
                final boolean afk = random.nextBoolean();
                input.reason(afk ? "idle" : "activity").changes()
                    .status(afk ? Status.IDLE : STATUSES[random.nextInt(STATUSES.length)]).afk(afk);
            }
            else if (kind < 8)
            {
                final boolean inGame = random.nextBoolean();
                input.reason(inGame ? "match started" : "match ended").changes()
                    .inGame(inGame).partyId(inGame ? 1 + random.nextInt(50_000) : 0);
            }
            else
            {
                input.reason("profile").changes()
                    .status(STATUSES[random.nextInt(STATUSES.length)])
                    .attribute("region", REGIONS[random.nextInt(REGIONS.length)]);
            }
        }
        return InputCodec.encode(buffer, offset, input);
    }
}
