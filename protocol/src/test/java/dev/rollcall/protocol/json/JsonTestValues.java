package dev.rollcall.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rollcall.protocol.Protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded random values for the JSON tests (strings with every kind of character JSON escapes or
 * carries raw, 64-bit values around the limits of a JavaScript number, names in random case) and
 * the strict Jackson mapper they check against.
 */
final class JsonTestValues
{
    /** The largest integer a JavaScript number holds exactly: 2^53 - 1. */
    static final long MAX_SAFE = (1L << 53) - 1;

    /** Jackson in its strict defaults, refusing trailing tokens and repeated member names too. */
    static final ObjectMapper STRICT = JsonMapper.builder(factory())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    /** Jackson in its strict defaults, refusing trailing tokens (repeated names allowed, as RFC 8259 does). */
    static final ObjectMapper PLAIN = JsonMapper.builder(factory())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    private static final String[] SAMPLES = {
        "", "a", "reason", "\"", "\\", "/", "\"\\/\b\f\n\r\t", "\u0000", "\u001f", "\u007f", "é", "日本", "€",
        "\uD83D\uDE00", "a\uD83D\uDE00b", "\u2028\u2029", "\uFEFF", "\uFFFF", "\uDBFF\uDFFF", "\u07FF\u0800",
        "</script>", "null", "true", "123"};

    private final SplittableRandom random;

    JsonTestValues(final SplittableRandom random)
    {
        this.random = random;
    }

    /** @return a factory taking member names as long as the wire's strings (Jackson stops at 50,000 by default). */
    private static JsonFactory factory()
    {
        return JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(Protocol.MAX_SERVER_FRAME_SIZE).build())
            .build();
    }

    /** @return the seed to run with: {@code -Drollcall.seed=...} to replay one, else a random one. */
    static long seed()
    {
        return Long.getLong("rollcall.seed", new SplittableRandom().nextLong());
    }

    SplittableRandom random()
    {
        return random;
    }

    /**
     * @param maxChars the most UTF-16 units (about) to make.
     * @return a random string: ASCII, the characters JSON must escape, 2-, 3- and 4-byte UTF-8.
     */
    String string(final int maxChars)
    {
        if (random.nextInt(4) == 0)
        {
            return SAMPLES[random.nextInt(SAMPLES.length)];
        }
        final int length = random.nextInt(maxChars + 1);
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            switch (random.nextInt(9))
            {
                case 0 -> sb.append((char)random.nextInt(0x20));
                case 1 -> sb.append("\"\\/".charAt(random.nextInt(3)));
                case 2 -> sb.append((char)random.nextInt(0x80, 0x800));
                case 3 -> sb.append((char)random.nextInt(0x800, 0xD800));
                case 4 -> sb.append((char)random.nextInt(0xE000, 0x10000));
                case 5 -> sb.appendCodePoint(random.nextInt(0x10000, 0x110000));
                default -> sb.append((char)random.nextInt(0x20, 0x80));
            }
        }
        return sb.toString();
    }

    /** @return a random 64-bit value, often at or around 0, ±(2^53 - 1), ±2^53 and the ends of 64 bits. */
    long anyLong()
    {
        return switch (random.nextInt(6))
        {
            case 0 -> random.nextInt(-2, 3);
            case 1 -> (random.nextBoolean() ? 1 : -1) * (MAX_SAFE + random.nextInt(-1, 3));
            case 2 -> random.nextBoolean() ? Long.MAX_VALUE - random.nextInt(2) : Long.MIN_VALUE + random.nextInt(2);
            case 3 -> random.nextLong(-MAX_SAFE, MAX_SAFE + 1);
            default -> random.nextLong();
        };
    }

    /** @return a random 32-bit value, often at the ends. */
    int anyInt()
    {
        return switch (random.nextInt(4))
        {
            case 0 -> random.nextInt(-2, 100);
            case 1 -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            default -> random.nextInt();
        };
    }

    /** @return a random u32, often at the ends. */
    long u32()
    {
        return switch (random.nextInt(4))
        {
            case 0 -> random.nextInt(0, 10);
            case 1 -> random.nextBoolean() ? 0xFFFF_FFFFL : 0x8000_0000L;
            default -> random.nextLong(0, 0x1_0000_0000L);
        };
    }

    /** @return the name with each ASCII letter in a random case. */
    String anyCase(final String name)
    {
        final StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return sb.toString();
    }

    /** @return a 64-bit value as a JSON number or, sometimes, as its decimal string. */
    Object numberOrString(final long value)
    {
        if (random.nextInt(3) == 0)
        {
            return Long.toString(value);
        }
        return value;
    }

    /**
     * @param json a JSON text.
     * @return Jackson's tree of it (strict, repeated names refused).
     */
    static JsonNode parse(final byte[] json)
    {
        try
        {
            return STRICT.readTree(json);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param bytes bytes to show in a failure message.
     * @return them as UTF-8 text, control characters shown as escapes.
     */
    static String show(final byte[] bytes)
    {
        final String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        final StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < 0x20)
            {
                sb.append(String.format(Locale.ROOT, "<%02x>", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.length() > 2000 ? sb.substring(0, 2000) + "..." : sb.toString();
    }
}
