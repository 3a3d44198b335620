"use strict";
// Several clients of the gateway's JSON subprotocol (rollcall.json.v1) on the npm package ws 8.x,
// a strict RFC 6455 implementation: it fails a connection on masked server frames, RSV bits,
// invalid UTF-8 in text and close frames, and close codes RFC 6455 does not allow.
//
//   node node-ws-clients.js '{"url":"ws://127.0.0.1:PORT/rollcall","tokens":{"alice":"...","bob":"...","player":"...","rude":"..."}}'
//
// InteropNodeWsTest runs a copy of it beside the node_modules where it installed ws 8 (the
// script reports the version it loaded), and asserts on what it prints: one JSON object a line
// on stdout ({"event": ..., ...}), ending with {"event":"done"} (exit 0) or
// {"event":"failed"} (exit 1).

const WebSocket = require("ws");

const config = JSON.parse(process.argv[2]);
const SUBPROTOCOL = "rollcall.json.v1";
const WAIT_MS = 5000;

const report = (event, fields) => process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");

setTimeout(() => {
  report("failed", { message: "the script's own 15 s guard passed" });
  process.exit(1);
}, 15000).unref();

// One connection: queues the messages it receives and hands them out by op.
function connect(name) {
  const ws = new WebSocket(config.url, SUBPROTOCOL);
  const queue = [];
  const client = { name, ws, waiter: null, errors: [] };
  client.opened = new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  client.closed = new Promise((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") }));
  });
  ws.on("error", (error) => {
    client.errors.push(error.message);
    report("ws_error", { client: name, message: error.message, code: error.code || null });
  });
  ws.on("message", (data, isBinary) => {
    let message;
    try {
      message = isBinary ? { op: "<binary message>" } : JSON.parse(data.toString("utf8"));
    } catch (error) {
      message = { op: "<invalid JSON>", text: data.toString("utf8") };
    }
    queue.push(message);
    if (client.waiter) client.waiter();
  });
  client.send = (message) => ws.send(JSON.stringify(message));
  // The next message with that op; others before it are skipped (and named if it never comes).
  client.next = (op) => new Promise((resolve, reject) => {
    const skipped = [];
    const timer = setTimeout(() => {
      client.waiter = null;
      reject(new Error(name + ": no " + op + " within " + WAIT_MS + " ms; skipped " + JSON.stringify(skipped)));
    }, WAIT_MS);
    const take = () => {
      while (queue.length > 0) {
        const message = queue.shift();
        if (message.op === op) {
          clearTimeout(timer);
          client.waiter = null;
          resolve(message);
          return true;
        }
        skipped.push(message);
      }
      return false;
    };
    if (!take()) client.waiter = take;
  });
  client.closedWithin = () => Promise.race([
    client.closed,
    new Promise((resolve, reject) => setTimeout(() => reject(new Error(name + ": not closed within " + WAIT_MS + " ms")), WAIT_MS)),
  ]);
  return client;
}

async function identified(name) {
  const client = connect(name);
  await client.opened;
  const hello = await client.next("hello");
  client.send({ op: "identify", version: 1, token: config.tokens[name] });
  const ready = await client.next("ready");
  client.userId = ready.userId;
  report("ready", {
    client: name, protocol: client.ws.protocol, userId: ready.userId, sessionId: ready.sessionId,
    heartbeatIntervalMs: hello.heartbeatIntervalMs,
  });
  return client;
}

