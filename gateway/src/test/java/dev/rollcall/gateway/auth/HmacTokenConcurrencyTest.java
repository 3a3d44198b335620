package dev.rollcall.gateway.auth;

import static dev.rollcall.gateway.auth.TestTokens.LATER;
import static dev.rollcall.gateway.auth.TestTokens.NOW;
import static dev.rollcall.gateway.auth.TestTokens.OTHER_SECRET;
import static dev.rollcall.gateway.auth.TestTokens.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class HmacTokenConcurrencyTest
{
    private static final int THREADS = 4;
    private static final int TOKENS_PER_THREAD = 2_000;

    @Test
    void shouldAuthenticateCorrectlyFromSeveralThreadsAtOnce() throws Exception
    {
        final HmacTokenAuthenticator authenticator = new HmacTokenAuthenticator(SECRET);
        final HmacTokens tokens = new HmacTokens(SECRET);
        final HmacTokens forger = new HmacTokens(OTHER_SECRET);
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try
        {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final long base = 1_000_000L * (t + 1);
                results.add(executor.submit(() ->
                {
                    start.await();
                    int correct = 0;
                    for (int i = 0; i < TOKENS_PER_THREAD; i++)
                    {
                        final long userId = base + i;
                        final Role role = Role.values()[(i / 3) % Role.values().length]; // every role, genuine and forged
                        final boolean genuine = i % 3 != 0;
                        final AuthOutcome outcome = authenticator.authenticate(
                            (genuine ? tokens : forger).mint(userId, role, LATER + i), NOW);
                        if (genuine
                            ? outcome.isSuccess() && outcome.identity().equals(new Identity(userId, role, LATER + i))
                            : !outcome.isSuccess() && outcome.failure() == AuthFailure.BAD_SIGNATURE)
                        {
                            correct++;
                        }
                    }
                    return correct;
                }));
            }
            start.countDown();

            for (final Future<Integer> result : results)
            {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(TOKENS_PER_THREAD);
            }
        }
        finally
        {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
