package dev.rollcall.core;

import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Field;
import dev.rollcall.model.Changes;
import com.lmax.disruptor.DataProvider;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * A benchmark baseline: Rollcall's journal, logic and fan-out work done on the caller's thread,
 * with no ring and no other thread. Inputs are gathered into batches of {@code batchSize}; each
 * batch is journaled and applied input by input, closed in the journal, then fanned out
 * ({@link SerialStage}), so the work per input is the pipeline's, and rule 3 holds. Lives in
 * {@code dev.rollcall.core} to reach the package-private stages.
 * <pre>
 *   caller ──► batch of slots ──► (journal append + logic) per input, journal batch end, fan-out per input
 * </pre>
 */
public final class SerialPipeline implements AutoCloseable
{
    private final RingEvent[] slots;
    private final int mask;
    private final SerialStage stage;
    private final EpochClock clock;
    private final Journal journal;
    private long sequence = -1;

    /**
     * @param ctx       settings, as for {@link Rollcall#launch(RollcallContext)} (journal, sink,
     *                  limits, clock, grace; the wait strategy and layout are unused).
     * @param batchSize inputs per batch, a power of two.
     */
    public SerialPipeline(final RollcallContext ctx, final int batchSize)
    {
        ctx.conclude();
        if (Integer.bitCount(batchSize) != 1)
        {
            throw new IllegalArgumentException("batchSize must be a power of two: " + batchSize);
        }
        slots = new RingEvent[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            slots[i] = new RingEvent();
        }
        mask = batchSize - 1;
        clock = ctx.clock();
        journal = ctx.journal();
        final PresenceStateMachine state = new PresenceStateMachine(ctx.limits());
        journal.recover(state);
        state.logic.replaying(false);
        state.logic.firehose(ctx.firehose());
        final RollcallCounters counters = new RollcallCounters();
        final ClockSignal clockSignal = new ClockSignal();
        final JournalStage journalStage = new JournalStage(journal, counters, ctx.errorHandler(), ctx.waitStrategy());
        final LogicStage logicStage = new LogicStage(state.logic, counters, ctx.errorHandler(), ctx.waitStrategy(),
            clockSignal, journalStage);
        final FanOutStage fanOutStage = new FanOutStage(ctx.connectionDirectiveHandler(),
            ctx.eventSink(), counters, ctx.errorHandler(), new ManyToOneConcurrentArrayQueue<>(16), null,
            journalStage, clockSignal, false);
        final DataProvider<RingEvent> provider = s -> slots[(int)s & mask];
        stage = new SerialStage(journalStage, logicStage, fanOutStage, provider);
        submit(InputType.SET_GRACE_PERIOD, 0, 0, 0, ctx.gracePeriodMs(), null, null, null, 0);
    }

    /**
     * @param userId        the user.
     * @param connectionId  the connection.
     * @param callback      receives the result (when the batch is fanned out).
     * @param correlationId passed back.
     */
    public void connectUser(final long userId, final long connectionId, final CommandCallback callback, final long correlationId)
    {
        submit(InputType.CONNECT_USER, userId, connectionId, 0, 0, null, null, callback, correlationId);
    }

    /**
     * @param userId        the user.
     * @param connectionId  the connection.
     * @param callback      receives the result.
     * @param correlationId passed back.
     */
    public void connectionLost(final long userId, final long connectionId, final CommandCallback callback, final long correlationId)
    {
        submit(InputType.CONNECTION_LOST, userId, connectionId, 0, 0, null, null, callback, correlationId);
    }

    /**
     * @param group         as {@link Rollcall#update}.
     * @param userId        the user.
     * @param changes       copied.
     * @param reason        why.
     * @param callback      receives the result.
     * @param correlationId passed back.
     */
    public void update(
        final FieldGroup group,
        final long userId,
        final Changes changes,
        final String reason,
        final CommandCallback callback,
        final long correlationId)
    {
        final int type = null == group ? InputType.UPDATE_CLIENT_FULL :
            group == FieldGroup.STANDARD ? InputType.UPDATE_CLIENT : InputType.UPDATE_CLIENT_IN_LOBBY;
        submit(type, userId, 0, 0, 0, changes, reason, callback, correlationId);
    }

    /**
     * @param subscriberId  who.
     * @param userId        whose events.
     * @param callback      receives the result.
     * @param correlationId passed back.
     */
    public void subscribeToClient(final long subscriberId, final long userId, final CommandCallback callback, final long correlationId)
    {
        submit(InputType.SUBSCRIBE_CLIENT, userId, 0, subscriberId, 0, null, null, callback, correlationId);
    }

    /**
     * Close the open batch (fanning it out) with a tick.
     */
    public void flush()
    {
        while ((sequence & mask) != mask)
        {
            submit(InputType.TICK, 0, 0, 0, 0, null, null, null, 0);
        }
    }

    /**
     * Flush, then close the journal.
     */
    @Override
    public void close()
    {
        flush();
        journal.close();
    }

    private void submit(
        final int type,
        final long userId,
        final long connectionId,
        final long subscriberId,
        final long value,
        final Changes changes,
        final String reason,
        final CommandCallback callback,
        final long correlationId)
    {
        final long s = ++sequence;
        final RingEvent event = slots[(int)s & mask];
        event.command(type, clock.time(), userId, connectionId, subscriberId, 0, value, changes, reason, callback,
            correlationId, null);
        stage.onEvent(event, s, (s & mask) == mask);
    }
}
