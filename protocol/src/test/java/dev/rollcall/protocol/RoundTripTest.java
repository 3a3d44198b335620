package dev.rollcall.protocol;

import static dev.rollcall.protocol.Recorder.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Result;
import dev.rollcall.model.Status;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Writer → splitter → adapter → handler, for every op in both directions. */
class RoundTripTest
{
    enum BufferKind
    {
        HEAP_LITTLE_ENDIAN,
        HEAP_BIG_ENDIAN,
        DIRECT_BIG_ENDIAN;

        ByteBuffer allocate(final int capacity)
        {
            switch (this)
            {
                case HEAP_LITTLE_ENDIAN:
                    return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
                case HEAP_BIG_ENDIAN:
                    return ByteBuffer.allocate(capacity);
                default:
                    return ByteBuffer.allocateDirect(capacity);
            }
        }
    }

    private static final int CAPACITY = Protocol.MAX_SERVER_FRAME_SIZE + 64;

    private final Recorder recorder = new Recorder();
    private final ClientFrameAdapter clientAdapter = new ClientFrameAdapter(recorder);
    private final ServerFrameAdapter serverAdapter = new ServerFrameAdapter(recorder);

    /** Writes one frame (after 3 bytes of padding), splits and decodes it, and returns the recorded call. */
    private List<Object> roundTrip(final BufferKind kind, final ToIntFunction<FrameWriter> write) throws ProtocolException
    {
        final ByteBuffer buffer = kind.allocate(CAPACITY);
        final ByteOrder order = buffer.order();
        buffer.position(3);
        final int length = write.applyAsInt(new FrameWriter(buffer));
        assertThat(buffer.position()).isEqualTo(3 + length);
        buffer.limit(buffer.position()).position(3);
        final int frameLength = FrameSplitter.nextFrame(buffer, Protocol.MAX_SERVER_FRAME_SIZE);
        assertThat(frameLength).isEqualTo(length);
        assertThat(buffer.position()).isEqualTo(3);
        final int op = buffer.get(3 + Protocol.HEADER_LENGTH) & 0xFF;
        recorder.calls.clear();
        if (op >= Protocol.IDENTIFY)
        {
            clientAdapter.decode(buffer, frameLength);
        }
        else
        {
            serverAdapter.decode(buffer, frameLength);
        }
        assertThat(buffer.position()).isEqualTo(3 + length);
        assertThat(buffer.order()).isEqualTo(order);
        assertThat(recorder.calls).hasSize(1);
        return recorder.calls.get(0);
    }

