//! Our client and our server driven by random action sequences (proptest).
//!
//! Invariants, checked after every step and at quiescence:
//! * every DATA byte is delivered once and in order (what a side received on a stream is
//!   always a prefix of what the other side sent; all of it once the stream ended);
//! * windows are never overdrawn (no FLOW_CONTROL_ERROR, no negative connection window);
//! * neither side ever detects a protocol error in the other (no GOAWAY, no RST_STREAM
//!   that was not asked for), and no call panics;
//! * at quiescence both sides agree on every stream's state, every PING was answered and
//!   trailers arrived as sent.

mod support;

use h2_conn::{
    Bytes, Config, Connection, ErrorCode, Event, HeaderField, SettingId, Settings, StreamId,
    StreamState,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use support::Pair;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Client,
    Server,
}

#[derive(Clone, Debug)]
enum Action {
    Open {
        end: bool,
    },
    Respond {
        stream: usize,
        end: bool,
    },
    Data {
        side: Side,
        stream: usize,
        len: u16,
        end: bool,
    },
    Trailers {
        side: Side,
        stream: usize,
    },
    Reset {
        side: Side,
        stream: usize,
    },
    Ping {
        side: Side,
    },
    Ack {
        side: Side,
    },
    Window {
        side: Side,
        size: u32,
    },
    Deliver {
        to_server: bool,
        max: u16,
    },
    Drive,
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Client), Just(Side::Server)]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => prop::bool::weighted(0.2).prop_map(|end| Action::Open { end }),
        3 => (any::<usize>(), prop::bool::weighted(0.2)).prop_map(|(stream, end)| Action::Respond { stream, end }),
        10 => (side(), any::<usize>(), 0u16..20_000, prop::bool::weighted(0.15))
            .prop_map(|(side, stream, len, end)| Action::Data { side, stream, len, end }),
        1 => (side(), any::<usize>()).prop_map(|(side, stream)| Action::Trailers { side, stream }),
        1 => (side(), any::<usize>()).prop_map(|(side, stream)| Action::Reset { side, stream }),
        1 => side().prop_map(|side| Action::Ping { side }),
        3 => side().prop_map(|side| Action::Ack { side }),
        1 => (side(), prop_oneof![Just(0u32), Just(1), Just(1000), Just(65_535), Just(1 << 20), Just(1 << 20)])
            .prop_map(|(side, size)| Action::Window { side, size }),
        4 => (any::<bool>(), 1u16..5000).prop_map(|(to_server, max)| Action::Deliver { to_server, max }),
        3 => Just(Action::Drive),
    ]
}

/// The byte at `offset` of what `side` sends on `id`.
fn byte(side: Side, id: StreamId, offset: usize) -> u8 {
    ((id.value() as usize * 31 + offset * 7 + side as usize * 13) % 251) as u8
}

#[derive(Default)]
struct Model {
    streams: Vec<StreamId>,
    /// Bytes sent, per (sender, stream).
    sent: BTreeMap<(Side, StreamId), usize>,
    /// Bytes received, per (sender, stream).
    received: BTreeMap<(Side, StreamId), usize>,
    /// Streams whose sender's END_STREAM was seen by the receiver, per (sender, stream).
    ended: BTreeMap<(Side, StreamId), bool>,
    /// Trailers sent and received, per (sender, stream).
    trailers_sent: BTreeMap<(Side, StreamId), Vec<HeaderField>>,
    trailers_received: BTreeMap<(Side, StreamId), Vec<HeaderField>>,
    /// Streams reset by (side).
    resets: Vec<(Side, StreamId)>,
    /// Received and not yet acknowledged, per receiving side.
    unacked: BTreeMap<Side, Vec<(StreamId, u32)>>,
    pings_sent: BTreeMap<Side, usize>,
    pings_answered: BTreeMap<Side, usize>,
}

fn conn(pair: &mut Pair, side: Side) -> &mut Connection {
    match side {
        Side::Client => &mut pair.client,
        Side::Server => &mut pair.server,
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    }
}

