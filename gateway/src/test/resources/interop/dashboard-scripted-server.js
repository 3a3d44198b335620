// A scripted Rollcall server inside the page: replaces the browser's WebSocket with one that answers the
// dashboard's JSON messages (docs/protocol.md, "JSON encoding" and "Observers") from a table of clients the
// test changes through window.scriptedServer. It checks the page's own logic (loading, dispatches, grace
// countdowns, lobbies, rates) whatever the real server does; InteropChromiumDashboardTest serves it before
// the dashboard's script.
(() => {
  "use strict";
  const GRACE_MS = 4000;
  const FULL_STATE = { status: "ONLINE", afk: false, inGame: false, partyId: 0, lobbyId: 0, ready: false, player: false,
    playerNumber: 0, teamNumber: 0, teamColour: 0, sync: 0, lobbyHost: false };
  const clients = new Map();
  const sockets = [];
  const timers = new Map();
  const counters = { core_inputs_processed: 18240, core_commands_refused: 12, gateway_connections_open: 0,
    gateway_identifies: 310, gateway_resumes: 17, gateway_events_dispatched: 52311, gateway_protocol_errors: 3,
    gateway_slow_consumers: 0, gateway_errors_rate_limited: 1 };
  let seq = 0;

  class ScriptedWebSocket {
    constructor(url, protocol) {
      this.url = url;
      this.protocol = protocol;
      this.readyState = 0;
      sockets.push(this);
      window.scriptedServer.urls.push(url + " " + protocol);
      setTimeout(() => {
        this.readyState = 1;
        this.deliver({ op: "hello", version: 1, heartbeatIntervalMs: 30000, maxFrameSize: 4096, rateLimitCommands: 120,
          rateLimitWindowMs: 60000, identifyTimeoutMs: 10000 });
      }, 10);
    }

    deliver(message) {
      setTimeout(() => {
        if (this.readyState === 1 && this.onmessage) {
          this.onmessage({ data: JSON.stringify(message) });
        }
      }, 0);
    }

    send(text) {
      const message = JSON.parse(text);
      window.scriptedServer.received.push(message);
      answer(this, message);
    }

    close() {
      this.readyState = 3;
    }
  }
  ScriptedWebSocket.CONNECTING = 0;
  ScriptedWebSocket.OPEN = 1;
  ScriptedWebSocket.CLOSING = 2;
  ScriptedWebSocket.CLOSED = 3;

  function answer(socket, message) {
    switch (message.op) {
      case "identify":
        socket.deliver({ op: "ready", sessionId: "5764607523034234881", userId: 1, seq: 0 });
        break;
      case "heartbeat":
        socket.deliver({ op: "heartbeat_ack", seq: seq });
        break;
      case "list_client_ids": {
        const ids = [...clients.keys()].filter((id) => id > Number(message.after)).sort((a, b) => a - b).slice(0, message.limit);
        socket.deliver({ op: "client_ids", requestId: message.requestId,
          nextCursor: ids.length === message.limit ? ids[ids.length - 1] : 0, ids: ids });
        break;
      }
      case "get_clients":
        socket.deliver({ op: "clients", requestId: message.requestId, clients: message.userIds.map((id) => {
          const client = clients.get(Number(id));
          return client ? { userId: client.userId, present: true, connected: client.connected,
            lastDisconnected: client.lastDisconnected, updateId: client.updateId, state: Object.assign({}, client.state) } :
            { userId: id, present: false };
        }) });
        break;
      case "get_stats":
        counters.gateway_connections_open = [...clients.values()].filter((c) => c.connected).length + 1;
        socket.deliver({ op: "stats", requestId: message.requestId, nowMs: Date.now(), gracePeriodMs: GRACE_MS,
          counters: Object.assign({}, counters) });
        break;
      default:
        socket.deliver({ op: "error", requestId: message.requestId || 0, code: 4024, name: "OBSERVER_READ_ONLY",
          message: "an observer changes nothing" });
        break;
    }
  }

  function dispatch(type, client, changes, time) {
    seq++;
    counters.gateway_events_dispatched++;
    counters.core_inputs_processed++;
    for (const socket of sockets) {
      socket.deliver({ op: "dispatch", seq: seq, type: type, userId: client.userId, updateId: client.updateId, lobbyId: 0,
        time: time, reason: type === "CLIENT_UPDATED" ? "scripted" : null, changes: changes });
    }
  }

  function connect(userId, presence) {
    clearTimeout(timers.get(userId));
    const known = clients.get(userId);
    if (known) {
      known.connected = true;
      known.updateId++;
      dispatch("CLIENT_CONNECTED", known, {}, Date.now());
      return;
    }
    const client = { userId: userId, connected: true, lastDisconnected: 0, updateId: 1,
      state: Object.assign({}, FULL_STATE, presence || {}) };
    clients.set(userId, client);
    counters.gateway_identifies++;
    dispatch("CLIENT_CONNECTED", client, Object.assign({}, client.state), Date.now());
  }

  function update(userId, changes) {
    const client = clients.get(userId);
    Object.assign(client.state, changes);
    client.updateId++;
    dispatch("CLIENT_UPDATED", client, changes, Date.now());
  }

  function disconnect(userId) {
    const client = clients.get(userId);
    client.connected = false;
    client.lastDisconnected = Date.now();
    client.updateId++;
    dispatch("CLIENT_DISCONNECTED", client, {}, client.lastDisconnected);
    expireAt(client, client.lastDisconnected + GRACE_MS);
  }

  function expireAt(client, deadline) {
    timers.set(client.userId, setTimeout(() => {
      clients.delete(client.userId);
      client.updateId++;
      dispatch("CLIENT_DESTROYED", client, {}, deadline);
    }, Math.max(0, deadline - Date.now())));
  }

  window.scriptedServer = {
    received: [],
    urls: [],
    graceMs: GRACE_MS,
    connect: connect,
    update: update,
    disconnect: disconnect,
    refuse: (count) => { counters.core_commands_refused += count; }
  };
  window.WebSocket = ScriptedWebSocket;

  // what the table holds before the page loads it
  const seed = [
    [7, { status: "ONLINE", lobbyId: 3, lobbyHost: true, ready: true, player: true }],
    [8, { status: "IDLE", lobbyId: 3, player: true }],
    [11, { status: "DND", inGame: true }],
    [12, { status: "ONLINE", lobbyId: 5, lobbyHost: true, inGame: true }],
    [15, { status: "IDLE", afk: true }],
    [21, { status: "ONLINE", lobbyId: 5, ready: true }],
    [23, { status: "INVISIBLE" }],
    [30, { status: "ONLINE", partyId: 2 }],
    [31, { status: "ONLINE", partyId: 2, lobbyId: 3, ready: true }]
  ];
  for (const [userId, presence] of seed) {
    clients.set(userId, { userId: userId, connected: true, lastDisconnected: 0, updateId: 1,
      state: Object.assign({}, FULL_STATE, presence) });
  }
  const leaving = { userId: 19, connected: false, lastDisconnected: Date.now() - 1000, updateId: 2,
    state: Object.assign({}, FULL_STATE, { lobbyId: 5 }) };
  clients.set(19, leaving);
  expireAt(leaving, leaving.lastDisconnected + GRACE_MS);
})();
