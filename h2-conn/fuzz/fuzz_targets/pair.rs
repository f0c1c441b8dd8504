//! Our client and our server talking through two in-memory pipes, driven by an
//! `Arbitrary` list of actions: open streams, send and answer data (strict, queued, or
//! pulled from a source that may hand over more than asked), reprioritize, reset, ping,
//! change settings, shut down gracefully, move some or all bytes, and corrupt the bytes
//! in a pipe (flip, insert or delete an octet).
//!
//! Checked: no panic ever. While nothing was corrupted: every DATA octet is delivered
//! once and in order (each stream's bytes follow a known pattern, and no stream receives
//! more than was sent), no side raises a connection error other than ENHANCE_YOUR_CALM
//! (which random but legal floods of PINGs or SETTINGS may earn), and once both pipes
//! are drained, every stream neither side reset has received exactly what was sent.
#![no_main]

use arbitrary::Arbitrary;
use h2_conn::frame::SettingId;
use h2_conn::{
    BodySource, Bytes, Config, Connection, ErrorCode, Event, HeaderField, Pull, Settings, StreamId,
};
use libfuzzer_sys::fuzz_target;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Side {
    Client,
    Server,
}

#[derive(Arbitrary, Debug)]
enum Corruption {
    Flip(u8),
    Insert(u8),
    Delete,
}

/// How a body is handed to the connection.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum SendMode {
    /// `send_data`, within the window.
    Strict,
    /// `queue_data`, whatever the windows.
    Queued,
    /// `queue_source`: pulled in chunks of `chunk` octets (0: what is asked), which may
    /// be more than asked.
    Pulled { chunk: u16 },
}

#[derive(Arbitrary, Debug)]
enum Action {
    /// The client opens a stream; with `body`, it stays open for DATA.
    Open {
        body: bool,
    },
    /// `side` sends DATA on its n-th known stream (the server sends response headers
    /// first if it has not yet), in one of the [`SendMode`]s.
    Send {
        side: Side,
        stream: u8,
        len: u16,
        end: bool,
        how: SendMode,
    },
    /// The client reprioritizes its n-th stream (PRIORITY_UPDATE; the server reschedules).
    Prioritize {
        stream: u8,
        urgency: u8,
        incremental: bool,
    },
    Reset {
        side: Side,
        stream: u8,
        code: u8,
    },
    Ping {
        side: Side,
    },
    Settings {
        side: Side,
        window: u32,
        frame_size: u32,
    },
    Shutdown,
    /// Moves up to `max` octets (0: all) from `from`'s pipe to the other side.
    Transfer {
        from: Side,
        max: u16,
    },
    Corrupt {
        from: Side,
        at: u16,
        how: Corruption,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    actions: Vec<Action>,
}

/// The octet at `offset` of what `side` sends on `stream`.
fn pattern(side: u8, stream: u32, offset: u64) -> u8 {
    (offset.wrapping_mul(31) ^ u64::from(stream).wrapping_mul(7) ^ u64::from(side)) as u8
}

#[derive(Default)]
struct Flow {
    sent: u64,
    received: u64,
}

struct End {
    conn: Connection,
    /// Octets written by this side, not yet delivered.
    pipe: Vec<u8>,
    /// Streams this side knows, in order of appearance.
    streams: Vec<StreamId>,
    headers_sent: BTreeSet<StreamId>,
    /// DATA this side sent, per stream.
    flows: BTreeMap<StreamId, Flow>,
    tag: u8,
}

impl End {
    fn new(config: Config, tag: u8) -> End {
        let mut conn = Connection::new(config);
        conn.initiate_connection();
        End {
            conn,
            pipe: Vec::new(),
            streams: Vec::new(),
            headers_sent: BTreeSet::new(),
            flows: BTreeMap::new(),
            tag,
        }
    }

    /// Takes all output, queued DATA included (as far as the windows allow).
    fn collect(&mut self) {
        loop {
            let out = self.conn.data_to_send();
            if out.is_empty() {
                break;
            }
            self.pipe.extend_from_slice(&out);
        }
        assert!(!self.conn.wants_write(), "output left behind");
    }

    fn stream(&self, n: u8) -> Option<StreamId> {
        if self.streams.is_empty() {
            return None;
        }
        Some(self.streams[usize::from(n) % self.streams.len()])
    }