impl Model {
    fn pick(&self, i: usize) -> Option<StreamId> {
        (!self.streams.is_empty()).then(|| self.streams[i % self.streams.len()])
    }

    fn send_data(&mut self, pair: &mut Pair, side: Side, id: StreamId, len: u16, end: bool) {
        let c = conn(pair, side);
        let window = c.local_flow_control_window(id).unwrap_or(0).max(0) as usize;
        let len = (len as usize).min(window);
        let offset = *self.sent.get(&(side, id)).unwrap_or(&0);
        let data: Bytes = (offset..offset + len).map(|o| byte(side, id, o)).collect();
        if c.send_data(id, data, end).is_ok() {
            *self.sent.entry((side, id)).or_default() += len;
        }
    }

    /// Applies one side's events to the model, checking the invariants.
    fn on_events(&mut self, receiver: Side, events: Vec<Event>) {
        let sender = other(receiver);
        for event in events {
            match event {
                Event::DataReceived {
                    stream_id,
                    data,
                    flow_controlled_length,
                    ..
                } => {
                    let at = self.received.entry((sender, stream_id)).or_default();
                    for (i, b) in data.iter().enumerate() {
                        assert_eq!(*b, byte(sender, stream_id, *at + i), "byte {}", *at + i);
                    }
                    *at += data.len();
                    assert!(*at <= *self.sent.get(&(sender, stream_id)).unwrap_or(&0));
                    self.unacked
                        .entry(receiver)
                        .or_default()
                        .push((stream_id, flow_controlled_length));
                }
                Event::StreamEnded { stream_id } => {
                    let again = self.ended.insert((sender, stream_id), true);
                    assert_eq!(again, None, "stream {stream_id} ended twice");
                    assert_eq!(
                        self.received
                            .get(&(sender, stream_id))
                            .copied()
                            .unwrap_or(0),
                        self.sent.get(&(sender, stream_id)).copied().unwrap_or(0),
                        "all data of {stream_id} delivered before its end"
                    );
                }
                Event::TrailersReceived { stream_id, headers } => {
                    self.trailers_received
                        .insert((sender, stream_id), headers.to_vec());
                }
                Event::StreamReset {
                    stream_id,
                    error_code,
                    remote_reset,
                } => {
                    assert!(remote_reset, "{receiver:?} found a fault on {stream_id}");
                    assert_eq!(error_code, ErrorCode::CANCEL);
                    assert!(self.resets.contains(&(sender, stream_id)));
                }
                Event::ConnectionTerminated { .. } => panic!("{receiver:?}: {event:?}"),
                Event::PingAckReceived { .. } => {
                    *self.pings_answered.entry(receiver).or_default() += 1
                }
                _ => {}
            }
        }
    }

    fn ack_all(&mut self, pair: &mut Pair, side: Side) {
        for (id, n) in self.unacked.remove(&side).unwrap_or_default() {
            conn(pair, side).acknowledge_received_data(n, id).unwrap();
        }
    }

    fn collect(&mut self, pair: &mut Pair) {
        let (ce, se) = pair.take_events();
        self.on_events(Side::Client, ce);
        self.on_events(Side::Server, se);
        for side in [Side::Client, Side::Server] {
            let window = conn(pair, side).remote_flow_control_window(StreamId::ZERO);
            assert!(window.unwrap() >= 0, "{side:?} connection window overdrawn");
        }
    }