    private static Changes fullPresence()
    {
        return new Changes()
            .status(Status.DND)
            .afk(true)
            .inGame(true)
            .partyId(-7)
            .attribute("mode", "ranked")
            .attribute("elo", 1234L)
            .removeAttribute("old")
            .attribute("mode", "dup \uD83D\uDE00")
            .lobbyId(Long.MAX_VALUE)
            .ready(true)
            .player(true)
            .playerNumber(3)
            .teamNumber(-1)
            .teamColour(0xFF00FF)
            .sync(Integer.MIN_VALUE)
            .lobbyHost(true);
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void shouldRoundTripServerOps(final BufferKind kind) throws ProtocolException
    {
        assertThat(roundTrip(kind, w -> w.hello(1, 30_000, 4096, 120, 60_000, 10_000)))
            .isEqualTo(call("onHello", 1, 30_000, 4096, 120, 60_000, 10_000));
        assertThat(roundTrip(kind, w -> w.hello(65535, -1, Integer.MAX_VALUE, 0, Integer.MIN_VALUE, 7)))
            .isEqualTo(call("onHello", 65535, -1, Integer.MAX_VALUE, 0, Integer.MIN_VALUE, 7));
        assertThat(roundTrip(kind, w -> w.ready(11L, 1L << 40, 0L))).isEqualTo(call("onReady", 11L, 1L << 40, 0L));
        assertThat(roundTrip(kind, w -> w.heartbeatAck(Long.MIN_VALUE)))
            .isEqualTo(call("onHeartbeatAck", Long.MIN_VALUE));
        assertThat(roundTrip(kind, w -> w.resumed(42L))).isEqualTo(call("onResumed", 42L));
        assertThat(roundTrip(kind, w -> w.invalidSession(true))).isEqualTo(call("onInvalidSession", true));
        assertThat(roundTrip(kind, w -> w.invalidSession(false))).isEqualTo(call("onInvalidSession", false));
        assertThat(roundTrip(kind, w -> w.result(0xFFFF_FFFFL, Result.INTERNAL_ERROR)))
            .isEqualTo(call("onResult", 0xFFFF_FFFFL, Result.INTERNAL_ERROR));
        assertThat(roundTrip(kind, w -> w.result(0, Result.APPLIED))).isEqualTo(call("onResult", 0L, Result.APPLIED));
        assertThat(roundTrip(kind, w -> w.error(5, ErrorCode.PRESENCE_REFUSED.code(), "refused: INVALID_VALUE")))
            .isEqualTo(call("onError", 5L, 4021, "refused: INVALID_VALUE"));
        assertThat(roundTrip(kind, w -> w.error(0, 65535, ""))).isEqualTo(call("onError", 0L, 65535, ""));
        assertThat(roundTrip(kind, w -> w.close(4010, "too large \u00e9"))).isEqualTo(call("onClose", 4010, "too large \u00e9"));
        assertThat(roundTrip(kind,
            w -> w.dispatch(1, EventType.CLIENT_UPDATED, 99, 100, 0, 1_700_000_000_000L, "manual", fullPresence())))
            .isEqualTo(call("onDispatch", 1L, EventType.CLIENT_UPDATED, 99L, 100L, 0L, 1_700_000_000_000L, "manual",
                fullPresence()));
        assertThat(roundTrip(kind, w -> w.clientIds(3, 77, new long[] {5, 6, 77}, 3)))
            .isEqualTo(call("onClientIds", 3L, 77L, List.of(5L, 6L, 77L)));
        assertThat(roundTrip(kind, w -> w.clientIds(3, 0, null, 0))).isEqualTo(call("onClientIds", 3L, 0L, List.of()));
        final String[] names = {"core_commands_refused", "gateway_errors_observer_read_only", "\u00e9t\u00e9 \uD83D\uDE00", ""};
        final long[] values = {0, Long.MAX_VALUE, Long.MIN_VALUE, -1};
        assertThat(roundTrip(kind, w -> w.stats(0xFFFF_FFFFL, 1_765_000_000_000L, 300_000, names, values, 4)))
            .isEqualTo(call("onStats", 0xFFFF_FFFFL, 1_765_000_000_000L, 300_000L, List.of(names), List.of(0L, Long.MAX_VALUE,
                Long.MIN_VALUE, -1L)));
        assertThat(roundTrip(kind, w -> w.stats(0, -1, 0, null, null, 0)))
            .isEqualTo(call("onStats", 0L, -1L, 0L, List.of(), List.of()));
        // a later, shorter answer reuses the arrays: only the count's prefix is the answer
        assertThat(roundTrip(kind, w -> w.stats(1, 2, 3, names, values, 1)))
            .isEqualTo(call("onStats", 1L, 2L, 3L, List.of(names[0]), List.of(0L)));
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void shouldRoundTripClients(final BufferKind kind) throws ProtocolException
    {
        final ClientView withAttributes = new ClientView().set(1, true, 0, 17);
        withAttributes.state().copyFrom(fullPresence());
        final ClientView withoutAttributes = new ClientView().set(2, false, 1_700_000_000_000L, 3);
        withoutAttributes.state().status(Status.ONLINE).afk(false).inGame(false).partyId(0).lobbyId(0)
            .ready(false).player(false).playerNumber(0).teamNumber(0).teamColour(0).sync(0).lobbyHost(false);
        final ClientView absent = new ClientView().absent(3);
        final ClientView[] clients = {withAttributes, absent, withoutAttributes};

        assertThat(roundTrip(kind, w -> w.clients(9, clients, 3)))
            .isEqualTo(call("onClients", 9L, List.of(withAttributes, absent, withoutAttributes)));
        assertThat(roundTrip(kind, w -> w.clients(9, clients, 0))).isEqualTo(call("onClients", 9L, List.of()));
        // a later, smaller answer reuses the views: the absent one must be cleared
        final ClientView[] reversed = {absent, withAttributes};
        assertThat(roundTrip(kind, w -> w.clients(10, reversed, 2)))
            .isEqualTo(call("onClients", 10L, List.of(absent, withAttributes)));
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void shouldRoundTripClientOps(final BufferKind kind) throws ProtocolException
    {
        assertThat(roundTrip(kind, w -> w.identify(1, "tok.en", fullPresence(), false, 0, 0)))
            .isEqualTo(call("onIdentify", 1, "tok.en", fullPresence(), false, 0, 0));
        assertThat(roundTrip(kind, w -> w.identify(2, "t", null, true, 3, 4096)))
            .isEqualTo(call("onIdentify", 2, "t", new Changes(), true, 3, 4096));
        assertThat(roundTrip(kind, w -> w.identify(1, "t", new Changes(), true, -1, Integer.MIN_VALUE)))
            .isEqualTo(call("onIdentify", 1, "t", new Changes(), true, -1, Integer.MIN_VALUE));
        assertThat(roundTrip(kind, w -> w.resume("tok", 12L, 34L))).isEqualTo(call("onResume", "tok", 12L, 34L));
        assertThat(roundTrip(kind, w -> w.heartbeat(0))).isEqualTo(call("onHeartbeat", 0L));
        assertThat(roundTrip(kind, w -> w.update(7, Protocol.GROUP_LOBBY, "join", new Changes().lobbyId(5).ready(true))))
            .isEqualTo(call("onUpdate", 7L, 2, "join", new Changes().lobbyId(5).ready(true)));
        assertThat(roundTrip(kind, w -> w.update(0xFFFF_FFFFL, Protocol.GROUP_FULL, "", new Changes())))
            .isEqualTo(call("onUpdate", 0xFFFF_FFFFL, 3, "", new Changes()));
        assertThat(roundTrip(kind, w -> w.subscribe(1, new long[] {1, 2, 3}, 2, new long[] {9}, 1)))
            .isEqualTo(call("onSubscribe", 1L, true, List.of(1L, 2L), List.of(9L)));
        assertThat(roundTrip(kind, w -> w.unsubscribe(2, null, 0, new long[] {-9, 8}, 2)))
            .isEqualTo(call("onSubscribe", 2L, false, List.of(), List.of(-9L, 8L)));
        assertThat(roundTrip(kind, w -> w.getClients(3, new long[] {42}, 1)))
            .isEqualTo(call("onGetClients", 3L, List.of(42L)));
        assertThat(roundTrip(kind, w -> w.listClientIds(4, 0, 1))).isEqualTo(call("onListClientIds", 4L, 0L, 1));
        assertThat(roundTrip(kind, w -> w.getStats(0))).isEqualTo(call("onGetStats", 0L));
        assertThat(roundTrip(kind, w -> w.getStats(0xFFFF_FFFFL))).isEqualTo(call("onGetStats", 0xFFFF_FFFFL));
    }

    @Test
    void shouldRoundTripTheMostCountersAFrameHolds() throws ProtocolException
    {
        final int count = 0xFFFF;
        final String[] names = new String[count];
        final long[] values = new long[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = "c" + i;
            values[i] = i * 31L - 7;
        }
        final List<Object> call = roundTrip(BufferKind.DIRECT_BIG_ENDIAN, w -> w.stats(1, 2, 3, names, values, count));
        assertThat(call).isEqualTo(call("onStats", 1L, 2L, 3L, List.of(names), Recorder.longs(values, count)));
    }

    @Test
    void shouldDecodeTheCountersOfARepeatedStatsAnswerWithoutAllocating() throws ProtocolException
    {
        final String[] names = {"core_inputs_processed", "core_commands_refused", "gateway_events_dispatched",
            "gateway_protocol_errors", "gateway_errors_" + "x".repeat(40)};
        final long[] values = {1, 2, 3, 4, 5};
        final ByteBuffer frames = ByteBuffer.allocate(1024);
        final FrameWriter writer = new FrameWriter(frames);
        final int length = writer.stats(9, 1_765_000_000_000L, 300_000, names, values, names.length);
        final String[][] seen = new String[2][];
        final long[] sum = new long[1];
        final ServerFrameAdapter adapter = new ServerFrameAdapter(new Recorder()
        {
            @Override
            public void onStats(
                final long requestId,
                final long nowMs,
                final long gracePeriodMs,
                final String[] counterNames,
                final long[] counterValues,
                final int count)
            {
                sum[0] += counterValues[count - 1] + nowMs;
                seen[seen[0] == null ? 0 : 1] = seen[0] == null ? Arrays.copyOf(counterNames, count) : counterNames;
            }
        });
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                frames.limit(length).position(0);
                adapter.decode(frames, length);
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum[0]).isPositive();
        for (int i = 0; i < names.length; i++)
        {
            assertThat(seen[1][i]).isEqualTo(names[i]).as("the same String for the same bytes").isSameAs(seen[0][i]);
        }
        // less than a byte per frame (a few hundred bytes of JIT or bookkeeping noise may show up once)
        assertThat(allocated).as("bytes allocated by 20,000 decodes").isLessThan(20_000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void shouldRoundTripEachFieldAlone(final int field) throws ProtocolException
    {
        final Changes presence = new RandomFrames(new SplittableRandom(field)).presence(new Changes(), 1 << field);
        assertThat(presence.mask()).isEqualTo(1 << field);
        final List<Object> call = roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.update(1, 3, "r", presence));
        assertThat(call.get(4)).isEqualTo(presence);
    }

    @Test
    void shouldRoundTripEveryStatusAndAttributeKind() throws ProtocolException
    {
        for (final Status status : Status.values())
        {
            final Changes presence = new Changes().status(status)
                .attribute("s", "").attribute("l", Long.MIN_VALUE).removeAttribute("");
            final Changes decoded = (Changes)roundTrip(BufferKind.HEAP_LITTLE_ENDIAN,
                w -> w.update(1, 1, "r", presence)).get(4);
            assertThat(decoded).isEqualTo(presence);
            assertThat(decoded.status()).isEqualTo(status);
            assertThat(decoded.attributeCount()).isEqualTo(3);
            assertThat(decoded.attributeKind(0)).isEqualTo(Changes.ATTRIBUTE_STRING);
            assertThat(decoded.attributeString(0)).isEmpty();
            assertThat(decoded.attributeKind(1)).isEqualTo(Changes.ATTRIBUTE_LONG);
            assertThat(decoded.attributeLong(1)).isEqualTo(Long.MIN_VALUE);
            assertThat(decoded.attributeKind(2)).isEqualTo(Changes.ATTRIBUTE_REMOVE);
            assertThat(decoded.attributeString(2)).isNull();
        }
    }

    @Test
    void shouldHandTheSameStringsToTheHandlerForRepeatedValues() throws ProtocolException
    {
        final Recorder recorder = new Recorder();
        final ClientFrameAdapter adapter = new ClientFrameAdapter(recorder);
        final ByteBuffer in = ByteBuffer.allocate(256);
        final Changes changes = new Changes().attribute(new String("map"), new String("harbour"));
        for (int i = 0; i < 2; i++)
        {
            in.clear();
            new FrameWriter(in).update(i + 1, Protocol.GROUP_STANDARD, new String("in-match"), changes);
            in.flip();
            adapter.decode(in, in.remaining());
        }
        final Changes first = (Changes)recorder.calls.get(0).get(4);
        final Changes second = (Changes)recorder.calls.get(1).get(4);
        assertThat(recorder.calls.get(1).get(3)).isEqualTo("in-match").isSameAs(recorder.calls.get(0).get(3));
        assertThat(second.attributeKey(0)).isEqualTo("map").isSameAs(first.attributeKey(0));
        assertThat(second.attributeString(0)).isEqualTo("harbour").isSameAs(first.attributeString(0));
    }

    @Test
    void shouldTellNullReasonFromEmptyReason() throws ProtocolException
    {
        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.dispatch(1, EventType.CLIENT_CONNECTED, 2, 3, 4, 5, null, null)))
            .isEqualTo(call("onDispatch", 1L, EventType.CLIENT_CONNECTED, 2L, 3L, 4L, 5L, null, new Changes()));
        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.dispatch(1, EventType.LOBBY_CLIENT_CHANGE, 2, 3, 4, 5, "", new Changes())))
            .isEqualTo(call("onDispatch", 1L, EventType.LOBBY_CLIENT_CHANGE, 2L, 3L, 4L, 5L, "", new Changes()));
    }

    @Test
    void shouldRoundTripMaximumSizes() throws ProtocolException
    {
        final long[] ids = new long[65535];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = i * 31L - 1000;
        }
        final List<Long> idList = Recorder.longs(ids, ids.length);

        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.getClients(1, ids, Protocol.MAX_GET_CLIENTS)))
            .isEqualTo(call("onGetClients", 1L, idList.subList(0, 256)));
        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.listClientIds(1, Long.MAX_VALUE, Protocol.MAX_LIST_LIMIT)))
            .isEqualTo(call("onListClientIds", 1L, Long.MAX_VALUE, 1024));
        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.clientIds(1, 5, ids, Protocol.MAX_LIST_LIMIT)))
            .isEqualTo(call("onClientIds", 1L, 5L, idList.subList(0, 1024)));
        // 2 x 65535 ids: just under the 1 MiB server frame limit
        assertThat(roundTrip(BufferKind.DIRECT_BIG_ENDIAN, w -> w.subscribe(1, ids, 65535, ids, 65535)))
            .isEqualTo(call("onSubscribe", 1L, true, idList, idList));

        final Changes attributes = new Changes();
        for (int i = 0; i < Protocol.MAX_ATTRIBUTES; i++)
        {
            attributes.attribute("k" + i, "v" + i);
        }
        assertThat(roundTrip(BufferKind.HEAP_LITTLE_ENDIAN, w -> w.update(1, 1, "r", attributes)).get(4))
            .isEqualTo(attributes);

        final String longest = "x".repeat(Protocol.MAX_STRING_BYTES);
        assertThat(roundTrip(BufferKind.HEAP_LITTLE_ENDIAN, w -> w.resume(longest, 1, 2)))
            .isEqualTo(call("onResume", longest, 1L, 2L));
        final String longestReason = "\u00e9".repeat(Protocol.MAX_NSTRING_BYTES / 2);
        assertThat(roundTrip(BufferKind.HEAP_LITTLE_ENDIAN, w -> w.dispatch(1, EventType.CLIENT_CONNECTED, 0, 0, 0, 0, longestReason, null)).get(7))
            .isEqualTo(longestReason);

        final ClientView[] clients = new ClientView[Protocol.MAX_GET_CLIENTS];
        final RandomFrames random = new RandomFrames(new SplittableRandom(1));
        final List<ClientView> expected = new ArrayList<>();
        for (int i = 0; i < clients.length; i++)
        {
            clients[i] = new ClientView().set(i, i % 2 == 0, i, i);
            random.presence(clients[i].state(), FieldTable.PRESENCE.allMask());
            expected.add(clients[i]);
        }
        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.clients(1, clients, clients.length)))
            .isEqualTo(call("onClients", 1L, expected));
    }

    @Test
    void shouldRefuseWhatCannotBeExpressed()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(CAPACITY);
        buffer.position(10);
        final FrameWriter writer = new FrameWriter(buffer);
        final long[] ids = new long[70_000];
        final Changes tooMany = new Changes();
        for (int i = 0; i <= Protocol.MAX_ATTRIBUTES; i++)
        {
            tooMany.removeAttribute("k");
        }
        final ClientView partial = new ClientView().set(1, true, 0, 0);
        partial.state().status(Status.ONLINE);

        final List<Runnable> refused = List.of(
            () -> writer.hello(65536, 0, 0, 0, 0, 0),
            () -> writer.result(-1, Result.APPLIED),
            () -> writer.result(0x1_0000_0000L, Result.APPLIED),
            () -> writer.result(1, null),
            () -> writer.error(1, 65536, "m"),
            () -> writer.error(1, 4000, null),
            () -> writer.close(-1, "m"),
            () -> writer.dispatch(1, null, 0, 0, 0, 0, null, null),
            () -> writer.dispatch(1, EventType.CLIENT_UPDATED, 0, 0, 0, 0, "x".repeat(Protocol.MAX_NSTRING_BYTES + 1), null),
            () -> writer.dispatch(1, EventType.CLIENT_UPDATED, 0, 0, 0, 0, null, new Changes().status(null)),
            () -> writer.dispatch(1, EventType.CLIENT_UPDATED, 0, 0, 0, 0, null, tooMany),
            () -> writer.update(1, 1, "r", new Changes().attribute(null, 1L)),
            () -> writer.update(1, 1, "r", new Changes().attribute("k", (String)null)),
            () -> writer.update(1, 0, "r", null),
            () -> writer.update(1, 4, "r", null),
            () -> writer.update(1, 1, null, null),
            () -> writer.identify(1, null, null, false, 0, 0),
            () -> writer.identify(1, "x".repeat(Protocol.MAX_STRING_BYTES + 1), null, false, 0, 0),
            () -> writer.resume(null, 1, 1),
            () -> writer.getClients(1, ids, 0),
            () -> writer.getClients(1, ids, Protocol.MAX_GET_CLIENTS + 1),
            () -> writer.getClients(1, new long[1], 2),
            () -> writer.listClientIds(1, 0, 0),
            () -> writer.listClientIds(1, 0, Protocol.MAX_LIST_LIMIT + 1),
            () -> writer.clientIds(1, 0, ids, Protocol.MAX_LIST_LIMIT + 1),
            () -> writer.subscribe(1, ids, 65536, null, 0),
            () -> writer.subscribe(1, null, 1, null, 0),
            () -> writer.unsubscribe(1, null, 0, ids, -1),
            () -> writer.clients(1, new ClientView[] {partial}, 1),
            () -> writer.clients(1, new ClientView[1], 1),
            () -> writer.clients(1, new ClientView[300], Protocol.MAX_GET_CLIENTS + 1),
            () -> writer.stats(-1, 0, 0, null, null, 0),
            () -> writer.stats(0x1_0000_0000L, 0, 0, null, null, 0),
            () -> writer.stats(1, 0, 0, new String[] {null}, new long[1], 1),
            () -> writer.stats(1, 0, 0, new String[] {"a"}, new long[0], 1),
            () -> writer.stats(1, 0, 0, new String[0], new long[1], 1),
            () -> writer.stats(1, 0, 0, new String[1], new long[1], -1),
            () -> writer.stats(1, 0, 0, new String[0x10000], new long[0x10000], 0x10000),
            () -> writer.stats(1, 0, 0, new String[] {"x".repeat(Protocol.MAX_STRING_BYTES + 1)}, new long[1], 1),
            () -> writer.getStats(-1),
            () -> writer.getStats(0x1_0000_0000L));
        for (final Runnable write : refused)
        {
            assertThatThrownBy(write::run).isInstanceOf(IllegalArgumentException.class);
            assertThat(buffer.position()).isEqualTo(10);
        }
    }

    @Test
    void shouldThrowOverflowAndKeepThePositionWhenTheFrameDoesNotFit()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.position(5);
        final FrameWriter writer = new FrameWriter(buffer);
        assertThatThrownBy(() -> writer.resume("x".repeat(60), 1, 2)).isInstanceOf(BufferOverflowException.class);
        assertThat(buffer.position()).isEqualTo(5);
        assertThatThrownBy(() -> writer.getClients(1, new long[10], 10)).isInstanceOf(BufferOverflowException.class);
        assertThat(buffer.position()).isEqualTo(5);
        buffer.limit(5 + 12);
        assertThatThrownBy(() -> writer.heartbeat(1)).isInstanceOf(BufferOverflowException.class);
        assertThat(buffer.position()).isEqualTo(5);
        buffer.limit(5 + 13);
        assertThat(writer.heartbeat(1)).isEqualTo(13);
        assertThat(buffer.position()).isEqualTo(18);
        assertThatThrownBy(() -> FrameWriter.raw(buffer, 1, new byte[0])).isInstanceOf(BufferOverflowException.class);
        assertThat(buffer.position()).isEqualTo(18);
    }

    @Test
    void shouldWriteTheDocumentedBytes()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        final FrameWriter writer = new FrameWriter(buffer);
        assertThat(writer.result(0x01020304L, Result.VALUE_TOO_LARGE)).isEqualTo(10);
        assertThat(writer.update(1, 1, "\u00e9", new Changes().status(Status.IDLE).afk(true))).isEqualTo(18);
        assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        final byte[] expectedResult = {6, 0, 0, 0, 0x06, 4, 3, 2, 1, 6};
        final byte[] expectedUpdate = {14, 0, 0, 0, 0x23, 1, 0, 0, 0, 1, 2, 0, (byte)0xC3, (byte)0xA9, 3, 0, 1, 1};
        assertThat(RandomFrames.bytes(buffer, 0, 10)).containsExactly(expectedResult);
        assertThat(RandomFrames.bytes(buffer, 10, 18)).containsExactly(expectedUpdate);
    }

    @Test
    void shouldWriteTheDocumentedStatsBytes()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        final FrameWriter writer = new FrameWriter(buffer);
        assertThat(writer.getStats(0x01020304L)).isEqualTo(9);
        assertThat(writer.stats(7, 0x0102, 3, new String[] {"\u00e9"}, new long[] {-2}, 1)).isEqualTo(4 + 1 + 4 + 8 + 8 + 2 + 2 + 2 + 8);
        assertThat(RandomFrames.bytes(buffer, 0, 9)).containsExactly(5, 0, 0, 0, 0x28, 4, 3, 2, 1);
        assertThat(RandomFrames.bytes(buffer, 9, 39)).containsExactly(
            35, 0, 0, 0, 0x0C,
            7, 0, 0, 0,
            2, 1, 0, 0, 0, 0, 0, 0,
            3, 0, 0, 0, 0, 0, 0, 0,
            1, 0,
            2, 0, 0xC3, 0xA9,
            0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    }

    @Test
    void shouldEncodeStringsLikeTheJdkIncludingLoneSurrogates() throws ProtocolException
    {
        final SplittableRandom random = new SplittableRandom();
        final long seed = random.nextLong();
        final SplittableRandom seeded = new SplittableRandom(seed);
        final ByteBuffer buffer = ByteBuffer.allocate(1024);
        final FrameWriter writer = new FrameWriter(buffer);
        for (int i = 0; i < 5_000; i++)
        {
            final StringBuilder sb = new StringBuilder();
            final int length = seeded.nextInt(12);
            for (int c = 0; c < length; c++)
            {
                sb.append(seeded.nextBoolean() ? (char)seeded.nextInt(0xD700, 0xE100) : (char)seeded.nextInt(0x10000));
            }
            final String value = sb.toString();
            buffer.clear();
            writer.close(1, value);
            final byte[] expected = value.getBytes(StandardCharsets.UTF_8);
            assertThat(RandomFrames.bytes(buffer, 4 + 1 + 2 + 2, buffer.position() - 9))
                .as("seed %d, string %s", seed, value.chars().mapToObj(Integer::toHexString).toList())
                .containsExactly(expected);
            buffer.flip();
            serverAdapter.decode(buffer, FrameSplitter.nextFrame(buffer, Protocol.MAX_SERVER_FRAME_SIZE));
            assertThat(recorder.calls.get(recorder.calls.size() - 1))
                .as("seed %d", seed)
                .isEqualTo(call("onClose", 1, new String(expected, StandardCharsets.UTF_8)));
        }
    }

    @Test
    void shouldTruncateMessagesAtACharacterBoundary() throws ProtocolException
    {
        final String message = "x".repeat(Protocol.MAX_MESSAGE_BYTES - 1) + "\u00e9tail";
        final List<Object> error = roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.error(1, 4000, message));
        assertThat(error.get(3)).isEqualTo("x".repeat(Protocol.MAX_MESSAGE_BYTES - 1));
        final String emoji = "ab" + "\uD83D\uDE00".repeat(400);
        final List<Object> close = roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.close(1, emoji));
        assertThat(close.get(2)).isEqualTo("ab" + "\uD83D\uDE00".repeat(249));
        final String exact = "y".repeat(Protocol.MAX_MESSAGE_BYTES);
        assertThat(roundTrip(BufferKind.HEAP_BIG_ENDIAN, w -> w.close(1, exact)).get(2)).isEqualTo(exact);
    }

    @Test
    void shouldRoundTripRandomFrames() throws ProtocolException
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        final RandomFrames frames = new RandomFrames(random);
        final ByteBuffer first = ByteBuffer.allocate(CAPACITY);
        final ByteBuffer second = ByteBuffer.allocate(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
        final Recorder again = new Recorder();
        final ClientFrameAdapter clientAgain = new ClientFrameAdapter(again);
        final ServerFrameAdapter serverAgain = new ServerFrameAdapter(again);
        for (int i = 0; i < 2_000; i++)
        {
            // write, decode, re-encode the decoded call with a writer on another buffer, and compare
            first.clear();
            final FrameWriter writer = new FrameWriter(first);
            final boolean client = random.nextBoolean();
            final int length = client ? frames.clientFrame(writer, new Changes()) : frames.serverFrame(writer, new Changes());
            first.flip();
            recorder.calls.clear();
            decode(first, client, clientAdapter, serverAdapter);
            assertThat(first.position()).as("seed %d", seed).isEqualTo(length);
            second.clear();
            first.position(0);
            second.put(first);
            second.flip();
            decode(second, client, clientAgain, serverAgain);
            assertThat(again.calls).as("seed %d", seed).isEqualTo(recorder.calls);
            again.calls.clear();
        }
    }

    private static void decode(
        final ByteBuffer buffer, final boolean client, final ClientFrameAdapter clientAdapter, final ServerFrameAdapter serverAdapter)
        throws ProtocolException
    {
        final int frameLength = FrameSplitter.nextFrame(buffer, Protocol.MAX_SERVER_FRAME_SIZE);
        if (client)
        {
            clientAdapter.decode(buffer, frameLength);
        }
        else
        {
            serverAdapter.decode(buffer, frameLength);
        }
    }

    @Test
    void shouldDecodeSeveralFramesInOneBuffer() throws ProtocolException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(256);
        final FrameWriter writer = new FrameWriter(buffer);
        writer.heartbeat(1);
        writer.listClientIds(2, 3, 4);
        writer.resume("t", 5, 6);
        buffer.flip();
        recorder.calls.clear();
        int frameLength;
        while ((frameLength = FrameSplitter.nextFrame(buffer, Protocol.DEFAULT_MAX_FRAME_SIZE)) > 0)
        {
            clientAdapter.decode(buffer, frameLength);
        }
        assertThat(buffer.hasRemaining()).isFalse();
        assertThat(recorder.calls).containsExactly(
            call("onHeartbeat", 1L), call("onListClientIds", 2L, 3L, 4), call("onResume", "t", 5L, 6L));
        assertThat(Collections.frequency(recorder.calls, call("onHeartbeat", 1L))).isEqualTo(1);
    }

    @Test
    void shouldAdvanceBeforeTheHandlerAndLeaveThePositionToAHandlerThatMovesIt() throws ProtocolException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        new FrameWriter(buffer).heartbeat(9);
        buffer.flip();
        final List<Integer> seen = new ArrayList<>();
        final ClientFrameAdapter adapter = new ClientFrameAdapter(new Recorder()
        {
            @Override
            public void onHeartbeat(final long lastSeq)
            {
                seen.add(buffer.position());
                buffer.position(0);
            }
        });
        adapter.decode(buffer, FrameSplitter.nextFrame(buffer, Protocol.DEFAULT_MAX_FRAME_SIZE));
        assertThat(seen).containsExactly(13);
        assertThat(buffer.position()).isZero();
    }

    @Test
    void shouldFollowTheTargetsCurrentOrderAfterWrap() throws ProtocolException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        final FrameWriter writer = new FrameWriter(buffer);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        writer.heartbeat(0x0102030405060708L);
        buffer.order(ByteOrder.BIG_ENDIAN);
        writer.wrap(buffer).heartbeat(0x0102030405060708L);
        assertThat(RandomFrames.bytes(buffer, 0, 13)).containsExactly(RandomFrames.bytes(buffer, 13, 13));
        assertThat(RandomFrames.bytes(buffer, 5, 8)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(writer.target()).isSameAs(buffer);
    }
}
