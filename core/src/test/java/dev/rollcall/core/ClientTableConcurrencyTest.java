package dev.rollcall.core;

import dev.rollcall.model.Result;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers of the {@link ClientTable} against its writer, on real threads: a read never sees a
 * half-written client (the sequence lock), never sees an input the journal does not hold yet (the
 * published positions), and finds a client while others are created, removed and the index grows.
 * The writer keeps four fields equal in every input, so any torn read shows; the journal lags
 * the logic by a few inputs, so any early read shows.
 */
class ClientTableConcurrencyTest
{
    private static final int INPUTS = 200_000;
    private static final int READERS = 2;
    private static final long WATCHED = 1;
    private static final int LAG = 3;

    /** A journal whose position the test moves, behind the logic. */
    private static final class LaggingJournal implements JournalProgress
    {
        volatile long position;

        @Override
        public long journaledPosition()
        {
            return position;
        }

        @Override
        public boolean hasFailed()
        {
            return false;
        }
    }

    @Test
    void shouldNeverShowATornOrUnjournaledClientToConcurrentReaders() throws Exception
    {
        final PresenceLogic logic = new PresenceLogic(Limits.DEFAULT, 0);
        final ClientTable table = logic.clients();
        final Outbox outbox = new Outbox();
        final Input input = new Input();
        final LaggingJournal journal = new LaggingJournal();
        final long[] valueAt = new long[INPUTS + 16];

        long position = 1;
        logic.position(position);
        assertThat(logic.apply(input.set(InputType.CONNECT_USER, 1).userId(WATCHED).connectionId(1), outbox))
            .isEqualTo(Result.APPLIED);
        journal.position = position;

        final AtomicBoolean done = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final long[] reads = new long[READERS];
        final List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++)
        {
            final int reader = r;
            final Thread thread = new Thread(() ->
            {
                while (!done.get() && failures.isEmpty())
                {
                    final ClientInfo info = table.read(WATCHED, journal);
                    final long journaledAfter = journal.journaledPosition();
                    reads[reader]++;
                    if (null == info)
                    {
                        failures.add("the watched client vanished");
                        break;
                    }
                    final long k = info.playerNumber();
                    if (info.teamNumber() != k || info.sync() != k || info.teamColour() != k)
                    {
                        failures.add("torn read: " + info);
                    }
                    if (k > 0 && valueAt[(int)k] > journaledAfter)
                    {
                        failures.add("value " + k + " of position " + valueAt[(int)k] + " read with the journal at " +
                            journaledAfter);
                    }
                    if ((reads[reader] & 63) == 0 && Arrays.binarySearch(table.readUserIds(journal), WATCHED) < 0)
                    {
                        failures.add("the watched client is missing from the list of ids");
                    }
                    final ClientInfo churned = table.read(2 + (reads[reader] % 64), journal);
                    if (null != churned && churned.userId() != 2 + (reads[reader] % 64))
                    {
                        failures.add("read another client: " + churned);
                    }
                }
            }, "reader-" + r);
            thread.start();
            readers.add(thread);
        }

        for (int k = 1; k <= INPUTS && failures.isEmpty(); k++)
        {
            position++;
            logic.position(position);
            if ((k & 7) == 0)
            {
                // churn: create and destroy other clients, so the index grows, removes and moves places
                final long other = 2 + (k % 64);
                final int type = logic.client(other) == null ? InputType.CONNECT_USER : InputType.DISCONNECT_USER;
                logic.apply(input.set(type, k).userId(other).connectionId(1), outbox);
            }
            else
            {
                valueAt[k] = position;
                final Input update = input.set(InputType.UPDATE_CLIENT_IN_LOBBY, k).userId(WATCHED);
                update.changes().playerNumber(k).teamNumber(k).teamColour(k).sync(k);
                assertThat(logic.apply(update, outbox)).isEqualTo(Result.APPLIED);
            }
            journal.position = Math.max(1, position - LAG);
        }
        journal.position = position;
        done.set(true);
        for (final Thread thread : readers)
        {
            thread.join(60_000);
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        assertThat(failures).isEmpty();
        for (final long count : reads)
        {
            assertThat(count).as("reads by one reader while the writer ran").isPositive();
        }
        final ClientInfo last = table.read(WATCHED, journal);
        assertThat(last.playerNumber()).isEqualTo(INPUTS - (INPUTS % 8 == 0 ? 1 : 0));
    }

    @Test
    void shouldAnswerAUserRemovedAndCreatedAgainByUnjournaledInputsOnceTheJournalHoldsThem() throws Exception
    {
        final PresenceLogic logic = new PresenceLogic(Limits.DEFAULT, 0);
        final Outbox outbox = new Outbox();
        final Input input = new Input();
        final LaggingJournal journal = new LaggingJournal();
        logic.position(1);
        logic.apply(input.set(InputType.CONNECT_USER, 1).userId(7).connectionId(1), outbox);
        journal.position = 1;
        logic.position(2);
        assertThat(logic.apply(input.set(InputType.DISCONNECT_USER, 2).userId(7), outbox)).isEqualTo(Result.APPLIED);
        logic.position(3);
        assertThat(logic.apply(input.set(InputType.CONNECT_USER, 3).userId(7).connectionId(2), outbox))
            .isEqualTo(Result.APPLIED);

        // the journal holds user 7 connected on connection 1; the table shows it gone and back on 2
        final ClientInfo[] seen = new ClientInfo[1];
        final Thread reader = new Thread(() -> seen[0] = logic.clients().read(7, journal));
        reader.start();
        journal.position = 3;
        reader.join(60_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(seen[0]).as("never absent: the journal never held user 7 gone").isNotNull();
        assertThat(seen[0].connectionIds()).containsExactly(2L);
    }
}
