//! Receive-side window management: when data the application has consumed is given back
//! to the peer with WINDOW_UPDATE.

use h2_stream::Window;

/// Decides when to return consumed receive window to the peer.
///
/// The connection keeps, for the connection and for each stream, how many bytes the
/// application acknowledged (`Connection::acknowledge_received_data`) but that were not
/// yet returned. After each acknowledgement it asks the policy how much to return now.
/// Replace the default ([`HalfConsumed`]) with [`Manual`] to send every WINDOW_UPDATE
/// yourself (`Connection::increment_flow_control_window`), or with your own policy.
pub trait WindowPolicy: Send + Sync {
    /// `target` is the window size we want the peer to have (our initial window for a
    /// stream, the connection window we opened), `window` what it has now, `pending` the
    /// bytes acknowledged but not returned. Returns the increment to send now (at most
    /// `pending`), or `None` to wait.
    fn increment(&self, target: u32, window: Window, pending: u32) -> Option<u32>;
}

/// Like hyper-h2's `WindowManager`: return the acknowledged bytes once at least half of
/// the target window has been consumed and acknowledged, or earlier when the window is
/// nearly shut, so a peer is never stalled on a window we could have reopened.
#[derive(Clone, Copy, Debug, Default)]
pub struct HalfConsumed;

impl WindowPolicy for HalfConsumed {
    fn increment(&self, target: u32, window: Window, pending: u32) -> Option<u32> {
        if pending == 0 {
            return None;
        }
        // A window nearly shut is reopened early, but never by less than 1/16 of the
        // target: acknowledging every DATA frame must not become one WINDOW_UPDATE each.
        let nearly_shut = i64::from(window.available()) < i64::from(target / 4);
        if pending >= target / 2 || (nearly_shut && pending >= (target / 16).max(1)) {
            Some(pending)
        } else {
            None
        }
    }
}

/// hyper-h2's `WindowManager` rule: return the window once half of it was consumed, or,
/// when the window is shut, once more than 1,024 octets (a quarter of a smaller window)
/// were consumed, so a stream cannot stall. Used by [`Config::hyper_h2`](crate::Config::hyper_h2)
/// so WINDOW_UPDATE frames go out exactly when hyper-h2 sends them.
#[derive(Clone, Copy, Debug, Default)]
pub struct HyperH2Windows;

impl WindowPolicy for HyperH2Windows {
    fn increment(&self, target: u32, window: Window, pending: u32) -> Option<u32> {
        if pending == 0 {
            return None;
        }
        let available = i64::from(window.available());
        let room = (i64::from(target) - available).max(0);
        let shut = available <= 0 && pending > 1024.min(target / 4);
        if shut || pending >= target / 2 {
            let n = i64::from(pending).min(room);
            u32::try_from(n).ok().filter(|&n| n > 0)
        } else {
            None
        }
    }
}

/// Never send WINDOW_UPDATE automatically.
#[derive(Clone, Copy, Debug, Default)]
pub struct Manual;

impl WindowPolicy for Manual {
    fn increment(&self, _target: u32, _window: Window, _pending: u32) -> Option<u32> {
        None
    }
}

/// One receive window and its bookkeeping.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RecvFlow {
    /// What the peer may still send.
    pub(crate) window: Window,
    /// Acknowledged by the application, not yet returned with WINDOW_UPDATE.
    pub(crate) pending: u32,
}

impl RecvFlow {
    pub(crate) fn new(size: u32) -> RecvFlow {
        RecvFlow {
            window: Window::new(size),
            pending: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_consumed_returns_half_a_window_at_once() {
        let target = 65_535;
        assert_eq!(
            HalfConsumed.increment(target, Window::new(40_000), 20_000),
            None
        );
        assert_eq!(
            HalfConsumed.increment(target, Window::new(30_000), 32_767),
            Some(32_767)
        );
        assert_eq!(HalfConsumed.increment(target, Window::new(0), 0), None);
    }

    /// A reader that acknowledges every 16 KiB frame of a 16 MiB window must not send a
    /// WINDOW_UPDATE per frame once the window runs low.
    #[test]
    fn half_consumed_does_not_chatter_when_nearly_shut() {
        let target = 16 << 20;
        let low = Window::new(1 << 20);
        assert_eq!(HalfConsumed.increment(target, low, 16_384), None);
        assert_eq!(HalfConsumed.increment(target, low, 1 << 20), Some(1 << 20));
    }

    #[test]
    fn hyper_h2_windows_returns_half_or_a_shut_window() {
        let target = 65_535;
        assert_eq!(
            HyperH2Windows.increment(target, Window::new(40_000), 20_000),
            None
        );
        assert_eq!(
            HyperH2Windows.increment(target, Window::new(30_000), 32_767),
            Some(32_767)
        );
        assert_eq!(
            HyperH2Windows.increment(target, Window::new(0), 1_025),
            Some(1_025)
        );
        assert_eq!(
            HyperH2Windows.increment(target, Window::new(0), 1_024),
            None
        );
        assert_eq!(HyperH2Windows.increment(target, Window::new(0), 0), None);
    }

    #[test]
    fn manual_never_returns_window() {
        assert_eq!(Manual.increment(65_535, Window::new(0), 65_535), None);
    }
}
