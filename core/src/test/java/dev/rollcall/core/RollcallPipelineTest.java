package dev.rollcall.core;

import dev.rollcall.model.Status;
import dev.rollcall.model.Field;
import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exercises the whole Disruptor pipeline (journal ∥ logic, then fan-out) through the public
 * {@link Rollcall} facade: concurrency, ring wrap-around, shutdown, journal gating and failure,
 * slow subscribers, errors in user code, directives and grace expiry driven by the clock thread.
 * No test sleeps: each waits on futures with a timeout or polls with a deadline. Every test runs
 * in each {@link PipelineLayout} with the default {@link ParkingWaitStrategy}, and once more in the
 * parallel layout with a strategy that parks at once (no spinning: every hand-off goes through a
 * park and a signal, so a lost wake-up would hang a test).
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"SERIAL", "PARALLEL", "PARALLEL-PARK-AT-ONCE"})
class RollcallPipelineTest {

    @Parameter
    String variant;

    private static final long WAIT_SECONDS = 10;
    private static final long T0 = 1_000_000L;

    /** One delivered event, copied out of the mailbox flyweight. */
    private record Ev(EventType type, long userId, long updateId, long time, long partyId) {
        static Ev of(final PresenceEvent e) {
            final Changes changes = e.changes();
            return new Ev(e.type(), e.userId(), e.updateId(), e.time(),
                changes.has(Field.PARTY_ID) ? changes.partyId() : -1);
        }
    }

    /** A command and the result it must have. */
    private record Pending(String what, CompletableFuture<Result> future, Result expected) {
    }

    /** One close directive as seen by the gateway, with what was observable when it arrived. */
    private record Directive(long userId, long connectionId, ConnectionDirectiveHandler.CloseReason reason,
                             long appliedResultsSoFar, int subscriberQueuedBytes) {
    }

    // ------------------------------------------------------------------------------------ helpers

    private RollcallContext ctx(final ConcurrentLinkedQueue<Throwable> errors) {
        final RollcallContext ctx = new RollcallContext().tickIntervalMs(0).errorHandler(errors::add);
        return switch (variant) {
            case "SERIAL" -> ctx.layout(PipelineLayout.SERIAL);
            case "PARALLEL" -> ctx.layout(PipelineLayout.PARALLEL);
            default -> ctx.layout(PipelineLayout.PARALLEL).waitStrategy(new ParkingWaitStrategy(0, 0));
        };
    }

