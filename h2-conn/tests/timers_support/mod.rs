//! Helpers for `tests/timers.rs`: our client and server over simulated links (a rate and
//! a one-way delay per direction) on a simulated clock, and a generated body.

#![allow(dead_code)]

use h2_conn::{BodySource, Bytes, Config, Connection, Event, HeaderField, Pull};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One direction of a link: octets leave at `rate` octets per second (serialized one
/// after the other) and arrive `delay` later.
pub struct Link {
    pub rate: f64,
    pub delay: Duration,
    pub free_at: Option<Instant>,
    pub in_flight: VecDeque<(Instant, Bytes)>,
}

impl Link {
    pub fn new(rate: f64, delay: Duration) -> Link {
        Link {
            rate,
            delay,
            free_at: None,
            in_flight: VecDeque::new(),
        }
    }

    pub fn send(&mut self, now: Instant, mut bytes: Bytes) {
        while !bytes.is_empty() {
            let chunk = bytes.split_to(bytes.len().min(16 * 1024));
            let start = self.free_at.map_or(now, |f| f.max(now));
            let done = start + Duration::from_secs_f64(chunk.len() as f64 / self.rate);
            self.free_at = Some(done);
            self.in_flight.push_back((done + self.delay, chunk));
        }
    }

    pub fn next_arrival(&self) -> Option<Instant> {
        self.in_flight.front().map(|(at, _)| *at)
    }
}

/// Our client and server over two simulated links, on a simulated clock.
pub struct Sim {
    pub now: Instant,
    pub client: Connection,
    pub server: Connection,
    pub up: Link,
    pub down: Link,
    pub client_events: Vec<Event>,
    pub server_events: Vec<Event>,
}

impl Sim {
    pub fn new(client: Config, server: Config, rate: f64, one_way: Duration) -> Sim {
        let now = Instant::now();
        let mut sim = Sim {
            now,
            client: Connection::new(client),
            server: Connection::new(server),
            up: Link::new(rate, one_way),
            down: Link::new(rate, one_way),
            client_events: Vec::new(),
            server_events: Vec::new(),
        };
        sim.client.set_now(now);
        sim.server.set_now(now);
        sim.client.initiate_connection();
        sim.server.initiate_connection();
        sim
    }

    /// Hands each side's output to its link.
    pub fn flush(&mut self) {
        while self.client.wants_write() {
            let out = self.client.data_to_send();
            self.up.send(self.now, out);
        }
        while self.server.wants_write() {
            let out = self.server.data_to_send();
            self.down.send(self.now, out);
        }
    }

    /// Advances to the next arrival or timer, at most to `limit`; false when nothing is
    /// left to happen before it.
    pub fn step(&mut self, limit: Instant) -> bool {
        self.flush();
        let next = [
            self.up.next_arrival(),
            self.down.next_arrival(),
            self.client.poll_timeout(),
            self.server.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next.filter(|&t| t <= limit) else {
            return false;
        };
        self.now = self.now.max(next);
        let now = self.now;
        while self.up.next_arrival().is_some_and(|t| t <= now) {
            let (_, bytes) = self.up.in_flight.pop_front().unwrap();
            self.server.set_now(now);
            if let Ok(events) = self.server.receive_bytes(bytes) {
                self.server_events.extend(events);
            }
        }
        while self.down.next_arrival().is_some_and(|t| t <= now) {
            let (_, bytes) = self.down.in_flight.pop_front().unwrap();
            self.client.set_now(now);
            if let Ok(events) = self.client.receive_bytes(bytes) {
                self.client_events.extend(events);
            }
        }
        self.client_events.extend(self.client.handle_timeout(now));
        self.server_events.extend(self.server.handle_timeout(now));
        true
    }
}

/// `left` zero octets.
pub struct Zeros {
    pub left: usize,
}

impl BodySource for Zeros {
    fn pull(&mut self, max: usize) -> Pull {
        static ZEROS: [u8; 16_384] = [0; 16_384];
        let n = self.left.min(max).min(ZEROS.len());
        self.left -= n;
        let chunk = Bytes::from_static(&ZEROS[..n]);
        if self.left == 0 {
            Pull::Last(chunk)
        } else {
            Pull::Data(chunk)
        }
    }
}

pub fn get(path: &str) -> Vec<HeaderField> {
    vec![
        HeaderField::new(":method", "GET"),
        HeaderField::new(":scheme", "http"),
        HeaderField::new(":authority", "sim"),
        HeaderField::new(":path", path.to_owned()),
    ]
}
