package dev.rollcall.core;

import dev.rollcall.core.model.ModelChanges;
import dev.rollcall.core.model.ReferenceModel;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The random command sequences of the model-based tests, shared so that every pipeline runs literally
 * the same ones from the same seed (public: the cluster module's test replays them through a cluster,
 * through core's test-jar). A sequence is {@link #launch} once, then {@link #step} as often as its
 * length: each step may move the clock on, then issues one command (two for a tick) on a
 * {@link Rollcall} and the same on the {@link ReferenceModel}, at the clock's time.
 */
public final class ModelSequences
{
    /** The users the commands name (also subscribers). */
    public static final long[] USERS = {1, 2, 3, 4};
    /** Subscribers that are never users. */
    public static final long[] WATCHERS = {101, 102};
    /** The lobbies subscribed to. */
    public static final long[] LOBBIES = {1, 2};
    /** The launch's limits. */
    public static final Limits LIMITS = new Limits(3, 6, 6, 12);
    /** What {@code setLimits} picks from (the first is the launch's). */
    private static final Limits[] SOME_LIMITS = {LIMITS, new Limits(1, 3, 4, 4), new Limits(5, 12, 12, 24), new Limits(0, 0, 0, 0)};
    // UTF-8 bytes, not chars: "ééé" is 6 bytes, "éééé" 8, two emoji 8
    private static final String[] KEYS = {"a", "b", "c", "d", "", "toolongkey", "ééé", "éééé"};
    private static final String[] STRINGS = {"x", "y", "abcdef", "abcdefg", "", "ééé", "\uD83D\uDE00\uD83D\uDE00"};
    private static final String[] REASONS = {null, "", "moved", "a reason too long", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00",
        "ééééééé"};

    private ModelSequences()
    {
    }

    /** Runs one seeded sequence of a model-based test. */
    @FunctionalInterface
    public interface SequenceRunner
    {
        /**
         * @param seed   the sequence's seed.
         * @param length its commands.
         * @param log    to append each command to, for the failure message.
         * @throws Exception on a mismatch.
         */
        void run(long seed, int length, List<String> log) throws Exception;
    }

    /**
     * Runs {@code sequences} seeded sequences, each seed drawn from the master seed; a mismatch fails
     * naming the seed, how to rerun it and the commands.
     *
     * @param masterSeed the seed of the seeds.
     * @param sequences  how many.
     * @param length     commands in each.
     * @param runner     runs one.
     * @param context    more for the failure message (what else to know, e.g. the cluster's state), or null.
     */
    public static void runSeeds(
        final long masterSeed, final int sequences, final int length, final SequenceRunner runner,
        final Supplier<String> context)
    {
        final SplittableRandom master = new SplittableRandom(masterSeed);
        for (int i = 0; i < sequences; i++)
        {
            final long seed = master.nextLong();
            final List<String> log = new ArrayList<>();
            try
            {
                runner.run(seed, length, log);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("model mismatch: seed=" + seed + " (rerun with -Drollcall.model.seed=" + masterSeed +
                    ", sequence " + i + ")\ncommands:\n  " + String.join("\n  ", log) + "\n" + ex +
                    (null == context ? "" : "\n" + context.get()), ex);
            }
        }
    }

    /**
     * A sequence's launch settings, drawn first: the grace period, and the single-node pipeline's
     * shape (which a pipeline of another kind ignores, drawing them all the same).
     *
     * @param grace       the launch's grace period in millis.
     * @param ringSize    the ring's size.
     * @param layout      the pipeline's layout.
     * @param parkingWait true for the default {@link ParkingWaitStrategy}, false for one that never spins.
     */
    public record Launch(long grace, int ringSize, PipelineLayout layout, boolean parkingWait)
    {
        /** @return the wait strategy {@link #parkingWait} names, new. */
        public ParkingWaitStrategy waitStrategy()
        {
            return parkingWait ? new ParkingWaitStrategy() : new ParkingWaitStrategy(0, 0);
        }

        /** @return an empty model launched with this grace and {@link #LIMITS}. */
        public ReferenceModel model()
        {
            return new ReferenceModel(
                grace, LIMITS.maxAttributes(), LIMITS.maxAttributeKeyBytes(), LIMITS.maxAttributeValueBytes(),
                LIMITS.maxReasonBytes());
        }
    }

    /**
     * One step as issued.
     *
     * @param time     the clock's time the command was issued at.
     * @param command  what was issued, readable.
     * @param expected the model's result.
     * @param future   the pipeline's result.
     */
    public record Step(long time, String command, String expected, CompletableFuture<Result> future)
    {
        @Override
        public String toString()
        {
            return "t=" + time + " " + command + " -> " + expected;
        }
    }

    /**
     * @param random the sequence's generator, fresh from its seed.
     * @return the launch's settings: the sequence's first draws.
     */
    public static Launch launch(final SplittableRandom random)
    {
        final long grace = pick(random, 0L, 50L, 1000L);
        final int ringSize = pick(random, 16, 64, 1024);
        final PipelineLayout layout = pick(random, PipelineLayout.SERIAL, PipelineLayout.PARALLEL);
        final boolean parkingWait = random.nextBoolean();
        return new Launch(grace, ringSize, layout, parkingWait);
    }

    /**
     * @return every subscriber the commands name that can hold a mailbox: {@link #USERS} then {@link #WATCHERS}.
     */
    public static long[] subscribers()
    {
        final long[] subscribers = new long[USERS.length + WATCHERS.length];
        System.arraycopy(USERS, 0, subscribers, 0, USERS.length);
        System.arraycopy(WATCHERS, 0, subscribers, USERS.length, WATCHERS.length);
        return subscribers;
    }

    /**
     * The next step: maybe move the clock on, then issue a random command on the pipeline and on the
     * model, at the clock's time then. The pipeline's result is not awaited.
     *
     * @param random   the sequence's generator.
     * @param rollcall where to issue it.
     * @param model    the reference.
     * @param clock    the time in millis, which the pipeline stamps its inputs with.
     * @return the step.
     */
    public static Step step(
        final SplittableRandom random, final Rollcall rollcall, final ReferenceModel model, final AtomicLong clock)
    {
        if (random.nextInt(4) == 0)
        {
            final long grace = model.gracePeriod();
            clock.addAndGet(pick(random, 1L, 10L, 49L, 50L, 51L, 500L, Math.max(1, grace - 1), grace + 1));
        }
        final long time = clock.get();
        final int roll = random.nextInt(100);
        final String command;
        final String result;
        final CompletableFuture<Result> future;
        if (roll < 20)
        {
            final long user = user(random);
            final long connection = id(random, 3);
            command = "connectUser(" + user + ", " + connection + ")";
            future = rollcall.connectUser(user, connection);
            result = model.connectUser(time, user, connection);
        }
        else if (roll < 35)
        {
            final long user = user(random);
            final long connection = id(random, 3);
            command = "connectionLost(" + user + ", " + connection + ")";
            future = rollcall.connectionLost(user, connection);
            result = model.connectionLost(time, user, connection);
        }
        else if (roll < 38)
        {
            final long user = user(random);
            command = "disconnectUser(" + user + ")";
            future = rollcall.disconnectUser(user);
            result = model.disconnectUser(time, user);
        }
        else if (roll < 65)
        {
            final long user = user(random);
            final ModelChanges changes = changes(random);
            final String reason = pick(random, REASONS);
            final int kind = random.nextInt(3);
            final Changes real = ModelAdapter.toChanges(changes);
            switch (kind)
            {
                case 0 ->
                {
                    command = "updateClient(" + user + ", " + changes + ", " + reason + ")";
                    future = rollcall.updateClient(user, real, reason);
                    result = model.updateClient(time, user, changes, reason);
                }
                case 1 ->
                {
                    command = "updateClientInLobby(" + user + ", " + changes + ", " + reason + ")";
                    future = rollcall.updateClientInLobby(user, real, reason);
                    result = model.updateClientInLobby(time, user, changes, reason);
                }
                default ->
                {
                    command = "updateClientFull(" + user + ", " + changes + ", " + reason + ")";
                    future = rollcall.updateClientFull(user, real, reason);
                    result = model.updateClientFull(time, user, changes, reason);
                }
            }
        }
        else if (roll < 85)
        {
            final long subscriber = random.nextBoolean() ? user(random) : pick(random, WATCHERS[0], WATCHERS[1], 0L);
            final boolean lobby = random.nextBoolean();
            final boolean subscribe = random.nextInt(3) != 0;
            final long target = lobby ? pick(random, LOBBIES[0], LOBBIES[1], -1L) : user(random);
            command = (subscribe ? "subscribe" : "unsubscribe") + (lobby ? "Lobby(" : "Client(") + subscriber + ", " + target + ")";
            if (lobby)
            {
                future = subscribe ? rollcall.subscribeToLobby(subscriber, target) : rollcall.unsubscribeFromLobby(subscriber, target);
                result = subscribe ? model.subscribeToLobby(time, subscriber, target) : model.unsubscribeFromLobby(time, subscriber, target);
            }
            else
            {
                future = subscribe ? rollcall.subscribeToClient(subscriber, target) : rollcall.unsubscribeFromClient(subscriber, target);
                result = subscribe ? model.subscribeToClient(time, subscriber, target) : model.unsubscribeFromClient(time, subscriber, target);
            }
        }
        else if (roll < 87)
        {
            final long subscriber = random.nextBoolean() ? user(random) : WATCHERS[random.nextInt(WATCHERS.length)];
            command = "removeSubscriber(" + subscriber + ")";
            future = rollcall.removeSubscriber(subscriber);
            result = model.removeSubscriber(time, subscriber);
        }
        else if (roll < 89)
        {
            final long millis = pick(random, 0L, 50L, 1000L, -1L);
            command = "setGracePeriod(" + millis + ")";
            future = rollcall.setGracePeriod(millis);
            result = model.setGracePeriod(time, millis);
        }
        else if (roll < 91)
        {
            final Limits limits = pick(random, SOME_LIMITS);
            command = "setLimits(" + limits + ")";
            future = rollcall.setLimits(limits);
            result = model.setLimits(time, limits.maxAttributes(), limits.maxAttributeKeyBytes(),
                limits.maxAttributeValueBytes(), limits.maxReasonBytes());
        }
        else
        {
            command = "tick";
            rollcall.tick();
            future = rollcall.setGracePeriod(model.gracePeriod());
            model.tick(time);
            result = model.setGracePeriod(time, model.gracePeriod());
        }
        return new Step(time, command, result, future);
    }

    private static ModelChanges changes(final SplittableRandom random)
    {
        final ModelChanges changes = ModelChanges.of();
        final List<String> fields = new ArrayList<>(List.of(
            "status", "afk", "inGame", "partyId", "lobbyId", "ready", "player", "playerNumber", "teamNumber",
            "teamColour", "sync", "lobbyHost"));
        final int count = random.nextInt(4);
        for (int i = 0; i < count; i++)
        {
            if (random.nextInt(3) == 0)
            {
                final String key = random.nextInt(8) == 0 ? pick(random, KEYS) : KEYS[random.nextInt(4)];
                final Object value = switch (random.nextInt(5))
                {
                    case 0 -> ModelChanges.REMOVE;
                    case 1 -> (long)random.nextInt(3);
                    case 2 -> random.nextInt(10) == 0 ? null : pick(random, STRINGS);
                    default -> STRINGS[random.nextInt(2)];
                };
                changes.set("attributes." + key, value);
                continue;
            }
            final String field = fields.remove(random.nextInt(fields.size()));
            final boolean invalid = random.nextInt(15) == 0;
            final Object value = switch (field)
            {
                case "status" -> invalid ? null : ReferenceModel.STATUSES.get(random.nextInt(4));
                case "partyId" -> invalid ? -1L : (long)random.nextInt(3);
                case "lobbyId" -> invalid ? -1L : (long)random.nextInt(3);
                case "playerNumber", "teamNumber" -> invalid ? -1 : random.nextInt(3);
                case "teamColour", "sync" -> random.nextInt(3) - 1;
                default -> random.nextBoolean();
            };
            changes.set(field, value);
        }
        return changes;
    }

    private static long user(final SplittableRandom random)
    {
        return random.nextInt(25) == 0 ? pick(random, 0L, -1L) : USERS[random.nextInt(USERS.length)];
    }

    private static long id(final SplittableRandom random, final int max)
    {
        return random.nextInt(30) == 0 ? 0 : 1 + random.nextInt(max);
    }

    @SafeVarargs
    private static <T> T pick(final SplittableRandom random, final T... values)
    {
        return values[random.nextInt(values.length)];
    }
}
