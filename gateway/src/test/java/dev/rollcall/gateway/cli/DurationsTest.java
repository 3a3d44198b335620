package dev.rollcall.gateway.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one duration syntax: units ms to d, fractions that come to whole milliseconds, 0; every
 * refusal says why.
 */
class DurationsTest
{
    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "0s, 0",
        "0ms, 0",
        "0.0s, 0",
        "1ms, 1",
        "6000ms, 6000",
        "1.5s, 1500",
        "0.001s, 1",
        "30s, 30000",
        "0.5m, 30000",
        "5m, 300000",
        "1.25h, 4500000",
        "7d, 604800000",
        "' 30s ', 30000",
        "106751991167d, 9223372036828800000",
        "9223372036854775807ms, 9223372036854775807"})
    void shouldParseADuration(final String text, final long expectedMs)
    {
        assertThat(Durations.parseMs(text)).isEqualTo(expectedMs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty",
        "' '|empty",
        "-5s|negative",
        "-0|negative",
        "5|no unit: add ms, s, m, h or d (e.g. 5s)",
        "1.5|no unit",
        "5w|unknown unit 'w'",
        "5M|unknown unit 'M'",
        "5S|unknown unit 'S'",
        "5 s|unknown unit ' s'",
        "1.5ms|finer than a millisecond",
        "0.0001s|finer than a millisecond",
        "s|not a duration",
        "abc|not a duration",
        ".5s|not a duration",
        "5.s|not a duration",
        "1.2.3s|not a duration",
        "1e3s|unknown unit 'e3s'",
        "106751991168d|too long",
        "9223372036854775808ms|too long",
        "99999999999999999999999999999999s|too long"})
    void shouldRefuseWhatIsNotADurationSayingWhy(final String text, final String reason)
    {
        assertThatThrownBy(() -> Durations.parseMs(text))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(reason);
    }

    @Test
    void shouldRefuseNull()
    {
        assertThatThrownBy(() -> Durations.parseMs(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void shouldFormatForReports()
    {
        assertThat(Durations.format(250)).isEqualTo("250ms");
        assertThat(Durations.format(30_000)).isEqualTo("30s");
        assertThat(Durations.format(1_500)).isEqualTo("1.500s");
    }
}
