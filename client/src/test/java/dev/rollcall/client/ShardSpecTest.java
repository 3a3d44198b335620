package dev.rollcall.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardSpecTest
{
    static Stream<Arguments> validSpecs()
    {
        return Stream.of(
            Arguments.of("0..3, 8, 9", new int[] {0, 1, 2, 3, 8, 9}),
            Arguments.of("5", new int[] {5}),
            Arguments.of("  5  ", new int[] {5}),
            Arguments.of("0..0", new int[] {0}),
            Arguments.of("15", new int[] {15}),
            Arguments.of("9, 0..2", new int[] {0, 1, 2, 9}),
            Arguments.of("0 .. 3", new int[] {0, 1, 2, 3}),
            Arguments.of("0..15", new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
            Arguments.of("1,3,5", new int[] {1, 3, 5}),
            Arguments.of("007", new int[] {7}));
    }

    @ParameterizedTest
    @MethodSource("validSpecs")
    void shouldParseValidSpecs(final String spec, final int[] expected)
    {
        assertThat(ShardSpec.parse(spec, 16)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ",", "1,", ",1", "1,,2", "a", "-1", "+1", "1..", "..2", "1...3", "1..2..3", "1 2",
        "0x1", "1.5", "16", "0..16", "3..1", "1, 1", "0..3, 2", "2..4, 0..2", "99999999999", "1..99999999999"})
    void shouldRejectInvalidSpecs(final String spec)
    {
        assertThatThrownBy(() -> ShardSpec.parse(spec, 16))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("shard");
    }

    @Test
    void shouldExplainWhatIsWrong()
    {
        assertThatThrownBy(() -> ShardSpec.parse("0..3, 20", 16)).hasMessageContaining("out of range 0..15");
        assertThatThrownBy(() -> ShardSpec.parse("3..1", 16)).hasMessageContaining("reversed range");
        assertThatThrownBy(() -> ShardSpec.parse("0..3, 3", 16)).hasMessageContaining("shard 3 listed twice");
        assertThatThrownBy(() -> ShardSpec.parse("1..x", 16)).hasMessageContaining("malformed item \"1..x\"");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 4097})
    void shouldRejectBadShardCounts(final int shardCount)
    {
        assertThatThrownBy(() -> ShardSpec.parse("0", shardCount)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardSpec.all(shardCount)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFormatWhatItParses()
    {
        final int[] shards = {0, 1, 2, 3, 5, 6, 8, 10, 11, 12};

        final String text = ShardSpec.format(shards);

        assertThat(text).isEqualTo("0..3, 5, 6, 8, 10..12");
        assertThat(ShardSpec.parse(text, 16)).containsExactly(shards);
        assertThat(ShardSpec.all(3)).containsExactly(0, 1, 2);
    }
}
