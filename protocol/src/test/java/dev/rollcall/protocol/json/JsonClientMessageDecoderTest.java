package dev.rollcall.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollcall.model.Changes;
import dev.rollcall.model.FieldTable;
import dev.rollcall.model.Status;
import dev.rollcall.protocol.ErrorCode;
import dev.rollcall.protocol.FrameWriter;
import dev.rollcall.protocol.Protocol;
import dev.rollcall.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonClientMessageDecoder} against {@link FrameWriter} and Jackson: every client op, with
 * seeded random values written by Jackson in random shapes, decodes to exactly the bytes
 * {@link FrameWriter} writes for the same values, and every way a text can fail to be a message is
 * {@link ErrorCode#MALFORMED_FRAME} with a message naming it. Set {@code -Drollcall.seed=...} to
 * replay a seed.
 */
class JsonClientMessageDecoderTest
{
    private static final int CASES = 400;
    private static final long SEED = JsonTestValues.seed();
    private static final String HEARTBEAT = "{\"op\":\"heartbeat\",\"lastSeq\":0";

    private final JsonClientMessageDecoder decoder = new JsonClientMessageDecoder();
    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ByteBuffer expected = ByteBuffer.allocate(2 * Protocol.MAX_SERVER_FRAME_SIZE);
    private final FrameWriter writer = new FrameWriter(expected);
    private final ByteBuffer frame = ByteBuffer.allocate(2 * Protocol.MAX_SERVER_FRAME_SIZE);

    @ParameterizedTest
    @ValueSource(strings = {
        "identify", "resume", "heartbeat", "update", "subscribe", "unsubscribe", "get_clients", "list_client_ids", "get_stats"})
    void shouldDecodeRandomMessagesToTheFramesFrameWriterWrites(final String op) throws ProtocolException
    {
        final RandomClientMessages messages = new RandomClientMessages(new JsonTestValues(random), FieldTable.PRESENCE);
        for (int i = 0; i < CASES; i++)
        {
            final RandomClientMessages.Message message = messages.next(op, false);
            assertThat(decode(message.json()))
                .as("seed %d case %d: %s", SEED, i, message)
                .isEqualTo(message.frame());
        }
    }

    @Test
    void shouldDecodeMessagesOfEveryOpOneAfterAnotherWithOneDecoder() throws ProtocolException
    {
        final RandomClientMessages messages = new RandomClientMessages(new JsonTestValues(random), FieldTable.PRESENCE);
        for (int i = 0; i < CASES; i++)
        {
            final RandomClientMessages.Message message = messages.next(random.nextBoolean());
            assertThat(decode(message.json())).as("seed %d case %d: %s", SEED, i, message).isEqualTo(message.frame());
            if (random.nextInt(4) == 0)
            {
                final byte[] broken = Arrays.copyOf(message.json(), random.nextInt(lastIndexOf(message.json(), '}') + 1));
                assertThatThrownBy(() -> decode(broken)).as("seed %d case %d", SEED, i).isInstanceOf(ProtocolException.class);
            }
        }
    }

    @Test
    void shouldUnescapeStringsAndCarryNonAsciiAsUtf8() throws ProtocolException
    {
        final String token = "q\"b\\s/e\b\f\n\r\t\u0000\u001f\u007f é€\uD83D\uDE00\uD83D\uDE00\uDBFF\uDFFF\u0800\uFFFF";
        final String json = "{\"op\":\"resume\",\"token\":" +
            "\"q\\\"b\\\\s\\/e\\b\\f\\n\\r\\t\\u0000\\u001F\u007f \\u00e9\\u20AC" +
            "\\uD83D\\uDE00\uD83D\uDE00\\udbff\\udfff\u0800\\uffff\"," +
            "\"sessionId\":\"123\",\"lastSeq\":5}";
        expected.clear();
        final int length = writer.resume(token, 123, 5);
        assertThat(decode(json)).isEqualTo(written(length));
    }

    @Test
    void shouldMatchMemberNamesWrittenWithEscapes() throws ProtocolException
    {
        expected.clear();
        final int length = writer.heartbeat(7);
        assertThat(decode("{\"\\u006fp\":\"heart\\u0062eat\",\"last\\u0053eq\":7}")).isEqualTo(written(length));
    }

    @Test
    void shouldEncodeAnEmptyAttributesObjectAsNoAttributesEntry() throws ProtocolException
    {
        expected.clear();
        final int length = writer.update(1, Protocol.GROUP_STANDARD, "r", new Changes().afk(true).touchAttributes());
        final byte[] frame = decode(
            "{\"op\":\"update\",\"requestId\":1,\"reason\":\"r\",\"changes\":{\"attributes\":{},\"afk\":true}}");
        assertThat(frame).isEqualTo(written(length));
        assertThat(mask(frame, Protocol.BODY_OFFSET + 4 + 1 + 2 + 1)).as("the mask: afk only").isEqualTo(0x0002);

        expected.clear();
        final int empty = writer.identify(1, "t", null, false, 0, 0);
        assertThat(decode("{\"op\":\"identify\",\"version\":1,\"token\":\"t\",\"presence\":{\"attributes\":{ }}}"))
            .isEqualTo(written(empty));
    }

    @Test
    void shouldDecodeAttributesOfEveryKindInTheirOrder() throws ProtocolException
    {
        final Changes changes = new Changes().status(Status.DND).attribute("map", "dust").attribute("rank", -9_007_199_254_740_993L)
            .removeAttribute("old").attribute("big", Long.MAX_VALUE).attribute("", "");
        expected.clear();
        final int length = writer.update(2, Protocol.GROUP_FULL, "", changes);
        assertThat(decode("{\"op\":\"update\",\"requestId\":2,\"group\":\"FULL\",\"reason\":\"\",\"changes\":{" +
            "\"attributes\":{\"map\":\"dust\",\"rank\":-9007199254740993,\"old\":null,\"big\":9223372036854775807,\"\":\"\"}," +
            "\"status\":\"dNd\"}}")).isEqualTo(written(length));
    }

    @Test
    void shouldTakeOptionalMembersAsAbsent() throws ProtocolException
    {
        expected.clear();
        final int identify = writer.identify(1, "t", null, false, 0, 0);
        assertThat(decode("{\"token\":\"t\",\"version\":1,\"op\":\"identify\"}")).isEqualTo(written(identify));

        expected.clear();
        final int update = writer.update(3, Protocol.GROUP_STANDARD, "r", null);
        assertThat(decode("{\"op\":\"update\",\"requestId\":3,\"reason\":\"r\",\"changes\":{}}")).isEqualTo(written(update));

        expected.clear();
        final int subscribe = writer.subscribe(4, null, 0, null, 0);
        assertThat(decode("{\"op\":\"subscribe\",\"requestId\":4}")).isEqualTo(written(subscribe));

        expected.clear();
        final int list = writer.listClientIds(5, 0, 10);
        assertThat(decode("{\"op\":\"list_client_ids\",\"requestId\":5,\"limit\":10}")).isEqualTo(written(list));
    }

    @Test
    void shouldDecodeTheDocumentedGetStats() throws ProtocolException
    {
        expected.clear();
        final int length = writer.getStats(1);
        assertThat(decode("{\"op\":\"get_stats\",\"requestId\":1}")).isEqualTo(written(length));
        expected.clear();
        final int max = writer.getStats(0xFFFF_FFFFL);
        assertThat(decode("{\"requestId\":\"4294967295\", \"op\":\"get_stats\"}")).isEqualTo(written(max));
    }

    @Test
    void shouldNotCarryOptionalMembersOverFromAnEarlierMessage() throws ProtocolException
    {
        decode("{\"op\":\"update\",\"requestId\":3,\"group\":\"lobby\",\"reason\":\"r\",\"changes\":{\"ready\":true}}");
        decode("{\"op\":\"list_client_ids\",\"requestId\":5,\"after\":99,\"limit\":10}");
        decode("{\"op\":\"subscribe\",\"requestId\":4,\"clients\":[1,2],\"lobbies\":[3]}");
        decode("{\"op\":\"identify\",\"version\":1,\"token\":\"t\",\"presence\":{\"afk\":true},\"shardId\":1,\"shardCount\":2}");
        assertThatThrownBy(() -> decode(
            "{\"op\":\"update\",\"requestId\":3,\"group\":\"lobby\",\"reason\":\"r\",\"changes\":{\"x\":1}}"))
            .isInstanceOf(ProtocolException.class);

        shouldTakeOptionalMembersAsAbsent();
    }

    @Test
    void shouldDecodeAShardedIdentify() throws ProtocolException
    {
        expected.clear();
        final int length = writer.identify(1, "service", new Changes().status(Status.INVISIBLE), true, 3, -1);
        assertThat(decode("{\"op\":\"identify\",\"shardCount\":4294967295,\"version\":1,\"token\":\"service\"," +
            "\"shardId\":3,\"presence\":{\"status\":\"invisible\"}}")).isEqualTo(written(length));
    }

    @Test
    void shouldAcceptTheEndsOfEveryRange() throws ProtocolException
    {
        final String max = Long.toString(Long.MAX_VALUE);
        final String min = Long.toString(Long.MIN_VALUE);
        expected.clear();
        final int resume = writer.resume("", Long.MAX_VALUE, Long.MIN_VALUE);
        assertThat(decode("{\"op\":\"resume\",\"token\":\"\",\"sessionId\":" + max + ",\"lastSeq\":" + min + "}"))
            .isEqualTo(written(resume));
        assertThat(decode("{\"op\":\"resume\",\"token\":\"\",\"sessionId\":\"" + max + "\",\"lastSeq\":\"" + min + "\"}"))
            .isEqualTo(written(resume));

        expected.clear();
        final Changes changes = new Changes().playerNumber(Integer.MAX_VALUE).teamColour(Integer.MIN_VALUE).partyId(-0);
        final int update = writer.update(0xFFFF_FFFFL, Protocol.GROUP_LOBBY, "r", changes);
        assertThat(decode("{\"op\":\"update\",\"requestId\":4294967295,\"group\":\"Lobby\",\"reason\":\"r\"," +
            "\"changes\":{\"playerNumber\":2147483647,\"teamColour\":-2147483648,\"partyId\":-0}}")).isEqualTo(written(update));

        expected.clear();
        final int identify = writer.identify(0xFFFF, "x".repeat(Protocol.MAX_STRING_BYTES), null, true, 0, 0);
        assertThat(decode("{\"op\":\"identify\",\"version\":65535,\"token\":\"" + "x".repeat(Protocol.MAX_STRING_BYTES) +
            "\",\"shardId\":0,\"shardCount\":0}")).isEqualTo(written(identify));

        final String longest = "é".repeat(Protocol.MAX_STRING_BYTES / 2) + "x";
        expected.clear();
        final int longStrings = writer.update(8, Protocol.GROUP_STANDARD, longest,
            new Changes().attribute(longest, longest).attribute("k", longest));
        assertThat(decode("{\"op\":\"update\",\"requestId\":8,\"reason\":\"" + longest + "\",\"changes\":{\"attributes\":{\"" +
            longest + "\":\"" + longest + "\",\"k\":\"" + longest + "\"}}}")).isEqualTo(written(longStrings));

        final long[] ids = new long[Protocol.MAX_GET_CLIENTS];
        final StringBuilder list = new StringBuilder();
        final Changes attributes = new Changes();
        final StringBuilder map = new StringBuilder();
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = i * 1_000_000_007L;
            list.append(i == 0 ? "" : ",").append(ids[i]);
            if (i < Protocol.MAX_ATTRIBUTES)
            {
                attributes.attribute("k" + i, i);
                map.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            }
        }
        expected.clear();
        final int getClients = writer.getClients(6, ids, ids.length);
        assertThat(decode("{\"op\":\"get_clients\",\"requestId\":6,\"userIds\":[" + list + "]}")).isEqualTo(written(getClients));

        expected.clear();
        final int withAttributes = writer.update(7, Protocol.GROUP_STANDARD, "r", attributes);
        assertThat(decode("{\"op\":\"update\",\"requestId\":7,\"reason\":\"r\",\"changes\":{\"attributes\":{" + map + "}}}"))
            .isEqualTo(written(withAttributes));
    }

    @Test
    void shouldReadA64BitValueFromAStringSpelledWithEscapes() throws ProtocolException
    {
        // "\u002d1\u0032" is the JSON string "-12", a decimal string however it is spelled
        expected.clear();
        final int length = writer.heartbeat(-12);
        assertThat(decode("{\"op\":\"heartbeat\",\"lastSeq\":\"\\u002d1\\u0032\"}")).isEqualTo(written(length));
    }

    @Test
    void shouldRefuseAMessageLongerThanAnyFrameWithAProtocolException()
    {
        // 255 attributes whose entries take 1 MiB - 2 bytes: with the mask and the count, the
        // changes alone are longer than the largest frame (and than the decoder's buffers)
        final int entryOverhead = 2 + 1 + 8;
        final int total = Protocol.MAX_SERVER_FRAME_SIZE - 2;
        final int keyLength = 4100;
        final int lastKeyLength = total - Protocol.MAX_ATTRIBUTES * entryOverhead - (Protocol.MAX_ATTRIBUTES - 1) * keyLength;
        final StringBuilder json = new StringBuilder(
            "{\"op\":\"update\",\"requestId\":1,\"reason\":\"r\",\"changes\":{\"attributes\":{");
        for (int i = 0; i < Protocol.MAX_ATTRIBUTES; i++)
        {
            final int length = i == Protocol.MAX_ATTRIBUTES - 1 ? lastKeyLength : keyLength;
            json.append(i == 0 ? "\"" : ",\"").append(String.format("%03d", i)).append("k".repeat(length - 3)).append("\":1");
        }
        json.append("}}}");
        assertThatThrownBy(() -> decode(json.toString()))
            .isInstanceOfSatisfying(ProtocolException.class, ex -> assertThat(ex.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    }

    static Stream<Arguments> refusals()
    {
        final StringBuilder ids = new StringBuilder();
        final StringBuilder attributes = new StringBuilder();
        for (int i = 0; i <= JsonClientMessageDecoder.MAX_IDS; i++)
        {
            ids.append(i == 0 ? "" : ",").append(i);
        }
        for (int i = 0; i <= Protocol.MAX_GET_CLIENTS; i++)
        {
            attributes.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        final String update = "{\"op\":\"update\",\"requestId\":1,\"reason\":\"r\",\"changes\":";
        final String identify = "{\"op\":\"identify\",\"version\":1,\"token\":";
        return Stream.of(
            // not an object
            Arguments.of("empty", "", "expected '{'"),
            Arguments.of("white space only", " \n", "expected '{'"),
            Arguments.of("an array", "[{\"op\":\"heartbeat\",\"lastSeq\":0}]", "expected '{'"),
            Arguments.of("a string", "\"heartbeat\"", "expected '{'"),
            Arguments.of("null", "null", "expected '{'"),
            Arguments.of("a number", "0", "expected '{'"),
            Arguments.of("an unclosed object", HEARTBEAT, "expected ',' or '}'"),
            Arguments.of("an unclosed object after a comma", HEARTBEAT + ",", "expected a string"),
            // trailing garbage
            Arguments.of("a second object", HEARTBEAT + "}{}", "expected the end of the message"),
            Arguments.of("a trailing word", HEARTBEAT + "} x", "expected the end of the message"),
            Arguments.of("a trailing comma", HEARTBEAT + "},", "expected the end of the message"),
            Arguments.of("a NUL after the object", HEARTBEAT + "}\u0000", "expected the end of the message"),
            // syntax
            Arguments.of("a trailing comma in the object", HEARTBEAT + ",}", "expected a string"),
            Arguments.of("a missing colon", "{\"op\" \"heartbeat\",\"lastSeq\":0}", "expected ':'"),
            Arguments.of("a missing comma", "{\"op\":\"heartbeat\" \"lastSeq\":0}", "expected ',' or '}'"),
            Arguments.of("single quotes", "{'op':'heartbeat','lastSeq':0}", "expected a string"),
            Arguments.of("an unquoted name", "{op:\"heartbeat\",\"lastSeq\":0}", "expected a string"),
            Arguments.of("a comment", "{/* */\"op\":\"heartbeat\",\"lastSeq\":0}", "expected a string"),
            Arguments.of("an unterminated string", "{\"op\":\"heartbeat", "unterminated string"),
            Arguments.of("a trailing comma in an array", "{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[1,]}",
                "expected an integer"),
            Arguments.of("a missing array element", "{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[1,,2]}",
                "expected an integer"),
            Arguments.of("an unclosed array", "{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[1 2]}",
                "expected ',' or ']'"),
            Arguments.of("white space that JSON does not have", "{\"op\":\"heartbeat\",\f\"lastSeq\":0}", "expected a string"),
            Arguments.of("a non-breaking space", "{\"op\":\"heartbeat\",\u00a0\"lastSeq\":0}", "expected a string"),
            // ops
            Arguments.of("an unknown op", "{\"op\":\"dance\"}", "unknown op"),
            Arguments.of("a server op", "{\"op\":\"hello\"}", "unknown op"),
            Arguments.of("an op in upper case", "{\"op\":\"HEARTBEAT\",\"lastSeq\":0}", "unknown op"),
            Arguments.of("an op with a trailing space", "{\"op\":\"heartbeat \",\"lastSeq\":0}", "unknown op"),
            Arguments.of("an op of the wrong type", "{\"op\":34,\"lastSeq\":0}", "expected a string"),
            Arguments.of("no op", "{\"lastSeq\":0}", "no \"op\" member"),
            Arguments.of("an empty object", "{}", "no \"op\" member"),
            // members
            Arguments.of("an unknown member", HEARTBEAT + ",\"foo\":1}", "unknown member \"foo\""),
            Arguments.of("a member in the wrong case", "{\"op\":\"heartbeat\",\"lastseq\":0}", "unknown member \"lastseq\""),
            Arguments.of("a repeated member", HEARTBEAT + ",\"lastSeq\":1}", "a repeated member \"lastSeq\""),
            Arguments.of("a repeated op", HEARTBEAT + ",\"op\":\"heartbeat\"}", "a repeated member \"op\""),
            Arguments.of("a missing member", "{\"op\":\"heartbeat\"}", "op heartbeat needs \"lastSeq\""),
            Arguments.of("a missing token", "{\"op\":\"identify\",\"version\":1}", "op identify needs \"token\""),
            Arguments.of("missing changes", "{\"op\":\"update\",\"requestId\":1,\"reason\":\"r\"}", "op update needs \"changes\""),
            Arguments.of("missing ids", "{\"op\":\"get_clients\",\"requestId\":1}", "op get_clients needs \"userIds\""),
            Arguments.of("get_stats without a requestId", "{\"op\":\"get_stats\"}", "op get_stats needs \"requestId\""),
            Arguments.of("get_stats with a member of another op", "{\"op\":\"get_stats\",\"requestId\":1,\"limit\":5}",
                "op get_stats takes no \"limit\""),
            Arguments.of("get_stats with a requestId beyond u32", "{\"op\":\"get_stats\",\"requestId\":4294967296}",
                "\"requestId\" must be in 0..4294967295"),
            Arguments.of("the server's stats op", "{\"op\":\"stats\",\"requestId\":1}", "unknown op"),
            Arguments.of("a member of another op", HEARTBEAT + ",\"requestId\":1}", "op heartbeat takes no \"requestId\""),
            Arguments.of("presence in an update", update + "{},\"presence\":{}}", "op update takes no \"presence\""),
            Arguments.of("clients in get_clients", "{\"op\":\"get_clients\",\"requestId\":1,\"userIds\":[1],\"clients\":[2]}",
                "op get_clients takes no \"clients\""),
            Arguments.of("shardId without shardCount", identify + "\"t\",\"shardId\":0}", "shardId and shardCount go together"),
            Arguments.of("shardCount without shardId", identify + "\"t\",\"shardCount\":2}", "shardId and shardCount go together"),
            // types
            Arguments.of("a boolean for an integer", "{\"op\":\"heartbeat\",\"lastSeq\":true}", "expected an integer"),
            Arguments.of("null for an integer", "{\"op\":\"heartbeat\",\"lastSeq\":null}", "expected an integer"),
            Arguments.of("an object for an integer", "{\"op\":\"heartbeat\",\"lastSeq\":{}}", "expected an integer"),
            Arguments.of("a word in a string for an integer", "{\"op\":\"heartbeat\",\"lastSeq\":\"seven\"}", "expected an integer"),
            Arguments.of("an empty string for an integer", "{\"op\":\"heartbeat\",\"lastSeq\":\"\"}", "expected an integer"),
            Arguments.of("a padded string for an integer", "{\"op\":\"heartbeat\",\"lastSeq\":\"1 \"}",
                "expected an integer in the string"),
            Arguments.of("a plus sign", "{\"op\":\"heartbeat\",\"lastSeq\":+1}", "expected an integer"),
            Arguments.of("a lone minus sign", "{\"op\":\"heartbeat\",\"lastSeq\":-}", "expected an integer"),
            Arguments.of("a number for a string", identify + "5}", "expected a string"),
            Arguments.of("null for a string", identify + "null}", "expected a string"),
            Arguments.of("an array for changes", update + "[]}", "expected '{'"),
            Arguments.of("an object for ids", "{\"op\":\"subscribe\",\"requestId\":1,\"clients\":{}}", "expected '['"),
            Arguments.of("a string in ids", "{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[\"a\"]}", "expected an integer"),
            Arguments.of("a number for a boolean", update + "{\"afk\":1}}", "expected true or false"),
            Arguments.of("a string for a boolean", update + "{\"afk\":\"true\"}}", "expected true or false"),
            Arguments.of("a boolean in upper case", update + "{\"afk\":TRUE}}", "expected true or false"),
            Arguments.of("a boolean with a suffix", update + "{\"afk\":truex}}", "expected true or false"),
            Arguments.of("a number for a status", update + "{\"status\":1}}", "expected a string"),
            Arguments.of("an array for attributes", update + "{\"attributes\":[]}}", "expected '{'"),
            Arguments.of("a boolean attribute", update + "{\"attributes\":{\"a\":true}}}", "expected an integer"),
            Arguments.of("an object attribute", update + "{\"attributes\":{\"a\":{}}}}", "expected an integer"),
            Arguments.of("a fractional attribute", update + "{\"attributes\":{\"a\":1.5}}}", "not a fraction or exponent"),
            Arguments.of("a number for a group", "{\"op\":\"update\",\"requestId\":1,\"group\":1,\"reason\":\"r\",\"changes\":{}}",
                "expected a string"),
            // numbers
            Arguments.of("a fraction", "{\"op\":\"heartbeat\",\"lastSeq\":1.0}", "not a fraction or exponent"),
            Arguments.of("an exponent", "{\"op\":\"heartbeat\",\"lastSeq\":1e3}", "not a fraction or exponent"),
            Arguments.of("an upper-case exponent", "{\"op\":\"heartbeat\",\"lastSeq\":1E3}", "not a fraction or exponent"),
            Arguments.of("a fraction in a string", "{\"op\":\"heartbeat\",\"lastSeq\":\"1.5\"}", "not a fraction or exponent"),
            Arguments.of("a leading zero", "{\"op\":\"heartbeat\",\"lastSeq\":01}", "leading zero"),
            Arguments.of("a negative leading zero", "{\"op\":\"heartbeat\",\"lastSeq\":-01}", "leading zero"),
            Arguments.of("a leading zero in a string", "{\"op\":\"heartbeat\",\"lastSeq\":\"007\"}", "leading zero"),
            Arguments.of("a leading decimal point", "{\"op\":\"heartbeat\",\"lastSeq\":.5}", "expected an integer"),
            Arguments.of("NaN", "{\"op\":\"heartbeat\",\"lastSeq\":NaN}", "expected an integer"),
            Arguments.of("hex", "{\"op\":\"heartbeat\",\"lastSeq\":0x10}", "expected ',' or '}'"),
            Arguments.of("2^63", "{\"op\":\"heartbeat\",\"lastSeq\":9223372036854775808}", "an integer outside 64 bits"),
            Arguments.of("-2^63 - 1", "{\"op\":\"heartbeat\",\"lastSeq\":-9223372036854775809}", "an integer outside 64 bits"),
            Arguments.of("2^64 in a string", "{\"op\":\"heartbeat\",\"lastSeq\":\"18446744073709551616\"}",
                "an integer outside 64 bits"),
            Arguments.of("a long number", "{\"op\":\"heartbeat\",\"lastSeq\":" + "9".repeat(40) + "}", "an integer outside 64 bits"),
            Arguments.of("an attribute beyond 64 bits", update + "{\"attributes\":{\"a\":-99999999999999999999}}}",
                "an integer outside 64 bits"),
            Arguments.of("requestId 2^32", "{\"op\":\"get_clients\",\"requestId\":4294967296,\"userIds\":[1]}",
                "\"requestId\" must be in 0..4294967295"),
            Arguments.of("a negative requestId", "{\"op\":\"subscribe\",\"requestId\":-1}", "\"requestId\" must be in 0..4294967295"),
            Arguments.of("a huge requestId", "{\"op\":\"subscribe\",\"requestId\":9223372036854775807}",
                "\"requestId\" must be in 0..4294967295"),
            Arguments.of("version 65536", "{\"op\":\"identify\",\"version\":65536,\"token\":\"t\"}",
                "\"version\" must be in 0..65535"),
            Arguments.of("shardId 2^32", identify + "\"t\",\"shardId\":4294967296,\"shardCount\":1}",
                "\"shardId\" must be in 0..4294967295"),
            Arguments.of("a negative shardCount", identify + "\"t\",\"shardId\":0,\"shardCount\":-1}",
                "\"shardCount\" must be in 0..4294967295"),
            Arguments.of("limit 65536", "{\"op\":\"list_client_ids\",\"requestId\":1,\"limit\":65536}",
                "\"limit\" must be in 0..65535"),
            Arguments.of("an int32 field above int", update + "{\"playerNumber\":2147483648}}",
                "\"playerNumber\" must be in -2147483648..2147483647"),
            Arguments.of("an int32 field below int", update + "{\"sync\":-2147483649}}",
                "\"sync\" must be in -2147483648..2147483647"),
            // strings
            Arguments.of("a bad escape", identify + "\"a\\xb\"}", "bad escape \\x"),
            Arguments.of("an escaped single quote", identify + "\"a\\'b\"}", "bad escape \\'"),
            Arguments.of("a bad hex digit", identify + "\"\\u12G4\"}", "a bad hex digit in a \\u escape"),
            Arguments.of("a short \\u escape", identify + "\"\\u12\"}", "a bad hex digit in a \\u escape"),
            Arguments.of("a truncated \\u escape", identify + "\"\\u12", "a truncated \\u escape"),
            Arguments.of("a truncated escape", identify + "\"\\", "unterminated escape"),
            Arguments.of("a lone high surrogate", identify + "\"\\uD83D\"}", "a lone high surrogate escape"),
            Arguments.of("a high surrogate and a letter", identify + "\"\\uD83Dx\"}", "a lone high surrogate escape"),
            Arguments.of("two high surrogates", identify + "\"\\uD83D\\uD83D\"}", "a high surrogate escape not followed by a low one"),
            Arguments.of("a high surrogate and an ASCII escape", identify + "\"\\uD83D\\u0041\"}",
                "a high surrogate escape not followed by a low one"),
            Arguments.of("a lone low surrogate", identify + "\"\\uDE00\"}", "a lone low surrogate escape"),
            Arguments.of("surrogates the wrong way round", identify + "\"\\uDE00\\uD83D\"}", "a lone low surrogate escape"),
            Arguments.of("a lone surrogate in a key", update + "{\"attributes\":{\"\\udc00\":1}}}", "a lone low surrogate escape"),
            Arguments.of("an unescaped tab", identify + "\"a\tb\"}", "a control character in a string must be escaped"),
            Arguments.of("an unescaped line feed", identify + "\"a\nb\"}", "a control character in a string must be escaped"),
            Arguments.of("an unescaped NUL", identify + "\"a\u0000b\"}", "a control character in a string must be escaped"),
            Arguments.of("an unescaped unit separator", update + "{\"attributes\":{\"a\":\"\u001f\"}}}",
                "a control character in a string must be escaped"),
            Arguments.of("a control character in a name", "{\"op\u0001\":\"heartbeat\"}",
                "a control character in a string must be escaped"),
            Arguments.of("a token of 65536 bytes", identify + "\"" + "é".repeat(32768) + "\"}", "a string longer than 65535 bytes"),
            // changes
            Arguments.of("an unknown field", update + "{\"mood\":1}}", "unknown member \"mood\""),
            Arguments.of("a field in the wrong case", update + "{\"AFK\":true}}", "unknown member \"AFK\""),
            Arguments.of("a repeated field", update + "{\"afk\":true,\"afk\":false}}", "a repeated field \"afk\""),
            Arguments.of("an unknown status", update + "{\"status\":\"away\"}}", "unknown status"),
            Arguments.of("a status with a space", update + "{\"status\":\"idle \"}}", "unknown status"),
            Arguments.of("an empty status", update + "{\"status\":\"\"}}", "unknown status"),
            Arguments.of("an unknown group", "{\"op\":\"update\",\"requestId\":1,\"group\":\"all\",\"reason\":\"r\",\"changes\":{}}",
                "unknown group"),
            Arguments.of("more than 255 attributes", update + "{\"attributes\":{" + attributes + "}}}", "more than 255 attributes"),
            Arguments.of("more than 8192 user ids", "{\"op\":\"get_clients\",\"requestId\":1,\"userIds\":[" + ids + "]}",
                "more than 8192 ids in \"userIds\""),
            Arguments.of("more than 8192 clients", "{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[" + ids + "]}",
                "more than 8192 ids in \"clients\""),
            Arguments.of("more than 8192 lobbies", "{\"op\":\"unsubscribe\",\"requestId\":1,\"lobbies\":[" + ids + "]}",
                "more than 8192 ids in \"lobbies\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void shouldRefuseWhatIsNotAMessage(final String what, final String json, final String problem)
    {
        assertThatThrownBy(() -> decode(json))
            .as(what)
            .isInstanceOfSatisfying(ProtocolException.class, ex ->
            {
                assertThat(ex.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
                assertThat(ex.getMessage()).contains(problem).containsPattern("at offset \\d+$");
            });
    }

    @Test
    void shouldNameTheOffsetOfTheProblem()
    {
        assertRefusedAt("{\"op\":\"heartbeat\",  \"foo\":1}", "unknown member \"foo\"", "\"foo\"");
        assertRefusedAt("{\"op\":\"heartbeat\",\"lastSeq\":1.5}", "expected an integer, not a fraction or exponent", ".5");
        assertRefusedAt("{\"op\":\"heartbeat\",\"lastSeq\": -x}", "expected an integer", "-x");
        assertRefusedAt("{\"op\":\"update\",\"requestId\":1,\"reason\":\"r\",\"changes\":{\"afk\":true, \"mood\":1}}",
            "unknown member \"mood\"", "\"mood\"");
        assertRefusedAt(" {\"op\":\"heartbeat\",\"lastSeq\":0} ]", "expected the end of the message", "]");
    }

    /** The message names the problem and the offset (from the message's first byte) where {@code at} starts. */
    private void assertRefusedAt(final String json, final String problem, final String at)
    {
        assertThatThrownBy(() -> decode(json))
            .as(json)
            .isInstanceOf(ProtocolException.class)
            .hasMessage("JSON: " + problem + " at offset " + json.indexOf(at));
    }

    @Test
    void shouldReadOnlyBetweenItsBoundsAndWriteAtTheFramesPosition() throws ProtocolException
    {
        final byte[] json = "{\"op\":\"heartbeat\",\"lastSeq\":42}".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer in = ByteBuffer.allocateDirect(json.length + 20);
        for (int i = 0; i < in.capacity(); i++)
        {
            in.put(i, (byte)'9');
        }
        in.put(7, json);
        in.position(3).limit(json.length + 15);
        final ByteBuffer frame = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        frame.position(11);

        final int length = decoder.decode(in, 7, 7 + json.length, frame);

        expected.clear();
        assertThat(length).isEqualTo(writer.heartbeat(42));
        assertThat(frame.position()).isEqualTo(11 + length);
        assertThat(Arrays.copyOfRange(frame.array(), 11, 11 + length)).isEqualTo(written(length));
        assertThat(in.position()).isEqualTo(3);
        assertThat(in.limit()).isEqualTo(json.length + 15);
        assertThat(frame.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    }

    @Test
    void shouldAllocateNothingDecodingValidMessages() throws ProtocolException
    {
        final byte[][] messages = {
            utf8("{\"op\":\"update\",\"requestId\":5123,\"reason\":\"match-found\",\"changes\":{\"status\":\"IDLE\"," +
                "\"afk\":true,\"partyId\":\"9007199254740993\",\"attributes\":{\"map\":\"harbour\",\"rank\":12,\"x\":null}}}"),
            utf8("{\"op\":\"update\",\"requestId\":7,\"group\":\"lobby\",\"reason\":\"join\",\"changes\":{\"lobbyId\":5,\"ready\":true}}"),
            utf8("{\"op\":\"subscribe\",\"requestId\":1,\"clients\":[2,3],\"lobbies\":[4]}"),
            utf8(HEARTBEAT + "}")};
        final ByteBuffer in = ByteBuffer.allocateDirect(4096);
        final int[] lengths = new int[messages.length];
        for (int m = 0; m < messages.length; m++)
        {
            lengths[m] = messages[m].length;
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        long before = 0;
        for (int round = 0; round < 2; round++)
        {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                final int m = i % messages.length;
                in.put(0, messages[m]);
                frame.clear();
                sum += decoder.decode(in, 0, lengths[m], frame);
            }
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isPositive();
        // less than a byte per message (a few hundred bytes of JIT or bookkeeping noise may show up once)
        assertThat(allocated).as("bytes allocated by 20,000 decodes").isLessThan(20_000);
    }

    /**
     * Decode a message placed at a random offset of a buffer between bytes that would change it,
     * into a frame buffer at a random position and in a random byte order.
     */
    private byte[] decode(final byte[] json) throws ProtocolException
    {
        final int before = random.nextInt(8);
        final ByteBuffer in = random.nextBoolean() ? ByteBuffer.allocate(before + json.length + 8) :
            ByteBuffer.allocateDirect(before + json.length + 8);
        for (int i = 0; i < in.capacity(); i++)
        {
            in.put(i, (byte)(i < before ? '{' : '}'));
        }
        in.put(before, json);
        final ByteBuffer frame = this.frame.clear().order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        final int start = random.nextInt(8);
        frame.position(start);
        final int length = decoder.decode(in, before, before + json.length, frame);
        assertThat(frame.position()).as("the position is advanced past the frame").isEqualTo(start + length);
        return Arrays.copyOfRange(frame.array(), start, start + length);
    }

    private byte[] decode(final String json) throws ProtocolException
    {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] written(final int length)
    {
        return Arrays.copyOf(expected.array(), length);
    }

    private static int lastIndexOf(final byte[] bytes, final char c)
    {
        for (int i = bytes.length - 1; i >= 0; i--)
        {
            if (bytes[i] == c)
            {
                return i;
            }
        }
        return -1;
    }

    private static int mask(final byte[] frame, final int at)
    {
        return (frame[at] & 0xFF) | (frame[at + 1] & 0xFF) << 8;
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
