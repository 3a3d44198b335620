package dev.rollcall.cluster;

import org.junit.jupiter.api.Test;

import static dev.rollcall.cluster.ResendTimer.FIRST_WAIT_NS;
import static dev.rollcall.cluster.ResendTimer.MAX_WAIT_NS;
import static org.assertj.core.api.Assertions.assertThat;

class ResendTimerTest
{
    private static final long START_NS = 1_000_000_000L;

    private final ResendTimer timer = new ResendTimer();

    @Test
    void shouldOfferAgainOnlyOnceTheFirstWaitPassedWithNoProgress()
    {
        timer.onProgress(START_NS);

        assertThat(timer.isDue(START_NS + FIRST_WAIT_NS - 1)).isFalse();
        assertThat(timer.isDue(START_NS + FIRST_WAIT_NS)).isTrue();
        assertThat(timer.isDue(START_NS + FIRST_WAIT_NS)).as("not twice for one wait").isFalse();
    }

    @Test
    void shouldWaitTwiceAsLongEachTimeUpToTheLongestWait()
    {
        timer.onProgress(START_NS);
        long now = START_NS;
        long wait = FIRST_WAIT_NS;
        for (int offer = 1; offer <= 8; offer++)
        {
            assertThat(timer.isDue(now + wait - 1)).as("offer %d before its wait of %d ns", offer, wait).isFalse();
            assertThat(timer.isDue(now + wait)).as("offer %d after its wait of %d ns", offer, wait).isTrue();
            now += wait;
            wait = Math.min(2 * wait, MAX_WAIT_NS);
        }
        assertThat(wait).isEqualTo(MAX_WAIT_NS);
    }

    @Test
    void shouldStartOverWhenACommandIsApplied()
    {
        timer.onProgress(START_NS);
        assertThat(timer.isDue(START_NS + FIRST_WAIT_NS)).isTrue();

        final long progressNs = START_NS + FIRST_WAIT_NS + 5;
        timer.onProgress(progressNs);

        assertThat(timer.isDue(progressNs + FIRST_WAIT_NS - 1)).as("the wait counts from the progress").isFalse();
        assertThat(timer.isDue(progressNs + FIRST_WAIT_NS)).as("and is the first wait again, not doubled").isTrue();
    }

    @Test
    void shouldGiveANewLeaderTheWholeWaitAfterEverythingWasOfferedToIt()
    {
        timer.onProgress(START_NS);
        // an election longer than the wait: the new leader is offered everything at its end
        final long offeredNs = START_NS + 3 * FIRST_WAIT_NS;
        timer.onOfferedAll(offeredNs);

        assertThat(timer.isDue(offeredNs)).as("not offered a second time at once").isFalse();
        assertThat(timer.isDue(offeredNs + FIRST_WAIT_NS - 1)).isFalse();
        assertThat(timer.isDue(offeredNs + FIRST_WAIT_NS)).isTrue();
    }

    @Test
    void shouldKeepTheTimeOfTheLastProgressThroughOffers()
    {
        timer.onProgress(START_NS);
        assertThat(timer.isDue(START_NS + FIRST_WAIT_NS)).isTrue();
        timer.onOfferedAll(START_NS + 2 * FIRST_WAIT_NS);

        assertThat(timer.lastProgressNs()).as("an offer is no progress: the stall gauge keeps growing").isEqualTo(START_NS);
        timer.onProgress(START_NS + 3 * FIRST_WAIT_NS);
        assertThat(timer.lastProgressNs()).isEqualTo(START_NS + 3 * FIRST_WAIT_NS);
    }
}
