//! Hardening limits: bounds on what a peer can make us hold or do, and the flood guard
//! that counts abusive frame patterns over a sliding budget of received frames, and the
//! Rapid Reset count of requests reset before they were answered.

/// What a peer can make a connection hold or do, each with the response when exceeded.
/// Defaults are chosen so that browsers, curl, nghttp and h2load never come near them.
///
/// Every `max_*_per_window` counter is checked over a window of
/// [`flood_window_frames`](Limits::flood_window_frames) received frames; going over it
/// ends the connection with GOAWAY ENHANCE_YOUR_CALM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Closed streams remembered so late frames are judged correctly (RFC 9113 5.1
    /// "closed"): a fixed table of this many slots (rounded up to a power of two, 12
    /// octets each) indexed by stream id, so the most recent ids are remembered (about
    /// half the slots for each initiator) and the oldest forgotten first. Default 1,024.
    pub max_closed_streams: usize,
    /// Control frames (SETTINGS ACK, PING ACK, RST_STREAM, WINDOW_UPDATE) we may queue
    /// while the application does not take our output (`data_to_send`). A peer that
    /// floods PINGs or SETTINGS and never reads would otherwise grow this without end
    /// (CVE-2019-9512, -9515). Default 10,000.
    pub max_pending_control_frames: usize,
    /// Received frames per flood-accounting window. Default 1,000.
    pub flood_window_frames: u32,
    /// Streams the peer resets, per window (Rapid Reset, CVE-2023-44487). Default 100.
    /// A peer can dilute this one by sending other frames between its resets; see
    /// [`max_early_resets`](Limits::max_early_resets) for the count it cannot dilute.
    pub max_remote_resets_per_window: u32,
    /// Rapid Reset (CVE-2023-44487) accounting that other frames cannot dilute: how many
    /// requests the peer may have reset *before we answered them* (before we sent any
    /// HEADERS on the stream), net of the requests that completed normally. Each such
    /// early reset adds one; each stream the peer opened that closes cleanly (END_STREAM
    /// both ways) takes one off, down to zero. Going over it ends the connection with
    /// GOAWAY ENHANCE_YOUR_CALM. Server side only: it counts requests, the streams a
    /// client opens.
    ///
    /// Default 200. The count moves only with streams, never with PINGs, unknown
    /// frames or time, so padding between HEADERS + RST_STREAM pairs does not help the
    /// attacker: the 201st unanswered reset in excess of completed requests ends the
    /// connection. A browser cancels a request before its response only now and then
    /// (navigating away, aborted prefetches), at most a page's worth of streams at once
    /// (bounded by SETTINGS_MAX_CONCURRENT_STREAMS, 128 by default), and its other
    /// requests complete and pay the count back; 200 leaves room for such a burst on top
    /// of a full set of concurrent streams. hyperium `h2`'s similar
    /// `max_pending_accept_reset_streams` is 20.
    pub max_early_resets: u32,
    /// Streams we reset because of peer faults or refusals, per window (reset flood,
    /// CVE-2019-9514). Default 100.
    pub max_local_resets_per_window: u32,
    /// PINGs, per window (ping flood, CVE-2019-9512). Default 100.
    pub max_pings_per_window: u32,
    /// SETTINGS frames, per window (settings flood, CVE-2019-9515). Default 100.
    pub max_settings_per_window: u32,
    /// Empty DATA/HEADERS/CONTINUATION frames without END_STREAM/END_HEADERS, per window
    /// (empty frames flood, CVE-2019-9518). Default 100.
    pub max_empty_frames_per_window: u32,
    /// PRIORITY and PRIORITY_UPDATE frames, per window. We keep no priority tree, so no
    /// dependency loop can cost us (CVE-2019-9513); this bounds the events. Default 500.
    pub max_priority_frames_per_window: u32,
    /// WINDOW_UPDATE frames with an increment under 1 KiB, per
    /// window (data dribble, CVE-2019-9511). Larger increments are not counted: a
    /// download answers nearly every DATA frame with one, and a peer that sends them
    /// without receiving data soon overflows the window (FLOW_CONTROL_ERROR). Default 500.
    pub max_window_updates_per_window: u32,
    /// CONTINUATION frames in one header block (CONTINUATION flood). Default 64.
    pub max_continuation_frames: usize,
    /// Octets of one compressed header block while it is assembled (CONTINUATION
    /// flood). Default 2 x SETTINGS_MAX_HEADER_LIST_SIZE + 16 KiB, checked as fragments
    /// arrive.
    pub max_header_block_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_closed_streams: 1024,
            max_pending_control_frames: 10_000,
            flood_window_frames: 1000,
            max_remote_resets_per_window: 100,
            max_early_resets: 200,
            max_local_resets_per_window: 100,
            max_pings_per_window: 100,
            max_settings_per_window: 100,
            max_empty_frames_per_window: 100,
            max_priority_frames_per_window: 500,
            max_window_updates_per_window: 500,
            max_continuation_frames: 64,
            max_header_block_bytes: 2 * crate::config::DEFAULT_MAX_HEADER_LIST_SIZE as usize
                + 16_384,
        }
    }
}

