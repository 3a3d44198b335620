"""Clients of the gateway on the Python package websockets (Debian's python3-websockets).

    /usr/bin/python3 python_websockets_client.py URL JSON_TOKEN BINARY_TOKEN

One client speaks rollcall.json.v1 (identify with an initial presence, subscribe, update,
heartbeat, get_clients, a WebSocket ping), another rollcall.binary.v1 with frames built here
from docs/protocol.md (an IDENTIFY split over two messages, the second also carrying a
HEARTBEAT, then an UPDATE that the JSON client sees). Prints one JSON object a line on stdout
({"event": ..., ...}) for InteropPythonWebsocketsTest; ends with {"event": "done"} (exit 0)
or {"event": "failed"} (exit 1).
"""

import asyncio
import json
import struct
import sys
import traceback

import websockets

WAIT_S = 5

URL, JSON_TOKEN, BINARY_TOKEN = sys.argv[1:4]

# Binary protocol ops (docs/protocol.md).
HELLO, READY, HEARTBEAT_ACK, RESULT, ERROR, CLOSE = 0x01, 0x02, 0x03, 0x06, 0x07, 0x09
IDENTIFY, HEARTBEAT, UPDATE = 0x20, 0x22, 0x23


def report(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def frame(op, body):
    return struct.pack("<iB", 1 + len(body), op) + body


def string(text):
    data = text.encode("utf-8")
    return struct.pack("<H", len(data)) + data


class JsonClient:
    """A rollcall.json.v1 connection: JSON text messages, handed out by op."""

    def __init__(self, ws):
        self.ws = ws
        self.pending = []

    async def send(self, message):
        await self.ws.send(json.dumps(message))

    async def next(self, op):
        """The next message with that op; others before it wait in pending for their turn."""
        for message in self.pending:
            if message["op"] == op:
                self.pending.remove(message)
                return message
        while True:
            data = await asyncio.wait_for(self.ws.recv(), WAIT_S)
            if not isinstance(data, str):
                raise AssertionError("a binary message on rollcall.json.v1: %r" % data)
            message = json.loads(data)
            if message["op"] == op:
                return message
            self.pending.append(message)


class BinaryClient:
    """A rollcall.binary.v1 connection: protocol frames in binary messages, whatever their boundaries."""

    def __init__(self, ws):
        self.ws = ws
        self.buffer = b""

    async def next(self):
        while len(self.buffer) < 4 or len(self.buffer) < 4 + struct.unpack_from("<i", self.buffer)[0]:
            data = await asyncio.wait_for(self.ws.recv(), WAIT_S)
            if not isinstance(data, bytes):
                raise AssertionError("a text message on rollcall.binary.v1: %r" % data)
            self.buffer += data
        length = struct.unpack_from("<i", self.buffer)[0]
        op, body = self.buffer[4], self.buffer[5:4 + length]
        self.buffer = self.buffer[4 + length:]
        if op in (ERROR, CLOSE):
            raise AssertionError("server sent op %d: %r" % (op, body))
        return op, body


def extensions(ws):
    headers = getattr(ws, "response_headers", None)
    if headers is None:
        headers = ws.response.headers
    return headers.get("Sec-WebSocket-Extensions")


async def main():
    report("websockets", version=websockets.__version__)
    async with websockets.connect(URL, subprotocols=["rollcall.json.v1"], open_timeout=WAIT_S) as json_ws, \
            websockets.connect(URL, subprotocols=["rollcall.binary.v1"], open_timeout=WAIT_S) as binary_ws:
        # JSON: identify with an initial presence.
        watcher = JsonClient(json_ws)
        report("connected", client="json", subprotocol=json_ws.subprotocol, extensions=extensions(json_ws))
        hello = await watcher.next("hello")
        report("hello", client="json", version=hello["version"], heartbeatIntervalMs=hello["heartbeatIntervalMs"])
        await watcher.send({"op": "identify", "version": 1, "token": JSON_TOKEN, "presence": {"status": "DND"}})
        ready = await watcher.next("ready")
        report("ready", client="json", userId=ready["userId"], sessionId=ready["sessionId"], seq=ready["seq"])

        # Binary: HELLO, then IDENTIFY split over two messages, the second ending with a HEARTBEAT.
        player = BinaryClient(binary_ws)
        report("connected", client="binary", subprotocol=binary_ws.subprotocol, extensions=extensions(binary_ws))
        op, body = await player.next()
        version, heartbeat_ms, max_frame = struct.unpack_from("<HII", body)
        report("hello", client="binary", op=op, version=version, heartbeatIntervalMs=heartbeat_ms, maxFrameSize=max_frame)
        identify = frame(IDENTIFY, struct.pack("<H", 1) + string(BINARY_TOKEN) + struct.pack("<H?", 0, False))
        await binary_ws.send(identify[:7])
        await binary_ws.send(identify[7:] + frame(HEARTBEAT, struct.pack("<q", 0)))
        op, body = await player.next()
        session_id, user_id, seq = struct.unpack("<qqq", body)
        report("ready", client="binary", op=op, userId=user_id, sessionId=str(session_id), seq=seq)
        op, body = await player.next()
        report("heartbeat_ack", client="binary", op=op, seq=struct.unpack("<q", body)[0])

        # JSON: watch itself and the binary client, then update.
        await watcher.send({"op": "subscribe", "requestId": 1, "clients": [ready["userId"], user_id]})
        report("result", client="json", **(await watcher.next("result")))
        await watcher.send({"op": "update", "requestId": 2, "reason": "from python",
                            "changes": {"afk": True, "attributes": {"game": "chess"}}})
        report("result", client="json", **(await watcher.next("result")))
        report("dispatch", client="json", **(await watcher.next("dispatch")))

        # Binary: status IDLE (UPDATE group 1, changes mask bit 0 = status, code 1 = IDLE).
        await binary_ws.send(frame(UPDATE, struct.pack("<IB", 7, 1) + string("from python bytes") + struct.pack("<HB", 1, 1)))
        op, body = await player.next()
        request_id, result = struct.unpack("<IB", body)
        report("result", client="binary", op=op, requestId=request_id, result=result)
        report("dispatch", client="json", **(await watcher.next("dispatch")))

        # JSON: heartbeat with the last seq seen, query both clients, a WebSocket ping.
        await watcher.send({"op": "heartbeat", "lastSeq": 2})
        report("heartbeat_ack", client="json", seq=(await watcher.next("heartbeat_ack"))["seq"])
        await watcher.send({"op": "get_clients", "requestId": 3, "userIds": [ready["userId"], user_id]})
        report("clients", client="json", **(await watcher.next("clients")))
        pong = await json_ws.ping(b"python ping")
        await asyncio.wait_for(pong, WAIT_S)
        report("pong", client="json")
        report("unread", client="json", messages=watcher.pending)

        await binary_ws.close()
        await json_ws.close()
    report("closed", client="json", code=json_ws.close_code)
    report("closed", client="binary", code=binary_ws.close_code)
    report("done")


try:
    asyncio.run(asyncio.wait_for(main(), 15))
except BaseException:
    report("failed", message=traceback.format_exc())
    sys.exit(1)
