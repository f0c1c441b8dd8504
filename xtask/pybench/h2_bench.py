"""In-memory HTTP/2 workloads driven through hyper-h2's API (`import h2`), issue 16.

Run by `cargo xtask pybench` twice: once with hyper-h2 installed, once with our `h2`
(h2-sans-io, the h2-py wheel). Both ends of every connection are `H2Connection`s in this
process; bytes move from one's `data_to_send()` to the other's `receive_data()`.

* W1: GETs with browser-like headers, 100 in flight, 13-byte responses.
* W3: W1 plus 20 custom ~40-byte headers per request.
* W2: one large body on one stream in 16 KiB DATA frames, 16 MiB windows, the client
  acknowledging received data as it arrives.

Every run checks what it receives (request header count, status 200, exact body bytes,
byte totals) and exits non-zero on a failed check. The last line of output is one JSON
object with the median rates: {"impl": ..., "W1": req/s, "W3": req/s, "W2": MB/s}.

Options: --requests N (W1/W3, default 20000), --bulk-mib N (W2, default 64), --runs N
(default 3; the median is reported).
"""

import argparse
import json
import statistics
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

USER_AGENT = b"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ACCEPT = b"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
REQUEST_HEADERS = [
    (b"user-agent", USER_AGENT),
    (b"accept", ACCEPT),
    (b"accept-encoding", b"gzip, deflate, br"),
    (b"accept-language", b"en-US,en;q=0.9"),
]
EXTRA_HEADERS = [
    (b"x-custom-header-%02d" % i, b"value-%02d-%s" % (i, suffix))
    for i, suffix in enumerate(
        [
            b"a1b2c3d4e5f6g7", b"b2c3d4e5f6g7h8", b"c3d4e5f6g7h8i9", b"d4e5f6g7h8i9j0",
            b"e5f6g7h8i9j0k1", b"f6g7h8i9j0k1l2", b"g7h8i9j0k1l2m3", b"h8i9j0k1l2m3n4",
            b"i9j0k1l2m3n4o5", b"j0k1l2m3n4o5p6", b"k1l2m3n4o5p6q7", b"l2m3n4o5p6q7r8",
            b"m3n4o5p6q7r8s9", b"n4o5p6q7r8s9t0", b"o5p6q7r8s9t0u1", b"p6q7r8s9t0u1v2",
            b"q7r8s9t0u1v2w3", b"r8s9t0u1v2w3x4", b"s9t0u1v2w3x4y5", b"t0u1v2w3x4y5z6",
        ],
        start=1,
    )
]
BODY = b"Hello, world!"
RESPONSE_HEADERS = [
    (b":status", b"200"),
    (b"content-type", b"text/plain"),
    (b"content-length", b"13"),
]
IN_FLIGHT = 100
FRAME = 16 * 1024
WINDOW = 16 * 1024 * 1024

# The W2 payload: byte at offset o is PATTERN[o % PATTERN_LEN]; doubled so any slice of at
# most PATTERN_LEN bytes is contiguous.
PATTERN_LEN = 1 << 20
PATTERN = bytes(((i * 2654435761) >> 24) & 0xFF for i in range(PATTERN_LEN)) * 2


class CheckFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise CheckFailed(what)


def pair(client_settings=None):
    """A client and a server that have exchanged prefaces and SETTINGS."""
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    server = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    server.local_settings = h2.settings.Settings(
        client=False,
        initial_values={h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: IN_FLIGHT},
    )
    if client_settings:
        client.local_settings = h2.settings.Settings(client=True, initial_values=client_settings)
    client.initiate_connection()
    server.initiate_connection()
    for _ in range(3):
        server.receive_data(client.data_to_send())
        client.receive_data(server.data_to_send())
    return client, server