    fn send(&mut self, id: StreamId, len: u16, end: bool) {
        if self.conn.role() == h2_conn::Role::Server && !self.headers_sent.contains(&id) {
            let status = [HeaderField::new(":status", "200")];
            if self.conn.send_headers(id, &status, false).is_ok() {
                self.headers_sent.insert(id);
            }
            return;
        }
        let window = self.conn.local_flow_control_window(id).unwrap_or(0).max(0);
        let len = u64::from(len).min(window as u64);
        let flow = self.flows.entry(id).or_default();
        let body: Vec<u8> = (0..len)
            .map(|i| pattern(self.tag, id.value(), flow.sent + i))
            .collect();
        if self.conn.send_data(id, body, end).is_ok() {
            flow.sent += len;
        }
    }
}

impl End {
    fn queue(&mut self, id: StreamId, len: u16, end: bool) {
        if self.conn.role() == h2_conn::Role::Server && !self.headers_sent.contains(&id) {
            return self.send(id, 0, false);
        }
        let flow = self.flows.entry(id).or_default();
        let body: Vec<u8> = (0..u64::from(len))
            .map(|i| pattern(self.tag, id.value(), flow.sent + i))
            .collect();
        if self.conn.queue_data(id, body, end).is_ok() {
            flow.sent += u64::from(len);
        }
    }