    private static EpochClock fixedClock(final AtomicLong time) {
        return time::get;
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception {
        return future.get(WAIT_SECONDS, SECONDS);
    }

    private static void awaitCondition(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }

    private static int drain(final Mailbox mailbox, final List<Ev> into) {
        return mailbox.poll(e -> into.add(Ev.of(e)), Integer.MAX_VALUE);
    }

    private static void awaitEvents(final Mailbox mailbox, final List<Ev> into, final int count) {
        awaitCondition(count + " events in mailbox " + mailbox.subscriberId() + " (have " + into.size() + ")", () -> {
            drain(mailbox, into);
            return into.size() >= count;
        });
    }

    private static Changes afk(final boolean afk) {
        return new Changes().afk(afk);
    }

    private static Changes party(final long partyId) {
        return new Changes().partyId(partyId);
    }

    private static Input decode(final DirectBuffer buffer, final int offset, final int length) {
        final Input input = new Input();
        InputCodec.decode(buffer, offset, length, input);
        return input;
    }

    // ------------------------------------------------------------------------------------ 1. many producers

    @Test
    void shouldApplyEveryProducersCommandsInOrderWhenManyThreadsShareASmallRing() throws Exception {
        final int threads = 4;
        final int usersPerThread = 200;
        final int stepsPerUser = 10;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final InMemoryJournal journal = new InMemoryJournal();
        final AtomicLong time = new AtomicLong(T0);

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).ringSize(64).journal(journal).clock(fixedClock(time)))) {
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                final CountDownLatch start = new CountDownLatch(1);
                final List<Future<List<Pending>>> producers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final long firstUser = t * 10_000L + 1;
                    final Callable<List<Pending>> producer = () -> {
                        final List<Pending> pending = new ArrayList<>(usersPerThread * stepsPerUser);
                        start.await();
                        // step-major order: per user the commands stay in program order, across users they interleave
                        for (int step = 0; step < stepsPerUser; step++) {
                            for (long u = firstUser; u < firstUser + usersPerThread; u++) {
                                pending.add(command(rollcall, step, u));
                            }
                        }
                        return pending;
                    };
                    producers.add(pool.submit(producer));
                }
                start.countDown();

                final List<String> mismatches = new ArrayList<>();
                int commands = 0;
                for (final Future<List<Pending>> producer : producers) {
                    for (final Pending p : producer.get(30, SECONDS)) {
                        commands++;
                        final Result actual = await(p.future());
                        if (actual != p.expected()) {
                            mismatches.add(p.what() + ": expected " + p.expected() + " but was " + actual);
                        }
                    }
                }
                assertThat(commands).isEqualTo(threads * usersPerThread * stepsPerUser);
                assertThat(mismatches).isEmpty();

                final List<Long> survivors = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final long firstUser = t * 10_000L + 1;
                    for (long u = firstUser; u < firstUser + usersPerThread; u++) {
                        final ClientInfo client = rollcall.getClient(u);
                        if (u % 4 == 0) {
                            assertThat(client).as("user %d was disconnected on purpose", u).isNull();
                            continue;
                        }
                        survivors.add(u);
                        assertThat(client).as("user %d", u).isNotNull();
                        assertThat(client.connected()).as("user %d connected", u).isTrue();
                        assertThat(client.connectionIds()).as("user %d connections", u).containsExactly(3L);
                        assertThat(client.updateId()).as("user %d updateId", u).isEqualTo(5);
                        assertThat(client.lastDisconnected()).as("user %d lastDisconnected", u).isEqualTo(T0);
                        assertThat(client.afk()).as("user %d afk", u).isTrue();
                        assertThat(client.partyId()).as("user %d partyId", u).isEqualTo(u);
                        assertThat(client.status()).isEqualTo(Status.ONLINE);
                    }
                }
                assertThat(rollcall.listClientIds()).containsExactly(survivors.stream().mapToLong(Long::longValue).toArray());

                // SET_LIMITS and SET_GRACE_PERIOD at launch, then every command (refused ones are journaled too); no ticks
                assertThat(journal.size()).isEqualTo(2 + commands);
                final RollcallCounters counters = rollcall.counters();
                assertThat(counters.get(Counter.INPUTS_PROCESSED)).isEqualTo(2 + commands);
                assertThat(counters.results(Result.UNKNOWN_CLIENT)).isEqualTo(threads * usersPerThread);
                assertThat(counters.results(Result.UNKNOWN_CONNECTION)).isEqualTo(threads * usersPerThread);
                assertThat(counters.get(Counter.COMMANDS_REFUSED)).isEqualTo(2L * threads * usersPerThread);
                assertThat(counters.get(Counter.HANDLER_ERRORS)).isZero();
                assertThat(counters.get(Counter.JOURNAL_FAILURES)).isZero();
                assertThat(errors).isEmpty();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Step {@code step} of the per-user script, with the result it must have. */
    private static Pending command(final Rollcall r, final int step, final long u) {
        return switch (step) {
            case 0 -> new Pending("update before connect " + u, r.updateClient(u, afk(true), null), Result.UNKNOWN_CLIENT);
            case 1 -> new Pending("connect " + u + "/1", r.connectUser(u, 1), Result.APPLIED);
            case 2 -> new Pending("connect " + u + "/2", r.connectUser(u, 2), Result.APPLIED);
            case 3 -> new Pending("reconnect same " + u + "/1", r.connectUser(u, 1), Result.UNCHANGED);
            case 4 -> new Pending("afk " + u, r.updateClient(u, afk(true), "away"), Result.APPLIED);
            case 5 -> new Pending("lost " + u + "/1", r.connectionLost(u, 1), Result.APPLIED);
            case 6 -> new Pending("lost again " + u + "/1", r.connectionLost(u, 1), Result.UNKNOWN_CONNECTION);
            case 7 -> new Pending("lost last " + u + "/2", r.connectionLost(u, 2), Result.APPLIED);
            case 8 -> new Pending("reconnect in grace " + u + "/3", r.connectUser(u, 3), Result.APPLIED);
            case 9 -> u % 4 == 0
                ? new Pending("disconnect " + u, r.disconnectUser(u), Result.APPLIED)
                : new Pending("party " + u, r.updateClient(u, party(u), null), Result.APPLIED);
            default -> throw new IllegalArgumentException("step " + step);
        };
    }

    // ------------------------------------------------------------------------------------ 2. wrap-around + mailbox

    @Test
    void shouldDeliverEveryUpdateInOrderThroughAMailboxWhileTheRingWrapsAround() throws Exception {
        final int updates = 10_000;
        final long subscriber = 7;
        final long user = 1;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).ringSize(16))) {
            final Mailbox mailbox = rollcall.openMailbox(subscriber, 2 * 1024 * 1024);
            assertThat(await(rollcall.subscribeToClient(subscriber, user))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectUser(user, 1))).isEqualTo(Result.APPLIED);

            final ExecutorService publisherThread = Executors.newSingleThreadExecutor();
            try {
                final Future<List<CompletableFuture<Result>>> published = publisherThread.submit(() -> {
                    final List<CompletableFuture<Result>> futures = new ArrayList<>(updates);
                    for (int i = 1; i <= updates; i++) {
                        futures.add(rollcall.updateClient(user, party(i), null));
                    }
                    return futures;
                });

                // poll concurrently with the publisher
                final List<Ev> events = new ArrayList<>(updates + 1);
                awaitEvents(mailbox, events, updates + 1);

                for (final CompletableFuture<Result> f : published.get(WAIT_SECONDS, SECONDS)) {
                    assertThat(await(f)).isEqualTo(Result.APPLIED);
                }
                drain(mailbox, events);

                assertThat(events).hasSize(updates + 1);
                assertThat(events.get(0).type()).isEqualTo(EventType.CLIENT_CONNECTED);
                assertThat(events.get(0).updateId()).isEqualTo(1);
                for (int i = 1; i <= updates; i++) {
                    final Ev e = events.get(i);
                    assertThat(e.type()).as("event %d", i).isEqualTo(EventType.CLIENT_UPDATED);
                    assertThat(e.userId()).as("event %d", i).isEqualTo(user);
                    assertThat(e.updateId()).as("event %d", i).isEqualTo(events.get(i - 1).updateId() + 1);
                    assertThat(e.partyId()).as("event %d", i).isEqualTo(i);
                }
                assertThat(mailbox.state()).isEqualTo(Mailbox.State.ACTIVE);
                assertThat(rollcall.getClient(user).updateId()).isEqualTo(updates + 1);
                assertThat(rollcall.getClient(user).partyId()).isEqualTo(updates);
                assertThat(rollcall.counters().get(Counter.EVENTS_DELIVERED)).isEqualTo(updates + 1);
                assertThat(rollcall.counters().get(Counter.MAILBOX_OVERFLOWS)).isZero();
                assertThat(errors).isEmpty();
            } finally {
                publisherThread.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------------------------ 3. clean shutdown

    /** Counts appends and remembers how many there were when the pipeline closed it. */
    private static final class CountingJournal implements Journal {
        final AtomicInteger appends = new AtomicInteger();
        final AtomicInteger appendsAtClose = new AtomicInteger(-1);

        @Override
        public void append(final DirectBuffer buffer, final int offset, final int length, final long sequence,
                           final boolean endOfBatch) {
            appends.incrementAndGet();
        }

        @Override
        public void close() {
            appendsAtClose.compareAndSet(-1, appends.get());
        }
    }

    @Test
    @SuppressWarnings("try") // close() inside the try block is what is under test
    void shouldCompleteEveryInFlightCommandOnCloseAndRefuseCommandsAfterIt() throws Exception {
        final int users = 2_500;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final CountingJournal journal = new CountingJournal();

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).ringSize(64).journal(journal))) {
            final List<CompletableFuture<Result>> futures = new ArrayList<>(2 * users);
            for (long u = 1; u <= users; u++) {
                futures.add(rollcall.connectUser(u, 1));
                futures.add(rollcall.updateClient(u, afk(true), null));
            }

            rollcall.close();

            assertThat(rollcall.isClosed()).isTrue();
            // close() drains the ring: nothing published before it may be left hanging
            assertThat(futures).allSatisfy(f -> assertThat(f).isDone());
            assertThat(futures).allSatisfy(f -> assertThat(f.join()).isEqualTo(Result.APPLIED));
            assertThat(rollcall.listClientIds()).hasSize(users);
            assertThat(rollcall.getClient(users).updateId()).isEqualTo(2);
            // the journal is closed after it has recorded every input (SET_LIMITS, SET_GRACE_PERIOD, the commands)
            assertThat(journal.appendsAtClose.get()).isEqualTo(2 + 2 * users);

            final CommandCallback mustNotBeCalled = (c, r) -> fail("callback after close: " + r);
            assertThatThrownBy(() -> rollcall.connectUser(1, 2)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.connectUser(1, 2, mustNotBeCalled, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.connectionLost(1, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.disconnectUser(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.updateClient(1, afk(false), null)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.subscribeToClient(5, 1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.setGracePeriod(10)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> rollcall.setLimits(Limits.DEFAULT)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(rollcall::tick).isInstanceOf(IllegalStateException.class);
            assertThat(journal.appends.get()).isEqualTo(2 + 2 * users);
            assertThat(errors).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("try") // close() inside the try block is what is under test
    void shouldCompleteEveryAcceptedCommandWhenCloseRacesProducers() throws Exception {
        final int producers = 2;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final CountingJournal journal = new CountingJournal();
        final AtomicInteger accepted = new AtomicInteger();

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).ringSize(64).journal(journal))) {
            final ExecutorService pool = Executors.newFixedThreadPool(producers);
            try {
                final List<Future<List<CompletableFuture<Result>>>> results = new ArrayList<>();
                for (int t = 0; t < producers; t++) {
                    final long firstUser = t * 1_000_000L + 1;
                    final Callable<List<CompletableFuture<Result>>> producer = () -> {
                        final List<CompletableFuture<Result>> futures = new ArrayList<>();
                        for (long u = firstUser; ; u++) {
                            try {
                                futures.add(rollcall.connectUser(u, 1));
                                accepted.incrementAndGet();
                            } catch (final IllegalStateException closed) {
                                return futures;
                            }
                        }
                    };
                    results.add(pool.submit(producer));
                }
                awaitCondition("producers to get going", () -> accepted.get() >= 2_000);

                rollcall.close();

                final List<CompletableFuture<Result>> all = new ArrayList<>();
                for (final Future<List<CompletableFuture<Result>>> r : results) {
                    all.addAll(r.get(WAIT_SECONDS, SECONDS));
                }
                assertThat(all).hasSize(accepted.get());
                assertThat(all).allSatisfy(f -> assertThat(f).isDone());
                assertThat(all).allSatisfy(f -> assertThat(f.join()).isEqualTo(Result.APPLIED));
                assertThat(journal.appendsAtClose.get()).isEqualTo(2 + all.size());
                assertThat(rollcall.listClientIds()).hasSize(all.size());
                assertThat(errors).isEmpty();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------------------------ 4. journal before the world

    @Test
    void shouldRevealNothingAboutACommandUntilTheJournalHasAppendedIt() throws Exception {
        final long user = 42;
        final long subscriber = 9;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final InMemoryJournal recorded = new InMemoryJournal();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Journal blocking = (buffer, offset, length, sequence, endOfBatch) -> {
            final Input input = decode(buffer, offset, length);
            if (input.type() == InputType.CONNECT_USER && input.userId() == user) {
                entered.countDown();
                try {
                    if (!release.await(30, SECONDS)) {
                        throw new IllegalStateException("test never released the journal");
                    }
                } catch (final InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
            }
            recorded.append(buffer, offset, length, sequence, endOfBatch);
        };

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).journal(blocking))) {
            final Mailbox mailbox = rollcall.openMailbox(subscriber);
            assertThat(await(rollcall.subscribeToClient(subscriber, user))).isEqualTo(Result.APPLIED);
            final List<Ev> events = new ArrayList<>();

            final CompletableFuture<Result> connect = rollcall.connectUser(user, 1);
            final CompletableFuture<Result> later;
            try {
                assertThat(entered.await(WAIT_SECONDS, SECONDS)).as("journal append entered").isTrue();
                later = rollcall.updateClient(user, afk(true), null);

                // the logic runs in parallel with the blocked append; give it every chance, then check nothing leaked
                assertThatThrownBy(() -> connect.get(200, MILLISECONDS)).isInstanceOf(TimeoutException.class);
                assertThat(connect).isNotDone();
                assertThat(later).isNotDone();
                assertThat(drain(mailbox, events)).isZero();
                assertThat(rollcall.getClient(user)).isNull();
                assertThat(rollcall.listClientIds()).isEmpty();
                assertThat(rollcall.counters().results(Result.APPLIED)).isEqualTo(3); // SET_LIMITS, SET_GRACE_PERIOD, subscribe
            } finally {
                release.countDown();
            }

            assertThat(await(connect)).isEqualTo(Result.APPLIED);
            assertThat(await(later)).isEqualTo(Result.APPLIED);
            final ClientInfo client = rollcall.getClient(user);
            assertThat(client).isNotNull();
            assertThat(client.updateId()).isEqualTo(2);
            assertThat(client.afk()).isTrue();
            // delivery precedes the result, so both events are queued by now
            assertThat(drain(mailbox, events)).isEqualTo(2);
            assertThat(events).extracting(Ev::type).containsExactly(EventType.CLIENT_CONNECTED, EventType.CLIENT_UPDATED);
            assertThat(recorded.size()).isEqualTo(5); // limits, grace, subscribe, connect, update
            assertThat(errors).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------ 5. journal failure

    /** Throws for {@code connectUser(failUser, *)} the first {@code failures} times, else records in memory. */
    private static final class FailingJournal implements Journal {
        final InMemoryJournal recorded = new InMemoryJournal();
        final long failUser;
        final AtomicInteger failuresLeft;
        final RuntimeException failure = new IllegalStateException("disk on fire");

        FailingJournal(final long failUser, final int failures) {
            this.failUser = failUser;
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public void append(final DirectBuffer buffer, final int offset, final int length, final long sequence,
                           final boolean endOfBatch) {
            final Input input = decode(buffer, offset, length);
            if (input.type() == InputType.CONNECT_USER && input.userId() == failUser && failuresLeft.getAndDecrement() > 0) {
                throw failure;
            }
            recorded.append(buffer, offset, length, sequence, endOfBatch);
        }
    }

    @Test
    void shouldStopAcknowledgingAnythingOnceTheJournalFails() throws Exception {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final FailingJournal journal = new FailingJournal(2, 1);
        final long subscriber = 9;

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).journal(journal))) {
            final Mailbox mailbox = rollcall.openMailbox(subscriber);
            assertThat(await(rollcall.subscribeToClient(subscriber, 2))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.subscribeToClient(subscriber, 3))).isEqualTo(Result.APPLIED);
            // each command waits for the previous one, so each is alone in its journal batch
            assertThat(await(rollcall.connectUser(1, 1))).isEqualTo(Result.APPLIED);
            assertThat(rollcall.isJournalFailed()).isFalse();
            assertThat(await(rollcall.connectUser(2, 1))).isEqualTo(Result.JOURNAL_FAILED);
            assertThat(rollcall.isJournalFailed()).isTrue();

            // fail-stop: nothing after the failure is journaled, acknowledged or revealed
            assertThat(await(rollcall.connectUser(3, 1))).isEqualTo(Result.JOURNAL_FAILED);
            assertThat(await(rollcall.updateClient(1, afk(true), null))).isEqualTo(Result.JOURNAL_FAILED);

            final RollcallCounters counters = rollcall.counters();
            assertThat(counters.get(Counter.JOURNAL_FAILURES)).isEqualTo(3);
            assertThat(counters.results(Result.JOURNAL_FAILED)).isEqualTo(3);
            assertThat(errors).containsExactly(journal.failure);
            assertThat(rollcall.getClient(2)).isNull();
            assertThat(rollcall.getClient(3)).isNull();
            assertThat(rollcall.getClient(1).afk()).isFalse();
            assertThat(rollcall.listClientIds()).containsExactly(1L);
            assertThat(drain(mailbox, new ArrayList<>())).isZero();
        }

        // the journal holds exactly what was acknowledged: limits, grace, two subscribes, connect 1
        assertThat(journal.recorded.size()).isEqualTo(5);
        final PresenceLogic recovered = new PresenceLogic(Limits.DEFAULT, RollcallContext.DEFAULT_GRACE_PERIOD_MS);
        final Outbox outbox = new Outbox();
        journal.recorded.replay(input -> recovered.apply(input, outbox));
        assertThat(recovered.client(1)).isNotNull();
        assertThat(recovered.client(1).get(Field.AFK) != 0).isFalse();
        assertThat(recovered.client(2)).isNull();
        assertThat(recovered.client(3)).isNull();
    }

    // ------------------------------------------------------------------------------------ 6. slow subscriber

    @Test
    void shouldDropASubscriberThatFallsBehindWithoutHoldingUpOthers() throws Exception {
        final int updates = 500;
        final long user = 1;
        final long slowId = 100;
        final long fastId = 200;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        try (Rollcall rollcall = Rollcall.launch(ctx(errors))) {
            final Mailbox slow = rollcall.openMailbox(slowId, 1024);
            final Mailbox fast = rollcall.openMailbox(fastId, 1024 * 1024);
            assertThat(await(rollcall.subscribeToClient(slowId, user))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.subscribeToClient(fastId, user))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectUser(user, 1))).isEqualTo(Result.APPLIED);

            final List<CompletableFuture<Result>> futures = new ArrayList<>(updates);
            final List<Ev> fastEvents = new ArrayList<>();
            for (int i = 1; i <= updates; i++) {
                futures.add(rollcall.updateClient(user, party(i), null));
                drain(fast, fastEvents);
            }
            for (final CompletableFuture<Result> f : futures) {
                assertThat(await(f)).isEqualTo(Result.APPLIED);
            }
            awaitEvents(fast, fastEvents, updates + 1);

            assertThat(slow.state()).isEqualTo(Mailbox.State.DROPPED_OVERFLOW);
            assertThat(fast.state()).isEqualTo(Mailbox.State.ACTIVE);
            assertThat(rollcall.counters().get(Counter.MAILBOX_OVERFLOWS)).isEqualTo(1);

            // events queued before the drop can still be read, and form an unbroken prefix
            final List<Ev> slowEvents = new ArrayList<>();
            drain(slow, slowEvents);
            assertThat(slowEvents).isNotEmpty().hasSizeLessThan(updates + 1);
            for (int i = 0; i < slowEvents.size(); i++) {
                assertThat(slowEvents.get(i).updateId()).isEqualTo(i + 1);
            }

            // the ticker thread removes the dropped subscriber's subscriptions through the ring: once it has,
            // an update no longer produces an (undeliverable) event for it
            final AtomicLong nextParty = new AtomicLong(updates);
            awaitCondition("subscriptions of the dropped subscriber to be removed", () -> {
                final long before = rollcall.counters().get(Counter.EVENTS_UNDELIVERABLE);
                try {
                    assertThat(await(rollcall.updateClient(user, party(nextParty.incrementAndGet()), null)))
                        .isEqualTo(Result.APPLIED);
                } catch (final Exception ex) {
                    throw new AssertionError(ex);
                }
                return rollcall.counters().get(Counter.EVENTS_UNDELIVERABLE) == before;
            });
            assertThat(await(rollcall.unsubscribeFromClient(slowId, user))).isEqualTo(Result.UNCHANGED);

            // the polled subscriber got every single event, in order, including the probes
            final int total = (int) (nextParty.get() + 1);
            awaitEvents(fast, fastEvents, total);
            assertThat(fastEvents).hasSize(total);
            for (int i = 0; i < total; i++) {
                final Ev e = fastEvents.get(i);
                assertThat(e.updateId()).isEqualTo(i + 1);
                assertThat(e.type()).isEqualTo(i == 0 ? EventType.CLIENT_CONNECTED : EventType.CLIENT_UPDATED);
                if (i > 0) {
                    assertThat(e.partyId()).isEqualTo(i);
                }
            }
            assertThat(await(rollcall.unsubscribeFromClient(fastId, user))).isEqualTo(Result.APPLIED);
            assertThat(errors).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------ 7. errors in user code

    @Test
    void shouldCountAndReportErrorsInUserCallbacksAndKeepProcessing() throws Exception {
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final RuntimeException callbackFailure = new IllegalStateException("callback blew up");
        final RuntimeException directiveFailure = new IllegalStateException("gateway blew up");
        final List<String> directives = Collections.synchronizedList(new ArrayList<>());
        final ConnectionDirectiveHandler throwingOnFirst = (userId, connectionId, reason) -> {
            directives.add(userId + "/" + connectionId);
            if (directives.size() == 1) {
                throw directiveFailure;
            }
        };

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).connectionDirectiveHandler(throwingOnFirst))) {
            final List<String> calls = Collections.synchronizedList(new ArrayList<>());
            rollcall.connectUser(1, 1, (correlationId, result) -> {
                calls.add(correlationId + ":" + result);
                throw callbackFailure;
            }, 42);

            final CompletableFuture<Result> viaCallback = new CompletableFuture<>();
            rollcall.connectUser(2, 1, (correlationId, result) -> viaCallback.complete(result), 43);
            assertThat(await(viaCallback)).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectUser(3, 1))).isEqualTo(Result.APPLIED);

            assertThat(calls).containsExactly("42:APPLIED");
            assertThat(rollcall.counters().get(Counter.HANDLER_ERRORS)).isEqualTo(1);
            assertThat(errors).containsExactly(callbackFailure);
            assertThat(rollcall.getClient(1)).isNotNull();
            assertThat(rollcall.listClientIds()).containsExactly(1L, 2L, 3L);

            // a gateway that throws on a directive: counted, reported, and the rest still happens
            assertThat(await(rollcall.connectUser(1, 2))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.disconnectUser(1))).isEqualTo(Result.APPLIED);
            assertThat(directives).containsExactly("1/1", "1/2");
            assertThat(rollcall.getClient(1)).isNull();
            assertThat(rollcall.counters().get(Counter.HANDLER_ERRORS)).isEqualTo(2);
            assertThat(rollcall.counters().get(Counter.DIRECTIVES_ISSUED)).isEqualTo(2);
            assertThat(errors).containsExactly(callbackFailure, directiveFailure);
            assertThat(await(rollcall.updateClient(2, afk(true), null))).isEqualTo(Result.APPLIED);
        }
    }

    // ------------------------------------------------------------------------------------ 8. directives

    @Test
    void shouldIssueACloseDirectivePerLiveConnectionInAscendingOrderBeforeTheResult() throws Exception {
        final long user = 1;
        final long subscriber = 50;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final List<Directive> directives = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Rollcall> self = new AtomicReference<>();
        final AtomicReference<Mailbox> watcher = new AtomicReference<>();
        // runs on the fan-out thread: records how many APPLIED results were recorded and what the subscriber had queued
        final ConnectionDirectiveHandler gateway = (userId, connectionId, reason) -> directives.add(new Directive(
            userId, connectionId, reason, self.get().counters().results(Result.APPLIED), watcher.get().queuedBytes()));

        try (Rollcall rollcall = Rollcall.launch(ctx(errors).connectionDirectiveHandler(gateway))) {
            self.set(rollcall);
            final Mailbox mailbox = rollcall.openMailbox(subscriber);
            watcher.set(mailbox);
            assertThat(await(rollcall.subscribeToClient(subscriber, user))).isEqualTo(Result.APPLIED);
            for (final long connection : new long[] {30, 10, 40, 20}) {
                assertThat(await(rollcall.connectUser(user, connection))).isEqualTo(Result.APPLIED);
            }
            assertThat(await(rollcall.connectionLost(user, 40))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectUser(2, 5))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.disconnectUser(99))).isEqualTo(Result.UNKNOWN_CLIENT);
            assertThat(directives).isEmpty();

            final List<Ev> events = new ArrayList<>();
            assertThat(drain(mailbox, events)).isEqualTo(1); // CLIENT_CONNECTED
            final long appliedBefore = rollcall.counters().results(Result.APPLIED);

            assertThat(await(rollcall.disconnectUser(user))).isEqualTo(Result.APPLIED);

            assertThat(directives).containsExactly(
                new Directive(user, 10, ConnectionDirectiveHandler.CloseReason.DISCONNECTED_BY_SERVER, appliedBefore, 0),
                new Directive(user, 20, ConnectionDirectiveHandler.CloseReason.DISCONNECTED_BY_SERVER, appliedBefore, 0),
                new Directive(user, 30, ConnectionDirectiveHandler.CloseReason.DISCONNECTED_BY_SERVER, appliedBefore, 0));
            assertThat(rollcall.counters().results(Result.APPLIED)).isEqualTo(appliedBefore + 1);
            assertThat(rollcall.counters().get(Counter.DIRECTIVES_ISSUED)).isEqualTo(3);
            assertThat(rollcall.getClient(user)).isNull();
            assertThat(rollcall.getClient(2)).isNotNull();
            assertThat(drain(mailbox, events)).isEqualTo(1);
            assertThat(events.get(1).type()).isEqualTo(EventType.CLIENT_DESTROYED);
            assertThat(errors).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------ 9. grace with the clock thread

    @Test
    void shouldExpireGraceAtTheExactDeadlineDrivenByTheClockThread() throws Exception {
        final long subscriber = 77;
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final AtomicLong time = new AtomicLong(T0);

        try (Rollcall rollcall = Rollcall.launch(
            ctx(errors).tickIntervalMs(1).gracePeriodMs(1000).clock(fixedClock(time)))) {
            final Mailbox mailbox = rollcall.openMailbox(subscriber);
            assertThat(await(rollcall.subscribeToClient(subscriber, 1))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.subscribeToClient(subscriber, 2))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectUser(1, 1))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectUser(2, 1))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.connectionLost(1, 1))).isEqualTo(Result.APPLIED); // deadline T0 + 1000
            time.set(T0 + 200);
            assertThat(await(rollcall.connectionLost(2, 1))).isEqualTo(Result.APPLIED); // deadline T0 + 1200

            // one millisecond before the first deadline: a tick at that time has certainly been processed
            time.set(T0 + 999);
            rollcall.tick();
            assertThat(await(rollcall.subscribeToClient(subscriber + 1, 1))).isEqualTo(Result.APPLIED);
            final ClientInfo inGrace = rollcall.getClient(1);
            assertThat(inGrace).isNotNull();
            assertThat(inGrace.connected()).isFalse();
            assertThat(inGrace.lastDisconnected()).isEqualTo(T0);
            assertThat(inGrace.updateId()).isEqualTo(2);
            assertThat(rollcall.getClient(2)).isNotNull();

            // exactly at the first deadline: the clock thread's tick expires user 1 only
            time.set(T0 + 1000);
            awaitCondition("user 1 to be destroyed", () -> null == rollcall.getClient(1));
            rollcall.tick();
            assertThat(await(rollcall.unsubscribeFromClient(subscriber + 1, 1))).isEqualTo(Result.APPLIED);
            assertThat(rollcall.getClient(2)).isNotNull();

            // well past the second deadline: its events still carry the deadline, not the time of the tick
            time.set(T0 + 5000);
            awaitCondition("user 2 to be destroyed", () -> null == rollcall.getClient(2));
            assertThat(rollcall.listClientIds()).isEmpty();

            final List<Ev> events = new ArrayList<>();
            awaitEvents(mailbox, events, 6);
            assertThat(events).containsExactly(
                new Ev(EventType.CLIENT_CONNECTED, 1, 1, T0, 0),
                new Ev(EventType.CLIENT_CONNECTED, 2, 1, T0, 0),
                new Ev(EventType.CLIENT_DISCONNECTED, 1, 2, T0, -1),
                new Ev(EventType.CLIENT_DISCONNECTED, 2, 2, T0 + 200, -1),
                new Ev(EventType.CLIENT_DESTROYED, 1, 3, T0 + 1000, -1),
                new Ev(EventType.CLIENT_DESTROYED, 2, 3, T0 + 1200, -1));
            assertThat(errors).isEmpty();
        }
    }
}