def requests(total, extra):
    client, server = pair()
    req_headers = list(REQUEST_HEADERS) + (list(EXTRA_HEADERS) if extra else [])
    regular = len(req_headers)
    statuses = {}
    bodies = {}
    sent = 0
    done = 0

    def open_stream():
        nonlocal sent
        sid = client.get_next_available_stream_id()
        headers = [
            (b":method", b"GET"),
            (b":scheme", b"https"),
            (b":authority", b"example.com"),
            (b":path", b"/resource/%d" % sent),
        ] + req_headers
        client.send_headers(sid, headers, end_stream=True)
        bodies[sid] = b""
        sent += 1

    start = time.perf_counter()
    while sent < min(IN_FLIGHT, total):
        open_stream()
    while done < total:
        data = client.data_to_send()
        check(data, "client has nothing to send with requests outstanding")
        for ev in server.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                check(len(ev.headers) == regular + 4, "request header count")
                sid = ev.stream_id
                server.send_headers(sid, RESPONSE_HEADERS)
                server.send_data(sid, BODY, end_stream=True)
        data = server.data_to_send()
        for ev in client.receive_data(data):
            t = type(ev)
            if t is h2.events.ResponseReceived:
                statuses[ev.stream_id] = dict(ev.headers)[b":status"]
            elif t is h2.events.DataReceived:
                bodies[ev.stream_id] += ev.data
                client.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif t is h2.events.StreamEnded:
                sid = ev.stream_id
                check(statuses.pop(sid) == b"200", "status 200")
                check(bodies.pop(sid) == BODY, "response body")
                done += 1
                if sent < total:
                    open_stream()
    elapsed = time.perf_counter() - start
    check(not bodies and not statuses, "every response completed")
    return total / elapsed


def bulk(total):
    client, server = pair(
        {
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: WINDOW,
            h2.settings.SettingCodes.MAX_FRAME_SIZE: FRAME,
        }
    )
    client.increment_flow_control_window(WINDOW - 65535)
    server.receive_data(client.data_to_send())
    client.receive_data(server.data_to_send())

    start = time.perf_counter()
    sid = client.get_next_available_stream_id()
    client.send_headers(
        sid,
        [(b":method", b"GET"), (b":scheme", b"https"), (b":authority", b"example.com"),
         (b":path", b"/bulk")] + REQUEST_HEADERS,
        end_stream=True,
    )
    got = None
    for ev in server.receive_data(client.data_to_send()):
        if isinstance(ev, h2.events.RequestReceived):
            got = ev.stream_id
    check(got == sid, "bulk request received")
    server.send_headers(sid, [(b":status", b"200"), (b"content-length", b"%d" % total)])
    sent = 0
    received = 0
    status = None
    ended = False
    while not ended:
        # The server sends what the windows allow, at most 1 MiB a round.
        budget = PATTERN_LEN
        while sent < total and budget > 0:
            n = min(FRAME, total - sent, server.local_flow_control_window(sid), budget)
            if n <= 0:
                break
            off = sent % PATTERN_LEN
            server.send_data(sid, PATTERN[off:off + n], end_stream=sent + n == total)
            sent += n
            budget -= n
        data = server.data_to_send()
        check(data, "server has nothing to send before the body is done")
        for ev in client.receive_data(data):
            t = type(ev)
            if t is h2.events.DataReceived:
                n = len(ev.data)
                off = received % PATTERN_LEN
                check(ev.data == PATTERN[off:off + n], "bulk payload bytes")
                received += n
                client.acknowledge_received_data(ev.flow_controlled_length, sid)
            elif t is h2.events.ResponseReceived:
                status = dict(ev.headers)[b":status"]
            elif t is h2.events.StreamEnded:
                ended = True
        data = client.data_to_send()
        if data:
            server.receive_data(data)
    elapsed = time.perf_counter() - start
    check(status == b"200", "bulk status 200")
    check(received == total, "bulk byte total")
    return total / elapsed / 1e6


def implementation():
    import h2 as mod

    try:
        import h2._native  # noqa: F401  (only ours has it)

        return "h2-sans-io " + getattr(mod, "__version__", "?")
    except ImportError:
        return "hyper-h2 " + getattr(mod, "__version__", "?")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--bulk-mib", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    name = implementation()
    print(f"pybench: {name} ({h2.__file__})", file=sys.stderr)
    runs = {"W1": [], "W3": [], "W2": []}
    try:
        for i in range(args.runs):
            runs["W1"].append(requests(args.requests, extra=False))
            runs["W3"].append(requests(args.requests, extra=True))
            runs["W2"].append(bulk(args.bulk_mib << 20))
            print(
                f"  run {i + 1}: W1 {runs['W1'][-1]:,.0f} req/s, W3 {runs['W3'][-1]:,.0f} req/s, "
                f"W2 {runs['W2'][-1]:,.1f} MB/s",
                file=sys.stderr,
            )
    except CheckFailed as e:
        print(f"pybench: check failed: {e}", file=sys.stderr)
        sys.exit(1)
    result = {"impl": name}
    result.update({k: statistics.median(v) for k, v in runs.items()})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
