package dev.rollcall.core;

import dev.rollcall.model.Result;
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
 * seed and the command log are printed on failure. The sequences are {@link ModelSequences}' (the
 * cluster module replays the same ones through a cluster).
 */
class ModelBasedTest
{
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
        ModelSequences.runSeeds(masterSeed, sequences, length, ModelBasedTest::runSequence, null);
    }

    private static void runSequence(final long seed, final int length, final List<String> log) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final AtomicLong clock = new AtomicLong(1_000_000);
        final ModelSequences.Launch launch = ModelSequences.launch(random);
        final long grace = launch.grace();
        final List<ModelDirective> directives = Collections.synchronizedList(new ArrayList<>());
        final InMemoryJournal journal = new InMemoryJournal();
        final RollcallContext ctx = new RollcallContext()
            .ringSize(launch.ringSize())
            .layout(launch.layout())
            .waitStrategy(launch.waitStrategy())
            .tickIntervalMs(0)
            .clock(clock::get)
            .gracePeriodMs(grace)
            .limits(ModelSequences.LIMITS)
            .journal(journal)
            .connectionDirectiveHandler((userId, connectionId, reason) ->
                directives.add(new ModelDirective(userId, connectionId, reason.name())));
        final ReferenceModel model = launch.model();
        log.add("launch grace=" + grace + " ringSize=" + ctx.ringSize() + " layout=" + ctx.layout() + " wait=" +
            ctx.waitStrategy());

        final List<CompletableFuture<Result>> futures = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final Map<Long, Mailbox> mailboxes = new HashMap<>();
        try (Rollcall rollcall = Rollcall.launch(ctx))
        {
            for (final long subscriber : ModelSequences.subscribers())
            {
                mailboxes.put(subscriber, rollcall.openMailbox(subscriber, 1 << 20));
            }

            for (int i = 0; i < length; i++)
            {
                final ModelSequences.Step step = ModelSequences.step(random, rollcall, model, clock);
                log.add(step.toString());
                futures.add(step.future());
                expected.add(step.expected());
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

            for (final long userId : ModelSequences.USERS)
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
        for (final long userId : ModelSequences.USERS)
        {
            assertThat(ModelAdapter.toModel(replayed.client(userId))).as("replayed client %d", userId)
                .isEqualTo(model.client(userId));
        }
        assertThat(replayed.gracePeriodMs()).isEqualTo(model.gracePeriod());
        final Limits limits = replayed.limits();
        assertThat(List.of(limits.maxAttributes(), limits.maxAttributeKeyBytes(), limits.maxAttributeValueBytes(),
            limits.maxReasonBytes())).as("replayed limits").isEqualTo(model.limits());
    }
}