    fn apply(&mut self, pair: &mut Pair, action: Action) {
        match action {
            Action::Open { end } => {
                if let Ok(id) = pair.client.next_stream_id() {
                    let request = support::request_fields("POST", "/");
                    if pair.client.send_headers(id, &request, end).is_ok() {
                        self.streams.push(id);
                    }
                }
            }
            Action::Respond { stream, end } => {
                if let Some(id) = self.pick(stream) {
                    let status = [HeaderField::new(":status", "200")];
                    let _ = pair.server.send_headers(id, &status, end);
                }
            }
            Action::Data {
                side,
                stream,
                len,
                end,
            } => {
                if let Some(id) = self.pick(stream) {
                    self.send_data(pair, side, id, len, end);
                }
            }
            Action::Trailers { side, stream } => {
                if let Some(id) = self.pick(stream) {
                    let trailers = vec![HeaderField::new("x-trailer", format!("{id}"))];
                    if conn(pair, side).send_headers(id, &trailers, true).is_ok() {
                        self.trailers_sent.insert((side, id), trailers);
                    }
                }
            }
            Action::Reset { side, stream } => {
                if let Some(id) = self.pick(stream) {
                    if conn(pair, side).reset_stream(id, ErrorCode::CANCEL).is_ok() {
                        self.resets.push((side, id));
                    }
                }
            }
            Action::Ping { side } => {
                let n = self.pings_sent.entry(side).or_default();
                conn(pair, side).ping((*n as u64).to_be_bytes()).unwrap();
                *n += 1;
            }
            Action::Ack { side } => self.ack_all(pair, side),
            Action::Window { side, size } => {
                let mut settings = Settings::new();
                settings.set(SettingId::INITIAL_WINDOW_SIZE, size);
                conn(pair, side).update_settings(settings).unwrap();
            }
            Action::Deliver { to_server, max } => {
                let mut buf = vec![0u8; max as usize];
                let (from, to) = if to_server {
                    (Side::Client, Side::Server)
                } else {
                    (Side::Server, Side::Client)
                };
                let n = conn(pair, from).data_to_send_into(&mut buf);
                let events = conn(pair, to).receive_data(&buf[..n]).unwrap();
                self.on_events(to, events);
            }
            Action::Drive => pair.drive(),
        }
        self.collect(pair);
    }

    /// Acknowledges everything and moves bytes until nothing changes.
    fn quiesce(&mut self, pair: &mut Pair) {
        for side in [Side::Client, Side::Server] {
            let mut settings = Settings::new();
            settings.set(SettingId::INITIAL_WINDOW_SIZE, 65_535);
            conn(pair, side).update_settings(settings).unwrap();
        }
        for _ in 0..100 {
            self.ack_all(pair, Side::Client);
            self.ack_all(pair, Side::Server);
            pair.drive();
            self.collect(pair);
            if self.unacked.values().all(Vec::is_empty) {
                break;
            }
        }
        assert_eq!(pair.client.pending_output_len(), 0);
        assert_eq!(pair.server.pending_output_len(), 0);
    }

    fn check_agreement(&self, pair: &Pair) {
        for &id in &self.streams {
            let c = pair.client.stream_state(id);
            let s = pair.server.stream_state(id);
            let agree = matches!(
                (c, s),
                (Some(StreamState::Open), Some(StreamState::Open))
                    | (
                        Some(StreamState::HalfClosedLocal),
                        Some(StreamState::HalfClosedRemote)
                    )
                    | (
                        Some(StreamState::HalfClosedRemote),
                        Some(StreamState::HalfClosedLocal)
                    )
                    | (Some(StreamState::Closed(_)), Some(StreamState::Closed(_)))
            );
            assert!(agree, "stream {id}: client {c:?}, server {s:?}");
            for sender in [Side::Client, Side::Server] {
                let key = (sender, id);
                if self.ended.contains_key(&key) {
                    assert_eq!(self.received.get(&key), self.sent.get(&key));
                }
                if let Some(sent) = self.trailers_sent.get(&key) {
                    if !self.resets.iter().any(|&(_, r)| r == id) {
                        assert_eq!(self.trailers_received.get(&key), Some(sent));
                    }
                }
            }
        }
        for side in [Side::Client, Side::Server] {
            assert_eq!(self.pings_sent.get(&side), self.pings_answered.get(&side));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_actions_keep_client_and_server_in_agreement(
        actions in prop::collection::vec(action(), 1..80)
    ) {
        let mut pair = Pair::with_configs(Config::client(), Config::server());
        let mut model = Model::default();
        for action in actions {
            model.apply(&mut pair, action);
        }
        model.quiesce(&mut pair);
        model.check_agreement(&pair);
    }
}
