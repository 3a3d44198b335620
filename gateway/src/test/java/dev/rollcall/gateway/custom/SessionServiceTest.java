package dev.rollcall.gateway.custom;

import dev.rollcall.core.InputType;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.gateway.Connection;
import dev.rollcall.gateway.ConnectionHandler;
import dev.rollcall.gateway.EventSession;
import dev.rollcall.gateway.Gateway;
import dev.rollcall.gateway.GatewayContext;
import dev.rollcall.gateway.LinePeer;
import dev.rollcall.gateway.PerThread;
import dev.rollcall.gateway.SessionListener;
import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Result;
import dev.rollcall.model.wire.EventDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A protocol outside the gateway's package, written on the public SPI only, using the
 * {@link dev.rollcall.gateway.SessionService} for resumable event streams: what the built-in
 * protocol does, open to any protocol.
 */
class SessionServiceTest
{
    /** One per thread, as a protocol keeps its encoders. */
    private static final PerThread<StringBuilder> LINE = new PerThread<>(StringBuilder::new);

    /**
     * LOGIN id | RESUME id sessionId lastSeq | ACK seq | WATCH id | AWAY true/false; answers
     * SESSION id, RESUMED seq, UNKNOWN, OK ...; events as EVENT seq type user.
     */
    static final class ResumableLineHandler implements ConnectionHandler, SessionListener
    {
        private final Changes changes = new Changes();
        private final Connection connection;
        private EventSession session;
        private String[] pending;
        private long resumeLastSeq;

        ResumableLineHandler(final Connection connection)
        {
            this.connection = connection;
        }

        @Override
        public void onOpen(final Connection c)
        {
            say(c, "HELLO");
        }

        @Override
        public void onData(final Connection c, final ByteBuffer input)
        {
            int start = input.position();
            for (int i = input.position(); i < input.limit() && !c.isInputSuspended(); i++)
            {
                if (input.get(i) != '\n')
                {
                    continue;
                }
                final byte[] line = new byte[i - start];
                input.get(start, line);
                input.position(i + 1);
                start = i + 1;
                if (!onLine(c, new String(line, StandardCharsets.UTF_8).trim().split(" ")))
                {
                    return;
                }
            }
        }

        private boolean onLine(final Connection c, final String[] words)
        {
            switch (words[0])
            {
                case "LOGIN", "RESUME" ->
                {
                    pending = words;
                    c.suspendInput(true);
                    if (c.userId() == 0)
                    {
                        c.bind(Long.parseLong(words[1]), false);
                    }
                    else
                    {
                        onBound(c);
                    }
                    return false;
                }
                case "ACK" -> session.acknowledge(Long.parseLong(words[1]));
                case "WATCH" -> c.subscription(InputType.SUBSCRIBE_CLIENT, Long.parseLong(words[1]), 2);
                case "AWAY" -> c.update(FieldGroup.STANDARD, changes.clear().afk(Boolean.parseBoolean(words[1])), "line", 3);
                default -> say(c, "ERR " + words[0]);
            }
            return true;
        }

        @Override
        public void onBound(final Connection c)
        {
            final String[] words = pending;
            pending = null;
            if ("LOGIN".equals(words[0]))
            {
                session = c.sessions().open(c, this, -1, 0);
                c.connectUser(c.id(), 1);
                return;
            }
            final EventSession found = c.sessions().find(c, Long.parseLong(words[2]));
            final long lastSeq = Long.parseLong(words[3]);
            if (null == found || found.isAttached() || lastSeq > found.seq() || !found.canReplayAfter(lastSeq))
            {
                say(c, "UNKNOWN");
                c.suspendInput(false);
                return;
            }
            session = found;
            resumeLastSeq = lastSeq;
            found.attach(this);
            c.connectUser(found.connectionId(), 4);
        }

        @Override
        public void onResult(final Connection c, final long tag, final Result result)
        {
            if (tag == 1 || tag == 4)
            {
                say(c, tag == 1 ? "SESSION " + session.id() : "RESUMED " + session.seq());
                session.replayAfter(resumeLastSeq); // what came while the connection was not yet live
                session.goLive();
                c.suspendInput(false);
            }
            else
            {
                say(c, "OK " + result);
            }
        }

        @Override
        public boolean onSessionEvent(final EventSession s, final long seq, final PresenceEvent event)
        {
            // the seq is also written in the event's bytes (where DISPATCH carries it)
            final long written = event.buffer().getLong(event.offset() + EventDescriptor.SEQ_OFFSET, ByteOrder.LITTLE_ENDIAN);
            return say(connection, "EVENT " + seq + " " + event.type() + " " + event.userId() +
                (written == seq ? "" : " but the bytes say " + written));
        }

