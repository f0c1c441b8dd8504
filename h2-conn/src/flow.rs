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
        let nearly_shut = i64::from(window.available()) < i64::from(target / 4);
        if pending >= target / 2 || nearly_shut {
            Some(pending)
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