    fn pull(&mut self, id: StreamId, len: u16, end: bool, chunk: u16) {
        if self.conn.role() == h2_conn::Role::Server && !self.headers_sent.contains(&id) {
            return self.send(id, 0, false);
        }
        let flow = self.flows.entry(id).or_default();
        let source = PatternSource {
            tag: self.tag,
            stream: id.value(),
            offset: flow.sent,
            left: u64::from(len),
            chunk: usize::from(chunk),
            end,
        };
        if self.conn.queue_source(id, Box::new(source)).is_ok() {
            flow.sent += u64::from(len);
        }
    }
}

/// A pulled body of this side's pattern.
struct PatternSource {
    tag: u8,
    stream: u32,
    offset: u64,
    left: u64,
    /// Octets per pull, 0 for what the connection asks; may be more than it asks.
    chunk: usize,
    end: bool,
}

impl BodySource for PatternSource {
    fn pull(&mut self, max: usize) -> Pull {
        let want = if self.chunk == 0 { max } else { self.chunk };
        let n = (want as u64).min(self.left);
        if n == 0 {
            return if self.end {
                Pull::Last(Bytes::new())
            } else {
                Pull::Done
            };
        }
        let data: Vec<u8> = (0..n)
            .map(|i| pattern(self.tag, self.stream, self.offset + i))
            .collect();
        self.offset += n;
        self.left -= n;
        if self.left == 0 && self.end {
            Pull::Last(Bytes::from(data))
        } else {
            Pull::Data(Bytes::from(data))
        }
    }
}

struct Checks {
    corrupted: bool,
    reset: BTreeSet<StreamId>,
}

/// Delivers up to `max` octets of `from`'s pipe to `to` and checks the events.
fn deliver(from: &mut End, to: &mut End, max: usize, checks: &mut Checks) {
    let n = if max == 0 {
        from.pipe.len()
    } else {
        max.min(from.pipe.len())
    };
    if n == 0 {
        return;
    }
    let chunk: Vec<u8> = from.pipe.drain(..n).collect();
    let Ok(events) = to.conn.receive_bytes(Bytes::from(chunk)) else {
        return;
    };
    for event in events {
        match event {
            Event::RequestReceived { stream_id, .. } => to.streams.push(stream_id),
            Event::DataReceived {
                stream_id,
                data,
                flow_controlled_length,
                ..
            } => {
                let _ = to
                    .conn
                    .acknowledge_received_data(flow_controlled_length, stream_id);
                if !checks.corrupted {
                    let flow = from.flows.entry(stream_id).or_default();
                    for (i, &b) in data.iter().enumerate() {
                        let expected =
                            pattern(from.tag, stream_id.value(), flow.received + i as u64);
                        assert_eq!(b, expected, "stream {stream_id:?}: data out of order");
                    }
                    flow.received += data.len() as u64;
                    assert!(
                        flow.received <= flow.sent,
                        "stream {stream_id:?}: more delivered than sent"
                    );
                }
            }
            Event::StreamReset { stream_id, .. } => {
                checks.reset.insert(stream_id);
            }
            Event::PushedStreamReceived {
                pushed_stream_id, ..
            } => {
                checks.reset.insert(pushed_stream_id);
            }
            Event::ConnectionTerminated {
                error_code,
                remote: false,
                ..
            } if !checks.corrupted => {
                assert_eq!(
                    error_code,
                    ErrorCode::ENHANCE_YOUR_CALM,
                    "connection error without corruption"
                );
            }
            _ => {}
        }
    }
    to.collect();
}

fuzz_target!(|input: Input| {
    let mut client = End::new(Config::client(), 1);
    let mut server = End::new(Config::server(), 2);
    client.collect();
    server.collect();
    let mut checks = Checks {
        corrupted: false,
        reset: BTreeSet::new(),
    };
    for action in input.actions.iter().take(256) {
        match *action {
            Action::Open { body } => {
                if let Ok(id) = client.conn.next_stream_id() {
                    let request = [
                        HeaderField::new(":method", if body { "POST" } else { "GET" }),
                        HeaderField::new(":scheme", "http"),
                        HeaderField::new(":authority", "example.com"),
                        HeaderField::new(":path", "/"),
                    ];
                    if client.conn.send_headers(id, &request, !body).is_ok() {
                        client.streams.push(id);
                    }
                }
            }
            Action::Send {
                side,
                stream,
                len,
                end,
                how,
            } => {
                let end_ = match side {
                    Side::Client => &mut client,
                    Side::Server => &mut server,
                };
                if let Some(id) = end_.stream(stream) {
                    match how {
                        SendMode::Strict => end_.send(id, len, end),
                        SendMode::Queued => end_.queue(id, len, end),
                        SendMode::Pulled { chunk } => end_.pull(id, len, end, chunk),
                    }
                }
            }
            Action::Prioritize {
                stream,
                urgency,
                incremental,
            } => {
                if let Some(id) = client.stream(stream) {
                    let priority = h2_conn::ExtensiblePriority {
                        urgency: urgency % 8,
                        incremental,
                    };
                    let _ = client.conn.set_priority(id, priority);
                }
            }
            Action::Reset { side, stream, code } => {
                let end_ = match side {
                    Side::Client => &mut client,
                    Side::Server => &mut server,
                };
                if let Some(id) = end_.stream(stream) {
                    if end_
                        .conn
                        .reset_stream(id, ErrorCode(u32::from(code % 14)))
                        .is_ok()
                    {
                        checks.reset.insert(id);
                    }
                }
            }
            Action::Ping { side } => {
                let end_ = match side {
                    Side::Client => &mut client,
                    Side::Server => &mut server,
                };
                let _ = end_.conn.ping(*b"fuzzping");
            }
            Action::Settings {
                side,
                window,
                frame_size,
            } => {
                let end_ = match side {
                    Side::Client => &mut client,
                    Side::Server => &mut server,
                };
                let mut settings = Settings::new();
                settings.set(SettingId::INITIAL_WINDOW_SIZE, window & 0x7fff_ffff);
                settings.set(
                    SettingId::MAX_FRAME_SIZE,
                    frame_size.clamp(16_384, 16_777_215),
                );
                let _ = end_.conn.update_settings(settings);
            }
            Action::Shutdown => {
                let _ = server.conn.begin_graceful_shutdown();
            }
            Action::Transfer { from, max } => match from {
                Side::Client => deliver(&mut client, &mut server, usize::from(max), &mut checks),
                Side::Server => deliver(&mut server, &mut client, usize::from(max), &mut checks),
            },
            Action::Corrupt { from, at, ref how } => {
                let pipe = match from {
                    Side::Client => &mut client.pipe,
                    Side::Server => &mut server.pipe,
                };
                let at = usize::from(at);
                match how {
                    Corruption::Flip(bits) if !pipe.is_empty() && *bits != 0 => {
                        let i = at % pipe.len();
                        pipe[i] ^= bits;
                        checks.corrupted = true;
                    }
                    Corruption::Insert(b) => {
                        pipe.insert(at % (pipe.len() + 1), *b);
                        checks.corrupted = true;
                    }
                    Corruption::Delete if !pipe.is_empty() => {
                        pipe.remove(at % pipe.len());
                        checks.corrupted = true;
                    }
                    _ => {}
                }
            }
        }
        client.collect();
        server.collect();
    }
    // Drain both pipes until neither side has anything more to say.
    for _ in 0..256 {
        if client.pipe.is_empty() && server.pipe.is_empty() {
            break;
        }
        deliver(&mut client, &mut server, 0, &mut checks);
        deliver(&mut server, &mut client, 0, &mut checks);
    }
    // Windows of a few octets (a legal SETTINGS_INITIAL_WINDOW_SIZE) can need more round
    // trips than that: then nothing can be concluded about what is still on the way.
    let drained = client.pipe.is_empty() && server.pipe.is_empty();
    if !drained || checks.corrupted || client.conn.is_closed() || server.conn.is_closed() {
        return;
    }
    for (from, to) in [(&client, &server), (&server, &client)] {
        let _ = to;
        for (id, flow) in &from.flows {
            if !checks.reset.contains(id) {
                // Queued data the peer's windows never let out (a peer may set
                // SETTINGS_INITIAL_WINDOW_SIZE to 0 and never open it) is still queued,
                // not lost.
                let waiting = from.conn.queued_len(*id) as u64;
                assert_eq!(
                    flow.received + waiting,
                    flow.sent,
                    "stream {id:?}: data lost"
                );
            }
        }
    }
});
