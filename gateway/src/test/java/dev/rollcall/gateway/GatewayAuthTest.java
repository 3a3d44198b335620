package dev.rollcall.gateway;

import dev.rollcall.gateway.auth.HmacTokens;
import dev.rollcall.gateway.auth.Role;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way IDENTIFY and RESUME can be refused (docs/protocol.md, "Auth", "Firehose shards",
 * the error table): each is an ERROR then a CLOSE of its code, then the end of the stream,
 * counted, touching nothing in the core, and leaving the server serving everybody else.
 */
class GatewayAuthTest
{
    private static final byte[] OTHER_SECRET = "another-secret-of-enough-bytes-42".getBytes(StandardCharsets.US_ASCII);
    private static final long USER = 7;
    private static final long SOME_SESSION_ID = 0x1234_5678_9ABCL;

    private TestGateway server;
    private long nextFreshUser = 1_000;

    enum Handshake
    {
        IDENTIFY, RESUME
    }

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
        assertThat(server.gateway.counter(GatewayCounter.HANDLER_ERRORS)).isZero();
    }

    private static long inOneHour()
    {
        return System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    }

    private static String validToken()
    {
        return TestGateway.TOKENS.mint(USER, Role.USER, inOneHour());
    }

    static Stream<Arguments> badTokens()
    {
        final List<Arguments> cases = new ArrayList<>();
        addCase(cases, "forged user token (other secret)", ErrorCode.AUTHENTICATION_FAILED,
            () -> new HmacTokens(OTHER_SECRET).mint(USER, Role.USER, inOneHour()));
        addCase(cases, "forged service token (other secret)", ErrorCode.AUTHENTICATION_FAILED,
            () -> new HmacTokens(OTHER_SECRET).mint(USER, Role.SERVICE, inOneHour()));
        addCase(cases, "forged and expired", ErrorCode.AUTHENTICATION_FAILED,
            () -> new HmacTokens(OTHER_SECRET).mint(USER, Role.USER, 1));
        addCase(cases, "payload user id changed", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.withUserId(validToken(), USER + 1));
        addCase(cases, "payload expiry extended", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.withExpiry(TestGateway.TOKENS.mint(USER, Role.USER, 1000), inOneHour()));
        addCase(cases, "payload role raised to service", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.withRole(validToken(), 1));
        addCase(cases, "payload role raised to observer", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.withRole(validToken(), Role.OBSERVER.code()));
        addCase(cases, "signature first bit flipped", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.withFlippedSignatureBit(validToken(), 0));
        addCase(cases, "signature last bit flipped", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.withFlippedSignatureBit(validToken(), 255));
        addCase(cases, "expired a millisecond ago", ErrorCode.TOKEN_EXPIRED,
            () -> TestGateway.TOKENS.mint(USER, Role.USER, System.currentTimeMillis() - 1));
        addCase(cases, "expired service token", ErrorCode.TOKEN_EXPIRED,
            () -> TestGateway.TOKENS.mint(USER, Role.SERVICE, System.currentTimeMillis() - 60_000));
        addCase(cases, "expired observer token", ErrorCode.TOKEN_EXPIRED,
            () -> TestGateway.TOKENS.mint(USER, Role.OBSERVER, System.currentTimeMillis() - 60_000));
        addCase(cases, "expired at Long.MIN_VALUE", ErrorCode.TOKEN_EXPIRED,
            () -> TestGateway.TOKENS.mint(USER, Role.USER, Long.MIN_VALUE));
        addCase(cases, "signed, user id 0", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 1, 0, inOneHour(), 0));
        addCase(cases, "signed, user id -1", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 1, -1, inOneHour(), 0));
        addCase(cases, "signed, user id Long.MIN_VALUE, service", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 1, Long.MIN_VALUE, inOneHour(), 1));
        addCase(cases, "signed, token version 2", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 2, USER, inOneHour(), 0));
        addCase(cases, "signed, token version 0", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 0, USER, inOneHour(), 0));
        addCase(cases, "signed, role 3 (after observer, no role)", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 1, USER, inOneHour(), 3));
        addCase(cases, "signed, role 255", ErrorCode.AUTHENTICATION_FAILED,
            () -> ForgedTokens.sign(TestGateway.SECRET, 1, USER, inOneHour(), 255));
        addCase(cases, "garbage", ErrorCode.AUTHENTICATION_FAILED, () -> "garbage");
        addCase(cases, "empty", ErrorCode.AUTHENTICATION_FAILED, () -> "");
        addCase(cases, "a lone dot", ErrorCode.AUTHENTICATION_FAILED, () -> ".");
        addCase(cases, "two dots", ErrorCode.AUTHENTICATION_FAILED, () -> validToken() + ".");
        addCase(cases, "padded base64", ErrorCode.AUTHENTICATION_FAILED, () -> validToken() + "=");
        addCase(cases, "leading space", ErrorCode.AUTHENTICATION_FAILED, () -> " " + validToken());
        addCase(cases, "standard base64 alphabet", ErrorCode.AUTHENTICATION_FAILED, () ->
        {
            final String token = validToken();
            return token.matches(".*[-_].*") ? token.replace('-', '+').replace('_', '/') : token + "+";
        });
        addCase(cases, "payload only", ErrorCode.AUTHENTICATION_FAILED,
            () -> validToken().substring(0, validToken().indexOf('.')));
        addCase(cases, "signature and payload swapped", ErrorCode.AUTHENTICATION_FAILED, () ->
        {
            final String token = validToken();
            final int dot = token.indexOf('.');
            return token.substring(dot + 1) + "." + token.substring(0, dot);
        });
        addCase(cases, "non-ASCII", ErrorCode.AUTHENTICATION_FAILED, () -> "\u00e9t\u00e9.\u2603\uD83D\uDE00");
        addCase(cases, "300 characters", ErrorCode.AUTHENTICATION_FAILED, () -> "A".repeat(300));
        addCase(cases, "4000 bytes", ErrorCode.AUTHENTICATION_FAILED, () -> validToken() + "x".repeat(3900));
        return cases.stream();
    }

    private static void addCase(
        final List<Arguments> cases, final String name, final ErrorCode code, final Supplier<String> token)
    {
        for (final Handshake handshake : Handshake.values())
        {
            cases.add(Arguments.of(name, handshake, code, token));
        }
    }

    @ParameterizedTest(name = "{1} with {0} -> {2}")
    @MethodSource("badTokens")
    void shouldRefuseABadToken(
        final String name, final Handshake handshake, final ErrorCode code, final Supplier<String> token) throws Exception
    {
        final long before = server.gateway.errorCount(code);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            if (handshake == Handshake.IDENTIFY)
            {
                client.writer().identify(Protocol.VERSION, token.get(), new Changes().status(Status.DND),
                    false, 0, 0);
            }
            else
            {
                client.writer().resume(token.get(), SOME_SESSION_ID, 0);
            }
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).as(name).isEqualTo(ServerFrames.refusal(code));
        }
        assertRefusalCounted(code, before);
        assertThat(server.gateway.rollcall().getClient(USER)).as("the core never heard of user " + USER).isNull();
        assertThat(server.gateway.rollcall().getClient(USER + 1)).isNull();
        assertServesAFreshClient();
    }

    @ParameterizedTest(name = "protocol version {0}")
    @ValueSource(ints = {0, 2, 3, 0x0101, 0xFFFF})
    void shouldRefuseAnUnsupportedProtocolVersion(final int version) throws Exception
    {
        final long before = server.gateway.errorCount(ErrorCode.UNSUPPORTED_VERSION);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(version, validToken(), new Changes(), false, 0, 0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.UNSUPPORTED_VERSION));
        }
        assertRefusalCounted(ErrorCode.UNSUPPORTED_VERSION, before);
        assertThat(server.gateway.rollcall().getClient(USER)).isNull();
        assertServesAFreshClient();
    }

    @ParameterizedTest(name = "user token asking for shard {0} of {1}")
    @CsvSource({"0, 1", "0, 16", "15, 16", "4095, 4096", "5, 0", "-1, 4097"})
    void shouldRefuseAShardToAUserToken(final int shardId, final int shardCount) throws Exception
    {
        assertIdentifyRefused(validToken(), shardId, shardCount, ErrorCode.SHARD_NOT_ALLOWED);
    }

    @ParameterizedTest(name = "service token asking for shard {0} of {1}")
    @CsvSource({
        "0, 0",
        "1, 1",
        "16, 16",
        "17, 16",
        "4096, 4096",
        "0, 4097",
        "4096, 4097",
        "-1, 4",
        "2147483647, 4",
        "-2147483648, 4",
        "0, -1",
        "0, -2147483648",
        "-1, -1"})
    void shouldRefuseAnInvalidShard(final int shardId, final int shardCount) throws Exception
    {
        assertIdentifyRefused(TestGateway.serviceToken(USER), shardId, shardCount, ErrorCode.INVALID_SHARD);
    }

    @ParameterizedTest(name = "service token with shard {0} of {1}")
    @CsvSource({"0, 1", "0, 4096", "4095, 4096", "7, 8"})
    void shouldAcceptTheEdgesOfTheShardRange(final int shardId, final int shardCount) throws Exception
    {
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, TestGateway.serviceToken(USER), new Changes(), true, shardId,
                shardCount);
            client.flush();
            assertThat(client.next(RawClient.Ready.class).userId()).isEqualTo(USER);
            client.writer().heartbeat(0);
            client.flush();
            client.next(RawClient.HeartbeatAck.class);
        }
    }

    @Test
    void shouldRefuseASecondIdentifyAfterReady() throws Exception
    {
        final long before = server.gateway.errorCount(ErrorCode.ALREADY_IDENTIFIED);
        try (RawClient client = server.identify(USER, new Changes()))
        {
            client.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.ALREADY_IDENTIFIED));
        }
        assertRefusalCounted(ErrorCode.ALREADY_IDENTIFIED, before);
        assertServesAFreshClient();
    }

    @Test
    void shouldRefuseAnIdentifyPipelinedBehindTheFirst() throws Exception
    {
        final long before = server.gateway.errorCount(ErrorCode.ALREADY_IDENTIFIED);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
            client.writer().identify(Protocol.VERSION, TestGateway.token(USER + 1), new Changes(), false, 0, 0);
            client.flush();
            final List<String> frames = ServerFrames.brief(client.untilClosed());
            assertThat(frames).containsExactly("READY", "ERROR 4005", "CLOSE 4005");
        }
        assertRefusalCounted(ErrorCode.ALREADY_IDENTIFIED, before);
        assertThat(server.gateway.rollcall().getClient(USER + 1)).as("the second identify connected nobody").isNull();
        assertServesAFreshClient();
    }

    @Test
    void shouldRefuseAResumeAfterReadyAndKeepTheSessionResumable() throws Exception
    {
        final long before = server.gateway.errorCount(ErrorCode.ALREADY_IDENTIFIED);
        final long sessionId;
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
            client.flush();
            sessionId = client.next(RawClient.Ready.class).sessionId();
            client.writer().resume(validToken(), sessionId, 0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.ALREADY_IDENTIFIED));
        }
        assertRefusalCounted(ErrorCode.ALREADY_IDENTIFIED, before);
        Await.until("the core sees user " + USER + " disconnected",
            () -> !server.gateway.rollcall().getClient(USER).connected());
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(validToken(), sessionId, 0);
            client.flush();
            assertThat(client.next()).as("ALREADY_IDENTIFIED is resumable").isEqualTo(new RawClient.Resumed(0));
        }
    }

    @Test
    void shouldRefuseAnIdentifyAfterAResume() throws Exception
    {
        final long sessionId = identifyAndLeave();
        final long before = server.gateway.errorCount(ErrorCode.ALREADY_IDENTIFIED);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(validToken(), sessionId, 0);
            client.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).containsExactly("RESUMED", "ERROR 4005", "CLOSE 4005");
        }
        assertRefusalCounted(ErrorCode.ALREADY_IDENTIFIED, before);
        assertServesAFreshClient();
    }

    @Test
    void shouldNotResumeAnotherUsersSession() throws Exception
    {
        final long sessionId = identifyAndLeave();
        for (final long thief : new long[] {USER + 1, USER + 2, USER + 3, USER + 4})
        {
            try (RawClient client = new RawClient(server.address()))
            {
                client.next(RawClient.Hello.class);
                client.writer().resume(TestGateway.token(thief), sessionId, 0);
                client.flush();
                assertThat(client.next()).as("user " + thief + " resuming user " + USER + "'s session")
                    .isEqualTo(new RawClient.InvalidSession(false));
            }
        }
        assertThat(server.gateway.rollcall().getClient(USER).connected()).isFalse();
    }

    @Test
    void shouldRefuseAResumeAheadOfTheSession() throws Exception
    {
        final long sessionId = identifyAndLeave();
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(validToken(), sessionId, 1);
            client.flush();
            assertThat(client.next()).as("lastSeq 1 of a session at seq 0").isEqualTo(new RawClient.InvalidSession(false));
            client.writer().resume(validToken(), sessionId, 0);
            client.flush();
            assertThat(client.next()).as("the same session from the right seq").isEqualTo(new RawClient.Resumed(0));
        }
    }

    /**
     * docs/protocol.md, resume table: "events after lastSeq already dropped from its buffer"
     * is INVALID_SESSION(false). Events acknowledged by a heartbeat are dropped from the
     * buffer ("so it can forget older ones"); a resume from before them cannot be served.
     */
    @Test
    void shouldRefuseAResumeFromBeforeTheAcknowledgedEvents() throws Exception
    {
        final long publisherId = USER + 50;
        try (RawClient publisher = server.identify(publisherId, new Changes()))
        {
            final long sessionId;
            try (RawClient watcher = new RawClient(server.address()))
            {
                watcher.next(RawClient.Hello.class);
                watcher.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
                watcher.writer().subscribe(1, new long[] {publisherId}, 1, null, 0);
                watcher.flush();
                sessionId = watcher.next(RawClient.Ready.class).sessionId();
                watcher.next(RawClient.ResultFrame.class);
                for (int n = 1; n <= 5; n++)
                {
                    publisher.writer().update(n, Protocol.GROUP_STANDARD, "n", new Changes().partyId(n));
                    publisher.flush();
                    publisher.next(RawClient.ResultFrame.class);
                    assertThat(watcher.next(RawClient.Dispatch.class).seq()).isEqualTo(n);
                }
                watcher.writer().heartbeat(5);
                watcher.flush();
                assertThat(watcher.next()).isEqualTo(new RawClient.HeartbeatAck(5));
            }
            Await.until("the core sees user " + USER + " disconnected",
                () -> !server.gateway.rollcall().getClient(USER).connected());
            for (int n = 6; n <= 7; n++)
            {
                publisher.writer().update(n, Protocol.GROUP_STANDARD, "n", new Changes().partyId(n));
                publisher.flush();
                publisher.next(RawClient.ResultFrame.class);
            }
            try (RawClient client = new RawClient(server.address()))
            {
                client.next(RawClient.Hello.class);
                client.writer().resume(validToken(), sessionId, 2);
                client.flush();
                final RawClient.Frame answer = client.next();
                assertThat(answer).as("resume from seq 2 after acknowledging 5: events 3..5 are gone; got %s then %s",
                    ServerFrames.brief(answer), ServerFrames.brief(client.drain()))
                    .isEqualTo(new RawClient.InvalidSession(false));
            }
        }
    }

    @Test
    void shouldKeepTheConnectionOpenForAnIdentifyAfterAnInvalidSession() throws Exception
    {
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(validToken(), SOME_SESSION_ID, 0);
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            client.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
            client.flush();
            assertThat(client.next(RawClient.Ready.class).userId()).isEqualTo(USER);
        }
    }

    @Test
    void shouldRefuseABadTokenAfterAnInvalidSession() throws Exception
    {
        final long before = server.gateway.errorCount(ErrorCode.AUTHENTICATION_FAILED);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().resume(validToken(), SOME_SESSION_ID, 0);
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.InvalidSession(false));
            client.writer().identify(Protocol.VERSION, ForgedTokens.withUserId(validToken(), USER + 1), new Changes(),
                false, 0, 0);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed()))
                .isEqualTo(ServerFrames.refusal(ErrorCode.AUTHENTICATION_FAILED));
        }
        assertRefusalCounted(ErrorCode.AUTHENTICATION_FAILED, before);
        assertThat(server.gateway.rollcall().getClient(USER + 1)).isNull();
        assertServesAFreshClient();
    }

    /** Identify as {@link #USER}, close, wait until the core sees it; @return the session id. */
    private long identifyAndLeave() throws Exception
    {
        final long sessionId;
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, validToken(), new Changes(), false, 0, 0);
            client.flush();
            sessionId = client.next(RawClient.Ready.class).sessionId();
        }
        Await.until("the core sees user " + USER + " disconnected",
            () -> !server.gateway.rollcall().getClient(USER).connected());
        return sessionId;
    }

    private void assertIdentifyRefused(final String token, final int shardId, final int shardCount, final ErrorCode code)
        throws Exception
    {
        final long before = server.gateway.errorCount(code);
        try (RawClient client = new RawClient(server.address()))
        {
            client.next(RawClient.Hello.class);
            client.writer().identify(Protocol.VERSION, token, new Changes(), true, shardId, shardCount);
            client.flush();
            assertThat(ServerFrames.brief(client.untilClosed())).isEqualTo(ServerFrames.refusal(code));
        }
        assertRefusalCounted(code, before);
        assertThat(server.gateway.rollcall().getClient(USER)).as("the core never heard of user " + USER).isNull();
        assertServesAFreshClient();
    }

    private void assertRefusalCounted(final ErrorCode code, final long before)
    {
        Await.until(code + " counted", () -> server.gateway.errorCount(code) > before);
        assertThat(server.gateway.errorCount(code)).as(code + " counted once").isEqualTo(before + 1);
    }

    /** A new client identifies, heartbeats and queries: the refusal hurt nobody else. */
    private void assertServesAFreshClient() throws Exception
    {
        final long userId = nextFreshUser++;
        try (RawClient client = server.identify(userId, new Changes().status(Status.IDLE)))
        {
            client.writer().heartbeat(0);
            client.writer().getClients(99, new long[] {userId}, 1);
            client.flush();
            assertThat(client.next(RawClient.HeartbeatAck.class).seq()).isZero();
            final RawClient.Clients clients = client.next(RawClient.Clients.class);
            assertThat(clients.requestId()).isEqualTo(99);
            assertThat(clients.clients().get(0).present()).isTrue();
            assertThat(clients.clients().get(0).connected()).isTrue();
        }
    }
}
