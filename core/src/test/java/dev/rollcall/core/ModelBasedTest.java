package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.core.model.ModelChanges;
import dev.rollcall.core.model.ModelClient;
import dev.rollcall.core.model.ModelDelivery;
import dev.rollcall.core.model.ModelDirective;
import dev.rollcall.core.model.ReferenceModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random command sequences run through the real pipeline (ring, journal stage, logic, fan-out,
 * mailboxes, read model) and through the deliberately simple {@link ReferenceModel}; results,
 * every subscriber's deliveries, directives and final state must agree. The journal is then
 * replayed into a fresh {@link PresenceLogic}, which must reach the same state. Seeded; the
 * seed and the command log are printed on failure.
 */
class ModelBasedTest
{
    private static final long[] USERS = {1, 2, 3, 4};
    private static final long[] WATCHERS = {101, 102};
    private static final long[] LOBBIES = {1, 2};
    private static final Limits LIMITS = new Limits(3, 6, 6, 12);
    /** What {@code setLimits} picks from (the first is the launch's). */
    private static final Limits[] SOME_LIMITS = {LIMITS, new Limits(1, 3, 4, 4), new Limits(5, 12, 12, 24), new Limits(0, 0, 0, 0)};
    // UTF-8 bytes, not chars: "ééé" is 6 bytes, "éééé" 8, two emoji 8
    private static final String[] KEYS = {"a", "b", "c", "d", "", "toolongkey", "ééé", "éééé"};
    private static final String[] STRINGS = {"x", "y", "abcdef", "abcdefg", "", "ééé", "\uD83D\uDE00\uD83D\uDE00"};
    private static final String[] REASONS = {null, "", "moved", "a reason too long", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00",
        "ééééééé"};

    @Test
    void shouldAgreeWithReferenceModelOnRandomSequences()
    {
        runSeeds(Long.getLong("rollcall.model.seed", 0x5EED), Integer.getInteger("rollcall.model.sequences", 1500), 60);
    }

    @Test
    @Tag("slow")
    void shouldAgreeWithReferenceModelOnLongRandomSequences()
    {
        runSeeds(System.nanoTime(), 2000, 400);
    }

    private static void runSeeds(final long masterSeed, final int sequences, final int length)
    {
        final SplittableRandom master = new SplittableRandom(masterSeed);
        for (int i = 0; i < sequences; i++)
        {
            final long seed = master.nextLong();
            final List<String> log = new ArrayList<>();
            try
            {
                runSequence(seed, length, log);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("model mismatch: seed=" + seed + " (rerun with -Drollcall.model.seed=" + masterSeed +
                    ", sequence " + i + ")\ncommands:\n  " + String.join("\n  ", log) + "\n" + ex.getMessage(), ex);
            }
        }
    }

    private static void runSequence(final long seed, final int length, final List<String> log) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final AtomicLong clock = new AtomicLong(1_000_000);
        final long grace = pick(random, 0L, 50L, 1000L);
        final List<ModelDirective> directives = Collections.synchronizedList(new ArrayList<>());
        final InMemoryJournal journal = new InMemoryJournal();
        final RollcallContext ctx = new RollcallContext()
            .ringSize(pick(random, 16, 64, 1024))
            .layout(pick(random, PipelineLayout.SERIAL, PipelineLayout.PARALLEL))
            .waitStrategy(random.nextBoolean() ? new ParkingWaitStrategy() : new ParkingWaitStrategy(0, 0))
            .tickIntervalMs(0)
            .clock(clock::get)
            .gracePeriodMs(grace)
            .limits(LIMITS)
            .journal(journal)
            .connectionDirectiveHandler((userId, connectionId, reason) ->
                directives.add(new ModelDirective(userId, connectionId, reason.name())));
        final ReferenceModel model = new ReferenceModel(
            grace, LIMITS.maxAttributes(), LIMITS.maxAttributeKeyBytes(), LIMITS.maxAttributeValueBytes(),
            LIMITS.maxReasonBytes());
        log.add("launch grace=" + grace + " ringSize=" + ctx.ringSize() + " layout=" + ctx.layout() + " wait=" +
            ctx.waitStrategy());

        final List<CompletableFuture<Result>> futures = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final Map<Long, Mailbox> mailboxes = new HashMap<>();
        try (Rollcall rollcall = Rollcall.launch(ctx))
        {
            for (final long subscriber : USERS)
            {
                mailboxes.put(subscriber, rollcall.openMailbox(subscriber, 1 << 20));
            }
            for (final long subscriber : WATCHERS)
            {
                mailboxes.put(subscriber, rollcall.openMailbox(subscriber, 1 << 20));
            }

            for (int i = 0; i < length; i++)
            {
                step(random, rollcall, model, clock, futures, expected, log);
            }

            for (int i = 0; i < futures.size(); i++)
            {
                final Result actual = futures.get(i).get(30, TimeUnit.SECONDS);
                assertThat(actual.name()).as("result of command %d: %s", i, log.get(i + 1)).isEqualTo(expected.get(i));
            }

            for (final Map.Entry<Long, Mailbox> entry : mailboxes.entrySet())
            {
                final long subscriber = entry.getKey();
                final List<ModelDelivery> actual = new ArrayList<>();
                entry.getValue().poll(event -> actual.add(ModelAdapter.toDelivery(subscriber, event)), Integer.MAX_VALUE);
                final List<ModelDelivery> wanted = model.deliveries().stream()
                    .filter(d -> d.subscriberId() == subscriber).toList();
                assertThat(actual).as("deliveries to subscriber %d", subscriber).containsExactlyElementsOf(wanted);
            }
            assertThat(directives).as("directives").containsExactlyElementsOf(model.directives());

            for (final long userId : USERS)
            {
                assertThat(ModelAdapter.toModel(rollcall.getClient(userId))).as("client %d", userId)
                    .isEqualTo(model.client(userId));
            }
            assertThat(rollcall.listClientIds()).containsExactly(model.clientIds().stream().mapToLong(Long::longValue).toArray());
            assertThat(rollcall.counters().get(Counter.HANDLER_ERRORS)).isZero();
        }

        // configured otherwise: the journal's SET_LIMITS decide, not the replaying process's limits
        final PresenceLogic replayed = new PresenceLogic(Limits.DEFAULT, RollcallContext.DEFAULT_GRACE_PERIOD_MS);
        final Outbox outbox = new Outbox();
        journal.replay(input -> replayed.apply(input, outbox));
        for (final long userId : USERS)
        {
            assertThat(ModelAdapter.toModel(replayed.client(userId))).as("replayed client %d", userId)
                .isEqualTo(model.client(userId));
        }
        assertThat(replayed.gracePeriodMs()).isEqualTo(model.gracePeriod());
        final Limits limits = replayed.limits();
        assertThat(List.of(limits.maxAttributes(), limits.maxAttributeKeyBytes(), limits.maxAttributeValueBytes(),
            limits.maxReasonBytes())).as("replayed limits").isEqualTo(model.limits());
    }

    private static void step(
        final SplittableRandom random,
        final Rollcall rollcall,
        final ReferenceModel model,
        final AtomicLong clock,
        final List<CompletableFuture<Result>> futures,
        final List<String> expected,
        final List<String> log)
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
        log.add("t=" + time + " " + command + " -> " + result);
        futures.add(future);
        expected.add(result);
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
