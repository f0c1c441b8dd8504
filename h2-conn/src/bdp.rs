//! Adaptive receive window: grows the connection and stream receive windows from a
//! bandwidth-delay-product estimate, measured with PINGs (as hyperium `h2` and gRPC do).
//!
//! While DATA arrives, one "BDP PING" is outstanding at a time; the DATA octets that
//! arrive between sending it and its ACK are what the link delivered in one round trip
//! with the current window. When that is at least 2/3 of the window, the window is what
//! limits the transfer: it is doubled (to twice the octets seen, at most
//! [`AdaptiveWindow::max_window`]). A sample whose bandwidth is below the best seen so far
//! is ignored, so an ACK delayed by a busy peer does not grow the window.

use crate::connection::{Connection, Phase};
use h2_frame::{Frame, Ping, SettingId, Settings, StreamId, WindowUpdate, MAX_WINDOW_SIZE};
use std::time::Instant;

/// Turns on the adaptive receive window ([`Config::adaptive_window`](crate::Config)).
///
/// The connection then grows, never shrinks, its receive windows: the connection window
/// with WINDOW_UPDATE and every stream's with a new SETTINGS_INITIAL_WINDOW_SIZE (RFC
/// 9113 6.9.2: it applies to open streams too). It needs the time: tell the connection
/// the time you read bytes ([`Connection::set_now`]) before each
/// [`receive_data`](Connection::receive_data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdaptiveWindow {
    /// The largest window it grows to (connection and each stream), in octets; at most
    /// 2^31-1. Default 16 MiB, as hyperium `h2`: enough for 1 Gbit/s at 130 ms.
    pub max_window: u32,
}

impl Default for AdaptiveWindow {
    fn default() -> Self {
        AdaptiveWindow {
            max_window: 16 << 20,
        }
    }
}

/// The estimator's state.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bdp {
    /// The window in force (0 until the first DATA).
    window: u32,
    /// DATA octets received since the outstanding BDP PING was sent.
    bytes: u64,
    /// The outstanding BDP PING: payload and when it was sent.
    ping: Option<([u8; 8], Instant)>,
    /// Best bandwidth seen, octets per second.
    max_bandwidth: f64,
    counter: u32,
}

impl Bdp {
    /// The BDP PING awaiting its ACK.
    pub(crate) fn outstanding(&self) -> Option<([u8; 8], Instant)> {
        self.ping
    }
}

impl Connection {
    /// After received DATA (`octets` flow-controlled): counts it and starts a measurement
    /// if none is running.
    pub(crate) fn bdp_on_data(&mut self, octets: u64) {
        let (Some(cfg), Some(now)) = (self.config.adaptive_window, self.clock.now) else {
            return;
        };
        if octets == 0 || self.phase != Phase::Open {
            return;
        }
        if self.clock.bdp.window == 0 {
            self.clock.bdp.window = self.recv_target.min(self.stream_window_target());
        }
        let bdp = &mut self.clock.bdp;
        if bdp.ping.is_some() {
            bdp.bytes += octets;
            return;
        }
        if bdp.window >= cfg.max_window.min(MAX_WINDOW_SIZE) {
            return; // nothing left to grow
        }
        bdp.counter = bdp.counter.wrapping_add(1);
        let mut payload = *b"h2bdp\0\0\0";
        payload[5..].copy_from_slice(&bdp.counter.to_be_bytes()[1..]);
        bdp.ping = Some((payload, now));
        bdp.bytes = octets;
        self.write_frame(&Frame::Ping(Ping {
            ack: false,
            payload,
        }));
    }

    /// A PING ACK: if it answers the BDP PING, estimate and maybe grow the windows.
    pub(crate) fn bdp_on_ping_ack(&mut self, payload: [u8; 8]) {
        let bdp = &mut self.clock.bdp;
        let Some((sent_payload, sent)) = bdp.ping else {
            return;
        };
        if sent_payload != payload {
            return;
        }
        bdp.ping = None;
        let (Some(cfg), Some(now)) = (self.config.adaptive_window, self.clock.now) else {
            return;
        };
        let rtt = now.saturating_duration_since(sent).as_secs_f64().max(1e-6);
        let bytes = std::mem::take(&mut bdp.bytes);
        let bandwidth = bytes as f64 / rtt;
        if bandwidth < bdp.max_bandwidth {
            return;
        }
        bdp.max_bandwidth = bandwidth;
        if bytes < u64::from(bdp.window) * 2 / 3 {
            return;
        }
        let max = cfg.max_window.min(MAX_WINDOW_SIZE);
        let new = u32::try_from(bytes.saturating_mul(2)).map_or(max, |b| b.min(max));
        if new > bdp.window {
            bdp.window = new;
            self.grow_receive_windows(new);
        }
    }

    /// Raises the connection receive window and the initial stream window to `size`.
    fn grow_receive_windows(&mut self, size: u32) {
        if size > self.recv_target {
            let increment = size - self.recv_target;
            if self.recv_flow.window.increase(increment).is_ok() {
                self.recv_target = size;
                self.write_frame(&Frame::WindowUpdate(WindowUpdate {
                    stream_id: StreamId::ZERO,
                    increment,
                }));
            }
        }
        if size > self.stream_window_target() {
            let mut settings = Settings::new();
            settings.set(SettingId::INITIAL_WINDOW_SIZE, size);
            // Refused only when too many SETTINGS await acknowledgement: try next time.
            let _ = self.update_settings(settings);
        }
    }

    /// The stream window we asked for last (acknowledged or not).
    fn stream_window_target(&self) -> u32 {
        self.local
            .pending
            .iter()
            .filter_map(|s| s.get(SettingId::INITIAL_WINDOW_SIZE))
            .next_back()
            .unwrap_or(self.local.current.initial_window_size())
    }
}
