package dev.rollcall.core;

import dev.rollcall.model.Changes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's attributes, kept compactly (key beside string value, long values in a second
 * array made on first need), behave as an insertion-ordered map of strings and longs.
 */
class AttributeMapTest
{
    @Test
    void shouldBehaveAsAnInsertionOrderedMapOfStringsAndLongs()
    {
        final long seed = new SplittableRandom().nextLong();
        final SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 200; run++)
        {
            final AttributeMap map = new ClientExtras();
            final Map<String, Object> reference = new LinkedHashMap<>();
            for (int step = 0; step < 200; step++)
            {
                final String key = "k" + random.nextInt(12);
                final int action = random.nextInt(10);
                if (action < 4)
                {
                    final String value = "v" + random.nextInt(5);
                    map.put(key, Changes.ATTRIBUTE_STRING, value, 0);
                    reference.put(key, value);
                }
                else if (action < 7)
                {
                    final long value = random.nextLong(-3, 4);
                    map.put(key, Changes.ATTRIBUTE_LONG, null, value);
                    reference.put(key, value);
                }
                else if (action < 9)
                {
                    map.remove(key);
                    reference.remove(key);
                }
                else if (random.nextInt(10) == 0)
                {
                    map.clear();
                    reference.clear();
                }
                assertSame(map, reference, seed);
            }
        }
    }

    private static void assertSame(final AttributeMap map, final Map<String, Object> reference, final long seed)
    {
        assertThat(map.count).as("seed %d", seed).isEqualTo(reference.size());
        final List<String> keys = new ArrayList<>(reference.keySet());
        final Changes appended = new Changes();
        map.appendTo(appended);
        assertThat(appended.attributeCount()).isEqualTo(keys.size());
        for (int i = 0; i < keys.size(); i++)
        {
            final String key = keys.get(i);
            final Object value = reference.get(key);
            final boolean isString = value instanceof String;
            final byte kind = isString ? Changes.ATTRIBUTE_STRING : Changes.ATTRIBUTE_LONG;
            assertThat(map.key(i)).as("seed %d", seed).isEqualTo(key);
            assertThat(map.indexOf(key)).isEqualTo(i);
            assertThat(map.kind(i)).isEqualTo(kind);
            assertThat(map.string(i)).isEqualTo(isString ? value : null);
            assertThat(map.longValue(i)).isEqualTo(isString ? 0L : (long)(Long)value);
            assertThat(map.holds(key, kind, isString ? (String)value : null, isString ? 0 : (Long)value)).isTrue();
            assertThat(map.holds(key, kind, isString ? value + "x" : null, isString ? 0 : (Long)value + 1)).isFalse();
            assertThat(appended.attributeKey(i)).isEqualTo(key);
            assertThat(appended.attributeKind(i)).isEqualTo(kind);
            assertThat(appended.attributeString(i)).isEqualTo(isString ? value : null);
            assertThat(appended.attributeLong(i)).isEqualTo(isString ? 0L : (long)(Long)value);
        }
        assertThat(map.indexOf("absent")).isEqualTo(-1);
    }
}
