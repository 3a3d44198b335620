package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of a live gateway over real sockets (docs/protocol.md is the oracle): many
 * connections, several at a time, each gets HELLO, sometimes identifies, then pours a batch
 * of valid and mutated frames ({@link FuzzFrames}) and ends with a probe, a half-close or an
 * abort. Meanwhile a bystander watches a publisher's user and must receive every event in
 * order, and fresh clients must always be served. Whatever a connection sent, the server
 * answers by the protocol ({@link StreamCheck}) and never throws (its error handler stays
 * empty, no HANDLER_ERRORS). Reproduce a run with {@code -Drollcall.seed=<seed>}; a failure
 * names the seed and the connection index (each connection's bytes depend only on both).
 */
class GatewayFuzzTest
{
    private static final int MAX_FRAME_SIZE = 4096;
    private static final int RATE_LIMIT = 96;
    private static final int RATE_LIMIT_RESERVED = 8;
    private static final long BYSTANDER = 1;
    private static final long PUBLISHER = 2;
    private static final long HEALTH_CHECKER = 3;
    private static final int POOL_FIRST_USER = 1_000;
    private static final int POOL_SIZE = 300;
    private static final int WORKERS = 4;
    private static final int MAX_FRAMES_PER_CONNECTION = 99;
    private static final long CONNECTION_TIMEOUT_MS = 10_000;
    private static final int PUBLISHER_UPDATES_PER_CONNECTION = RATE_LIMIT - RATE_LIMIT_RESERVED - 6;
    private static final double[] MUTATION_RATES = {0, 0, 0.005, 0.01, 0.03, 0.1, 0.3, 1};
    /** Protocol closes a fuzzing client may get; the others would be server bugs or need other conditions. */
    private static final Set<ErrorCode> ALLOWED_CLOSES = EnumSet.of(
        ErrorCode.UNKNOWN_OP, ErrorCode.MALFORMED_FRAME, ErrorCode.NOT_IDENTIFIED, ErrorCode.AUTHENTICATION_FAILED,
        ErrorCode.ALREADY_IDENTIFIED, ErrorCode.TOKEN_EXPIRED, ErrorCode.RATE_LIMITED, ErrorCode.FRAME_TOO_LARGE,
        ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID_SHARD, ErrorCode.SHARD_NOT_ALLOWED, ErrorCode.SLOW_CONSUMER,
        ErrorCode.INVALID_SEQ);

    private enum Ending
    {
        PROBE, HALF_CLOSE, ABORT
    }

    private long seed;
    private TestGateway server;
    private FuzzFrames.Pool pool;
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong connectionsRun = new AtomicLong();
    private final AtomicLongArray endings = new AtomicLongArray(4);
    private final AtomicLong serverFramesSeen = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicLong dispatches = new AtomicLong();
    private final AtomicLong checkedAnswers = new AtomicLong();
    private final AtomicLongArray kinds = new AtomicLongArray(FuzzFrames.Kind.values().length);

    @BeforeEach
    void start() throws Exception
    {
        final String property = System.getProperty("rollcall.seed");
        seed = null != property && !property.isBlank() ? Long.parseLong(property.trim()) : System.nanoTime();
        server = new TestGateway(ctx -> ctx
            .maxFrameSize(MAX_FRAME_SIZE)
            .rateLimitCommands(RATE_LIMIT)
            .rateLimitReserved(RATE_LIMIT_RESERVED)
            .heartbeatIntervalMs(3_600_000)
            .resumeWindowMs(5_000)
            .lingerMs(500), core -> { });
        pool = new FuzzFrames.Pool(TestGateway.TOKENS, POOL_FIRST_USER, POOL_SIZE);
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldSurviveOneHundredThousandFuzzedFrames() throws Exception
    {
        fuzz(100_000, 2_000);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void shouldSurviveTwoMillionFuzzedFrames() throws Exception
    {
        fuzz(2_000_000, 40_000);
    }

    private void fuzz(final long minFrames, final long minConnections) throws Exception
    {
        final String run = "seed " + seed + " (rerun with -Drollcall.seed=" + seed + ")";
        final Semaphore publishPermits = new Semaphore(0);
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicLong nextIndex = new AtomicLong();
        final ExecutorService workers = Executors.newFixedThreadPool(WORKERS + 1);
        final Publisher publisher = new Publisher(publishPermits, stopping);
        try (RawClient bystander = server.identify(BYSTANDER, new Changes()))
        {
            publisher.connect();
            bystander.writer().subscribe(1, new long[] {PUBLISHER}, 1, null, 0);
            bystander.flush();
            assertThat(bystander.next()).isEqualTo(new RawClient.ResultFrame(1, Result.APPLIED));
            final Future<?> publishing = workers.submit(publisher);

            final List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++)
            {
                running.add(workers.submit(() ->
                {
                    while (failures.isEmpty() && (framesSent.get() < minFrames || nextIndex.get() < minConnections))
                    {
                        final long index = nextIndex.getAndIncrement();
                        runConnection(index);
                        publishPermits.release();
                        if (index % 500 == 499)
                        {
                            checkHealth(run + " after connection " + index);
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> worker : running)
            {
                worker.get();
            }
            stopping.set(true);
            publishing.get(30, TimeUnit.SECONDS);

            assertThat(failures).as(run).isEmpty();
            checkHealth(run + " at the end");
            assertThat(framesSent.get()).as(run).isGreaterThanOrEqualTo(minFrames);
            assertThat(connectionsRun.get()).as(run).isGreaterThanOrEqualTo(minConnections);
            assertThat(server.errors).as(run + ": server-side exceptions").isEmpty();
            assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).as(run).isZero();
            assertThat(server.gateway.errorCount(ErrorCode.UNKNOWN_ERROR)).as(run).isZero();

            for (int n = 1; n <= publisher.published; n++)
            {
                final RawClient.Frame frame = bystander.next();
                assertThat(frame).as(run + ": bystander event %d of %d", n, publisher.published)
                    .isInstanceOf(RawClient.Dispatch.class);
                final RawClient.Dispatch dispatch = (RawClient.Dispatch)frame;
                assertThat(dispatch.seq()).as(run).isEqualTo(n);
                assertThat(dispatch.type()).as(run).isEqualTo(EventType.CLIENT_UPDATED);
                assertThat(dispatch.userId()).as(run).isEqualTo(PUBLISHER);
                assertThat(dispatch.changes()).as(run).isEqualTo(new Changes().attribute("n", n));
            }
            assertThat(bystander.drain()).as(run + ": nothing else for the bystander").isEmpty();
            assertThat(publisher.published).as(run).isGreaterThan(0);
        }
        finally
        {
            stopping.set(true);
            publisher.closeConnection();
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
        Await.until("every fuzz connection released (" + server.gateway.openConnections() + " open)",
            () -> server.gateway.openConnections() == 0);
        System.out.printf("fuzz %s: %d frames over %d connections; kinds %s; outcomes open/closed/aborted/eof %s; " +
                "frames decoded by the server %d, protocol errors %d, frames checked from the server %d (%d RESUMED, %d DISPATCH), answers matched to requests %d%n", run,
            framesSent.get(), connectionsRun.get(), kinds, endings, server.gateway.counter(GatewayCounter.FRAMES_RECEIVED),
            server.gateway.counter(GatewayCounter.PROTOCOL_ERRORS), serverFramesSeen.get(), resumes.get(),
            dispatches.get(), checkedAnswers.get());
    }

    private void runConnection(final long index)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ (index * 0x9E37_79B9_7F4A_7C15L));
        final FuzzFrames fuzz = new FuzzFrames(random, pool, MAX_FRAME_SIZE);
        final StreamCheck check = new StreamCheck(ALLOWED_CLOSES);
        final boolean identify = random.nextInt(100) < 70;
        final long userId = pool.user(random);
        final double mutationRate = MUTATION_RATES[random.nextInt(MUTATION_RATES.length)];
        final int frameCount = 1 + random.nextInt(MAX_FRAMES_PER_CONNECTION);
        final int endingPick = random.nextInt(10);
        final Ending ending = endingPick < 8 ? Ending.PROBE : endingPick < 9 ? Ending.HALF_CLOSE : Ending.ABORT;
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        String outcome = "running";
        try (WireClient client = WireClient.connect(server.address()))
        {
            final RawClient.Frame hello = client.next();
            if (!(hello instanceof RawClient.Hello))
            {
                fail(index, "first frame " + ServerFrames.brief(hello) + ", not HELLO", check, stream);
                return;
            }
            if (identify)
            {
                client.send(fuzz.identify(userId));
                RawClient.Frame frame;
                do
                {
                    frame = client.next();
                    check.accept(frame);
                }
                while (!(frame instanceof RawClient.Ready) && !(frame instanceof RawClient.Eof));
                if (!(frame instanceof RawClient.Ready))
                {
                    fail(index, "a valid IDENTIFY as " + userId + " was not answered with READY", check, stream);
                    return;
                }
                pool.sessions.put(userId, check.readySessionId());
            }
            for (int i = 0; i < frameCount; i++)
            {
                final double handshakeRate = !identify && i == 0 ? 0.8 : 0.004;
                stream.writeBytes(fuzz.next(mutationRate, handshakeRate));
            }
            framesSent.addAndGet(frameCount);
            final boolean framedToTheEnd = ending == Ending.PROBE && completeFrames(stream);
            if (framedToTheEnd)
            {
                stream.writeBytes(fuzz.probe());
            }
            client.send(stream.toByteArray());
            outcome = switch (ending)
            {
                case PROBE -> untilProbeAnswered(client, check, framedToTheEnd);
                case HALF_CLOSE -> untilEnd(client, check, true);
                case ABORT -> abort(client);
            };
            if ("open".equals(outcome) && identify && mutationRate == 0)
            {
                // only valid commands, and the connection survived them: one answer each, in any order (results
                // come from the core, so they may follow the probe's answer)
                final List<String> expected = new ArrayList<>(fuzz.expectedAnswers());
                expected.add("CLIENTS " + FuzzFrames.PROBE_REQUEST_ID);
                Collections.sort(expected);
                final List<String> answers = untilAnswered(client, check, expected);
                if (!expected.equals(answers))
                {
                    fail(index, "answers " + answers + " to requests " + expected, check, stream);
                }
                checkedAnswers.addAndGet(answers.size());
            }
            check.finish();
            serverFramesSeen.addAndGet(check.seen().size());
            for (final String frame : check.seen())
            {
                if (frame.startsWith("RESUMED"))
                {
                    resumes.incrementAndGet();
                }
                else if (frame.startsWith("DISPATCH"))
                {
                    dispatches.incrementAndGet();
                }
            }
            endings.incrementAndGet(outcomeSlot(outcome));
            if (client.incompleteBytesAtEof() > 0)
            {
                fail(index, "the server closed after half a frame (" + client.incompleteBytesAtEof() + " bytes)", check,
                    stream);
            }
        }
        catch (final IOException | RuntimeException | AssertionError ex)
        {
            fail(index, outcome + ": " + ex, check, stream);
        }
        finally
        {
            final int[] counts = fuzz.kindCounts();
            for (int k = 0; k < counts.length; k++)
            {
                kinds.addAndGet(k, counts[k]);
            }
            connectionsRun.incrementAndGet();
        }
        if (!check.violations().isEmpty())
        {
            fail(index, "protocol violations " + check.violations(), check, stream);
        }

        else if (outcome.startsWith("timeout"))
        {
            fail(index, outcome, check, stream);
        }
    }

    private static int outcomeSlot(final String outcome)
    {
        return switch (outcome)
        {
            case "open" -> 0;
            case "closed" -> 1;
            case "aborted" -> 2;
            default -> 3;
        };
    }

    /** Wait for the probe's answer (the connection is still open) or the end of the stream. */
    private static String untilProbeAnswered(final WireClient client, final StreamCheck check, final boolean probed)
        throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECTION_TIMEOUT_MS);
        while (true)
        {
            final RawClient.Frame frame = client.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (null == frame)
            {
                return "timeout: " + (probed ? "neither the probe's answer nor a close" : "no close after a framing error");
            }
            check.accept(frame);
            if (frame instanceof RawClient.Clients clients && clients.requestId() == FuzzFrames.PROBE_REQUEST_ID)
            {
                return "open";
            }
            if (frame instanceof RawClient.Eof)
            {
                return check.closed() ? "closed" : "eof";
            }
        }
    }

    /** Read until the answers received (sorted) are the expected ones, or 10 s; @return them, sorted. */
    private static List<String> untilAnswered(final WireClient client, final StreamCheck check, final List<String> expected)
        throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECTION_TIMEOUT_MS);
        while (true)
        {
            final List<String> answers = new ArrayList<>(check.answers());
            Collections.sort(answers);
            if (answers.size() >= expected.size() || System.nanoTime() - deadline >= 0)
            {
                return answers;
            }
            final RawClient.Frame frame = client.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (null != frame)
            {
                check.accept(frame);
                if (frame instanceof RawClient.Eof)
                {
                    answers.clear();
                    answers.addAll(check.answers());
                    Collections.sort(answers);
                    return answers;
                }
            }
        }
    }

    private static String untilEnd(final WireClient client, final StreamCheck check, final boolean halfClose)
        throws IOException
    {
        if (halfClose)
        {
            client.shutdownOutputAfterPending(CONNECTION_TIMEOUT_MS);
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECTION_TIMEOUT_MS);
        while (true)
        {
            final RawClient.Frame frame = client.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (null == frame)
            {
                return "timeout: the server did not close after the client's end of stream";
            }
            check.accept(frame);
            if (frame instanceof RawClient.Eof)
            {
                return check.closed() ? "closed" : "eof";
            }
        }
    }

    private static String abort(final WireClient client) throws IOException
    {
        client.drain();
        client.abort();
        return "aborted";
    }

    /**
     * Frame the stream as the server will: if it ends inside a frame, pad that frame with zeros.
     *
     * @return false if the server will stop at a length it refuses (no probe can follow).
     */
    static boolean completeFrames(final ByteArrayOutputStream stream)
    {
        int position = 0;
        while (true)
        {
            final byte[] bytes = stream.toByteArray();
            final int remaining = bytes.length - position;
            if (remaining == 0)
            {
                return true;
            }
            if (remaining < Protocol.HEADER_LENGTH)
            {
                stream.writeBytes(new byte[Protocol.HEADER_LENGTH - remaining]);
                continue;
            }
            final int length = ByteBuffer.wrap(bytes, position, Protocol.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
            if (length < 1 || length > MAX_FRAME_SIZE)
            {
                return false;
            }
            final int missing = position + Protocol.HEADER_LENGTH + length - bytes.length;
            if (missing > 0)
            {
                stream.writeBytes(new byte[missing]);
                return true;
            }
            position += Protocol.HEADER_LENGTH + length;
        }
    }

    private void fail(final long index, final String what, final StreamCheck check, final ByteArrayOutputStream stream)
    {
        final byte[] bytes = stream.toByteArray();
        final String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 512));
        failures.add("connection " + index + " of seed " + seed + " (rerun with -Drollcall.seed=" + seed + "): " + what +
            "; server sent " + check.seen() + "; first bytes sent after HELLO/READY: " + hex);
    }

    /** A fresh client identifies, heartbeats and queries. */
    private void checkHealth(final String when) throws Exception
    {
        try (RawClient client = server.identify(HEALTH_CHECKER, new Changes()))
        {
            client.writer().heartbeat(0);
            client.writer().getClients(5, new long[] {PUBLISHER, BYSTANDER}, 2);
            client.flush();
            assertThat(client.next()).as(when).isEqualTo(new RawClient.HeartbeatAck(0));
            final RawClient.Clients clients = client.next(RawClient.Clients.class);
            assertThat(clients.clients()).as(when).hasSize(2);
            assertThat(clients.clients().get(1).connected()).as(when + ": the bystander is connected").isTrue();
        }
        catch (final AssertionError ex)
        {
            failures.add("the server failed a fresh client " + when + ": " + ex);
            throw ex;
        }
    }

    /**
     * Publishes updates of its user's attribute "n" = 1, 2, 3, ..., one per finished fuzz
     * connection, reconnecting before its rate limit runs out.
     */
    private final class Publisher implements Callable<Void>
    {
        private final Semaphore permits;
        private final AtomicBoolean stopping;
        private volatile RawClient client;
        volatile int published;

        Publisher(final Semaphore permits, final AtomicBoolean stopping)
        {
            this.permits = permits;
            this.stopping = stopping;
        }

        /** Identify (before the bystander subscribes: the bystander sees only updates). */
        void connect() throws Exception
        {
            client = server.identify(PUBLISHER, new Changes());
        }

        @Override
        public Void call() throws Exception
        {
            int sinceConnect = 0;
            try
            {
                while (!stopping.get())
                {
                    if (!permits.tryAcquire(20, TimeUnit.MILLISECONDS))
                    {
                        continue;
                    }
                    if (sinceConnect == PUBLISHER_UPDATES_PER_CONNECTION)
                    {
                        final RawClient next = server.identify(PUBLISHER, new Changes());
                        client.close();
                        client = next;
                        sinceConnect = 0;
                    }
                    final int n = published + 1;
                    client.writer().update(n, Protocol.GROUP_STANDARD, "fuzz", new Changes().attribute("n", n));
                    client.flush();
                    assertThat(client.next()).as("publisher update " + n)
                        .isEqualTo(new RawClient.ResultFrame(n, Result.APPLIED));
                    sinceConnect++;
                    published = n;
                }
            }
            catch (final Exception | AssertionError ex)
            {
                failures.add("publisher: " + ex);
                throw ex;
            }
            return null;
        }

        /** Close the publisher's connection (after the bystander got every update: it makes an event). */
        void closeConnection() throws IOException
        {
            final RawClient current = client;
            if (null != current)
            {
                current.close();
            }
        }
    }
}