        @Override
        public void onSessionDisconnectedByServer(final EventSession s)
        {
            connection.close();
        }

        @Override
        public void onClose(final Connection c)
        {
            if (null != session && session.isValid() && session.isAttached())
            {
                session.detach(this, c.nowMs());
                c.connectionLost(session.connectionId());
            }
        }

        private static boolean say(final Connection c, final String line)
        {
            if (null == c || c.isClosed())
            {
                return false;
            }
            final StringBuilder text = c.perThread(LINE);
            text.setLength(0);
            text.append(line).append('\n');
            return c.send(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception
    {
        gateway = Gateway.launch(
            new RollcallContext().errorHandler(errors::add).gracePeriodMs(60_000),
            new GatewayContext().port(0).threads(2).errorHandler(errors::add)
                .handlerFactory(ResumableLineHandler::new));
    }

    @AfterEach
    void stop()
    {
        gateway.close();
        assertThat(errors).isEmpty();
    }

    private LinePeer connect() throws Exception
    {
        final LinePeer peer = LinePeer.connect(gateway.port());
        assertThat(peer.hear()).isEqualTo("HELLO");
        return peer;
    }

    @Test
    void shouldNumberKeepAndReplayEventsForACustomProtocol() throws Exception
    {
        final String sessionId;
        final LinePeer alice = connect();
        try (LinePeer bob = connect())
        {
            alice.say("LOGIN 21");
            final String opened = alice.hear();
            assertThat(opened).startsWith("SESSION ");
            sessionId = opened.substring("SESSION ".length());
            alice.say("WATCH 22");
            assertThat(alice.hear()).isEqualTo("OK APPLIED");

            bob.say("LOGIN 22");
            assertThat(bob.hear()).startsWith("SESSION ");
            assertThat(alice.hear()).isEqualTo("EVENT 1 CLIENT_CONNECTED 22");
            alice.say("ACK 1");

            alice.close(); // alice drops; her session keeps numbering bob's events
            bob.say("AWAY true");
            assertThat(bob.hear()).isEqualTo("OK APPLIED");
            bob.say("AWAY false");
            assertThat(bob.hear()).isEqualTo("OK APPLIED");

            try (LinePeer again = connect())
            {
                again.say("RESUME 21 " + sessionId + " 1");
                assertThat(again.hear()).isEqualTo("RESUMED 3");
                assertThat(again.hear()).isEqualTo("EVENT 2 CLIENT_UPDATED 22");
                assertThat(again.hear()).isEqualTo("EVENT 3 CLIENT_UPDATED 22");

                bob.say("AWAY true");
                assertThat(bob.hear()).isEqualTo("OK APPLIED");
                assertThat(again.hear()).isEqualTo("EVENT 4 CLIENT_UPDATED 22");
            }
        }
        finally
        {
            alice.close();
        }
    }

    @Test
    void shouldNumberOneEventForEachSessionOfAThread() throws Exception
    {
        gateway.close();
        gateway = Gateway.launch(
            new RollcallContext().errorHandler(errors::add),
            new GatewayContext().port(0).threads(1).errorHandler(errors::add).handlerFactory(ResumableLineHandler::new));
        try (LinePeer early = connect(); LinePeer late = connect(); LinePeer bob = connect())
        {
            early.say("LOGIN 41");
            assertThat(early.hear()).startsWith("SESSION ");
            early.say("WATCH 43");
            assertThat(early.hear()).isEqualTo("OK APPLIED");
            bob.say("LOGIN 43");
            assertThat(bob.hear()).startsWith("SESSION ");
            assertThat(early.hear()).isEqualTo("EVENT 1 CLIENT_CONNECTED 43");

            late.say("LOGIN 42");
            assertThat(late.hear()).startsWith("SESSION ");
            late.say("WATCH 43");
            assertThat(late.hear()).isEqualTo("OK APPLIED");

            // one event, two sessions on the one thread, each with its own seq in the same copy
            bob.say("AWAY true");
            assertThat(bob.hear()).isEqualTo("OK APPLIED");
            assertThat(early.hear()).isEqualTo("EVENT 2 CLIENT_UPDATED 43");
            assertThat(late.hear()).isEqualTo("EVENT 1 CLIENT_UPDATED 43");
        }
    }

    @Test
    void shouldNotFindAnotherUsersSession() throws Exception
    {
        try (LinePeer alice = connect(); LinePeer mallory = connect())
        {
            alice.say("LOGIN 31");
            final String sessionId = alice.hear().substring("SESSION ".length());
            mallory.say("RESUME 32 " + sessionId + " 0");
            assertThat(mallory.hear()).isEqualTo("UNKNOWN");
            mallory.say("RESUME 32 424242 0");
            assertThat(mallory.hear()).isEqualTo("UNKNOWN");
        }
    }
}
