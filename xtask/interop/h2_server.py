#!/usr/bin/env python3
"""Interop server: Python's `h2` (hyper-h2, PyPI `h2`) serving h2c with prior knowledge.

    python3 xtask/interop/h2_server.py PORT

Routes: `/` answers HELLO below, `/echo` echoes the request body, anything else 404.
Prints `listening` once ready; one thread per connection. Used by `cargo xtask interop`
to test the example client against a peer we did not write.
"""
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

HELLO = b"hello from python h2\n"


def serve(sock):
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
    conn.increment_flow_control_window(16 << 20)
    sock.sendall(conn.data_to_send())
    requests = {}  # stream id -> [path, body]
    pending = {}  # stream id -> remaining response bytes

    def respond(sid):
        path, body = requests.pop(sid)
        if path == "/":
            status, payload = "200", HELLO
        elif path == "/echo":
            status, payload = "200", bytes(body)
        else:
            status, payload = "404", b"not found\n"
        conn.send_headers(sid, [(":status", status), ("content-length", str(len(payload))),
                                ("server", "python-h2")], end_stream=not payload)
        if payload:
            pending[sid] = memoryview(payload)

    def pump():
        for sid in list(pending):
            rest = pending[sid]
            try:
                n = min(conn.local_flow_control_window(sid), len(rest))
            except h2.exceptions.StreamClosedError:
                del pending[sid]
                continue
            while n > 0:
                chunk = min(n, conn.max_outbound_frame_size)
                conn.send_data(sid, rest[:chunk].tobytes())
                rest, n = rest[chunk:], n - chunk
            pending[sid] = rest
            if not rest:
                conn.end_stream(sid)
                del pending[sid]

    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    hdrs = {k.decode(): v.decode() for k, v in event.headers}
                    requests[event.stream_id] = [hdrs.get(":path", "/"), bytearray()]
                elif isinstance(event, h2.events.DataReceived):
                    if event.stream_id in requests:
                        requests[event.stream_id][1] += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    if event.stream_id in requests:
                        respond(event.stream_id)
                elif isinstance(event, h2.events.StreamReset):
                    requests.pop(event.stream_id, None)
                    pending.pop(event.stream_id, None)
            pump()
            sock.sendall(conn.data_to_send())
            if conn.state_machine.state == h2.connection.ConnectionState.CLOSED:
                break
    except (OSError, h2.exceptions.ProtocolError) as err:
        print(f"connection error: {err!r}", file=sys.stderr)
    finally:
        sock.close()


def main():
    port = int(sys.argv[1])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    print("listening", flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    main()
