package dev.rollcall.gateway;

import dev.rollcall.model.FieldGroup;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Field;
import dev.rollcall.core.InputType;
import dev.rollcall.core.PresenceEvent;
import dev.rollcall.model.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A line-based text protocol written on the {@link ConnectionHandler} SPI, served by the
 * same gateway machinery as the binary protocol.
 */
class LineProtocolTest
{
    /** LOGIN id | AFK true/false | WATCH id | QUIT; answers OK ..., pushes EVENT lines. */
    static final class LineHandler implements ConnectionHandler
    {
        private final Changes changes = new Changes();
        private boolean loggedIn;

        @Override
        public void onOpen(final Connection c)
        {
            say(c, "HELLO");
        }

        @Override
        public void onData(final Connection c, final ByteBuffer input)
        {
            int start = input.position();
            for (int i = input.position(); i < input.limit(); i++)
            {
                if (input.get(i) != '\n')
                {
                    continue;
                }
                final byte[] line = new byte[i - start];
                input.get(start, line);
                input.position(i + 1);
                start = i + 1;
                if (!onLine(c, new String(line, StandardCharsets.UTF_8).trim()))
                {
                    return;
                }
            }
        }

        private boolean onLine(final Connection c, final String line)
        {
            final String[] words = line.split(" ");
            switch (words[0])
            {
                case "LOGIN" ->
                {
                    c.bind(Long.parseLong(words[1]), true);
                    return false;
                }
                case "AFK" -> c.update(FieldGroup.STANDARD, changes.clear().afk(Boolean.parseBoolean(words[1])), "line", 2);
                case "WATCH" -> c.subscription(InputType.SUBSCRIBE_CLIENT, Long.parseLong(words[1]), 3);
                case "QUIT" ->
                {
                    say(c, "BYE");
                    c.close();
                    return false;
                }
                default -> say(c, "ERR unknown command " + words[0]);
            }
            return true;
        }

        @Override
        public void onBound(final Connection c)
        {
            loggedIn = true;
            c.connectUser(c.id(), 1);
        }

        @Override
        public void onResult(final Connection c, final long tag, final Result result)
        {
            say(c, "OK " + (tag == 1 ? "LOGIN" : tag == 2 ? "AFK" : "WATCH") + " " + result);
        }

        @Override
        public void onEvent(final Connection c, final PresenceEvent event)
        {
            say(c, "EVENT " + event.type() + " " + event.userId() +
                (event.changes().has(Field.AFK) ? " afk=" + event.changes().afk() : ""));
        }

        @Override
        public void onClose(final Connection c)
        {
            if (loggedIn)
            {
                c.connectionLost(c.id());
            }
        }

        private static void say(final Connection c, final String line)
        {
            c.send(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }

    private TestGateway server;

    @BeforeEach
    void start() throws Exception
    {
        server = new TestGateway(ctx -> ctx.handlerFactory(connection -> new LineHandler()), core -> { });
    }

    @AfterEach
    void stop()
    {
        server.close();
        assertThat(server.errors).isEmpty();
    }

    private LinePeer connect() throws Exception
    {
        return LinePeer.connect(server.gateway.port());
    }

    @Test
    void shouldServeACustomTextProtocolOnTheHandlerSpi() throws Exception
    {
        try (LinePeer alice = connect(); LinePeer bob = connect())
        {
            assertThat(alice.hear()).isEqualTo("HELLO");
            assertThat(bob.hear()).isEqualTo("HELLO");
            alice.say("LOGIN 11\nWATCH 12");
            assertThat(alice.hear()).isEqualTo("OK LOGIN APPLIED");
            assertThat(alice.hear()).isEqualTo("OK WATCH APPLIED");

            bob.say("LOGIN 12");
            assertThat(bob.hear()).isEqualTo("OK LOGIN APPLIED");
            assertThat(alice.hear()).isEqualTo("EVENT CLIENT_CONNECTED 12 afk=false");

            bob.say("AFK true");
            assertThat(bob.hear()).isEqualTo("OK AFK APPLIED");
            assertThat(alice.hear()).isEqualTo("EVENT CLIENT_UPDATED 12 afk=true");

            bob.say("BOGUS");
            assertThat(bob.hear()).isEqualTo("ERR unknown command BOGUS");
            bob.say("QUIT");
            assertThat(bob.hear()).isEqualTo("BYE");
            assertThat(bob.hear()).isNull();
            assertThat(alice.hear()).isEqualTo("EVENT CLIENT_DISCONNECTED 12");
        }
    }
}