/// WINDOW_UPDATE increments below this many octets count toward
/// [`Limits::max_window_updates_per_window`].
pub(crate) const SMALL_WINDOW_UPDATE: u32 = 1024;

/// The abusive patterns the flood guard counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flood {
    RemoteReset,
    LocalReset,
    Ping,
    Settings,
    EmptyFrame,
    Priority,
    WindowUpdate,
}

impl Flood {
    const COUNT: usize = 7;

    fn limit(self, limits: &Limits) -> u32 {
        match self {
            Flood::RemoteReset => limits.max_remote_resets_per_window,
            Flood::LocalReset => limits.max_local_resets_per_window,
            Flood::Ping => limits.max_pings_per_window,
            Flood::Settings => limits.max_settings_per_window,
            Flood::EmptyFrame => limits.max_empty_frames_per_window,
            Flood::Priority => limits.max_priority_frames_per_window,
            Flood::WindowUpdate => limits.max_window_updates_per_window,
        }
    }

    pub(crate) fn why(self) -> &'static str {
        match self {
            Flood::RemoteReset => "too many streams reset by the peer (rapid reset)",
            Flood::LocalReset => "too many streams reset because of peer errors",
            Flood::Ping => "too many PING frames",
            Flood::Settings => "too many SETTINGS frames",
            Flood::EmptyFrame => "too many empty frames",
            Flood::Priority => "too many PRIORITY frames",
            Flood::WindowUpdate => "too many WINDOW_UPDATE frames",
        }
    }
}

/// Rapid Reset accounting by streams rather than by frames: requests the peer reset
/// before we answered them, minus requests that completed normally (never below zero).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EarlyResets {
    outstanding: u32,
}

impl EarlyResets {
    /// Why the connection ends when [`Limits::max_early_resets`] is exceeded.
    pub(crate) const WHY: &'static str =
        "too many requests reset before they were answered (rapid reset)";

    /// The peer reset a request we had not answered; `Err` when that is one too many.
    pub(crate) fn on_early_reset(&mut self, limits: &Limits) -> Result<(), &'static str> {
        self.outstanding = self.outstanding.saturating_add(1);
        if self.outstanding > limits.max_early_resets {
            Err(Self::WHY)
        } else {
            Ok(())
        }
    }

    /// A request completed normally (END_STREAM both ways).
    pub(crate) fn on_completed(&mut self) {
        self.outstanding = self.outstanding.saturating_sub(1);
    }
}

/// Counts each [`Flood`] pattern over windows of received frames.
#[derive(Clone, Debug, Default)]
pub(crate) struct FloodGuard {
    frames: u32,
    counts: [u32; Flood::COUNT],
}

impl FloodGuard {
    /// Called once per received frame; starts a new window when the budget is spent.
    pub(crate) fn on_frame(&mut self, limits: &Limits) {
        self.frames += 1;
        if self.frames >= limits.flood_window_frames {
            *self = FloodGuard::default();
        }
    }

    /// Counts one occurrence; `Err` when the limit for this window is exceeded.
    pub(crate) fn count(&mut self, kind: Flood, limits: &Limits) -> Result<(), Flood> {
        let n = &mut self.counts[kind as usize];
        *n += 1;
        if *n > kind.limit(limits) {
            Err(kind)
        } else {
            Ok(())
        }
    }
}
