//! Time without a clock: the caller passes `Instant`s in, the connection says when it
//! wants to be called back, and every timer is a deadline in a table (as in quinn-proto's
//! `connection/timer.rs`), checked by one `match` in
//! [`handle_timeout`](Connection::handle_timeout).
//!
//! The connection never reads a clock. Its notion of "now" is the latest `Instant` given
//! to [`set_now`](Connection::set_now) or [`handle_timeout`](Connection::handle_timeout)
//! (an earlier one is ignored: time never goes backwards). Everything that needs a time
//! and happens in another call (a received PING ACK, a header block that stays
//! incomplete, the last stream closing) is stamped with that last known time.
//!
//! Timers whose condition starts before the caller ever gave a time start at the first
//! time given. They never fire early: a deadline is set when the connection first sees
//! its condition hold (after an input, an output or a time update), so it may fire late
//! by at most the time between that and the event itself.

use crate::bdp::Bdp;
use crate::connection::{Connection, Phase};
use crate::rate::RateGuard;
use crate::rtt::{PingTable, Rtt};
use h2_events::Event;
use h2_frame::{ErrorCode, Frame, Ping};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The timers of a connection ([`Config::timeouts`](crate::Config)). Every one is off
/// (`None`) by default, so a connection behaves exactly as it did without a clock until
/// you turn one on; [`Timeouts::recommended`] gives values suited to a server on the
/// open internet.
///
/// Each timer that ends the connection sends GOAWAY with the code named below, reports
/// [`Event::ConnectionTerminated`] (`remote: false`, the reason as `additional_data`)
/// from [`handle_timeout`](Connection::handle_timeout), and
/// [`Connection::timed_out`] says which [`Timeout`] it was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeouts {
    /// Send PING while the connection is quiet and end it when no ACK comes back
    /// ([`Timeout::KeepAlive`], GOAWAY NO_ERROR). Default `None`: a PING every few
    /// seconds costs bandwidth and battery, and some peers count them as a flood; turn it
    /// on for long-lived connections behind NATs and load balancers that drop idle flows.
    pub keep_alive: Option<KeepAlive>,
    /// How long our SETTINGS may wait for its ACK ([`Timeout::SettingsAck`], GOAWAY
    /// SETTINGS_TIMEOUT, RFC 9113 6.5.3: "If the sender of a SETTINGS frame does not
    /// receive an acknowledgment within a reasonable amount of time, it MAY issue a
    /// connection error of type SETTINGS_TIMEOUT"). Default `None`.
    pub settings_ack: Option<Duration>,
    /// How long the connection may have no open stream before it is closed with GOAWAY
    /// NO_ERROR ([`Timeout::Idle`]). The GOAWAY names the last stream the peer opened;
    /// a request that was in flight is above it, so the client knows it was not
    /// processed and may retry it (RFC 9113 6.8). Default `None`.
    pub idle: Option<Duration>,
    /// After our first GOAWAY ([`begin_graceful_shutdown`](Connection::begin_graceful_shutdown)),
    /// the most time the streams still open get: then the
    /// final GOAWAY NO_ERROR goes out, each stream still open is reported as
    /// [`Event::StreamReset`] with CANCEL (`remote_reset: false`), and the connection is
    /// closed ([`Timeout::GracefulShutdown`]). Default `None` (the caller decides when
    /// to close).
    pub graceful_shutdown: Option<Duration>,
    /// How long the peer may take to complete its connection preface (a server: the
    /// client's 24-octet preface and its SETTINGS; a client: the server's SETTINGS),
    /// counted from the time known when the connection started. Slowloris defence:
    /// GOAWAY PROTOCOL_ERROR ([`Timeout::Preface`]; RFC 9113 3.4 makes an invalid
    /// preface a PROTOCOL_ERROR, and one never completed is not valid). Default `None`.
    pub preface: Option<Duration>,
    /// How long a header block (HEADERS or PUSH_PROMISE and its CONTINUATIONs) may stay
    /// incomplete. While it is, no other frame may be received (RFC 9113 6.10), so a
    /// peer that stops mid-block holds the connection: GOAWAY ENHANCE_YOUR_CALM
    /// ([`Timeout::HeaderBlock`]; RFC 9113 10.5: suspicious activity). Default `None`.
    pub header_block: Option<Duration>,
}

