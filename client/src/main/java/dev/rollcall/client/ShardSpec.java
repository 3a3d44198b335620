package dev.rollcall.client;

import dev.rollcall.protocol.Protocol;

import java.util.BitSet;

/**
 * Parses the subset of firehose shards a {@link ShardedClient} opens.
 *
 * <p>The syntax is a comma-separated list of items, each a shard id ({@code 8}) or an inclusive range
 * ({@code 0..3}); blanks around items and around {@code ..} are ignored: {@code "0..3, 8, 9"} is shards 0, 1, 2,
 * 3, 8 and 9. Every id must be in {@code 0..shardCount-1}. Rejected with an {@link IllegalArgumentException} naming
 * the offending item: an empty spec or item (e.g. a trailing comma), anything but decimal digits (no signs),
 * a reversed range ({@code 3..1}), an id out of range, and a shard listed twice (directly or through overlapping
 * ranges: a duplicate is almost always a typo, so it is an error rather than silently merged).
 */
public final class ShardSpec
{
    private static final String RANGE = "..";
    private static final int MAX_DIGITS = 9;

    private ShardSpec()
    {
    }

    /**
     * Parses a shard spec.
     *
     * @param spec       the spec, e.g. {@code "0..3, 8, 9"}
     * @param shardCount the number of shards of the service, {@code 1..4096}
     * @return the shard ids, ascending, without duplicates
     * @throws IllegalArgumentException when the spec or the shard count is invalid (the message says why)
     * @throws NullPointerException     when {@code spec} is null
     */
    public static int[] parse(final String spec, final int shardCount)
    {
        checkShardCount(shardCount);
        if (spec.isBlank())
        {
            throw new IllegalArgumentException("empty shard spec");
        }
        final BitSet shards = new BitSet(shardCount);
        for (final String rawItem : spec.split(",", -1))
        {
            final String item = rawItem.strip();
            if (item.isEmpty())
            {
                throw new IllegalArgumentException("empty item in shard spec \"" + spec + "\"");
            }
            final int rangeAt = item.indexOf(RANGE);
            final int first;
            final int last;
            if (rangeAt < 0)
            {
                first = number(item, item, spec);
                last = first;
            }
            else
            {
                first = number(item.substring(0, rangeAt).strip(), item, spec);
                last = number(item.substring(rangeAt + RANGE.length()).strip(), item, spec);
                if (first > last)
                {
                    throw new IllegalArgumentException(
                        "reversed range \"" + item + "\" in shard spec \"" + spec + "\" (write " + last + ".." + first + ")");
                }
            }
            if (last >= shardCount)
            {
                throw new IllegalArgumentException("shard " + last + " in \"" + item + "\" out of range 0.." +
                    (shardCount - 1) + " (shardCount " + shardCount + ") in shard spec \"" + spec + "\"");
            }
            final int duplicate = shards.nextSetBit(first);
            if (duplicate >= 0 && duplicate <= last)
            {
                throw new IllegalArgumentException(
                    "shard " + duplicate + " listed twice (at \"" + item + "\") in shard spec \"" + spec + "\"");
            }
            shards.set(first, last + 1);
        }
        return shards.stream().toArray();
    }

    /**
     * Every shard of a service.
     *
     * @param shardCount the number of shards, {@code 1..4096}
     * @return {@code 0..shardCount-1}
     * @throws IllegalArgumentException when the shard count is out of range
     */
    public static int[] all(final int shardCount)
    {
        checkShardCount(shardCount);
        final int[] shards = new int[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            shards[i] = i;
        }
        return shards;
    }

    /**
     * Formats shard ids as a spec that {@link #parse} reads back: runs of consecutive ids become ranges.
     *
     * @param shards shard ids, ascending, without duplicates
     * @return e.g. {@code "0..3, 8, 9"} (empty for no ids)
     */
    public static String format(final int[] shards)
    {
        final StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < shards.length)
        {
            int j = i;
            while (j + 1 < shards.length && shards[j + 1] == shards[j] + 1)
            {
                j++;
            }
            if (text.length() > 0)
            {
                text.append(", ");
            }
            text.append(shards[i]);
            if (j > i + 1)
            {
                text.append(RANGE).append(shards[j]);
            }
            else if (j == i + 1)
            {
                text.append(", ").append(shards[j]);
            }
            i = j + 1;
        }
        return text.toString();
    }

    static void checkShardCount(final int shardCount)
    {
        if (shardCount < 1 || shardCount > Protocol.MAX_SHARD_COUNT)
        {
            throw new IllegalArgumentException("shardCount " + shardCount + " not in 1.." + Protocol.MAX_SHARD_COUNT);
        }
    }

    private static int number(final String text, final String item, final String spec)
    {
        if (text.isEmpty())
        {
            throw new IllegalArgumentException(
                "malformed item \"" + item + "\" in shard spec \"" + spec + "\" (expected N or N..M)");
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new IllegalArgumentException(
                    "malformed item \"" + item + "\" in shard spec \"" + spec + "\" (expected N or N..M)");
            }
        }
        if (text.length() > MAX_DIGITS)
        {
            throw new IllegalArgumentException(
                "shard " + text + " in \"" + item + "\" out of range in shard spec \"" + spec + "\"");
        }
        return Integer.parseInt(text);
    }
}
