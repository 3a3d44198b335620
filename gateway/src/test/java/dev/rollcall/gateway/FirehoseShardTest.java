package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FirehoseShardTest
{
    private static final long SERVICE = 777;
    private static final int SHARDS = 4;
    private static final int USERS = 12;

    private TestGateway server;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway();
    }

    @AfterEach
    void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
    }

    private static long user(final int i)
    {
        return ((long)i << 22) | 5;
    }

    @Test
    void shouldSplitEveryUsersEventsAcrossShardsExactlyOnce() throws Exception
    {
        final List<RawClient> shards = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++)
        {
            final RawClient client = new RawClient(server.address());
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.serviceToken(SERVICE), new Changes(), true, shard, SHARDS);
            client.flush();
            client.next(RawClient.Ready.class);
            shards.add(client);
        }
        final List<RawClient> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++)
        {
            final RawClient client = server.identify(user(i), new Changes());
            final Changes change = i == 3 ? new Changes().status(Status.INVISIBLE) : new Changes().afk(true);
            client.writer().update(1, Protocol.GROUP_STANDARD, "go", change);
            client.flush();
            client.next(RawClient.ResultFrame.class);
            users.add(client);
        }

        final Set<String> seen = new HashSet<>();
        for (int shard = 0; shard < SHARDS; shard++)
        {
            final RawClient client = shards.get(shard);
            client.writer().heartbeat(0);
            client.flush();
            final List<RawClient.Dispatch> dispatches = new ArrayList<>();
            RawClient.Frame frame;
            while (!((frame = client.next()) instanceof RawClient.HeartbeatAck))
            {
                dispatches.add((RawClient.Dispatch)frame);
            }
            for (final RawClient.Dispatch dispatch : dispatches)
            {
                assertThat(Math.floorMod(dispatch.userId() >> 22, SHARDS)).as("shard %d got user %d", shard, dispatch.userId())
                    .isEqualTo(shard);
                if (dispatch.userId() == SERVICE)
                {
                    continue;
                }
                assertThat(seen.add(dispatch.type() + "/" + dispatch.userId())).as("duplicate %s", dispatch).isTrue();
                if (dispatch.userId() == user(3) && dispatch.type() == EventType.CLIENT_UPDATED)
                {
                    assertThat(dispatch.changes().status()).isEqualTo(Status.INVISIBLE);
                }
            }
        }
        assertThat(seen).hasSize(2 * USERS);
        for (final RawClient client : users)
        {
            client.close();
        }
        for (final RawClient client : shards)
        {
            client.close();
        }
    }
}