impl Timeouts {
    /// Values for a server facing the open internet: preface and header block 10 s
    /// (a legitimate peer sends both in one round trip), SETTINGS ACK 10 s, graceful
    /// shutdown 30 s. Keep-alive and idle timeout stay off (they depend on the
    /// application).
    pub fn recommended() -> Timeouts {
        Timeouts {
            keep_alive: None,
            settings_ack: Some(Duration::from_secs(10)),
            idle: None,
            graceful_shutdown: Some(Duration::from_secs(30)),
            preface: Some(Duration::from_secs(10)),
            header_block: Some(Duration::from_secs(10)),
        }
    }
}

/// Keep-alive PINGs ([`Timeouts::keep_alive`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    /// How often to send a PING (see [`mode`](KeepAlive::mode)).
    pub interval: Duration,
    /// How long to wait for the PING's ACK before ending the connection with GOAWAY
    /// NO_ERROR. NO_ERROR because the peer broke no rule (RFC 9113 6.7 asks for an ACK
    /// but sets no deadline), and the GOAWAY is a courtesy a dead peer will not read;
    /// the reason is in the GOAWAY's debug data and in [`Connection::timed_out`].
    pub timeout: Duration,
    /// When PINGs go out.
    pub mode: KeepAliveMode,
}

impl KeepAlive {
    /// PING after `interval` without receiving anything, 20 s to answer (hyper's
    /// default keep-alive timeout), [`KeepAliveMode::WhenQuiet`].
    pub fn new(interval: Duration) -> KeepAlive {
        KeepAlive {
            interval,
            timeout: Duration::from_secs(20),
            mode: KeepAliveMode::WhenQuiet,
        }
    }
}

/// When keep-alive PINGs go out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepAliveMode {
    /// Only when nothing was received for `interval`: received bytes already prove the
    /// peer is alive (hyper's behaviour).
    WhenQuiet,
    /// Every `interval` (after the previous PING's ACK), whatever the traffic.
    Always,
}

/// Which timer ended a connection ([`Connection::timed_out`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Timeout {
    /// The peer did not complete its connection preface in time.
    Preface,
    /// Our SETTINGS was not acknowledged in time.
    SettingsAck,
    /// A header block stayed incomplete too long.
    HeaderBlock,
    /// A keep-alive PING was not acknowledged in time.
    KeepAlive,
    /// No stream was open for the idle timeout.
    Idle,
    /// The graceful shutdown's deadline passed with streams still open.
    GracefulShutdown,
}

impl Timeout {
    /// The GOAWAY error code this timeout sends.
    pub fn error_code(self) -> ErrorCode {
        match self {
            Timeout::Preface => ErrorCode::PROTOCOL_ERROR,
            Timeout::SettingsAck => ErrorCode::SETTINGS_TIMEOUT,
            Timeout::HeaderBlock => ErrorCode::ENHANCE_YOUR_CALM,
            Timeout::KeepAlive | Timeout::Idle | Timeout::GracefulShutdown => ErrorCode::NO_ERROR,
        }
    }

    /// The reason, sent as the GOAWAY's debug data.
    pub fn why(self) -> &'static str {
        match self {
            Timeout::Preface => "connection preface not completed in time",
            Timeout::SettingsAck => "SETTINGS not acknowledged in time",
            Timeout::HeaderBlock => "header block not completed in time",
            Timeout::KeepAlive => "keep-alive PING not acknowledged in time",
            Timeout::Idle => "idle timeout",
            Timeout::GracefulShutdown => "graceful shutdown deadline",
        }
    }
}

/// The timer table's rows. `KeepAlive` is when the next keep-alive PING is due; the
/// others end the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timer {
    Preface,
    SettingsAck,
    HeaderBlock,
    KeepAlivePing,
    KeepAliveAck,
    Idle,
    GracefulShutdown,
}

impl Timer {
    const COUNT: usize = 7;
    /// Firing order when several are due at once.
    const ALL: [Timer; Timer::COUNT] = [
        Timer::Preface,
        Timer::SettingsAck,
        Timer::HeaderBlock,
        Timer::KeepAliveAck,
        Timer::GracefulShutdown,
        Timer::Idle,
        Timer::KeepAlivePing,
    ];
}

/// Everything time-based a connection keeps.
#[derive(Clone, Debug, Default)]
pub(crate) struct Clock {
    /// The latest time the caller gave.
    pub(crate) now: Option<Instant>,
    deadlines: [Option<Instant>; Timer::COUNT],
    /// What each deadline was set for (a stream id, a counter): a changed key re-arms.
    keys: [u64; Timer::COUNT],
    /// The keep-alive PING awaiting its ACK.
    keep_alive_ping: Option<[u8; 8]>,
    keep_alive_count: u32,
    /// When each SETTINGS awaiting its ACK was sent (in `local.pending` order).
    settings_sent: VecDeque<Option<Instant>>,
    pings: PingTable,
    rtt: Rtt,
    pub(crate) bdp: Bdp,
    pub(crate) rates: RateGuard,
    expired: Option<Timeout>,
}

