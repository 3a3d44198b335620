package dev.rollcall.bench;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;
import dev.rollcall.protocol.json.JsonClientMessageDecoder;
import dev.rollcall.protocol.json.JsonServerMessageEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The JSON codec of {@code rollcall.json.v1} alone, on the benchmark thread, in the buffers the
 * gateway gives it: what encoding a DISPATCH for a JSON recipient costs on the fan-out path, and
 * what decoding a client's update costs, each beside copying the same bytes; with
 * {@code -prof gc}, that neither allocates.
 * <pre>
 *   encode:  DISPATCH frame (heap, as the gateway's scratch) ──JsonServerMessageEncoder.encode──► JSON (heap, as jsonOut)
 *   decode:  update JSON (direct, as a read buffer) ──JsonClientMessageDecoder.decode──► UPDATE frame (heap, as jsonFrame)
 *   baselines: the same JSON bytes copied into the same target buffers (one bulk copy each)
 * </pre>
 * The DISPATCH is a typical one: CLIENT_UPDATED with a reason ({@code "match-found"}), a status
 * and one string attribute ({@code map}); the update message says the same from the client's
 * side. Set-up checks that the encoder writes the expected JSON and that the decoder's frame is
 * the one the binary protocol's {@link FrameWriter} writes for the same update.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class JsonCodecBenchmark
{
    private static final String REASON = "match-found";
    private static final long REQUEST_ID = 5_123;
    private static final String UPDATE_JSON = "{\"op\":\"update\",\"requestId\":" + REQUEST_ID + ",\"reason\":\"" + REASON +
        "\",\"changes\":{\"status\":\"IDLE\",\"attributes\":{\"map\":\"harbour\"}}}";
    private static final String DISPATCH_JSON = "{\"op\":\"dispatch\",\"seq\":1042,\"type\":\"CLIENT_UPDATED\",\"userId\":3," +
        "\"updateId\":5123,\"lobbyId\":0,\"time\":1765000000000,\"reason\":\"" + REASON + "\"," +
        "\"changes\":{\"status\":\"IDLE\",\"attributes\":{\"map\":\"harbour\"}}}";

    private final JsonServerMessageEncoder encoder = new JsonServerMessageEncoder();
    private final JsonClientMessageDecoder decoder = new JsonClientMessageDecoder();
    private final ByteBuffer dispatch = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE);
    private final ByteBuffer json = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer dispatchJson = ByteBuffer.allocate(1024);
    private final ByteBuffer updateJson = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer frame = ByteBuffer.allocate(Protocol.MAX_SERVER_FRAME_SIZE);
    private int dispatchJsonLength;
    /** Where a second event's DISPATCH starts: {@link #encodeDispatch()} alternates the two, so each is encoded afresh. */
    private int secondDispatch;
    private boolean second;
    private int updateJsonLength;

    /**
     * Write the DISPATCH frame and the update message, and check both codecs on them once.
     */
    @Setup
    public void setUp() throws ProtocolException
    {
        final Changes changes = new Changes().status(Status.IDLE).attribute("map", "harbour");
        final FrameWriter writer = new FrameWriter(dispatch);
        secondDispatch = writer.dispatch(1042, EventType.CLIENT_UPDATED, 3, REQUEST_ID, 0, 1_765_000_000_000L,
            REASON, changes);
        writer.dispatch(1043, EventType.CLIENT_UPDATED, 4, REQUEST_ID + 1, 0, 1_765_000_000_001L, REASON, changes);
        encodeDispatchForAnotherSession();
        final String encoded = new String(json.array(), 0, json.position(), StandardCharsets.UTF_8);
        if (!encoded.equals(DISPATCH_JSON))
        {
            throw new IllegalStateException("the encoder wrote " + encoded);
        }
        final byte[] expectedJson = DISPATCH_JSON.getBytes(StandardCharsets.UTF_8);
        dispatchJson.put(expectedJson);
        dispatchJsonLength = expectedJson.length;

        final byte[] update = UPDATE_JSON.getBytes(StandardCharsets.UTF_8);
        updateJson.put(update).clear();
        updateJsonLength = update.length;
        final int length = decodeUpdate();
        final ByteBuffer expected = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        new FrameWriter(expected).update(REQUEST_ID, Protocol.GROUP_STANDARD, REASON, changes);
        if (!expected.flip().equals(frame.flip()) || length != expected.limit())
        {
            throw new IllegalStateException("the decoder's frame differs from FrameWriter's");
        }
    }

    /**
     * {@code JsonServerMessageEncoder.encode} of a DISPATCH frame, alternating two events so that each is encoded afresh.
     *
     * @return the JSON's length.
     */
    @Benchmark
    public int encodeDispatch()
    {
        json.clear();
        second = !second;
        encoder.encode(dispatch, second ? secondDispatch : 0, json);
        return json.position();
    }

    /**
     * {@code JsonServerMessageEncoder.encode} of the same event for another session (another seq
     * would change nothing but the seq's digits): what a thread pays per watcher after the first,
     * the JSON after the seq being copied.
     *
     * @return the JSON's length.
     */
    @Benchmark
    public int encodeDispatchForAnotherSession()
    {
        json.clear();
        encoder.encode(dispatch, 0, json);
        return json.position();
    }

    /**
     * Baseline of {@link #encodeDispatch()}: the JSON it writes, copied into the same buffer.
     *
     * @return the JSON's length.
     */
    @Benchmark
    public int baselineCopyDispatchJson()
    {
        json.clear();
        json.put(0, dispatchJson, 0, dispatchJsonLength);
        json.position(dispatchJsonLength);
        return json.position();
    }

    /**
     * {@code JsonClientMessageDecoder.decode} of the update message.
     *
     * @return the frame's length.
     */
    @Benchmark
    public int decodeUpdate() throws ProtocolException
    {
        frame.clear();
        return decoder.decode(updateJson, 0, updateJsonLength, frame);
    }

    /**
     * Baseline of {@link #decodeUpdate()}: the message it reads, copied into the same buffer.
     *
     * @return the message's length.
     */
    @Benchmark
    public int baselineCopyUpdateJson()
    {
        frame.clear();
        frame.put(0, updateJson, 0, updateJsonLength);
        frame.position(updateJsonLength);
        return frame.position();
    }
}
