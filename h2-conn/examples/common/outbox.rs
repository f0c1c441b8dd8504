//! Response (or request) bodies waiting for flow-control window.
//!
//! `Connection::send_data` refuses data that does not fit the window
//! (`UserError::FlowControlBlocked`), so an application keeps what it still has to send
//! per stream and sends more each time the peer opens a window
//! (`Event::WindowUpdated`). [`Outbox::pump`] does that: call it after every batch of
//! events.

use h2_conn::{Bytes, Connection, HeaderField, StreamId, UserError};
use std::collections::{HashMap, VecDeque};

/// Length of the repeating `abc...z` pattern of generated bodies.
pub const PATTERN_PERIOD: usize = 26;
const PATTERN_LEN: usize = 16_384 + PATTERN_PERIOD;

const fn pattern() -> [u8; PATTERN_LEN] {
    let mut out = [0u8; PATTERN_LEN];
    let mut i = 0;
    while i < PATTERN_LEN {
        out[i] = b'a' + (i % PATTERN_PERIOD) as u8;
        i += 1;
    }
    out
}

/// `abcdefghijklmnopqrstuvwxyzabc...`: what `/bytes/N` sends, without allocating.
static PATTERN: [u8; PATTERN_LEN] = pattern();

/// Where a body's bytes come from.
enum Source {
    Bytes(Bytes),
    /// `remaining` more bytes of the pattern, starting at offset `sent`.
    Pattern {
        sent: u64,
        remaining: u64,
    },
}

#[derive(Default)]
struct Pending {
    sources: VecDeque<Source>,
    /// No more data will be added: end the stream once everything is sent.
    finished: bool,
    trailers: Option<Vec<HeaderField>>,
}

impl Pending {
    /// The next chunk of at most `max` bytes (`max` > 0), or `None` when empty.
    fn take(&mut self, max: usize) -> Option<Bytes> {
        loop {
            match self.sources.front_mut()? {
                Source::Bytes(bytes) if bytes.is_empty() => {
                    self.sources.pop_front();
                }
                Source::Bytes(bytes) => {
                    let chunk = bytes.split_to(bytes.len().min(max));
                    if bytes.is_empty() {
                        self.sources.pop_front();
                    }
                    return Some(chunk);
                }
                Source::Pattern { remaining: 0, .. } => {
                    self.sources.pop_front();
                }
                Source::Pattern { sent, remaining } => {
                    let n =
                        (*remaining).min((PATTERN_LEN - PATTERN_PERIOD).min(max) as u64) as usize;
                    let offset = (*sent % PATTERN_PERIOD as u64) as usize;
                    *sent += n as u64;
                    *remaining -= n as u64;
                    return Some(Bytes::from_static(&PATTERN[offset..offset + n]));
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.sources.iter().all(|s| match s {
            Source::Bytes(b) => b.is_empty(),
            Source::Pattern { remaining, .. } => *remaining == 0,
        })
    }
}

/// Per-stream bodies still to send, sent as the peer's windows allow.
#[derive(Default)]
pub struct Outbox {
    streams: HashMap<StreamId, Pending>,
    /// Round-robin order, so that one large body does not starve the others.
    order: VecDeque<StreamId>,
}

impl Outbox {
    fn entry(&mut self, id: StreamId) -> &mut Pending {
        if !self.streams.contains_key(&id) {
            self.order.push_back(id);
        }
        self.streams.entry(id).or_default()
    }

    /// Queues body bytes for `id`.
    pub fn push(&mut self, id: StreamId, data: Bytes) {
        self.entry(id).sources.push_back(Source::Bytes(data));
    }

    /// Queues `len` bytes of the `abc..z` pattern for `id`.
    pub fn push_pattern(&mut self, id: StreamId, len: u64) {
        self.entry(id).sources.push_back(Source::Pattern {
            sent: 0,
            remaining: len,
        });
    }

    /// Nothing more will be queued for `id`: end the stream after the queued bytes, with
    /// `trailers` if given.
    pub fn finish(&mut self, id: StreamId, trailers: Option<Vec<HeaderField>>) {
        let pending = self.entry(id);
        pending.finished = true;
        pending.trailers = trailers;
    }

    /// Forgets `id` (it was reset).
    pub fn remove(&mut self, id: StreamId) {
        self.streams.remove(&id);
        self.order.retain(|&s| s != id);
    }

    /// True when nothing waits to be sent.
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    /// Bytes of `Bytes` sources still queued (generated bodies are not counted).
    pub fn queued_bytes(&self) -> usize {
        let sum = |p: &Pending| -> usize {
            p.sources
                .iter()
                .map(|s| if let Source::Bytes(b) = s { b.len() } else { 0 })
                .sum()
        };
        self.streams.values().map(sum).sum()
    }

    /// Sends what the windows allow now. Streams the connection no longer knows
    /// (reset, closed) are dropped; other errors are returned with the stream dropped.
    pub fn pump(&mut self, conn: &mut Connection) -> Result<(), UserError> {
        let mut result = Ok(());
        for _ in 0..self.order.len() {
            let Some(id) = self.order.pop_front() else {
                break;
            };
            match self.pump_stream(conn, id) {
                Ok(true) => {
                    self.streams.remove(&id);
                }
                Ok(false) => self.order.push_back(id),
                Err(UserError::NoSuchStream(_) | UserError::StreamClosed(_)) => {
                    self.streams.remove(&id);
                }
                Err(err) => {
                    self.streams.remove(&id);
                    result = Err(err);
                }
            }
        }
        result
    }

    /// Sends what fits for one stream; `Ok(true)` when the stream is done.
    fn pump_stream(&mut self, conn: &mut Connection, id: StreamId) -> Result<bool, UserError> {
        let pending = self
            .streams
            .get_mut(&id)
            .expect("ordered streams are present");
        loop {
            let window = conn.local_flow_control_window(id)?;
            let chunk = if window > 0 {
                pending.take(window as usize)
            } else {
                None
            };
            let Some(chunk) = chunk else { break };
            let last = pending.finished && pending.trailers.is_none() && pending.is_empty();
            conn.send_data(id, chunk, last)?;
            if last {
                return Ok(true);
            }
        }
        if !(pending.finished && pending.is_empty()) {
            return Ok(false);
        }
        // Everything is sent and the body is over: end the stream.
        match pending.trailers.take() {
            Some(trailers) => conn.send_headers(id, &trailers, true)?,
            None => match conn.send_data(id, Bytes::new(), true) {
                // The connection window is negative (a SETTINGS change): retry later.
                Err(UserError::FlowControlBlocked { .. }) => return Ok(false),
                other => other?,
            },
        }
        Ok(true)
    }
}