impl Clock {
    fn arm(&mut self, timer: Timer, at: Option<Instant>, key: u64) {
        self.deadlines[timer as usize] = at;
        self.keys[timer as usize] = key;
    }

    fn disarm(&mut self, timer: Timer) {
        self.deadlines[timer as usize] = None;
    }

    /// Arms `timer` at `now + after` while `condition` holds (once per `key`), disarms it
    /// otherwise. A deadline past the end of `Instant` never fires.
    fn arm_while(&mut self, timer: Timer, condition: bool, after: Option<Duration>, key: u64) {
        let (Some(now), Some(after), true) = (self.now, after, condition) else {
            self.disarm(timer);
            return;
        };
        let slot = timer as usize;
        if self.deadlines[slot].is_none() || self.keys[slot] != key {
            self.arm(timer, now.checked_add(after), key);
        }
    }

    pub(crate) fn on_settings_sent(&mut self) {
        self.settings_sent.push_back(self.now);
    }

    pub(crate) fn on_ping_sent(&mut self, payload: [u8; 8]) {
        self.pings.on_sent(payload, self.now);
    }
}

impl Connection {
    // ------------------------------------------------------------ time: inputs

    /// Tells the connection the time. Call it with the time you read bytes, before
    /// [`receive_data`](Connection::receive_data), when anything time-based is on
    /// ([`Config::timeouts`](crate::Config), the adaptive window, rate limits, RTT).
    ///
    /// The connection never reads a clock: its "now" is the latest time given here or
    /// to [`handle_timeout`](Connection::handle_timeout), and whatever happens in the
    /// calls that follow is stamped with it: a received PING or SETTINGS ACK (the RTT
    /// sample ends there), a header block left incomplete, the last stream closing, a
    /// SETTINGS or PING sent (stamped when queued by `initiate_connection`,
    /// `update_settings`, [`ping`](Connection::ping) or a keep-alive, not when written:
    /// if time passed, give it again first, or [`rtt`](Connection::rtt) counts the gap).
    /// An `Instant` earlier than one given before is ignored (time never goes backwards).
    /// Timers whose condition began before any time was given start at the first time
    /// given. A timer never fires early: its deadline counts
    /// from the first time the connection sees its condition (after an input, output or
    /// time call), so it may fire late by the time between that and the event.
    ///
    /// Cheap; never sends anything by itself (timers fire only in
    /// [`handle_timeout`](Connection::handle_timeout)). Our own PINGs (keep-alive,
    /// adaptive window, graceful shutdown) are answered by ACKs the caller also sees as
    /// [`Event::PingAckReceived`].
    pub fn set_now(&mut self, now: Instant) {
        if self.clock.now.is_none_or(|known| now > known) {
            self.clock.now = Some(now);
        }
        self.sync_timers();
    }

