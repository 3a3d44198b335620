package dev.rollcall.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest
{
    @Test
    void shouldDoubleUpToTheMaximumWithoutJitter()
    {
        final Backoff backoff = new Backoff(100, 1_000, false);

        assertThat(backoff.delayNanos(0)).isEqualTo(100);
        assertThat(backoff.delayNanos(1)).isEqualTo(200);
        assertThat(backoff.delayNanos(3)).isEqualTo(800);
        assertThat(backoff.delayNanos(4)).isEqualTo(1_000);
        assertThat(backoff.delayNanos(Integer.MAX_VALUE)).isEqualTo(1_000);
    }

    @Test
    void shouldDrawJitteredDelaysFromTheUpperHalf()
    {
        final Backoff backoff = new Backoff(100, 1_000, true);

        for (int attempt = 0; attempt < 100; attempt++)
        {
            final long ceiling = Math.min(1_000, 100L << Math.min(attempt, 20));
            assertThat(backoff.delayNanos(attempt)).isBetween(ceiling / 2, ceiling);
        }
    }
}
