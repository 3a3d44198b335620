/**
 * The Java client of Rollcall: speaks the gateway's wire protocol (docs/protocol.md) over TCP.
 *
 * <ul>
 * <li>{@link dev.rollcall.client.RollcallClient}: one connection: identify, heartbeats, automatic resume after a
 * drop, commands returning {@link java.util.concurrent.CompletableFuture}s, events as a
 * {@link java.util.concurrent.Flow.Publisher} with real backpressure. Configured by
 * {@link dev.rollcall.client.RollcallClient.Builder}.</li>
 * <li>{@link dev.rollcall.client.ShardedClient}: one connection per firehose shard, events merged; the shard subset
 * is parsed by {@link dev.rollcall.client.ShardSpec}.</li>
 * <li>Values: {@link dev.rollcall.client.PresenceDispatch} (an event), {@link dev.rollcall.client.ClientSnapshot},
 * {@link dev.rollcall.client.ClientIdPage}, {@link dev.rollcall.client.ServerHello}, {@link dev.rollcall.client.ServerStats}
 * (an observer's {@code stats()}); presences and their changes
 * are the model module's {@link dev.rollcall.model.Changes} (statuses {@link dev.rollcall.model.Status}), results
 * its {@link dev.rollcall.model.Result}, event types its {@link dev.rollcall.model.EventType}: the one vocabulary
 * the server uses too.</li>
 * <li>Failures: {@link dev.rollcall.client.RollcallException} (with the server's code),
 * {@link dev.rollcall.client.NotConnectedException} (command while not ready: never queued),
 * {@link dev.rollcall.client.ConnectionLostException} (answer lost in a drop).</li>
 * </ul>
 *
 * <p>Threads: one non-blocking I/O thread per client (per sharded client) runs the sockets and timers; command
 * futures complete on it (keep dependent stages non-blocking); events are delivered on a separate delivery thread.
 *
 * <pre>{@code
 * RollcallClient client = RollcallClient.builder()
 *     .host("localhost").port(7450)
 *     .token(token)
 *     .presence(new Changes().status(Status.ONLINE))
 *     .build();
 * client.events().subscribe(new Flow.Subscriber<PresenceDispatch>()
 * {
 *     private Flow.Subscription subscription;
 *
 *     public void onSubscribe(Flow.Subscription s) { subscription = s; s.request(64); }
 *     public void onNext(PresenceDispatch event) { handle(event); subscription.request(1); }
 *     public void onError(Throwable failure) { failure.printStackTrace(); }
 *     public void onComplete() { }
 * });
 * client.start().join();                                   // READY
 * client.subscribe(new long[] {42, 43}, null).join();      // Result.APPLIED
 * List<ClientSnapshot> clients = client.getClients(42, 43).join();
 * client.update(new Changes().afk(true), "away").join();
 * client.close();
 * }</pre>
 */
package dev.rollcall.client;
