package dev.rollcall.core;

import dev.rollcall.model.Result;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.agrona.DirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A journal failure in the middle of a burst that spans several capped batches (at most 256
 * inputs each): every command of a batch the journal closed is applied and visible, every
 * later one is answered {@code JOURNAL_FAILED} and never visible, and the journal holds exactly
 * what was acknowledged (rule 3). Found by review of issue 10's batch cap.
 */
class JournalFailureAcrossBatchesTest
{
    static final class FailingJournal implements Journal
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final List<Long> pending = new ArrayList<>();
        final Set<Long> durable = new HashSet<>();
        final int failAt;
        int appends;
        volatile int batches;

        FailingJournal(final int failAt)
        {
            this.failAt = failAt;
        }

        @Override
        public synchronized void append(
            final DirectBuffer buffer, final int offset, final int length, final long sequence, final boolean endOfBatch)
        {
            appends++;
            if (appends == 4)
            {
                entered.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
            if (appends == failAt)
            {
                pending.clear();
                throw new IllegalStateException("disk full");
            }
            pending.add(sequence);
            if (endOfBatch)
            {
                endOfBatch();
            }
        }

        @Override
        public synchronized void endOfBatch()
        {
            durable.addAll(pending);
            pending.clear();
            batches++;
        }
    }

    @ParameterizedTest
    @EnumSource(value = PipelineLayout.class, names = {"SERIAL", "PARALLEL"})
    void shouldAcknowledgeAndRevealOnlyWhatClosedBatchesHold(final PipelineLayout layout) throws Exception
    {
        final FailingJournal journal = new FailingJournal(300);
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Result>> futures = new ArrayList<>();
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext().layout(layout).journal(journal)
            .tickIntervalMs(0).errorHandler(errors::add)))
        {
            final CompletableFuture<Result> first = rollcall.connectUser(1, 1);   // append 3 (1 = limits, 2 = grace)
            final CompletableFuture<Result> blocked = rollcall.connectUser(2, 1);   // append 4 blocks
            assertThat(journal.entered.await(10, SECONDS)).isTrue();
            for (int i = 0; i < 600; i++)
            {
                futures.add(rollcall.connectUser(100 + i, 1));
            }
            journal.release.countDown();
            assertThat(first.get(10, SECONDS)).isEqualTo(Result.APPLIED);
            blocked.get(10, SECONDS);
            int applied = 0;
            int failed = 0;
            for (final CompletableFuture<Result> f : futures)
            {
                final Result r = f.get(10, SECONDS);
                if (r == Result.APPLIED)
                {
                    applied++;
                }
                else
                {
                    assertThat(r).isEqualTo(Result.JOURNAL_FAILED);
                    failed++;
                }
            }
            assertThat(applied).as("batches closed before the failure").isPositive();
            assertThat(failed).as("the failed append and everything after it").isPositive();
            // every APPLIED user must be visible, every failed one never
            for (int i = 0; i < 600; i++)
            {
                final boolean ok = futures.get(i).get() == Result.APPLIED;
                assertThat(rollcall.getClient(100 + i) != null).as("user " + (100 + i)).isEqualTo(ok);
            }
            // durable holds exactly limits + grace + first + blocked + applied
            assertThat(journal.durable.size()).isEqualTo(4 + applied);
            assertThat(errors).as("the journal's failure is reported").isNotEmpty();
        }
    }
}
