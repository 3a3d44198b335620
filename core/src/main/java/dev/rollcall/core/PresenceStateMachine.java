package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The presence state machine outside the pipeline: what recovery loads a snapshot into and
 * replays the journal through before {@link Rollcall} starts, and what offline tools use to
 * rebuild state from a journal. Single-threaded, like the logic it wraps; the same inputs
 * always give the same state and the same snapshot bytes. It runs the logic in replay mode
 * (no events are produced), and the pipeline switches it to live mode when it takes over.
 */
public final class PresenceStateMachine
{

    final PresenceLogic logic;
    private final Input input = new Input();
    private final Outbox outbox = new Outbox();
    private final StringCache strings = new StringCache(StringCache.DEFAULT_SETS, StringCache.DEFAULT_MAX_CHARS);

    /**
     * An empty state.
     *
     * @param limits the update limits in force until the journal's first {@link InputType#SET_LIMITS}
     *               (which every launch journals, so they matter only for a journal written before
     *               limits were journaled) and after loading a version-1 snapshot (which holds none).
     */
    public PresenceStateMachine(final Limits limits)
    {
        logic = new PresenceLogic(limits, RollcallContext.DEFAULT_GRACE_PERIOD_MS);
        logic.replaying(true);
    }

    /**
     * Load a snapshot into this (empty) state.
     *
     * @param buffer holding the snapshot.
     * @param offset of the snapshot.
     * @param length of the snapshot.
     * @throws IllegalStateException naming what is wrong and the offset, when the snapshot is
     *                               corrupt or the state is not empty.
     */
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        SnapshotCodec.decode(buffer, offset, length, logic);
    }

    /**
     * Apply one journaled input.
     *
     * @param buffer holding an input encoded by {@link InputCodec}.
     * @param offset of the input.
     * @param length of the input.
     * @return its result.
     * @throws IllegalStateException when the bytes are not a valid input.
     */
    public Result apply(final DirectBuffer buffer, final int offset, final int length)
    {
        InputCodec.decode(buffer, offset, length, input, FieldTable.PRESENCE, strings);
        return logic.apply(input, outbox);
    }

    /**
     * Apply one input.
     *
     * @param input a state input.
     * @return its result.
     */
    public Result apply(final Input input)
    {
        return logic.apply(input, outbox);
    }

    /**
     * Serialize the state ({@link SnapshotCodec}).
     *
     * @param buffer grows as needed.
     * @return the length written at offset 0.
     */
    public int takeSnapshot(final ExpandableDirectByteBuffer buffer)
    {
        return SnapshotCodec.encode(buffer, logic);
    }

    /** @return inputs applied so far, counting those of a loaded snapshot: the journal position. */
    public long position()
    {
        return logic.appliedInputs();
    }

    /** @return the greatest input time seen. */
    public long now()
    {
        return logic.now();
    }

    /** @return the grace period in force. */
    public long gracePeriodMs()
    {
        return logic.gracePeriodMs();
    }

    /** @return the update limits in force. */
    public Limits limits()
    {
        return logic.limits();
    }

    /** @return clients that exist. */
    public int clientCount()
    {
        return logic.clients().size();
    }

    /** @return clients with a live connection. */
    public int connectedCount()
    {
        int count = 0;
        final ClientTable clients = logic.clients();
        for (int i = 0, n = clients.slotCount(); i < n; i++)
        {
            final ClientState client = clients.slot(i);
            count += null != client && client.connected ? 1 : 0;
        }
        return count;
    }

    /** @return clients in a lobby. */
    public int inLobbyCount()
    {
        int count = 0;
        final ClientTable clients = logic.clients();
        for (int i = 0, n = clients.slotCount(); i < n; i++)
        {
            final ClientState client = clients.slot(i);
            count += null != client && clients.layout().get(client, Field.LOBBY_ID.number()) != 0 ? 1 : 0;
        }
        return count;
    }

    /** @return running grace countdowns. */
    public int countdownCount()
    {
        return logic.timers().size();
    }

    /** @return client and lobby subscriptions. */
    public int subscriptionCount()
    {
        return logic.subscriptions().subscriptionCount();
    }

    /**
     * @param userId the user.
     * @return a copy of the client, or null when absent.
     */
    public ClientInfo client(final long userId)
    {
        final ClientState client = logic.client(userId);
        return null == client ? null : logic.clients().read(userId, JournalProgress.ALL);
    }
}
