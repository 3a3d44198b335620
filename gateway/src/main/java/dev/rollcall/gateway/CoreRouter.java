package dev.rollcall.gateway;

import dev.rollcall.core.CommandCallback;
import dev.rollcall.core.ConnectionDirectiveHandler;
import dev.rollcall.core.EventSink;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * Runs on the core's fan-out thread: routes each event to the inbox of the gateway thread
 * that is home to each recipient, command results to the thread that issued the command,
 * and close directives to the user's home thread. The firehose's events go to the threads
 * that hold shard sessions, and a client's destruction also to its home thread (its sessions
 * can no longer be resumed). Never waits: a full inbox marks that
 * thread overrun (it then closes its sessions; their events are lost).
 * <p>
 * A thread whose inbox got something is woken once, at the end of the core's batch
 * ({@link #onEndOfBatch()}), not once per message: a wake-up of a sleeping selector is a system
 * call.
 */
final class CoreRouter implements EventSink, ConnectionDirectiveHandler, CommandCallback
{
    private final PresenceEvent event = new PresenceEvent();
    private volatile GatewayAgent[] agents;
    private LongArrayList[] buckets;
    private boolean[] toWake;
    private boolean anyToWake;

    void agents(final GatewayAgent[] agents)
    {
        final LongArrayList[] lists = new LongArrayList[agents.length];
        for (int i = 0; i < agents.length; i++)
        {
            lists[i] = new LongArrayList();
        }
        buckets = lists;
        toWake = new boolean[agents.length];
        this.agents = agents;
    }

    /**
     * @return the index of the gateway thread that holds every connection and session of the user.
     */
    static int home(final long userId, final int threads)
    {
        if (threads == 1)
        {
            return 0;
        }
        final long mixed = userId * 0x9E3779B97F4A7C15L;
        return (int)Long.remainderUnsigned(mixed >>> 16, threads);
    }

    @Override
    public void onEvent(
        final EventType type, final DirectBuffer buffer, final int offset, final int length,
        final LongArrayList recipients)
    {
        final GatewayAgent[] agents = this.agents;
        if (null == agents)
        {
            return;
        }
        final int n = agents.length;
        boolean firehose = false;
        for (int i = 0, size = recipients.size(); i < size; i++)
        {
            final long recipient = recipients.getLong(i);
            if (recipient == FIREHOSE)
            {
                firehose = true;
            }
            else
            {
                buckets[home(recipient, n)].addLong(recipient);
            }
        }
        final int destroyedHome = firehose && type == EventType.CLIENT_DESTROYED ?
            home(event.wrap(type, buffer, offset, length).userId(), n) : -1;
        for (int a = 0; a < n; a++)
        {
            final GatewayAgent agent = agents[a];
            final LongArrayList bucket = buckets[a];
            if (firehose && (agent.registry().hasFirehose() || a == destroyedHome))
            {
                bucket.addLong(FIREHOSE);
            }
            if (!bucket.isEmpty())
            {
                write(agent, type, buffer, offset, length, bucket);
                bucket.clear();
                wakeLater(a);
            }
        }
    }

    private static void write(
        final GatewayAgent agent,
        final EventType type,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final LongArrayList recipients)
    {
        final OneToOneRingBuffer inbox = agent.inbox();
        final MutableDirectBuffer target = inbox.buffer();
        final int total = recipients.size();
        for (int from = 0; from < total; from += InboxDescriptor.MAX_RECIPIENTS_PER_MESSAGE)
        {
            final int count = Math.min(InboxDescriptor.MAX_RECIPIENTS_PER_MESSAGE, total - from);
            final int eventOffset = InboxDescriptor.RECIPIENTS_OFFSET + count * Long.BYTES;
            final int index = inbox.tryClaim(InboxDescriptor.EVENT, eventOffset + length);
            if (index <= 0)
            {
                agent.overrun();
                return;
            }
            target.putInt(index + InboxDescriptor.EVENT_TYPE_OFFSET, type.code());
            target.putInt(index + InboxDescriptor.RECIPIENT_COUNT_OFFSET, count);
            for (int i = 0; i < count; i++)
            {
                target.putLong(index + InboxDescriptor.RECIPIENTS_OFFSET + i * Long.BYTES, recipients.getLong(from + i));
            }
            target.putBytes(index + eventOffset, buffer, offset, length);
            inbox.commit(index);
        }
    }

    @Override
    public void onResult(final long correlationId, final Result result)
    {
        final GatewayAgent agent = agents[CoreProxy.agentOf(correlationId)];
        final OneToOneRingBuffer inbox = agent.inbox();
        final int index = inbox.tryClaim(InboxDescriptor.RESULT, InboxDescriptor.RESULT_LENGTH);
        if (index <= 0)
        {
            agent.overrun();
            return;
        }
        inbox.buffer().putLong(index + InboxDescriptor.CORRELATION_OFFSET, correlationId);
        inbox.buffer().putInt(index + InboxDescriptor.RESULT_OFFSET, result.code());
        inbox.commit(index);
        wakeLater(CoreProxy.agentOf(correlationId));
    }

    @Override
    public void closeConnection(final long userId, final long connectionId, final CloseReason reason)
    {
        final GatewayAgent[] agents = this.agents;
        if (null == agents)
        {
            return;
        }
        final int home = home(userId, agents.length);
        final GatewayAgent agent = agents[home];
        final OneToOneRingBuffer inbox = agent.inbox();
        final int index = inbox.tryClaim(InboxDescriptor.DIRECTIVE, InboxDescriptor.DIRECTIVE_LENGTH);
        if (index <= 0)
        {
            agent.overrun();
            return;
        }
        inbox.buffer().putLong(index + InboxDescriptor.USER_OFFSET, userId);
        inbox.buffer().putLong(index + InboxDescriptor.CONNECTION_OFFSET, connectionId);
        inbox.commit(index);
        wakeLater(home);
    }

    @Override
    public void onEndOfBatch()
    {
        if (anyToWake)
        {
            anyToWake = false;
            final GatewayAgent[] agents = this.agents;
            for (int a = 0; a < toWake.length; a++)
            {
                if (toWake[a])
                {
                    toWake[a] = false;
                    agents[a].wake();
                }
            }
        }
    }

    private void wakeLater(final int agent)
    {
        toWake[agent] = true;
        anyToWake = true;
    }
}
