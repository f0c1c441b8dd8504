#!/usr/bin/env python3
"""Interop client: drives the example server with Python's `h2` (hyper-h2, PyPI `h2`).

    python3 xtask/interop/h2_client.py HOST PORT

Runs every scenario on one connection, concurrently, checks each response exactly and
prints one `PASS name` / `FAIL name: why` line per scenario. Exit status 0 only when all
pass. Used by `cargo xtask interop`.
"""
import random
import socket
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings

HELLO = b"Hello from h2-sans-io!\n"
TRAILERS_BODY = b"this body is followed by trailers\n"
PUSH_PAGE = b"this response came with a pushed /pushed.txt\n"
PUSHED_BODY = b"pushed with PUSH_PROMISE\n"


def pattern(n):
    alphabet = b"abcdefghijklmnopqrstuvwxyz"
    return (alphabet * (n // 26 + 1))[:n]


class Exchange:
    def __init__(self, name, path, method="GET", body=b""):
        self.name, self.path, self.method, self.body = name, path, method, body
        self.headers, self.trailers, self.data = {}, {}, bytearray()
        self.done, self.reset, self.pushes = False, None, []


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    rng = random.Random(7)
    upload = bytes(rng.getrandbits(8) for _ in range(3 * 1024 * 1024 + 17))
    scenarios = [
        Exchange("get", "/"),
        Exchange("post-echo-3MiB", "/echo", "POST", upload),
        Exchange("trailers", "/trailers"),
        Exchange("bytes-1MiB", "/bytes/1048576"),
        Exchange("push", "/push"),
        Exchange("not-found", "/missing"),
    ]
    sock = socket.create_connection((host, port), timeout=30)
    config = h2.config.H2Configuration(client_side=True)
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
    conn.increment_flow_control_window(16 << 20)
    streams, pushed = {}, {}
    to_send = {}  # stream id -> remaining body bytes
    authority = f"{host}:{port}"
    for ex in scenarios:
        sid = conn.get_next_available_stream_id()
        headers = [(":method", ex.method), (":scheme", "http"), (":authority", authority),
                   (":path", ex.path), ("user-agent", "python-h2-interop")]
        if ex.body:
            headers.append(("content-length", str(len(ex.body))))
        conn.send_headers(sid, headers, end_stream=not ex.body)
        streams[sid] = ex
        if ex.body:
            to_send[sid] = memoryview(ex.body)

    def pump():
        for sid in list(to_send):
            rest = to_send[sid]
            window = conn.local_flow_control_window(sid)
            n = min(window, len(rest))
            max_frame = conn.max_outbound_frame_size
            while n > 0:
                chunk = min(n, max_frame)
                conn.send_data(sid, rest[:chunk].tobytes())
                rest, n = rest[chunk:], n - chunk
            to_send[sid] = rest
            if not rest:
                conn.end_stream(sid)
                del to_send[sid]

    pump()
    sock.sendall(conn.data_to_send())
    while not all(ex.done for ex in scenarios) or any(not p.done for p in pushed.values()):
        data = sock.recv(65536)
        if not data:
            break
        for event in conn.receive_data(data):
            sid = getattr(event, "stream_id", None)
            ex = streams.get(sid) or pushed.get(sid)
            if isinstance(event, h2.events.ResponseReceived):
                ex.headers = {k.decode(): v.decode() for k, v in event.headers}
            elif isinstance(event, h2.events.TrailersReceived):
                ex.trailers = {k.decode(): v.decode() for k, v in event.headers}
            elif isinstance(event, h2.events.DataReceived):
                ex.data += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, sid)
            elif isinstance(event, h2.events.StreamEnded):
                ex.done = True
            elif isinstance(event, h2.events.StreamReset):
                ex.done, ex.reset = True, event.error_code
            elif isinstance(event, h2.events.PushedStreamReceived):
                hdrs = {k.decode(): v.decode() for k, v in event.headers}
                p = Exchange("pushed", hdrs.get(":path"))
                pushed[event.pushed_stream_id] = p
                streams[event.parent_stream_id].pushes.append(p)
            elif isinstance(event, h2.events.ConnectionTerminated):
                print(f"FAIL connection: terminated {event.error_code}")
                return 1
        pump()
        sock.sendall(conn.data_to_send())
    conn.close_connection()
    sock.sendall(conn.data_to_send())
    sock.close()

    def check(ex):
        status = ex.headers.get(":status")
        if not ex.done:
            return "no complete response"
        if ex.reset is not None:
            return f"stream reset {ex.reset}"
        want = {
            "get": ("200", HELLO),
            "post-echo-3MiB": ("200", upload),
            "trailers": ("200", TRAILERS_BODY),
            "bytes-1MiB": ("200", pattern(1048576)),
            "push": ("200", PUSH_PAGE),
            "not-found": ("404", b"not found\n"),
        }[ex.name]
        if status != want[0]:
            return f"status {status}, want {want[0]}"
        if bytes(ex.data) != want[1]:
            return f"body differs ({len(ex.data)} bytes, want {len(want[1])})"
        if ex.name == "trailers" and ex.trailers.get("x-trailer") != "done":
            return f"trailers {ex.trailers}"
        if ex.name == "push":
            if len(ex.pushes) != 1 or ex.pushes[0].path != "/pushed.txt":
                return "no push promise for /pushed.txt"
            if bytes(ex.pushes[0].data) != PUSHED_BODY:
                return "pushed body differs"
        return None

    failures = 0
    for ex in scenarios:
        why = check(ex)
        if why:
            failures += 1
            print(f"FAIL {ex.name}: {why}")
        else:
            print(f"PASS {ex.name}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
