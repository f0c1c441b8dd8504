//! Time-based flood limits: the same abusive patterns [`Limits`](crate::Limits) counts
//! per window of received frames, counted per second of the caller's clock instead, so a
//! peer cannot dilute an attack by sending cheap filler frames between the abusive ones.

use crate::limits::Flood;
use std::time::{Duration, Instant};

/// Optional per-second caps on abusive frame patterns, next to the frame-count windows of
/// [`Limits`](crate::Limits) (which stay in force). Going over one ends the connection
/// with GOAWAY ENHANCE_YOUR_CALM (RFC 9113 10.5: "An endpoint MAY treat activity that is
/// suspicious as a connection error of type ENHANCE_YOUR_CALM").
///
/// Counted in one-second windows of the time the caller passes in
/// ([`Connection::set_now`](crate::Connection::set_now) /
/// [`handle_timeout`](crate::Connection::handle_timeout)); a window starts at the first
/// counted frame after the previous one ended. A connection that is never told the time
/// does not apply them.
///
/// All `None` (off) by default: the frame-count windows already stop the known floods,
/// and a per-second cap depends on the deployment (a proxy multiplexing many users may
/// legitimately see hundreds of resets a second on one connection).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Streams the peer resets with RST_STREAM per second (Rapid Reset,
    /// CVE-2023-44487). Default `None`.
    pub max_remote_resets_per_second: Option<u32>,
    /// Streams we reset because of peer faults per second (CVE-2019-9514). Default
    /// `None`.
    pub max_local_resets_per_second: Option<u32>,
    /// PING frames per second (ping flood, CVE-2019-9512). Default `None`.
    pub max_pings_per_second: Option<u32>,
    /// SETTINGS frames per second (settings flood, CVE-2019-9515). Default `None`.
    pub max_settings_per_second: Option<u32>,
    /// Empty DATA/HEADERS/CONTINUATION frames per second (CVE-2019-9518). Default
    /// `None`.
    pub max_empty_frames_per_second: Option<u32>,
}

impl RateLimits {
    fn slot(&self, kind: Flood) -> Option<(usize, u32)> {
        let (i, limit) = match kind {
            Flood::RemoteReset => (0, self.max_remote_resets_per_second),
            Flood::LocalReset => (1, self.max_local_resets_per_second),
            Flood::Ping => (2, self.max_pings_per_second),
            Flood::Settings => (3, self.max_settings_per_second),
            Flood::EmptyFrame => (4, self.max_empty_frames_per_second),
            Flood::Priority | Flood::WindowUpdate => return None,
        };
        limit.map(|l| (i, l))
    }
}

/// Counts per one-second window.
#[derive(Clone, Debug, Default)]
pub(crate) struct RateGuard {
    start: Option<Instant>,
    counts: [u32; 5],
}

impl RateGuard {
    /// Counts one occurrence at `now`; `Err` when over the per-second cap.
    pub(crate) fn count(
        &mut self,
        kind: Flood,
        now: Option<Instant>,
        limits: &RateLimits,
    ) -> Result<(), Flood> {
        let (Some((i, limit)), Some(now)) = (limits.slot(kind), now) else {
            return Ok(());
        };
        let expired = self
            .start
            .is_none_or(|s| now.checked_duration_since(s) >= Some(Duration::from_secs(1)));
        if expired {
            self.start = Some(now);
            self.counts = [0; 5];
        }
        self.counts[i] += 1;
        if self.counts[i] > limit {
            Err(kind)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_second_of_the_callers_clock() {
        let limits = RateLimits {
            max_pings_per_second: Some(2),
            ..RateLimits::default()
        };
        let t0 = Instant::now();
        let mut guard = RateGuard::default();
        assert!(guard.count(Flood::Ping, Some(t0), &limits).is_ok());
        assert!(guard.count(Flood::Ping, Some(t0), &limits).is_ok());
        // Not limited, or no clock: never counted.
        assert!(guard.count(Flood::Settings, Some(t0), &limits).is_ok());
        assert!(guard.count(Flood::Ping, None, &limits).is_ok());
        let almost = t0 + Duration::from_millis(999);
        assert_eq!(
            guard.count(Flood::Ping, Some(almost), &limits),
            Err(Flood::Ping)
        );
        let next = t0 + Duration::from_secs(1);
        assert!(guard.count(Flood::Ping, Some(next), &limits).is_ok());
    }
}