async function main() {
  report("ws", { version: require("ws/package.json").version });
  const [alice, bob, player] = await Promise.all(["alice", "bob", "player"].map(identified));

  // Two watchers subscribe to the player; bob's subscribe goes out in two fragments.
  alice.send({ op: "subscribe", requestId: 1, clients: [player.userId] });
  const subscribe = Buffer.from(JSON.stringify({ op: "subscribe", requestId: 2, clients: [player.userId] }), "utf8");
  bob.ws.send(subscribe.subarray(0, 10), { binary: false, fin: false });
  bob.ws.send(subscribe.subarray(10), { binary: false, fin: true });
  for (const watcher of [alice, bob]) {
    const result = await watcher.next("result");
    report("subscribed", { client: watcher.name, requestId: result.requestId, result: result.result });
  }

  // The player sets its status and an attribute; the update is sent as three fragments whose
  // boundaries fall inside multi-byte UTF-8 characters, and the dispatch it causes (over 125
  // bytes: a 16-bit payload length) goes to both watchers.
  const update = Buffer.from(JSON.stringify({
    op: "update", requestId: 3, reason: "caf\u00e9 \u2615 break",
    changes: { status: "IDLE", attributes: { map: "dune", motto: "\u00e9".repeat(60) } },
  }), "utf8");
  const cafe = update.indexOf(Buffer.from("\u00e9", "utf8"));
  const cup = update.indexOf(Buffer.from("\u2615", "utf8"));
  player.ws.send(update.subarray(0, cafe + 1), { binary: false, fin: false });
  player.ws.send(update.subarray(cafe + 1, cup + 2), { binary: false, fin: false });
  player.ws.send(update.subarray(cup + 2), { binary: false, fin: true });
  const updated = await player.next("result");
  report("updated", { client: "player", requestId: updated.requestId, result: updated.result });
  for (const watcher of [alice, bob]) {
    report("dispatch", { client: watcher.name, dispatch: await watcher.next("dispatch") });
  }

  // A WebSocket ping is answered with a pong carrying the same payload.
  const pong = new Promise((resolve) => alice.ws.once("pong", (data) => resolve(data.toString("utf8"))));
  alice.ws.ping("are you there?");
  report("pong", { client: "alice", payload: await Promise.race([pong, new Promise((resolve) => setTimeout(() => resolve(null), WAIT_MS))]) });

  // A server message over 65535 bytes (a 64-bit payload length): alice fills her attributes,
  // then asks for her own state 24 times in one get_clients.
  const attributes = {};
  for (let i = 0; i < 12; i++) attributes["a" + i] = String(i % 10).repeat(250);
  alice.send({ op: "update", requestId: 5, reason: "big", changes: { attributes } });
  const filled = await alice.next("result");
  alice.send({ op: "get_clients", requestId: 6, userIds: new Array(24).fill(alice.userId) });
  const clients = await alice.next("clients");
  report("big", {
    client: "alice", result: filled.result, bytes: Buffer.byteLength(JSON.stringify(clients), "utf8"),
    count: clients.clients.length,
    complete: clients.clients.every((c) => c.userId === alice.userId && JSON.stringify(c.state.attributes) === JSON.stringify(attributes)),
  });

  // Malformed JSON: the server answers with an error, a close message and a close frame with code 4002.
  const rude = await identified("rude");
  rude.ws.send("{\"op\":\"update\",\"requestId\":4,");
  const error = await rude.next("error");
  const close = await rude.next("close");
  const rudeClosed = await rude.closedWithin();
  report("rude", {
    errorCode: error.code, errorName: error.name, closeMessageCode: close.code,
    closeCode: rudeClosed.code, closeReason: rudeClosed.reason, wsErrors: rude.errors,
  });

  // A clean close from the client: the server echoes its code; the watchers see the player go.
  player.ws.close(1000, "bye");
  const playerClosed = await player.closedWithin();
  report("client_close", { client: "player", code: playerClosed.code, reason: playerClosed.reason, wsErrors: player.errors });
  for (const watcher of [alice, bob]) {
    report("dispatch", { client: watcher.name, dispatch: await watcher.next("dispatch") });
  }
  for (const watcher of [alice, bob]) {
    watcher.ws.close(1000, "done");
    const closed = await watcher.closedWithin();
    report("client_close", { client: watcher.name, code: closed.code, reason: closed.reason, wsErrors: watcher.errors });
  }
  report("done", {});
}

main().then(() => process.exit(0), (error) => {
  report("failed", { message: String(error && error.stack || error) });
  process.exit(1);
});
