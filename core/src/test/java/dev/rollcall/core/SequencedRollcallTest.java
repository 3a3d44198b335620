package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sequenced {@link Rollcall} ({@link RollcallContext#sequencer}) against a fake log: every replica's
 * commands are recorded as the {@link Sequencer} got them, stamped with the log's time, and handed back
 * to every replica through {@link Rollcall#applySequenced} in the log's order (with the correlation id
 * only on the replica that issued the command). The wall clock of every replica stands still far from
 * the log's time, so any time that shows up comes from the log.
 */
class SequencedRollcallTest
{
    private static final long WALL_CLOCK = 42;
    private static final long START = 1_000_000;
    private static final long GRACE = 10_000;

    private final Log log = new Log();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final List<Rollcall> launched = new ArrayList<>();

    @AfterEach
    void close()
    {
        for (final Rollcall rollcall : launched)
        {
            rollcall.close();
        }
        assertThat(errors).isEmpty();
    }

    /** One sequenced log: the commands of every replica, in order, each with the log's time. */
    private static final class Log
    {
        private final List<Entry> entries = new ArrayList<>();
        private long time = START;

        Sequencer sequencer(final int replica)
        {
            return (buffer, offset, length, correlationId) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                synchronized (entries)
                {
                    entries.add(new Entry(replica, bytes, correlationId, time));
                }
                return true;
            };
        }

        /** The log's owner appends an input of its own (a tick, a lost node's connections). */
        void append(final byte[] bytes)
        {
            synchronized (entries)
            {
                entries.add(new Entry(0, bytes, 0, time));
            }
        }

        int size()
        {
            synchronized (entries)
            {
                return entries.size();
            }
        }

        Entry get(final int index)
        {
            synchronized (entries)
            {
                return entries.get(index);
            }
        }
    }

    private record Entry(int replica, byte[] bytes, long correlationId, long time)
    {
    }

    /** One replica of the state: a sequenced Rollcall and how far along the log it has applied. */
    private static final class Replica
    {
        final int id;
        final Rollcall rollcall;
        int applied;

        Replica(final int id, final Rollcall rollcall, final int applied)
        {
            this.id = id;
            this.rollcall = rollcall;
            this.applied = applied;
        }

        /** Apply the log's next entry, with the correlation id only when this replica issued it. */
        void applyNext(final Log log)
        {
            final Entry entry = log.get(applied++);
            rollcall.applySequenced(new UnsafeBuffer(entry.bytes()), 0, entry.bytes().length, entry.time(),
                entry.replica() == id ? entry.correlationId() : 0);
        }

        void catchUp(final Log log)
        {
            while (applied < log.size())
            {
                applyNext(log);
            }
        }

        byte[] snapshot()
        {
            final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
            final int length = rollcall.encodeSnapshot(buffer);
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            return bytes;
        }
    }

    private record Seen(EventType type, long userId, long time, List<Long> recipients)
    {
    }

    private static EventSink recorder(final List<Seen> seen)
    {
        return (type, buffer, offset, length, recipients) ->
        {
            final PresenceEvent event = new PresenceEvent().wrap(type, buffer, offset, length);
            seen.add(new Seen(type, event.userId(), event.time(), sorted(recipients)));
        };
    }

    private static List<Long> sorted(final LongArrayList recipients)
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++)
        {
            ids.add(recipients.getLong(i));
        }
        ids.sort(null);
        return ids;
    }

    private RollcallContext ctx(final int replica)
    {
        return new RollcallContext()
            .sequencer(log.sequencer(replica))
            .clock(() -> WALL_CLOCK)
            .ringSize(64)
            .errorHandler(errors::add);
    }

    private Replica launch(final int id, final RollcallContext ctx)
    {
        final Rollcall rollcall = Rollcall.launch(ctx);
        launched.add(rollcall);
        return new Replica(id, rollcall, 0);
    }

    private static byte[] encode(final Input input)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
        final int length = InputCodec.encode(buffer, 0, input);
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    private static byte[] tick()
    {
        return encode(new Input().set(InputType.TICK, 0));
    }

    private static byte[] connectionsReset(final int node)
    {
        final Input input = new Input().set(InputType.CONNECTIONS_RESET, 0);
        input.value = node;
        return encode(input);
    }

    @Test
    void shouldOfferCommandsToTheSequencerAndApplyThemOnlyWhenTheLogHandsThemBack()
    {
        final List<Seen> seen = new ArrayList<>();
        final Replica a = launch(1, ctx(1).firehose(true).eventSink(recorder(seen)));

        log.time = START + 500;
        final CompletableFuture<Result> connect = a.rollcall.connectUser(7, 70);

        assertThat(log.size()).isEqualTo(1);
        assertThat(log.get(0).correlationId()).as("a future's command").isNegative();
        final Input offered = new Input();
        InputCodec.decode(new UnsafeBuffer(log.get(0).bytes()), 0, log.get(0).bytes().length, offered);
        assertThat(offered.type()).isEqualTo(InputType.CONNECT_USER);
        assertThat(offered.userId()).isEqualTo(7);
        assertThat(offered.connectionId()).isEqualTo(70);
        assertThat(offered.time()).as("the log's time replaces it").isZero();
        assertThat(connect).isNotDone();
        assertThat(a.rollcall.getClient(7)).isNull();
        assertThat(a.rollcall.appliedInputs()).isZero();
        assertThat(seen).isEmpty();

        a.catchUp(log);

        assertThat(connect.getNow(null)).isEqualTo(Result.APPLIED);
        final ClientInfo client = a.rollcall.getClient(7);
        assertThat(client).isNotNull();
        assertThat(client.connected()).isTrue();
        assertThat(client.connectionIds()).containsExactly(70L);
        assertThat(a.rollcall.appliedInputs()).isEqualTo(1);
        assertThat(seen).as("fanned out before applySequenced returned, with the log's time")
            .containsExactly(new Seen(EventType.CLIENT_CONNECTED, 7, START + 500, List.of(EventSink.FIREHOSE)));

        log.time = START + 900;
        final CompletableFuture<Result> lost = a.rollcall.connectionLost(7, 70);
        assertThat(lost).isNotDone();
        a.catchUp(log);
        assertThat(lost.getNow(null)).isEqualTo(Result.APPLIED);
        assertThat(a.rollcall.getClient(7).lastDisconnected()).as("the log's time, not the wall clock's")
            .isEqualTo(START + 900);
    }

    @Test
    void shouldDeliverCallbackResultsWithTheCorrelationIdOnlyOnTheIssuingReplica()
    {
        final List<String> resultsA = new ArrayList<>();
        final List<String> resultsB = new ArrayList<>();
        final CommandCallback callbackA = (correlationId, result) -> resultsA.add(correlationId + ":" + result);
        final CommandCallback callbackB = (correlationId, result) -> resultsB.add(correlationId + ":" + result);
        final Replica a = launch(1, ctx(1));
        final Replica b = launch(2, ctx(2));

        a.rollcall.connectUser(7, 70, callbackA, 11);
        a.rollcall.update(FieldGroup.STANDARD, 7, new Changes().status(Status.DND).attribute("mmr", 1500), "why",
            callbackA, 12);
        a.rollcall.update(FieldGroup.STANDARD, 8, new Changes().afk(true), "nobody", callbackA, 13);
        b.rollcall.connectUser(8, 80, callbackB, 11);

        assertThat(log.size()).isEqualTo(4);
        assertThat(log.get(1).correlationId()).isEqualTo(12);
        assertThat(resultsA).isEmpty();
        assertThat(resultsB).isEmpty();

        a.catchUp(log);
        assertThat(resultsA).containsExactly("11:APPLIED", "12:APPLIED", "13:UNKNOWN_CLIENT");
        assertThat(resultsB).as("A's commands reach B with correlation 0: no callback").isEmpty();

        b.catchUp(log);
        assertThat(resultsB).containsExactly("11:APPLIED");
        assertThat(resultsA).as("B's command reached A with correlation 0")
            .containsExactly("11:APPLIED", "12:APPLIED", "13:UNKNOWN_CLIENT");
        assertThat(b.rollcall.getClient(7).status()).isEqualTo(Status.DND);
        assertThat(b.rollcall.getClient(7).attributes()).containsEntry("mmr", 1500L);
        assertThat(a.rollcall.getClient(8).connectionIds()).containsExactly(80L);

        final CommandCallback another = (correlationId, result) ->
        {
        };
        assertThatThrownBy(() -> a.rollcall.connectUser(9, 90, another, 14))
            .as("one callback per sequenced Rollcall").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.rollcall.connectUser(9, 90, callbackA, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(log.size()).isEqualTo(4);
    }

    @Test
    void shouldReachTheSameSnapshotBytesOnEveryReplica()
    {
        final Replica a = launch(1, ctx(1));
        final Replica b = launch(2, ctx(2));
        final List<CompletableFuture<Result>> futures = new ArrayList<>();
        final List<String> callbackResults = new ArrayList<>();
        final CommandCallback callback = (correlationId, result) -> callbackResults.add(correlationId + ":" + result);
        final SplittableRandom random = new SplittableRandom(7);

        futures.add(a.rollcall.setGracePeriod(GRACE / 2));
        futures.add(b.rollcall.setLimits(new Limits(4, 16, 32, 24)));
        byte[] snapshotA = null;
        int snapshotAt = 0;
        long deadlineAtSnapshot = 0;
        long[] clientsAtSnapshot = null;
        int ticks = 0;
        int resets = 0;
        int callbacks = 0;
        for (int i = 0; i < 200; i++)
        {
            final Replica issuer = random.nextBoolean() ? a : b;
            final long user = 1 + random.nextInt(12);
            final long connection = ConnectionIds.of(1 + random.nextInt(2), 1 + random.nextInt(3));
            switch (random.nextInt(10))
            {
                case 0, 1 -> futures.add(issuer.rollcall.connectUser(user, connection));
                case 2 -> futures.add(issuer.rollcall.connectUser(user, connection,
                    new Changes().status(Status.IDLE).attribute("region", "eu-" + random.nextInt(3)), "hello"));
                case 3 -> futures.add(issuer.rollcall.connectionLost(user, connection));
                case 4 -> futures.add(issuer.rollcall.updateClient(user, new Changes().afk(random.nextBoolean())
                    .attribute("k" + random.nextInt(6), random.nextInt(100)), random.nextInt(8) == 0 ?
                    "a reason well beyond the twenty-four bytes" : "r"));
                case 5 -> futures.add(issuer.rollcall.updateClientInLobby(user,
                    new Changes().lobbyId(1 + random.nextInt(3)).ready(random.nextBoolean()), "lobby"));
                case 6 -> futures.add(random.nextBoolean() ?
                    issuer.rollcall.subscribeToClient(100 + random.nextInt(4), user) :
                    issuer.rollcall.subscribeToLobby(100 + random.nextInt(4), 1 + random.nextInt(3)));
                case 7 ->
                {
                    if (issuer == a)
                    {
                        a.rollcall.update(null, user, new Changes().partyId(random.nextInt(5)), "party", callback, ++callbacks);
                    }
                    else
                    {
                        futures.add(b.rollcall.removeSubscriber(100 + random.nextInt(4)));
                    }
                }
                case 8 ->
                {
                    log.append(connectionsReset(1 + random.nextInt(2)));
                    resets++;
                }
                default -> log.time += random.nextInt(2_000);
            }
            log.time += random.nextInt(300);
            if (a.rollcall.nextGraceDeadline() <= log.time)
            {
                // the log's owner: its timer for the earliest deadline fired
                log.append(tick());
                ticks++;
            }
            a.catchUp(log);
            b.catchUp(log);
            if (i == 120)
            {
                snapshotA = a.snapshot();
                snapshotAt = a.applied;
                deadlineAtSnapshot = a.rollcall.nextGraceDeadline();
                clientsAtSnapshot = a.rollcall.listClientIds();
            }
        }
        assertThat(ticks).as("grace countdowns ended on the log's ticks").isPositive();
        assertThat(resets).isPositive();
        assertThat(deadlineAtSnapshot).as("a countdown runs at the snapshot").isNotEqualTo(Long.MAX_VALUE);
        assertThat(futures).allSatisfy(future -> assertThat(future).isDone());
        assertThat(futures).as("some updates were refused by the log's limits")
            .anySatisfy(future -> assertThat(future.getNow(null)).isEqualTo(Result.REASON_TOO_LONG));
        assertThat(callbackResults).hasSize(callbacks);
        assertThat(a.rollcall.listClientIds()).isNotEmpty();

        final byte[] finalA = a.snapshot();
        assertThat(b.snapshot()).isEqualTo(finalA);
        assertThat(b.rollcall.appliedInputs()).isEqualTo(a.rollcall.appliedInputs()).isEqualTo(log.size());
        assertThat(b.rollcall.nextGraceDeadline()).isEqualTo(a.rollcall.nextGraceDeadline());
        assertThat(b.rollcall.listClientIds()).isEqualTo(a.rollcall.listClientIds());

        // a third replica joins from A's snapshot and the rest of the log
        final byte[] snapshot = snapshotA;
        final Journal fromSnapshot = new Journal()
        {
            @Override
            public void append(
                final DirectBuffer buffer, final int offset, final int length, final long sequence, final boolean endOfBatch)
            {
            }

            @Override
            public void recover(final PresenceStateMachine state)
            {
                state.loadSnapshot(new UnsafeBuffer(snapshot), 0, snapshot.length);
            }
        };
        final Replica c = launch(3, ctx(3).journal(fromSnapshot));
        c.applied = snapshotAt;
        assertThat(c.rollcall.appliedInputs()).isEqualTo(snapshotAt);
        assertThat(c.rollcall.listClientIds()).isEqualTo(clientsAtSnapshot);
        assertThat(c.rollcall.nextGraceDeadline()).as("the log's owner schedules its timer from the snapshot")
            .isEqualTo(deadlineAtSnapshot);
        assertThat(c.snapshot()).isEqualTo(snapshotA);
        c.catchUp(log);
        assertThat(c.snapshot()).isEqualTo(finalA);
        assertThat(c.rollcall.nextGraceDeadline()).isEqualTo(a.rollcall.nextGraceDeadline());
        assertThat(c.rollcall.gracePeriodMs()).isEqualTo(GRACE / 2);
        assertThat(c.rollcall.listClientIds()).isEqualTo(a.rollcall.listClientIds());
    }

    @Test
    void shouldEndGraceCountdownsOnlyOnTheLogsTime()
    {
        final List<Seen> seenA = new ArrayList<>();
        final Replica a = launch(1, ctx(1).firehose(true).eventSink(recorder(seenA)));
        final Replica b = launch(2, ctx(2));
        assertThat(a.rollcall.gracePeriodMs()).isNotEqualTo(GRACE);

        a.rollcall.setGracePeriod(GRACE);
        a.rollcall.connectUser(7, 70);
        a.catchUp(log);
        b.catchUp(log);
        assertThat(b.rollcall.gracePeriodMs()).as("the grace came through the log").isEqualTo(GRACE);
        assertThat(a.rollcall.nextGraceDeadline()).isEqualTo(Long.MAX_VALUE);

        log.time = START + 500;
        b.rollcall.connectionLost(7, 70);
        a.catchUp(log);
        b.catchUp(log);
        final long deadline = START + 500 + GRACE;
        assertThat(a.rollcall.nextGraceDeadline()).isEqualTo(deadline);
        assertThat(b.rollcall.nextGraceDeadline()).isEqualTo(deadline);
        assertThat(a.rollcall.getClient(7).lastDisconnected()).isEqualTo(START + 500);

        log.time = deadline - 1;
        b.rollcall.connectUser(8, 80);
        a.catchUp(log);
        b.catchUp(log);
        assertThat(a.rollcall.getClient(7)).as("one millisecond before the deadline").isNotNull();
        assertThat(b.rollcall.getClient(7)).isNotNull();
        assertThat(a.rollcall.clientsInGrace()).isEqualTo(1);

        log.time = deadline;
        log.append(tick());
        a.catchUp(log);
        b.catchUp(log);
        assertThat(a.rollcall.getClient(7)).isNull();
        assertThat(b.rollcall.getClient(7)).isNull();
        assertThat(a.rollcall.nextGraceDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(b.rollcall.nextGraceDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(seenA.stream().filter(seen -> seen.userId() == 7).toList()).containsExactly(
            new Seen(EventType.CLIENT_CONNECTED, 7, START, List.of(EventSink.FIREHOSE)),
            new Seen(EventType.CLIENT_DISCONNECTED, 7, START + 500, List.of(EventSink.FIREHOSE)),
            new Seen(EventType.CLIENT_DESTROYED, 7, deadline, List.of(EventSink.FIREHOSE)));
        assertThat(b.snapshot()).isEqualTo(a.snapshot());
    }

    @Test
    void shouldResetOnlyTheLostNodesConnections()
    {
        final List<Seen> seen = new ArrayList<>();
        final Replica a = launch(1, ctx(1).eventSink(recorder(seen)));
        final Replica b = launch(2, ctx(2));
        final long both1 = ConnectionIds.of(1, 1);
        final long both2 = ConnectionIds.of(2, 1);
        final long onlyOne = ConnectionIds.of(1, 2);
        final long localOnly = ConnectionIds.of(0, 3);

        a.rollcall.setGracePeriod(GRACE);
        a.rollcall.connectUser(1, both1);
        b.rollcall.connectUser(1, both2);
        a.rollcall.connectUser(2, onlyOne);
        a.rollcall.connectUser(3, localOnly);
        a.rollcall.subscribeToClient(100, 1);
        a.rollcall.subscribeToClient(100, 2);
        a.rollcall.subscribeToClient(100, 3);
        a.catchUp(log);
        b.catchUp(log);
        seen.clear();

        log.time = START + 2_000;
        log.append(connectionsReset(1));
        a.catchUp(log);
        b.catchUp(log);

        final ClientInfo one = a.rollcall.getClient(1);
        assertThat(one.connected()).isTrue();
        assertThat(one.connectionIds()).containsExactly(both2);
        final ClientInfo two = a.rollcall.getClient(2);
        assertThat(two.connected()).isFalse();
        assertThat(two.connectionIds()).isEmpty();
        assertThat(two.lastDisconnected()).isEqualTo(START + 2_000);
        assertThat(a.rollcall.getClient(3).connectionIds()).as("node 0 is not node 1").containsExactly(localOnly);
        assertThat(a.rollcall.nextGraceDeadline()).isEqualTo(START + 2_000 + GRACE);
        assertThat(seen).as("only the user left without a connection is seen to go")
            .containsExactly(new Seen(EventType.CLIENT_DISCONNECTED, 2, START + 2_000, List.of(100L)));
        assertThat(b.snapshot()).isEqualTo(a.snapshot());

        log.time = START + 3_000;
        log.append(connectionsReset(0));
        a.catchUp(log);
        assertThat(a.rollcall.getClient(1).connected()).as("0 resets every node").isFalse();
        assertThat(a.rollcall.getClient(3).connected()).isFalse();
        assertThat(a.rollcall.clientsInGrace()).isEqualTo(3);
    }

    @Test
    void shouldApplyATickInsteadOfBadBytesAndSayWhy()
    {
        final Replica a = launch(1, ctx(1));
        final Replica b = launch(2, ctx(2));
        a.rollcall.setGracePeriod(GRACE);
        a.rollcall.connectUser(7, 70);
        a.rollcall.connectUser(8, 80);
        log.time = START + 100;
        a.rollcall.connectionLost(7, 70);
        a.catchUp(log);
        b.catchUp(log);
        final long applied = a.rollcall.appliedInputs();

        final byte[] garbage = tick();
        garbage[InputCodec.TYPE_OFFSET] = 99;
        log.time = START + 100 + GRACE;
        log.append(garbage);
        log.append(new byte[] {1, 2, 3});

        for (final Replica replica : List.of(a, b))
        {
            assertThatThrownBy(() -> replica.applyNext(log)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("99");
            assertThat(replica.rollcall.getClient(7)).as("the tick at the log's time ended the countdown").isNull();
            assertThat(replica.rollcall.getClient(8)).isNotNull();
            assertThatThrownBy(() -> replica.applyNext(log)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("too short");
            assertThat(replica.rollcall.appliedInputs()).isEqualTo(applied + 2);
        }
        assertThat(b.snapshot()).isEqualTo(a.snapshot());

        final CompletableFuture<Result> after = b.rollcall.connectUser(9, 90);
        a.catchUp(log);
        b.catchUp(log);
        assertThat(after.getNow(null)).as("the pipeline goes on").isEqualTo(Result.APPLIED);
        assertThat(b.snapshot()).isEqualTo(a.snapshot());
    }

    @Test
    void shouldTellTheSinkOfTheEndOfABatchOncePerPassOverTheLog()
    {
        final AtomicInteger ends = new AtomicInteger();
        final List<Seen> seen = new ArrayList<>();
        final EventSink events = recorder(seen);
        final Replica a = launch(1, ctx(1).firehose(true).eventSink(new EventSink()
        {
            @Override
            public void onEvent(
                final EventType type, final DirectBuffer buffer, final int offset, final int length,
                final LongArrayList recipients)
            {
                events.onEvent(type, buffer, offset, length, recipients);
            }

            @Override
            public void onEndOfBatch()
            {
                ends.incrementAndGet();
            }
        }));
        a.rollcall.connectUser(7, 1);
        a.rollcall.connectUser(8, 1);
        a.catchUp(log);

        assertThat(seen).as("events go out as each input is applied").hasSize(2);
        assertThat(ends).as("the end of the batch waits for the pass").hasValue(0);
        a.rollcall.endOfSequencedBatch();
        assertThat(ends).hasValue(1);
        a.rollcall.endOfSequencedBatch();
        assertThat(ends).as("nothing applied since").hasValue(1);
    }

    @Test
    void shouldNotJournalLaunchInputsWhenSequenced()
    {
        final InMemoryJournal journal = new InMemoryJournal(false);
        final Replica a = launch(1, ctx(1).journal(journal).gracePeriodMs(GRACE).limits(new Limits(1, 2, 3, 4)));

        assertThat(log.size()).as("nothing offered at launch").isZero();
        assertThat(a.rollcall.appliedInputs()).isZero();
        assertThat(journal.size()).isZero();
        assertThat(a.rollcall.gracePeriodMs()).as("the grace comes from the log only")
            .isEqualTo(RollcallContext.DEFAULT_GRACE_PERIOD_MS);
        assertThat(a.rollcall.nextGraceDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Rollcall.launch(ctx(2).layout(PipelineLayout.SERIAL)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldJournalEachSequencedInputAsTheLogGaveIt()
    {
        final InMemoryJournal journal = new InMemoryJournal(false);
        final Replica a = launch(1, ctx(1).journal(journal));
        a.rollcall.setLimits(new Limits(16, 32, 256, 5));
        a.rollcall.connectUser(7, 70, new Changes().status(Status.DND), "first");
        log.time = START + 5;
        final CompletableFuture<Result> refused = a.rollcall.updateClient(7, new Changes().attribute("mmr", 1500), "because");
        a.catchUp(log);
        assertThat(refused.getNow(null)).isEqualTo(Result.REASON_TOO_LONG);
        assertThat(a.rollcall.getClient(7).attributes()).isEmpty();

        final List<String> journaled = new ArrayList<>();
        journal.replay(input -> journaled.add(InputType.name(input.type()) + "@" + input.time() + ":" + input.reason()));
        assertThat(journaled).containsExactly(
            "SET_LIMITS@" + START + ":null",
            "CONNECT_USER_WITH_PRESENCE@" + START + ":first",
            "UPDATE_CLIENT@" + (START + 5) + ":because");

        // replaying that journal gives the applied state, the refused update included
        final PresenceStateMachine replayed = new PresenceStateMachine(Limits.DEFAULT);
        journal.recover(replayed);
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(1024);
        final int length = replayed.takeSnapshot(buffer);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        assertThat(bytes).isEqualTo(a.snapshot());
    }
}