    /// Sets the time (as [`set_now`](Connection::set_now)) and runs every timer due by
    /// then; returns what happened. Call it when [`poll_timeout`](Connection::poll_timeout)'s
    /// instant is reached (calling it earlier, or more often, is harmless), then take the
    /// output: a keep-alive PING, or the GOAWAY of a timer that ended the connection.
    ///
    /// Events: [`Event::ConnectionTerminated`] (`remote: false`) when a timer ended the
    /// connection ([`timed_out`](Connection::timed_out) says which), preceded by
    /// [`Event::StreamReset`] for each stream the graceful-shutdown deadline cut off.
    /// Nothing once the connection is closed.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<Event> {
        let mut events = Vec::new();
        self.handle_timeout_into(now, &mut events);
        events
    }

    /// Like [`handle_timeout`](Connection::handle_timeout), appending to a caller's
    /// vector.
    pub fn handle_timeout_into(&mut self, now: Instant, events: &mut Vec<Event>) {
        self.set_now(now);
        let Some(now) = self.clock.now else {
            return;
        };
        for timer in Timer::ALL {
            if self.phase == Phase::Closed {
                break;
            }
            if self.clock.deadlines[timer as usize].is_some_and(|at| at <= now) {
                self.clock.disarm(timer);
                self.fire(timer, now, events);
            }
        }
        self.sync_timers();
    }

    // ------------------------------------------------------------ time: outputs, getters

    /// When to call [`handle_timeout`](Connection::handle_timeout) next; `None` when no
    /// timer runs (none configured, no time given yet, or the connection is closed).
    /// Ask again after each input, command and output call: they start and stop timers.
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        self.sync_timers();
        self.clock.deadlines.iter().flatten().min().copied()
    }

    /// The latest time given with [`set_now`](Connection::set_now) or
    /// [`handle_timeout`](Connection::handle_timeout).
    pub fn now(&self) -> Option<Instant> {
        self.clock.now
    }

    /// The smoothed round-trip time (RFC 6298 gain 1/8), from the ACKs of our PINGs
    /// ([`ping`](Connection::ping), keep-alive, adaptive window, graceful shutdown) and
    /// of our SETTINGS, each timed with the times given to
    /// [`set_now`](Connection::set_now). `None` before the first sample. A SETTINGS
    /// round trip includes the peer's processing of it, so it may read a little high.
    pub fn rtt(&self) -> Option<Duration> {
        self.clock.rtt.smoothed()
    }

    /// The most recent round-trip sample (see [`rtt`](Connection::rtt)).
    pub fn latest_rtt(&self) -> Option<Duration> {
        self.clock.rtt.latest()
    }

    /// Which timer ended the connection, if one did.
    pub fn timed_out(&self) -> Option<Timeout> {
        self.clock.expired
    }

    // ------------------------------------------------------------ hooks

    /// After `receive_*`: the peer is alive, DATA may start a BDP measurement, timers
    /// follow the new state.
    pub(crate) fn after_receive(&mut self, got_bytes: bool, events: &[Event]) {
        if self.phase == Phase::Closed {
            self.sync_timers();
            return;
        }
        if got_bytes {
            if let (Some(ka), Some(now)) = (self.config.timeouts.keep_alive, self.clock.now) {
                if ka.mode == KeepAliveMode::WhenQuiet && self.clock.keep_alive_ping.is_none() {
                    let key = self.clock.keys[Timer::KeepAlivePing as usize];
                    self.clock
                        .arm(Timer::KeepAlivePing, now.checked_add(ka.interval), key);
                }
            }
        }
        if self.config.adaptive_window.is_some() {
            let octets: u64 = events
                .iter()
                .map(|e| match e {
                    Event::DataReceived {
                        flow_controlled_length,
                        ..
                    } => u64::from(*flow_controlled_length),
                    _ => 0,
                })
                .sum();
            self.bdp_on_data(octets);
        }
        self.sync_timers();
    }

    /// A PING ACK arrived: an RTT sample, the keep-alive answered, a BDP estimate.
    pub(crate) fn on_ping_ack_timed(&mut self, payload: [u8; 8]) {
        let now = self.clock.now;
        let bdp_sample = self.clock.bdp_ping_sent(payload);
        if let Some(rtt) = self.clock.pings.on_ack(payload, now).or(bdp_sample) {
            self.clock.rtt.sample(rtt);
        }
        if self.clock.keep_alive_ping == Some(payload) {
            self.clock.keep_alive_ping = None;
            self.clock.disarm(Timer::KeepAliveAck);
            self.clock.disarm(Timer::KeepAlivePing);
        }
        self.bdp_on_ping_ack(payload);
    }

    /// Our oldest outstanding SETTINGS was acknowledged: an RTT sample, and the next
    /// SETTINGS (if any) gets its own deadline.
    pub(crate) fn on_settings_ack_timed(&mut self) {
        let sent = self.clock.settings_sent.pop_front().flatten();
        if let (Some(sent), Some(now)) = (sent, self.clock.now) {
            if let Some(rtt) = now.checked_duration_since(sent) {
                self.clock.rtt.sample(rtt);
            }
        }
        self.clock.disarm(Timer::SettingsAck);
    }

    /// Starts and stops timers from the connection's state.
    pub(crate) fn sync_timers(&mut self) {
        // Without a clock no timer runs: the common case of callers that never pass the
        // time, on every call that takes or feeds bytes. Nothing is armed without one
        // (every deadline is counted from `now`, which once set stays set), so there is
        // nothing to clear either.
        if self.clock.now.is_none() {
            debug_assert!(self.clock.deadlines.iter().all(Option::is_none));
            return;
        }
        if matches!(self.phase, Phase::Closed | Phase::NotStarted) {
            self.clock.deadlines = [None; Timer::COUNT];
            return;
        }
        let t = self.config.timeouts;
        let clock = &mut self.clock;
        let awaiting = matches!(
            self.phase,
            Phase::AwaitingPreface { .. } | Phase::AwaitingSettings
        );
        clock.arm_while(Timer::Preface, awaiting, t.preface, 0);
        let block = self.hpack_in.in_progress();
        let block_key = block.map_or(0, |id| u64::from(id.value()));
        clock.arm_while(
            Timer::HeaderBlock,
            block.is_some(),
            t.header_block,
            block_key,
        );
        // Idle: no open stream; any stream opened since re-arms it.
        let open = self.streams.open_inbound() + self.streams.open_outbound();
        let idle_key = (u64::from(self.streams.highest_inbound.value()) << 32)
            | u64::from(self.streams.highest_outbound.value());
        let idle = self.phase == Phase::Open && open == 0 && self.goaway_sent.is_none();
        clock.arm_while(Timer::Idle, idle, t.idle, idle_key);
        clock.arm_while(
            Timer::GracefulShutdown,
            self.goaway_sent.is_some(),
            t.graceful_shutdown,
            0,
        );
        // SETTINGS ACK: counted from when the oldest unacknowledged SETTINGS was sent.
        let oldest = self
            .local
            .pending
            .front()
            .map(|_| clock.settings_sent.front().copied().flatten().or(clock.now));
        match (oldest, t.settings_ack) {
            (Some(sent), Some(after)) => {
                if clock.deadlines[Timer::SettingsAck as usize].is_none() {
                    let at = sent.and_then(|s| s.checked_add(after));
                    clock.arm(Timer::SettingsAck, at, 0);
                }
            }
            _ => clock.disarm(Timer::SettingsAck),
        }
        // Keep-alive: the next PING is due `interval` after the last activity.
        match t.keep_alive {
            Some(ka) if self.phase == Phase::Open => {
                let waiting = clock.keep_alive_ping.is_some();
                clock.arm_while(Timer::KeepAlivePing, !waiting, Some(ka.interval), 0);
                if !waiting {
                    clock.disarm(Timer::KeepAliveAck);
                }
            }
            _ => {
                clock.disarm(Timer::KeepAlivePing);
                clock.disarm(Timer::KeepAliveAck);
            }
        }
    }

    fn fire(&mut self, timer: Timer, now: Instant, events: &mut Vec<Event>) {
        let expire = match timer {
            Timer::Preface => Timeout::Preface,
            Timer::SettingsAck => Timeout::SettingsAck,
            Timer::HeaderBlock => Timeout::HeaderBlock,
            Timer::KeepAliveAck => Timeout::KeepAlive,
            Timer::Idle => Timeout::Idle,
            Timer::GracefulShutdown => {
                // RFC 9113 6.8: the final GOAWAY; streams still open are cut off.
                for id in self.streams.active_ids() {
                    let _ = self
                        .streams
                        .with(id, |e| e.stream.on_local_reset(ErrorCode::CANCEL));
                    events.push(Event::StreamReset {
                        stream_id: id,
                        error_code: ErrorCode::CANCEL,
                        remote_reset: false,
                    });
                }
                Timeout::GracefulShutdown
            }
            Timer::KeepAlivePing => {
                let Some(ka) = self.config.timeouts.keep_alive else {
                    return;
                };
                self.send_keep_alive(ka, now);
                return;
            }
        };
        self.clock.expired = Some(expire);
        self.connection_error(expire.error_code(), expire.why(), events);
    }

    /// RFC 9113 6.7: a PING whose ACK must come back within `ka.timeout`.
    fn send_keep_alive(&mut self, ka: KeepAlive, now: Instant) {
        let clock = &mut self.clock;
        clock.keep_alive_count = clock.keep_alive_count.wrapping_add(1);
        let mut payload = *b"h2ka\0\0\0\0";
        payload[4..].copy_from_slice(&clock.keep_alive_count.to_be_bytes());
        clock.keep_alive_ping = Some(payload);
        clock.pings.on_sent(payload, Some(now));
        clock.arm(Timer::KeepAliveAck, now.checked_add(ka.timeout), 0);
        self.write_frame(&Frame::Ping(Ping {
            ack: false,
            payload,
        }));
    }
}

impl Clock {
    /// The round trip of the BDP PING this ACK answers (it is not in the PING table).
    fn bdp_ping_sent(&self, payload: [u8; 8]) -> Option<Duration> {
        let (sent_payload, sent) = self.bdp.outstanding()?;
        (sent_payload == payload)
            .then(|| self.now?.checked_duration_since(sent))
            .flatten()
    }
}
