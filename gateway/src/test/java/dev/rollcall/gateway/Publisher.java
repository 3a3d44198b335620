package dev.rollcall.gateway;

import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import dev.rollcall.protocol.Protocol;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test client's user that publishes updates of its attribute "blob" = "n:padding" and waits
 * for their results, so watchers can check they received every event, in order.
 */
final class Publisher
{
    private final RawClient client;
    volatile int published;

    Publisher(final RawClient client)
    {
        this.client = client;
    }

    /**
     * Publish 1.5 KB updates, one at a time, until the gateway counts a slow consumer (a watcher
     * that stopped reading), failing after 20,000.
     *
     * @param gateway the gateway the publisher is connected to.
     */
    void untilSlowConsumer(final Gateway gateway) throws Exception
    {
        while (gateway.counter(GatewayCounter.SLOW_CONSUMERS) == 0)
        {
            assertThat(published).as("events published with no slow consumer detected").isLessThan(20_000);
            publish(1, 1_500);
        }
    }

    /** One update at a time: each is sent when the previous one has its result. */
    void publish(final int count, final int padding) throws Exception
    {
        final String pad = "x".repeat(padding);
        for (int i = 0; i < count; i++)
        {
            final int n = published + 1;
            client.writer().update(n, Protocol.GROUP_STANDARD, "load", new Changes().attribute("blob", n + ":" + pad));
            client.flush();
            assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(n, Result.APPLIED));
            published = n;
        }
    }

    /** All the updates in one write, then their results. */
    void burst(final int count, final int padding) throws Exception
    {
        final String pad = "x".repeat(padding);
        final int first = published + 1;
        for (int n = first; n < first + count; n++)
        {
            client.writer().update(n, Protocol.GROUP_STANDARD, "load", new Changes().attribute("blob", n + ":" + pad));
            if ((n - first) % 200 == 199)
            {
                client.flush();
            }
        }
        client.flush();
        for (int n = first; n < first + count; n++)
        {
            assertThat(client.next()).isEqualTo(new RawClient.ResultFrame(n, Result.APPLIED));
        }
        published = first + count - 1;
    }
}
