//! Stream flow-control windows (RFC 9113 5.2, 6.9).

use h2_frame::MAX_WINDOW_SIZE;

/// A flow-control window with the signed 32-bit semantics of RFC 9113 6.9.2.
///
/// The window never exceeds 2^31-1 (RFC 9113 6.9.1) and may become negative when
/// SETTINGS_INITIAL_WINDOW_SIZE shrinks while data is in flight (RFC 9113 6.9.2: "a change
/// to SETTINGS_INITIAL_WINDOW_SIZE can cause the available space in a flow-control window
/// to become negative"). All arithmetic is checked in `i64`, so it never wraps.
///
/// ```
/// use h2_stream::Window;
/// let mut w = Window::new(65_535);
/// w.decrease(65_535).unwrap();
/// w.adjust(-1_000).unwrap();            // INITIAL_WINDOW_SIZE shrank by 1000
/// assert_eq!(w.available(), -1_000);
/// assert!(w.decrease(1).is_err());      // nothing may be sent
/// w.increase(2_000).unwrap();
/// assert_eq!(w.available(), 1_000);
/// assert!(w.increase(0x7fff_ffff).is_err()); // past 2^31-1
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window(i32);

/// A window would exceed 2^31-1 (RFC 9113 6.9.1), or fall below -2^31.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("flow-control window would exceed 2^31-1")]
pub struct WindowOverflow;

/// More was consumed than the window allows (RFC 9113 6.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("flow-controlled frame exceeds the flow-control window")]
pub struct WindowUnderflow;

impl Window {
    /// A window of `size` octets; sizes above 2^31-1 are clamped to 2^31-1 (the largest
    /// value SETTINGS_INITIAL_WINDOW_SIZE may take, RFC 9113 6.5.2).
    pub const fn new(size: u32) -> Window {
        if size > MAX_WINDOW_SIZE {
            Window(MAX_WINDOW_SIZE as i32)
        } else {
            Window(size as i32)
        }
    }

    /// The octets that may still be sent (or received); negative after a shrink.
    pub const fn available(self) -> i32 {
        self.0
    }

    /// Adds credit from a WINDOW_UPDATE. Fails, changing nothing, when the result would
    /// exceed 2^31-1 (RFC 9113 6.9.1).
    pub fn increase(&mut self, n: u32) -> Result<(), WindowOverflow> {
        let next = i64::from(self.0) + i64::from(n);
        if next > i64::from(MAX_WINDOW_SIZE) {
            return Err(WindowOverflow);
        }
        self.0 = next as i32;
        Ok(())
    }

    /// Consumes `n` octets of a flow-controlled frame. Fails, changing nothing, when `n`
    /// exceeds what is available. A zero-length frame is always allowed, even on a
    /// negative window.
    pub fn decrease(&mut self, n: u32) -> Result<(), WindowUnderflow> {
        if n == 0 {
            return Ok(());
        }
        let next = i64::from(self.0) - i64::from(n);
        if next < 0 {
            return Err(WindowUnderflow);
        }
        self.0 = next as i32;
        Ok(())
    }

    /// Applies the difference between a new and an old SETTINGS_INITIAL_WINDOW_SIZE
    /// (RFC 9113 6.9.2). The window may become negative; it must not exceed 2^31-1 ("An
    /// endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes any
    /// flow-control window to exceed the maximum size as a connection error of type
    /// FLOW_CONTROL_ERROR"). Fails, changing nothing, on overflow either way.
    pub fn adjust(&mut self, delta: i64) -> Result<(), WindowOverflow> {
        let next = i64::from(self.0).checked_add(delta).ok_or(WindowOverflow)?;
        if next > i64::from(MAX_WINDOW_SIZE) || next < i64::from(i32::MIN) {
            return Err(WindowOverflow);
        }
        self.0 = next as i32;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9113_6_9_1_increase_past_max_is_overflow() {
        let mut w = Window::new(MAX_WINDOW_SIZE);
        assert_eq!(w.increase(1), Err(WindowOverflow));
        assert_eq!(w.available(), MAX_WINDOW_SIZE as i32);
        let mut w = Window::new(0);
        assert!(w.increase(MAX_WINDOW_SIZE).is_ok());
    }

    #[test]
    fn rfc9113_6_9_decrease_beyond_window_is_underflow() {
        let mut w = Window::new(10);
        assert_eq!(w.decrease(11), Err(WindowUnderflow));
        assert_eq!(w.available(), 10);
        assert!(w.decrease(10).is_ok());
        assert_eq!(w.available(), 0);
        assert!(w.decrease(0).is_ok());
    }

    #[test]
    fn rfc9113_6_9_2_initial_window_change_may_go_negative() {
        let mut w = Window::new(100);
        w.decrease(100).unwrap();
        w.adjust(-65_535).unwrap();
        assert_eq!(w.available(), -65_535);
        assert!(w.decrease(0).is_ok());
        assert_eq!(w.decrease(1), Err(WindowUnderflow));
        w.adjust(65_535 + 7).unwrap();
        assert_eq!(w.available(), 7);
    }

    #[test]
    fn rfc9113_6_9_2_initial_window_change_past_max_is_overflow() {
        let mut w = Window::new(MAX_WINDOW_SIZE - 5);
        assert_eq!(w.adjust(6), Err(WindowOverflow));
        assert_eq!(w.adjust(i64::MIN), Err(WindowOverflow));
        assert_eq!(w.adjust(i64::MAX), Err(WindowOverflow));
        assert_eq!(w.available(), (MAX_WINDOW_SIZE - 5) as i32);
    }

    #[test]
    fn new_clamps_to_max() {
        assert_eq!(Window::new(u32::MAX).available(), MAX_WINDOW_SIZE as i32);
    }
}
