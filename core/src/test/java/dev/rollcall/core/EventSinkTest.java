package dev.rollcall.core;

import dev.rollcall.model.Field;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import dev.rollcall.model.EventType;
import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EventSinkTest
{
    private record Seen(EventType type, long userId, long lobbyId, Status status, List<Long> recipients)
    {
    }

    private final List<Seen> seen = new ArrayList<>();

    private void record(
        final EventType type, final org.agrona.DirectBuffer buffer, final int offset, final int length,
        final LongArrayList recipients)
    {
        final PresenceEvent event = new PresenceEvent().wrap(type, buffer, offset, length);
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++)
        {
            ids.add(recipients.getLong(i));
        }
        ids.sort(null);
        final Status status = event.changes().has(Field.STATUS) ? event.changes().status() : null;
        synchronized (seen)
        {
            seen.add(new Seen(type, event.userId(), event.lobbyId(), status, ids));
        }
    }

    private List<Seen> seen()
    {
        synchronized (seen)
        {
            return new ArrayList<>(seen);
        }
    }

    @Test
    void shouldAddressOwnViewClientEventsToTheFirehoseWithoutSubscriptions() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(
            new RollcallContext().tickIntervalMs(0).firehose(true).eventSink(this::record)))
        {
            rollcall.connectUser(7, 1).get(5, TimeUnit.SECONDS);
            rollcall.updateClient(7, new Changes().status(Status.INVISIBLE), "hide").get(5, TimeUnit.SECONDS);
            rollcall.updateClientInLobby(7, new Changes().lobbyId(3), "join").get(5, TimeUnit.SECONDS);

            assertThat(seen()).containsExactly(
                new Seen(EventType.CLIENT_CONNECTED, 7, 0, Status.ONLINE, List.of(EventSink.FIREHOSE)),
                new Seen(EventType.CLIENT_UPDATED, 7, 0, Status.INVISIBLE, List.of(EventSink.FIREHOSE)),
                new Seen(EventType.CLIENT_UPDATED, 7, 0, null, List.of(EventSink.FIREHOSE)));
        }
    }

    @Test
    void shouldGiveSubscribersAndTheFirehoseTheirOwnViews() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(
            new RollcallContext().tickIntervalMs(0).firehose(true).eventSink(this::record)))
        {
            rollcall.subscribeToClient(9, 7).get(5, TimeUnit.SECONDS);
            rollcall.subscribeToClient(7, 7).get(5, TimeUnit.SECONDS);
            rollcall.connectUser(7, 1).get(5, TimeUnit.SECONDS);
            rollcall.updateClient(7, new Changes().status(Status.INVISIBLE), "hide").get(5, TimeUnit.SECONDS);

            assertThat(seen()).containsExactlyInAnyOrder(
                new Seen(EventType.CLIENT_CONNECTED, 7, 0, Status.ONLINE, List.of(EventSink.FIREHOSE, 7L)),
                new Seen(EventType.CLIENT_CONNECTED, 7, 0, Status.ONLINE, List.of(9L)),
                new Seen(EventType.CLIENT_UPDATED, 7, 0, Status.INVISIBLE, List.of(EventSink.FIREHOSE, 7L)),
                new Seen(EventType.CLIENT_DESTROYED, 7, 0, null, List.of(9L)));
        }
    }

    @Test
    void shouldNotAddressTheFirehoseWhenItIsOff() throws Exception
    {
        try (Rollcall rollcall = Rollcall.launch(new RollcallContext().tickIntervalMs(0).eventSink(this::record)))
        {
            rollcall.subscribeToLobby(9, 3).get(5, TimeUnit.SECONDS);
            rollcall.connectUser(7, 1).get(5, TimeUnit.SECONDS);
            rollcall.updateClientInLobby(7, new Changes().lobbyId(3), "join").get(5, TimeUnit.SECONDS);

            assertThat(seen()).containsExactly(
                new Seen(EventType.JOINED_LOBBY, 7, 3, null, List.of(9L)));
        }
    }
}
