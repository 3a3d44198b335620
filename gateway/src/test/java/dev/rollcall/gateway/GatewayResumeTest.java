package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayResumeTest
{
    private TestGateway server;

    private void start(final Consumer<GatewayContext> settings, final long graceMs) throws Exception
    {
        server = new TestGateway(settings, core -> core.gracePeriodMs(graceMs));
    }

    @AfterEach
    void stop()
    {
        if (null != server)
        {
            server.close();
            assertThat(server.errors).isEmpty();
        }
    }

    private static void update(final RawClient player, final int n) throws Exception
    {
        player.writer().update(n, Protocol.GROUP_STANDARD, "u" + n, new Changes().partyId(n));
        player.flush();
        player.next(RawClient.ResultFrame.class);
    }

    private static RawClient.Ready watch(final RawClient watcher, final long userId) throws Exception
    {
        watcher.writer().subscribe(1, new long[] {userId}, 1, new long[0], 0);
        watcher.flush();
        watcher.next(RawClient.ResultFrame.class);
        return null;
    }

    private static RawClient.Ready identify(final RawClient client, final long userId) throws Exception
    {
        client.next(RawClient.Hello.class);
        client.writer().identify(Protocol.VERSION, TestGateway.token(userId), new Changes(), false, 0, 0);
        client.flush();
        return client.next(RawClient.Ready.class);
    }

    private RawClient resume(final long userId, final long sessionId, final long lastSeq) throws Exception
    {
        final RawClient client = new RawClient(server.address());
        client.next(RawClient.Hello.class);
        client.writer().resume(TestGateway.token(userId), sessionId, lastSeq);
        client.flush();
        return client;
    }

    private void awaitConnected(final long userId, final boolean connected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.gateway.rollcall().getClient(userId) == null ||
            server.gateway.rollcall().getClient(userId).connected() != connected)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("user " + userId + " never became connected=" + connected);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void shouldReplayMissedEventsInOrderOnResumeThenContinueLive() throws Exception
    {
        start(ctx -> { }, 60_000);
        final RawClient player = server.identify(2, new Changes());
        final RawClient watcher = new RawClient(server.address());
        final RawClient.Ready ready = identify(watcher, 1);
        watch(watcher, 2);
        update(player, 1);
        update(player, 2);
        assertThat(watcher.next(RawClient.Dispatch.class).seq()).isEqualTo(1);
        assertThat(watcher.next(RawClient.Dispatch.class).seq()).isEqualTo(2);
        watcher.close();
        awaitConnected(1, false);

        update(player, 3);
        update(player, 4);

        try (RawClient resumed = resume(1, ready.sessionId(), 1))
        {
            final List<Long> replayed = new ArrayList<>();
            final List<Long> parties = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final RawClient.Dispatch dispatch = resumed.next(RawClient.Dispatch.class);
                replayed.add(dispatch.seq());
                parties.add(dispatch.changes().partyId());
            }
            assertThat(replayed).containsExactly(2L, 3L, 4L);
            assertThat(parties).containsExactly(2L, 3L, 4L);
            assertThat(resumed.next()).isEqualTo(new RawClient.Resumed(4));
            awaitConnected(1, true);

            update(player, 5);
            final RawClient.Dispatch live = resumed.next(RawClient.Dispatch.class);
            assertThat(live.seq()).isEqualTo(5);
            assertThat(live.changes().partyId()).isEqualTo(5);

            resumed.writer().heartbeat(5);
            resumed.flush();
            assertThat(resumed.next(RawClient.HeartbeatAck.class).seq()).isEqualTo(5);
        }
        player.close();
    }

    @Test
    void shouldRefuseAnUnknownSessionAndAllowIdentifyOnTheSameConnection() throws Exception
    {
        start(ctx -> { }, 60_000);
        try (RawClient client = resume(3, 12345, 0))
        {
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            client.writer().identify(Protocol.VERSION, TestGateway.token(3), new Changes(), false, 0, 0);
            client.flush();
            assertThat(client.next(RawClient.Ready.class).userId()).isEqualTo(3);
        }
    }

    @Test
    void shouldRefuseAResumeByAnotherUser() throws Exception
    {
        start(ctx -> { }, 60_000);
        final RawClient owner = new RawClient(server.address());
        final RawClient.Ready ready = identify(owner, 4);
        owner.close();
        awaitConnected(4, false);
        try (RawClient thief = resume(5, ready.sessionId(), 0))
        {
            assertThat(thief.next()).isEqualTo(new RawClient.InvalidSession(false));
        }
    }

    @Test
    void shouldRefuseALastSeqAheadOfTheSession() throws Exception
    {
        start(ctx -> { }, 60_000);
        final RawClient owner = new RawClient(server.address());
        final RawClient.Ready ready = identify(owner, 6);
        owner.close();
        awaitConnected(6, false);
        try (RawClient client = resume(6, ready.sessionId(), 7))
        {
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
        }
    }

    @Test
    void shouldRefuseAResumeOfASessionStillAttachedAsResumable() throws Exception
    {
        start(ctx -> { }, 60_000);
        final RawClient owner = new RawClient(server.address());
        final RawClient.Ready ready = identify(owner, 7);
        try (RawClient client = resume(7, ready.sessionId(), 0))
        {
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(true));
        }
        owner.close();
    }

    @Test
    void shouldRefuseAResumeWhenMissedEventsOverflowedTheBuffer() throws Exception
    {
        start(ctx -> ctx.sessionBufferEvents(2), 60_000);
        final RawClient player = server.identify(2, new Changes());
        final RawClient watcher = new RawClient(server.address());
        final RawClient.Ready ready = identify(watcher, 1);
        watch(watcher, 2);
        watcher.close();
        awaitConnected(1, false);
        for (int i = 1; i <= 3; i++)
        {
            update(player, i);
        }
        try (RawClient late = resume(1, ready.sessionId(), 0))
        {
            assertThat(late.next()).isEqualTo(new RawClient.InvalidSession(false));
        }
        try (RawClient recent = resume(1, ready.sessionId(), 1))
        {
            assertThat(recent.next(RawClient.Dispatch.class).seq()).isEqualTo(2);
            assertThat(recent.next(RawClient.Dispatch.class).seq()).isEqualTo(3);
            assertThat(recent.next()).isEqualTo(new RawClient.Resumed(3));
        }
        player.close();
    }

    @Test
    void shouldRefuseAResumeAfterTheGracePeriodDestroyedTheClient() throws Exception
    {
        start(ctx -> ctx.resumeWindowMs(60_000), 100);
        final RawClient owner = new RawClient(server.address());
        final RawClient.Ready ready = identify(owner, 8);
        owner.close();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.gateway.rollcall().getClient(8) != null)
        {
            assertThat(System.nanoTime()).as("client 8 destroyed by the grace countdown").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        try (RawClient client = resume(8, ready.sessionId(), 0))
        {
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            client.writer().identify(Protocol.VERSION, TestGateway.token(8), new Changes(), false, 0, 0);
            client.flush();
            assertThat(client.next(RawClient.Ready.class).sessionId()).isNotEqualTo(ready.sessionId());
        }
    }
}
